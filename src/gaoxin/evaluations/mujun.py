"""亩均效益综合评价 — the pure evaluation core (no I/O).

``evaluate(scheme, period, data, prev=None) -> MujunResult`` turns one period's columnar data into scores,
ranks, classes and policy amounts, with a per-(firm, item) trace; ``what_if`` answers "what single change
lifts this firm to class X". Everything per firm is numpy-vectorised; Python loops run over lists,
indicators and rules only.

Data: ``dict[str, np.ndarray]`` with ``uscc`` (str objects), optional ``name``, ``town``, ``industry_code``
(str or None), ``registered_on`` (datetime64[D], NaT unknown), and numeric/flag fields (float64, NaN =
missing — never 0 for missing). Order of steps (each documented in FORMAT.md):

1. derived values: ``land_mu`` (scheme land rule), ``registered_years``, ``industry2/4``, scheme variables;
2. population: candidate list (first list whose ``when`` holds) → exclusions (T) → land missing / ≤ 0 (T)
   → no list (T) → indicators whose missing rule is "T";
3. per list and indicator: value = numerator / denominator × scale (denominator missing or ≤ 0 → missing),
   benchmark, raw score, capped score, missing rule; base = Σ item scores;
4. 加减分 (points / percent of base / formula), with per-item and per-list caps; total = base + adjustment;
5. rank in list (ties share the best rank), initial class by share or threshold (engine);
6. protections (not worse than X), then vetoes (cap at X or force X) — vetoes win;
7. policy amounts by final class.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from gaoxin.engine import classify_by_threshold, factorize, rank, share_class_index
from gaoxin.schemes.formula import PREV_PREFIX
from gaoxin.schemes.formula import evaluate as eval_formula
from gaoxin.schemes.formula import evaluate_condition as eval_condition
from gaoxin.schemes.model import FIELD_NAMES, SECTIONS, ClassRule, Indicator, Scheme

T = "T"
READ_KEYS = (
    "uscc",
    "town",
    "industry_code",
    "registered_on",
)  # the attributes scoring reads (name only passes through)

# note codes shared by indicator blocks (texts are per block, formatted with the item's numbers)
N_OK, N_MISS_NUM, N_MISS_DEN, N_ZERO_DEN, N_CAPPED, N_FLOORED, N_BAD_BENCH, N_NONPOS_LOWER = range(8)


# ---------------------------------------------------------------------------------------------------------
# result types
@dataclass(frozen=True)
class ItemInfo:
    """One scored item of one list: an indicator or a 加减分 item."""

    key: str  # "规上.tax_per_mu" / "规上.adjustment.rd_bonus"
    list_id: str
    item_id: str
    kind: str  # "indicator" | "adjustment"
    title: str
    title_en: str
    unit: str
    weight: float  # NaN for adjustments
    direction: str
    method: str  # ratio | minmax | percentile | points | percent | value
    benchmark_method: str
    clause: str  # scheme clause id, e.g. "list.规上.indicator.tax_per_mu"
    ref: str  # the source document's clause, as written in the scheme


@dataclass
class ItemBlock:
    """Trace rows of one item: one row per firm of the list (adjustments: firms it applied to)."""

    item: int  # index into MujunResult.items
    firm: np.ndarray  # int64 firm indices, ascending
    value: np.ndarray  # indicator value in display units (NaN = missing)
    numerator: np.ndarray  # canonical units
    denominator: np.ndarray
    benchmark: np.ndarray  # display units (NaN for minmax / percentile / adjustments)
    raw_score: np.ndarray
    score: np.ndarray  # after cap/floor and missing rule
    note_code: np.ndarray  # int8 index into note_texts
    note_texts: tuple[str, ...]

    def notes(self) -> np.ndarray:
        return np.asarray(self.note_texts, dtype=object)[self.note_code]


@dataclass(frozen=True)
class ClassGroup:
    """A set of firms classified together, with the realised cut-off score of each class."""

    key: str  # "规上" / "规上|39" / "*" (all lists pooled)
    list_ids: tuple[str, ...]
    group: str  # "" or the industry code / town
    method: str  # share | threshold
    n: int
    cutoffs: dict[str, float]  # label → lowest total among firms initially in that class or better


@dataclass
class MujunResult:
    scheme_id: str
    scheme_sha256: str
    period: str
    n: int
    uscc: np.ndarray
    name: np.ndarray
    town: np.ndarray
    industry_code: np.ndarray
    list_id: np.ndarray  # object: list id, None when not evaluated (T)
    candidate_list: np.ndarray  # object: the list whose condition matched, even when T (None: none)
    evaluated: np.ndarray  # bool
    t_reason: np.ndarray  # object: why T ("" when evaluated)
    land_mu: np.ndarray
    base_score: np.ndarray  # Σ item scores (NaN for T)
    adjustment: np.ndarray  # 加减分 total (NaN for T)
    score: np.ndarray  # base + adjustment (NaN for T)
    rank: np.ndarray  # int64 rank within the list, 1 = best, ties share the best rank; 0 for T
    list_size: np.ndarray  # int64 number of evaluated firms in the firm's list; 0 for T
    class_initial: np.ndarray  # object "A".."D" / "T"
    class_final: np.ndarray  # after protections and vetoes
    reasons: np.ndarray  # object: Chinese reasons for T / protections / vetoes, joined by "；"
    clauses: np.ndarray  # object: scheme clause ids that set the final class, joined by "," (e.g.
    #                      "classes,protection.major_project,veto.dishonest"; T: "population.exclude.utilities")
    class_group: np.ndarray  # int32 index into class_groups; -1 for T
    class_groups: list[ClassGroup]
    policy: dict[str, np.ndarray]  # policy item id → amount per firm (its amount_unit)
    items: list[ItemInfo]
    blocks: list[ItemBlock]
    item_stats: dict[str, dict]  # item key → benchmark / min / max / mean score used
    class_labels: tuple[str, ...]
    class_names: dict[str, str]
    counts: dict[str, int]
    counts_by_list: dict[str, dict[str, int]]
    warnings: list[str] = field(default_factory=list)
    # adjustment pieces kept for what_if: per list id → list of (adj index, firm idx, pts, pct)
    _adj_parts: dict = field(default_factory=dict, repr=False)

    # -- convenience ----------------------------------------------------------------------------------------
    def item_index(self, key: str) -> int:
        for i, it in enumerate(self.items):
            if it.key == key:
                return i
        raise KeyError(f"no item {key!r}; items: {[it.key for it in self.items]}")

    def block(self, key: str) -> ItemBlock:
        idx = self.item_index(key)
        for b in self.blocks:
            if b.item == idx:
                return b
        raise KeyError(key)

    def item_values(self, key: str, column: str = "value") -> np.ndarray:
        """A full-length column (value, score, benchmark, …) of one item; NaN for firms outside it."""
        b = self.block(key)
        out = np.full(self.n, np.nan)
        out[b.firm] = getattr(b, column)
        return out

    def trace_columns(self, strings: bool = True) -> dict[str, np.ndarray]:
        """All trace rows in long form (for ``run_item``): firm, item (index into ``items``), value, numerator,
        denominator, benchmark, raw_score, score, weight, note and clause (object arrays of str).

        ``strings=False`` gives ``note_code`` (int32 index into the returned ``note_texts``) instead of the
        note/clause strings — cheaper to move into a database as a dictionary-encoded column; the clause is
        ``items[item].clause``."""
        blocks = self.blocks
        out: dict[str, np.ndarray] = {}
        if not blocks:
            for k in ("firm", "item", "note_code"):
                out[k] = np.empty(0, dtype=np.int64)
            for k in ("value", "numerator", "denominator", "benchmark", "raw_score", "score", "weight"):
                out[k] = np.empty(0)
            if strings:
                out["note"] = np.empty(0, dtype=object)
                out["clause"] = np.empty(0, dtype=object)
            else:
                out["note_texts"] = np.empty(0, dtype=object)
            return out
        out["firm"] = np.concatenate([b.firm for b in blocks])
        out["item"] = np.concatenate([np.full(b.firm.shape[0], b.item, dtype=np.int32) for b in blocks])
        for k in ("value", "numerator", "denominator", "benchmark", "raw_score", "score"):
            out[k] = np.concatenate([getattr(b, k) for b in blocks])
        weights = np.array([it.weight for it in self.items])
        out["weight"] = weights[out["item"]]
        offsets = np.cumsum([0] + [len(b.note_texts) for b in blocks[:-1]])
        code = np.concatenate(
            [b.note_code.astype(np.int32) + off for b, off in zip(blocks, offsets, strict=True)]
        )
        texts = np.asarray([t for b in blocks for t in b.note_texts], dtype=object)
        if strings:
            out["note"] = texts[code]
            out["clause"] = np.asarray([it.clause for it in self.items], dtype=object)[out["item"]]
        else:
            out["note_code"] = code
            out["note_texts"] = texts
        return out

    def firm_items(self, i: int) -> list[dict]:
        """The trace rows of firm i as dicts (for ``gaoxin explain``)."""
        rows = []
        for b in self.blocks:
            j = np.searchsorted(b.firm, i)
            if j < b.firm.shape[0] and b.firm[j] == i:
                it = self.items[b.item]
                rows.append(
                    {
                        "key": it.key,
                        "item": it.item_id,
                        "kind": it.kind,
                        "title": it.title,
                        "unit": it.unit,
                        "value": float(b.value[j]),
                        "numerator": float(b.numerator[j]),
                        "denominator": float(b.denominator[j]),
                        "benchmark": float(b.benchmark[j]),
                        "raw_score": float(b.raw_score[j]),
                        "score": float(b.score[j]),
                        "weight": it.weight,
                        "note": b.note_texts[b.note_code[j]],
                        "clause": it.clause,
                        "ref": it.ref,
                    }
                )
        return rows


# ---------------------------------------------------------------------------------------------------------
# periods, attributes
_PERIOD_RE = re.compile(r"^(\d{4})(?:-(\d{2})|Q([1-4]))?$")


def period_end(period: str) -> np.datetime64:
    """Last day of a period: "2025" → 2025-12-31, "2025-10" → 2025-10-31, "2025Q3" → 2025-09-30."""
    m = _PERIOD_RE.match(str(period))
    if not m:
        raise ValueError(f"评价期格式应为 YYYY、YYYY-MM 或 YYYYQn / bad period {period!r}")
    y = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else (int(m.group(3)) * 3 if m.group(3) else 12)
    if not 1 <= month <= 12:
        raise ValueError(f"bad month in period {period!r}")
    return np.datetime64(f"{y:04d}-{month:02d}-{calendar.monthrange(y, month)[1]:02d}", "D")


def previous_period(period: str) -> str:
    m = _PERIOD_RE.match(str(period))
    if not m:
        raise ValueError(f"bad period {period!r}")
    return f"{int(m.group(1)) - 1}{period[4:]}"


def _years_before(day: np.datetime64, years: int) -> np.datetime64:
    y, mo, d = (int(x) for x in str(day).split("-"))
    y -= years
    d = min(d, calendar.monthrange(y, mo)[1])  # 29 Feb → 28 Feb
    return np.datetime64(f"{y:04d}-{mo:02d}-{d:02d}", "D")


_CODE_RE = re.compile(r"^[A-T]?(\d{2,4})$")


def industry_numbers(codes) -> tuple[np.ndarray, np.ndarray]:
    """(industry4, industry2) as float arrays (NaN when unknown) from GB/T 4754 code strings.

    Accepts "3973", "C3973" (门类 letter first), 3-digit 中类 "397" and 2-digit 大类 "39" (the last two give
    industry2 only); anything else is unknown. Parsed once per distinct code."""
    inv, uniq = factorize(codes)
    four = np.full(len(uniq) + 1, np.nan)
    two = np.full(len(uniq) + 1, np.nan)
    for k, c in enumerate(uniq):
        m = _CODE_RE.match(c.strip()) if isinstance(c, str) else None
        if m:
            digits = m.group(1)
            two[k] = float(digits[:2])
            if len(digits) == 4:
                four[k] = float(digits)
    return four[inv], two[inv]


def _prefix_mask(prefix: str, ind4: np.ndarray, ind2: np.ndarray) -> np.ndarray:
    """Firms whose industry code starts with ``prefix`` ("D" section, "44" division, "441" group, "4417")."""
    letter = prefix[0] if prefix[0].isalpha() else ""
    digits = prefix[1:] if letter else prefix
    with np.errstate(invalid="ignore"):
        if letter and not digits:
            lo, hi = SECTIONS[letter]
            return (ind2 >= lo) & (ind2 <= hi)
        p = int(digits)
        if len(digits) == 1:
            return np.floor(ind2 / 10) == p
        if len(digits) == 2:
            return ind2 == p
        return np.floor(ind4 / 10 ** (4 - len(digits))) == p


def _align(prev_uscc: np.ndarray, uscc: np.ndarray) -> np.ndarray:
    """Row of each current firm in the previous data (-1 when absent).

    Fast path: the caller passes ``prev`` row-aligned with ``data`` (same uscc sequence; firms absent last
    year carry NaN) — then this is the identity (~5 ms for 1M). Otherwise a dict lookup (~0.5 s for 1M)."""
    n = uscc.shape[0]
    if prev_uscc.shape[0] == n and np.array_equal(prev_uscc, uscc):
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


def referenced_fields(scheme: Scheme) -> tuple[set[str], set[str]]:
    """(names, prev_names): every field / variable / pseudo-field the scheme's formulas read, and the fields
    read through ``prev(...)`` — so a caller can load only those columns."""
    return scheme.referenced_names()


def _prepare(
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
            cache[text] = eval_formula(scheme.formula(text), env, n)
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
                pm |= _prefix_mask(p, ind4, ind2)
            m &= pm
        if ex.registered_within_years:
            cutoff = _years_before(end, ex.registered_within_years)
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


def evaluate(scheme: Scheme, period: str, data: Mapping, prev: Mapping | None = None) -> MujunResult:
    """Evaluate one period of columnar data (see the module docstring for the data contract).

    ``prev`` is the previous period's data in the same shape; it feeds ``basis = "previous"`` benchmarks and
    ``prev(field)`` in formulas. Firms are matched by uscc; passing ``prev`` row-aligned with ``data`` (same
    uscc order, NaN rows for firms absent last year) skips the matching (~0.5 s saved at 1M firms).
    Deterministic: the same inputs give identical arrays."""
    warnings: list[str] = []
    n = int(np.asarray(data["uscc"], dtype=object).shape[0])
    uscc = _obj(data["uscc"], n)
    _, prevs_ref = scheme.referenced_names()
    prev_rows = None
    prev_prep = None
    if prev is not None:
        if prevs_ref:
            prev_rows = _align(_obj(prev["uscc"], len(prev["uscc"])), uscc)
        if any(
            ind.benchmark is not None and ind.benchmark.basis == "previous"
            for lst in scheme.lists
            for ind in lst.indicator
        ):
            prev_prep = _prepare(scheme, previous_period(period), prev, None, None, [])
    prep = _prepare(scheme, period, data, prev_rows, prev, warnings)
    town = _obj(data.get("town"), n)
    labels = tuple(scheme.classes.labels)
    K = len(labels)
    lab_index = {lab: k for k, lab in enumerate(labels)}

    base = np.full(n, np.nan)
    adjust = np.full(n, np.nan)
    total = np.full(n, np.nan)
    rank_out = np.zeros(n, dtype=np.int64)
    size_out = np.zeros(n, dtype=np.int64)
    items: list[ItemInfo] = []
    blocks: list[ItemBlock] = []
    item_stats: dict[str, dict] = {}
    adj_parts: dict = {}

    for lst in scheme.lists:
        idx = prep.members[lst.id]
        m = idx.shape[0]
        list_title = lst.id
        base_m = np.zeros(m)
        for ind in lst.indicator:
            nu, de, val, why = _member_raw(prep, lst.id, ind.id)
            stats: dict = {}
            if ind.score.method == "ratio":
                bench, overall, bsrc, bnote = _benchmark(ind, lst.id, prep, val, nu, de, prev_prep, warnings)
                stats.update(benchmark=overall, benchmark_note=bnote)
                if m and not (math.isfinite(overall) and overall > 0):
                    warnings.append(
                        f"{lst.id}.{ind.id}: 基准值无效（{overall}），本项全部得0分 / invalid benchmark"
                    )
            else:
                bench = np.full(m, np.nan)
            raw, capped, note, s2 = _score_indicator(ind, val, bench, list_title)
            stats.update(s2)
            missing = np.isnan(capped)
            note = np.where(missing & (why != N_OK), why, note).astype(np.int8)
            if ind.missing == "list_mean":
                have = ~missing
                mean_score = float(capped[have].mean()) if have.any() else 0.0
                if not have.any() and m:
                    warnings.append(f"{lst.id}.{ind.id}: 全部缺失，平均得分按0计 / all missing, mean score 0")
                fill = mean_score
                stats["mean_score"] = mean_score
            else:
                mean_score = math.nan
                fill = 0.0
            capped = np.where(missing, fill, capped)
            raw = np.where(missing, fill, raw)
            base_m += capped
            key = f"{lst.id}.{ind.id}"
            item_stats[key] = stats
            items.append(
                ItemInfo(
                    key,
                    lst.id,
                    ind.id,
                    "indicator",
                    ind.title,
                    ind.title_en,
                    ind.unit,
                    float(ind.weight),
                    ind.direction,
                    ind.score.method,
                    ind.benchmark.method if ind.benchmark is not None and ind.score.method == "ratio" else "",
                    f"list.{lst.id}.indicator.{ind.id}",
                    ind.ref,
                )
            )
            blocks.append(
                ItemBlock(
                    len(items) - 1,
                    idx,
                    val,
                    nu,
                    de,
                    bench,
                    raw,
                    capped,
                    note,
                    _note_texts(ind, list_title, mean_score),
                )
            )

        # 加减分
        parts, adj_items = [], []
        for adj in scheme.adjustment:
            if adj.lists and lst.id not in adj.lists:
                continue
            applied = (
                np.ones(m, dtype=bool)
                if adj.when is None
                else eval_condition(scheme.formula(adj.when), prep.env, prep.n)[idx]
            )
            if adj.points is not None:
                pts, pct, kind = np.full(m, float(adj.points)), np.zeros(m), "points"
            elif adj.percent is not None:
                pts, pct, kind = np.zeros(m), np.full(m, float(adj.percent)), "percent"
            else:
                pts, pct, kind = (
                    eval_formula(scheme.formula(adj.value), prep.env, prep.n)[idx],
                    np.zeros(m),
                    "value",
                )
                applied = applied & ~np.isnan(pts)
            parts.append((applied, pts, pct, adj.min, adj.max))
            items.append(
                ItemInfo(
                    f"{lst.id}.adjustment.{adj.id}",
                    lst.id,
                    adj.id,
                    "adjustment",
                    adj.title,
                    "",
                    "分",
                    math.nan,
                    "",
                    kind,
                    "",
                    f"adjustment.{adj.id}",
                    adj.ref,
                )
            )
            adj_items.append(len(items) - 1)
        adj_m, contribs = _combine_adjust(parts, base_m, lst.max_bonus, lst.max_penalty)
        for item_i, (applied, pts, pct, _, _), c in zip(adj_items, parts, contribs, strict=True):
            sel = np.flatnonzero(applied)
            k = sel.shape[0]
            nan = np.full(k, np.nan)
            blocks.append(
                ItemBlock(
                    item_i,
                    idx[sel],
                    nan,
                    nan,
                    nan,
                    nan,
                    (pts + pct / 100.0 * base_m)[sel],
                    c[sel],
                    np.zeros(k, np.int8),
                    ("",),
                )
            )
        adj_parts[lst.id] = {
            "idx": idx,
            "parts": parts,
            "max_bonus": lst.max_bonus,
            "max_penalty": lst.max_penalty,
        }
        base[idx] = base_m
        adjust[idx] = adj_m
        total[idx] = base_m + adj_m
        if m:
            rank_out[idx] = rank(total[idx], ties="min").astype(np.int64)
        size_out[idx] = m

    # ---- classes -----------------------------------------------------------------------------------------
    init = np.full(n, K, dtype=np.int8)  # K = T
    class_group = np.full(n, -1, dtype=np.int32)
    groups: list[ClassGroup] = []
    pools: list[tuple[ClassRule, list[str]]] = []
    for lst in scheme.lists:
        rule = scheme.classes_for(lst.id)
        if rule.within == "all":
            for pr, ids in pools:
                if pr is rule:
                    ids.append(lst.id)
                    break
            else:
                pools.append((rule, [lst.id]))
        else:
            pools.append((rule, [lst.id]))
    for rule, ids in pools:
        idx = np.concatenate([prep.members[i] for i in ids]) if len(ids) > 1 else prep.members[ids[0]]
        idx = np.sort(idx)
        if idx.shape[0] == 0:
            continue
        gcode, gnames = _group_codes(rule, prep, idx, town)
        order = np.argsort(gcode, kind="stable")
        bounds = np.flatnonzero(np.diff(gcode[order])) + 1
        for part in np.split(order, bounds):
            fid = idx[part]
            s = total[fid]
            if rule.method == "share":
                # within one list the ranks are the ones just computed: no second sort
                known = rank_out[fid] if rule.within == "list" else None
                k_of = share_class_index(s, [x / 100.0 for x in rule.shares], ties=rule.ties, ranks=known)
                code = np.where(k_of < 0, K, k_of).astype(np.int8)
            else:
                lab = classify_by_threshold(s, rule.thresholds, list(labels))
                code = np.full(fid.shape[0], K, dtype=np.int8)
                for k, lb in enumerate(labels):
                    code[lab == lb] = k
            init[fid] = code
            cut = {}
            for k, lb in enumerate(labels):
                sel = code <= k
                cut[lb] = float(s[sel].min()) if sel.any() else math.nan
            if rule.method == "threshold":
                cut = {
                    lb: (rule.thresholds[k] if k < len(rule.thresholds) else -math.inf)
                    for k, lb in enumerate(labels)
                }
            gname = gnames[int(gcode[part[0]])] if part.shape[0] else ""
            key = ("*" if rule.within == "all" else ids[0]) + (f"|{gname}" if gname else "")
            class_group[fid] = len(groups)
            groups.append(ClassGroup(key, tuple(ids), gname, rule.method, int(fid.shape[0]), cut))

    # ---- protections, vetoes -------------------------------------------------------------------------------
    evaluated = prep.t_code == 0
    list_code = np.where(evaluated, prep.cand, -1)
    list_ids = [lst.id for lst in scheme.lists]
    t_texts = np.asarray(prep.t_texts, dtype=object)
    reasons = t_texts[prep.t_code].copy()
    # clause ids that set the final class: the T rule, or the class rule plus protections / vetoes that held
    class_clause = np.asarray(
        [f"list.{lst.id}.classes" if lst.classes is not None else "classes" for lst in scheme.lists] + [""],
        dtype=object,
    )
    clauses = np.where(
        evaluated,
        class_clause[np.where(evaluated, prep.cand, -1)],
        np.asarray(prep.t_clauses, dtype=object)[prep.t_code],
    )
    final = init.copy()
    labels_ext = np.asarray(list(labels) + [T], dtype=object)

    def in_lists(mask, lists):
        if lists:
            mask = mask & np.isin(list_code, [list_ids.index(x) for x in lists])
        return mask

    def add_reason(mask, text, clause):
        if mask.any():
            cur = reasons[mask]
            reasons[mask] = np.where(cur == "", text, cur + "；" + text)
            cl = clauses[mask]
            clauses[mask] = np.where(cl == "", clause, cl + "," + clause)

    for p in scheme.protection:
        holds = evaluated.copy()
        if p.when:
            holds &= eval_condition(scheme.formula(p.when), prep.env, n)
        if p.registered_within_years:
            cutoff = _years_before(prep.end, p.registered_within_years)
            holds &= ~np.isnat(prep.registered_on) & (prep.registered_on > cutoff)
        holds = in_lists(holds, p.lists)
        target = lab_index[p.klass]
        before = final.copy()
        for old in range(target + 1, K):
            ch = holds & (before == old)
            if ch.any():
                final[ch] = target
                add_reason(
                    ch, f"保护：{p.reason}（由{labels[old]}类调整为{labels[target]}类）", f"protection.{p.id}"
                )
    for v in scheme.veto:
        holds = in_lists(evaluated & eval_condition(scheme.formula(v.when), prep.env, n), v.lists)
        target = lab_index[v.klass]
        before = final.copy()  # decide per firm from its class before this veto
        for old in range(K):
            ch = holds & (before == old)
            if not ch.any():
                continue
            moves = old < target if v.effect == "cap" else old != target
            if moves:
                final[ch] = target
                add_reason(
                    ch, f"一票否决：{v.reason}（由{labels[old]}类调整为{labels[target]}类）", f"veto.{v.id}"
                )
            else:
                add_reason(
                    ch, f"一票否决条件成立：{v.reason}（现为{labels[old]}类，不受影响）", f"veto.{v.id}"
                )

    # ---- policy ----------------------------------------------------------------------------------------------
    policy: dict[str, np.ndarray] = {}
    for pol in scheme.policy:
        if pol.kind == "text" or not pol.base:
            continue
        rates = np.array([pol.rates.get(lb, 0.0) for lb in labels] + [0.0])
        r = rates[final]
        if pol.kind == "percent":
            r = r / 100.0
        b = eval_formula(scheme.formula(pol.base), prep.env, n)
        policy[pol.id] = np.where(r == 0, 0.0, b * r)

    class_initial = labels_ext[init]
    class_final = labels_ext[final]
    counts = {lb: int(c) for lb, c in zip(labels_ext, np.bincount(final, minlength=K + 1), strict=True)}
    counts_by_list = {}
    for li, lid in enumerate(list_ids):
        sel = list_code == li
        counts_by_list[lid] = {
            lb: int(c) for lb, c in zip(labels, np.bincount(final[sel], minlength=K + 1)[:K], strict=True)
        }
    list_ext = np.asarray(list_ids + [None], dtype=object)
    names_map = {lb: scheme.classes.name_of(lb) for lb in list(labels) + [T]}
    return MujunResult(
        scheme_id=scheme.id,
        scheme_sha256=scheme.sha256,
        period=str(period),
        n=n,
        uscc=uscc,
        name=_obj(data.get("name"), n),
        town=town,
        industry_code=_obj(data.get("industry_code"), n),
        list_id=list_ext[list_code],
        candidate_list=list_ext[prep.cand],
        evaluated=evaluated,
        t_reason=t_texts[prep.t_code],
        land_mu=prep.env["land_mu"],
        base_score=base,
        adjustment=adjust,
        score=total,
        rank=rank_out,
        list_size=size_out,
        class_initial=class_initial,
        class_final=class_final,
        reasons=reasons,
        clauses=clauses,
        class_group=class_group,
        class_groups=groups,
        policy=policy,
        items=items,
        blocks=blocks,
        item_stats=item_stats,
        class_labels=labels,
        class_names=names_map,
        counts=counts,
        counts_by_list=counts_by_list,
        warnings=warnings,
        _adj_parts=adj_parts,
    )


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


def what_if(
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
    why = f"{group.key}中{target_class}类的最低得分为{cutoff:.4f}，本企业{score:.4f}，差{gap:.4f}分" + (
        "" if reachable else "；任何单项提升都无法达到"
    )
    return out(reachable, why, cutoff, items, tax_item)
