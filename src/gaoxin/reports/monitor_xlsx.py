"""The monthly 经济运行简报 as a workbook: the NBS-style main-indicator table (当月 / 累计 / 同比), targets and
progress against 时序进度, alerts with their rules, and 拉动 (top contributors and drags)."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from gaoxin.monitoring import dashboard as D


def _sheet(wb, name: str, title: str, header: list[str], rows: list[list], fmt) -> None:
    ws = wb.add_worksheet(name)
    ws.write(0, 0, title, fmt["title"])
    for j, h in enumerate(header):
        ws.write(2, j, h, fmt["head"])
        ws.set_column(j, j, 16 if j else 26)
    for i, row in enumerate(rows, start=3):
        for j, v in enumerate(row):
            ws.write(i, j, "—" if v is None else v, fmt["num"] if isinstance(v, float) else None)


PROGRESS_HEADER = [
    "指标",
    "目标类型",
    "年度目标",
    "累计 / 累计增速",
    "完成率%",
    "时序进度%",
    "超(欠)进度 / 与目标差（百分点）",
    "状态",
    "余下每月需完成 / 需增长%",
]


def _progress_cells(p: dict | None) -> list:
    """目标类型 … 余下 for one target's progress (blank cells when it cannot be measured)."""
    if not p:
        return [None] * 8
    if p["kind"] == "level":
        done = [p["completion"] * 100, p["schedule"] * 100, p["ahead"] * 100]
        return ["总量", p["target"], p["cum"], *done, p["status"], p.get("needed_per_month")]
    return ["增速", p["target"], p["cum_yoy"], None, None, p["gap"], p["status"], p.get("needed_growth")]


def write_brief_xlsx(con, out: Path, month: str | None = None, firms: bool = True) -> Path:
    data = D.dashboard(con, month)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out))
    fmt = {
        "title": wb.add_format({"bold": True, "font_size": 14, "font_name": "宋体"}),
        "head": wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True}),
        "num": wb.add_format({"num_format": "#,##0.00"}),
    }
    period = data["period"]
    label = data["cards"][0]["label"] if data["cards"] else period
    rows = []
    for c in data["cards"]:
        f, card = c["figures"], c["card"]
        rows.append(
            [
                card.label,
                card.unit if card.has_levels else "%",
                f.get("month"),
                f.get("month_yoy"),
                f.get("cum"),
                f.get("cum_yoy"),
            ]
        )
    _sheet(
        wb,
        "主要经济指标",
        f"{label}主要经济指标",
        ["指标名称", "单位", "当月", "当月同比增长%", "累计", "累计同比增长%"],
        rows,
        fmt,
    )
    prog = [[c["card"].label, *_progress_cells(c["progress"])] for c in data["cards"] if c["progress"]]
    _sheet(
        wb,
        "目标进度",
        f"{label}年度目标完成情况",
        PROGRESS_HEADER,
        prog,
        fmt,
    )
    owners = [r for r in data.get("owners", []) if firms or r["owner_kind"] == "department"]
    if owners:
        _sheet(
            wb,
            "目标分解",
            f"{label}目标分解（责任单位对全区数负责；镇街按镇街内企业月度数据合计）",
            ["责任单位/镇街", "指标", *PROGRESS_HEADER[1:], "测算依据"],
            [[r["owner"], r["label"], *_progress_cells(r["progress"]), r["basis"]] for r in owners],
            fmt,
        )
    _sheet(
        wb,
        "预警",
        f"{label}预警",
        ["指标", "规则", "数值", "阈值"],
        [[a["label"], a["rule"], a["value"], a["threshold"]] for a in data["alerts"]],
        fmt,
    )
    if firms and period:
        ct = D.contributions(con, period)
        lines = [
            [
                r.get("name") or r["uscc"],
                r["uscc"],
                r.get("town"),
                r["current"] / 1e4,
                r["base"] / 1e4,
                r["pp"],
            ]
            for r in ct["top"] + ct["drags"]
        ]
        _sheet(
            wb,
            "拉动",
            f"{label}规上工业总产值 拉动（同口径增速 {ct['growth']:.2f}%）",
            [
                "企业名称",
                "统一社会信用代码",
                "镇街",
                "本期累计（万元）",
                "上年同期（万元）",
                "拉动（百分点）",
            ],
            lines,
            fmt,
        )
    wb.close()
    return out
