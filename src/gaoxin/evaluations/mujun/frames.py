"""亩均 results in stored form: the run summary, the run_result rows and the compact per-(firm, item) trace,
columnar and deterministic (no per-firm Python loop)."""

from __future__ import annotations

import numpy as np
import polars as pl

from gaoxin.schemes import Scheme
from gaoxin.store import runs as store_runs

from .types import MujunResult


def summary(result: MujunResult, scheme: Scheme) -> dict:
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


def result_frames(result: MujunResult) -> tuple[pl.DataFrame, store_runs.Trace]:
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


# trace rows DuckDB keeps in one row group (its default row_group_size)
ROW_GROUP_ROWS = 122_880


def trace_frames(result: MujunResult) -> store_runs.Trace:
    """The per-(firm, item) trace in stored form, clustered by firm: the firms cut into ranges of about one
    row group of trace rows, and within each range the item blocks in scheme order (firms ascending inside
    each), then the policy lines of firms with a non-zero amount. A firm's trace is thus in one or two row
    groups, which the 画像's read by firm finds by zone map (item-major rows put every firm in every row
    group: a full scan of the run per page). Deterministic without a sort; the pieces are slices of the
    blocks, chunks of the rows frame (never copied into one)."""
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
        schema=store_runs.dtypes(store_runs.DEF_COLUMNS),
    )
    notes = pl.DataFrame(
        {"note_no": list(note_no.values()), "note": list(note_no)},
        schema=store_runs.dtypes(store_runs.NOTE_COLUMNS),
    )
    rows = pl.concat(by_firm_range(parts, len(result.uscc)), rechunk=False) if parts else None  # no copy
    return store_runs.Trace(
        rows if rows is not None else store_runs.trace_table(pl.DataFrame()), items, notes
    )


def by_firm_range(parts: list[pl.DataFrame], firms: int, group: int = ROW_GROUP_ROWS) -> list[pl.DataFrame]:
    """`parts` (each with `firm` ascending, below `firms`) cut into firm ranges of about `group` rows in all,
    range after range, the parts in their order inside each: zero-copy slices."""
    total = sum(p.height for p in parts)
    step = max(1, group * firms // max(total, 1))
    bounds = np.arange(0, firms + step, step)
    cuts = [np.searchsorted(p.get_column("firm").to_numpy(), bounds) for p in parts]
    out = []
    for i in range(len(bounds) - 1):
        for p, c in zip(parts, cuts, strict=True):
            if c[i + 1] > c[i]:
                out.append(p.slice(int(c[i]), int(c[i + 1] - c[i])))
    return out
