"""Hierarchy spec: multipliers, effective weights, directions, goalposts by year, bottom-up aggregation."""

import numpy as np
import pytest

from gaoxin.engine import Group, Hierarchy, Indicator, arithmetic, geometric, goalposts, minmax


def _zone_tree():
    # a slice of the 2021 MOST zone system: dimensions 20 / 15 / 30, 赋权 multipliers inside dimension 1
    return Hierarchy(
        [
            Indicator("1.1", "D1", multiplier=0.8, unit="个", goalposts={2024: (0, 50), 2025: (0, 60)}),
            Indicator("1.2", "D1", multiplier=1.2, unit="%", goalposts={2024: (0, 10), 2025: (0, 12)}),
            Indicator("1.3", "D1", unit="%", goalposts={2024: (0, 5), 2025: (0, 6)}),
            Indicator("3.1", "D3", direction="cost", unit="吨标煤/万元", goalposts={2024: (1.0, 0.1)}),
            Indicator("3.3", "D3", goalposts={2024: (10, 50)}),
            Indicator("5.1", "D5", weight=2.0, goalposts={2024: (0, 0.5)}),
            Indicator("5.2", "D5", goalposts={2024: (-0.1, 0.2)}),
        ],
        [Group("D1", weight=20), Group("D3", weight=15), Group("D5", weight=30)],
    )


def test_effective_weights_with_multipliers():
    h = _zone_tree()
    w = h.effective_weights()
    d1, d3, d5 = 20 / 65, 15 / 65, 30 / 65
    np.testing.assert_allclose(w, [d1 * 0.8 / 3, d1 * 1.2 / 3, d1 / 3, d3 / 2, d3 / 2, d5 * 2 / 3, d5 / 3])
    assert w.sum() == pytest.approx(1.0)
    assert h.local_weights("D1")["1.2"] == pytest.approx(0.4)
    assert h.depth("1.1") == 2 and h.children("D3") == ["3.1", "3.3"]


def test_types_goalposts_and_year_comparability():
    h = _zone_tree()
    np.testing.assert_array_equal(h.types(), [1, 1, 1, -1, 1, 1, 1])
    worst, best = h.goalposts(2024)
    assert worst[3] == 1.0 and best[3] == 0.1
    with pytest.raises(ValueError, match="3.1"):
        h.goalposts(2025)
    X = np.array([[25, 5, 2.5, 0.55, 30, 0.25, 0.05], [50, 12, 6, 0.1, 60, 0.6, 0.3]], dtype=float)
    Y = goalposts(X, h.types(), worst, best)
    np.testing.assert_allclose(Y[0], [0.5] * 7)
    np.testing.assert_allclose(Y[1], [1.0] * 7)  # capped at the best goalpost


def test_aggregate_equals_effective_weights_and_gives_dimension_scores():
    h = _zone_tree()
    rng = np.random.default_rng(0)
    Y = rng.uniform(0.1, 1.0, size=(9, 7))
    (index, dims), rec = h.aggregate(Y, return_info=True)
    np.testing.assert_allclose(index, Y @ h.effective_weights(), rtol=1e-12)
    np.testing.assert_allclose(dims["D1"], Y[:, :3] @ np.array([0.8, 1.2, 1.0]) / 3, rtol=1e-12)
    np.testing.assert_allclose(dims["D3"], Y[:, 3:5].mean(axis=1), rtol=1e-12)
    assert set(rec.outputs["group_scores"]) == {"D1", "D3", "D5"}
    # nested geometric = flat geometric with effective weights
    g_index, _ = h.aggregate(Y, "geometric")
    np.testing.assert_allclose(g_index, geometric(Y, h.effective_weights()), rtol=1e-12)
    # a different rule per group
    mixed, dims2 = h.aggregate(Y, {"D1": "geometric"})
    np.testing.assert_allclose(dims2["D1"], geometric(Y[:, :3], [0.8, 1.2, 1.0]), rtol=1e-12)
    np.testing.assert_allclose(
        mixed, arithmetic(np.column_stack([dims2[g] for g in ("D1", "D3", "D5")]), [20, 15, 30]), rtol=1e-12
    )


def test_target_and_band_directions_go_through_positivize():
    h = Hierarchy(
        [
            Indicator("ph", direction="target", target=7.0),
            Indicator("nutrient", direction="band", band=(10, 20)),
            Indicator("o2"),
        ]
    )
    X = np.array([[6.0, 5.0, 1.0], [7.0, 15.0, 2.0], [9.0, 40.0, 3.0]])
    with pytest.raises(ValueError, match="positivize"):
        h.types()
    P = h.positivize(X)
    np.testing.assert_allclose(P, [[0.5, 0.75, 1], [1, 1, 2], [0, 0, 3]])
    np.testing.assert_allclose(minmax(P)[:, 2], [0, 0.5, 1])


def test_validation_errors():
    with pytest.raises(ValueError, match="unknown parent"):
        Hierarchy([Indicator("a", "nope")])
    with pytest.raises(ValueError, match="duplicate"):
        Hierarchy([Indicator("a"), Indicator("a")])
    with pytest.raises(ValueError, match="no members"):
        Hierarchy([Indicator("a")], [Group("G")])
    with pytest.raises(ValueError, match="cycle"):
        Hierarchy([Indicator("a", "G1")], [Group("G1", "G2"), Group("G2", "G1")])
    with pytest.raises(ValueError, match="target"):
        Hierarchy([Indicator("a", direction="target")])
    with pytest.raises(ValueError, match="sum to 0"):
        Hierarchy([Indicator("a", weight=0.0)])
    with pytest.raises(ValueError):
        Hierarchy([Indicator("a", multiplier=-1.0)])


def test_from_rows():
    h = Hierarchy.from_rows(
        [
            {"code": "D1", "type": "group", "weight": 2},
            {"code": "x", "parent": "D1"},
            {"code": "y", "parent": "D1", "direction": "band", "band": [1, 2]},
            {"code": "z", "weight": 1.0},
        ]
    )
    np.testing.assert_allclose(h.effective_weights(), [1 / 3, 1 / 3, 1 / 3])
    assert h.indicators[1].band == (1, 2)
    with pytest.raises(ValueError):
        Hierarchy.from_rows([{"code": "x", "type": "denominator"}])
