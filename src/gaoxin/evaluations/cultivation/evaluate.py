"""Enterprise cultivation (高企 / 科小 / 创新型 / 专精特新 / 小巨人) — the pure evaluation core (no I/O).

``evaluate(scheme, period, years) -> CultivationResult`` checks every firm against a cultivation scheme:

1. environment: every field of the data year, the same field one and two years earlier (``x_p1``, ``x_p2``;
   ``prev(x)``), ``registered_days`` / ``registered_years`` to the period's last day, ``industry4/2``, the
   scheme's ``[params]`` and then its ``[variables]`` in order;
2. population: ``[population].when`` or, by default, every firm with some data-year value the scheme reads;
3. routes (直接认定) and the points table: each item gives a range [min, max] (bands such as "7–8 分" and
   expert-judged items keep their range), groups cap their sub-totals, the total is the sum of groups;
4. conditions: PASS / FAIL / EXPERT (a score that passes only if the experts give enough) / MISSING; a
   condition with ``routes`` also holds when one of them does;
5. gaps: for every failing condition and each of its levers, the smallest number of lever steps that makes
   it hold, found for all failing firms at once (doubling, then bisection on the step count) — so the
   answer is exact in the lever's unit: with the gap the condition holds, with one step less it does not;
6. verdict: ``pass`` (every condition holds), ``expert`` (holds unless the expert-judged points fall short),
   ``missing`` 待补数据 (no condition fails, one or more cannot be judged on the data: a comparison with a
   missing operand is unknown, three-valued; a score passes only with what missing items might add),
   ``near`` (exactly one condition fails and a lever closes it), ``fail`` 未达标; ``out`` outside the
   population; firms are ranked by closeness: verdict, failing conditions, conditions wanting data, then the
   sum of relative shortfalls. A missing count is never 0: an item whose value (or band condition) is missing
   keeps its ``missing`` range (by default 0 to its maximum), never the band below.

Everything per firm is numpy-vectorised; Python loops run over conditions, items, bands and levers only.
Comparisons allow a relative 1e-9 for float noise (0.1 + 0.2 ≥ 0.3); "以上 / 以下" are inclusive (≥ /"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from gaoxin.evaluations.industry import industry_numbers
from gaoxin.evaluations.periods import period_end
from gaoxin.schemes.cultivation import YEAR_SUFFIXES, Condition, CultivationScheme, Item, Lever
from gaoxin.schemes.formula import PREV_PREFIX
from gaoxin.schemes.formula import evaluate as eval_formula
from gaoxin.schemes.formula import evaluate_condition as eval_condition
from gaoxin.schemes.formula import evaluate_condition_known as eval_condition_known
from gaoxin.schemes.model import FIELD_NAMES

from .types import (
    BAND_MISSING,
    BAND_NONE,
    BAND_OPEN,
    EPS,
    EXPERT,
    FAIL,
    MISSING,
    NEAR_SHORTFALL,
    PASS,
    VERDICTS,
    CultivationResult,
    Gap,
)


# ---------------------------------------------------------------------------------------------------------
def _cmp(op: str, v, t) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    t = np.asarray(t, dtype=float)
    eps = EPS * np.maximum(1.0, np.abs(t))
    with np.errstate(invalid="ignore"):
        if op == ">=":
            out = v >= t - eps
        elif op == ">":
            out = v > t + eps
        elif op == "<=":
            out = v <= t + eps
        else:
            out = v < t - eps
    return out & ~np.isnan(v) & ~np.isnan(t)


def _aligned(years: Sequence[Mapping], n: int, uscc: np.ndarray) -> list[Mapping]:
    out = [years[0]]
    for d in years[1:]:
        other = np.asarray(d.get("uscc"), dtype=object)
        if other.shape == (n,) and np.array_equal(other, uscc):
            out.append(d)
            continue
        pos = {u: i for i, u in enumerate(other.tolist())}
        rows = np.fromiter((pos.get(u, -1) for u in uscc.tolist()), dtype=np.int64, count=n)
        moved = {}
        for k, v in d.items():
            a = np.asarray(v)
            if a.ndim == 1 and a.shape[0] == other.shape[0] and k in FIELD_NAMES:
                moved[k] = np.where(rows >= 0, a.astype(float)[np.maximum(rows, 0)], np.nan)
        out.append(moved)
    return out


class _Subset(dict):
    """A view of the full environment for the firms idx: arrays are sliced on first use (a formula reads only a
    few names), scalars pass through, and values set here (a lever, recomputed variables) shadow the full ones."""

    def __init__(self, full: Mapping, idx: np.ndarray):
        super().__init__()
        self.full = full
        self.idx = idx
        self.n = int(idx.size)

    def __missing__(self, key):
        v = self.full[key]
        if isinstance(v, np.ndarray):
            v = v[self.idx]
        self[key] = v
        return v

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default


class _Evaluator:
    """Holds the scheme and the base environment; computes conditions for all firms or any subset."""

    def __init__(self, scheme: CultivationScheme, period: str, years: Sequence[Mapping], warnings: list[str]):
        self.scheme = scheme
        data = years[0]
        if "uscc" not in data:
            raise ValueError("数据缺少 uscc 列 / data needs a 'uscc' column")
        self.uscc = np.asarray(data["uscc"], dtype=object)
        n = self.n = int(self.uscc.shape[0])
        years = _aligned(years, n, self.uscc)
        fields = scheme.referenced_fields()
        env: dict[str, np.ndarray | float] = {}
        for k, suffix in enumerate(("",) + YEAR_SUFFIXES[: scheme.scheme.years - 1]):
            d = years[k] if k < len(years) else {}
            for f in fields:
                if f in d:
                    env[f + suffix] = np.asarray(d[f], dtype=np.float64).copy()
                else:
                    if k == 0:
                        warnings.append(f"数据中没有字段 {f}，按全部缺失处理 / field {f} absent: all missing")
                    env[f + suffix] = np.full(n, np.nan)
        for f in fields:
            if f + "_p1" in env:
                env[PREV_PREFIX + f] = env[f + "_p1"]
        ind4, ind2 = industry_numbers(np.asarray(data.get("industry_code", [None] * n), dtype=object))
        env["industry4"], env["industry2"] = ind4, ind2
        reg = data.get("registered_on")
        reg = (
            np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
            if reg is None
            else np.asarray(reg, dtype="datetime64[D]")
        )
        days = (period_end(period) - reg).astype("timedelta64[D]").astype(float)
        env["registered_days"] = np.where(np.isnat(reg), np.nan, days)
        env["registered_years"] = env["registered_days"] / 365.25
        for k, v in scheme.params.items():
            env[k] = float(v)
        self.base = env
        self.data = data
        self._full: dict | None = None
        self._pts = None  # the points table of all firms, reused for items a lever does not touch
        self._untouched: dict = {}
        self._caps = np.array([g.max for g in scheme.groups])
        self._item_names: dict[str, set[str]] = {}

    # ---- environment -------------------------------------------------------------------------------------
    def full_env(self) -> dict:
        """Base values plus every variable, for all firms (computed once)."""
        if self._full is None:
            env = dict(self.base)
            for name, text in self.scheme.variables.items():
                env[name] = eval_formula(self.scheme.formula(text), env, self.n)
            self._full = env
        return self._full

    def changed_by(self, lever: Lever) -> set[str]:
        """Fields a lever moves and the variables that depend on them (in any depth)."""
        changed = set(lever.add)
        for name, text in self.scheme.variables.items():
            if self.scheme.formula(text).names & changed:
                changed.add(name)
        return changed

    def env(self, idx: np.ndarray | None = None, lever: Lever | None = None, amount=None):
        """The environment of all firms, or of the subset idx with a lever applied: only the names a lever
        changes are recomputed; everything else is sliced from the full environment on first use."""
        full = self.full_env()
        if idx is None and lever is None:
            return full
        env = _Subset(full, np.arange(self.n) if idx is None else idx)
        if lever is not None:
            n = env.n
            for f, coef in lever.add.items():
                env[f] = env[f] + coef * np.asarray(amount, dtype=float)
            changed = self.changed_by(lever)
            for name, text in self.scheme.variables.items():
                if name in changed:
                    env[name] = eval_formula(self.scheme.formula(text), env, n)
        return env

    def num(self, text, env, n) -> np.ndarray:
        if isinstance(text, int | float):
            return np.full(n, float(text))
        return eval_formula(self.scheme.formula(text), env, n)

    def cond(self, text, env, n) -> np.ndarray:
        return eval_condition(self.scheme.formula(text), env, n)

    def cond_known(self, text, env, n) -> tuple[np.ndarray, np.ndarray]:
        """(value, known): `known` false where the data cannot judge the condition (three-valued logic)."""
        return eval_condition_known(self.scheme.formula(text), env, n)

    # ---- points table -----------------------------------------------------------------------------------
    def item_names(self, it: Item) -> set[str]:
        if it.id not in self._item_names:
            texts = [it.value, it.points, *(it.points_range or []), *(b.when for b in it.bands)]
            self._item_names[it.id] = set().union(
                *(self.scheme.formula(t).names for t in texts if t is not None)
            )
        return self._item_names[it.id]

    def points(self, env, n):
        """[min, max] per item and group (capped) for the firms of env, and the groups' maximum without what the
        missing data might add (`gsure`: missing items at the low end of their range)."""
        s = self.scheme
        ni = len(s.items)
        imin = np.zeros((n, ni))
        imax = np.zeros((n, ni))
        ival = np.full((n, ni), np.nan)
        iband = np.full((n, ni), BAND_NONE, dtype=np.int16)
        isure = np.zeros((n, ni))
        for j, it in enumerate(s.items):
            imin[:, j], imax[:, j], ival[:, j], iband[:, j], isure[:, j] = self._item(it, env, n)
        gmin, gmax, gsure = self._groups((imin, imax, isure), range(ni))
        caps = self._caps
        gmin, gmax, gsure = np.minimum(gmin, caps), np.minimum(gmax, caps), np.minimum(gsure, caps)
        out = (imin, imax, ival, iband, gmin, gmax, gsure, isure)
        if not isinstance(env, _Subset) and n == self.n:
            self._pts = out
        return out

    def _groups(self, arrays: tuple[np.ndarray, ...], items) -> tuple[np.ndarray, ...]:
        """Uncapped group sums of the given items, one per array of item points (n × I)."""
        gids = [g.id for g in self.scheme.groups]
        sums = tuple(np.zeros((a.shape[0], len(gids))) for a in arrays)
        for j in items:
            g = gids.index(self.scheme.items[j].group)
            for out, a in zip(sums, arrays, strict=True):
                out[:, g] += a[:, j]
        return sums

    def group_points(self, env: _Subset, changed: set[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Capped group [min, max] for a subset with a lever applied: the items the lever does not touch are
        summed once for all firms and gathered; only the touched items are recomputed."""
        touched = tuple(j for j, it in enumerate(self.scheme.items) if self.item_names(it) & changed)
        key = touched
        if key not in self._untouched:
            imin, imax, isure = self._pts[0], self._pts[1], self._pts[7]
            self._untouched[key] = self._groups(
                (imin, imax, isure), [j for j in range(len(self.scheme.items)) if j not in touched]
            )
        gmin, gmax, gsure = (a[env.idx] for a in self._untouched[key])
        n = env.n
        gids = [g.id for g in self.scheme.groups]
        for j in touched:
            lo, hi, _, _, sure = self._item(self.scheme.items[j], env, n)
            g = gids.index(self.scheme.items[j].group)
            gmin[:, g] += lo
            gmax[:, g] += hi
            gsure[:, g] += sure
        caps = self._caps
        return np.minimum(gmin, caps), np.minimum(gmax, caps), np.minimum(gsure, caps)

    def _item(self, it: Item, env, n):
        """(min, max, value, band, sure max) of one item: `sure max` leaves out what missing data might add."""
        val = self.num(it.value, env, n) if it.value is not None else np.full(n, np.nan)
        lo = np.zeros(n)
        hi = np.zeros(n)
        band = np.full(n, BAND_NONE, dtype=np.int16)
        mlo, mhi = it.missing_range
        opened = np.zeros(n, dtype=bool)  # firms a band condition cannot judge (bands only)
        if it.points is not None:
            p = self.num(it.points, env, n)
            ok = ~np.isnan(p)
            lo, hi = np.where(ok, p, mlo), np.where(ok, p, mhi)
            band = np.where(ok, 0, BAND_MISSING).astype(np.int16)
        elif it.points_range is not None:
            a, b = (self.num(t, env, n) for t in it.points_range)
            ok = ~np.isnan(a) & ~np.isnan(b)
            lo, hi = np.where(ok, a, mlo), np.where(ok, np.maximum(a, b), mhi)
            band = np.where(ok, 0, BAND_MISSING).astype(np.int16)
        else:
            todo = np.ones(n, dtype=bool)
            # a band whose condition the data cannot judge: the firm may be in it or in the band it reaches
            # below, so the item spans both (a missing count is never 0, never just the next band down)
            open_lo, open_hi = np.full(n, np.inf), np.full(n, -np.inf)
            for k, b in enumerate(it.bands):
                hit = todo.copy()
                cmp = b.comparison
                cmp_ok = _cmp(cmp[0], val, cmp[1]) if cmp is not None else np.ones(n, dtype=bool)
                blo, bhi = b.range
                if b.when is not None:
                    ok, known = self.cond_known(b.when, env, n)
                    undecided = todo & ~ok & ~known & (cmp_ok | np.isnan(val))
                    opened |= undecided
                    open_lo = np.where(undecided, np.fmin(open_lo, blo), open_lo)
                    open_hi = np.where(undecided, np.fmax(open_hi, bhi), open_hi)
                    hit &= ok
                hit &= cmp_ok
                lo = np.where(hit, blo, lo)
                hi = np.where(hit, bhi, hi)
                band = np.where(hit, k, band).astype(np.int16)
                todo &= ~hit
        if it.value is not None:  # a missing value scores the item's `missing` points
            miss = np.isnan(val) & (band == BAND_NONE)
            lo, hi = np.where(miss, mlo, lo), np.where(miss, mhi, hi)
            band = np.where(miss, BAND_MISSING, band).astype(np.int16)
        sure = np.where(band == BAND_MISSING, lo, hi)
        if opened.any():
            lo, hi = np.where(opened, np.fmin(lo, open_lo), lo), np.where(opened, np.fmax(hi, open_hi), hi)
            band = np.where(opened, BAND_OPEN, band).astype(np.int16)
        hi = np.minimum(hi, it.max)
        lo = np.minimum(lo, hi)
        return lo, hi, val, band, np.minimum(sure, hi)

    # ---- conditions -----------------------------------------------------------------------------------
    def condition(self, c: Condition, env, n, pts=None, changed: set[str] | None = None):
        """(state, value, value_max, numerator, denominator, threshold) of one condition."""
        nan = np.full(n, np.nan)
        num = den = nan
        if c.kind == "when":
            ok, known = self.cond_known(c.when, env, n)
            state = np.where(ok, PASS, np.where(known, FAIL, MISSING)).astype(np.int8)
            v = ok.astype(float)
            return state, v, v, num, den, nan
        thr = self.num(c.threshold, env, n)
        if c.kind == "score":
            if pts is not None:
                gmin, gmax, gsure = pts[4], pts[5], pts[6]
            elif changed is not None and isinstance(env, _Subset) and self._pts is not None:
                gmin, gmax, gsure = self.group_points(env, changed)
            else:
                gmin, gmax, gsure = self.points(env, n)[4:7]
            if c.score == "total":
                lo, hi, hsure = gmin.sum(axis=1), gmax.sum(axis=1), gsure.sum(axis=1)
            else:
                g = [x.id for x in self.scheme.groups].index(c.score)
                lo, hi, hsure = gmin[:, g], gmax[:, g], gsure[:, g]
            upward = c.op in (">=", ">")
            sure, maybe = (lo, hi) if upward else (hi, lo)
            state = np.where(_cmp(c.op, sure, thr), PASS, np.where(_cmp(c.op, maybe, thr), EXPERT, FAIL))
            if upward:  # passing only with what missing data might add: 待补数据, not the experts' call
                state = np.where((state == EXPERT) & ~_cmp(c.op, hsure, thr), MISSING, state)
            return state.astype(np.int8), lo, hi, num, den, thr
        if c.kind == "ratio":
            num = self.num(c.numerator, env, n)
            den = self.num(c.denominator, env, n)
            with np.errstate(divide="ignore", invalid="ignore"):
                v = np.where(den != 0, num / np.where(den == 0, 1.0, den), np.nan)
        else:
            v = self.num(c.value, env, n)
        ok = _cmp(c.op, v, thr)
        state = np.where(ok, PASS, np.where(np.isnan(v) | np.isnan(thr), MISSING, FAIL)).astype(np.int8)
        return state, v, v, num, den, thr

    def missing_fields(self, c: Condition, env, n, pts=None) -> np.ndarray:
        """Per firm, the fields that make a condition missing ("科技人员数、销售收入（前1年）"): a variable is
        followed only where it is itself missing (coalesce(total_staff, staff) with total_staff known is fine).
        A score condition names the fields of its items that are open for want of data."""
        if c.kind != "score":
            texts = [c.when, c.value, c.numerator, c.denominator]
            texts.append(c.threshold if isinstance(c.threshold, str) else None)
            return self._missing_labels([(t, np.ones(n, dtype=bool)) for t in texts if t is not None], env, n)
        if pts is None or not self.scheme.items:
            return np.full(n, None, dtype=object)
        iband = pts[3]
        scored = {g.id for g in self.scheme.groups} if c.score == "total" else {c.score}
        pairs = []
        for j, it in enumerate(self.scheme.items):
            if it.group not in scored:
                continue
            open_ = (iband[:, j] == BAND_MISSING) | (iband[:, j] == BAND_OPEN)
            if open_.any():
                texts = [it.value, it.points, *(it.points_range or []), *(b.when for b in it.bands)]
                pairs += [(t, open_) for t in texts if t is not None]
        return self._missing_labels(pairs, env, n)

    def _missing_labels(self, pairs: list[tuple[str, np.ndarray]], env, n) -> np.ndarray:
        """Per firm, the labels of the missing fields the formulas read (each formula only for its mask)."""
        from gaoxin.fields import BY_NAME

        found: dict[str, np.ndarray] = {}

        def label_of(nm: str) -> str:
            for s in YEAR_SUFFIXES:
                if nm.endswith(s) and nm[: -len(s)] in BY_NAME:
                    return f"{BY_NAME[nm[: -len(s)]].label}（前{s[2:]}年）"
            return BY_NAME[nm].label if nm in BY_NAME else nm

        def walk(text, mask, depth=0):
            for nm in sorted(self.scheme.formula(text).names):
                a = env.get(nm)
                if not isinstance(a, np.ndarray) or a.dtype.kind != "f":
                    continue
                hit = mask & np.isnan(a)
                if nm in self.scheme.variables and depth < 20:
                    walk(self.scheme.variables[nm], hit, depth + 1)
                elif hit.any():
                    lab = label_of(nm)
                    found[lab] = found[lab] | hit if lab in found else hit

        for t, mask in pairs:
            walk(t, mask)
        if not found:
            return np.full(n, None, dtype=object)
        cols = list(found)
        joined = pl.DataFrame({f"m{i}": found[lab] for i, lab in enumerate(cols)}).select(
            pl.concat_str(
                [pl.when(pl.col(f"m{i}")).then(pl.lit(lab)) for i, lab in enumerate(cols)],
                separator="、",
                ignore_nulls=True,
            )
        )
        out = joined.to_series().to_numpy().astype(object)
        out[out == ""] = None
        return out

    # ---- gaps ------------------------------------------------------------------------------------------
    def holds(self, c: Condition, lever: Lever, idx: np.ndarray, amount: np.ndarray) -> np.ndarray:
        env = self.env(idx, lever, amount)
        state = self.condition(c, env, idx.size, changed=self.changed_by(lever))[0]
        return (state == PASS) | (state == EXPERT)

    def search(self, c: Condition, lever: Lever, idx: np.ndarray) -> np.ndarray:
        """Smallest k ≥ 1 with the condition holding at k × step, per firm of idx (inf: not within max)."""
        m = idx.size
        kmax = max(1, int(lever.max // lever.step))
        lo = np.zeros(m, dtype=np.int64)  # known to fail
        hi = np.full(m, -1, dtype=np.int64)  # known to hold
        active = np.arange(m)
        k = 1
        while active.size and k <= kmax:
            ok = self.holds(c, lever, idx[active], np.full(active.size, k * lever.step))
            hi[active[ok]] = k
            lo[active[~ok]] = k
            active = active[~ok]
            k *= 2
        found = np.flatnonzero(hi > 0)
        while True:
            sel = found[hi[found] - lo[found] > 1]
            if sel.size == 0:
                break
            mid = (lo[sel] + hi[sel]) // 2
            ok = self.holds(c, lever, idx[sel], mid * lever.step)
            hi[sel[ok]] = mid[ok]
            lo[sel[~ok]] = mid[~ok]
        return np.where(hi > 0, hi, np.inf).astype(float)


# ---------------------------------------------------------------------------------------------------------
def evaluate(scheme: CultivationScheme, period: str, years: Sequence[Mapping]) -> CultivationResult:  # noqa: C901 — the six documented steps of the module docstring, in order
    """Evaluate every firm. ``years[0]`` is the data year, ``years[1]`` the year before, … (row-aligned by uscc,
    or aligned here); each a mapping of uscc / name / town / industry_code / registered_on and float fields
    (NaN = missing, never 0)."""
    warnings: list[str] = []
    ev = _Evaluator(scheme, period, years, warnings)
    n = ev.n
    env = ev.env()
    data = ev.data

    def obj(key):
        a = data.get(key)
        return np.full(n, None, dtype=object) if a is None else np.asarray(a, dtype=object)

    # population: explicit rule, or any data-year value the scheme reads
    fields = sorted(scheme.referenced_fields())
    has_data = np.zeros(n, dtype=bool)
    for f in fields:
        has_data |= ~np.isnan(ev.base[f])
    population = has_data
    if scheme.population.when is not None:
        population = population & ev.cond(scheme.population.when, env, n)

    # routes, points, conditions
    route_hit = np.zeros((n, len(scheme.routes)), dtype=bool)
    for r, route in enumerate(scheme.routes):
        route_hit[:, r] = ev.cond(route.when, env, n)
    pts = ev.points(env, n) if scheme.items else None
    if pts is not None:
        imin, imax, ival, iband, gmin, gmax, _, _ = pts
        score_min, score_max = gmin.sum(axis=1), gmax.sum(axis=1)
    else:
        imin = imax = ival = np.zeros((n, 0))
        iband = np.zeros((n, 0), dtype=np.int16)
        gmin = gmax = np.zeros((n, 0))
        score_min = score_max = np.full(n, np.nan)
    nc = len(scheme.conditions)
    state = np.zeros((n, nc), dtype=np.int8)
    value, value_max, numer, denom, thresh = (np.full((n, nc), np.nan) for _ in range(5))
    missing_fields = []
    route_ids = [r.id for r in scheme.routes]
    route_used = np.full((n, nc), -1, dtype=np.int16)
    expert_needed = np.full(n, np.nan)
    judged = np.array([it.judged for it in scheme.items], dtype=bool)
    for k, c in enumerate(scheme.conditions):
        st, v, vmax, nu, de, th = ev.condition(c, env, n, pts)
        state[:, k], value[:, k], value_max[:, k], numer[:, k], denom[:, k], thresh[:, k] = (
            st,
            v,
            vmax,
            nu,
            de,
            th,
        )
        missing_fields.append(ev.missing_fields(c, env, n, pts))
        for rid in c.routes:  # first matching route, in the condition's order
            r = route_ids.index(rid)
            use = (route_used[:, k] < 0) & route_hit[:, r] & (st != PASS)
            route_used[:, k] = np.where(use, r, route_used[:, k])
        if c.kind == "score" and c.score == "total" and c.op in (">=", ">"):
            # what the expert-judged items must add, with the computable items at their lower ends
            comp = np.zeros((n, len(scheme.groups)))
            gids = [g.id for g in scheme.groups]
            for j, it in enumerate(scheme.items):
                if not judged[j]:
                    comp[:, gids.index(it.group)] += imin[:, j]
            comp = np.minimum(comp, np.array([g.max for g in scheme.groups])).sum(axis=1)
            need = th - comp + (1.0 if c.op == ">" else 0.0)
            expert_needed = np.where(st == EXPERT, np.fmax(expert_needed, need), expert_needed)
    final_state = np.where(route_used >= 0, PASS, state).astype(np.int8)

    # gaps: each failing condition, each lever, for the failing firms only
    gaps: dict[int, list[Gap]] = {}
    for k, c in enumerate(scheme.conditions):
        if not c.levers:
            continue
        failing = np.flatnonzero(population & (final_state[:, k] == FAIL))
        gaps[k] = []
        for lid in c.levers:
            lever = scheme.lever(lid)
            steps = np.full(n, np.nan)
            q0 = np.full(n, np.nan)
            q1 = np.full(n, np.nan)
            if failing.size:
                steps[failing] = ev.search(c, lever, failing)
                if c.quantity is not None:
                    q0 = ev.num(c.quantity.formula, env, n)
                    ok = failing[np.isfinite(steps[failing])]
                    if ok.size:
                        e1 = ev.env(ok, lever, steps[ok] * lever.step)
                        q1[ok] = ev.num(c.quantity.formula, e1, ok.size)
            gaps[k].append(Gap(lever, steps, q0, q1))

    # verdicts and closeness: 未达标 (a condition fails) is told from 待补数据 (a condition the data cannot judge)
    failing_mask = (final_state == FAIL) | (final_state == MISSING)
    n_fail = (final_state == FAIL).sum(axis=1)
    n_missing = (final_state == MISSING).sum(axis=1)
    n_expert = (final_state == EXPERT).sum(axis=1)
    fixable = np.zeros((n, nc), dtype=bool)
    for k, gl in gaps.items():
        for g in gl:
            fixable[:, k] |= np.isfinite(g.steps)
    verdict_initial = np.select(
        [(state == FAIL).any(axis=1), (state == MISSING).any(axis=1), (state == EXPERT).any(axis=1)],
        ["fail", "missing", "expert"],
        "pass",
    )
    verdict_initial = np.where(population, verdict_initial, "out").astype(object)
    short = np.zeros((n, nc))
    for k, c in enumerate(scheme.conditions):
        f = failing_mask[:, k]
        if c.kind in ("value", "ratio", "score"):
            v = value_max[:, k] if c.op in (">=", ">") else value[:, k]
            t = thresh[:, k]
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = np.abs(t - v) / np.maximum(np.abs(t), 1e-12)
            rel = np.clip(np.nan_to_num(rel, nan=1.0), 0.0, 1.0)
            short[:, k] = np.where(f & (final_state[:, k] == FAIL), rel, np.where(f, 1.0, 0.0))
            if c.kind == "score":  # EXPERT: the share of the open range the experts must still cover
                with np.errstate(invalid="ignore", divide="ignore"):
                    part = (thresh[:, k] - value[:, k]) / (value_max[:, k] - value[:, k])
                exp_k = final_state[:, k] == EXPERT
                short[:, k] = np.where(exp_k, np.clip(np.nan_to_num(part, nan=1.0), 0.0, 1.0), short[:, k])
        else:  # yes/no conditions: a lever-closable one counts as halfway
            short[:, k] = np.where(f, np.where(fixable[:, k], NEAR_SHORTFALL, 1.0), 0.0)
    shortfall = short.sum(axis=1)
    # 差一项: one condition fails (others may still want data), a lever closes it, and the firm is at least
    # halfway there; 待补数据: nothing fails, something cannot be judged
    near = (n_fail == 1) & ((final_state == FAIL) & fixable & (short <= NEAR_SHORTFALL)).any(axis=1)
    verdict = np.select(
        [n_fail + n_missing == 0, n_fail == 0, near],
        [np.where(n_expert == 0, "pass", "expert"), "missing", "near"],
        "fail",
    )
    verdict = np.where(population, verdict, "out").astype(object)
    order_code = np.select([verdict == v for v in VERDICTS], np.arange(len(VERDICTS)), len(VERDICTS))
    order = np.lexsort((np.arange(n), shortfall, n_missing, n_fail, order_code))
    rank = np.zeros(n, dtype=np.int64)
    in_pop = order[population[order]]
    rank[in_pop] = np.arange(1, in_pop.size + 1)

    # certificate held (HNTE): valid now, expiring within the warning window, or past its term
    holder = np.zeros(n, dtype=bool)
    cert_year = np.full(n, np.nan)
    cert_status = np.full(n, "", dtype=object)
    cert = scheme.certificate
    if cert is not None:
        holder = ev.cond(cert.holder, env, n)
        cert_year = np.where(holder, ev.num(cert.issued_year, env, n), np.nan)
        expires = cert_year + cert.valid_years
        p = float(int(str(period)[:4]))
        # the issue year is all the store knows: a certificate issued in year Y expires during Y + valid_years
        expired = holder & (expires <= p)
        soon = holder & ~expired & ((expires - p) * 12 <= cert.warn_months)
        cert_status = np.where(
            expired, "已到期", np.where(soon, f"{cert.warn_months}个月内到期", np.where(holder, "有效", ""))
        ).astype(object)

    return CultivationResult(
        scheme=scheme,
        period=str(period),
        n=n,
        uscc=ev.uscc,
        name=obj("name"),
        town=obj("town"),
        industry_code=obj("industry_code"),
        population=population,
        state=state,
        final_state=final_state,
        route_used=route_used,
        value=value,
        value_max=value_max,
        numerator=numer,
        denominator=denom,
        threshold=thresh,
        missing_fields=missing_fields,
        gaps=gaps,
        route_hit=route_hit,
        item_min=imin,
        item_max=imax,
        item_value=ival,
        item_band=iband,
        group_min=gmin,
        group_max=gmax,
        score_min=score_min,
        score_max=score_max,
        expert_needed=expert_needed,
        verdict_initial=verdict_initial,
        verdict=verdict,
        n_fail=n_fail,
        n_missing=n_missing,
        shortfall=shortfall,
        rank=rank,
        holder=holder,
        cert_year=cert_year,
        cert_status=cert_status,
        warnings=warnings,
    )
