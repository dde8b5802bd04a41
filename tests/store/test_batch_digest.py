"""The data fingerprint summed from `batch_digest` equals the hash over every fact it replaces (so run ids
do not change), after each batch of a zone's files (later departments' values superseding earlier ones), and on a store
migrated from before the digests existed (the migration backfills them)."""

from __future__ import annotations

import hashlib

from gaoxin.demo.files import write_department_files
from gaoxin.demo.zone import generate_zone
from gaoxin.ingest.importer import commit_all, prepare_all
from gaoxin.store import connect, queries
from gaoxin.store.db import one


def scanned(con, period: str | None) -> str:
    """The fingerprint as it was computed before migration 17: a hash over every fact of the periods."""
    where = "WHERE period IN (?, CAST(CAST(? AS INTEGER) - 1 AS VARCHAR))" if period else ""
    params = [period, period] if period else []
    f = one(con, f"SELECT count(*), coalesce(sum(hash(uscc, period, indicator, value, batch_id)), 0) FROM fact {where}",
            params)  # fmt: skip
    e = one(
        con,
        "SELECT count(*), coalesce(sum(hash(uscc, name, town, industry_code, registered_on)), 0) FROM enterprise",
    )
    return hashlib.sha256(repr((f, e)).encode()).hexdigest()[:16]


def test_digest_fingerprint_equals_the_scan(tmp_path):
    files = write_department_files(generate_zone(n_firms=200), tmp_path / "files")
    con = connect(tmp_path / "s.duckdb")
    seen = set()
    for f in files:  # one batch at a time: every intermediate store agrees
        commit_all(con, prepare_all([f]))
        for period in ("2025", "2024", "2023", None):
            got = queries.data_fingerprint(con, period)
            assert got == scanned(con, period)
            seen.add(got)
    assert len(seen) > len(files)  # the fingerprint moved as batches arrived (later files supersede values)
    con.close()


def test_the_migration_backfills_an_older_store(tmp_path):
    files = write_department_files(generate_zone(n_firms=200), tmp_path / "files")
    con = connect(tmp_path / "s.duckdb")
    commit_all(con, prepare_all(files))
    expected = {p: scanned(con, p) for p in ("2025", "2024", None)}
    con.execute("DROP TABLE batch_digest")  # a store as it was before migration 17 …
    con.execute("DELETE FROM schema_version WHERE version = 17")
    con.close()
    con = connect(tmp_path / "s.duckdb")  # … migrated again: the digests are rebuilt from its facts
    assert {p: queries.data_fingerprint(con, p) for p in expected} == expected
    con.close()
