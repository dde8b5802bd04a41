"""`gaoxin demo` on a small zone: every import before the 亩均 runs, so no demo run is stale and a second demo
finds every run unchanged (no new run ids)."""

from __future__ import annotations

import pytest

from gaoxin.evaluations import freshness
from gaoxin.store import connect
from gaoxin.store import runs as store_runs
from support import cli


@pytest.fixture(scope="module")
def demo_twice(tmp_path_factory, monkeypatch_module):
    root = tmp_path_factory.mktemp("demo-twice")
    monkeypatch_module.setenv("GAOXIN_DEMO_OUT", str(root / "out"))
    db = root / "demo.duckdb"
    first = cli("demo", "--no-serve", "--firms", 200, "--db", db).output
    con = connect(db, read_only=True)
    runs_first = [store_runs.find_run(con, r) for r in store_runs.list_runs(con)["run_id"]]
    stale = freshness.stale_ids(con, runs_first)
    con.close()
    second = cli("demo", "--no-serve", "--firms", 200, "--db", db).output
    con = connect(db, read_only=True)
    ids_second = set(store_runs.list_runs(con)["run_id"])
    con.close()
    return first, second, runs_first, stale, ids_second


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_no_demo_run_is_stale(demo_twice):
    _, _, runs, stale, _ = demo_twice
    assert {r["kind"] for r in runs} == {"mujun", "cultivation", "zone"}
    assert stale == set(), [r["scheme_id"] for r in runs if r["run_id"] in stale]


def test_second_demo_adds_no_run_and_says_unchanged(demo_twice):
    first, second, runs, _, ids_second = demo_twice
    assert ids_second == {r["run_id"] for r in runs}
    assert "结果未变" not in first
    assert second.count("结果未变") >= 2  # the latest 亩均 run of each demo scheme (and the zone rank)


def test_demo_output_kept(demo_twice):
    first = demo_twice[0]
    for part in ("示范高新区已就绪", "亩均论英雄 · default", "企业培育", "园区对标", "企业诉求"):
        assert part in first
