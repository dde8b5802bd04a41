"""Monte Carlo rank intervals: batched scores equal a per-draw loop; degenerate and dominance cases."""

import numpy as np
import pytest

from gaoxin.engine import (
    arithmetic,
    draw_weights,
    geometric,
    gra,
    harmonic,
    normalize,
    rank,
    rank_intervals,
    vikor,
)
from gaoxin.engine.robustness import UncertaintyModel


def _data(m=25, n=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.lognormal(size=(m, n))
    t = np.where(np.arange(n) % 3 == 2, -1, 1)
    w = rng.dirichlet(np.ones(n))
    return X, t, w


def test_no_uncertainty_collapses_to_nominal():
    X, t, w = _data()
    r = rank_intervals(X, t, w, n_draws=50, weight_draws="none", seed=1)
    nominal = rank(arithmetic(normalize(X, t, "minmax"), w))
    np.testing.assert_array_equal(r.nominal, nominal)
    np.testing.assert_array_equal(r.lower, nominal)
    np.testing.assert_array_equal(r.upper, nominal)
    assert r.mean_rank_shift == 0.0


NORMS = (("minmax", {"lo": 1, "hi": 100}), ("minmax", {}), ("efficacy", {}))


def _reference_scores(Y, w, agg):
    if agg == "arithmetic":
        return arithmetic(Y, w)
    if agg == "geometric":
        return geometric(Y, w)
    if agg == "harmonic":
        return harmonic(Y, w)
    if agg == "vikor":
        return -vikor(Y, w)
    if agg == "gra":
        return gra(Y, w)
    hi, lo = Y.max(axis=0), Y.min(axis=0)
    dw = w * w if agg == "topsis_hy" else w
    dp, dm = np.sqrt(((Y - hi) ** 2) @ dw), np.sqrt(((Y - lo) ** 2) @ dw)
    return dm / (dp + dm)


@pytest.mark.parametrize(
    "agg", ["arithmetic", "geometric", "harmonic", "topsis_hy", "topsis_cn", "vikor", "gra"]
)
def test_batched_scores_equal_per_draw_loop(agg):
    X, t, w = _data()
    norms = NORMS[:1] if agg in ("geometric", "harmonic") else NORMS[1:2]  # gra's reference min-maxes again
    model = UncertaintyModel(X, t, w, norms, (agg,), ("mean",), None, True)
    rng = np.random.default_rng(3)
    W = draw_weights(model.weights, 40, rng, "dirichlet", concentration=2.0)
    drop = rng.integers(0, X.shape[1] + 1, size=40)
    W = model.apply_drop(W, drop)
    z = np.zeros(40, dtype=int)
    S = model.scores(z, z, z, W)
    name, params = norms[0]
    Y = normalize(X, t, name, **params)
    for d in range(0, 40, 7):
        np.testing.assert_allclose(S[d], _reference_scores(Y, W[d], agg), rtol=1e-10, atol=1e-12)


def test_mixed_choices_are_routed_to_the_right_matrices():
    X, t, w = _data()
    aggs = ("arithmetic", "geometric", "topsis_cn")
    r = rank_intervals(
        X, t, w, n_draws=300, normalizations=NORMS[::2], aggregations=aggs, drop_one=True, seed=7
    )
    ch = r.choices
    for d in (0, 1, 2, 50, 299):
        name, params = NORMS[::2][ch["normalization"][d]]
        Y = normalize(X, t, name, **params)
        s = _reference_scores(Y, ch["weights"][d], aggs[ch["aggregation"][d]])
        np.testing.assert_array_equal(r.ranks[d], rank(s))
        if ch["drop"][d] > 0:
            assert ch["weights"][d, ch["drop"][d] - 1] == 0.0
    assert set(np.unique(ch["aggregation"])) == {0, 1, 2}
    assert r.record.params["aggregations"] == list(aggs)


def test_interval_statistics_and_rank_shift():
    X, t, w = _data()
    r = rank_intervals(X, t, w, n_draws=2000, perturbation=0.5, drop_one=True, seed=11)
    np.testing.assert_allclose(r.lower, np.quantile(r.ranks, 0.05, axis=0))
    np.testing.assert_allclose(r.median, np.median(r.ranks, axis=0))
    assert np.all(r.lower <= r.median) and np.all(r.median <= r.upper)
    np.testing.assert_allclose(r.rank_shift, np.abs(r.ranks - r.nominal).mean(axis=1))
    assert 0 < r.mean_rank_shift < X.shape[0]
    # same seed, same answer
    r2 = rank_intervals(X, t, w, n_draws=2000, perturbation=0.5, drop_one=True, seed=11)
    np.testing.assert_array_equal(r.ranks, r2.ranks)


def test_dominant_unit_is_first_in_every_draw():
    X, t, w = _data()
    best = np.where(t > 0, X.max(axis=0) * 2, X.min(axis=0) / 2)
    Xd = np.vstack([X, best])
    r = rank_intervals(
        Xd,
        t,
        w,
        n_draws=500,
        normalizations=NORMS[:1],
        aggregations=("arithmetic", "geometric", "harmonic", "topsis_hy", "vikor", "gra"),
        weight_draws="dirichlet",
        seed=2,
    )
    assert np.all(r.ranks[:, -1] == 1)


def test_weight_draws():
    rng = np.random.default_rng(0)
    w = np.array([0.5, 0.3, 0.2, 0.0])
    for method in ("perturb", "dirichlet"):
        W = draw_weights(w, 20000, rng, method, perturbation=0.25, concentration=5.0)
        np.testing.assert_allclose(W.sum(axis=1), 1.0)
        assert np.all(W >= 0) and np.all(W[:, 3] == 0)
        np.testing.assert_allclose(W.mean(axis=0), w, atol=0.01)
    # ±25 % on .25 each: raw weights in [.1875, .3125], so after renormalising a weight lies between
    # .1875/(.1875 + 3·.3125) = 1/6 and .3125/(.3125 + 3·.1875) = 5/14, and the extremes are approached
    W = draw_weights(np.full(4, 0.25), 5000, rng, "perturb", 0.25)
    assert 1 / 6 < W.min() < 0.19 and 0.33 < W.max() < 5 / 14


def test_imputation_choice_and_refusals():
    X, t, w = _data()
    X = X.copy()
    X[0, 0] = np.nan
    r = rank_intervals(X, t, w, n_draws=200, imputations=("mean", "median"), seed=0)
    assert r.record.params["imputations"] == ["mean", "median"]
    assert set(np.unique(r.choices["imputation"])) == {0, 1}
    with pytest.raises(ValueError, match="geometric"):
        rank_intervals(X, t, w, n_draws=10, aggregations=("geometric",))
    with pytest.raises(ValueError):
        rank_intervals(X, t, w, n_draws=10, aggregations=("copeland",))


def test_ten_thousand_draws_at_zone_scale():
    rng = np.random.default_rng(0)
    X = rng.lognormal(size=(180, 46))
    t = np.where(rng.random(46) < 0.2, -1, 1)
    r = rank_intervals(X, t, None, n_draws=10_000, drop_one=True, seed=0)
    assert r.ranks.shape == (10_000, 180)  # speed: bench/engine_bench.py
