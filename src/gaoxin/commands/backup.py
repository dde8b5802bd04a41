"""`gaoxin backup` and `gaoxin restore`: the whole store to a folder and back into a new store file, verified."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gaoxin.commands.common import JsonOption, console, fail, print_json
from gaoxin.commands.data import DbOpt, open_store


def register(app: typer.Typer) -> None:
    app.command("backup", help="备份整个数据库到一个新目录 / back the store up to a folder")(backup_cmd)
    app.command("restore", help="从备份目录恢复到新的数据库文件 / restore a backup into a new store")(
        restore_cmd
    )


def backup_cmd(
    out: Annotated[Path, typer.Option("--out", help="新的备份目录（不存在或为空）")],
    db: DbOpt = None,
    as_json: JsonOption = False,
) -> None:
    from gaoxin.store.backup import BackupError, export
    from gaoxin.store.db import schema_version

    con = open_store(db, read_only=True)  # while `gaoxin serve` holds the file: 用户管理 → 下载备份
    try:
        manifest = export(con, out, schema_version(con))
    except BackupError as exc:
        fail(str(exc))
    finally:
        con.close()
    if as_json:
        print_json({"out": str(out), **manifest})
        return
    rows = sum(t["rows"] for t in manifest["tables"].values())
    console.print(
        f"已备份到 {out}：{len(manifest['tables'])} 张表、{rows:,} 行（清单 gaoxin-backup.json 含每张表的行数和校验值）；"
        f"恢复：gaoxin restore {out} --db 新文件.duckdb"
    )


def restore_cmd(
    src: Annotated[Path, typer.Argument(help="gaoxin backup 写出的目录")],
    db: Annotated[Path, typer.Option("--db", help="恢复到的新数据库文件（不得已存在）")],
    as_json: JsonOption = False,
) -> None:
    from gaoxin.store.backup import BackupError, restore

    try:
        manifest = restore(src, db)
    except BackupError as exc:
        fail(str(exc))
    if as_json:
        print_json({"db": str(db), "verified": True, **manifest})
        return
    console.print(
        f"已恢复到 {db}：{len(manifest['tables'])} 张表的行数与校验值均与备份（{manifest['made_at']}）一致"
    )
