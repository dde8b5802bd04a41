"""Rank similarity (r_s, r_w, WS): values worked by hand from the formulas of Sałabun & Urbaniak 2020 for its
five-alternative swap examples, and pymcdm.correlations as the peer on random rankings."""

import math

import numpy as np
import pytest

from gaoxin.engine.rank_similarity import rank_similarity, spearman, weighted_spearman, ws

REF = [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("other", "rs", "rw", "ws_"),
    [
        # swapping neighbours: r_s is 0.9 wherever the swap is, r_w and WS punish a swap at the top more.
        # r_w = 1 − 6·Σ d²((N−x+1)+(N−y+1)) / 720; WS = 1 − Σ 2^−x |x−y| / max(x−1, N−x)
        ([2, 1, 3, 4, 5], 0.9, 1 - 6 * (9 + 9) / 720, 1 - (1 / 2 / 4 + 1 / 4 / 3)),  # 0.85, 0.791 667
        ([1, 3, 2, 4, 5], 0.9, 1 - 6 * (7 + 7) / 720, 1 - (1 / 4 / 3 + 1 / 8 / 2)),  # 0.8833, 0.854 167
        ([1, 2, 4, 3, 5], 0.9, 1 - 6 * (5 + 5) / 720, 1 - (1 / 8 / 2 + 1 / 16 / 3)),  # 0.9167, 0.916 667
        ([1, 2, 3, 5, 4], 0.9, 1 - 6 * (3 + 3) / 720, 1 - (1 / 16 / 3 + 1 / 32 / 4)),  # 0.95, 0.971 354
        ([5, 4, 3, 2, 1], -1.0, 1 - 6 * 240 / 720, None),  # reversed: r_w = −1
    ],
)
def test_paper_swap_examples(other, rs, rw, ws_):
    got = rank_similarity(REF, other)
    assert got.n == 5
    assert got.spearman == pytest.approx(rs)
    assert got.weighted_spearman == pytest.approx(rw)
    if ws_ is not None:
        assert got.ws == pytest.approx(ws_)


def test_decimals_as_printed():
    assert round(ws(REF, [2, 1, 3, 4, 5]), 4) == 0.7917
    assert round(ws(REF, [1, 2, 3, 5, 4]), 4) == 0.9714
    assert round(weighted_spearman(REF, [1, 3, 2, 4, 5]), 4) == 0.8833


def test_identity_and_degenerate():
    same = rank_similarity(REF, REF)
    assert (same.spearman, same.weighted_spearman, same.ws) == pytest.approx((1.0, 1.0, 1.0))
    assert math.isnan(spearman([1], [1])) and math.isnan(ws([1], [1]))
    assert math.isnan(spearman([1, 1, 1], [1, 2, 3]))
    with pytest.raises(ValueError, match="different length"):
        ws([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="NaN"):
        ws([1, np.nan], [1, 2])


def test_against_pymcdm():
    corr = pytest.importorskip("pymcdm.correlations")
    rng = np.random.default_rng(14)
    for n in (2, 3, 7, 40, 500):
        for _ in range(5):
            x = rng.permutation(n) + 1.0
            y = rng.permutation(n) + 1.0
            assert spearman(x, y) == pytest.approx(corr.spearman(x, y))
            assert weighted_spearman(x, y) == pytest.approx(corr.weighted_spearman(x, y))
            assert ws(x, y) == pytest.approx(corr.ws(x, y))
