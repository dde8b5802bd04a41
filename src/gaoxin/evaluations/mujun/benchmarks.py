"""亩均 benchmarks: per-list and per-group statistics an indicator is scored against."""

from __future__ import annotations

import math

import numpy as np

from gaoxin.schemes.model import Indicator

from .prepare import _member_raw, _Prep


# ---------------------------------------------------------------------------------------------------------
# benchmarks
def _list_stat(method: str, val, nu, de, scale) -> float:
    ok = ~np.isnan(val)
    if not ok.any():
        return math.nan
    if method in ("mean", "industry_mean"):
        return float(val[ok].mean())
    if method == "median":
        return float(np.median(val[ok]))
    sden = float(de[ok].sum())
    return float(nu[ok].sum()) / sden * scale if sden > 0 else math.nan


def _group_stats(method: str, val, nu, de, scale, codes, min_group) -> dict[float, float]:
    ok = ~np.isnan(val) & ~np.isnan(codes)
    if not ok.any():
        return {}
    keys, inv = np.unique(codes[ok], return_inverse=True)
    cnt = np.bincount(inv)
    if method == "industry_mean":
        stat = np.bincount(inv, weights=val[ok]) / cnt
    else:
        sden = np.bincount(inv, weights=de[ok])
        with np.errstate(all="ignore"):
            stat = np.bincount(inv, weights=nu[ok]) / sden * scale
        stat = np.where(sden > 0, stat, np.nan)
    return {float(k): float(s) for k, s, c in zip(keys, stat, cnt, strict=True) if c >= min_group}


def _benchmark(
    ind: Indicator, list_id: str, prep: _Prep, val, nu, de, prev_prep: _Prep | None, warnings: list[str]
) -> tuple[np.ndarray, float, np.ndarray, str]:
    """Per-member benchmark (display units), list-wide value, per-member source code
    (0 list, 1 industry group, 2 industry fallback) and a text note."""
    bm = ind.benchmark
    m = val.shape[0]
    src = np.zeros(m, dtype=np.int8)
    if bm.method == "fixed":
        return np.full(m, bm.value), float(bm.value), src, f"固定基准值 {bm.value:g}"
    basis_prep, bval, bnu, bde = prep, val, nu, de
    basis_txt = "本期"
    if bm.basis == "previous":
        if prev_prep is not None and list_id in prev_prep.members:
            basis_prep = prev_prep
            bnu, bde, bval, _ = _member_raw(prev_prep, list_id, ind.id)
            basis_txt = "上期"
        elif bm.if_no_previous == "error":
            raise ValueError(
                f"指标 {list_id}.{ind.id} 的基准取上期数据，但未提供上期数据 / the benchmark needs the "
                "previous period's data (prev=...)"
            )
        else:
            warnings.append(
                f"{list_id}.{ind.id}: 无上期数据，基准按本期数据计算 / no previous data, benchmark "
                "computed on the current period"
            )
            basis_txt = "本期（无上期数据）"
    words = {
        "mean": "平均值",
        "median": "中位数",
        "aggregate": "总量比（ΣX/ΣY）",
        "industry_mean": "行业平均值",
        "industry_aggregate": "行业总量比",
    }
    overall = _list_stat(bm.method, bval, bnu, bde, ind.scale) * bm.multiple
    out = np.full(m, overall)
    note = f"{basis_txt}{list_id}企业{words[bm.method]}" + (f"×{bm.multiple:g}" if bm.multiple != 1 else "")
    if bm.method.startswith("industry"):
        key = "industry4" if bm.digits == 4 else "industry2"
        bcodes = basis_prep.env[key][basis_prep.members[list_id]]
        stats = _group_stats(bm.method, bval, bnu, bde, ind.scale, bcodes, bm.min_group)
        codes = prep.env[key][prep.members[list_id]]
        if stats:
            ks = np.array(sorted(stats))
            vs = np.array([stats[k] for k in ks]) * bm.multiple
            pos = np.clip(np.searchsorted(ks, codes), 0, ks.shape[0] - 1)
            hit = ks[pos] == codes
            out = np.where(hit, vs[pos], overall)
            src = np.where(hit, 1, 2).astype(np.int8)
        else:
            src[:] = 2
        note += f"（按{bm.digits}位行业代码分组，组内不足{bm.min_group}家用全名单值）"
    return out, overall, src, note
