"""Cultivation results in stored form: condition and gap texts (vectorised polars expressions), run_result and
run_item rows, and the run summary."""

from __future__ import annotations

import numpy as np
import polars as pl

from gaoxin.schemes.cultivation import Item

from .types import (
    _COUNT_UNITS,
    BAND_MISSING,
    BAND_OPEN,
    EXPERT,
    FAIL,
    MISSING,
    NEG_OP,
    OP_TEXT,
    PASS,
    VERDICTS,
    CultivationResult,
)


# ---------------------------------------------------------------------------------------------------------
# texts (vectorised with polars string expressions)
def _num_expr(col: pl.Expr, digits: int) -> pl.Expr:
    """Number → text with at most `digits` decimals, trailing zeros dropped ("412", "8.2")."""
    txt = col.round(digits).cast(pl.Utf8)
    if digits > 0:
        txt = txt.str.replace(r"(\.\d*?)0+$", "$1").str.replace(r"\.$", "")
    else:
        txt = txt.str.replace(r"\.0+$", "")
    return txt.str.replace(r"^-0$", "0")


def fmt_number(x: float, digits: int = 2) -> str:
    if x is None or x != x:
        return "—"
    if x == float("inf"):
        return "∞"
    s = f"{round(float(x), digits):.{digits}f}"
    if digits:
        s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _with_unit(amount: pl.Expr, unit: str) -> pl.Expr:
    sep = " " if unit in _COUNT_UNITS else ""
    return amount + pl.lit(f"{sep}{unit}")


def condition_notes(result: CultivationResult, k: int) -> pl.Series:
    """One Chinese line per firm for condition k: value vs threshold, the route used, or the gap."""
    c = result.conditions[k]
    s = c.scale
    unit = c.unit
    df = pl.DataFrame(
        {
            "st": result.state[:, k],
            "fs": result.final_state[:, k],
            "route": result.route_used[:, k],
            "v": result.value[:, k] * (s if c.kind != "score" else 1.0),
            "vmax": result.value_max[:, k] * (s if c.kind != "score" else 1.0),
            "t": result.threshold[:, k] * (s if c.kind != "score" else 1.0),
            "need": result.expert_needed,
            "miss": pl.Series(result.missing_fields[k].tolist(), dtype=pl.Utf8),
        }
    )
    v, t = _num_expr(pl.col("v"), c.digits), _num_expr(pl.col("t"), c.digits)
    op, neg = OP_TEXT.get(c.op or ">=", "≥"), NEG_OP.get(c.op or ">=", "<")
    route_titles = {r: route.title for r, route in enumerate(result.scheme.routes)}
    via = (
        pl.lit(f"{c.title}：经直接认定「")
        + pl.col("route").replace_strict(route_titles, default="", return_dtype=pl.Utf8)
        + pl.lit("」满足")
    )
    missing = pl.lit(f"{c.title}：数据缺失") + pl.when(pl.col("miss").is_not_null()).then(
        pl.lit("（") + pl.col("miss") + pl.lit("）")
    ).otherwise(pl.lit(""))
    if c.kind == "score":  # what is known of the score, then the fields its open items want
        rng0 = (
            pl.when(pl.col("v") == pl.col("vmax"))
            .then(v)
            .otherwise(v + pl.lit("–") + _num_expr(pl.col("vmax"), c.digits))
        )
        missing = (
            pl.lit(f"{c.title} ")
            + rng0
            + pl.lit(f"{unit}（需 {op} ")
            + t
            + pl.lit(f"{unit}）：数据缺失")
            + pl.when(pl.col("miss").is_not_null())
            .then(pl.lit("（") + pl.col("miss") + pl.lit("）"))
            .otherwise(pl.lit(""))
        )
    if c.kind == "when":
        ok = pl.lit(f"{c.title}：符合")
        bad = pl.lit(f"{c.title}：不符合")
    elif c.kind == "score":
        vmax = _num_expr(pl.col("vmax"), c.digits)
        rng = pl.when(pl.col("v") == pl.col("vmax")).then(v).otherwise(v + pl.lit("–") + vmax)
        ok = pl.lit(f"{c.title} ") + rng + pl.lit(f"{unit} {op} ") + t + pl.lit(unit)
        bad = (
            pl.when(pl.col("v") == pl.col("vmax"))
            .then(pl.lit(f"{c.title} ") + v + pl.lit(f"{unit} {neg} ") + t + pl.lit(unit))
            .otherwise(
                pl.lit(f"{c.title} 最高 ")
                + vmax
                + pl.lit(f"{unit} {neg} ")
                + t
                + pl.lit(f"{unit}（按现有数据不能通过）")
            )
        )
        expert = (
            pl.lit(f"{c.title} ")
            + rng
            + pl.lit(f"{unit}（需 {op} ")
            + t
            + pl.lit(f"{unit}）: 仅当专家评分项合计 ≥ ")
            + _num_expr(pl.col("need"), 0)
            + pl.lit(" 分时通过")
        )
    else:
        ok = pl.lit(f"{c.title} ") + v + pl.lit(f"{unit} {op} ") + t + pl.lit(unit)
        bad = pl.lit(f"{c.title} ") + v + pl.lit(f"{unit} {neg} ") + t + pl.lit(unit)
    gap_txt = _gap_text(result, k)
    if gap_txt is not None:
        df = df.with_columns(gap_txt.alias("gap"))
        bad = pl.when(pl.col("gap").is_not_null()).then(bad + pl.col("gap")).otherwise(bad)
    expr = (
        pl.when(pl.col("route") >= 0)
        .then(via)
        .when(pl.col("fs") == PASS)
        .then(ok)
        .when(pl.col("fs") == MISSING)
        .then(missing)
        .when(pl.col("fs") == EXPERT)
        .then(expert if c.kind == "score" else ok)
        .otherwise(bad)
    )
    return df.select(expr.alias("note")).to_series()


def _gap_text(result: CultivationResult, k: int) -> pl.Series | None:
    gl = result.gaps.get(k)
    if not gl:
        return None
    c = result.conditions[k]
    single = len(gl) == 1
    parts = []
    cols = {}
    for j, g in enumerate(gl):
        lv = g.lever
        cols[f"g{j}"] = g.steps * lv.step * lv.scale
        amount = _with_unit(_num_expr(pl.col(f"g{j}"), lv.digits), lv.unit)
        verb = lv.verb if single else f"{lv.verb}{lv.noun}"
        parts.append(pl.when(pl.col(f"g{j}").is_finite()).then(pl.lit(f"{verb} ") + amount))
    first = gl[0]
    cols["q0"] = first.q0
    cols["q1"] = first.q1
    df = pl.DataFrame(cols)
    levers = pl.concat_str(parts, separator=" 或 ", ignore_nulls=True)
    if c.quantity is not None:
        q = c.quantity
        q0 = _num_expr(pl.col("q0") * q.scale, q.digits)
        q1 = _num_expr(pl.col("q1") * q.scale, q.digits)
        head = (
            pl.when(pl.col("q1").is_not_nan() & pl.col("q1").is_not_null())
            .then(pl.lit(f"；{q.title} ") + q0 + pl.lit(f"{q.unit}, 需 ≥ ") + q1 + pl.lit(f"{q.unit}: "))
            .otherwise(pl.lit(": "))
        )
    else:
        head = pl.lit(": ")
    expr = pl.when(levers.is_not_null() & (levers != "")).then(head + levers).otherwise(None)
    return df.select(expr.alias("gap")).to_series()


def item_band_texts(item: Item) -> tuple[str, ...]:
    """Texts per band index (then "未达最低档", "数据缺失" and — a band condition the data cannot judge —
    "待补数据"), e.g. "≥35%：9–10分"."""
    out = []
    for b in item.bands:
        lo, hi = b.range
        pts = fmt_number(lo, 2) + (f"–{fmt_number(hi, 2)}" if hi != lo else "") + "分"
        if b.label:
            out.append(f"{b.label}：{pts}")
            continue
        cmp = b.comparison
        cond = ""
        if cmp is not None:
            cond = f"{OP_TEXT[cmp[0]]}{fmt_number(cmp[1] * item.scale, item.digits)}{item.unit}"
        if b.when is not None:
            cond = (cond + " 且 " if cond else "") + b.when
        out.append(f"{cond or '其他'}：{pts}")
    if not item.bands:
        out.append("按公式计分" if item.points is not None else "评分范围")
    lo, hi = item.missing_range
    miss = fmt_number(lo, 2) + (f"–{fmt_number(hi, 2)}" if hi != lo else "")
    return (*out, "未达最低档：0分", f"数据缺失：{miss}分", "待补数据：档次无法判断（按可能的档次计分）")


# ---------------------------------------------------------------------------------------------------------
# frames for storage (run_result / run_item) — columnar, no per-firm loop
def result_frames(result: CultivationResult) -> tuple[pl.DataFrame, pl.DataFrame]:
    s = result.scheme
    pop = np.flatnonzero(result.population)
    uscc = pl.Series("uscc", result.uscc.tolist(), dtype=pl.Utf8)
    list_id = np.where(result.population, "培育库", None).astype(object)
    if s.certificate is not None:
        list_id = np.where(result.population & (result.cert_status == "有效"), "已持证", list_id)
        list_id = np.where(
            result.population
            & np.isin(result.cert_status, ["已到期", f"{s.certificate.warn_months}个月内到期"]),
            "到期复审",
            list_id,
        )
    notes = [condition_notes(result, k) for k in range(len(s.conditions))]
    # what the firm lacks: failing conditions, and scores that hang on the experts
    failing = (result.final_state == FAIL) | (result.final_state == MISSING) | (result.final_state == EXPERT)
    note_frame = pl.DataFrame(
        {
            **{f"c{k}": notes[k] for k in range(len(s.conditions))},
            **{f"f{k}": failing[:, k] for k in range(len(s.conditions))},
        }
    )
    reasons = note_frame.select(
        pl.concat_str(
            [pl.when(pl.col(f"f{k}")).then(pl.col(f"c{k}")) for k in range(len(s.conditions))],
            separator="；",
            ignore_nulls=True,
        )
    ).to_series()
    results = pl.DataFrame(
        {
            "uscc": uscc,
            "list_id": pl.Series(list_id.tolist(), dtype=pl.Utf8),
            "score": result.score_min,
            "rank": result.rank.astype(np.int32),
            "class_initial": pl.Series(result.verdict_initial.tolist(), dtype=pl.Utf8),
            "class_final": pl.Series(result.verdict.tolist(), dtype=pl.Utf8),
            "reasons": reasons,
            "land_mu": np.full(result.n, np.nan),
            "base_score": result.score_max,
            "adjustment": result.expert_needed,
            "list_size": np.full(result.n, pop.size, dtype=np.int32),
        }
    ).with_columns(
        pl.col(pl.Float64).fill_nan(None),
        pl.when(pl.col("rank") > 0).then(pl.col("rank")).otherwise(None).alias("rank"),
        pl.when(pl.col("list_id").is_null())
        .then(pl.lit(s.population.reason))
        .when(pl.col("reasons") == "")
        .then(None)
        .otherwise(pl.col("reasons"))
        .alias("reasons"),
        pl.when(pl.col("list_id").is_null()).then(None).otherwise(pl.col("list_size")).alias("list_size"),
    )
    parts = []
    state_score = np.array([1.0, 0.0, 0.5, np.nan])  # indexed by PASS, FAIL, EXPERT, MISSING
    for k, c in enumerate(s.conditions):
        scale = 1.0 if c.kind == "score" else c.scale
        gap0 = np.full(result.n, np.nan)
        if result.gaps.get(k):
            g = result.gaps[k][0]
            gap0 = g.steps * g.lever.step * g.lever.scale
        parts.append(
            pl.DataFrame(
                {
                    "firm": pop,
                    "value": result.value[pop, k] * scale,
                    "numerator": result.numerator[pop, k],
                    "denominator": result.denominator[pop, k],
                    "benchmark": result.threshold[pop, k] * scale,
                    "raw_score": np.where(np.isfinite(gap0[pop]), gap0[pop], np.nan),
                    "score": state_score[result.final_state[pop, k]],
                    "note": notes[k].gather(pop) if pop.size else pl.Series([], dtype=pl.Utf8),
                }
            ).with_columns(pl.lit(f"condition.{c.id}").alias("item"), pl.lit(np.nan).alias("weight"))
        )
    for r, route in enumerate(s.routes):
        hit = pop[result.route_hit[pop, r]]
        parts.append(
            pl.DataFrame({"firm": hit, "value": np.ones(hit.size)}).with_columns(
                pl.lit(f"route.{route.id}").alias("item"), pl.lit(f"直接认定：{route.title}").alias("note")
            )
        )
    if s.certificate is not None:  # the certificate held: issue year, expiry year, status
        held = pop[result.holder[pop]]
        parts.append(
            pl.DataFrame(
                {
                    "firm": held,
                    "value": result.cert_year[held],
                    "numerator": result.cert_year[held] + s.certificate.valid_years,
                    "note": pl.Series(result.cert_status[held].tolist(), dtype=pl.Utf8),
                }
            ).with_columns(pl.lit("certificate").alias("item"))
        )
    for j, it in enumerate(s.items):
        texts = item_band_texts(it)
        band = result.item_band[pop, j].astype(np.int64)
        code = np.select(
            [band >= 0, band == BAND_MISSING, band == BAND_OPEN],
            [band, len(texts) - 2, len(texts) - 1],
            len(texts) - 3,
        )
        parts.append(
            pl.DataFrame(
                {
                    "firm": pop,
                    "value": result.item_value[pop, j] * it.scale,
                    "raw_score": result.item_min[pop, j],
                    "score": result.item_max[pop, j],
                    "note": pl.Series(code).replace_strict(dict(enumerate(texts)), return_dtype=pl.Utf8),
                }
            ).with_columns(pl.lit(f"item.{it.id}").alias("item"), pl.lit(float(it.max)).alias("weight"))
        )
    for g, grp in enumerate(s.groups):
        parts.append(
            pl.DataFrame(
                {"firm": pop, "raw_score": result.group_min[pop, g], "score": result.group_max[pop, g]}
            ).with_columns(pl.lit(f"group.{grp.id}").alias("item"), pl.lit(float(grp.max)).alias("weight"))
        )
    if s.items:
        parts.append(
            pl.DataFrame(
                {"firm": pop, "raw_score": result.score_min[pop], "score": result.score_max[pop]}
            ).with_columns(
                pl.lit("score.total").alias("item"),
                pl.lit(float(sum(g.max for g in s.groups))).alias("weight"),
            )
        )
    # trace rows name the firm by its position in `results` (store.runs.compact_trace keys the stored trace so)
    columns = [
        "firm",
        "item",
        "value",
        "numerator",
        "denominator",
        "benchmark",
        "raw_score",
        "score",
        "weight",
        "note",
        "clause",
    ]
    items = pl.concat(parts, how="diagonal_relaxed")
    items = items.with_columns(pl.col("firm").cast(pl.Int32), pl.col("item").alias("clause"))
    for col in columns:
        if col not in items.columns:
            items = items.with_columns(
                pl.lit(None, dtype=pl.Utf8 if col == "note" else pl.Float64).alias(col)
            )
    items = items.select(columns).with_columns(pl.col(pl.Float64).fill_nan(None))
    return results, items


def summary(result: CultivationResult) -> dict:
    """Counts for the run row: verdicts, per-condition failures, certificates."""
    s = result.scheme
    pop = result.population
    cond = []
    for k, c in enumerate(s.conditions):
        fs = result.final_state[pop, k]
        cond.append(
            {
                "id": c.id,
                "title": c.title,
                "aspect": c.aspect,
                "ref": c.ref,
                "pass": int(np.sum(fs == PASS)),
                "fail": int(np.sum(fs == FAIL)),
                "expert": int(np.sum(fs == EXPERT)),
                "missing": int(np.sum(fs == MISSING)),
                "via_route": int(np.sum(result.route_used[pop, k] >= 0)),
            }
        )
    status = result.cert_status[pop]
    return {
        "title": s.scheme.title,
        "tier": s.scheme.tier,
        "n": int(pop.sum()),
        "n_firms": int(result.n),
        "counts": {v: int(np.sum(result.verdict == v)) for v in VERDICTS},
        "conditions": cond,
        "certificates": {
            "holders": int(result.holder[pop].sum()),
            "expiring": int(np.sum((status != "") & (status != "有效"))),
            "expired": int(np.sum(status == "已到期")),
        }
        if s.certificate is not None
        else None,
        "params": dict(s.params),
        "warnings": list(result.warnings),
    }
