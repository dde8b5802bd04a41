"""`gaoxin evaluate` of a stored run answers from the scheme text and the store alone: `runs.stored_run_id`
gives exactly the id the full recipe (`runs.run`: parse, plan, fingerprint) gives for a run without options,
and nothing when the run is not there yet or the data changed since — then the recipe runs as before."""

from __future__ import annotations

from gaoxin.evaluations import runs as recipe
from gaoxin.evaluations.cultivation import run_cultivation
from gaoxin.evaluations.mujun import run_mujun
from gaoxin.ingest.importer import commit_all, prepare_all
from gaoxin.store import connect


def test_the_shortcut_finds_the_recipes_run_and_only_it(demo_store, tmp_path):
    con = connect(demo_store.copy(tmp_path / "demo.duckdb"))
    assert recipe.stored_run_id(con, "default", "2025", "mujun") is None  # not run yet
    mujun = run_mujun(con, "default", "2025").run_id
    cultivation = run_cultivation(con, "hnte-2016", "2025").run_id
    assert recipe.stored_run_id(con, "default", "2025", "mujun") == mujun
    assert recipe.stored_run_id(con, "hnte-2016", "2025", "cultivation") == cultivation
    # another kind's scheme, an unknown scheme, a kind without the shortcut, another year: the recipe decides
    assert recipe.stored_run_id(con, "hnte-2016", "2025", "mujun") is None
    assert recipe.stored_run_id(con, "no-such-scheme", "2025", "mujun") is None
    assert recipe.stored_run_id(con, "default", "2025", "zone") is None
    assert recipe.stored_run_id(con, "default", "2024", "mujun") is None

    uscc = con.execute("SELECT uscc FROM enterprise ORDER BY uscc LIMIT 1").fetchall()[0][0]
    path = tmp_path / "税务局_补报.csv"
    path.write_text(f"年份,统一社会信用代码,实缴税金（万元）\n2025,{uscc},123.4\n", encoding="utf-8")
    commit_all(con, prepare_all([path], source="tax"))
    assert recipe.stored_run_id(con, "default", "2025", "mujun") is None  # data changed: a new run is due
    again = run_mujun(con, "default", "2025")
    assert again.created and again.run_id != mujun
    assert recipe.stored_run_id(con, "default", "2025", "mujun") == again.run_id
    con.close()


def test_a_scheme_file_is_found_by_its_text(demo_store, tmp_path):
    from gaoxin.schemes import scheme_text

    con = connect(demo_store.copy(tmp_path / "demo.duckdb"))
    own = tmp_path / "本区方案.toml"
    own.write_text(scheme_text("default"), encoding="utf-8")
    made = run_mujun(con, own, "2025").run_id
    assert recipe.stored_run_id(con, own, "2025", "mujun") == made
    assert recipe.stored_run_id(con, "default", "2025", "mujun") == made  # same text, same run
    own.write_text(scheme_text("default") + "\n# 本区修订\n", encoding="utf-8")
    assert recipe.stored_run_id(con, own, "2025", "mujun") is None
    con.close()
