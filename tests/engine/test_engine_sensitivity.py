"""Sobol indices: equal to SALib on its own design, Ishigami and linear analytic values, composite factors."""

import numpy as np
import pytest

from gaoxin.engine import composite_sensitivity, sobol_estimates, sobol_indices
from gaoxin.engine.sensitivity import saltelli_matrices, stack_design

SALib = pytest.importorskip("SALib")
from SALib.analyze import sobol as salib_analyze  # noqa: E402
from SALib.sample import sobol as salib_sample  # noqa: E402


def ishigami_unit(U, a=7.0, b=0.1):
    x = -np.pi + 2 * np.pi * U
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


# analytic Ishigami indices for a = 7, b = 0.1
ISHIGAMI_S1 = np.array([0.3139, 0.4424, 0.0])
ISHIGAMI_ST = np.array([0.5576, 0.4424, 0.2437])


def test_estimator_equals_salib_on_salib_design():
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    N = 1024
    P = salib_sample.sample(problem, N, calc_second_order=False, seed=42)
    Y = np.sin(P[:, 0]) + 7 * np.sin(P[:, 1]) ** 2 + 0.1 * P[:, 2] ** 4 * np.sin(P[:, 0])
    ref = salib_analyze.analyze(problem, Y, calc_second_order=False, print_to_console=False, seed=1)
    step = 3 + 2
    yA, yB = Y[0::step], Y[step - 1 :: step]
    yAB = np.column_stack([Y[1 + j :: step] for j in range(3)])
    ours = sobol_estimates(yA, yB, yAB)
    np.testing.assert_allclose(ours["S1"], ref["S1"], atol=1e-12)
    np.testing.assert_allclose(ours["ST"], ref["ST"], atol=1e-12)


def test_ishigami_analytic():
    res = sobol_indices(ishigami_unit, 3, N=2**13, seed=0, n_boot=50)
    np.testing.assert_allclose(res["S1"], ISHIGAMI_S1, atol=0.03)
    np.testing.assert_allclose(res["ST"], ISHIGAMI_ST, atol=0.03)
    assert res["runs"] == 2**13 * 5
    assert np.all(res["S1_conf"] > 0) and np.all(res["S1_conf"] < 0.1)


def test_linear_model_indices_are_squared_coefficient_shares():
    a = np.array([1.0, 2.0, 3.0, 0.0])
    res = sobol_indices(lambda U: U @ a, 4, N=2**12, seed=1)
    share = a**2 / (a**2).sum()
    np.testing.assert_allclose(res["S1"], share, atol=0.02)
    np.testing.assert_allclose(res["ST"], share, atol=0.02)
    assert res["ST"][3] == 0.0  # the inert factor: f(AB_4) == f(A) exactly


def test_groups_and_constant_output():
    A, B = saltelli_matrices(3, 8, seed=0)
    D = stack_design(A, B, [[0, 1], [2]])
    assert D.shape == (8 * 4, 3)
    np.testing.assert_array_equal(D[16:24, :2], B[:, :2])
    np.testing.assert_array_equal(D[16:24, 2], A[:, 2])
    with pytest.raises(ValueError):
        stack_design(A, B, [[0], [2]])
    res = sobol_indices(lambda U: np.ones(U.shape[0]), 2, N=16, seed=0)
    np.testing.assert_array_equal(res["S1"], [0.0, 0.0])
    assert res["notes"]


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.lognormal(size=(40, 6))
    return X, np.array([1, 1, -1, 1, 1, -1]), rng.dirichlet(np.ones(6))


def test_composite_rescaling_factor_has_no_effect():
    # min-max to [0,1] or [0,100] cannot change an arithmetic ranking: that factor's indices are exactly 0
    X, t, w = _data()
    res = composite_sensitivity(
        X,
        t,
        w,
        N=256,
        normalizations=("minmax", ("minmax", {"lo": 0, "hi": 100})),
        aggregations=("arithmetic", "topsis_cn"),
        drop_one=True,
        seed=3,
    )
    d = res.as_dict()
    assert res.factors == ("weights", "normalization", "aggregation", "drop")
    assert d["normalization"] == (0.0, 0.0)
    assert d["aggregation"][1] > 0 and d["drop"][1] > 0 and d["weights"][1] > 0
    assert res.record.params["runs"] == 256 * 6


def test_composite_unit_target_and_refusals():
    X, t, w = _data()
    res = composite_sensitivity(X, t, w, N=128, target=0, seed=1, n_boot=20)
    assert res.factors == ("weights",) and res.S1_conf is not None
    assert 0.7 < res.ST[0] < 1.3  # the only factor explains all the variance, up to estimation noise
    with pytest.raises(ValueError, match="nothing is uncertain"):
        composite_sensitivity(X, t, w, N=16, weight_draws="none")
    with pytest.raises(ValueError):
        composite_sensitivity(X, t, w, N=16, target=99)
