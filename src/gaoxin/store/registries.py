"""The innovation registries' SQL (migrations 16, 18, 19): write one registry batch (all or nothing, rejected rows
kept, earlier rows of the same record superseded), read each register in force with the host firm's name and
town, and the per-firm facts the technology-contract checks read (R&D spending, 高企 status, staff); turn the
研发机构级别 numbers a 科技局 file codes into register rows to verify (`convert_coded`, the query of migration 19);
write the 研发机构级别 facts and zone measures worked from the registers when their inputs change."""

from __future__ import annotations

import duckdb
import polars as pl

from gaoxin.store.db import frame, one, rows, transaction
from gaoxin.store.imports import ArrowStream, find_batch, insert_batch, record_digest, staged
from gaoxin.store.imports import _mark_superseded as mark_superseded  # the same rule as every batch's facts
from gaoxin.store.schema import CODED_COLUMNS, CODED_KIND, CODED_PLATFORMS

SOURCE = "科技创新台账"  # the registry batches' source (gaoxin.ingest.registries.SOURCE)

# table, its columns in order (after them: batch_id, sheet, row_no, superseded), the identity of a record
TABLES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "platform": (
        "reg_platform",
        ("name", "kind", "level", "province", "host_uscc", "host_name", "approved_on", "doc_no", "status",
         "last_review_on", "grade", "next_review_on", "revoked_on", "bar_until", "note"),
        ("name",),
    ),
    "contract": (
        "reg_contract",
        ("contract_no", "title", "seller_uscc", "seller_name", "buyer_uscc", "buyer_name", "ctype", "amount_wan",
         "tech_amount_wan", "registered_on"),
        ("contract_no",),
    ),
    "talent": (
        "reg_talent",
        ("name", "field", "programme", "level", "year", "employer_uscc", "employer_name", "mode"),
        ("name", "programme", "year"),
    ),
    "provider": (
        "reg_provider",
        ("name", "kind", "level", "operator_uscc", "town", "area_m2", "hosted_count", "approved_on"),
        ("name",),
    ),
    "hosted": (
        "reg_hosted",
        ("provider_name", "firm_name", "firm_uscc", "since", "graduated_on"),
        ("provider_name", "firm_name"),
    ),
}  # fmt: skip


def known_batch(con: duckdb.DuckDBPyConnection, sha: str) -> dict | None:
    return find_batch(con, sha)


def has_batch(con: duckdb.DuckDBPyConnection, source: str) -> bool:
    """Whether any file of this source was imported (the demo imports its registry file once); the batches of
    levels worked from the register (`write_worked_facts`) are not files."""
    return (
        frame(
            con,
            "SELECT count(*) AS n FROM import_batch WHERE source = ? AND NOT starts_with(sha256, 'registry-worked:')",
            [source],
        ).item()
        > 0
    )


def fact_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The data years the store holds enterprise facts for."""
    found = frame(con, "SELECT DISTINCT period FROM fact WHERE length(period) = 4 ORDER BY period")
    return [int(p) for p in found.get_column("period").to_list() if p.isdigit()]


def write_registry_batch(con: duckdb.DuckDBPyConnection, batch, facts: pl.DataFrame | None = None) -> int:
    """One batch in one transaction: each kind's accepted rows (superseding the earlier row of each record), the
    facts the registry feeds (`registries.feed`: uscc, period, indicator, value, unit, sheet, row_no — kept for
    registered firms only, the value in force worked as for any batch) and the rejected rows. Returns the id."""
    rejected = batch.rejected_rows()
    with transaction(con):
        batch_id = insert_batch(con, batch)
        _insert_facts(con, batch_id, facts)
        for kind, (table, cols, ident) in TABLES.items():
            rows = batch.accepted_rows(kind)
            if rows.height == 0:
                continue
            staged_rows = rows.select(
                *cols, pl.col("_sheet").alias("sheet"), pl.col("_row").cast(pl.Int32).alias("row_no")
            )
            name = f"staged_{table}"
            same = " AND ".join(f"{table}.{c} IS NOT DISTINCT FROM s.{c}" for c in ident)
            with staged(con, name, ArrowStream(staged_rows)):
                con.execute(
                    f"UPDATE {table} SET superseded = true FROM {name} s WHERE {same} AND NOT {table}.superseded"
                )
                con.execute(
                    f"INSERT INTO {table} ({', '.join(cols)}, batch_id, sheet, row_no, superseded) "
                    f"SELECT {', '.join(cols)}, ?, sheet, row_no, false FROM {name}",
                    [batch_id],
                )
        if rejected.height:
            with staged(con, "staged_reg_rejects", ArrowStream(rejected)):
                con.execute(
                    "INSERT INTO rejected_row SELECT ?, sheet, row_no, disposition, columns, reasons, raw_json "
                    "FROM staged_reg_rejects",
                    [batch_id],
                )
    return batch_id


def _insert_facts(con: duckdb.DuckDBPyConnection, batch_id: int, facts: pl.DataFrame | None) -> None:
    """Facts worked from the registers (uscc, period, indicator, value, unit, sheet, row_no) as facts of
    `batch_id`, registered firms only, inside the caller's transaction; the value in force worked as for any
    batch and the batch digest recorded (the data fingerprint of later runs sums it)."""
    if facts is None or facts.height == 0:
        return
    with staged(con, "staged_reg_facts", ArrowStream(facts)):
        con.execute(
            "INSERT INTO fact SELECT s.uscc, s.period, s.indicator, s.value, s.unit, ?, s.sheet, s.row_no, "
            "false, e.firm FROM staged_reg_facts s JOIN enterprise e ON e.uscc = s.uscc ORDER BY e.firm",
            [batch_id],
        )
    mark_superseded(con, batch_id)
    record_digest(con, batch_id)


def write_worked_facts(con: duckdb.DuckDBPyConnection, facts: pl.DataFrame, after: int | None) -> int:
    """研发机构级别 facts worked from the register after a batch that was not a registry list (a 科技局 file of a
    new year, new firms, a converted code): one batch of their own (source 科技创新台账, named for the batch after
    which they were worked), so every fact keeps a batch, and runs see the change in their data fingerprint."""
    import hashlib
    from datetime import UTC, datetime

    from gaoxin.store.imports import insert_batch

    digest = hashlib.sha256(
        repr((after, datetime.now(UTC).isoformat(), facts.height, facts.hash_rows().sum())).encode()
    ).hexdigest()
    periods = sorted(set(facts.get_column("period").to_list()))
    with transaction(con):
        batch_id = insert_batch(
            con,
            {
                "file_name": f"创新平台台账推算（批次 {after} 导入后）" if after else "创新平台台账推算",
                "sha256": f"registry-worked:{digest}",
                "source": SOURCE,
                "periods": periods,
                "sheets": ["创新平台"],
                "rows": facts.height,
                "accepted": facts.height,
                "rejected": 0,
                "skipped": 0,
                "columns": [],
                "notes": ["研发机构级别按创新平台台账推算（台账无平台的企业为 0）"],
            },
        )
        _insert_facts(con, batch_id, facts)
    return batch_id


def convert_coded(con: duckdb.DuckDBPyConnection) -> int:
    """The 研发机构级别 codes of 科技局 files as register rows to verify (`schema.CODED_PLATFORMS`, the query of
    migration 19): rows no longer matching what the files code are superseded, new ones inserted. Returns the
    number of rows inserted (0 when the register already holds every code)."""
    cols = CODED_COLUMNS
    with transaction(con):
        con.execute(f"CREATE OR REPLACE TEMP TABLE _coded AS SELECT * FROM ({CODED_PLATFORMS}) t({cols})")
        try:
            con.execute(
                """UPDATE reg_platform SET superseded = true
                   WHERE kind = ? AND NOT superseded
                         AND batch_id NOT IN (SELECT batch_id FROM import_batch WHERE source = ?)
                         AND (name, note, batch_id) NOT IN (SELECT name, note, batch_id FROM _coded)""",
                [CODED_KIND, SOURCE],
            )
            added = con.execute(
                f"""INSERT INTO reg_platform ({cols}) SELECT * FROM _coded c
                    WHERE (c.name, c.note, c.batch_id) NOT IN (
                        SELECT name, note, batch_id FROM reg_platform WHERE kind = ? AND NOT superseded)""",
                [CODED_KIND],
            ).fetchall()
        finally:
            con.execute("DROP TABLE IF EXISTS _coded")
    return int(added[0][0]) if added else 0


def coded_in_batches(con: duckdb.DuckDBPyConnection, batch_ids: list[int]) -> int:
    """How many 研发机构级别 codes these (non-registry) batches brought."""
    if not batch_ids:
        return 0
    marks = ", ".join("?" for _ in batch_ids)
    return frame(
        con,
        f"""SELECT count(*) AS n FROM fact f JOIN import_batch b USING (batch_id)
            WHERE f.indicator = 'rd_institution_level' AND b.source <> ? AND f.batch_id IN ({marks})""",
        [SOURCE, *batch_ids],
    ).item()


def levels_in_force(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """(uscc, period, value) of 研发机构级别 in force, yearly periods."""
    return frame(
        con,
        """SELECT uscc, period, value FROM fact
           WHERE indicator = 'rd_institution_level' AND NOT superseded AND length(period) = 4""",
    )


def firm_codes(con: duckdb.DuckDBPyConnection) -> list[str]:
    return frame(con, "SELECT uscc FROM enterprise ORDER BY uscc").get_column("uscc").to_list()


def inputs_stamp(con: duckdb.DuckDBPyConnection) -> str:
    """What the registry-worked figures depend on that changes with an import: the batches and the calendar."""
    b = frame(con, "SELECT coalesce(max(batch_id), 0) AS m, count(*) AS n FROM import_batch").row(0)
    cal = frame(con, "SELECT count(*) AS n FROM calendar_version").item()
    return f"{b[0]}|{b[1]}|{cal}"


def has_register(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
    """Whether the store holds platforms listed by a registry batch, and contracts."""
    got = frame(
        con,
        """SELECT
             (SELECT count(*) FROM reg_platform p JOIN import_batch b USING (batch_id)
              WHERE NOT p.superseded AND b.source = ?) AS listed,
             (SELECT count(*) FROM reg_contract WHERE NOT superseded) AS contracts""",
        [SOURCE],
    ).row(0)
    return {"listed": got[0] > 0, "contracts": got[1] > 0}


def platforms(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The platform register in force with the host firm's name and town and the file each row came from."""
    return frame(
        con,
        """SELECT p.* EXCLUDE (superseded, host_name), coalesce(p.host_name, e.name) AS host_name, e.town,
                  b.file_name
           FROM reg_platform p LEFT JOIN enterprise e ON e.uscc = p.host_uscc
                JOIN import_batch b ON b.batch_id = p.batch_id
           WHERE NOT p.superseded ORDER BY p.level, p.kind, p.name""",
    )


def platform_history(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    """Every imported row of one platform, newest first (the row in force has superseded = false)."""
    return frame(
        con,
        """SELECT p.*, b.file_name, b.imported_at FROM reg_platform p JOIN import_batch b USING (batch_id)
           WHERE p.name = ? ORDER BY p.batch_id DESC""",
        [name],
    )


def contracts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return frame(
        con,
        """SELECT c.* EXCLUDE (superseded, seller_name, buyer_name),
                  coalesce(c.seller_name, s.name) AS seller_name, coalesce(c.buyer_name, y.name) AS buyer_name,
                  s.town AS seller_town, b.file_name
           FROM reg_contract c LEFT JOIN enterprise s ON s.uscc = c.seller_uscc
                LEFT JOIN enterprise y ON y.uscc = c.buyer_uscc JOIN import_batch b ON b.batch_id = c.batch_id
           WHERE NOT c.superseded ORDER BY c.registered_on, c.contract_no""",
    )


def talent(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return frame(
        con,
        """SELECT t.* EXCLUDE (superseded, employer_name), coalesce(t.employer_name, e.name) AS employer_name,
                  e.town, b.file_name
           FROM reg_talent t LEFT JOIN enterprise e ON e.uscc = t.employer_uscc
                JOIN import_batch b ON b.batch_id = t.batch_id
           WHERE NOT t.superseded ORDER BY t.level, t.programme, t.year, t.name""",
    )


def providers(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The 载体 in force, with the hosted firms listed for each (the list's count beside the sent count)."""
    return frame(
        con,
        """SELECT p.* EXCLUDE (superseded), o.name AS operator_name, b.file_name,
                  (SELECT count(*) FROM reg_hosted h WHERE NOT h.superseded AND h.provider_name = p.name
                          AND h.graduated_on IS NULL) AS hosted_listed
           FROM reg_provider p LEFT JOIN enterprise o ON o.uscc = p.operator_uscc
                JOIN import_batch b ON b.batch_id = p.batch_id
           WHERE NOT p.superseded ORDER BY p.kind, p.level, p.name""",
    )


def hosted(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return frame(
        con,
        """SELECT h.* EXCLUDE (superseded), e.name AS registered_name, e.town, b.file_name
           FROM reg_hosted h LEFT JOIN enterprise e ON e.uscc = h.firm_uscc
                JOIN import_batch b ON b.batch_id = h.batch_id
           WHERE NOT h.superseded ORDER BY h.provider_name, h.firm_name""",
    )


def firm_facts(con: duckdb.DuckDBPyConnection, indicators: tuple[str, ...]) -> pl.DataFrame:
    """Values in force of some indicators per firm and year (uscc, period, indicator, value), with each firm's
    town; only yearly periods."""
    marks = ", ".join("?" for _ in indicators)
    return frame(
        con,
        f"""SELECT f.uscc, f.period, f.indicator, f.value, e.name, e.town
            FROM fact f JOIN enterprise e ON e.uscc = f.uscc
            WHERE NOT f.superseded AND f.indicator IN ({marks}) AND length(f.period) = 4""",
        list(indicators),
    )


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    out = {}
    for kind, (table, _c, _i) in TABLES.items():
        out[kind] = frame(con, f"SELECT count(*) AS n FROM {table} WHERE NOT superseded").item()
    return out


# where a firm appears in the registers a 画像 shows (rows in force): (table, its credit-code column)
FIRM_COLUMNS = (
    ("reg_platform", "host_uscc"),
    ("reg_contract", "seller_uscc"),
    ("reg_contract", "buyer_uscc"),
    ("reg_talent", "employer_uscc"),
    ("reg_hosted", "firm_uscc"),
)


def registered_firms(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Every credit code that appears in a register row in force (`FIRM_COLUMNS`): every register write is an
    import batch, so a reader of many firms' pages keeps this per data version and asks `firm_registry` only
    for firms in it."""
    union = " UNION ".join(
        f"SELECT {c} FROM {t} WHERE NOT superseded AND {c} IS NOT NULL" for t, c in FIRM_COLUMNS
    )
    return frozenset(r[0] for r in rows(con, union))


def firm_registry(
    con: duckdb.DuckDBPyConnection, uscc: str, registered: frozenset[str] | None = None
) -> dict[str, pl.DataFrame] | None:
    """One firm's rows in force: platforms it hosts, contracts it sold or bought, its talent, the 载体 it sits in
    (None, after one look-up — or none, by `registered` from `registered_firms` — for the many firms in no
    register)."""
    if registered is not None:
        if uscc not in registered:
            return None
    else:
        present = one(
            con,
            "SELECT "
            + " OR ".join(
                f"EXISTS (SELECT 1 FROM {t} WHERE NOT superseded AND {c} = $1)" for t, c in FIRM_COLUMNS
            ),
            [uscc],
        )
        if not present[0]:
            return None
    return {
        "platform": frame(
            con,
            "SELECT * EXCLUDE (superseded) FROM reg_platform WHERE NOT superseded AND host_uscc = ?",
            [uscc],
        ),
        "contract": frame(
            con,
            """SELECT * EXCLUDE (superseded), CASE WHEN seller_uscc = ? THEN '卖方' ELSE '买方' END AS side
               FROM reg_contract WHERE NOT superseded AND (seller_uscc = ? OR buyer_uscc = ?)
               ORDER BY registered_on DESC""",
            [uscc, uscc, uscc],
        ),
        "talent": frame(
            con,
            "SELECT * EXCLUDE (superseded) FROM reg_talent WHERE NOT superseded AND employer_uscc = ?",
            [uscc],
        ),
        "hosted": frame(
            con,
            """SELECT h.* EXCLUDE (superseded), p.kind, p.level FROM reg_hosted h
               LEFT JOIN reg_provider p ON p.name = h.provider_name AND NOT p.superseded
               WHERE NOT h.superseded AND h.firm_uscc = ?""",
            [uscc],
        ),
    }


__all__ = [
    "SOURCE",
    "TABLES",
    "coded_in_batches",
    "contracts",
    "convert_coded",
    "counts",
    "fact_years",
    "firm_facts",
    "firm_codes",
    "firm_registry",
    "has_batch",
    "has_register",
    "hosted",
    "inputs_stamp",
    "known_batch",
    "levels_in_force",
    "platform_history",
    "platforms",
    "providers",
    "talent",
    "talent_counts",
    "write_registry_batch",
    "write_worked_facts",
    "write_zone_measures",
    "zone_measures",
]


def talent_counts(con: duckdb.DuckDBPyConnection, uscc: str, year: int) -> pl.DataFrame:
    """How many people of the talent register in force the firm employs, selected by `year` (or without a
    year), per programme level and mode (全职 / 柔性) — counts only, no personal data."""
    return frame(
        con,
        """SELECT level, mode, n FROM (
               SELECT level, coalesce(mode, '未注明') AS mode, count(*) AS n FROM reg_talent
               WHERE NOT superseded AND employer_uscc = ? AND coalesce(year, ?) <= ? GROUP BY 1, 2)
           ORDER BY CASE level WHEN '国家' THEN 0 WHEN '省' THEN 1 WHEN '市' THEN 2 ELSE 3 END, mode""",
        [uscc, year, year],
    )


def write_zone_measures(con: duckdb.DuckDBPyConnection, batch_id: int, measures: pl.DataFrame) -> None:
    """The home zone's registry measures worked after batch `batch_id` (`registries.zone_feed`): every year's set
    replaces the one before (the zone ranking reads the latest batch's)."""
    if measures.height == 0:
        return
    with transaction(con), staged(con, "staged_zone_measures", ArrowStream(measures)):
        con.execute(  # worked again after the same batch (new rules): one row per batch, no tie in force
            "DELETE FROM reg_zone_measure WHERE batch_id = ? AND (period, indicator) IN "
            "(SELECT period, indicator FROM staged_zone_measures)",
            [batch_id],
        )
        con.execute(
            "INSERT INTO reg_zone_measure SELECT period, indicator, value, unit, ?, note FROM staged_zone_measures",
            [batch_id],
        )


def zone_measures(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The registry zone measures in force: per (period, indicator) the latest batch's value."""
    return frame(
        con,
        """SELECT period, indicator, arg_max(value, batch_id) AS value, arg_max(unit, batch_id) AS unit,
                  max(batch_id) AS batch_id, arg_max(note, batch_id) AS note
           FROM reg_zone_measure GROUP BY period, indicator ORDER BY period, indicator""",
    )
