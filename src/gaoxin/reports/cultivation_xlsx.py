"""The 培育库 workbook a zone's 科技局 circulates: a summary sheet, one pool sheet per scheme (closest firms first,
each with what it lacks in its own terms), the HNTE certificates that expire within a year, and a notes sheet."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter

from gaoxin.evaluations.cultivation import VERDICT_LABELS

SHEET_NAMES = {
    "hnte": "高企培育库",
    "tsme": "科小培育库",
    "innovative": "创新型培育库",
    "srdi": "专精特新培育库",
    "little_giant": "小巨人培育库",
}


def write_pool_xlsx(out: Path, period: str, pools: list[dict], certificates: pl.DataFrame | None) -> Path:
    """pools: [{"scheme", "title", "tier", "run_id", "counts", "pool": DataFrame from service.pool}]."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out), {"nan_inf_to_errors": True})
    title = wb.add_format(
        {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter", "font_name": "黑体"}
    )
    head = wb.add_format(
        {
            "bold": True,
            "align": "center",
            "valign": "vcenter",
            "border": 1,
            "bg_color": "#DDEBF7",
            "text_wrap": True,
            "font_name": "宋体",
        }
    )
    cell = wb.add_format({"border": 1, "font_name": "宋体", "font_size": 10})
    wrap = wb.add_format(
        {"border": 1, "font_name": "宋体", "font_size": 10, "text_wrap": True, "valign": "top"}
    )
    num = wb.add_format({"border": 1, "num_format": "0", "font_name": "宋体", "font_size": 10})
    note = wb.add_format({"italic": True, "font_color": "#555555"})

    def put(ws, r, c, v, fmt=cell):
        _put(ws, r, c, v, fmt, num)

    # 汇总
    ws = wb.add_worksheet("汇总")
    cols = [
        "方案",
        "方案编号",
        "评价编号",
        "参评企业",
        "符合条件",
        "待专家评分",
        "待补数据",
        "差一项",
        "未达标",
        "不参评",
    ]
    ws.merge_range(0, 0, 0, len(cols) - 1, f"企业培育库概况（{period} 年度数据）", title)
    ws.set_row(0, 26)
    for j, c in enumerate(cols):
        ws.write_string(2, j, c, head)
    for i, p in enumerate(pools):
        k = p["counts"]
        row = [
            p["title"],
            p["scheme"],
            p["run_id"],
            sum(v for key, v in k.items() if key != "out"),
            k.get("pass", 0),
            k.get("expert", 0),
            k.get("missing", 0),
            k.get("near", 0),
            k.get("fail", 0),
            k.get("out", 0),
        ]
        for j, v in enumerate(row):
            put(ws, 3 + i, j, v)
    ws.set_column(0, 0, 44)
    ws.set_column(1, 2, 20)
    ws.set_column(3, 9, 11)
    r = 4 + len(pools)
    ws.write_string(
        r,
        0,
        "“差一项”：仅一项条件未满足，且可按表中差距补足；“待专家评分”：硬条件均满足，能否通过取决于专家评判项得分；"
        "“待补数据”：没有不满足的条件，但有条件因数据缺失无法判断（补齐数据后再评）。",
        note,
    )

    # one sheet per scheme
    pcols = [
        "序号",
        "统一社会信用代码",
        "企业名称",
        "所属镇街",
        "行业代码",
        "结论",
        "未满足条件数",
        "待补数据条件数",
        "得分下限",
        "得分上限",
        "需专家评分",
        "差距（企业自身口径）",
    ]
    widths = [7, 22, 34, 12, 9, 12, 9, 9, 9, 9, 10, 110]
    for p in pools:
        name = SHEET_NAMES.get(p.get("tier") or "", p["scheme"])[:31]
        ws = wb.add_worksheet(name)
        ws.merge_range(
            0, 0, 0, len(pcols) - 1, f"{p['title']} 培育库（{period} 年度数据，按差距由小到大排列）", title
        )
        ws.set_row(0, 26)
        for j, c in enumerate(pcols):
            ws.write_string(2, j, c, head)
            ws.set_column(j, j, widths[j])
        ws.freeze_panes(3, 3)
        df = p["pool"]
        for i, row in enumerate(df.iter_rows(named=True)):
            vals = [
                i + 1,
                row["uscc"],
                row["name"],
                row["town"],
                row["industry_code"],
                VERDICT_LABELS.get(row["verdict"], row["verdict"])
                + ("（证书到期复审）" if row["list_id"] == "到期复审" else ""),
                row["n_fail"],
                row.get("n_missing"),
                row["score_min"],
                row["score_max"],
                row["expert_needed"],
                row["reasons"],
            ]
            for j, v in enumerate(vals):
                put(ws, 3 + i, j, v, wrap if j == len(vals) - 1 else cell)

    if certificates is not None:
        _certificate_sheet(wb, period, certificates, title, head, cell, wrap, num)

    ws = wb.add_worksheet("说明")
    lines = [
        "本表由 gaoxin 按内置培育方案逐条评价生成；每个数字都可用 gaoxin explain <评价编号> <统一社会信用代码> 追溯到条款与来源文件。",
        "差距按企业自身口径给出（如“研发费用 3 年合计 412万元, 需 ≥ 520万元: 再投入 108万元”），为只改变该一项、其余不变时的最小补足量。",
        "高企创新能力评价中专家评判项只能给出区间，结论为“符合 / 仅当专家评分项合计 ≥ x 分时通过 / 不能通过”。",
        "“以上/以下”均含本数；区间按下限含、上限不含处理（越低越好的指标反之）。",
        "工信部 2026 年修订的《优质中小企业梯度培育管理办法》可能改变梯度培育各项数值，使用前请核对。",
    ]
    ws.set_column(0, 0, 140)
    for i, line in enumerate(lines):
        ws.write_string(i, 0, line)
    wb.close()
    return out


def _put(ws, r: int, c: int, v, fmt, num) -> None:
    """A cell: blank for missing, a number in the number format, else text."""
    if v is None or (isinstance(v, float) and v != v):
        ws.write_blank(r, c, None, fmt)
    elif isinstance(v, int | float) and not isinstance(v, bool):
        ws.write_number(r, c, v, num)
    else:
        ws.write_string(r, c, str(v), fmt)


def _certificate_sheet(wb, period: str, certificates: pl.DataFrame, title, head, cell, wrap, num) -> None:
    """高企证书到期: certificates not plainly valid, with today's verdict under the current conditions."""
    ws = wb.add_worksheet("高企证书到期")
    ccols = [
        "序号",
        "统一社会信用代码",
        "企业名称",
        "所属镇街",
        "发证年份",
        "到期年份",
        "证书状态",
        "按现行条件复审结论",
        "差距（企业自身口径）",
    ]
    cw = [7, 22, 34, 12, 9, 9, 14, 16, 110]
    ws.merge_range(
        0, 0, 0, len(ccols) - 1, f"高新技术企业证书到期提醒（{period} 年度数据；有效期 3 年）", title
    )
    ws.set_row(0, 26)
    for j, c in enumerate(ccols):
        ws.write_string(2, j, c, head)
        ws.set_column(j, j, cw[j])
    due = certificates.filter(pl.col("status") != "有效")
    for i, row in enumerate(due.iter_rows(named=True)):
        vals = [
            i + 1,
            row["uscc"],
            row["name"],
            row["town"],
            row["issued_year"],
            row["expires_year"],
            row["status"],
            VERDICT_LABELS.get(row["verdict"], row["verdict"]),
            row["reasons"],
        ]
        for j, v in enumerate(vals):
            _put(
                ws,
                3 + i,
                j,
                int(v) if j in (4, 5) and v is not None else v,
                wrap if j == len(vals) - 1 else cell,
                num,
            )
