"""Store and data commands: init, import, batches, rejects, enterprises, enterprise."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from gaoxin import fields as F
from gaoxin.commands.common import JsonOption, console, default_db, fail, print_json
from gaoxin.ingest.sources import SOURCES

if TYPE_CHECKING:
    from gaoxin.ingest.importer import ImportResult

# Module level stays light (typer, rich, gaoxin.fields): the readers, the store (duckdb, polars) and the
# importer are imported inside the commands, so `gaoxin --help` and unrelated commands do not pay for them.

DbOpt = Annotated[
    Path | None, typer.Option("--db", help="DuckDB 数据库文件 / store file (默认 ./gaoxin.duckdb)")
]
SHOW_REJECTS = 30


def open_store(db: Path | None, read_only: bool = False):
    from gaoxin.store import StoreError, connect

    try:
        return connect(db or default_db(), read_only=read_only)
    except StoreError as exc:
        fail(str(exc))


def register(app: typer.Typer) -> None:
    app.command("init", help="创建或升级数据库 / create or migrate the store")(init)
    app.command("import", help="导入部门数据文件 (xlsx/csv) / import department files")(import_cmd)
    app.command("batches", help="已导入批次 / list import batches")(batches)
    app.command("rejects", help="被拒绝或跳过的行及原因 / rejected and skipped rows")(rejects)
    app.command("enterprises", help="企业名录 / list enterprises")(enterprises)
    app.command("enterprise", help="单个企业的全部数据及来源 / one enterprise with provenance")(enterprise)


def init(db: DbOpt = None) -> None:
    con = open_store(db)
    from gaoxin.store import schema_version

    console.print(f"数据库已就绪 store ready: {db or default_db()} (schema v{schema_version(con)})")


def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="xlsx / xls / csv 文件", show_default=False)],
    source: Annotated[str, typer.Option(help="数据来源部门 / source: " + "|".join(SOURCES))] = "auto",
    period: Annotated[str | None, typer.Option(help="年度 YYYY（文件中没有年份时使用）")] = None,
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    results = run_import(files, source, period, db, quiet=as_json)
    if as_json:
        print_json({"batches": [r.as_json() for r in results]})
        return
    show_import(results)


def run_import(files, source, period, db, quiet=False) -> list[ImportResult]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from gaoxin.ingest.importer import ImportFailed, commit_all, prepare_all

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet,
    ) as progress:
        task = progress.add_task("读取 reading", total=len(files))

        def tick(p: Path) -> None:
            progress.update(task, description=f"读取 {p.name}", advance=1)

        try:
            prepared = prepare_all(files, source, period, on_file=tick)
        except ImportFailed as exc:
            fail(str(exc))
        progress.update(task, description="写入数据库 writing")
        con = open_store(db)
        try:
            results = commit_all(con, prepared)
            from gaoxin.registries.refresh import after_import  # what the registers feed, on the new data

            said = after_import(con, results).message()
            if said and not quiet:
                console.print(said)
            return results
        finally:
            con.close()


def show_import(results: list[ImportResult]) -> None:
    table = Table(title="导入结果 Import summary", show_lines=False)
    for col in (
        "文件 file",
        "来源 source",
        "年度 periods",
        "行数 rows",
        "接受 accepted",
        "拒绝 rejected",
        "跳过 skipped",
        "批次 batch",
    ):
        table.add_column(col, justify="right" if "rows" in col or "ted" in col or "ped" in col else "left")
    for r in results:
        b = r.batch
        batch = f"#{r.batch_id}" + (" 已导入过，未改动" if r.status == "duplicate" else "")
        table.add_row(
            b.file_name,
            F.SOURCES.get(b.source, b.source),
            ",".join(b.periods),
            str(b.rows),
            str(b.accepted),
            str(b.rejected),
            str(b.skipped),
            batch,
        )
    console.print(table)
    for r in results:
        if r.status == "duplicate":
            when = f"{r.previous['imported_at']:%Y-%m-%d %H:%M}"
            console.print(
                f"[yellow]{r.batch.file_name}[/]: 与批次 #{r.batch_id}（{when} 导入）内容相同"
                "（sha256 一致），本次未做任何改动。"
            )
            continue
        for note in r.batch.notes:
            console.print(f"[dim]{r.batch.file_name}: {note}[/]")
        bad = r.batch.rejected_rows
        if bad.height:
            t = Table(title=f"{r.batch.file_name}: 拒绝/跳过的行（共 {bad.height} 行）", title_justify="left")
            for col in ("工作表 sheet", "行 row", "处理", "列 column", "原因 reason"):
                t.add_column(col)
            for row in bad.head(SHOW_REJECTS).iter_rows(named=True):
                t.add_row(
                    row["sheet"],
                    str(row["row_no"]),
                    "拒绝" if row["disposition"] == "rejected" else "跳过",
                    row["columns"] or "",
                    row["reasons"],
                )
            console.print(t)
            if bad.height > SHOW_REJECTS:
                console.print(f"… 另有 {bad.height - SHOW_REJECTS} 行，查看全部：gaoxin rejects {r.batch_id}")


def batches(as_json: JsonOption = False, db: DbOpt = None) -> None:
    from gaoxin.store.imports import list_batches

    con = open_store(db)
    df = list_batches(con)
    if as_json:
        print_json({"batches": df.to_dicts()})
        return
    table = Table(title="导入批次 Import batches")
    for col in ("批次", "文件", "来源", "年度", "行数", "接受", "拒绝", "跳过", "导入时间"):
        table.add_column(col)
    for r in df.iter_rows(named=True):
        table.add_row(
            str(r["batch_id"]),
            r["file_name"],
            F.SOURCES.get(r["source"], r["source"]),
            r["periods"] or "",
            str(r["rows"]),
            str(r["accepted"]),
            str(r["rejected"]),
            str(r["skipped"]),
            f"{r['imported_at']:%Y-%m-%d %H:%M}",
        )
    console.print(table)


def rejects(
    batch: Annotated[int | None, typer.Argument(help="批次号；省略则列出全部")] = None,
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    from gaoxin.store.imports import batch_rejects

    con = open_store(db)
    df = batch_rejects(con, batch)
    if as_json:
        print_json({"rows": df.to_dicts()})
        return
    table = Table(title=f"拒绝/跳过的行（{df.height} 行）", show_lines=True)
    for col in ("批次", "文件", "工作表", "行", "处理", "列"):
        table.add_column(col)
    table.add_column("原因", overflow="fold")  # the whole reason, wrapped, never cut with …
    table.add_column("原始单元格", overflow="fold")
    for r in df.iter_rows(named=True):
        table.add_row(
            str(r["batch_id"]),
            r["file_name"],
            r["sheet"],
            str(r["row_no"]),
            "拒绝" if r["disposition"] == "rejected" else "跳过",
            r["columns"] or "",
            r["reasons"],
            raw_cells(r["raw_json"]),
        )
    console.print(table)


def scale_basis(facts: list[dict]) -> str:
    """Which year and which department's file the 规上/规下 status comes from (the latest 是否规上 value)."""
    scale = [f for f in facts if f["indicator"] == "above_scale"]
    if not scale:
        return "（无「是否规上」数据）"
    f = max(scale, key=lambda x: x["period"])
    return (
        f"（依据 {f['period']} 年度「是否规上」，{f['file_name']} 批次 #{f['batch_id']}；"
        "各年评价按该年度的值分名单）"
    )


def raw_cells(raw_json: str | None) -> str:
    """The row's cells as read (header: value), so the analyst sees what the file held."""
    if not raw_json:
        return ""
    try:
        raw = json.loads(raw_json)
    except ValueError:
        return raw_json
    if isinstance(raw, dict):
        return "；".join(f"{k}: {v}" for k, v in raw.items() if v not in (None, ""))
    return str(raw)


def enterprises(
    town: Annotated[str | None, typer.Option(help="所属镇街 / town")] = None,
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    from gaoxin.store import queries

    con = open_store(db)
    df = queries.enterprises(con, town)
    if as_json:
        print_json({"enterprises": df.to_dicts(), "n": df.height})
        return
    table = Table(title=f"企业名录 Enterprises（{df.height} 家）")
    for col in ("统一社会信用代码", "企业名称", "所属镇街", "行业代码", "规上"):
        table.add_column(col)
    for r in df.head(200).iter_rows(named=True):
        above = {True: "是", False: "否"}.get(r["above_scale"], "—")
        table.add_row(r["uscc"], r["name"] or "—", r["town"] or "—", r["industry_code"] or "—", above)
    console.print(table)
    if df.height > 200:
        console.print(f"（仅显示前 200 家；--json 输出全部 {df.height} 家）")


def enterprise(
    uscc: Annotated[str, typer.Argument(help="统一社会信用代码")],
    as_json: JsonOption = False,
    db: DbOpt = None,
) -> None:
    from gaoxin.ingest import uscc as U
    from gaoxin.store import queries

    con = open_store(db)
    code = U.normalize(uscc)
    info = queries.enterprise(con, code)
    if info is None:
        fail(
            f"数据库中没有统一社会信用代码为 {code} 的企业"
            + ("" if U.is_valid(code) else "（该代码校验位也不正确）")
        )
    for f in info["facts"]:
        fld = F.BY_NAME.get(f["indicator"])
        f["label"] = fld.label if fld else f["indicator"]
        f["display_unit"] = ("%" if fld.quantity == "ratio" else fld.shown_unit) if fld else f["unit"]
        f["display_value"] = display_value(fld, f["value"])
    if as_json:
        print_json(info)
        return
    console.print(f"[bold]{info['name'] or '（名称未知）'}[/]  {info['uscc']}")
    console.print(
        f"所属镇街: {info['town'] or '—'}    行业代码: {info['industry_code'] or '—'} "
        f"{info['industry_name'] or ''}    注册日期: {info['registered_on'] or '—'}    "
        f"规上: {({True: '是', False: '否'}).get(info['above_scale'], '—')}{scale_basis(info['facts'])}"
    )
    console.print(
        f"登记信息来源: 批次 #{info['batch_id']} {info['file_name'] or ''}" if info["batch_id"] else ""
    )
    from gaoxin.units_format import fmt

    table = Table(title="数据（当前值）Facts in force")
    for col in ("年度", "指标", "数值", "单位", "规范值", "规范单位", "批次", "来源文件", "工作表/行"):
        table.add_column(col)
    for f in info["facts"]:
        table.add_row(
            f["period"],
            f["label"],
            f["display_value"],
            f["display_unit"],
            fmt(f["value"], f["unit"]),
            f["unit"],
            f"#{f['batch_id']}",
            f["file_name"],
            f"{f['sheet']}/{f['row_no']}",
        )
    console.print(table)
    if info["superseded_values"]:
        console.print(f"（另有 {info['superseded_values']} 个被后续批次或优先来源取代的历史值保留在库中）")
    if info["parcels"]:
        t = Table(title="用地 Parcels")
        for col in ("年度", "宗地编号", "土地使用权面积(亩)", "出租(亩)", "承租(亩)", "用途", "批次"):
            t.add_column(col)
        for p in info["parcels"]:
            t.add_row(
                p["period"],
                p["parcel_id"] or "—",
                _num(p["area_mu"]),
                _num(p["leased_out_mu"]),
                _num(p["leased_in_mu"]),
                p["land_use"] or "—",
                f"#{p['batch_id']}",
            )
        console.print(t)


def _num(v) -> str:
    return "—" if v is None else f"{v:,.2f}"


def display_value(fld: F.Field | None, value: float) -> str:
    """A fact in the unit users read (ratios as %), with the precision of its unit kind."""
    from gaoxin.units_format import fmt, to_user

    if fld is None:
        return fmt(value)
    if fld.quantity == "ratio":
        return fmt(*to_user(value, "比值"))
    return fld.display(value)
