"""The land workbook a county circulates: 闲置土地台账 (every parcel on a 53号令 clock, with its status, the days,
the investigation deadline, the 闲置费 base and what it is eligible for), 低效用地清单 (one row per parcel and
rule, with the numbers compared and the source batches), 处置进度 per town and the 一企一策 cases, and a sheet
of the rules it was worked by. Every figure comes from `cases.land.register.evaluate` — the same as the pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import xlsxwriter

from gaoxin.cases.land.register import flag_text

SHEETS = ("闲置土地台账", "低效用地清单", "处置进度", "一企一策", "说明")
CLOCK_KIND = {"not_started": "超过约定动工日期未动工", "stopped": "已动工但中止开发建设"}
IDLE_HEAD = ("序号", "宗地编号", "土地使用权人", "统一社会信用代码", "镇街", "坐落", "宗地面积（亩）", "供地方式",
             "合同编号", "签订日期", "出让价款（万元）", "约定动工日期", "实际动工日期", "情形", "状态",
             "计时天数", "政府原因延迟天数", "调查期限", "已发调查通知书", "闲置费基数（万元，价款×20%）",
             "可下达征缴闲置费决定", "可下达收回决定", "来源")  # fmt: skip
LOW_HEAD = ("序号", "宗地编号", "土地使用权人", "统一社会信用代码", "镇街", "宗地面积（亩）", "认定规则", "数据",
            "依据", "来源批次")  # fmt: skip
TOWN_HEAD = ("镇街", "立案（件）", "在办（件）", "销号（件）", "超期（件）", "盘活面积（亩）", "目标（亩）", "完成率",
             "新增投资（万元）")  # fmt: skip
CASE_HEAD = ("案件编号", "宗地编号", "土地使用权人", "镇街", "状态", "责任人", "致困原因", "办理期限", "超期",
             "立案时间", "销号时间")  # fmt: skip


def _yes(v) -> str:
    return "是" if v else ""


class _Book:
    """The workbook and its formats; `sheet` opens a captioned sheet, `put` writes one typed cell."""

    def __init__(self, path: Path):
        self.wb = wb = xlsxwriter.Workbook(str(path))
        self.head = wb.add_format(
            {"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1, "bg_color": "#DDEBF7"}
        )
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.cell = wb.add_format({"border": 1, "valign": "top"})
        self.wrap = wb.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        self.num = wb.add_format({"border": 1, "num_format": "#,##0.00", "valign": "top"})
        self.whole = wb.add_format({"border": 1, "num_format": "#,##0", "valign": "top"})
        self.pct = wb.add_format({"border": 1, "num_format": "0.0%", "valign": "top"})
        self.day = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd", "valign": "top"})

    def sheet(self, name: str, caption: str, header: tuple[str, ...], widths: dict[int, int]):
        ws = self.wb.add_worksheet(name)
        ws.write(0, 0, caption, self.title)
        ws.write_row(2, 0, header, self.head)
        ws.set_row(2, 32)
        ws.freeze_panes(3, 2)
        for i in range(len(header)):
            ws.set_column(i, i, widths.get(i, 12))
        return ws

    def put(self, ws, r: int, c: int, v, fmt=None) -> None:
        if v is None or v == "":
            ws.write_blank(r, c, None, self.cell)
        elif isinstance(v, date):
            ws.write_datetime(r, c, v, self.day)
        else:
            ws.write(r, c, v, fmt or self.cell)


def _idle_sheet(b: _Book, reg: pl.DataFrame, clocks: pl.DataFrame, as_of: date) -> None:
    ws = b.sheet("闲置土地台账", f"闲置土地台账（截至 {as_of:%Y年%m月%d日}）", IDLE_HEAD,
                 {1: 11, 2: 24, 3: 20, 5: 22, 8: 20, 13: 20, 14: 16, 22: 26})  # fmt: skip
    order = {"闲置": 0, "闲置候选（待认定）": 1, "政府原因（第八条）": 2}
    idle = (
        reg.filter(pl.col("clock").is_not_null())
        .join(clocks.select("parcel_no", "delay_days"), on="parcel_no", how="left")
        .with_columns(_o=pl.col("status").replace_strict(order, default=3))
        .sort("_o", "idle_days", descending=[False, True])
    )
    for i, p in enumerate(idle.iter_rows(named=True)):
        vals = (i + 1, p["parcel_no"], p["holder_name"], p["uscc"], p["town"], p["location"], p["area_mu"],
                p["supply"], p["contract_no"], p["signed_on"], p["price_wan"], p["agreed_start"], p["actual_start"],
                CLOCK_KIND.get(p["clock"], ""), p["status"], p["idle_days"], p["delay_days"] or None,
                p["investigate_due"], _yes(p["investigated_on"]), p["fee_base_wan"], _yes(p["fee_eligible"]),
                _yes(p["reclaim_eligible"]), f"批次 {p['batch_id']} {p['file_name']} {p['sheet']} 第{p['row_no']}行")  # fmt: skip
        for c, v in enumerate(vals):
            b.put(ws, i + 3, c, v, b.num if c in (6, 10, 19) else b.whole if c in (0, 15, 16) else None)
    ws.write(idle.height + 4, 0, "依据：闲置土地处置办法（国土资源部令第53号）第二条、第五条、第八条、第十四条；"
             "闲置费与收回须报人民政府批准后下达决定书，本表只列可下达者。")  # fmt: skip


def _lowuse_sheet(b: _Book, ev: dict, as_of: date) -> None:
    ws = b.sheet("低效用地清单", f"低效用地清单（截至 {as_of:%Y年%m月%d日}）", LOW_HEAD,
                 {2: 24, 3: 20, 6: 22, 7: 44, 8: 44, 9: 12})  # fmt: skip
    flags = ev["flags"].join(
        ev["parcels"].select("parcel_no", "holder_name", "town", "area_mu"), on="parcel_no", how="left"
    )
    for i, f in enumerate(flags.iter_rows(named=True)):
        vals = (i + 1, f["parcel_no"], f["holder_name"], f["uscc"], f["town"], f["area_mu"], f["title"],
                flag_text(f["numbers"]), f["clause"], "、".join(str(x) for x in f["batches"] or []))  # fmt: skip
        for c, v in enumerate(vals):
            b.put(
                ws, i + 3, c, v, b.num if c == 5 else b.whole if c == 0 else b.wrap if c in (7, 8) else None
            )


def _progress_sheet(b: _Book, progress: list[dict]) -> None:
    ws = b.sheet("处置进度", "低效闲置土地处置进度（分镇街）", TOWN_HEAD, {0: 14})
    for i, t in enumerate(progress):
        vals = (t["town"], t["opened"], t["in_progress"], t["closed"], t["overdue"], t["freed_mu"], t["target_mu"],
                t["share"], t["new_investment_wan"])  # fmt: skip
        for c, v in enumerate(vals):
            b.put(ws, i + 3, c, v, b.pct if c == 7 else b.num if c in (5, 6, 8) else b.whole if c else None)


def _cases_sheet(b: _Book, cases: pl.DataFrame) -> None:
    ws = b.sheet(
        "一企一策", "低效闲置土地处置案件（一企一策）", CASE_HEAD, {0: 16, 2: 24, 5: 22, 9: 18, 10: 18}
    )
    for i, k in enumerate(cases.iter_rows(named=True)):
        vals = (k["case_id"], k["parcel_no"], k["firm_name"], k["town"], k["state_title"], k["officer"],
                k.get("cause"), k["due"], _yes(k["overdue"]), k["opened_at"], k["closed_at"])  # fmt: skip
        for c, v in enumerate(vals):
            b.put(ws, i + 3, c, v.strftime("%Y-%m-%d %H:%M") if hasattr(v, "hour") else v)


def _rules_sheet(b: _Book, rules: dict, as_of: date) -> None:
    ws = b.wb.add_worksheet("说明")
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 100)
    idle, low = rules["idle"], rules["lowuse"]
    lines = [
        ("截至日期", as_of.isoformat()),
        ("规则文件", f"{rules['meta']['title']} {rules['meta']['version']}（sha256 {rules['sha256'][:16]}）"),
        *(("依据", s) for s in rules["meta"]["sources"]),
        ("闲置（未动工）", idle["not_started_clause"]),
        ("闲置候选（中止开发）", idle["candidate_clause"]),
        ("调查", idle["investigate_clause"]),
        ("政府原因", idle["delay_clause"]),
        ("闲置费", idle["fee_clause"]),
        ("收回", idle["reclaim_clause"]),
        *((low[k]["title"], low[k]["clause"]) for k in low if low[k].get("on", True)),
        ("单位", "面积：亩（1 亩 = 666.67 平方米）；金额：万元；建筑面积：平方米"),
    ]
    for i, (k, v) in enumerate(lines):
        ws.write(i, 0, k, b.head)
        ws.write(i, 1, v, b.wrap)


def write_land_xlsx(ev: dict, progress: list[dict], cases: pl.DataFrame, path: Path, as_of: date) -> Path:
    """Write the workbook (sheets `SHEETS`) of one evaluation of the register."""

    b = _Book(path)
    _idle_sheet(b, ev["register"], ev["clocks"], as_of)
    _lowuse_sheet(b, ev, as_of)
    _progress_sheet(b, progress)
    _cases_sheet(b, cases)
    _rules_sheet(b, ev["rules"], as_of)
    b.wb.close()
    return path
