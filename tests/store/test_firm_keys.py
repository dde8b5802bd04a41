"""Integer firm keys (migration 21, `store.keys`): every firm numbered once and for good, every fact carrying
its firm's number, the run's dense table placed by number exactly as the old join on the credit code placed
it, and an older store numbered on open without changing a run."""

from __future__ import annotations

import numpy as np

from gaoxin.demo.files import write_department_files
from gaoxin.demo.zone import generate_zone
from gaoxin.evaluations.mujun import run_mujun
from gaoxin.fields import numeric_fields
from gaoxin.ingest.importer import commit_all, prepare_all
from gaoxin.store import connect, queries, rows
from gaoxin.store.db import one
from gaoxin.store.keys import fill_missing


def numbers(con) -> dict[str, int]:
    return dict(rows(con, "SELECT uscc, firm FROM enterprise"))


def check_keys(con) -> None:
    """Numbers unique, dense from 0, and on every fact the number of the fact's firm."""
    firms = numbers(con)
    assert None not in firms.values()
    assert sorted(firms.values()) == list(range(len(firms)))
    unkeyed, wrong = one(
        con,
        """SELECT count(*) FILTER (WHERE f.firm IS NULL), count(*) FILTER (WHERE f.firm <> e.firm)
           FROM fact f LEFT JOIN enterprise e USING (uscc)""",
    )
    assert (unkeyed, wrong) == (0, 0)


def check_clustered(con) -> None:
    """Each batch's facts stored in firm order (a firm's facts sit in few row groups of its batch)."""
    disorder = one(
        con,
        """SELECT count(*) FROM (SELECT firm, lag(firm) OVER (PARTITION BY batch_id ORDER BY rowid) AS before
                                 FROM fact) WHERE firm < before""",
    )[0]
    assert disorder == 0


def check_digest(con) -> None:
    """The kept enterprise digest is what hashing every firm gives (the data fingerprint's firms' part)."""
    from gaoxin.store.firm_digest import ENTERPRISE_HASH, enterprise_digest

    counted = one(con, f"SELECT count(*), coalesce(sum({ENTERPRISE_HASH}), 0) FROM enterprise")
    assert enterprise_digest(con) == (int(counted[0]), int(counted[1]))


def by_code(con, period: str, names: list[str], max_batch: int | None) -> tuple[np.ndarray, np.ndarray]:
    """The dense table as `queries.dense` built it before the keys: facts joined to firms on the credit code."""
    firms = [r[0] for r in rows(con, "SELECT uscc FROM enterprise ORDER BY uscc")]
    row_of = {u: i for i, u in enumerate(firms)}
    values = np.full((len(firms), len(names)), np.nan)
    batches = np.full((len(firms), len(names)), -1)
    where = "f.batch_id <= ?" if max_batch is not None else "true"
    current = queries.current_facts_sql(f"WHERE f.period = ? AND {where}")
    params = [period, max_batch] if max_batch is not None else [period]
    for uscc, indicator, value, batch_id in rows(
        con, f"SELECT uscc, indicator, value, batch_id FROM ({current})", params
    ):
        if indicator in names and uscc in row_of:
            values[row_of[uscc], names.index(indicator)] = value
            batches[row_of[uscc], names.index(indicator)] = batch_id
    return values, batches


def test_imports_number_firms_once_and_facts_carry_them(tmp_path):
    files = write_department_files(generate_zone(n_firms=200), tmp_path / "files")
    con = connect(tmp_path / "s.duckdb")
    seen: dict[str, int] = {}
    for f in files:  # batch by batch: a firm's number never changes once given
        commit_all(con, prepare_all([f]))
        check_keys(con)
        check_clustered(con)
        check_digest(con)
        now = numbers(con)
        assert {u: now[u] for u in seen} == seen
        seen = now
    assert len(seen) >= 200
    con.close()


def test_dense_by_number_equals_the_join_on_the_code(tmp_path):
    files = write_department_files(generate_zone(n_firms=200), tmp_path / "files")
    con = connect(tmp_path / "s.duckdb")
    commit_all(con, prepare_all(files))
    names = [f.name for f in numeric_fields()]  # every indicator a run can read
    latest = queries.max_batch_id(con)
    for period in ("2024", "2025"):
        for max_batch in (None, 1, latest - 1):
            base, got_names, values, batches = queries.dense(con, period, names, max_batch)
            want_values, want_batches = by_code(con, period, names, max_batch)
            assert got_names == names
            assert base.get_column("uscc").to_list() == sorted(numbers(con))
            np.testing.assert_array_equal(values, want_values)
            np.testing.assert_array_equal(batches, want_batches)
    con.close()


def test_an_older_store_is_numbered_on_open_and_its_runs_stay(tmp_path):
    files = write_department_files(generate_zone(n_firms=200), tmp_path / "files")
    path = tmp_path / "s.duckdb"
    con = connect(path)
    commit_all(con, prepare_all(files))
    before = run_mujun(con, "default", "2025")
    scores = rows(con, "SELECT uscc, score, rank, class_final FROM run_result WHERE run_id = ? ORDER BY uscc",
                  [before.run_id])  # fmt: skip
    # the store as it was before migration 21: no numbers, facts in their import order
    con.execute("DROP INDEX enterprise_uscc")
    con.execute("ALTER TABLE enterprise DROP COLUMN firm")
    con.execute("CREATE INDEX enterprise_uscc ON enterprise (uscc)")
    con.execute("ALTER TABLE fact DROP COLUMN firm")
    con.execute("DELETE FROM schema_version WHERE version = 21")
    con.close()
    con = connect(path)  # migrated again
    check_keys(con)
    check_clustered(con)
    assert numbers(con) == {u: i for i, u in enumerate(sorted(numbers(con)))}  # credit-code order
    con.execute("DELETE FROM run_result WHERE run_id = ?", [before.run_id])  # worked again from the facts
    con.execute("DELETE FROM run WHERE run_id = ?", [before.run_id])
    again = run_mujun(con, "default", "2025")
    assert again.run_id == before.run_id  # same data fingerprint: the numbers are not data
    assert rows(con, "SELECT uscc, score, rank, class_final FROM run_result WHERE run_id = ? ORDER BY uscc",
                [again.run_id]) == scores  # fmt: skip
    con.close()


def test_rows_written_directly_are_numbered_by_fill_missing(tmp_path):
    con = connect(tmp_path / "s.duckdb")
    con.execute(
        "INSERT INTO import_batch (batch_id, file_name, sha256, source, rows, accepted, rejected, skipped, "
        "imported_at) VALUES (1, 'x.xlsx', 'x', 'stats', 2, 2, 0, 0, now())"
    )
    for uscc, revenue in (("91330000000000002B", 5.0), ("91330000000000001A", 7.0)):
        con.execute("INSERT INTO enterprise (uscc, name) VALUES (?, '企业')", [uscc])
        con.execute(
            "INSERT INTO fact (uscc, period, indicator, value, unit, batch_id, sheet, row_no) "
            "VALUES (?, '2025', 'revenue', ?, '元', 1, 's', 2)",
            [uscc, revenue],
        )
    _, _, values, _ = queries.dense(con, "2025", ["revenue"])
    assert np.isnan(values).all()  # without numbers a run sees nothing (as a firm it does not know)
    fill_missing(con)
    check_keys(con)
    _, _, values, _ = queries.dense(con, "2025", ["revenue"])
    assert values[:, 0].tolist() == [7.0, 5.0]  # rows in credit-code order
    con.close()


def test_a_writer_numbers_new_firms_as_the_sql_rule_does(tmp_path):
    """`number_firms` (what an import numbers its firms with, in polars) gives each firm the number the SQL
    rule (`next_keys_sql`, as `fill_missing` numbers unnumbered firms) gives it — known firms keep theirs, new
    ones follow in credit-code order — whether the batch's codes come sorted or not."""
    import polars as pl
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from gaoxin.store.imports import staged
    from gaoxin.store.keys import number_firms

    con = connect(tmp_path / "keys.duckdb")
    codes = st.lists(st.from_regex(r"91[0-9A-H]{4}", fullmatch=True), unique=True, max_size=12)

    def add(firms):
        for u in firms:
            con.execute("INSERT INTO enterprise (uscc) VALUES (?)", [u])
        fill_missing(con)

    @settings(max_examples=40, deadline=None)
    @given(known=codes, batch=codes, shuffle=st.randoms())
    def check(known, batch, shuffle):
        con.execute("DELETE FROM enterprise")
        add(known)
        shuffle.shuffle(batch)
        firms = pl.Series("uscc", batch, dtype=pl.Utf8)
        with staged(con, "staged_uscc", firms.to_frame()):
            got = number_firms(con, "staged_uscc", firms)
        assert got.get_column("uscc").to_list() == batch  # row for row
        new = set(batch) - set(known)
        assert got.filter(pl.col("new")).get_column("uscc").to_list() == [u for u in batch if u in new]
        # the SQL rule on the same store: insert the new ones unnumbered and let fill_missing number them
        add(new)
        assert dict(zip(got["uscc"], got["firm"], strict=True)) == {u: numbers(con)[u] for u in batch}

    check()
    con.close()


def test_the_enterprise_digest_follows_every_write_of_a_firm(tmp_path):
    """New firms, a registry file renaming a firm and moving another, a department filling a gap, a direct
    SQL writer with `fill_missing`: after each the kept digest equals the full recount, and a renamed firm
    changes the runs' data fingerprint (a run made before it is stale) as hashing every firm did."""
    from gaoxin.store.queries import data_fingerprint

    files = write_department_files(generate_zone(n_firms=200), tmp_path / "files")
    con = connect(tmp_path / "d.duckdb")
    check_digest(con)  # empty store
    commit_all(con, prepare_all(files))
    check_digest(con)
    before = data_fingerprint(con, "2025")
    a, b = [r[0] for r in rows(con, "SELECT uscc FROM enterprise ORDER BY uscc LIMIT 2")]
    registry = tmp_path / "市场监管局_变更.csv"
    registry.write_text(
        f"统一社会信用代码,企业名称,所属镇街\n{a},改名后的公司,\n{b},,新镇街\n", encoding="utf-8"
    )
    commit_all(con, prepare_all([registry], source="registry"))
    assert rows(con, "SELECT name FROM enterprise WHERE uscc = ?", [a]) == [("改名后的公司",)]
    check_digest(con)
    assert data_fingerprint(con, "2025") != before
    gap = tmp_path / "税务局_补充.csv"
    gap.write_text(
        f"年份,统一社会信用代码,企业名称,税收实际贡献（万元）\n2025,{a},又一个名字,1\n", encoding="utf-8"
    )
    commit_all(con, prepare_all([gap], source="tax"))  # a department fills gaps only: the name stays
    assert rows(con, "SELECT name FROM enterprise WHERE uscc = ?", [a]) == [("改名后的公司",)]
    check_digest(con)
    con.execute("INSERT INTO enterprise (uscc, name) VALUES ('91330000MA00000000', '直接写入')")
    fill_missing(con)
    check_digest(con)
    con.close()
