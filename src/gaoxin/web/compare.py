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


# ---- in memory, from store.overview.compare_frames ----------------------------------------------------------
CLASSES = ("A", "B", "C", "D", "T")
RANKED = ("A", "B", "C", "D")


def prepared(frames: dict, towns: list[str]) -> dict:
    """The pair's frames with the movers sorted once (pages and towns are slices of it), and the transitions
    and rank similarity of the whole zone and of each town worked out once."""
    both = frames["both"]
    by_town = {}
    for town in [None, *towns]:
        part = scoped(both, town)
        by_town[town] = {
            "change": transitions(part),
            "similarity": rank_similarity_by_list(common_positions(part)),
        }
    return {"both": both, "movers": movers(both), "by_town": by_town}


def scoped(both, town: str | None):
    import polars as pl

    return both.filter(pl.col("town") == town) if town else both


def transitions(both) -> dict:
    """Class in A × class in B of the firms in both runs (the same dict as store.overview.transitions)."""
    from gaoxin.store.overview import transition_summary

    counts = both.group_by("class_a", "class_b").len()
    return transition_summary(counts.iter_rows())


def movers(both):
    """The firms whose class differs, in the comparison's order: the largest class move first (A↔D before
    A↔B), then the largest score change, then the credit code."""
    import polars as pl

    idx = dict(zip(RANKED, range(len(RANKED)), strict=True))
    ca = pl.col("class_a").replace_strict(idx, default=None, return_dtype=pl.Int32)
    cb = pl.col("class_b").replace_strict(idx, default=None, return_dtype=pl.Int32)
    moved = both.filter(pl.col("class_a").ne_missing(pl.col("class_b")))
    return (
        moved.with_columns(
            _step=(ca - cb).abs().fill_null(0),
            _ds=(pl.col("score_b").fill_null(0) - pl.col("score_a").fill_null(0)).abs(),
        )
        .sort(["_step", "_ds", "uscc"], descending=[True, True, False])
        .drop("_step", "_ds")
    )


def common_positions(both):
    """(list_id, x, y): firms ranked in the same list by both runs, positions re-numbered 1… among them
    (ties in a run's rank broken by credit code)."""
    import polars as pl

    c = both.filter(
        (pl.col("list_a") == pl.col("list_b"))
        & pl.col("rank_a").is_not_null()
        & pl.col("rank_b").is_not_null()
    ).select("list_a", "uscc", "rank_a", "rank_b")
    pos = (pl.int_range(pl.len()).over("list_a") + 1).cast(pl.Float64)
    x = c.sort("list_a", "rank_a", "uscc").with_columns(x=pos)
    y = c.sort("list_a", "rank_b", "uscc").with_columns(y=pos).select("uscc", "y")
    return x.join(y, on="uscc").select(pl.col("list_a").alias("list_id"), "x", "y").sort("list_id")
