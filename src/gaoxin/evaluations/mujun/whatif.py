"""亩均 what-if: the smallest single change that lifts a firm to a target class."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gaoxin.schemes.formula import evaluate as eval_formula
from gaoxin.schemes.formula import evaluate_condition as eval_condition
from gaoxin.schemes.model import Indicator, Scheme
from gaoxin.units_format import fmt

from .prepare import _member_raw, _prepare
from .scoring import _combine_adjust
from .types import ItemBlock, MujunResult


# ---------------------------------------------------------------------------------------------------------
# what-if
@dataclass(frozen=True)
class WhatIfItem:
    """The smallest change of one indicator (others fixed) that reaches the target class."""

    key: str
    item_id: str
    title: str
    unit: str
    current_value: float
    required_value: float
    change: float  # required − current, in the indicator's unit (NaN when the value is missing now)
    current_score: float
    required_score: float
    tax_change_wan: float  # the same change expressed as tax paid, 万元 (NaN when not a tax indicator)
    reachable: bool
    why: str


@dataclass(frozen=True)
class WhatIf:
    uscc: str
    list_id: str | None
    class_final: str
    target_class: str
    score: float
    cutoff: float  # realised lowest total of the target class (or better) in the firm's class group
    gap: float  # cutoff − score (≤ 0: already there)
    reachable: bool  # some single change reaches the target
    why: str  # overall explanation (Chinese)
    items: list[WhatIfItem]
    tax: WhatIfItem | None  # tax paid alone (moves every tax-based indicator together), 万元


def _slice(data: Mapping, i: int) -> dict:
    out = {}
    for k, v in data.items():
        a = np.asarray(v) if not isinstance(v, np.ndarray) else v
        out[k] = a[i : i + 1]
    return out


def _score_value(ind: Indicator, x: float, b: float, stats: dict, others: np.ndarray | None) -> float:
    """Score of one value with the run's benchmark / bounds / other firms held fixed (missing rule applied)."""
    w, sc = ind.weight, ind.score
    if math.isnan(x):
        return stats.get("mean_score", 0.0) if ind.missing == "list_mean" else 0.0
    if sc.method == "ratio":
        if not (math.isfinite(b) and b > 0):
            return 0.0
        if ind.direction == "higher":
            r = x / b
        elif x > 0:
            r = b / x
        else:
            return (
                w * sc.cap
                if sc.cap is not None
                else (stats.get("mean_score", 0.0) if ind.missing == "list_mean" else 0.0)
            )
        if sc.cap is not None:
            r = min(r, sc.cap)
        if sc.floor is not None:
            r = max(r, sc.floor)
        return w * r
    if sc.method == "minmax":
        lo, hi = stats.get("min", math.nan), stats.get("max", math.nan)
        if not hi > lo:
            t = {"low": 0.0, "mid": 0.5, "high": 1.0}[sc.on_constant]
        else:
            t = (x - lo) / (hi - lo) if ind.direction == "higher" else (hi - x) / (hi - lo)
            t = min(max(t, 0.0), 1.0)  # beyond the run's extremes the firm becomes the new extreme
    else:
        m = 0 if others is None else others.shape[0]
        if m == 0:
            t = {"low": 0.0, "mid": 0.5, "high": 1.0}[sc.on_constant]
        else:
            worse = (
                np.searchsorted(others, x, side="left")
                if ind.direction == "higher"
                else m - np.searchsorted(others, x, side="right")
            )
            t = worse / m
    return w * (sc.low + (sc.high - sc.low) * t) / 100.0


def _others(block: ItemBlock, j: int) -> np.ndarray:
    v = np.delete(block.value, j)
    return np.sort(v[~np.isnan(v)])


def what_if(  # noqa: C901 — one pass per item kind (ratio, rank-based, 加减分, policy) over one firm's trace
    result: MujunResult,
    scheme: Scheme,
    data: Mapping,
    firm_index: int,
    target_class: str,
    prev: Mapping | None = None,
) -> WhatIf:
    """For each indicator of the firm's list alone, and for tax paid alone, the smallest change that lifts the
    firm to ``target_class`` holding everything else (benchmarks, min/max, other firms) fixed.

    The class line is the run's realised cut-off: the lowest total among firms of the same class group that
    were initially classed ``target_class`` or better (for threshold rules: the threshold itself). Vetoes that
    hold for the firm are respected (a cap at C makes A/B unreachable by any indicator)."""
    i = int(firm_index)
    labels = list(result.class_labels)
    if target_class not in labels:
        raise ValueError(f"目标等级应为 {labels} 之一 / target_class must be one of {labels}")
    k_target = labels.index(target_class)
    uscc = str(result.uscc[i])
    lid = result.list_id[i]
    cur = str(result.class_final[i])
    score = float(result.score[i])

    def out(reachable, why, cutoff=math.nan, items=(), tax=None):
        gap = cutoff - score if math.isfinite(cutoff) and math.isfinite(score) else math.nan
        return WhatIf(uscc, lid, cur, target_class, score, cutoff, gap, reachable, why, list(items), tax)

    if not result.evaluated[i]:
        return out(False, f"不参评（T类）：{result.t_reason[i]}")
    if labels.index(cur) <= k_target:
        g = result.class_groups[int(result.class_group[i])]
        return out(
            True, f"已是{cur}类，达到或优于目标{target_class}类", g.cutoffs.get(target_class, math.nan)
        )
    # single-firm view of the data (same derived values as the run)
    prev_rows = None
    if prev is not None:
        pu = np.asarray(prev["uscc"], dtype=object)
        hit = np.flatnonzero(pu == result.uscc[i])
        prev_rows = np.array([hit[0] if hit.size else -1], dtype=np.int64)
    one = _slice(data, i)
    prep1 = _prepare(scheme, result.period, one, prev_rows, prev, [])
    for v in scheme.veto:
        if v.lists and lid not in v.lists:
            continue
        if eval_condition(scheme.formula(v.when), prep1.env, 1)[0]:
            k_v = labels.index(v.klass)
            if (v.effect == "cap" and k_v > k_target) or (v.effect == "force" and k_v != k_target):
                word = "最高只能评为" if v.effect == "cap" else "一律评为"
                return out(
                    False, f"一票否决：{v.reason}，{word}{v.klass}类，任何单项提升都无法达到{target_class}类"
                )
    group = result.class_groups[int(result.class_group[i])]
    cutoff = group.cutoffs.get(target_class, math.nan)
    if not math.isfinite(cutoff):
        return out(
            False,
            f"本次评价在{group.key}中没有{target_class}类或更优的企业（名额按比例取整为0），无分数线可依",
        )
    lst = scheme.list_by_id(lid)
    ap = result._adj_parts[lid]
    j_adj = int(np.searchsorted(ap["idx"], i))
    parts1 = [
        (a[j_adj : j_adj + 1], p[j_adj : j_adj + 1], q[j_adj : j_adj + 1], lo, hi)
        for a, p, q, lo, hi in ap["parts"]
    ]
    base = float(result.base_score[i])

    def total_of_base(b, parts=parts1):
        adj, _ = _combine_adjust(parts, np.array([b]), ap["max_bonus"], ap["max_penalty"])
        return b + float(adj[0])

    def solve(f, lo, gap):
        """Smallest x ≥ lo with f(x) ≥ cutoff for a non-decreasing f; None when not found."""
        if f(lo) >= cutoff:
            return lo
        step = max(abs(gap), 1e-9)
        hi = lo + step
        for _ in range(200):
            if f(hi) >= cutoff:
                break
            step *= 2
            hi = lo + step
            if step > 1e18:
                return None
        else:
            return None
        for _ in range(200):
            mid = (lo + hi) / 2
            if mid in (lo, hi):
                break
            if f(mid) >= cutoff:
                hi = mid
            else:
                lo = mid
        return hi

    gap = cutoff - score
    if not any(float(np.asarray(q)[0]) != 0 for _, _, q, _, _ in parts1):
        base_needed = base + gap  # no percent items: the adjustment does not move with the base
    else:
        base_needed = solve(total_of_base, base, gap)
    items: list[WhatIfItem] = []
    for ind in lst.indicator:
        key = f"{lid}.{ind.id}"
        blk = result.block(key)
        j = int(np.searchsorted(blk.firm, i))
        x, b, s_now = float(blk.value[j]), float(blk.benchmark[j]), float(blk.score[j])
        stats = result.item_stats.get(key, {})
        w, sc = ind.weight, ind.score

        def item(req_x, req_s, ok, why, x=x, s_now=s_now, ind=ind, key=key, blk=blk, j=j):
            change = req_x - x if ok and math.isfinite(x) else math.nan
            tax = math.nan
            if ok and ind.numerator.strip() == "tax_paid" and math.isfinite(change):
                den = float(blk.denominator[j]) if ind.denominator else 1.0
                tax = change / ind.scale * den / 1e4
            return WhatIfItem(
                key,
                ind.id,
                ind.title,
                ind.unit,
                x,
                req_x if ok else math.nan,
                change,
                s_now,
                req_s if ok else math.nan,
                tax,
                ok,
                why,
            )

        if base_needed is None:
            items.append(item(math.nan, math.nan, False, "加减分规则使总分无法达到分数线"))
            continue
        s_new = s_now + (base_needed - base)
        if w <= 0:
            items.append(item(math.nan, s_new, False, "权重为0，该项不影响得分"))
            continue
        if sc.method == "ratio":
            s_max = w * sc.cap if sc.cap is not None else math.inf
        else:
            s_max = w * sc.high / 100.0
        if s_new > s_max + 1e-9:
            items.append(
                item(
                    math.nan,
                    s_new,
                    False,
                    f"该项最高{s_max:.4g}分（现{s_now:.4g}分），单项提升不足以弥补{gap:.4g}分的差距",
                )
            )
            continue
        note = "" if math.isfinite(x) else "当前数据缺失，补报后需达到该值；"
        if sc.method == "ratio":
            if not (math.isfinite(b) and b > 0):
                items.append(item(math.nan, s_new, False, "基准值无效，该项无法得分"))
                continue
            req = b * s_new / w if ind.direction == "higher" else w * b / s_new
            items.append(item(req, s_new, True, note + f"按基准值{b:.6g}计"))
        elif sc.method == "minmax":
            lo_v, hi_v = stats.get("min", math.nan), stats.get("max", math.nan)
            if not hi_v > lo_v:
                items.append(item(hi_v, s_new, True, note + "全部企业该项取值相同，须高于该值"))
                continue
            t = max(((100.0 * s_new / w) - sc.low) / (sc.high - sc.low), 0.0) if sc.high > sc.low else 1.0
            req = lo_v + t * (hi_v - lo_v) if ind.direction == "higher" else hi_v - t * (hi_v - lo_v)
            items.append(
                item(
                    req, s_new, True, note + f"按本次最小值{lo_v:.6g}、最大值{hi_v:.6g}（不因本企业变动重算）"
                )
            )
        else:
            others = _others(blk, j)
            mo = others.shape[0]
            t = max(((100.0 * s_new / w) - sc.low) / (sc.high - sc.low), 0.0) if sc.high > sc.low else 1.0
            need = int(math.ceil(t * mo - 1e-9))
            if need <= 0:
                req = others[0] if ind.direction == "higher" else others[-1]
                items.append(item(req, s_new, True, note + "按其他企业的取值排序"))
            else:
                req = others[need - 1] if ind.direction == "higher" else others[mo - need]
                word = "须高于" if ind.direction == "higher" else "须低于"
                items.append(item(req, s_new, True, note + f"{word}该值（超过{need}家企业）"))

    # tax paid alone: every indicator using it moves together; solved numerically on the firm's own row
    tax_item = None
    uses_tax = any(
        "tax_paid" in scheme.formula(t).names
        for ind in lst.indicator
        for t in (ind.numerator, ind.denominator)
        if t
    )
    uses_tax = uses_tax or any("tax_paid" in scheme.formula(t).names for t in scheme.variables.values())
    if "tax_paid" in data and uses_tax:
        tax0 = float(np.asarray(data["tax_paid"], dtype=float)[i])
        base_tax = 0.0 if math.isnan(tax0) else tax0
        refs = {}
        for ind in lst.indicator:
            key = f"{lid}.{ind.id}"
            blk = result.block(key)
            j = int(np.searchsorted(blk.firm, i))
            others = _others(blk, j) if ind.score.method == "percentile" else None
            refs[ind.id] = (float(blk.benchmark[j]), result.item_stats.get(key, {}), others)

        def total_with_tax(delta):
            row = dict(one)
            row["tax_paid"] = np.array([base_tax + delta])
            p1 = _prepare(scheme, result.period, row, prev_rows, prev, [])
            if lid not in p1.members or p1.members[lid].shape[0] != 1:
                return -math.inf
            b_sum = 0.0
            for ind in lst.indicator:
                _, _, val, _ = _member_raw(p1, lid, ind.id)
                bb, st, oth = refs[ind.id]
                b_sum += _score_value(ind, float(val[0]), bb, st, oth)
            parts = []
            for adj in scheme.adjustment:
                if adj.lists and lid not in adj.lists:
                    continue
                applied = (
                    np.ones(1, bool)
                    if adj.when is None
                    else eval_condition(scheme.formula(adj.when), p1.env, 1)
                )
                if adj.points is not None:
                    pts, pct = np.array([adj.points], float), np.zeros(1)
                elif adj.percent is not None:
                    pts, pct = np.zeros(1), np.array([adj.percent], float)
                else:
                    pts, pct = eval_formula(scheme.formula(adj.value), p1.env, 1), np.zeros(1)
                    applied = applied & ~np.isnan(pts)
                parts.append((applied, pts, pct, adj.min, adj.max))
            adj_total, _ = _combine_adjust(parts, np.array([b_sum]), ap["max_bonus"], ap["max_penalty"])
            return b_sum + float(adj_total[0])

        gap_yuan = max(abs(base_tax), 1e4)
        delta = solve(total_with_tax, 0.0, gap_yuan)
        if delta is None:
            tax_item = WhatIfItem(
                "tax_paid",
                "tax_paid",
                "税收实际贡献（单独增加）",
                "万元",
                tax0 / 1e4,
                math.nan,
                math.nan,
                score,
                math.nan,
                math.nan,
                False,
                "税收再增加也无法达到分数线（相关指标已封顶或不计税收）",
            )
        else:
            tax_item = WhatIfItem(
                "tax_paid",
                "tax_paid",
                "税收实际贡献（单独增加）",
                "万元",
                tax0 / 1e4,
                (base_tax + delta) / 1e4,
                delta / 1e4,
                score,
                total_with_tax(delta),
                delta / 1e4,
                True,
                "同时影响所有以税收计算的指标；其他数据不变",
            )
    reachable = any(it.reachable for it in items) or bool(tax_item and tax_item.reachable)
    why = (  # points as every page writes them (two decimals; units_format)
        f"{group.key}中{target_class}类的最低得分为{fmt(cutoff, '分')}，本企业{fmt(score, '分')}，"
        f"差{fmt(gap, '分')}分"
    ) + ("" if reachable else "；任何单项提升都无法达到")
    return out(reachable, why, cutoff, items, tax_item)
