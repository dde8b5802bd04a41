"""亩均 preparation: derived values (land, years registered, industry, variables) and the population (lists, T)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from gaoxin.evaluations.industry import industry_numbers, prefix_mask
from gaoxin.evaluations.periods import period_end, years_before
from gaoxin.schemes.formula import PREV_PREFIX
from gaoxin.schemes.formula import evaluate as eval_formula
from gaoxin.schemes.formula import evaluate_condition as eval_condition
from gaoxin.schemes.model import FIELD_NAMES, Scheme

from .types import N_MISS_DEN, N_MISS_NUM, N_OK, N_ZERO_DEN


def _align(prev_uscc: np.ndarray, uscc: np.ndarray) -> np.ndarray:
    """Row of each current firm in the previous data (-1 when absent).

    Fast path: the caller passes ``prev`` row-aligned with ``data`` (same uscc sequence; firms absent last
    year carry NaN) — then this is the identity (~5 ms for 1M). Otherwise a dict lookup (~0.5 s for 1M)."""
    n = uscc.shape[0]
    if prev_uscc is uscc or (prev_uscc.shape[0] == n and np.array_equal(prev_uscc, uscc)):
        return np.arange(n, dtype=np.int64)
    pos = {u: i for i, u in enumerate(prev_uscc.tolist())}
    get = pos.get
    return np.fromiter((get(u, -1) for u in uscc.tolist()), dtype=np.int64, count=n)


def _as_float(a, n: int, name: str) -> np.ndarray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.shape != (n,):
        raise ValueError(f"字段 {name} 长度为 {arr.shape}，应为 ({n},) / field {name} has the wrong length")
    return arr


def _obj(a, n: int) -> np.ndarray:
    if a is None:
        return np.full(n, None, dtype=object)
    arr = np.asarray(a, dtype=object)
    if arr.shape != (n,):
        raise ValueError(f"attribute column has shape {arr.shape}, expected ({n},)")
    return arr


# ---------------------------------------------------------------------------------------------------------
# preparation: derived values and population
@dataclass
class _Prep:
    n: int
    env: dict
    ind4: np.ndarray
    ind2: np.ndarray
    registered_on: np.ndarray
    end: np.datetime64
    cand: np.ndarray  # int16 candidate list (-1 none)
    t_code: np.ndarray  # int16, 0 = evaluated
    t_texts: list[str]
    t_clauses: list[str]  # scheme clause id of each T reason
    members: dict[str, np.ndarray]  # list id → firm indices (evaluated)
    raw: dict  # (list id, indicator id) → (num, den, value, why) over the list's candidates pre-T
    cache: dict


def _prepare(  # noqa: C901 — population rules in the order FORMAT.md states them (list, exclusions, land, missing rules)
    scheme: Scheme,
    period: str,
    data: Mapping,
    prev_rows: np.ndarray | None,
    prev_data: Mapping | None,
    warnings: list[str],
) -> _Prep:
    if "uscc" not in data:
        raise ValueError("数据缺少 uscc 列 / data needs a 'uscc' column")
    n = int(np.asarray(data["uscc"], dtype=object).shape[0])
    end = period_end(period)
    env: dict[str, np.ndarray] = {}
    names, prevs = scheme.referenced_names()
    for f in FIELD_NAMES:
        if f in data:
            env[f] = _as_float(data[f], n, f)
        elif f in names or f in prevs:
            warnings.append(
                f"数据中没有字段 {f}，按全部缺失处理 / field {f} absent from the data: all missing"
            )
            env[f] = np.full(n, np.nan)
    ind4, ind2 = industry_numbers(_obj(data.get("industry_code"), n))
    env["industry4"], env["industry2"] = ind4, ind2
    reg = data.get("registered_on")
    reg = (
        np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        if reg is None
        else np.asarray(reg, dtype="datetime64[D]")
    )
    if reg.shape != (n,):
        raise ValueError("registered_on has the wrong length")
    days = (end - reg).astype("timedelta64[D]").astype(float)
    env["registered_years"] = np.where(np.isnat(reg), np.nan, days / 365.25)
    for p in prevs:  # prev(field): the previous period's value of the same firm
        if prev_rows is None or prev_data is None or p not in prev_data:
            env[PREV_PREFIX + p] = np.full(n, np.nan)
        else:
            pv = np.asarray(prev_data[p], dtype=np.float64)
            env[PREV_PREFIX + p] = np.where(prev_rows >= 0, pv[np.maximum(prev_rows, 0)], np.nan)
    env["land_mu"] = eval_formula(scheme.formula(scheme.population.land), env, n)
    for vname, text in scheme.variables.items():
        env[vname] = eval_formula(scheme.formula(text), env, n)

    cache: dict[str, np.ndarray] = {}

    def num(text):
        if text not in cache:
            cache[text] = eval_formula(scheme.formula(text), env, n, refuse_overflow=True)
        return cache[text]

    def cond(text):
        return eval_condition(scheme.formula(text), env, n)

    list_ids = [lst.id for lst in scheme.lists]
    cand = np.full(n, -1, dtype=np.int16)
    for li, lst in enumerate(scheme.lists):
        cand[(cand < 0) & cond(lst.when)] = li
    t_code = np.zeros(n, dtype=np.int16)
    t_texts = [""]
    t_clauses = [""]

    def mark(mask, text, clause):
        new = mask & (t_code == 0)
        if new.any():
            key = (text, clause)
            pairs = list(zip(t_texts, t_clauses, strict=True))
            if key in pairs:
                t_code[new] = pairs.index(key)
            else:
                t_texts.append(text)
                t_clauses.append(clause)
                t_code[new] = len(t_texts) - 1

    for ex in scheme.population.exclude:
        m = np.ones(n, dtype=bool)
        if ex.industry_prefix:
            pm = np.zeros(n, dtype=bool)
            for p in ex.industry_prefix:
                pm |= prefix_mask(p, ind4, ind2)
            m &= pm
        if ex.registered_within_years:
            cutoff = years_before(end, ex.registered_within_years)
            m &= ~np.isnat(reg) & (reg > cutoff)
        if ex.when:
            m &= cond(ex.when)
        if ex.lists:
            m &= np.isin(cand, [list_ids.index(x) for x in ex.lists])
        mark(m, ex.reason, f"population.exclude.{ex.id}")
    if scheme.population.require_land:
        land = env["land_mu"]
        mark(np.isnan(land), "无用地面积数据，无法计算亩均指标，不参评", "population.land")
        mark(
            land <= 0, "用地面积为零或负数（自有−出租+承租 ≤ 0），无法计算亩均指标，不参评", "population.land"
        )
    mark(cand < 0, scheme.population.out_of_scope_reason, "population.out_of_scope")

    raw = {}
    for li, lst in enumerate(scheme.lists):
        idx = np.flatnonzero((cand == li) & (t_code == 0))
        for ind in lst.indicator:
            nu = num(ind.numerator)[idx]
            if ind.denominator:
                de = num(ind.denominator)[idx]
                with np.errstate(all="ignore"):
                    val = nu / de * ind.scale
                why = np.where(
                    np.isnan(nu),
                    N_MISS_NUM,
                    np.where(np.isnan(de), N_MISS_DEN, np.where(de <= 0, N_ZERO_DEN, N_OK)),
                )
                val = np.where(why == N_OK, val, np.nan)
            else:
                de = np.full(idx.shape[0], np.nan)
                val = nu * ind.scale
                why = np.where(np.isnan(nu), N_MISS_NUM, N_OK)
            why = why.astype(np.int8)
            raw[(lst.id, ind.id)] = (idx, nu, de, val, why)
            if ind.missing == "T":
                bad = np.zeros(n, dtype=bool)
                bad[idx[why != N_OK]] = True
                mark(
                    bad,
                    ind.missing_reason or f"缺少{ind.title}数据，暂不评价",
                    f"list.{lst.id}.indicator.{ind.id}.missing",
                )
    members = {lst.id: np.flatnonzero((cand == li) & (t_code == 0)) for li, lst in enumerate(scheme.lists)}
    return _Prep(n, env, ind4, ind2, reg, end, cand, t_code, t_texts, t_clauses, members, raw, cache)


def _member_raw(prep: _Prep, list_id: str, ind_id: str):
    """(num, den, value, why) restricted to the list's final members (after missing→T removals)."""
    idx, nu, de, val, why = prep.raw[(list_id, ind_id)]
    mem = prep.members[list_id]
    if idx.shape[0] != mem.shape[0]:
        keep = np.isin(idx, mem, assume_unique=True)
        nu, de, val, why = nu[keep], de[keep], val[keep], why[keep]
    return nu, de, val, why
