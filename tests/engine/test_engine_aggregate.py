"""Aggregation: means, TOPSIS edges, VIKOR compromise, GRA, Copeland and PCA composite, hand-worked."""

import numpy as np
import pytest

from gaoxin.engine import (
    aggregate,
    arithmetic,
    copeland,
    generalized,
    geometric,
    gra,
    harmonic,
    pca_composite,
    topsis,
    vikor,
)

Y = np.array([[1.0, 4.0], [2.0, 2.0], [4.0, 1.0]])
X3 = np.array([[1.0, 3.0], [2.0, 1.0], [3.0, 2.0]])


def test_weighted_means_hand_worked():
    w = [0.75, 0.25]
    np.testing.assert_allclose(arithmetic(Y, w), [1.75, 2.0, 3.25])
    np.testing.assert_allclose(geometric(Y, w), [4**0.25, 2.0, 4**0.75])
    np.testing.assert_allclose(harmonic(Y, w), [1 / (0.75 + 0.0625), 2.0, 1 / (0.1875 + 0.25)])
    np.testing.assert_allclose(generalized(Y, w, p=2), np.sqrt([0.75 + 4, 4.0, 12 + 0.25]))
    np.testing.assert_allclose(generalized(Y, w, p=0), geometric(Y, w))
    np.testing.assert_allclose(generalized(Y, w, p=-1), harmonic(Y, w))
    # weights given as points are rescaled; the record shows the weights used
    s, rec = aggregate(Y, [3, 1], "arithmetic", return_info=True)
    np.testing.assert_allclose(rec.outputs["weights"], w)
    np.testing.assert_allclose(s, [1.75, 2.0, 3.25])


def test_geometric_and_harmonic_refuse_non_positive():
    Z = np.array([[0.0, 1.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match="> 0"):
        geometric(Z, [0.5, 0.5])
    with pytest.raises(ValueError):
        harmonic(-Z - 1, [0.5, 0.5])
    # a zero-weight column may hold anything
    np.testing.assert_allclose(geometric(Z, [0.0, 1.0]), [1.0, 2.0])
    with pytest.raises(ValueError):
        arithmetic(Z, [-1.0, 2.0])


def test_topsis_edges():
    same = np.ones((3, 2))
    C, rec = topsis(same, [0.5, 0.5], return_info=True)
    np.testing.assert_array_equal(C, [0.5, 0.5, 0.5])
    assert rec.notes
    Z = np.array([[0.0, 1.0], [0.0, 3.0]])  # zero-norm column: r = 0, no contribution
    np.testing.assert_allclose(topsis(Z, [0.5, 0.5]), [0.0, 1.0])
    with pytest.raises(ValueError):
        topsis(X3, [0.5, 0.5], variant="xx")


def test_topsis_cn_hand_worked():
    # minmax, benefit: r = (0,1), (.5,0), (1,.5); ideal (1,1), anti (0,0); w = (.8,.2)
    # CN: D+ = sqrt(.8(r1-1)^2 + .2(r2-1)^2)
    w = np.array([0.8, 0.2])
    R = np.array([[0, 1], [0.5, 0], [1, 0.5]])
    Dp = np.sqrt(((R - 1) ** 2) @ w)
    Dm = np.sqrt((R**2) @ w)
    np.testing.assert_allclose(topsis(X3, w, None, "cn", "minmax"), Dm / (Dp + Dm), rtol=1e-12)
    Dp2, Dm2 = np.sqrt(((R - 1) ** 2) @ w**2), np.sqrt((R**2) @ w**2)
    np.testing.assert_allclose(topsis(X3, w, None, "hy", "minmax"), Dm2 / (Dp2 + Dm2), rtol=1e-12)


def test_vikor_hand_worked_with_compromise():
    # d: (1,0), (.5,1), (0,.5); S = .5,.75,.25; R = .5,.5,.25; Q = .75, 1, 0
    Q, rec = vikor(X3, [0.5, 0.5], return_info=True)
    np.testing.assert_allclose(Q, [0.75, 1.0, 0.0])
    np.testing.assert_allclose(rec.outputs["S"], [0.5, 0.75, 0.25])
    np.testing.assert_allclose(rec.outputs["R"], [0.5, 0.5, 0.25])
    assert rec.outputs["compromise"] == [2]
    assert rec.outputs["acceptable_advantage"] and rec.outputs["acceptable_stability"]
    # cost direction mirrors the benefit case
    np.testing.assert_allclose(vikor(-X3, [0.5, 0.5], [-1, -1]), Q)


def test_vikor_compromise_set_when_advantage_fails():
    # four units, DQ = 1/3: Q = 0, .2, .5, 1 style -> first two are within DQ -> both in the compromise set
    X = np.array([[10.0, 10.0], [9.0, 9.5], [5.0, 6.0], [0.0, 0.0]])
    Q, rec = vikor(X, [0.5, 0.5], return_info=True)
    assert not rec.outputs["acceptable_advantage"]
    assert rec.outputs["compromise"] == [0, 1]
    assert Q[0] == 0.0 and Q[3] == 1.0


def test_gra_hand_worked():
    # Δ = 1 - minmax: (1,0), (.5,1), (0,.5); Δmin 0, Δmax 1; ξ = .5/(Δ + .5)
    g, rec = gra(X3, [0.5, 0.5], return_info=True)
    np.testing.assert_allclose(g, [2 / 3, 5 / 12, 0.75])
    np.testing.assert_allclose(rec.outputs["coefficients"][0], [1 / 3, 1.0])
    # ρ changes the grade but not the meaning; ρ = 1: ξ = 1/(Δ + 1)
    np.testing.assert_allclose(
        gra(X3, [0.5, 0.5], rho=1.0), [(0.5 + 1) / 2, (1 / 1.5 + 0.5) / 2, (1 + 1 / 1.5) / 2]
    )
    # all units equal the reference -> ξ = 1
    np.testing.assert_array_equal(gra(np.ones((2, 2)), [0.5, 0.5]), [1.0, 1.0])


def test_gra_mean_normalisation_cost():
    X = np.array([[2.0], [4.0], [6.0]])  # mean 4 -> .5, 1, 1.5; cost: reference .5
    g = gra(X, [1.0], [-1], normalization="mean")
    # Δ = 0, .5, 1 -> ξ = (0 + .5)/(Δ + .5)
    np.testing.assert_allclose(g, [1.0, 0.5, 1 / 3])


def test_copeland_cycle_and_weighted():
    C3 = np.array([[3.0, 1.0, 2.0], [2.0, 3.0, 1.0], [1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(copeland(C3, [1, 1, 1]), [0, 0, 0])  # Condorcet cycle
    # weights (.5,.25,.25): A beats B (.75), B beats C (.75), A-C tie (.5/.5)
    s, rec = copeland(C3, [0.5, 0.25, 0.25], return_info=True)
    np.testing.assert_array_equal(s, [1, 0, -1])
    np.testing.assert_allclose(rec.outputs["outranking"][0], [0.5, 0.75, 0.5])
    # cost direction reverses every comparison
    np.testing.assert_array_equal(copeland(C3, [0.5, 0.25, 0.25], [-1, -1, -1]), [-1, 0, 1])
    # blocking gives the same result as one block
    rng = np.random.default_rng(0)
    X = rng.integers(0, 4, size=(30, 5)).astype(float)
    np.testing.assert_array_equal(copeland(X, np.ones(5), block_cells=50), copeland(X, np.ones(5)))


def test_pca_composite_perfectly_correlated():
    x = np.array([1.0, 2.0, 4.0, 7.0])
    X = np.column_stack([x, 3 * x + 2, np.full(4, 1.0)])
    s, rec = pca_composite(X, return_info=True)
    z = (x - x.mean()) / x.std(ddof=1)
    np.testing.assert_allclose(s, np.sqrt(2) * z, atol=1e-12)  # λ = (2, 0), u = (1,1)/√2
    assert rec.notes and rec.outputs["component_weights"].tolist() == [1.0]
    # a cost column enters negated, so its sign cannot flip the composite
    np.testing.assert_allclose(pca_composite(np.column_stack([x, -x]), [1, -1]), np.sqrt(2) * z, atol=1e-12)
