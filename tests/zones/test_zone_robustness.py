"""Rank intervals: they contain the nominal rank, collapse to it without uncertainty, and the top-50 odds."""

import numpy as np
import pytest
from zone_fixtures import demo_data

from gaoxin.evaluations import zones as Z
from gaoxin.schemes import load_scheme

HOME = "示范高新区"


@pytest.fixture(scope="module", params=["most-2021", "zone-entropy-topsis"])
def ranked(request):
    return Z.evaluate(load_scheme(request.param), demo_data(2025), "2025")


def test_nominal_of_the_uncertainty_model_is_the_run(ranked):
    rob, res = Z.robustness(ranked, HOME, draws=200)
    assert rob["nominal_matches"]
    np.testing.assert_array_equal(res.nominal, ranked.rank)


def test_intervals_contain_the_nominal_rank_under_weight_uncertainty(ranked):
    rob, res = Z.robustness(ranked, HOME, draws=3000, methods=False)
    assert np.all(res.lower <= ranked.rank) and np.all(ranked.rank <= res.upper)
    assert res.ranks.shape == (3000, ranked.m)
    assert (res.upper - res.lower).max() > 0  # the perturbation really moves ranks
    for z in rob["zones"]:
        assert z["p05"] <= z["nominal"] <= z["p95"]


def test_zero_uncertainty_shrinks_to_the_nominal_rank(ranked):
    rob, res = Z.robustness(ranked, HOME, draws=50, perturbation=0.0, weight_draws="none", methods=False)
    np.testing.assert_array_equal(res.lower, ranked.rank)
    np.testing.assert_array_equal(res.upper, ranked.rank)
    np.testing.assert_array_equal(res.median, ranked.rank)
    assert rob["mean_rank_shift"] == 0.0
    pos = ranked.position(HOME)
    assert rob["p_top"] == (1.0 if ranked.rank[pos] <= 50 else 0.0)
    # perturbation 0 but the "perturb" draw is still drawn: identical to no draws
    rob2, res2 = Z.robustness(ranked, HOME, draws=50, perturbation=0.0, methods=False)
    np.testing.assert_array_equal(res2.upper, ranked.rank)


def test_window_and_top50_probability(ranked):
    rob, res = Z.robustness(ranked, HOME, draws=2000)
    pos = ranked.position(HOME)
    assert rob["p_top"] == pytest.approx((res.ranks[:, pos] <= 50).mean())
    assert len(rob["zones"]) == 11 and sum(z["is_focus"] for z in rob["zones"]) == 1
    ranks = [z["rank"] for z in rob["zones"]]
    assert ranks == sorted(ranks) and ranked.rank[pos] in ranks
    assert rob["normalizations"][0] == (
        "goalposts" if ranked.scheme.method.aggregation == "goalpost" else "vector"
    )
    # more draws than zones, all ranks valid
    assert res.ranks.min() >= 1 and res.ranks.max() <= ranked.m


def test_method_uncertainty_widens_intervals():
    r = Z.evaluate(load_scheme("most-2021"), demo_data(2025), "2025")
    _, weights_only = Z.robustness(r, HOME, draws=2000, methods=False)
    _, both = Z.robustness(r, HOME, draws=2000)
    assert (both.upper - both.lower).mean() > (weights_only.upper - weights_only.lower).mean()
    assert set(np.unique(both.choices["normalization"])) == {0, 1, 2}


def test_ten_thousand_draws_for_all_zones():
    r = Z.evaluate(load_scheme("most-2021"), demo_data(2025), "2025")
    _rob, res = Z.robustness(r, HOME, draws=10_000)  # speed: bench/zone_bench.py
    assert res.ranks.shape == (10_000, r.m)
