"""`gaoxin serve` (the web app) and `gaoxin user add` (local accounts)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gaoxin.commands.common import console, default_db, fail
from gaoxin.commands.data import DbOpt, open_store

# The web app (fastapi, jinja2, pypinyin …) and uvicorn are imported inside the commands that serve or touch
# users, never at module level: every other `gaoxin` command would pay for them at startup.
__all__ = ["ensure_demo_admin", "register", "serve", "serve_with_demo_admin"]  # noqa: F822 (lazy, see __getattr__)


def __getattr__(name: str):
    # `ensure_demo_admin` stays importable from here without importing the web app with this module
    if name == "ensure_demo_admin":
        from gaoxin.web.auth import ensure_demo_admin

        return ensure_demo_admin
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


user_app = typer.Typer(help="网页用户 / web users", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("serve", help="启动网页 / start the web app")(serve_cmd)
    app.add_typer(user_app, name="user")


def serve(
    db: Path | None = None, host: str = "127.0.0.1", port: int = 8000, banner: str | None = None
) -> None:
    """Serve the store at http://host:port until Ctrl-C (also called by `gaoxin demo`)."""
    import uvicorn

    from gaoxin.store import StoreError
    from gaoxin.web import create_app

    path = db or default_db()
    try:
        app = create_app(path)
    except StoreError as exc:
        fail(str(exc))
    console.print(f"[bold green]gaoxin 网页[/] http://{host}:{port}  （数据库 {path}；Ctrl-C 停止）")
    if banner:
        console.print(banner)
    # one worker: DuckDB lets a single process open the store for writing
    uvicorn.run(app, host=host, port=port, log_level="warning", workers=1)


def serve_with_demo_admin(db: Path | None = None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """What `gaoxin demo` ends with: a fresh password for the demo administrator, printed, then serve."""
    from gaoxin.demo.requests import DEPARTMENT_USERS
    from gaoxin.store import queries
    from gaoxin.web.auth import ensure_demo_admin, ensure_demo_officers

    con = open_store(db)
    try:
        name, password = ensure_demo_admin(con)
        towns = queries.enterprises(con)["town"].drop_nulls().unique().sort().to_list()
        officers = ensure_demo_officers(con, DEPARTMENT_USERS, towns[0] if towns else None)
    finally:
        con.close()
    labels = {"analyst": "企业服务专员（调度中心）", "department": "部门经办人", "town": "镇街用户"}
    lines = [f"登录 sign in: 用户名 [bold]{name}[/]  密码 [bold]{password}[/]（管理员 admin）"]
    lines.append("企业诉求办理账号 request-desk logins（密码每次启动重新生成 / fresh passwords each start）:")
    for who, role, where, pw in officers:
        lines.append(
            f"  用户名 [bold]{who:<8}[/] 密码 [bold]{pw}[/]  {labels[role]}{' · ' + where if where else ''}"
        )
    serve(db, host, port, banner="\n".join(lines))


def serve_cmd(
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="监听地址 / address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口 / port")] = 8000,
) -> None:
    serve(db, host, port)


@user_app.command("add", help="添加或重置网页用户 / add or reset a web user")
def user_add(
    name: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[
        str, typer.Option("--role", help="admin | analyst | department | town | viewer")
    ] = "viewer",
    town: Annotated[str | None, typer.Option("--town", help="镇街（town 角色必填）")] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="承办部门（department 角色必填，如 自然资源和规划局）")
    ] = None,
    password: Annotated[str | None, typer.Option("--password", help="密码（不填则自动生成并显示）")] = None,
    db: DbOpt = None,
) -> None:
    from gaoxin.store.users import ROLES
    from gaoxin.web.auth import add_user

    if role not in ROLES:
        fail(f"--role 应为 {' | '.join(ROLES)} 之一，实际为「{role}」")
    con = open_store(db)
    if role == "town" and town:
        from gaoxin.store.towns import known_towns, unknown_town_message

        refusal = unknown_town_message(town, known_towns(con))
        if refusal:
            con.close()
            fail(refusal)
    try:
        used = add_user(con, name, role, town, password, department)
    except ValueError as exc:
        fail(str(exc))
    finally:
        con.close()
    where = town if role == "town" else department if role == "department" else None
    console.print(f"已保存用户 {name}（{role}{'，' + where if where else ''}）")
    if not password:
        # shown once; the store keeps only its argon2 hash
        typer.echo(f"密码 password: {used}")
