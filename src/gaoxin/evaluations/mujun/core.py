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
7. policy amounts by final class."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from gaoxin.engine import rank
from gaoxin.evaluations.periods import previous_period
from gaoxin.schemes.formula import evaluate as eval_formula
from gaoxin.schemes.formula import evaluate_condition as eval_condition
from gaoxin.schemes.model import Scheme

from .benchmarks import _benchmark
from .classes import _classify, _policy, _protect_and_veto
from .prepare import _align, _member_raw, _obj, _prepare
from .scoring import _combine_adjust, _note_texts, _score_indicator
from .types import N_OK, ItemBlock, ItemInfo, MujunResult, T


def evaluate(scheme: Scheme, period: str, data: Mapping, prev: Mapping | None = None) -> MujunResult:
    """Evaluate one period of columnar data (see the module docstring for the data contract).

    ``prev`` is the previous period's data in the same shape; it feeds ``basis = "previous"`` benchmarks and
    ``prev(field)`` in formulas. Firms are matched by uscc; passing ``prev`` row-aligned with ``data`` (same
    uscc order, NaN rows for firms absent last year) skips the matching (~0.5 s saved at 1M firms).
    Deterministic: the same inputs give identical arrays."""
    warnings: list[str] = []
    n = int(np.asarray(data["uscc"], dtype=object).shape[0])
    uscc = _obj(data["uscc"], n)
    prev_rows, prev_prep = _previous(scheme, period, uscc, prev)
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

    init, class_group, groups = _classify(scheme, prep, total, rank_out, town, labels)
    evaluated = prep.t_code == 0
    list_code = np.where(evaluated, prep.cand, -1)
    list_ids = [lst.id for lst in scheme.lists]
    t_texts = np.asarray(prep.t_texts, dtype=object)
    final, reasons, clauses = _protect_and_veto(scheme, prep, init, labels, lab_index, list_code, n)
    labels_ext = np.asarray(list(labels) + [T], dtype=object)
    policy = _policy(scheme, prep, final, labels, n)

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


def _previous(scheme: Scheme, period: str, uscc: np.ndarray, prev: Mapping | None) -> tuple:
    """The previous period as the scheme needs it: each firm's row there (for ``prev(x)``) and its prepared
    values (for ``basis = "previous"`` benchmarks); (None, None) when not needed or not given."""
    if prev is None:
        return None, None
    prev_rows = prev_prep = None
    if scheme.referenced_names()[1]:
        prev_rows = _align(_obj(prev["uscc"], len(prev["uscc"])), uscc)
    if any(
        ind.benchmark is not None and ind.benchmark.basis == "previous"
        for lst in scheme.lists
        for ind in lst.indicator
    ):
        prev_prep = _prepare(scheme, previous_period(period), prev, None, None, [])
    return prev_rows, prev_prep
