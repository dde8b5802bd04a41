"""Read queries over the store: the current value of every fact, enterprise look-ups, wide tables.

When several batches carry the same (firm, period, indicator), the current value comes from the
department the field prefers (`Field.sources`, e.g. 营业收入 from 统计 before 税务), then from the
latest batch. Older values stay in `fact` and remain traceable.
"""

from __future__ import annotations

import hashlib

import duckdb
import numpy as np
import polars as pl

from gaoxin import fields as F
from gaoxin.store.db import frame, one, rows


def _precedence_sql() -> str:
    pairs = []
    for f in F.FIELDS:
        for rank, src in enumerate(f.sources):
            pairs.append(f"('{f.name}', '{src}', {rank})")
    return "VALUES " + ", ".join(pairs) if pairs else "SELECT NULL, NULL, NULL WHERE false"


def current_facts_sql(where: str = "") -> str:
    """SQL for one row per (uscc, period, indicator): the value in force, with its batch."""
    return f"""
        WITH pref(indicator, source, pref_rank) AS ({_precedence_sql()}),
        ranked AS (
            SELECT f.*, b.source, b.file_name,
                   row_number() OVER (
                       PARTITION BY f.uscc, f.period, f.indicator
                       ORDER BY coalesce(p.pref_rank, 99), f.batch_id DESC) AS rn
            FROM fact f JOIN import_batch b USING (batch_id)
            LEFT JOIN pref p ON p.indicator = f.indicator AND p.source = b.source
            {where}
        )
        SELECT uscc, period, indicator, value, unit, batch_id, source, file_name, sheet, row_no
        FROM ranked WHERE rn = 1
    """


# enterprise attributes plus the latest known 规上 status (derived from the per-year above_scale facts)
ENTERPRISE_SQL = """
    SELECT e.*, s.above_scale FROM enterprise e LEFT JOIN (
        SELECT uscc, arg_max(value, period || lpad(batch_id::VARCHAR, 10, '0')) > 0 AS above_scale
        FROM fact WHERE indicator = 'above_scale' GROUP BY uscc) s USING (uscc)
"""


def enterprises(con: duckdb.DuckDBPyConnection, town: str | None = None) -> pl.DataFrame:
    where, params = ("WHERE town = ?", [town]) if town else ("", [])
    return frame(
        con,
        f"""SELECT uscc, name, town, industry_code, industry_name, registered_on, above_scale, attr_source
            FROM ({ENTERPRISE_SQL}) {where} ORDER BY town NULLS LAST, name, uscc""",
        params,
    )


def enterprise(con: duckdb.DuckDBPyConnection, uscc: str) -> dict | None:
    row = one(
        con,
        f"""SELECT e.uscc, e.name, e.town, e.industry_code, e.industry_name, e.registered_on, e.above_scale,
                  e.business_scope, e.main_products, e.batch_id, e.attr_source, b.file_name
           FROM ({ENTERPRISE_SQL}) e LEFT JOIN import_batch b USING (batch_id) WHERE e.uscc = ?""",
        [uscc],
    )
    if row is None:
        return None
    keys = ["uscc", "name", "town", "industry_code", "industry_name", "registered_on", "above_scale",
            "business_scope", "main_products", "batch_id", "attr_source", "file_name"]
    out = dict(zip(keys, row, strict=True))
    out["registered_on"] = str(out["registered_on"]) if out["registered_on"] else None
    facts = frame(con, current_facts_sql("WHERE f.uscc = ?") + " ORDER BY period, indicator", [uscc])
    out["facts"] = facts.to_dicts()
    superseded = one(con, "SELECT count(*) FROM fact WHERE uscc = ?", [uscc])[0] - facts.height
    out["superseded_values"] = superseded
    out["parcels"] = frame(
        con,
        """SELECT parcel_id, period, area_mu, leased_out_mu, leased_in_mu, land_use, batch_id, row_no
           FROM parcel WHERE uscc = ? ORDER BY period, parcel_id""",
        [uscc],
    ).to_dicts()
    return out


def periods(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in rows(con, "SELECT DISTINCT period FROM fact ORDER BY period")]


def wide(con: duckdb.DuckDBPyConnection, period: str, indicators: list[str] | None = None) -> pl.DataFrame:
    """One row per enterprise known to the store, one column per indicator for `period`.

    Missing values are null (never 0). Columns `<indicator>__batch` give the batch of each value.
    """
    names = indicators or [f.name for f in F.numeric_fields()]
    facts = frame(con, current_facts_sql("WHERE f.period = ?"), [period])
    base = frame(
        con,
        """SELECT uscc, name, town, industry_code, industry_name, registered_on
           FROM enterprise ORDER BY uscc""",
    )
    if facts.height:
        facts = facts.filter(pl.col("indicator").is_in(names))
        values = facts.pivot(on="indicator", index="uscc", values="value")
        batches = facts.pivot(on="indicator", index="uscc", values="batch_id")
        batches = batches.rename({c: f"{c}__batch" for c in batches.columns if c != "uscc"})
        base = base.join(values, on="uscc", how="left").join(batches, on="uscc", how="left")
    for n in names:
        if n not in base.columns:
            base = base.with_columns(pl.lit(None, dtype=pl.Float64).alias(n))
        if f"{n}__batch" not in base.columns:
            base = base.with_columns(pl.lit(None, dtype=pl.Int64).alias(f"{n}__batch"))
    return base.select("uscc", "name", "town", "industry_code", "industry_name", "registered_on",
                       *[pl.col(n).cast(pl.Float64) for n in names],
                       *[pl.col(f"{n}__batch").cast(pl.Int64) for n in names])


def as_arrays(table: pl.DataFrame) -> dict[str, np.ndarray]:
    """Columnar dataset for the evaluation cores: numeric fields float64 with NaN = missing."""
    out: dict[str, np.ndarray] = {}
    for c in table.columns:
        s = table.get_column(c)
        if s.dtype == pl.Date:
            out[c] = s.to_numpy().astype("datetime64[D]")
        elif s.dtype.is_numeric():
            out[c] = s.cast(pl.Float64).fill_null(np.nan).to_numpy()
        else:
            out[c] = s.to_numpy().astype(object)
    return out


def data_fingerprint(con: duckdb.DuckDBPyConnection, period: str | None = None) -> str:
    """Content hash of the facts and enterprise attributes an evaluation reads (order-independent)."""
    where = "WHERE period IN (?, CAST(CAST(? AS INTEGER) - 1 AS VARCHAR))" if period else ""
    params = [period, period] if period else []
    fact_hash = one(
        con,
        f"""SELECT count(*), coalesce(sum(hash(uscc, period, indicator, value, batch_id)), 0)
            FROM fact {where}""",
        params,
    )
    ent_hash = one(
        con,
        """SELECT count(*), coalesce(sum(hash(uscc, name, town, industry_code, registered_on)), 0)
           FROM enterprise""",
    )
    return hashlib.sha256(repr((fact_hash, ent_hash)).encode()).hexdigest()[:16]
