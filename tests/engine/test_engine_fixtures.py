"""Published numbers (index_methods.md §6) reproduced to the printed precision, plus the 20-river fixture."""

import numpy as np
import pytest
from engine_fixtures import (
    ELSAYED_2017,
    MEREC_2021,
    MEREC_TYPES,
    OPRICOVIC_TZENG_2004,
    RIVER_BANDS,
    RIVER_KINDS,
    RIVER_NAMES,
    RIVER_TARGETS,
    RIVERS,
    XU_2004,
)

from gaoxin.engine import ahp_weights, entropy_weights, merec_weights, positivize, rank, topsis


def test_entropy_xu_2004():
    # Xu (2004) EJOR 156(2): entropy on the raw matrix; the near-constant 4th column gets 0.0000
    w = entropy_weights(XU_2004, variant="raw")
    np.testing.assert_array_equal(np.round(w, 4), [0.4630, 0.3992, 0.1378, 0.0000])
    assert w[3] > 0  # not exactly constant: tiny but positive, printed as 0.0000


def test_entropy_elsayed_2017_weights_and_entropies():
    w, rec = entropy_weights(ELSAYED_2017, variant="raw", return_info=True)
    np.testing.assert_array_equal(np.round(w, 6), [0.104991, 0.069124, 0.071373, 0.449937, 0.304575])
    np.testing.assert_array_equal(
        np.round(rec.outputs["entropy"], 6), [0.807441, 0.873223, 0.869097, 0.174789, 0.441391]
    )


def test_merec_keshavarz_ghorabaee_2021():
    w = merec_weights(MEREC_2021, MEREC_TYPES)
    np.testing.assert_array_equal(np.round(w, 4), [0.5752, 0.0141, 0.4016, 0.0091])


def test_topsis_opricovic_tzeng_2004():
    # the published closeness [0.500, 0.617, 0.500] is TOPSIS with linear (min-max) normalisation;
    # with equal weights both variants give it
    for variant in ("hy", "cn"):
        C = topsis(OPRICOVIC_TZENG_2004, [0.5, 0.5], [-1, 1], variant=variant, normalization="minmax")
        np.testing.assert_array_equal(np.round(C, 3), [0.500, 0.617, 0.500])
    # the classical vector normalisation ranks A1 first instead (hand-worked: A1: D+ = .1140, D- = .3651 -> .7621)
    C = topsis(OPRICOVIC_TZENG_2004, [0.5, 0.5], [-1, 1], variant="hy", normalization="vector")
    np.testing.assert_allclose(C, [0.7621, 0.7222, 0.2379], atol=5e-5)


def _rivers():
    P = positivize(RIVERS, RIVER_KINDS, RIVER_TARGETS, RIVER_BANDS)
    # course flow (清风): entropy on the positivised matrix, TOPSIS on its vector normalisation
    w = entropy_weights(P, variant="vector")
    return P, w


def test_rivers_positivisation_hand_worked():
    P, _ = _rivers()
    # PH target 7: M = max|x-7| = |5.55-7| = 1.45; river A 6.59 -> 1 - 0.41/1.45
    assert P[0, 1] == pytest.approx(1 - 0.41 / 1.45, abs=1e-12)
    # bacteria cost, reflect: max 54 -> A 51 -> 3
    assert P[0, 2] == pytest.approx(3.0)
    # band [10, 20]: M = max(10 - 3.16, 31.57 - 20) = 11.57; H 31.57 -> 0; S 3.16 -> 1 - 6.84/11.57; A inside -> 1
    assert P[7, 3] == pytest.approx(0.0, abs=1e-12)
    assert P[18, 3] == pytest.approx(1 - 6.84 / 11.57)
    assert P[0, 3] == 1.0


def test_rivers_topsis_variants_pick_different_winners():
    P, w = _rivers()
    np.testing.assert_allclose(w, [0.1411, 0.2267, 0.4409, 0.1913], atol=5e-5)
    hy = topsis(P, w, None, variant="hy", normalization="vector")
    cn = topsis(P, w, None, variant="cn", normalization="vector")
    assert RIVER_NAMES[int(np.argmax(hy))] == "I"
    assert RIVER_NAMES[int(np.argmax(cn))] == "K"
    np.testing.assert_allclose([hy.max(), cn.max()], [0.8419, 0.7992], atol=5e-5)
    # with equal weights the variants coincide (the distances differ by the common factor sqrt(w))
    eq = np.full(4, 0.25)
    np.testing.assert_allclose(topsis(P, eq, variant="hy"), topsis(P, eq, variant="cn"), rtol=1e-12)
    assert rank(hy)[RIVER_NAMES.index("K")] == 2


def test_ahp_closed_form_3x3():
    # for a 3x3 reciprocal matrix (a12=a, a13=b, a23=c): λmax = 1 + (b/ac)^(1/3) + (ac/b)^(1/3) and the
    # principal eigenvector is the normalised row geometric mean
    a, b, c = 2.0, 5.0, 2.0
    A = np.array([[1, a, b], [1 / a, 1, c], [1 / b, 1 / c, 1]])
    lam = 1 + (b / (a * c)) ** (1 / 3) + (a * c / b) ** (1 / 3)
    g = np.array([(a * b) ** (1 / 3), (c / a) ** (1 / 3), (1 / (b * c)) ** (1 / 3)])
    w, cr, rec = ahp_weights(A, "eigen", "saaty", return_info=True)
    np.testing.assert_allclose(w, g / g.sum(), rtol=1e-12)
    assert rec.outputs["lambda_max"] == pytest.approx(lam, rel=1e-12)
    assert cr == pytest.approx((lam - 3) / 2 / 0.58, rel=1e-12)
    np.testing.assert_array_equal(np.round(w, 4), [0.5954, 0.2764, 0.1283])
    assert round(lam, 4) == 3.0055
    # the same CI divided by the three RI(3) values
    for ri, r3 in (("saaty", 0.58), ("cn", 0.52), ("alonso", 0.5799)):
        assert ahp_weights(A, "eigen", ri)[1] == pytest.approx((lam - 3) / 2 / r3, rel=1e-12)
