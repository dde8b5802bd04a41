"""Weights: hand-worked values for every method and variant, and the edge-case policies."""

import numpy as np
import pytest

from gaoxin.engine import (
    RI_TABLES,
    ahp_group,
    ahp_weights,
    combine_weights,
    critic_weights,
    cv_weights,
    entropy_weights,
    equal_weights,
    hierarchy_cr,
    pca_weights,
    points_weights,
)
from gaoxin.engine.weights import varimax


def test_entropy_minmax_hand_worked():
    # c1 = 1,2,3 (benefit) -> 0, .5, 1 -> p = 0, 1/3, 2/3 -> e = -(1/3 ln 1/3 + 2/3 ln 2/3)/ln 3 = 0.579380
    # c2 = 10,10,40 (cost) -> 1, 1, 0 -> p = .5, .5, 0 -> e = ln 2 / ln 3 = 0.630930
    X = np.array([[1, 10], [2, 10], [3, 40]], dtype=float)
    w, rec = entropy_weights(X, [1, -1], variant="minmax", shift=0.0, return_info=True)
    np.testing.assert_allclose(rec.outputs["entropy"], [0.579380, 0.630930], atol=1e-6)
    np.testing.assert_allclose(w, [0.532639, 0.467361], atol=1e-6)
    # the shift moves the weights: that is why it is a parameter
    assert not np.allclose(entropy_weights(X, [1, -1], shift=0.01), w, atol=1e-4)


def test_entropy_vector_variant_is_raw_on_positivised():
    X = np.array([[1, 10], [2, 10], [3, 40]], dtype=float)
    # cost column reflected: 30, 30, 0
    ref = entropy_weights(np.array([[1, 30], [2, 30], [3, 0]], dtype=float), variant="raw")
    np.testing.assert_allclose(entropy_weights(X, [1, -1], variant="vector"), ref, atol=1e-15)


def test_entropy_edge_policies():
    X = np.array([[1, 5, 0], [2, 5, 0], [4, 5, 0]], dtype=float)
    w, rec = entropy_weights(X, variant="raw", return_info=True)
    np.testing.assert_array_equal(w, [1.0, 0.0, 0.0])  # constant and all-zero columns get 0
    assert any("sums to 0" in n for n in rec.notes) and any("constant" in n for n in rec.notes)
    with pytest.raises(ValueError, match="abs"):
        entropy_weights(-X, variant="raw")  # negatives: refused, never abs()
    w_neg = entropy_weights(np.array([[-1.0, 2], [0, 3], [1, 7]]))  # min-max handles negatives
    assert np.all(w_neg > 0) and w_neg.sum() == pytest.approx(1)
    with pytest.raises(ValueError):
        entropy_weights(np.ones((3, 2)))  # all constant -> degenerate
    np.testing.assert_array_equal(entropy_weights(np.ones((3, 2)), degenerate="equal"), [0.5, 0.5])
    with pytest.raises(ValueError):
        entropy_weights(np.array([[1.0, 2.0]]))  # m = 1
    with pytest.raises(ValueError):
        entropy_weights(np.array([[1.0, np.nan], [2, 3]]))


def test_critic_hand_worked():
    # normalised: c1 0,.5,1  c2 1,0,.5  c3 0,1/3,1 ; σ = .5, .5, sqrt(21/81)
    # r12 = -.5, r13 = .5/sqrt(21/81) = .981981, r23 = -(1/6)/sqrt(21/81) = -.327327
    X = np.array([[1, 3, 1], [2, 1, 2], [3, 2, 4]], dtype=float)
    s3 = np.sqrt(21 / 81)
    r13, r23 = 0.5 / s3, -(1 / 6) / s3
    C = np.array([0.5 * (1.5 + 1 - r13), 0.5 * (1.5 + 1 - r23), s3 * (2 - r13 - r23)])
    w, rec = critic_weights(X, return_info=True)
    np.testing.assert_allclose(w, C / C.sum(), rtol=1e-12)
    np.testing.assert_allclose(w, [0.265603, 0.494687, 0.239710], atol=1e-6)
    assert rec.outputs["corr"][0, 2] == pytest.approx(r13)


def test_critic_cost_flip_and_abs_variant():
    X = np.array([[1, 3, 1], [2, 1, 2], [3, 2, 4]], dtype=float)
    # flipping column 2 to cost flips r12 and r23 signs: C2 = .5*((1-.5) + (1-.327327))
    w = critic_weights(X, [1, -1, 1], flip_cost=True)
    s3 = np.sqrt(21 / 81)
    r13, r23 = 0.5 / s3, (1 / 6) / s3
    C = np.array([0.5 * (0.5 + 1 - r13), 0.5 * (0.5 + 1 - r23), s3 * (2 - r13 - r23)])
    np.testing.assert_allclose(w, C / C.sum(), rtol=1e-12)
    # 1 - |r| is invariant to the flip
    np.testing.assert_allclose(critic_weights(X, [1, -1, 1], abs_corr=True), critic_weights(X, abs_corr=True))


def test_critic_edges():
    assert critic_weights(np.array([[1.0], [2.0]])).tolist() == [1.0]
    # one informative column next to a constant one: the n = 1 case, weight 1
    np.testing.assert_array_equal(critic_weights(np.array([[1.0, 5.0], [2.0, 5.0], [4.0, 5.0]])), [1.0, 0.0])
    X = np.array([[1.0, 2.0, 9.0], [2.0, 4.0, 9.0]])
    with pytest.raises(ValueError):
        critic_weights(X)  # r = 1 -> every C is 0
    # equal fallback shares only among the informative columns
    np.testing.assert_array_equal(critic_weights(X, degenerate="equal"), [0.5, 0.5, 0.0])


def test_cv_hand_worked_and_edges():
    # c1: μ 2, σ 1 -> .5 ; c2: μ 30, σ sqrt(700) -> .881917
    X = np.array([[1, 10], [2, 20], [3, 60]], dtype=float)
    np.testing.assert_allclose(cv_weights(X), [0.361816, 0.638184], atol=1e-6)
    np.testing.assert_allclose(cv_weights(X * [3.0, 0.01]), cv_weights(X), rtol=1e-12)  # scale free
    with pytest.raises(ValueError, match="mix signs"):
        cv_weights(np.array([[-1.0, 1], [1, 2], [2, 3]]))
    assert cv_weights(np.array([[1.0, 4], [2, 4], [3, 4]]))[1] == 0.0


def test_equal_and_points():
    np.testing.assert_array_equal(equal_weights(4), [0.25] * 4)
    np.testing.assert_allclose(points_weights([45, 20, 15, 15, 5]), [0.45, 0.20, 0.15, 0.15, 0.05])
    with pytest.raises(ValueError):
        points_weights([1, -1])


def test_combined_weights_hand_worked():
    a, b = [0.6, 0.4], [0.3, 0.7]
    np.testing.assert_allclose(combine_weights([a, b], "linear", [1, 3]), [0.375, 0.625])
    np.testing.assert_allclose(combine_weights([a, b], "multiplicative"), [0.18 / 0.46, 0.28 / 0.46])
    # game theory: G = [[.52,.46],[.46,.58]], α = G⁻¹ diag(G) = (.386667, .693333) -> w = (11/27, 16/27)
    w, rec = combine_weights([a, b], "game", return_info=True)
    np.testing.assert_allclose(w, [11 / 27, 16 / 27], rtol=1e-12)
    np.testing.assert_allclose(rec.outputs["alpha"], np.array([0.386667, 0.693333]) / 1.08, atol=1e-6)
    # a uniform vector makes α₁ = 0: refused rather than patched with abs()
    with pytest.raises(ValueError, match="refused"):
        combine_weights([[0.5, 0.5], [0.8, 0.2]], "game")


def test_pca_two_blocks_get_equal_weights():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=60), rng.normal(size=60)
    X = np.column_stack([a, 2 * a + 1, b, -3 * b, np.full(60, 2.0)])
    w, rec = pca_weights(X, return_info=True)
    np.testing.assert_allclose(w, [0.25, 0.25, 0.25, 0.25, 0.0], atol=1e-9)
    assert rec.outputs["n_factors"] == 2 and "constant" in rec.notes[0]


def test_varimax_recovers_simple_structure():
    S = np.array([[0.9, 0], [0.8, 0], [0.7, 0], [0, 0.85], [0, 0.75], [0, 0.6]])
    th = 0.6
    Q = np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
    R = varimax(S @ Q)
    # recovered up to column order and sign
    R = R[:, np.argsort(-np.abs(R[0]))]
    np.testing.assert_allclose(np.abs(R), S, atol=1e-9)
    np.testing.assert_allclose(R @ R.T, S @ S.T, atol=1e-12)


def test_ahp_methods_on_consistent_matrix():
    v = np.array([4.0, 2.0, 1.0, 1.0])
    A = v[:, None] / v[None, :]
    for method in ("eigen", "geometric", "arithmetic"):
        w, cr = ahp_weights(A, method)
        np.testing.assert_allclose(w, v / v.sum(), rtol=1e-12)
        assert abs(cr) < 1e-12


def test_ahp_methods_differ_on_inconsistent_matrix_and_tables():
    A = np.array([[1, 3, 5, 7], [1 / 3, 1, 3, 5], [1 / 5, 1 / 3, 1, 3], [1 / 7, 1 / 5, 1 / 3, 1]])
    # 和积法 by hand: column-normalise then row means
    cn = A / A.sum(axis=0)
    w_ar, _ = ahp_weights(A, "arithmetic")
    np.testing.assert_allclose(w_ar, cn.mean(axis=1), rtol=1e-12)
    g = np.prod(A, axis=1) ** 0.25
    np.testing.assert_allclose(ahp_weights(A, "geometric")[0], g / g.sum(), rtol=1e-12)
    w_e, cr_saaty, rec = ahp_weights(A, "eigen", "saaty", return_info=True)
    assert np.abs(w_e - w_ar).max() > 1e-3
    assert rec.outputs["ri"] == 0.90
    assert ahp_weights(A, "eigen", "cn")[1] == pytest.approx(cr_saaty * 0.90 / 0.89)
    assert RI_TABLES["alonso"][3] == 0.8921 and len(RI_TABLES["cn"]) == 15


def test_ahp_validation_and_small_n():
    assert ahp_weights([[1, 3], [1 / 3, 1]])[1] == 0.0
    np.testing.assert_allclose(ahp_weights([[1, 3], [1 / 3, 1]])[0], [0.75, 0.25])
    # papers print 1/3 as 0.33: accepted within the default rtol
    ahp_weights([[1, 3, 5], [0.33, 1, 2], [0.2, 0.5, 1]])
    with pytest.raises(ValueError, match="reciprocal"):
        ahp_weights([[1, 3], [3, 1]])
    with pytest.raises(ValueError):
        ahp_weights([[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="stops at"):
        ahp_weights(np.ones((16, 16)))


def test_ahp_group_and_hierarchy_cr():
    A1 = np.array([[1, 2], [0.5, 1]])
    A2 = np.array([[1, 8], [1 / 8, 1]])
    np.testing.assert_allclose(ahp_group([A1, A2]), [[1, 4], [0.25, 1]])
    # CR = Σ a CI / Σ a RI = (.5*.02 + .5*.05) / (.5*.58 + .5*.90)
    assert hierarchy_cr([0.5, 0.5], [0.02, 0.05], [0.58, 0.90]) == pytest.approx(0.035 / 0.74)
    assert hierarchy_cr([1.0], [0.0], [0.0]) == 0.0
