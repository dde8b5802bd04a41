"""The 画像's reads: its 规上 basis taken from the facts it already holds is the one `scale_basis` reads from
the store, and one read of the firm's rows of every run gives both its 亩均 history and its tier results."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from gaoxin.evaluations import cultivation as svc
from gaoxin.evaluations.mujun import run_mujun
from gaoxin.store import connect, rows, webcache
from gaoxin.store import profile as store_profile
from gaoxin.store import runs as store_runs
from gaoxin.store.scale_basis import basis_from_facts, scale_basis
from gaoxin.web.queries import WebCache


def fact(period, value, current, source="stats", batch_id=3, indicator="above_scale"):
    return {
        "period": period,
        "indicator": indicator,
        "value": value,
        "batch_id": batch_id,
        "source": source,
        "file_name": f"{source}.xlsx",
        "current": current,
    }


def test_basis_is_the_latest_value_in_force():
    facts = [
        fact("2024", 1.0, True),  # 规上 in the 2024 statistics
        fact("2025", 1.0, False, batch_id=4),  # superseded: not the basis
        fact("2025", 0.0, True, source="tax", batch_id=5),  # in force for 2025: 规下
        fact("2026", 1.0, True, indicator="revenue"),  # another indicator
    ]
    assert basis_from_facts(facts) == {
        "period": "2025",
        "above_scale": False,
        "source": "tax",
        "file_name": "tax.xlsx",
        "batch_id": 5,
    }
    assert basis_from_facts([fact("2025", 1.0, False)]) is None
    assert basis_from_facts([]) is None


def test_basis_from_the_profile_facts_matches_the_store_query(demo_store):
    con = connect(demo_store.db, read_only=True)
    usccs = [r[0] for r in rows(con, "SELECT uscc FROM enterprise ORDER BY uscc")]
    from_store = scale_basis(con, usccs)
    from_facts = {u: basis_from_facts(store_profile.all_facts(con, u)) for u in usccs}
    # by the firm's number (as the 画像 reads them, `identity` giving it) the same rows as by the credit code
    numbers = dict(rows(con, "SELECT uscc, firm FROM enterprise"))
    for u in usccs[::53]:
        assert store_profile.all_facts(con, u, numbers[u]) == store_profile.all_facts(con, u)
    con.close()
    assert sum(b is not None for b in from_facts.values()) > 50  # the demo's 规上 firms have a basis
    assert from_facts == {u: from_store.get(u) for u in usccs}


def test_one_read_gives_the_history_and_the_tiers(demo_store, tmp_path):
    con = connect(demo_store.copy(tmp_path / "s.duckdb"))
    mujun = [run_mujun(con, "default", p).run_id for p in ("2024", "2025")]
    tier = svc.run_cultivation(con, "tsme-2022", "2025").run_id
    uscc = rows(con, "SELECT uscc FROM run_result WHERE run_id = ? ORDER BY uscc LIMIT 1", [tier])[0][0]
    runs = store_profile.firm_runs(con, uscc)
    assert {r["run_id"] for r in runs} >= {*mujun, tier}
    history = store_profile.firm_history(con, uscc, runs)
    assert [h["run_id"] for h in history] == mujun  # 亩均 only, oldest first
    assert history == store_profile.firm_history(con, uscc)  # the same without the rows in hand
    tiers = next(r for r in runs if r["run_id"] == tier)
    expected = rows(
        con, "SELECT class_final, reasons FROM run_result WHERE run_id = ? AND uscc = ?", [tier, uscc]
    )
    assert (tiers["class_final"], tiers["reasons"]) == expected[0] and tiers["kind"] == "cultivation"
    con.close()


def test_the_result_and_trace_read_by_position_are_the_run_rows(demo_store, tmp_path):
    """The 画像's result comes from its `firm_runs` rows and its trace by its position in the run: the same
    rows the run's own table and the `run_item` view give by credit code, for every firm of the run."""
    con = connect(demo_store.copy(tmp_path / "s.duckdb"))
    run_id = run_mujun(con, "default", "2025").run_id
    keys = store_profile.RESULT_KEYS
    usccs = [r[0] for r in rows(con, "SELECT uscc FROM run_result WHERE run_id = ? ORDER BY uscc", [run_id])]
    traced = {r[0] for r in rows(con, "SELECT DISTINCT uscc FROM run_item WHERE run_id = ?", [run_id])}
    assert len(traced) > 100
    for uscc in usccs[::37]:
        runs = store_profile.firm_runs(con, uscc)
        want = rows(
            con, f"SELECT {', '.join(keys)} FROM run_result WHERE run_id = ? AND uscc = ?", [run_id, uscc]
        )
        assert store_profile.result_in(runs, run_id) == dict(zip(keys, want[0], strict=True))
        position = next(r["firm"] for r in runs if r["run_id"] == run_id)
        view = store_runs.run_item_rows(con, run_id, uscc)  # the run_item view, by credit code
        got = store_runs.run_item_rows_at(con, run_id, position)
        assert got == view
        assert bool(got) == (uscc in traced)  # out of the population: no trace lines either way
    assert store_profile.result_in(store_profile.firm_runs(con, usccs[0]), "no-such-run") is None
    con.close()


def test_reads_with_the_kept_batches_and_run_heads_are_the_joined_reads(demo_store, tmp_path):
    """The 画像 passes its kept copies of the import batches and run heads instead of joining them per read:
    the same rows — also when a batch or run is missing from the copy (written after it was read)."""
    con = connect(demo_store.copy(tmp_path / "s.duckdb"))
    run_mujun(con, "default", "2024")
    run_mujun(con, "default", "2025")
    webcache.attach(con)
    WebCache(SimpleNamespace(write_lock=threading.RLock())).ensure(con)  # the 规上 look-up identity reads
    batches, heads = store_profile.batch_sources(con), store_profile.run_heads(con)
    assert len(batches) >= 5 and len(heads) >= 2
    stale_batches = dict(list(batches.items())[:2])  # as if the rest came after the copy was read
    stale_heads = dict(list(heads.items())[:1])
    usccs = [r[0] for r in rows(con, "SELECT uscc FROM enterprise ORDER BY uscc")]
    for uscc in usccs[::41]:
        ent = store_profile.identity(con, uscc)
        # the joined reads, written out: the batch file of the attributes, the facts with their batches, the runs
        assert (
            ent["file_name"]
            == rows(
                con,
                "SELECT b.file_name FROM enterprise e LEFT JOIN import_batch b USING (batch_id) WHERE e.uscc = ?",
                [uscc],
            )[0][0]
        )
        joined = rows(
            con,
            """SELECT f.period, f.indicator, f.value, f.unit, f.batch_id, b.source, b.file_name, f.sheet, f.row_no,
                      NOT f.superseded FROM fact f JOIN import_batch b USING (batch_id) WHERE f.uscc = ?
               ORDER BY f.period DESC, f.indicator, f.batch_id DESC""",
            [uscc],
        )
        assert [tuple(f.values()) for f in store_profile.all_facts(con, uscc)] == joined
        for known in (batches, stale_batches, {}):
            assert store_profile.identity(con, uscc, known) == ent
            assert store_profile.all_facts(con, uscc, ent["firm"], known) == store_profile.all_facts(
                con, uscc
            )
        runs = store_profile.firm_runs(con, uscc)
        assert len(runs) >= 2
        assert [(r["run_id"], r["kind"], r["period"], r["score"]) for r in runs] == rows(
            con,
            """SELECT r.run_id, run.kind, run.period, r.score FROM run_result r JOIN run USING (run_id)
               WHERE r.uscc = ? ORDER BY run.period, run.created_at, r.run_id""",
            [uscc],
        )
        for known in (heads, stale_heads, {}):
            assert store_profile.firm_runs(con, uscc, known) == runs
    con.close()
