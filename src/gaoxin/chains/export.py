"""xlsx export of a chain map: Chinese merged headers with units, one sheet per view."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from gaoxin.chains.analysis import CLASSES


def _wan(v: float | None) -> float | None:
    return None if v is None else round(v / 1e4, 2)


def export_map(m: dict, firms: list[dict], out: str | Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(out))
    title = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format(
        {
            "bold": True,
            "align": "center",
            "valign": "vcenter",
            "border": 1,
            "bg_color": "#DDEBF7",
            "text_wrap": True,
        }
    )
    cell = wb.add_format({"border": 1})
    num = wb.add_format({"border": 1, "num_format": "#,##0.00"})
    pct = wb.add_format({"border": 1, "num_format": "0.0%"})
    gap_fmt = wb.add_format({"border": 1, "bg_color": "#FCE4D6"})

    ws = wb.add_worksheet("产业链图谱")
    ws.write(0, 0, f"{m['name']}产业链图谱（{m['period'] or '无年度数据'}年）", title)
    ws.write(
        1,
        0,
        f"链条包 {m['pack']['version']} · sha256 {m['pack']['sha256']} · 亩均评价 {m['mujun_run'] or '无'}",
    )
    groups = [
        ("环节", ["节点编号", "节点名称", "上中下游", "行业代码"]),
        ("企业分布", ["企业数（家）", "营业收入（万元）", "税收（万元）", "营收占比（%）"]),
        ("亩均等级（家）", CLASSES),
        ("育龙头", ["营收前三", "亩均前三"]),
        ("补链条", ["中心度", "缺口得分", "说明"]),
    ]
    col = 0
    for g, subs in groups:
        if len(subs) > 1:
            ws.merge_range(3, col, 3, col + len(subs) - 1, g, head)
        else:
            ws.write(3, col, g, head)
        for j, s in enumerate(subs):
            ws.write(4, col + j, s, head)
        col += len(subs)
    gap_nodes = {g["node"]: g["reason"] for g in m["gaps"]}
    for i, n in enumerate(m["nodes"]):
        r = 5 + i
        f = gap_fmt if n["node"] in gap_nodes else cell
        ws.write(r, 0, n["node"], f)
        ws.write(r, 1, n["name"], f)
        ws.write(r, 2, n["stage_name"], f)
        ws.write(r, 3, n["codes"], f)
        ws.write_number(r, 4, n["firms"], cell)
        ws.write_number(r, 5, _wan(n["revenue"]), num)
        ws.write_number(r, 6, _wan(n["tax"]), num)
        ws.write_number(r, 7, n["revenue_share"], pct)
        for j, c in enumerate(CLASSES):
            mix = n["mujun_classes"]
            ws.write(r, 8 + j, mix[c] if mix else "—", cell)
        ws.write(r, 12, "、".join(x["name"] or x["uscc"] for x in n["leaders_revenue"]), cell)
        ws.write(r, 13, "、".join(x["name"] or x["uscc"] for x in n["leaders_mujun"]), cell)
        ws.write_number(r, 14, n["centrality"], cell)
        ws.write_number(r, 15, n["gap_score"], cell)
        ws.write(r, 16, gap_nodes.get(n["node"], ""), cell)
    ws.set_column(0, 0, 9)
    ws.set_column(1, 1, 22)
    ws.set_column(3, 3, 26)
    ws.set_column(4, 11, 11)
    ws.set_column(12, 13, 30)
    ws.set_column(16, 16, 48)
    ws.freeze_panes(5, 2)

    ws2 = wb.add_worksheet("企业名单")
    ws2.merge_range(0, 0, 0, 2, "企业", head)
    ws2.merge_range(0, 3, 0, 6, "链条节点", head)
    for j, s in enumerate(["统一社会信用代码", "企业名称", "镇街", "节点编号", "节点名称", "置信度", "依据"]):
        ws2.write(1, j, s, head)
    names = {n["node"]: n["name"] for n in m["nodes"]}
    for i, f in enumerate(firms):
        r = 2 + i
        ws2.write(r, 0, f["uscc"], cell)
        ws2.write(r, 1, f["name"] or "", cell)
        ws2.write(r, 2, f["town"] or "", cell)
        ws2.write(r, 3, f["node"], cell)
        ws2.write(r, 4, names.get(f["node"], ""), cell)
        ws2.write_number(r, 5, round(f["confidence"], 3), cell)
        ws2.write(r, 6, ("人工认定 " if f["source"] == "override" else "") + (f["evidence"] or ""), cell)
    ws2.set_column(0, 0, 22)
    ws2.set_column(1, 1, 30)
    ws2.set_column(6, 6, 60)

    ws3 = wb.add_worksheet("集群规模")
    c = m["cluster"]
    ws3.merge_range(0, 0, 0, 2, f"{m['name']}集群规模（目标：{c['target_label']}）", head)
    for j, s in enumerate(["年度", "链上企业营业收入（亿元）", "报送企业数（家）"]):
        ws3.write(1, j, s, head)
    for i, t in enumerate(c["trend"]):
        ws3.write(2 + i, 0, t["period"], cell)
        ws3.write_number(2 + i, 1, round(t["revenue"] / 1e8, 2), num)
        ws3.write_number(2 + i, 2, t["firms_reporting"], cell)
    r = 3 + len(c["trend"])
    ws3.write(r, 0, "当前规模", cell)
    ws3.write(r, 1, c["level"], cell)
    ws3.write(r + 1, 0, "年均增速", cell)
    ws3.write(r + 1, 1, f"{c['cagr']:.1%}" if c["cagr"] is not None else "—", cell)
    ws3.write(r + 2, 0, "预计达标年数", cell)
    ws3.write(r + 2, 1, c["years_to_target"] if c["years_to_target"] is not None else "—", cell)
    ws3.set_column(0, 2, 24)
    wb.close()
    return out
