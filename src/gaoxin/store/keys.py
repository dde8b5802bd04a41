"""Integer firm keys (migration 21): every firm a stable number, `enterprise.firm`, carried by its facts.

The credit code stays the user's key everywhere at the edges; the number is what a run places facts by (no
text join over millions of facts) and what a firm's page filters facts on (integer zone maps prune to the
few row groups that hold the firm, where 18-character codes sharing their prefix prune nothing). Numbers are
handed out in credit-code order to the firms of one write and never reused (firms are never deleted).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from .firm_digest import recount_digest

if TYPE_CHECKING:  # polars loads on first use: the CLI's commands on stored runs never need it
    import polars as pl

# the firm's number for one credit code (one `?`), for point look-ups of facts: `WHERE f.firm = {FIRM_OF}`
FIRM_OF = "(SELECT firm FROM enterprise WHERE uscc = ?)"


def next_keys_sql(uscc: str) -> str:
    """SQL for the numbers of new firms in one INSERT … SELECT, ordered by the credit code column `uscc`."""
    return f"(SELECT coalesce(max(firm), -1) FROM enterprise) + row_number() OVER (ORDER BY {uscc})"


def number_firms(con: duckdb.DuckDBPyConnection, staged: str, firms: pl.Series) -> pl.DataFrame:
    """(uscc, firm, new) row for row with the credit codes `firms` (distinct, also registered as table `staged`
    with a `uscc` column): the numbers of firms already in the store, and for the others the next free numbers
    in credit-code order — the rule `next_keys_sql` writes in SQL, worked here so a writer needs no read-back."""
    import polars as pl

    from .db import frame, one

    known = frame(con, f"SELECT e.uscc, e.firm FROM enterprise e SEMI JOIN {staged} s ON e.uscc = s.uscc")
    start = one(con, "SELECT coalesce(max(firm), -1) + 1 FROM enterprise")[0]
    out = firms.to_frame("uscc")
    if known.height:
        known = known.with_columns(pl.col("firm").cast(pl.Int32))
        out = out.join(known, on="uscc", how="left", maintain_order="left")
    else:
        out = out.with_columns(pl.lit(None, dtype=pl.Int32).alias("firm"))
    new = pl.col("firm").is_null()
    # each new firm's place among the new ones by credit code (byte order, as DuckDB orders text): its row
    # order when the codes come sorted, as a prepared batch's do
    place = new.cum_sum() if firms.is_sorted() else pl.when(new).then(pl.col("uscc")).rank("ordinal")
    return out.with_columns(
        pl.coalesce(pl.col("firm"), (start - 1 + place).cast(pl.Int32)).alias("firm"), new.alias("new")
    )


def fill_missing(con: duckdb.DuckDBPyConnection) -> None:
    """Number firms and facts written without one and recount the enterprise digest (direct SQL writers:
    benches, fixtures, old scripts).

    The store's own writers set both as they write; this makes rows from any other writer visible to runs
    and pages the same way."""
    con.execute(
        f"""UPDATE enterprise SET firm = k.firm
            FROM (SELECT uscc, ({next_keys_sql("uscc")})::INTEGER AS firm FROM enterprise WHERE firm IS NULL) k
            WHERE enterprise.firm IS NULL AND enterprise.uscc = k.uscc"""
    )
    con.execute(
        "UPDATE fact SET firm = e.firm FROM enterprise e WHERE fact.firm IS NULL AND fact.uscc = e.uscc"
    )
    recount_digest(con)  # the direct writer kept no digest either
