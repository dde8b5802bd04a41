"""Writing prepared import batches, all-or-nothing, and reading batches back."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import duckdb

from gaoxin.store.db import frame, one, transaction
from gaoxin.store.firm_digest import add_to_digest, digest_of
from gaoxin.store.keys import number_firms

if TYPE_CHECKING:
    import polars as pl
else:  # loaded on first use (gaoxin.lazy): readers of plain rows do not import them
    from gaoxin.lazy import pl

REGISTRY_SOURCES = ("registry",)


class ArrowStream:
    """A polars frame as an Arrow C stream (PyCapsule interface), which DuckDB scans without pyarrow.

    Registering the frame itself makes DuckDB convert it through pyarrow, whose import alone costs
    ~40 ms in a fresh `gaoxin import` process. Scannable more than once.
    """

    def __init__(self, df: pl.DataFrame) -> None:
        self.df = df

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self.df.__arrow_c_stream__(requested_schema)


@contextmanager
def staged(con: duckdb.DuckDBPyConnection, name: str, df: pl.DataFrame | ArrowStream):
    """A polars frame visible to SQL under `name` for the duration of the block."""
    con.register(name, df)
    try:
        yield name
    finally:
        con.unregister(name)


def find_batch(con: duckdb.DuckDBPyConnection, sha256: str) -> dict | None:
    row = one(
        con, "SELECT batch_id, file_name, imported_at, source FROM import_batch WHERE sha256 = ?", [sha256]
    )
    if row is None:
        return None
    return {"batch_id": row[0], "file_name": row[1], "imported_at": row[2], "source": row[3]}


BATCH_COLUMNS = (
    "batch_id",
    "file_name",
    "source",
    "periods",
    "sheets",
    "rows",
    "accepted",
    "rejected",
    "skipped",
    "imported_at",
    "sha256",
    "columns_json",
    "notes_json",
)


def store_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """(firms, batches, facts) in the store."""
    return one(
        con,
        "SELECT (SELECT count(*) FROM enterprise), (SELECT count(*) FROM import_batch), (SELECT count(*) FROM fact)",
    )


def batch_record(con: duckdb.DuckDBPyConnection, batch_id: int) -> dict | None:
    """One batch with its column mapping and notes decoded (None when unknown)."""
    found = one(con, f"SELECT {', '.join(BATCH_COLUMNS)} FROM import_batch WHERE batch_id = ?", [batch_id])
    if found is None:
        return None
    batch = dict(zip(BATCH_COLUMNS, found, strict=True))
    batch["columns"] = json.loads(batch.pop("columns_json") or "[]")
    batch["notes"] = json.loads(batch.pop("notes_json") or "[]")
    return batch


def write_batch(con: duckdb.DuckDBPyConnection, batch, *, fail_after_facts: bool = False) -> int:
    """Store one prepared batch in a single transaction; returns its batch id.

    `fail_after_facts` exists for the test that proves a failure mid-batch leaves nothing behind.
    """
    with transaction(con):
        batch_id = insert_batch(con, batch)
        # the firms first: their numbers (store.keys) go into the facts
        keys = _upsert_enterprises(con, batch, batch_id)
        # stored clustered by firm number: one firm's facts sit in few row groups (fast profile pages) and
        # DuckDB keeps insertion order. The prepared facts come sorted by (uscc, period, indicator)
        # (prepare._facts); a stable sort on the integer number keeps that order within a firm (an ORDER BY on
        # the text code in DuckDB took ~40 ms of a 0.6 s import), and firms numbered in earlier years sit
        # where their numbers are. Numbers handed out in credit-code order are mostly in that order already
        # (every firm of a first import): then there is nothing to sort (~15 ms per 100k rows)
        facts = batch.facts.join(keys, on="uscc", how="left", maintain_order="left")
        if not facts.get_column("firm").is_sorted():
            facts = facts.sort("firm", maintain_order=True)
        with staged(con, "staged_facts", ArrowStream(facts)):
            con.execute(
                "INSERT INTO fact SELECT uscc, period, indicator, value, unit, ?, sheet, row_no, false, firm "
                "FROM staged_facts",
                [batch_id],
            )
            _mark_superseded(con, batch_id)
            record_digest(con, batch_id)
        if fail_after_facts:
            raise RuntimeError("injected failure after facts were written")
        with staged(con, "staged_rejects", ArrowStream(batch.rejected_rows)):
            con.execute(
                "INSERT INTO rejected_row SELECT ?, sheet, row_no, disposition, columns, reasons, raw_json "
                "FROM staged_rejects",
                [batch_id],
            )
        if batch.parcels.height:
            with staged(con, "staged_parcels", ArrowStream(batch.parcels)):
                con.execute(
                    "INSERT INTO parcel SELECT parcel_id, uscc, period, area_mu, leased_out_mu, leased_in_mu, "
                    "land_use, ?, row_no FROM staged_parcels",
                    [batch_id],
                )
    return batch_id


def record_digest(con, batch_id: int) -> None:
    """The batch's facts per period as (count, hash sum) in `batch_digest` (migration 17): what
    `queries.data_fingerprint` sums instead of hashing every fact at each run. Called in the batch's
    transaction right after its facts are written (facts are never edited afterwards)."""
    con.execute(
        "INSERT INTO batch_digest SELECT batch_id, period, count(*), "
        "coalesce(sum(hash(uscc, period, indicator, value, batch_id)), 0) FROM fact WHERE batch_id = ? "
        "GROUP BY batch_id, period",
        [batch_id],
    )


def _mark_superseded(con, batch_id: int) -> None:
    """Keep exactly one value in force per (firm, period, indicator): the preferred department's, then the
    latest batch's. Only keys the new batch touches can change, so only those are looked at."""
    from gaoxin.store.queries import precedence_sql

    overlap = one(
        con,
        """SELECT 1 FROM fact WHERE batch_id <> ?
                          AND (period, indicator) IN (SELECT DISTINCT period, indicator FROM fact WHERE batch_id = ?)
                          LIMIT 1""",  # the first overlapping value is enough to know
        [batch_id, batch_id],
    )
    if (
        overlap is None
    ):  # nothing else carries these indicators for these periods: every new value is in force
        return
    con.execute(
        f"""UPDATE fact SET superseded = true FROM (
                WITH pref(indicator, source, pref_rank) AS ({precedence_sql()}),
                keys AS (SELECT DISTINCT uscc, period, indicator FROM fact WHERE batch_id = ?),
                cand AS (
                    SELECT f.uscc, f.period, f.indicator, f.batch_id,
                           row_number() OVER (PARTITION BY f.uscc, f.period, f.indicator
                                              ORDER BY coalesce(p.pref_rank, 99), f.batch_id DESC) AS rn
                    FROM fact f SEMI JOIN keys k
                         ON f.uscc = k.uscc AND f.period = k.period AND f.indicator = k.indicator
                    JOIN import_batch b USING (batch_id)
                    LEFT JOIN pref p ON p.indicator = f.indicator AND p.source = b.source
                    WHERE NOT f.superseded)
                SELECT uscc, period, indicator, batch_id FROM cand WHERE rn > 1) loser
            WHERE fact.uscc = loser.uscc AND fact.period = loser.period AND fact.indicator = loser.indicator
              AND fact.batch_id = loser.batch_id""",
        [batch_id],
    )


_ATTRS = [
    "name",
    "town",
    "industry_code",
    "industry_name",
    "registered_on",
    "business_scope",
    "main_products",
]


def _upsert_enterprises(con, batch, batch_id: int) -> pl.DataFrame:
    """Add or update the batch's firms; their (uscc, firm) numbers."""
    attrs = batch.attrs
    present = [a for a in _ATTRS if a in attrs.columns]
    # attrs holds one row per accepted firm, so it already names every firm the facts name
    full = attrs if attrs.height else batch.facts.select("uscc").unique()
    for a in _ATTRS:
        if a not in full.columns:
            full = full.with_columns(
                pl.lit(None, dtype=pl.Date if a == "registered_on" else pl.Utf8).alias(a)
            )
    with staged(con, "staged_uscc", full.select("uscc")):
        keys = number_firms(con, "staged_uscc", full.get_column("uscc"))
        full = full.with_columns(keys.get_column("firm"), keys.get_column("new"))  # row for row
    added = int(keys.get_column("new").sum())
    # the enterprise digest follows the write: the known firms hashed before and after it (only when their
    # attributes may change), the new ones as they are inserted
    updating = bool(present) and added < keys.height
    with staged(con, "staged_ent", ArrowStream(full.select("uscc", *_ATTRS, "firm", "new"))):
        before = digest_of(con, "staged_ent", new=False) if updating else 0
        _merge_enterprises(con, batch, batch_id, present)
        after = digest_of(con, "staged_ent", new=False) if updating else 0
        inserted = digest_of(con, "staged_ent", new=True) if added else 0
        add_to_digest(con, added, after - before + inserted)
    return keys.select("uscc", "firm")


def _merge_enterprises(con, batch, batch_id: int, present: list[str]) -> None:
    registry = batch.source in REGISTRY_SOURCES
    # the registry is authoritative for attributes; other departments only fill gaps
    if present:
        sets = ", ".join(
            f"{a} = coalesce(s.{a}, enterprise.{a})" if registry else f"{a} = coalesce(enterprise.{a}, s.{a})"
            for a in present
        )
        stamp = ", batch_id = ?, attr_source = ?" if registry else ""
        con.execute(
            f"UPDATE enterprise SET {sets}{stamp} FROM staged_ent s WHERE enterprise.uscc = s.uscc AND NOT s.new",
            [batch_id, batch.source] if registry else [],
        )
    con.execute(
        f"""INSERT INTO enterprise (uscc, {", ".join(_ATTRS)}, batch_id, attr_source, firm)
            SELECT s.uscc, {", ".join("s." + a for a in _ATTRS)}, ?, ?, s.firm FROM staged_ent s WHERE s.new""",
        [batch_id, batch.source],
    )


def list_batches(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return frame(
        con,
        "SELECT batch_id, file_name, source, periods, rows, accepted, rejected, skipped, imported_at, sha256 "
        "FROM import_batch ORDER BY batch_id",
    )


def batch_rejects(con: duckdb.DuckDBPyConnection, batch_id: int | None = None) -> pl.DataFrame:
    where = "WHERE r.batch_id = ?" if batch_id is not None else ""
    params = [batch_id] if batch_id is not None else []
    return frame(
        con,
        f"""SELECT r.batch_id, b.file_name, r.sheet, r.row_no, r.disposition, r.columns, r.reasons, r.raw_json
            FROM rejected_row r JOIN import_batch b USING (batch_id) {where}
            ORDER BY r.batch_id, r.sheet, r.row_no""",
        params,
    )


BATCH_FIELDS = (
    "file_name",
    "sha256",
    "source",
    "periods",
    "sheets",
    "rows",
    "accepted",
    "rejected",
    "skipped",
)


def insert_batch(con: duckdb.DuckDBPyConnection, batch) -> int:
    """One `import_batch` row for a prepared batch of any intake (an object with the batch's attributes, or a
    dict with the same keys), inside the caller's transaction; returns its new id."""
    get = batch.get if isinstance(batch, dict) else lambda k: getattr(batch, k)
    batch_id = one(con, "SELECT nextval('batch_seq')")[0]
    con.execute(
        "INSERT INTO import_batch (batch_id, file_name, sha256, source, periods, sheets, rows, accepted, rejected, "
        "skipped, columns_json, notes_json, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            batch_id,
            get("file_name"),
            get("sha256"),
            get("source"),
            ",".join(get("periods")),
            ",".join(get("sheets")),
            get("rows"),
            get("accepted"),
            get("rejected"),
            get("skipped"),
            json.dumps(get("columns"), ensure_ascii=False),
            json.dumps(get("notes"), ensure_ascii=False),
            datetime.now(UTC).replace(tzinfo=None),
        ],
    )
    return batch_id
