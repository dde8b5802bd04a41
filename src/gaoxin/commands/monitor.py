"""`gaoxin monitor`: 经济运行监测 — import monthly tables and firm files, show a month, targets, 拉动, nowcast,
the 简报."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from gaoxin.commands.common import console
from gaoxin.commands.data import DbOpt, open_store

app = typer.Typer(help="经济运行监测 / monthly main indicators", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON 输出")]
MonthOpt = Annotated[str | None, typer.Option("--month", help="月份 YYYY-MM（默认：最新公布月）")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="monitor")


def _dump(obj) -> None:
    from gaoxin.monitoring.dashboard import plain

    typer.echo(json.dumps(plain(obj), ensure_ascii=False, indent=1, default=str))


@app.command("import")
def import_(
    files: list[Path],
    kind: Annotated[
        str, typer.Option(help="auto | zone (统计局主要指标表) | firm (企业月度) | targets (年度目标)")
    ] = "auto",
    period: Annotated[str | None, typer.Option(help="月份 YYYY-MM，表内未写明时使用")] = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """导入月度文件（每个文件一个批次；被拒绝的行可用 gaoxin rejects 查看）."""
    from gaoxin.ingest import monthly
    from gaoxin.ingest.headers import SheetError
    from gaoxin.ingest.readers import ReadError
    from gaoxin.store.imports import find_batch
    from gaoxin.store.monitoring import write_monthly_batch

    def prep(p: Path):
        k = kind
        if k == "auto":
            k = (
                "targets"
                if "目标" in p.name
                else "zone"
                if "主要经济指标" in p.name or "主要指标" in p.name
                else "firm"
            )
        if k == "targets":
            return monthly.prepare_target_file(p)
        return (monthly.prepare_zone_table if k == "zone" else monthly.prepare_firm_file)(p, period)

    try:
        batches = [prep(p) for p in files]
    except (ReadError, SheetError) as exc:
        console.print(f"[red]{exc}（本次导入未写入任何数据）[/]")
        raise typer.Exit(1) from exc
    con = open_store(db)
    out = []
    try:
        for b in batches:
            prev = find_batch(con, b.sha256)
            bid = prev["batch_id"] if prev else write_monthly_batch(con, b)
            out.append(
                {
                    **b.summary(),
                    "batch_id": bid,
                    "status": "duplicate" if prev else "imported",
                    "periods": b.periods,
                    "notes": b.notes,
                }
            )
    finally:
        con.close()
    if as_json:
        _dump(out)
        return
    for r in out:
        console.print(
            f"{r['file']}: {'已导入过，未重复写入' if r['status'] == 'duplicate' else '已导入'} 批次 {r['batch_id']}，"
            f"接受 {r['accepted']} 行，拒绝 {r['rejected']} 行，跳过 {r['skipped']} 行"
        )


@app.command("show")
def show(month: MonthOpt = None, as_json: JsonOpt = False, db: DbOpt = None) -> None:
    """一个月的主要指标：当月、累计、同比、目标进度、预警."""
    from gaoxin.monitoring.dashboard import dashboard

    con = open_store(db)
    try:
        d = dashboard(con, month)
    finally:
        con.close()
    if as_json:
        _dump(d)
        return
    if d["period"] is None:
        console.print("还没有月度数据：gaoxin monitor import FILE")
        return
    for c in d["cards"]:
        f, card = c["figures"], c["card"]
        prog = c["progress"]
        p = ""
        if prog and prog["kind"] == "level":
            p = f"完成率 {prog['completion']:.2%}，时序进度 {prog['schedule']:.2%}，{prog['status']} {abs(prog['ahead']):.2%}"
        elif prog:
            p = f"目标增速 {prog['target']:g}%，{prog['status']}（{prog['gap']:+.1f} 个百分点）"
        console.print(
            f"{c['label']} {card.label}：当月 {f.get('month', '—')} 累计 {f.get('cum', '—')} {card.unit if card.has_levels else ''} 累计同比 {f.get('cum_yoy', '—')}% {p}"
        )
    for a in d["alerts"]:
        console.print(f"[{'red' if a['level'] == 'alert' else 'green'}]{a['text']}[/]")


@app.command("targets")
def targets_(month: MonthOpt = None, as_json: JsonOpt = False, db: DbOpt = None) -> None:
    """年度目标与时序进度：全区目标，及分解到责任单位、镇街的目标."""
    from rich.table import Table

    from gaoxin.monitoring.dashboard import dashboard
    from gaoxin.monitoring.owners import ahead_points

    con = open_store(db)
    try:
        d = dashboard(con, month)
    finally:
        con.close()
    rows = [
        {"indicator": c["card"].label, "target": c["target"], "progress": c["progress"]}
        for c in d["cards"]
        if c["progress"]
    ]
    if as_json:
        _dump({"period": d["period"], "rows": rows, "owners": d.get("owners", [])})
        return
    table = Table(title=f"年度目标进度 {d['period'] or ''}")
    for col in (
        "责任单位/镇街",
        "指标",
        "目标",
        "完成率/累计同比",
        "时序进度",
        "超(欠)进度/与目标之差",
        "依据",
    ):
        table.add_column(col, justify="right" if col in ("完成率/累计同比", "时序进度") else "left")
    zone = [
        {"owner": "全区", "label": r["indicator"], "progress": r["progress"], "basis": "统计局公布数"}
        for r in rows
    ]
    for r in zone + d.get("owners", []):
        table.add_row(
            r["owner"], r["label"], *_progress_cells(r["progress"], ahead_points(r["progress"])), r["basis"]
        )
    console.print(table)


def _progress_cells(p: dict | None, ahead: float | None) -> tuple[str, str, str, str]:
    if not p:
        return "—", "—", "—", "—"
    if p["kind"] == "level":
        return (
            f"{p['target']:g}",
            f"{p['completion']:.2%}",
            f"{p['schedule']:.2%}",
            f"{p['status']} {abs(ahead):.2f}",
        )
    return f"增长 {p['target']:g}%", f"{p['cum_yoy']:.1f}%", "—", f"{p['status']} {ahead:+.1f}"


@app.command("contrib")
def contrib_(
    month: MonthOpt = None,
    indicator: Annotated[str, typer.Option(help="output | revenue | power | tax")] = "output",
    as_json: JsonOpt = False,
    db: DbOpt = None,
) -> None:
    """拉动：每家企业对全区增速的贡献（百分点），同口径企业集合."""
    from gaoxin.monitoring.dashboard import contributions, latest_month

    con = open_store(db)
    try:
        d = contributions(con, month or latest_month(con), indicator)
    finally:
        con.close()
    if as_json:
        _dump(d)
        return
    console.print(f"{d['period']} 同口径增速 {d['growth']:.2f}%（各企业拉动合计 {d['sum_pp']:.2f} 个百分点）")
    for r in d["top"]:
        console.print(f"  {r.get('name') or r['uscc']} 拉动 {r['pp']:+.2f} 个百分点")
    for r in d["drags"]:
        console.print(f"  {r.get('name') or r['uscc']} 拉动 {r['pp']:+.2f} 个百分点")


@app.command("nowcast")
def nowcast_(as_json: JsonOpt = False, db: DbOpt = None) -> None:
    """统计局公布前，用电量和入库税收估算当月规上产值增速（含回测误差）."""
    from gaoxin.monitoring.dashboard import nowcast_view

    con = open_store(db)
    try:
        d = nowcast_view(con)
    finally:
        con.close()
    if as_json:
        _dump({**d, "backtest": {k: v for k, v in d["backtest"].items()}})
        return
    e, bt = d["estimate"], d["backtest"]
    if e:
        console.print(
            f"{e['period']} 规上工业总产值当月增速估计 {e['estimate']:.1f}%（80% 区间 {e['low']:.1f}% ~ {e['high']:.1f}%）"
        )
    if bt.get("n"):
        console.print(
            f"回测 {bt['n']} 个月：MAE {bt['mae']:.2f} 个百分点，RMSE {bt['rmse']:.2f}；朴素法（上月增速）MAE {bt['naive_mae']:.2f}"
        )


@app.command("brief")
def brief(
    out: Annotated[Path, typer.Option(help="输出文件 .xlsx 或 .pdf")],
    month: MonthOpt = None,
    db: DbOpt = None,
) -> None:
    """月度经济运行简报：xlsx（统计表）或 pdf（文字、图表、表格，嵌入中文字体）."""
    con = open_store(db)
    try:
        if out.suffix.lower() == ".pdf":
            from gaoxin.reports.monitor_brief import write_brief_pdf

            path = write_brief_pdf(con, out, month)
        else:
            from gaoxin.reports.monitor_xlsx import write_brief_xlsx

            path = write_brief_xlsx(con, out, month)
    finally:
        con.close()
    console.print(f"已写出 {path}")


def demo_monitoring(db, zone, out_dir: Path, keep_dir: Path | None = None) -> None:
    """`gaoxin demo` step: 36 months of the demo zone's monthly files and the year's targets, imported through
    the monthly intake (a file already imported is left alone), then the latest month in one line."""
    from gaoxin.demo.monthly import import_monthly, write_monthly_files
    from gaoxin.monitoring.dashboard import dashboard, nowcast_view

    with console.status("经济运行月度数据 …"):
        paths = write_monthly_files(zone, (keep_dir or out_dir) / "经济运行")
        con = open_store(db)
        try:
            done = import_monthly(con, paths)
            d = dashboard(con)
            n = nowcast_view(con)
        finally:
            con.close()
    new = sum(1 for _, b in done if b is not None)
    go = next(c for c in d["cards"] if c["card"].id == "gross_output")
    e = n["estimate"]
    console.print(
        f"经济运行：导入 {new} 个月度文件（{len(done) - new} 个已导入过）；{go['label']} 规上工业总产值累计同比 "
        f"{go['figures'].get('cum_yoy')}%，预警 {len(d['alerts'])} 条"
        + (f"；{e['period']} 增速估计 {e['estimate']:.1f}%" if e else "")
        + "；gaoxin monitor show 查看"
    )
