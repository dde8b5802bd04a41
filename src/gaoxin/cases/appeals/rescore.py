"""The re-evaluation an appeal shows before its decision: the official run's scheme on the store's data with
the corrected cells laid over it (pure evaluation, nothing written), compared with the run firm by firm —
the appellant's new score and class, and every other firm whose class moved with the benchmark."""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl

from gaoxin.evaluations import runs
from gaoxin.evaluations.mujun.core import evaluate
from gaoxin.evaluations.mujun.inputs import stored_data
from gaoxin.store import runs as store_runs


class RescoreError(ValueError):
    """A correction the run's scheme cannot take (an indicator it does not read, a firm not in the data)."""


def rescore(
    con: duckdb.DuckDBPyConnection, run: dict, corrections: list[tuple[str, str, float]]
) -> pl.DataFrame:
    """uscc, score, rank, class_final of every firm with `corrections` ((uscc, indicator, canonical value)
    for the run's period) applied."""
    scheme = runs.stored_scheme(con, run)
    period = run["period"]
    data, prev = stored_data(con, period, scheme)
    for uscc, indicator, value in corrections:
        if indicator not in data:
            raise RescoreError(f"方案 {run['scheme_id']} 不读取指标「{indicator}」，更正不影响评价结果")
        idx = np.flatnonzero(data["uscc"] == uscc)
        if idx.size == 0:
            raise RescoreError(f"企业 {uscc} 不在 {period} 年度的数据中")
        column = data[indicator].copy()
        column[idx] = value
        data[indicator] = column
    result = evaluate(scheme, period, data, prev)
    return pl.DataFrame(
        {
            "uscc": result.uscc.astype(str),
            "score_new": result.score.astype(float),
            "rank_new": result.rank.astype(np.int64),
            "class_new": result.class_final.astype(str),
        }
    )


def compare(con: duckdb.DuckDBPyConnection, run: dict, new: pl.DataFrame, uscc: str) -> dict:
    """The appellant's row and every firm whose class differs from the run's."""
    old = store_runs.run_results(con, run["run_id"]).select(
        "uscc", "name", "town", "list_id", "score", "rank", "class_final"
    )
    both = old.join(new, on="uscc", how="left").with_columns(
        pl.col("score_new").fill_nan(None), pl.col("class_new").fill_null(pl.col("class_final"))
    )
    firm = both.filter(pl.col("uscc") == uscc).to_dicts()
    changed = both.filter((pl.col("class_new") != pl.col("class_final")) & (pl.col("uscc") != uscc))
    return {
        "firm": firm[0] if firm else None,
        "others": changed.sort(["list_id", "rank_new"], nulls_last=True).to_dicts(),
    }
