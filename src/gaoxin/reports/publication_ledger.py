"""The 差别化政策台账 from the final classes (定级): the run's own ledger lines with each firm's final class;
where a decision moved a firm, its amount is the run's amount scaled by the new class's rate over the old
(amount = base × rate, the base unchanged). A firm whose run class carried no amount for a policy has no
line to scale: its new line is left to the department (listed as 待核定 in `unpriced`)."""

from __future__ import annotations

import duckdb
import polars as pl

from gaoxin.cases.appeals.decisions import final_list
from gaoxin.reports.policy_ledger import ledger, ledger_from_lines


def final_ledger(con: duckdb.DuckDBPyConnection, run: dict, town: str | None = None) -> dict:
    data = ledger(con, run)
    pols = data["policies"]
    final = final_list(con, run["run_id"]).select("uscc", "class_run", pl.col("class_final").alias("final"))
    rates = pl.DataFrame(
        [(p["id"], c, float(r), p["kind"]) for p in pols for c, r in p["rates"].items()],
        schema={"policy": pl.Utf8, "final": pl.Utf8, "rate_new": pl.Float64, "kind": pl.Utf8},
        orient="row",
    ).drop("kind")
    lines = (
        data["lines"]
        .join(final, on="uscc", how="left")
        .join(rates, on=["policy", "final"], how="left")
        .with_columns(
            amount=pl.when(pl.col("final") == pl.col("class_final"))
            .then(pl.col("amount"))
            .when(pl.col("rate") != 0)
            .then(pl.col("amount") * pl.col("rate_new").fill_null(0) / pl.col("rate"))
            .otherwise(None),
            rate=pl.when(pl.col("final") == pl.col("class_final"))
            .then(pl.col("rate"))
            .otherwise(pl.col("rate_new")),
            class_final=pl.coalesce("final", "class_final"),
        )
        .filter(pl.col("amount").fill_null(1) != 0)
        .select("policy", "title", "uscc", "name", "town", "class_final", "rate", "base", "amount")
    )
    moved = final.filter(pl.col("class_run") != pl.col("final"))
    priced = set(data["lines"]["uscc"].to_list())
    out = ledger_from_lines(pols, lines, town)
    out["unpriced"] = moved.filter(~pl.col("uscc").is_in(list(priced)))
    return out
