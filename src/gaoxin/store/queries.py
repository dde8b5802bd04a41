"""Read queries over the store: the current value of every fact, enterprise look-ups, wide tables.

When several batches carry the same (firm, period, indicator), the current value comes from the
department the field prefers (`Field.sources`, e.g. 营业收入 from 统计 before 税务), then from the
latest batch. Older values stay in `fact` and remain traceable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import duckdb

from gaoxin import fields as F
from gaoxin.store.db import dicts, frame, one, rows
from gaoxin.store.firm_digest import enterprise_digest
from gaoxin.store.keys import FIRM_OF

if TYPE_CHECKING:
    import numpy as np
    import polars as pl
else:  # loaded on first use (gaoxin.lazy): readers of plain rows do not import them
    from gaoxin.lazy import np, pl


def precedence_sql() -> str:
    pairs = []
    for f in F.FIELDS:
        for rank, src in enumerate(f.sources):
            pairs.append(f"('{f.name}', '{src}', {rank})")
    return "VALUES " + ", ".join(pairs) if pairs else "SELECT NULL, NULL, NULL WHERE false"


def current_facts_sql(where: str = "") -> str:
    """SQL for one row per (uscc, period, indicator): the value in force, with its batch."""
    return f"""
        WITH pref(indicator, source, pref_rank) AS ({precedence_sql()}),
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


def firm_facts(
    con: duckdb.DuckDBPyConnection, uscc: str, periods: Sequence[str], max_batch: int | None = None
) -> pl.DataFrame:
    """The values in force for one firm in `periods` as the store stood at `max_batch` (None or 0: every
    batch), one row per (period, indicator) with its batch, source file, sheet and row."""
    return frame(con, *_firm_facts_sql(uscc, periods, max_batch))


def firm_fact_rows(
    con: duckdb.DuckDBPyConnection, uscc: str, periods: Sequence[str], max_batch: int | None = None
) -> list[dict]:
    """`firm_facts` as plain dicts (no polars to load)."""
    return dicts(con, *_firm_facts_sql(uscc, periods, max_batch))


def _firm_facts_sql(uscc: str, periods: Sequence[str], max_batch: int | None) -> tuple[str, list]:
    placeholders = ", ".join("?" for _ in periods)
    return (
        current_facts_sql(f"WHERE f.firm = {FIRM_OF} AND f.period IN ({placeholders}) AND f.batch_id <= ?"),
        [uscc, *periods, max_batch or 2**31 - 1],
    )


# enterprise attributes plus the latest known 规上 status (derived from the per-year above_scale facts)
ENTERPRISE_SQL = """
    SELECT e.*, s.above_scale FROM enterprise e LEFT JOIN (
        SELECT uscc, arg_max(value, period) > 0 AS above_scale
        FROM fact WHERE indicator = 'above_scale' AND NOT superseded GROUP BY uscc) s USING (uscc)
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
    keys = [
        "uscc",
        "name",
        "town",
        "industry_code",
        "industry_name",
        "registered_on",
        "above_scale",
        "business_scope",
        "main_products",
        "batch_id",
        "attr_source",
        "file_name",
    ]
    out = dict(zip(keys, row, strict=True))
    out["registered_on"] = str(out["registered_on"]) if out["registered_on"] else None
    facts = frame(con, current_facts_sql(f"WHERE f.firm = {FIRM_OF}") + " ORDER BY period, indicator", [uscc])
    out["facts"] = facts.to_dicts()
    superseded = one(con, f"SELECT count(*) FROM fact WHERE firm = {FIRM_OF}", [uscc])[0] - facts.height
    out["superseded_values"] = superseded
    out["parcels"] = frame(
        con,
        """SELECT parcel_id, period, area_mu, leased_out_mu, leased_in_mu, land_use, batch_id, row_no
           FROM parcel WHERE uscc = ? ORDER BY period, parcel_id""",
        [uscc],
    ).to_dicts()
    return out


def has_period(con: duckdb.DuckDBPyConnection, period: str) -> bool:
    """Whether any fact of `period` is stored (superseded values included); the first one found is enough."""
    return one(con, "SELECT 1 FROM fact WHERE period = ? LIMIT 1", [period]) is not None


def periods(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in rows(con, "SELECT DISTINCT period FROM fact ORDER BY period")]


ATTRIBUTES = ("uscc", "name", "town", "industry_code", "industry_name", "registered_on")


def dense(
    con: duckdb.DuckDBPyConnection,
    period: str,
    indicators: list[str] | None = None,
    max_batch: int | None = None,
    attributes: tuple[str, ...] = ATTRIBUTES,
    with_batches: bool = True,
) -> tuple[pl.DataFrame, list[str], np.ndarray, np.ndarray | None]:
    """(enterprise attributes, indicator names, values[firm, indicator], batch ids[firm, indicator] or None
    without `with_batches`).

    One row per enterprise known to the store (sorted by USCC). Missing values are NaN, their batch -1.
    The value in force comes from the field's preferred department, then the latest batch; `max_batch`
    reads the store as it was when that batch was the latest (for re-running a past run). `attributes`
    picks the enterprise columns returned (uscc always comes first). Both arrays are column-major, so an
    indicator's column is contiguous for the vectorised cores.
    """
    names = _indicator_names(indicators)
    base, row_of = _firms(con, attributes)
    values, batches = _placed(con, period, names, max_batch, row_of, base.height, with_batches)
    return base, names, values, batches


def _indicator_names(indicators: list[str] | None) -> list[str]:
    names = indicators or [f.name for f in F.numeric_fields()]
    unknown = [n for n in names if n not in F.BY_NAME]
    if unknown:
        raise ValueError(f"unknown indicators: {unknown}")
    return names


def _firms(con: duckdb.DuckDBPyConnection, attributes: tuple[str, ...]) -> tuple[pl.DataFrame, np.ndarray]:
    """Every firm's attributes in credit-code order, and the row of each firm number (store.keys)."""
    if set(attributes) - set(ATTRIBUTES):
        raise ValueError(f"unknown attributes: {sorted(set(attributes) - set(ATTRIBUTES))}")
    attrs = ["uscc"] + [a for a in attributes if a != "uscc"]
    base = frame(con, f"SELECT {', '.join(attrs)}, firm AS __firm FROM enterprise ORDER BY uscc")
    # a firm written without a number (a direct SQL writer that skipped store.keys.fill_missing) has no
    # numbered facts either: its row stays empty, as an unknown firm's would
    firm = base.get_column("__firm").fill_null(-1).to_numpy()
    numbered = firm >= 0
    row_of = np.empty(int(firm.max()) + 1 if base.height else 0, dtype=np.int64)  # numbers are dense
    row_of[firm[numbered]] = np.arange(base.height)[numbered]
    return base.drop("__firm"), row_of


def _placed(
    con: duckdb.DuckDBPyConnection,
    period: str,
    names: list[str],
    max_batch: int | None,
    row_of: np.ndarray,
    n: int,
    with_batches: bool,
) -> tuple[np.ndarray, np.ndarray | None]:
    """The values in force of `names` in `period` scattered into (firms × indicators) arrays."""
    in_list = ", ".join(f"'{m}'" for m in names)
    # the indicator's column is worked in DuckDB and facts carry the firm's number (store.keys), so only
    # integers and values cross into Python and no text codes are joined (strings for millions of facts
    # are the slow part otherwise); numbers become rows through `row_of`
    column = "CASE f.indicator " + " ".join(f"WHEN '{m}' THEN {j}" for j, m in enumerate(names)) + " END"
    if max_batch is None or max_batch >= max_batch_id(con):
        # the value in force is flagged at import time: a plain filtered scan, no grouping
        located = frame(
            con,
            f"""SELECT f.firm, ({column})::INTEGER AS j, f.value{", f.batch_id" if with_batches else ""}
                FROM fact f
                WHERE f.period = ? AND NOT f.superseded AND f.indicator IN ({in_list}) AND f.firm IS NOT NULL""",
            [period],
        )
    else:  # the store as it stood at an earlier batch: choose the value in force here
        order_key = "(CAST(99 - coalesce(p.pref_rank, 99) AS BIGINT) * 4294967296 + f.batch_id)"
        located = frame(
            con,
            f"""
            WITH pref(indicator, source, pref_rank) AS ({precedence_sql()})
            SELECT f.firm, ({column})::INTEGER AS j, arg_max(f.value, {order_key}) AS value,
                   arg_max(f.batch_id, {order_key}) AS batch_id
            FROM fact f JOIN import_batch b USING (batch_id)
            LEFT JOIN pref p ON p.indicator = f.indicator AND p.source = b.source
            WHERE f.period = ? AND f.batch_id <= ? AND f.indicator IN ({in_list}) AND f.firm IS NOT NULL
            GROUP BY f.firm, f.indicator""",
            [period, max_batch],
        )
    # pivot by scattering into a dense (firms × indicators) array: one vectorised pass
    values = np.full((n, len(names)), np.nan, order="F")
    batches = np.full((n, len(names)), -1, dtype=np.int64, order="F") if with_batches else None
    if located.height:
        at = (row_of[located.get_column("firm").to_numpy()], located.get_column("j").to_numpy())
        values[at] = located.get_column("value").to_numpy()
        if batches is not None:
            batches[at] = located.get_column("batch_id").to_numpy()
    return values, batches


def wide(
    con: duckdb.DuckDBPyConnection,
    period: str,
    indicators: list[str] | None = None,
    max_batch: int | None = None,
) -> pl.DataFrame:
    """`dense` as one polars table: a column per indicator (null = missing) and `<indicator>__batch`."""
    base, names, values, batches = dense(con, period, indicators, max_batch)
    return base.with_columns(
        *[pl.Series(m, values[:, j]).fill_nan(None) for j, m in enumerate(names)],
        *[pl.Series(f"{m}__batch", batches[:, j]).replace(-1, None) for j, m in enumerate(names)],
    )


def arrays(
    con: duckdb.DuckDBPyConnection,
    period: str,
    indicators: list[str] | None = None,
    max_batch: int | None = None,
    attributes: tuple[str, ...] = ATTRIBUTES,
) -> dict[str, np.ndarray]:
    """Columnar input for the evaluation cores: attributes as object arrays, dates as datetime64[D],
    every indicator float64 with NaN = missing (never 0). Only the `attributes` asked for are converted
    (a text column costs ~0.1 s per million firms)."""
    return arrays_by_period(con, {period: indicators}, max_batch, attributes)[period]


def arrays_by_period(
    con: duckdb.DuckDBPyConnection,
    periods: dict[str, list[str] | None],
    max_batch: int | None = None,
    attributes: tuple[str, ...] = ATTRIBUTES,
) -> dict[str, dict[str, np.ndarray]]:
    """`arrays` of several periods (each with its indicators) over one read of the firms: every period's
    rows are the same firms in the same order, so the attribute arrays are read, converted and held once
    and shared (a run's previous year, cultivation's years), and the cores see row-aligned periods."""
    base, row_of = _firms(con, attributes)
    shared: dict[str, np.ndarray] = {"uscc": base.get_column("uscc").to_numpy()}
    shared.update(
        {c: _text_array(base.get_column(c)) for c in base.columns if c not in ("uscc", "registered_on")}
    )
    if "registered_on" in base.columns:
        shared["registered_on"] = base.get_column("registered_on").to_numpy().astype("datetime64[D]")
    out = {}
    for period, indicators in periods.items():
        names = _indicator_names(indicators)
        values, _ = _placed(con, period, names, max_batch, row_of, base.height, with_batches=False)
        out[period] = {**shared, **{m: values[:, j] for j, m in enumerate(names)}}
    return out


def _text_array(s: pl.Series) -> np.ndarray:
    """Object array of a text column. A column of few distinct texts (towns, industry codes) is built from
    one str object per text: the cores factorise such columns by hashing, and a hash is computed once per
    object, so a million fresh copies would cost ~0.25 s where shared ones cost ~0.05 s."""
    distinct = s.drop_nulls().unique(maintain_order=True)
    if distinct.len() * 8 > s.len():
        return s.to_numpy()
    if distinct.len() == 0:  # no text at all (e.g. no 所属镇街 column in any file)
        return np.full(s.len(), None, dtype=object)
    lookup = np.asarray([*distinct.to_list(), None], dtype=object)
    codes = s.replace_strict(
        distinct, pl.int_range(distinct.len(), dtype=pl.Int32, eager=True), return_dtype=pl.Int32
    ).fill_null(distinct.len())
    return lookup[codes.to_numpy()]


def latest_year(con: duckdb.DuckDBPyConnection) -> str | None:
    """The latest annual period (YYYY) with data, None for an empty store."""
    found = one(con, "SELECT max(period) FROM fact WHERE length(period) = 4")
    return found[0] if found else None


def max_batch_id(con: duckdb.DuckDBPyConnection) -> int:
    return int(one(con, "SELECT coalesce(max(batch_id), 0) FROM import_batch")[0])


def data_fingerprint(con: duckdb.DuckDBPyConnection, period: str | None = None) -> str:
    """Content hash of the facts and enterprise attributes an evaluation reads (order-independent).

    The facts' part is (count, hash sum) over every fact of the period and the year before — superseded ones
    too, so a new batch changes it — summed from `batch_digest` (kept at import; a batch's facts never change
    afterwards) instead of hashing millions of facts at each run: the same value, so the same run ids."""
    where = "WHERE period IN (?, CAST(CAST(? AS INTEGER) - 1 AS VARCHAR))" if period else ""
    params = [period, period] if period else []
    fact_hash = one(
        con,
        f"SELECT coalesce(sum(facts), 0), coalesce(sum(digest), 0) FROM batch_digest {where}",
        params,
    )
    fact_hash = (int(fact_hash[0]), int(fact_hash[1]))
    # the firms' part as every write keeps it (store.firm_digest: count and hash sum of ENTERPRISE_HASH over
    # every firm — the value hashing them here gave, without reading 1M firms)
    ent_hash = enterprise_digest(con)
    return hashlib.sha256(repr((fact_hash, ent_hash)).encode()).hexdigest()[:16]
