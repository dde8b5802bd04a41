"""已过期 without parsing schemes: each kind's registered data fingerprint (`runs.data_fingerprint`, which
`freshness.stale_ids` compares first) is the fingerprint the kind's plan stores, so a run found up to date by
the shortcut is up to date by the plan; a run whose data changed is still flagged (through the plan)."""

from __future__ import annotations

from gaoxin.evaluations import freshness
from gaoxin.evaluations import runs as recipe
from gaoxin.evaluations.cultivation import run_cultivation
from gaoxin.evaluations.mujun import run_mujun
from gaoxin.ingest.importer import commit_all, prepare_all
from gaoxin.store import connect
from gaoxin.store import runs as store_runs


def _stored(con, run_id: str) -> dict:
    return store_runs.find_run(con, run_id)


def test_registered_fingerprint_is_the_plans(demo_store, tmp_path):
    con = connect(demo_store.copy(tmp_path / "demo.duckdb"))
    made = [run_mujun(con, "default", "2025").run_id, run_cultivation(con, "hnte-2016", "2025").run_id]
    for run in (_stored(con, r) for r in made):
        unit = recipe.kind_of_run(run)
        plan = unit.plan(con, unit.stored_scheme(con, run), run["period"], freshness._options(run))
        assert recipe.data_fingerprint(run["kind"], con, run["period"]) == plan.fingerprint
        assert plan.fingerprint == run["data_fingerprint"]
    assert recipe.data_fingerprint("no-such-kind", con, "2025") is None
    assert freshness.stale_ids(con, [_stored(con, r) for r in made]) == set()
    con.close()


def test_a_run_on_changed_data_is_still_stale(demo_store, tmp_path):
    con = connect(demo_store.copy(tmp_path / "demo.duckdb"))
    old = _stored(con, run_mujun(con, "default", "2025").run_id)
    uscc = con.execute("SELECT uscc FROM enterprise ORDER BY uscc LIMIT 1").fetchall()[0][0]
    path = tmp_path / "税务局_补报.csv"
    path.write_text(f"年份,统一社会信用代码,实缴税金（万元）\n2025,{uscc},123.4\n", encoding="utf-8")
    commit_all(con, prepare_all([path], source="tax"))
    assert freshness.stale_ids(con, [old]) == {old["run_id"]}
    new = _stored(con, run_mujun(con, "default", "2025").run_id)
    assert freshness.stale_ids(con, [old, new]) == {old["run_id"]}
    assert freshness.stale_ids(con, [new, old]) == {old["run_id"]}
    con.close()
