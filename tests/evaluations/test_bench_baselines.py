"""The baselines bench/evaluate_bench.py times gaoxin against compute the same run: the default 亩均 scheme
as plain DuckDB SQL and as vectorised polars equal gaoxin's stored run on a small synthetic store (equality
only; speed is measured in bench/, never here)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "evaluate_bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("evaluate_bench", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_baselines_reproduce_the_default_scheme(bench):
    assert bench.check_scheme() == []


def test_sql_and_polars_baselines_equal_gaoxin(bench, tmp_path):
    from gaoxin.evaluations.mujun import run_mujun
    from gaoxin.store import connect

    template = tmp_path / "template.duckdb"
    bench.load_store(template, 4000)
    paths = {}
    for name in ("gaoxin", "sql", "polars"):
        paths[name] = tmp_path / f"{name}.duckdb"
        shutil.copyfile(template, paths[name])
    con = connect(paths["gaoxin"])
    run_id = run_mujun(con, bench.SCHEME, bench.PERIOD).run_id
    con.close()
    for name, fn in (("sql", bench.run_sql), ("polars", bench.run_polars)):
        con = connect(paths[name])
        fn(con)
        con.close()
    assert bench.compare(paths["gaoxin"], run_id, paths["sql"], paths["polars"]) == []


def test_the_comparison_sees_a_difference(bench):
    import polars as pl

    a = pl.DataFrame(
        {
            "uscc": ["1", "2"],
            "list_id": ["规上", "规上"],
            "t_reason": [None, None],
            "land_mu": [1.0, 2.0],
            "base_score": [10.0, 20.0],
            "adjustment": [0.0, 0.0],
            "score": [10.0, 20.0],
            "rank": [2, 1],
            "list_size": [2, 2],
            "class_initial": ["B", "A"],
            "class_final": ["B", "A"],
            **{p: [0.0, 0.0] for p in bench.POLICIES},
        }
    )
    b = a.with_columns(pl.Series("score", [10.0, 20.0 + 1e-6]), pl.Series("class_final", ["B", "C"]))
    found = bench.diff_frames(a, b)
    assert any(f.startswith("score:") for f in found)
    assert any(f.startswith("class_final:") for f in found)
    assert bench.diff_frames(a, a) == []
