"""亩均 scoring: raw and capped item scores, note texts, 加减分 and the class groups."""

from __future__ import annotations

import numpy as np

from gaoxin.engine import factorize, rank
from gaoxin.schemes.model import ClassRule, Indicator

from .prepare import _Prep
from .types import N_BAD_BENCH, N_CAPPED, N_FLOORED, N_NONPOS_LOWER


# ---------------------------------------------------------------------------------------------------------
# scoring
def _score_indicator(ind: Indicator, val, bench, list_title: str):
    """(raw, capped, note_code, stats) for members; missing values still NaN (filled by the missing rule)."""
    w = ind.weight
    sc = ind.score
    m = val.shape[0]
    note = np.zeros(m, dtype=np.int8)
    stats: dict = {}
    ok = ~np.isnan(val)
    if sc.method == "ratio":
        good_b = np.isfinite(bench) & (bench > 0)
        with np.errstate(all="ignore"):
            if ind.direction == "higher":
                r = val / bench
            else:
                r = np.where(val > 0, bench / val, np.inf if sc.cap is not None else np.nan)
                note[ok & (val <= 0)] = N_NONPOS_LOWER
        r = np.where(good_b, r, 0.0)
        note[ok & ~good_b] = N_BAD_BENCH
        raw = np.where(ok, w * r, np.nan)
        capped = raw.copy()
        if sc.cap is not None:
            hi = r > sc.cap
            capped = np.where(ok & hi, w * sc.cap, capped)
            note[ok & hi & (note == 0)] = N_CAPPED
        if sc.floor is not None:
            lo = r < sc.floor
            capped = np.where(ok & lo, w * sc.floor, capped)
            note[ok & lo & (note == 0)] = N_FLOORED
        # lower-is-better at value ≤ 0 with a cap: the ratio is unbounded, report the capped score as raw
        raw = np.where(np.isinf(raw), capped, raw)
        return raw, capped, note, stats
    v = val[ok]
    if sc.method == "minmax":
        if v.size:
            lo_v, hi_v = float(v.min()), float(v.max())
            stats.update(min=lo_v, max=hi_v)
            if hi_v > lo_v:
                t = (
                    (val - lo_v) / (hi_v - lo_v)
                    if ind.direction == "higher"
                    else (hi_v - val) / (hi_v - lo_v)
                )
            else:
                t = np.full(m, {"low": 0.0, "mid": 0.5, "high": 1.0}[sc.on_constant])
        else:
            t = np.full(m, np.nan)
    else:  # percentile: share of the other members strictly worse
        t = np.full(m, np.nan)
        if v.size > 1:
            key = v if ind.direction == "higher" else -v
            r = rank(key, ties="min", descending=False)
            t[ok] = (r - 1) / (v.size - 1)
        elif v.size == 1:
            t[ok] = {"low": 0.0, "mid": 0.5, "high": 1.0}[sc.on_constant]
    raw = np.where(ok, w * (sc.low + (sc.high - sc.low) * t) / 100.0, np.nan)
    return raw, raw.copy(), note, stats


def _note_texts(ind: Indicator, list_title: str, mean_score: float) -> tuple[str, ...]:
    if ind.missing == "list_mean":
        tail = (ind.missing_reason or f"按{list_title}企业此项平均得分赋分") + f"（{mean_score:.4f}分）"
    else:
        tail = "本项得0分"
    sc = ind.score
    w = ind.weight
    return (
        "",
        f"分子数据缺失，{tail}",
        f"分母数据缺失，{tail}",
        f"分母为零或负数，{tail}",
        f"超过封顶，按{sc.cap:g}×权重={sc.cap * w:g}分计" if sc.cap is not None else "",
        f"低于保底，按{sc.floor:g}×权重={sc.floor * w:g}分计" if sc.floor is not None else "",
        "基准值无效（无数据或≤0），本项得0分",
        "数值≤0（越小越好型），按封顶分计"
        if sc.cap is not None
        else f"数值≤0（越小越好型）无法计算比值，{tail}",
    )


def _combine_adjust(parts, base, max_bonus, max_penalty):
    """Adjustment total from per-item (points, percent) pieces for a base score (arrays aligned with base).

    Each piece: (applied bool, pts, pct, lo, hi) → contribution = pts + pct/100 × base, clipped to [lo, hi]
    where applied; positives summed and capped at max_bonus, negatives at −max_penalty."""
    pos = np.zeros_like(base)
    neg = np.zeros_like(base)
    contribs = []
    for applied, pts, pct, lo, hi in parts:
        c = np.where(applied, pts + pct / 100.0 * base, 0.0)
        if lo is not None:
            c = np.where(applied, np.maximum(c, lo), c)
        if hi is not None:
            c = np.where(applied, np.minimum(c, hi), c)
        c = np.where(np.isnan(c), 0.0, c)
        contribs.append(c)
        pos += np.maximum(c, 0.0)
        neg += np.minimum(c, 0.0)
    if max_bonus is not None:
        pos = np.minimum(pos, max_bonus)
    if max_penalty is not None:
        neg = np.maximum(neg, -max_penalty)
    return pos + neg, contribs


# ---------------------------------------------------------------------------------------------------------
def _group_codes(
    rule: ClassRule, prep: _Prep, idx: np.ndarray, town: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    if rule.within in ("list", "all"):
        return np.zeros(idx.shape[0], dtype=np.int64), [""]
    if rule.within in ("industry2", "industry4"):
        c = prep.env[rule.within][idx]
        c = np.where(np.isnan(c), -1, c).astype(np.int64)
        keys, inv = np.unique(c, return_inverse=True)
        width = 2 if rule.within == "industry2" else 4
        return inv, [("未知行业" if k < 0 else f"{k:0{width}d}") for k in keys.tolist()]
    inv, uniq = factorize(town[idx])
    names = [str(u) if isinstance(u, str) and u else "未知镇街" for u in uniq]
    # merge the unknowns (None, "", NaN) into one group
    remap = np.array([names.index(nm) for nm in names], dtype=np.int64)
    return remap[inv], names
