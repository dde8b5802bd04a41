"""Provenance: every stage reports what it did; a run can be explained and regenerated with one change."""

import json

import numpy as np
import pytest

from gaoxin.engine import (
    Pipeline,
    classify_by_share,
    entropy_weights,
    impute,
    minmax,
    rank,
    topsis,
    vikor,
)

X = np.array([[4.0, 300, 2.0], [2.0, 100, 1.0], [np.nan, 200, 3.0], [8.0, 400, 0.5], [6.0, 250, 2.5]])
T = [1, 1, -1]


def test_pipeline_run_matches_manual_chain_and_logs_every_stage():
    p = Pipeline(
        impute={"method": "median"},
        weight={"method": "entropy"},
        normalize={"method": "minmax", "lo": 0, "hi": 100},
        aggregate={"method": "arithmetic"},
        classify={"shares": (0.4, 0.6), "labels": ("A", "B")},
    )
    run = p.run(X, T)
    Xi = impute(X, "median")
    w = entropy_weights(Xi, T)
    s = minmax(Xi, T, 0, 100) @ w
    np.testing.assert_allclose(run.scores, s, rtol=1e-12)
    np.testing.assert_array_equal(run.ranks, rank(s))
    assert list(run.classes) == list(classify_by_share(s, (0.4, 0.6), "AB"))
    assert [r.stage for r in run.log] == ["impute", "weight", "normalize", "aggregate", "rank", "classify"]
    np.testing.assert_allclose(run.log[1].outputs["weights"], w)
    json.dumps(run.explain())  # the log is serialisable as is (NaN -> null)


def test_regen_changes_one_parameter_only():
    p = Pipeline(impute={"method": "mean"}, weight={"method": "critic"}, aggregate={"method": "topsis"})
    run = p.run(X, T)
    run2 = run.regen("aggregate", variant="cn")
    assert run2.pipeline.aggregate == {"method": "topsis", "variant": "cn"}
    assert run.pipeline.aggregate == {"method": "topsis"}  # the original is untouched (frozen)
    Xi = impute(X, "mean")
    np.testing.assert_allclose(run2.scores, topsis(Xi, run.weights, T, "cn"), rtol=1e-12)
    np.testing.assert_allclose(run2.weights, run.weights)
    run3 = run.regen("aggregate", method="vikor")
    np.testing.assert_allclose(run3.scores, vikor(Xi, run.weights, T))
    np.testing.assert_array_equal(run3.ranks, rank(run3.scores, descending=False))  # lower Q is better


def test_weight_methods_and_refusals():
    Xf = np.nan_to_num(X, nan=5.0)
    ahp = [[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]]
    run = Pipeline(weight={"method": "ahp", "matrix": ahp, "ri": "cn"}).run(Xf, T)
    np.testing.assert_allclose(run.weights, [4 / 7, 2 / 7, 1 / 7])
    assert run.log[0].outputs["cr"] == pytest.approx(0, abs=1e-12)
    run = Pipeline(weight={"method": "points", "points": [50, 30, 20]}).run(Xf, T)
    np.testing.assert_allclose(run.weights, [0.5, 0.3, 0.2])
    with pytest.raises(ValueError, match="impute"):
        Pipeline().run(X, T)
    with pytest.raises(ValueError):
        Pipeline().replace("nosuchstage", x=1)
    with pytest.raises(ValueError):
        Pipeline(weight={"method": "magic"}).run(Xf, T)


def test_stage_records_carry_parameters_and_notes():
    Xc = np.column_stack([np.arange(5.0), np.full(5, 3.0)])
    w, rec = entropy_weights(Xc, return_info=True)
    d = rec.to_dict()
    assert d["stage"] == "weight" and d["method"] == "entropy"
    assert d["params"]["variant"] == "minmax" and d["params"]["shift"] == 1e-4
    assert d["outputs"]["weights"] == [1.0, 0.0]
    assert d["notes"] == ["column 1: constant → weight 0"]
