"""Normalisation and positivisation: hand-worked values, direction handling and refusals."""

import numpy as np
import pytest

from gaoxin.engine import (
    benchmark_ratio,
    dist_ref,
    dist_target,
    efficacy,
    goalposts,
    minmax,
    normalize,
    percentile,
    positivize,
    rank_score,
    vector,
    zscore,
)
from gaoxin.engine.normalize import max_, sum_

X = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 40.0]])


def test_minmax_direction_scale_and_constant():
    np.testing.assert_allclose(minmax(X, [1, -1]), [[0, 1], [1 / 3, 2 / 3], [1, 0]])
    np.testing.assert_allclose(minmax(X, lo=1, hi=100)[:, 0], [1, 34, 100])
    Y, rec = minmax(np.array([[3.0], [3.0]]), return_info=True)
    np.testing.assert_array_equal(Y, [[0.5], [0.5]])
    assert "constant" in rec.notes[0]


def test_zscore():
    # column 1: μ = 7/3, s = sqrt(((4/3)² + (1/3)² + (5/3)²)/2) = sqrt(7/3)
    Z = zscore(X, [1, -1])
    np.testing.assert_allclose(Z[:, 0], (X[:, 0] - 7 / 3) / np.sqrt(7 / 3))
    np.testing.assert_allclose(Z[:, 1], -Z[:, 0])  # column 2 = 10 × column 1, cost flips the sign
    np.testing.assert_array_equal(zscore(np.array([[5.0], [5.0]])), [[0.0], [0.0]])


def test_vector_sum_max():
    np.testing.assert_allclose(vector(X)[:, 0], np.array([1, 2, 4]) / np.sqrt(21))
    np.testing.assert_allclose(vector(X, [1, -1])[:, 1], 1 - np.array([1, 2, 4]) / np.sqrt(21))
    np.testing.assert_array_equal(vector(np.zeros((2, 1))), [[0.0], [0.0]])
    np.testing.assert_allclose(sum_(X, [1, -1])[:, 1], np.array([1 / 10, 1 / 20, 1 / 40]) / (7 / 40))
    np.testing.assert_allclose(max_(X)[:, 0], [0.25, 0.5, 1])
    with pytest.raises(ValueError):
        sum_(np.array([[-1.0], [2.0]]))
    with pytest.raises(ValueError):
        sum_(np.array([[0.0], [2.0]]), [-1])
    with pytest.raises(ValueError):
        max_(np.array([[-1.0], [2.0]]))


def test_rank_and_percentile_with_ties():
    Y = np.array([[5.0], [7.0], [7.0], [1.0]])
    np.testing.assert_array_equal(rank_score(Y)[:, 0], [2, 3, 3, 1])  # best gets m under "min" → here 3
    np.testing.assert_array_equal(rank_score(Y, [-1])[:, 0], [3, 1, 1, 4])
    np.testing.assert_allclose(percentile(Y)[:, 0], [1 / 3, 2.5 / 3, 2.5 / 3, 0])
    np.testing.assert_array_equal(percentile(np.ones((3, 1)))[:, 0], [0.5] * 3)


def test_dist_ref_and_target():
    np.testing.assert_allclose(dist_ref(X, ref="max")[:, 0], [0.25, 0.5, 1.0])
    np.testing.assert_allclose(dist_ref(X, [1, -1], ref="min")[:, 1], [1.0, 0.5, 0.25])
    np.testing.assert_allclose(dist_ref(X, ref=[2.0, 20.0], kind="diff")[:, 0], [-0.5, 0.0, 1.0])
    with pytest.raises(ValueError):
        dist_ref(X, ref=[0.0, 1.0])
    # COINr n_dist2targ: (x - min)/(target - min), capped
    np.testing.assert_allclose(dist_target(X, target=[3.0, 30.0])[:, 0], [0, 0.5, 1.0])
    np.testing.assert_allclose(dist_target(X, target=[3.0, 30.0], cap=False)[:, 0], [0, 0.5, 1.5])
    np.testing.assert_allclose(dist_target(X, [1, -1], target=[3.0, 20.0])[:, 1], [1.0, 1.0, 0.0])
    with pytest.raises(ValueError):
        dist_target(X, target=[1.0, 30.0])


def test_goalposts_fixed_and_capped():
    G, rec = goalposts(X, worst=[0.0, 50.0], best=[2.0, 10.0], scale=100, return_info=True)
    np.testing.assert_allclose(G, [[50, 100], [100, 75], [100, 25]])
    assert "clipped" in rec.notes[0]
    np.testing.assert_allclose(goalposts(X, worst=0, best=2, cap=False)[:, 0], [0.5, 1.0, 2.0])
    with pytest.raises(ValueError, match="contradict"):
        goalposts(X, [1, 1], worst=[0.0, 50.0], best=[2.0, 10.0])
    with pytest.raises(ValueError):
        goalposts(X, worst=1.0, best=1.0)


def test_benchmark_ratio_reproduces_taizhou_huangyan_scheme():
    # 台州黄岩 2021 (规上): 亩均税收/26.01×30 + 亩均增加值/132.27×20 + 单位能耗增加值/2.54×20
    #   + 单位排放增加值/4861.08×10 + 全员劳动生产率/17.45×10 + R&D占比/0.0305×10
    b = [26.01, 132.27, 2.54, 4861.08, 17.45, 0.0305]
    pts = [30, 20, 20, 10, 10, 10]
    firm = np.array([[26.01, 132.27, 2.54, 4861.08, 17.45, 0.0305], [52.02, 66.135, 2.54, 0.0, 34.9, 0.061]])
    S = benchmark_ratio(firm, benchmark=b, points=pts)
    np.testing.assert_allclose(S.sum(axis=1), [100.0, 60 + 10 + 20 + 0 + 20 + 20])  # uncapped: 2× → 2× points


def test_benchmark_ratio_cost_rules_and_cap():
    x = np.array([[50.0], [100.0], [150.0], [250.0]])
    # pollutant rule: (2 - x/mean)×2, 0 at or beyond 2×mean (mean = 137.5)
    np.testing.assert_allclose(
        benchmark_ratio(x, [-1], "mean", points=2)[:, 0], np.maximum(2 - x[:, 0] / 137.5, 0) * 2
    )
    assert benchmark_ratio(x, [-1], 100.0, points=2)[3, 0] == 0.0
    np.testing.assert_allclose(benchmark_ratio(x, [-1], 100.0, cost="inverse")[:, 0], [2, 1, 2 / 3, 0.4])
    np.testing.assert_allclose(benchmark_ratio(x, None, 100.0, cap=2.0)[:, 0], [0.5, 1, 1.5, 2.0])


def test_efficacy_coefficient():
    # 60 + 40 (x - x_s)/(x_h - x_s)
    np.testing.assert_allclose(efficacy(X)[:, 0], [60, 60 + 40 / 3, 100])
    np.testing.assert_allclose(efficacy(X, [1, -1])[:, 1], [100, 60 + 40 * 2 / 3, 60])
    np.testing.assert_allclose(
        efficacy(X, None, unsatisfactory=[2, 0], satisfactory=[4, 40])[:, 0], [40, 60, 100]
    )
    np.testing.assert_allclose(efficacy(X, None, [2, 0], [4, 40], cap=True)[:, 0], [60, 60, 100])
    np.testing.assert_array_equal(efficacy(np.ones((2, 1)))[:, 0], [80, 80])
    with pytest.raises(ValueError):
        efficacy(X, [1, 1], unsatisfactory=[4, 0], satisfactory=[2, 40])


def test_dispatch_and_refusals():
    np.testing.assert_allclose(normalize(X, [1, -1], "minmax", lo=0, hi=100), 100 * minmax(X, [1, -1]))
    with pytest.raises(ValueError):
        normalize(X, method="softmax")
    with pytest.raises(ValueError):
        minmax(np.array([[1.0], [np.inf]]))
    with pytest.raises(ValueError):
        minmax(np.array([[1.0], [np.nan]]))


def test_positivize_kinds():
    x = np.array([[1.0, 6.0, 5.0, 2.0], [3.0, 7.0, 1.0, 12.0], [2.0, 9.0, 3.0, 30.0]])
    P = positivize(
        x,
        ["benefit", "target", "cost", "band"],
        targets=[None, 7, None, None],
        bands=[None, None, None, (10, 20)],
    )
    np.testing.assert_allclose(P[:, 0], x[:, 0])
    np.testing.assert_allclose(P[:, 1], [0.5, 1.0, 0.0])  # M = 2
    np.testing.assert_allclose(P[:, 2], [0.0, 4.0, 2.0])  # max - x
    np.testing.assert_allclose(P[:, 3], [0.2, 1.0, 0.0])  # M = max(10-2, 30-20) = 10
    Pr = positivize(x[:, [2]], ["cost"], cost="reciprocal")
    np.testing.assert_allclose(Pr[:, 0], [0.2, 1.0, 1 / 3])
    with pytest.raises(ValueError):
        positivize(np.array([[0.0], [1.0]]), ["cost"], cost="reciprocal")
    # every value already optimal -> 1 (M = 0), noted
    P1, rec = positivize(np.array([[7.0], [7.0]]), ["target"], targets=[7.0], return_info=True)
    np.testing.assert_array_equal(P1, [[1.0], [1.0]])
    assert rec.notes
    with pytest.raises(ValueError):
        positivize(x[:, :1], ["target"])
