"""The run comparison's rank similarity per list and its workbook (the page, the API and the xlsx share it)."""

from __future__ import annotations

import io
import math

from gaoxin.engine.rank_similarity import rank_similarity
from gaoxin.web.i18n import translate


def rank_similarity_by_list(common) -> list[dict]:
    """common: frame (list_id, x, y) of positions in A and B → per list r_s, r_w and WS (A the reference)."""
    out = []
    for (lst,), part in common.group_by("list_id", maintain_order=True):
        sim = rank_similarity(part["x"].to_numpy(), part["y"].to_numpy())
        out.append(
            {
                "list": lst,
                "n": sim.n,
                "spearman": None if math.isnan(sim.spearman) else sim.spearman,
                "weighted_spearman": None if math.isnan(sim.weighted_spearman) else sim.weighted_spearman,
                "ws": None if math.isnan(sim.ws) else sim.ws,
            }
        )
    return out


def compare_workbook(data: dict, movers: list[dict], lang: str = "zh") -> bytes:
    import xlsxwriter

    def _(t: str) -> str:
        return translate(t, lang)

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "nan_inf_to_errors": True})
    bold = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7"})
    num = wb.add_format({"border": 1, "num_format": "#,##0.00"})
    r4 = wb.add_format({"border": 1, "num_format": "0.0000"})
    a, b = data["run_a"], data["run_b"]
    ws = wb.add_worksheet(_("等级变化的企业"))
    ws.write(
        0,
        0,
        f"{_('比较两次评价')}: A {a['period']} {a['scheme_id']} {a['run_id']} → B {b['period']} "
        f"{b['scheme_id']} {b['run_id']}" + (f" · {data['town']}" if data["town"] else ""),
    )
    if data["schemes_differ"]:
        ws.write(1, 0, _("注意：两次评价使用的方案不同，等级变化可能来自方案而非数据"))
    cols = [
        "统一社会信用代码",
        "企业名称",
        "镇街",
        "等级 A",
        "等级 B",
        "得分 A（分）",
        "得分 B（分）",
        "变化最大的项目",
        "项目得分变化（分）",
        "说明",
    ]
    for c, h in enumerate(cols):
        ws.write(2, c, _(h), bold)
    titles = data["titles"]
    for r, m in enumerate(movers, start=3):
        vals = [
            m["uscc"],
            m["name"],
            m["town"],
            m["class_a"],
            m["class_b"],
            m["score_a"],
            m["score_b"],
            titles.get(m["item"], m["item"]) if m["item"] else "",
            m["delta"],
            m["reasons_b"] or m["reasons_a"],
        ]
        for c, v in enumerate(vals):
            if isinstance(v, float):
                ws.write_number(r, c, v, num) if v == v else ws.write_blank(r, c, None)
            else:
                ws.write(r, c, v if v is not None else "")
    ws.set_column(0, 0, 21)
    ws.set_column(1, 1, 30)
    sim = wb.add_worksheet(_("排名相似度"))
    for c, h in enumerate(["名单", "两次都参评的企业（家）", "Spearman r_s", "加权 Spearman r_w", "WS 系数"]):
        sim.write(0, c, _(h), bold)
    for r, s in enumerate(data["similarity"], start=1):
        sim.write(r, 0, s["list"])
        sim.write_number(r, 1, s["n"])
        for c, k in enumerate(("spearman", "weighted_spearman", "ws"), start=2):
            sim.write_number(r, c, s[k], r4) if s[k] is not None else sim.write_blank(r, c, None)
    sim.set_column(0, 4, 18)
    wb.close()
    return buf.getvalue()
