"""Running an evaluation against the store: read facts, evaluate, persist an immutable run.

The evaluation cores (`mujun.evaluate`) are pure; this module is the I/O edge that feeds them from
the store and writes their results and per-item trace as `run`, `run_result` and `run_item` rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from gaoxin import fields as F
from gaoxin.evaluations import mujun
from gaoxin.schemes import Scheme, parse_scheme, scheme_sha256, scheme_text
from gaoxin.store import queries
from gaoxin.store import runs as store_runs


class RunError(ValueError):
    """A run that cannot be made (no data for the period, unknown scheme, …): the message says why."""


@dataclass
class RunOutcome:
    run_id: str
    created: bool  # False when the identical run already existed
    scheme: Scheme
    result: mujun.MujunResult | None  # None when the run already existed (nothing recomputed)
    seconds: dict[str, float] = field(default_factory=dict)  # stage → wall time (check, read, evaluate, …)


class _Stopwatch:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._t = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = now - self._t
        self._t = now


def load(scheme_ref: str | Path) -> tuple[Scheme, str, str]:
    text = scheme_text(scheme_ref)
    return parse_scheme(text, str(scheme_ref)), text, scheme_sha256(text)


def period_data(
    con: duckdb.DuckDBPyConnection, period: str, scheme: Scheme, max_batch: int | None = None
) -> dict[str, np.ndarray]:
    """The columnar dataset the core reads: only the fields the scheme refers to."""
    return queries.arrays(con, period, referenced_fields(scheme), max_batch, attributes=mujun.READ_KEYS)


def has_data(con: duckdb.DuckDBPyConnection, period: str) -> bool:
    return queries.has_period(con, period)


def evaluate_stored(
    con: duckdb.DuckDBPyConnection,
    scheme: Scheme,
    period: str,
    max_batch: int | None = None,
    watch: _Stopwatch | None = None,
) -> tuple[mujun.MujunResult, dict, dict | None]:
    """Evaluate from the store (as of `max_batch`): the result, the data and the previous period's data."""
    data = period_data(con, period, scheme, max_batch)
    prev_period = mujun.previous_period(period)
    prev = period_data(con, prev_period, scheme, max_batch) if has_data(con, prev_period) else None
    if watch:
        watch.lap("read")
    result = mujun.evaluate(scheme, period, data, prev)
    if watch:
        watch.lap("evaluate")
    return result, data, prev


def run_mujun(con: duckdb.DuckDBPyConnection, scheme_ref: str | Path, period: str) -> RunOutcome:
    """Evaluate `period` with the scheme and store the run (or return the identical one already stored)."""
    scheme, text, sha = load(scheme_ref)
    kind = getattr(scheme.scheme, "kind", "mujun")
    if kind != "mujun":
        command = {"zone": "gaoxin rank", "cultivation": "gaoxin cultivate"}.get(kind, "")
        raise RunError(
            f"方案 {scheme.scheme.id} 不是亩均评价方案（类型 {kind}），请用 {command} --scheme {scheme.scheme.id}"
        )
    if not has_data(con, period):
        known = ", ".join(queries.periods(con)) or "无"
        raise RunError(
            f"数据库中没有 {period} 年度的数据（已有年度：{known}）。请先用 gaoxin import 导入该年度的部门数据"
        )
    watch = _Stopwatch()
    params = {"period": period}
    fingerprint = queries.data_fingerprint(con, period)
    run_id = store_runs.run_id_for(sha, fingerprint, params)
    if store_runs.find_run(con, run_id) is not None:
        return RunOutcome(run_id, False, scheme, None)
    max_batch = queries.max_batch_id(con)
    watch.lap("check")
    result = evaluate_stored(con, scheme, period, max_batch, watch)[0]
    results, items = result_frames(result)
    meta = {
        "run_id": run_id,
        "kind": "mujun",
        "scheme_id": scheme.scheme.id,
        "scheme_version": scheme.scheme.version,
        "scheme_sha256": sha,
        "data_fingerprint": fingerprint,
        "period": period,
        "params": params,
        "summary": summary(result, scheme),
        "max_batch_id": max_batch,
    }
    watch.lap("frames")
    store_runs.write_run(con, meta, results, items, text)
    watch.lap("write")
    return RunOutcome(run_id, True, scheme, result, watch.seconds)


def summary(result: mujun.MujunResult, scheme: Scheme) -> dict:
    return {
        "title": scheme.scheme.title,
        "n": int(result.n),
        "counts": {k: int(v) for k, v in result.counts.items()},
        "counts_by_list": {k: {c: int(n) for c, n in v.items()} for k, v in result.counts_by_list.items()},
        "class_names": result.class_names,
        "cutoffs": {g.key: {k: _f(v) for k, v in g.cutoffs.items()} for g in result.class_groups},
        "items": [
            {
                "key": it.key,
                "title": it.title,
                "unit": it.unit,
                "weight": _f(it.weight),
                "kind": it.kind,
                "list": it.list_id,
                "clause": it.clause,
                "ref": it.ref,
            }
            for it in result.items
        ],
        "item_stats": {
            k: {s: _f(v) if isinstance(v, float | int | np.floating) else v for s, v in st.items()}
            for k, st in result.item_stats.items()
        },
        "policy": list(result.policy),
        "warnings": list(result.warnings),
    }


def _f(v) -> float | None:
    v = float(v)
    return None if np.isnan(v) else v


def _utf8(name: str, values: np.ndarray) -> pl.Series:
    """Text column from an object array; falls back to element-wise str() when it mixes types (NaN, numpy)."""
    try:
        return pl.Series(name, values, dtype=pl.Utf8)
    except (pl.exceptions.ComputeError, TypeError):
        return pl.Series(name, [None if v is None or v != v else str(v) for v in values], dtype=pl.Utf8)


def result_frames(result: mujun.MujunResult) -> tuple[pl.DataFrame, store_runs.Trace]:
    """Columnar results → (run_result rows, compact trace), deterministic order, no per-firm Python loop."""
    uscc = _utf8("uscc", result.uscc)
    results = pl.DataFrame(
        {
            "uscc": uscc,
            "list_id": _utf8("list_id", result.list_id),
            "score": result.score,
            "rank": np.where(result.rank > 0, result.rank, 0).astype(np.int32),
            "class_initial": _utf8("class_initial", result.class_initial),
            "class_final": _utf8("class_final", result.class_final),
            "reasons": _utf8("reasons", result.reasons),
            "land_mu": result.land_mu,
            "base_score": result.base_score,
            "adjustment": result.adjustment,
            "list_size": result.list_size.astype(np.int32),
        }
    ).with_columns(
        pl.col(pl.Float64).fill_nan(None),
        pl.when(pl.col("rank") > 0).then(pl.col("rank")).otherwise(None).alias("rank"),
        pl.when(pl.col("reasons") == "").then(None).otherwise(pl.col("reasons")).alias("reasons"),
        pl.when(pl.col("list_size") > 0).then(pl.col("list_size")).otherwise(None).alias("list_size"),
    )  # firm order = the store's USCC order: deterministic without a sort
    return results, trace_frames(result)


def trace_frames(result: mujun.MujunResult) -> store_runs.Trace:
    """The per-(firm, item) trace in stored form: item blocks in scheme order, firms ascending inside each (so
    deterministic without a sort), then policy lines for firms with a non-zero amount; each block is one chunk
    of the rows frame (never copied into one)."""
    parts, defs = [], []
    note_no: dict[str, int] = {}

    def part(columns: dict) -> pl.DataFrame:
        frame = pl.DataFrame(columns).with_columns(pl.lit(len(defs), dtype=pl.Int32).alias("item_no"))
        return store_runs.trace_table(frame).with_columns(pl.col(pl.Float64).fill_nan(None))

    for b in result.blocks:
        it = result.items[b.item]
        codes = np.array([note_no.setdefault(t, len(note_no)) for t in b.note_texts], dtype=np.int32)
        parts.append(
            part(
                {
                    "firm": b.firm.astype(np.int32),
                    "value": b.value,
                    "numerator": b.numerator,
                    "denominator": b.denominator,
                    "benchmark": b.benchmark,
                    "raw_score": b.raw_score,
                    "score": b.score,
                    "note_no": codes[b.note_code],
                }
            )
        )
        defs.append((it.key, _f(it.weight), it.clause))
    for pid, amount in result.policy.items():
        idx = np.flatnonzero(np.nan_to_num(amount) != 0)
        parts.append(part({"firm": idx.astype(np.int32), "value": amount[idx]}))
        defs.append((f"policy.{pid}", None, f"policy.{pid}"))
    items = pl.DataFrame(
        {
            "item_no": range(len(defs)),
            "item": [d[0] for d in defs],
            "weight": [d[1] for d in defs],
            "clause": [d[2] for d in defs],
        },
        schema=store_runs.DEF_COLUMNS,
    )
    notes = pl.DataFrame(
        {"note_no": list(note_no.values()), "note": list(note_no)}, schema=store_runs.NOTE_COLUMNS
    )
    rows = pl.concat(parts, rechunk=False) if parts else store_runs.trace_table(pl.DataFrame())  # no copy
    return store_runs.Trace(rows, items, notes)


def referenced_fields(scheme: Scheme) -> list[str]:
    names = {f.name for f in F.numeric_fields()}
    used, used_prev = mujun.referenced_fields(scheme)
    return sorted(f for f in used | used_prev if f in names)
