"""`gaoxin commitments …`: 先承诺后审批 (告知承诺制) — commitments made, 审批, 核查 against the data or by an officer,
限期整改, 撤销 with a credit entry (失信) — the same code the pages call (gaoxin.cases.projects.approvals)."""

from __future__ import annotations

import getpass
from datetime import date
from typing import Annotated

import typer

from gaoxin.commands.common import JsonOption, console, fail, table
from gaoxin.commands.data import DbOpt, open_store
from gaoxin.commands.projects import FieldOpt, RoleOpt, _domain_of, _out, _pairs
from gaoxin.commands.requests import AsOpt, AtOpt, _calendar, _run, _when

app = typer.Typer(help="先承诺后审批 / approval on commitment (告知承诺制)", no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="commitments")


@app.command("add", help="登记一项告知承诺 / record a commitment")
def add(
    title: Annotated[str, typer.Option("--title", help="承诺事项（如「施工许可 告知承诺」）")],
    commitment: Annotated[str, typer.Option("--commitment", help="承诺内容")],
    due: Annotated[str, typer.Option("--due", help="核查期限 YYYY-MM-DD")],
    method: Annotated[str, typer.Option("--method", help="核查方式：书面核查 网络核验 实地调查 公示核查")],
    condition: Annotated[
        list[str],
        typer.Option("--condition", "-c", help="承诺条件，可重复；可核验的写成「说明|指标|>=|数值|年度」"),
    ],
    uscc: Annotated[str | None, typer.Option("--uscc", help="企业统一社会信用代码")] = None,
    firm: Annotated[str | None, typer.Option("--firm", help="企业名称")] = None,
    project: Annotated[str, typer.Option("--project", help="所属项目编号（XM-…）")] = "",
    actor: AsOpt = None,
    role: RoleOpt = "admin",
    at: AtOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.projects import approvals

    try:
        due_day = date.fromisoformat(due)
    except ValueError:
        fail(f"--due 应写成 YYYY-MM-DD，收到「{due}」")
    con = open_store(db)
    try:
        cid = _run(
            lambda: approvals.enter(
                con, _calendar(con), actor=actor or getpass.getuser(), role=role, title=title,
                commitment=commitment, conditions=condition, due=due_day, method=method, uscc=uscc,
                firm_name=firm, project=project, at=_when(at),
            )
        )  # fmt: skip
    finally:
        con.close()
    if as_json:
        _out({"case_id": cid})
    else:
        console.print(f"已登记告知承诺 [bold]{cid}[/]：{title}")


@app.command("list", help="告知承诺事项与失信记录 / commitments and 失信")
def list_(db: DbOpt = None, as_json: JsonOption = False) -> None:
    from gaoxin.cases.projects import approvals

    con = open_store(db)
    try:
        rows, bad = approvals.listing(con), approvals.dishonest(con, _calendar(con))
    finally:
        con.close()
    if as_json:
        _out({"commitments": rows, "dishonest": bad})
        return
    table(f"告知承诺 {len(rows)} 项", ("编号", "事项", "企业", "状态", "核查期限", "核查方式"),
           [(r["case_id"], r["title"], r["firm_name"], r["state_title"], r["due"], r["method"]) for r in rows])  # fmt: skip
    table(f"失信记录 {len(bad)} 条", ("编号", "事项", "企业", "信用记录", "理由"),
           [(r["case_id"], r["title"], r["firm_name"], r["credit"], r["reason"]) for r in bad])  # fmt: skip


@app.command("show", help="一项告知承诺：条件的核验结果（含数据批次）与办理记录 / one commitment")
def show(case_id: Annotated[str, typer.Argument(help="承诺编号 CN-…")], db: DbOpt = None,
         as_json: JsonOption = False) -> None:  # fmt: skip
    from gaoxin.cases.projects import approvals

    con = open_store(db)
    try:
        _domain_of(con, case_id, approvals.DOMAIN, "告知承诺事项")
        view = _run(lambda: approvals.detail(con, _calendar(con), case_id))
    finally:
        con.close()
    if as_json:
        _out(view)
        return
    c = view["case"]
    console.print(f"[bold]{c['title']}[/] {case_id} · {c.get('firm_name') or '—'} · {view['state_title']}")
    console.print(
        f"承诺：{c['fields']['commitment']}（核查期限 {c['fields']['due']}，{c['fields']['method']}）"
    )
    table("承诺条件核验", ("条件", "结果", "实际", "差额", "依据"),
           [(k["text"], k["status"], k["actual"], k["gap"], k["evidence"]) for k in view["checks"]])  # fmt: skip
    if view["next"]:
        console.print("下一步：" + "、".join(f"{n['title']}（{n['action']}）" for n in view["next"]))


@app.command("move", help="审批 approve、核查合格 verify、责令整改 order_remediation、撤销 revoke / a step")
def move(
    case_id: Annotated[str, typer.Argument(help="承诺编号")],
    action: Annotated[str, typer.Argument(help="approve verify order_remediation revoke")],
    field: FieldOpt = [],  # noqa: B006
    note: Annotated[str, typer.Option("--note", help="说明")] = "",
    actor: AsOpt = None,
    role: RoleOpt = "admin",
    at: AtOpt = None,
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.cases.ledger import record
    from gaoxin.cases.projects import approvals

    con = open_store(db)
    try:
        _domain_of(con, case_id, approvals.DOMAIN, "告知承诺事项")
        view = _run(
            lambda: record(con, case_id, cal=_calendar(con), actor=actor or getpass.getuser(), role=role,
                           action=action, fields=_pairs(field), note=note, at=_when(at))
        )  # fmt: skip
    finally:
        con.close()
    if as_json:
        _out({"case_id": case_id, "state": view.state, "state_title": view.state_title})
    else:
        console.print(f"{case_id} → [bold]{view.state_title}[/]")
