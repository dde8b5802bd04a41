"""重点项目月度调度表 as a county's 项目办 circulates it: one row per key project (重点项目; every project when none is
marked key) with the month's 计划投资 / 完成投资 / 资金到位, the year to date and since signing (万元), 完成率, the
node the project is at, its overdue nodes and its colour; a sheet per 三未 list; and the sheet's rules.

Every figure is the board's (`desk.board` rows, the same colours and 三未) and the month's 调度 report events
(`store.projects.all_reports`), so the workbook and `gaoxin projects list` never disagree."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import xlsxwriter

from gaoxin.cases.projects import book
from gaoxin.store import projects as store

SHEETS = ("重点项目调度", "立项未开工", "开工未建设", "建设未竣工", "说明")
HEAD = ("序号", "项目编号", "项目名称", "建设单位", "镇街", "责任单位", "协议投资（万元）", "本月计划投资（万元）",
        "本月完成投资（万元）", "本月资金到位（万元）", "年度累计完成（万元）", "累计完成投资（万元）", "累计资金到位（万元）",
        "投资完成率", "当前阶段", "逾期节点", "状态")  # fmt: skip
MISSING = {
    "立项未开工": "signed_not_started",
    "开工未建设": "started_not_building",
    "建设未竣工": "building_not_done",
}


def month_figures(reports: pl.DataFrame, month: str) -> pl.DataFrame:
    """Per project: the month's figures and the year to date (万元)."""
    if reports.height == 0:
        return pl.DataFrame(schema={"case_id": pl.Utf8, "m_plan": pl.Float64, "m_done": pl.Float64,
                                    "m_funds": pl.Float64, "ytd_done": pl.Float64})  # fmt: skip
    year = month[:4]
    this = reports.filter(pl.col("month") == month).select(
        "case_id", m_plan="plan_wan", m_done="done_wan", m_funds="funds_wan"
    )
    ytd = (
        reports.filter(pl.col("month").str.starts_with(year) & (pl.col("month") <= month))
        .group_by("case_id")
        .agg(ytd_done=pl.col("done_wan").sum())
    )
    return this.join(ytd, on="case_id", how="full", coalesce=True)


def dispatch_rows(board: dict, reports: pl.DataFrame, month: str) -> list[dict]:
    projects = board["projects"]
    key = [p for p in projects if p["urgency"] == "重点"] or projects
    figures = {r["case_id"]: r for r in month_figures(reports, month).to_dicts()}
    out = []
    for p in key:
        f = figures.get(p["case_id"], {})
        inv = p.get("investment_wan") or 0
        out.append({**p, **{k: f.get(k) or 0.0 for k in ("m_plan", "m_done", "m_funds", "ytd_done")},
                    "rate": p["done_wan"] / inv if inv else None})  # fmt: skip
    return out


def write_dispatch(con, cal, month: str, path: Path, scope=None, today: date | None = None) -> Path:
    """Write the month's 调度表 to `path` (xlsx)."""
    from gaoxin.cases.desk import Scope
    from gaoxin.cases.projects import desk

    book.refresh_board(con, cal, today)  # stale board rows first, as the board page does
    board = desk.board(con, cal, scope or Scope("admin", None), today)
    rows = dispatch_rows(board, store.all_reports(con, book.DOMAIN), month)
    _write(path, month, rows, board)
    return path


def _write(path: Path, month: str, rows: list[dict], board: dict) -> None:
    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format(
        {"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1, "bg_color": "#DDEBF7"}
    )
    title = wb.add_format({"bold": True, "font_size": 14})
    num = wb.add_format({"num_format": "#,##0.0", "border": 1})
    pct = wb.add_format({"num_format": "0.0%", "border": 1})
    cell = wb.add_format({"border": 1})
    colours = {c: wb.add_format({"border": 1, "bg_color": bg}) for c, bg in
               (("红", "#F4B6B6"), ("黄", "#FFE699"), ("绿", "#C6EFCE"))}  # fmt: skip
    ws = wb.add_worksheet(SHEETS[0])
    ws.write(0, 0, f"重点项目月度调度表（{month}）", title)
    ws.write(1, 0, f"截至 {board['today']}；红 {board['colours']['红']} 个、黄 {board['colours']['黄']} 个、绿 "
                   f"{board['colours']['绿']} 个。金额单位：万元")  # fmt: skip
    ws.write_row(2, 0, HEAD, bold)
    for i, r in enumerate(rows):
        y = 3 + i
        ws.write_row(
            y,
            0,
            [i + 1, r["case_id"], r["title"], r["firm_name"] or "", r["town"] or "", r["owner"] or ""],
            cell,
        )
        for j, k in enumerate(
            ("investment_wan", "m_plan", "m_done", "m_funds", "ytd_done", "done_wan", "funds_wan")
        ):
            ws.write_number(y, 6 + j, float(r.get(k) or 0), num)
        if r["rate"] is None:
            ws.write_blank(y, 13, None, cell)
        else:
            ws.write_number(y, 13, r["rate"], pct)
        ws.write(y, 14, r["state_title"], cell)
        ws.write(y, 15, "、".join(r["overdue_nodes"]), cell)
        ws.write(y, 16, r["colour"] or "", colours.get(r["colour"], cell))
    ws.set_column(0, 0, 5)
    ws.set_column(1, 2, 18)
    ws.set_column(3, 5, 14)
    ws.set_column(6, 13, 12)
    ws.set_column(14, 16, 16)
    ws.freeze_panes(3, 3)
    for name, key in MISSING.items():
        sheet = wb.add_worksheet(name)
        sheet.write_row(0, 0, ("序号", "项目编号", "项目名称", "建设单位", "镇街", "状态"), bold)
        for i, p in enumerate(board["missing"].get(key, [])):
            sheet.write_row(1 + i, 0, [i + 1, p["case_id"], p["title"], p["firm_name"] or "", p["town"] or "",
                                       p["colour"] or ""], cell)  # fmt: skip
        sheet.set_column(1, 4, 18)
    notes = wb.add_worksheet(SHEETS[-1])
    rules = book.flow().rules
    for i, line in enumerate((
        "状态：当月有节点超过计划完成日，或累计完成投资低于累计计划投资的 "
        f"{float(rules.get('colour_investment_share', 0.8)):.0%}，为红；红后赶上进度为{rules.get('colour_after_red', '黄')}，不回绿。",
        f"开工未建设：已开工且连续 {rules.get('stalled_months', 3)} 个月无完成投资。",
        "节点计划按 project-standard 流程（工作日）自签约日推算；金额单位万元。",
        "数据：gaoxin 项目库（各项目月度调度登记），与「招商项目」看板一致。",
    )):  # fmt: skip
        notes.write(i, 0, line)
    notes.set_column(0, 0, 100)
    wb.close()
