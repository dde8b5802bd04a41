"""The one run recipe and the kind registry: every scheme kind is one registered unit with the same interface,
a CLI command for one kind refuses another kind's scheme with that kind's hint, and one RunError."""

from __future__ import annotations

import inspect

import pytest

from gaoxin.evaluations import runs
from gaoxin.schemes import KINDS, list_builtin
from gaoxin.store import connect
from gaoxin.store import runs as store_runs

INTERFACE = (
    "accepts",
    "wrong_kind",
    "configure",
    "plan",
    "max_batch",
    "compute",
    "stored_scheme",
    "explain",
    "workbook",
)


def test_every_scheme_kind_is_registered_with_the_same_interface():
    assert set(runs.REGISTRY) == set(KINDS)
    for name in KINDS:
        unit = runs.kind(name)
        assert unit.name == name and unit.title == runs.REGISTRY[name].title
        for method in INTERFACE:
            assert callable(getattr(unit, method)), f"{name} lacks {method}"
        # same signatures as the protocol: a caller never needs to know the kind
        for method in INTERFACE:
            want = list(inspect.signature(getattr(runs.Kind, method)).parameters)[1:]
            assert list(inspect.signature(getattr(unit, method)).parameters) == want, (name, method)
    with pytest.raises(runs.RunError, match="未知的评价类型"):
        runs.kind("nope")


@pytest.fixture
def store(demo_store, tmp_path):
    con = connect(demo_store.copy(tmp_path / "z.duckdb"))
    yield con
    con.close()


@pytest.mark.parametrize(
    ("scheme", "expect", "hint"),
    [
        ("tsme-2022", "mujun", "gaoxin cultivate --scheme tsme-2022"),
        ("most-2021", "mujun", "gaoxin rank --scheme most-2021"),
        ("default", "cultivation", "gaoxin evaluate"),
        ("default", "zone", "most-2021"),
    ],
)
def test_a_command_for_one_kind_refuses_another_kinds_scheme(store, scheme, expect, hint):
    with pytest.raises(runs.RunError, match=hint):
        runs.run(store, scheme, "2025", expect=expect)
    assert store_runs.run_summaries(store, kind=None) == []  # nothing written


def test_the_recipe_runs_any_kind_and_finds_the_identical_run(store):
    from gaoxin.evaluations.cultivation import run_cultivation
    from gaoxin.evaluations.mujun import run_mujun

    first = runs.run(store, "default", "2025")  # the scheme says its kind
    assert first.created and first.kind == "mujun"
    again = run_mujun(store, "default", "2025")
    assert (again.run_id, again.created, again.result) == (first.run_id, False, None)
    cult = run_cultivation(store, "tsme-2022", "2025")
    assert cult.created and store_runs.find_run(store, cult.run_id)["kind"] == "cultivation"
    # parameters are part of the run: a different override is a different run
    other = run_cultivation(store, "tsme-2022", "2025", {"pass_mark": 70.0})
    assert other.run_id != cult.run_id


def test_one_run_error_for_every_kind(store):
    from gaoxin.evaluations.zones.service import run_rank

    with pytest.raises(runs.RunError, match="园区数据"):
        run_rank(store, "most-2021")  # the demo store of this session has no zone sheet
    with pytest.raises(runs.RunError, match="没有 1999 年度的数据"):
        runs.run(store, "tsme-2022", "1999")
    with pytest.raises(runs.RunError, match="没有内置方案 .no-such-scheme."):
        runs.run(store, "no-such-scheme", "2025")


def test_an_empty_store_is_told_to_import_first(tmp_path):
    con = connect(tmp_path / "empty.duckdb")
    for period in (None, "2025"):  # the latest year, or one asked for: either way nothing is there yet
        with pytest.raises(runs.RunError, match="还没有企业数据。请先导入部门数据"):
            runs.run(con, "default", period)


def test_builtin_schemes_of_every_kind_are_offered():
    assert {s.kind for s in list_builtin()} == set(KINDS)


def test_an_indicator_that_overflows_for_every_firm_is_refused_not_scored(store, tmp_path):
    from gaoxin.schemes import scheme_text

    text = scheme_text("default").replace(
        'numerator = "tax_paid"', 'numerator = "tax_paid * 1e300 * 1e300"', 1
    )
    path = tmp_path / "overflow.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(runs.RunError, match="溢出为无穷大"):
        runs.run(store, path, "2025")
    assert store_runs.run_summaries(store, kind=None) == []


def test_the_scheme_packages_public_names_resolve():
    import gaoxin.schemes as schemes
    from gaoxin.schemes.loader import KIND_MODULES

    assert tuple(KIND_MODULES) == schemes.KINDS
    for name in schemes.__all__:
        assert getattr(schemes, name) is not None, name


def test_the_lazy_packages_give_their_functions_whatever_was_imported_first():
    import importlib

    importlib.import_module("gaoxin.evaluations.mujun.inputs")  # loads the core module first
    from gaoxin.evaluations.mujun import evaluate, what_if

    assert callable(evaluate) and evaluate.__name__ == "evaluate"
    assert callable(what_if) and what_if.__name__ == "what_if"
