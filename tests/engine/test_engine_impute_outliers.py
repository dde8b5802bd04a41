"""Imputation (column, group, panel) and COINr-style outlier treatment, hand-worked."""

import numpy as np
import pytest

from gaoxin.engine import (
    check_skew_kurt,
    impute,
    impute_group_average,
    impute_panel,
    skew_kurt,
    treat,
    winsorise,
)

NAN = np.nan


def test_impute_mean_median_and_record():
    X = np.array([[1.0, NAN], [2.0, 4.0], [NAN, 6.0], [9.0, 20.0]])
    Y, rec = impute(X, "mean", return_info=True)
    np.testing.assert_allclose(Y, [[1, 10], [2, 4], [4, 6], [9, 20]])
    np.testing.assert_allclose(impute(X, "median"), [[1, 6], [2, 4], [2, 6], [9, 20]])
    assert rec.outputs["n_imputed"] == 2
    np.testing.assert_allclose(rec.outputs["share_imputed"], [0.25, 0.25])
    assert rec.outputs["imputed"][2, 0] and not rec.outputs["imputed"][0, 0]


def test_impute_by_group_with_fallback():
    X = np.array([[1.0, 5.0], [3.0, NAN], [10.0, NAN], [NAN, NAN], [20.0, 7.0]])
    g = ["a", "a", "b", "b", "b"]
    Y, rec = impute(X, "mean", groups=g, return_info=True)
    # group a, col 2: mean of 5 -> 5 ; group b, col 1: mean(10, 20) = 15 ; group b, col 2: 7
    np.testing.assert_allclose(Y, [[1, 5], [3, 5], [10, 7], [15, 7], [20, 7]])
    assert rec.notes == ()
    # a group with no observation in a column uses the whole column (noted)
    Y2, rec2 = impute(np.array([[1.0], [3.0], [NAN]]), "mean", groups=["a", "a", "b"], return_info=True)
    assert Y2[2, 0] == 2.0 and "whole-column" in rec2.notes[0]
    with pytest.raises(ValueError, match="no observed"):
        impute(np.array([[NAN, 1.0], [NAN, 2.0]]))


def test_group_average_score_rule():
    # 亩均: a 规上 firm without the emission item gets the 规上 average score on that item
    S = np.array([[8.0, 6.0], [10.0, NAN], [4.0, 2.0], [5.0, NAN]])
    Y = impute_group_average(S, ["above", "above", "below", "below"])
    np.testing.assert_allclose(Y[:, 1], [6, 6, 2, 2])


def test_impute_panel_locf_linear_and_leading():
    # periods × units × indicators
    P = np.array([[[1.0], [NAN]], [[NAN], [2.0]], [[5.0], [NAN]], [[NAN], [NAN]]])
    L = impute_panel(P, "locf", leading="keep")
    np.testing.assert_allclose(L[:, 0, 0], [1, 1, 5, 5])
    assert np.isnan(L[0, 1, 0]) and L[3, 1, 0] == 2.0
    Li, rec = impute_panel(P, "linear", leading="backfill", return_info=True)
    np.testing.assert_allclose(Li[:, 0, 0], [1, 3, 5, 5])
    np.testing.assert_allclose(Li[:, 1, 0], [2, 2, 2, 2])
    assert rec.outputs["n_remaining"] == 0
    with pytest.raises(ValueError, match="leading"):
        impute_panel(P, "locf")
    with pytest.raises(ValueError):
        impute_panel(np.ones((2, 2)))


def _g1_g2(x):
    # COINr skew()/kurt() (e1071 type 2), written out
    n = x.size
    d = x - x.mean()
    g1 = np.sqrt(n) * (d**3).sum() / (d**2).sum() ** 1.5 * np.sqrt(n * (n - 1)) / (n - 2)
    r = n * (d**4).sum() / (d**2).sum() ** 2
    g2 = ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
    return g1, g2


def test_skew_kurt_match_coinr_definition():
    x = np.r_[np.arange(1, 11), 30, 100.0]
    np.testing.assert_allclose(skew_kurt(x), _g1_g2(x), rtol=1e-12)
    assert not check_skew_kurt(x)  # |skew| 3.06 >= 2 and kurt 9.74 >= 3.5
    assert check_skew_kurt(np.arange(12.0))


def test_winsorise_coinr_example():
    # COINr's own example: 1..10, 30, 100 -> one point (100 -> 30) brings skew below 2
    x = np.r_[np.arange(1, 11), 30, 100.0]
    y, rep = winsorise(x)
    np.testing.assert_array_equal(y, np.r_[np.arange(1, 11), 30, 30.0])
    assert rep.sum() == 1 and rep[-1]
    assert _g1_g2(y)[0] < 2


def test_treat_falls_back_to_log_when_winsorising_is_not_enough():
    x = np.r_[np.arange(1.0, 21.0), 1000, 2000, 5000]
    X = np.column_stack([x, np.arange(23.0), np.full(23, 3.0)])
    Y, rec = treat(X, winmax=1, return_info=True)
    a = 0.01 * (x.max() - x.min())
    np.testing.assert_allclose(Y[:, 0], np.log(x - x.min() + a))
    np.testing.assert_array_equal(Y[:, 1:], X[:, 1:])
    assert rec.outputs["action"] == ["log_ct", "none", "none"]
    assert any("constant" in n for n in rec.notes)
    Y5, rec5 = treat(X, winmax=5, f2="none", return_info=True)
    assert rec5.outputs["action"][0].startswith("winsorised")
