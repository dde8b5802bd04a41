"""定级 over the years: the final classes of each year's official 亩均 run, the class transition matrix
(A/B/C/D/T → A/B/C/D/T) per town and list with the firms in each cell, and the firms D for N consecutive
years (N and the surcharge from the rules file)."""

from __future__ import annotations

import duckdb
import polars as pl

from gaoxin.store import official

from .decisions import CLASSES, final_list
from .rules import load


def yearly_finals(con: duckdb.DuckDBPyConnection, scheme_id: str | None = None) -> pl.DataFrame:
    """period, run_id, uscc, name, town, list_id, class_final: the final list of each year's official run."""
    marks = sorted(
        (
            m
            for m in official.current(con).values()
            if m["kind"] == "mujun" and scheme_id in (None, m["scheme_id"])
        ),
        key=lambda m: (m["period"], m["marked_at"]),
    )
    per_year = {m["period"]: m["run_id"] for m in marks}  # the latest marked run of a year
    frames = [
        final_list(con, run_id)
        .select("uscc", "name", "town", "list_id", "class_final")
        .with_columns(pl.lit(period).alias("period"), pl.lit(run_id).alias("run_id"))
        for period, run_id in sorted(per_year.items())
    ]
    return pl.concat(frames) if frames else pl.DataFrame(
        schema={"uscc": pl.Utf8, "name": pl.Utf8, "town": pl.Utf8, "list_id": pl.Utf8, "class_final": pl.Utf8,
                "period": pl.Utf8, "run_id": pl.Utf8}
    )  # fmt: skip


def transitions(finals: pl.DataFrame, year_from: str, year_to: str) -> pl.DataFrame:
    """Pure: one row per (town, list_id, from, to) with the count and the firms (names) in the cell; a firm
    absent from a year counts as T there. town/list are the later year's."""
    a = finals.filter(pl.col("period") == year_from).select("uscc", pl.col("class_final").alias("from"))
    b = finals.filter(pl.col("period") == year_to).select(
        "uscc", "name", "town", "list_id", pl.col("class_final").alias("to")
    )
    both = b.join(a, on="uscc", how="left").with_columns(pl.col("from").fill_null("T"))
    return (
        both.group_by(["town", "list_id", "from", "to"])
        .agg(
            pl.len().alias("firms"),
            pl.col("name").sort().alias("names"),
            pl.col("uscc").sort().alias("usccs"),
        )
        .sort(["town", "list_id", "from", "to"], nulls_last=True)
    )


def matrix(cells: pl.DataFrame) -> list[list[int]]:
    """The 5×5 counts (rows: from A..T, columns: to A..T) of transition cells (any towns and lists summed)."""
    idx = {k: i for i, k in enumerate(CLASSES)}
    out = [[0] * len(CLASSES) for _ in CLASSES]
    for r in cells.iter_rows(named=True):
        out[idx.get(r["from"], 4)][idx.get(r["to"], 4)] += r["firms"]
    return out


def consecutive_d(finals: pl.DataFrame, years: int | None = None) -> pl.DataFrame:
    """Firms whose final class was D in each of the last `years` years (the rules file's N by default)."""
    rules = load()
    n = years or rules.d_years
    periods = sorted(finals["period"].unique().to_list())[-n:]
    if len(periods) < n:
        return finals.head(0).select("uscc", "name", "town").with_columns(pl.lit("").alias("surcharge"))
    d = finals.filter(pl.col("period").is_in(periods) & (pl.col("class_final") == "D"))
    hit = d.group_by("uscc").agg(pl.len().alias("k"), pl.col("name").last(), pl.col("town").last())
    return (
        hit.filter(pl.col("k") == n)
        .select("uscc", "name", "town")
        .with_columns(pl.lit(rules.d_surcharge).alias("surcharge"))
        .sort("uscc")
    )
