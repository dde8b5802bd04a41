"""Zone ranking: a hand-worked example (dimension and total scores and ranks), goalpost clipping, the
cost-type indicator, percentile goalposts, missing values, ties, TOPSIS, top lists and 短板."""

import numpy as np
import pytest
from zone_fixtures import HAND_SCHEME, demo_data, hand_data, hand_scheme

from gaoxin import engine
from gaoxin.evaluations import zones as Z
from gaoxin.schemes import load_scheme

# rd_intensity (%) goalposts 0→4, invention grants 0→50, energy per VA (cost) 0.5→0.1
HAND = {"A": [5.0, 25.0, 0.1], "B": [2.0, 50.0, 0.3], "C": [1.0, 10.0, 0.6], "D": [3.0, 60.0, 0.2]}


def test_hand_worked_dimension_and_total_scores_and_ranks():
    r = Z.evaluate(hand_scheme(), hand_data(HAND), "2025")
    # points: 60 × 1.2/2 = 36, 60 × 0.8/2 = 24, 40
    np.testing.assert_allclose(r.points, [36, 24, 40])
    # U by hand: A (1 clipped, .5, 1), B (.5, 1, .5), C (.25, .2, 0 clipped), D (.75, 1 clipped, .75)
    np.testing.assert_allclose(r.U, [[1, 0.5, 1], [0.5, 1, 0.5], [0.25, 0.2, 0], [0.75, 1, 0.75]])
    np.testing.assert_allclose(r.dim_scores, [[48, 40], [42, 20], [13.8, 0], [51, 30]])
    np.testing.assert_allclose(r.total, [88, 62, 13.8, 81])
    np.testing.assert_array_equal(r.rank, [1, 3, 4, 2])
    np.testing.assert_array_equal(r.dim_ranks, [[2, 1], [3, 3], [4, 4], [1, 2]])  # D leads d1, A leads d2
    np.testing.assert_allclose(r.dim_scores.sum(axis=1), r.total)


def test_goalpost_clipping_never_leaves_zero_one():
    far = {"A": [400.0, 5000.0, 0.0001], "B": [-3.0, -10.0, 9.0], "C": [2.0, 25.0, 0.3]}
    r = Z.evaluate(hand_scheme(), hand_data(far), "2025")
    np.testing.assert_allclose(r.U[0], [1, 1, 1])  # far beyond the best: full points, not more
    np.testing.assert_allclose(r.U[1], [0, 0, 0])  # below the worst: nothing, never negative
    np.testing.assert_allclose(r.total, [100, 0, 50])


def test_cost_type_indicator_lower_is_better():
    base = {"A": [2.0, 25.0, 0.4], "B": [2.0, 25.0, 0.2]}
    r = Z.evaluate(hand_scheme(), hand_data(base), "2025")
    assert r.types.tolist() == [1, 1, -1]
    np.testing.assert_allclose(r.U[:, 2], [0.25, 0.75])  # (0.5 − x)/(0.5 − 0.1)
    assert r.rank.tolist() == [2, 1]  # same except energy: the lower energy intensity wins
    # cost-type default goalposts come from cost_worst = p90 and cost_best = p10 of the ranked zones
    text = HAND_SCHEME.replace("worst = 0.5\nbest = 0.1\n", "")
    values = {f"z{i}": [2.0, 25.0, 0.1 + 0.05 * i] for i in range(11)}
    r = Z.evaluate(hand_scheme(text), hand_data(values), "2025")
    col = np.array([v[2] for v in values.values()])
    assert r.worst[2] == pytest.approx(np.quantile(col, 0.9)) and r.best[2] == pytest.approx(
        np.quantile(col, 0.1)
    )
    assert r.worst[2] > r.best[2]
    assert np.all(np.diff(r.total) <= 0)  # more energy per unit of value added, never a better score


def test_percentile_goalposts_and_degenerate_pairs():
    text = (
        HAND_SCHEME.replace("worst = 0\nbest = 4\n", "")
        .replace("worst = 0\nbest = 50\n", "")
        .replace("worst = 0.5\nbest = 0.1\n", "")
    )
    rows = {f"z{i}": [float(i), 0.0 if i < 10 else 3.0, 0.2] for i in range(11)}  # grants: 10 of 11 are 0
    notes: list[str] = []
    r = Z.evaluate(hand_scheme(text), hand_data(rows), "2025")
    notes = r.notes
    assert r.best[0] == pytest.approx(9.0)  # p90 of 0..10
    assert r.U[10, 0] == 1 and r.U[9, 0] == pytest.approx(1.0) and r.U[0, 0] == 0
    # p90 = 0 = worst: a zone strictly better than the worst gets full points, the others none
    assert r.U[:10, 1].max() == 0 and r.U[10, 1] == 1
    assert any("invention_grants_per_10k" in n and "满分" in n for n in notes)
    # a constant cost column: everyone is at the worst → no points, no division by zero
    assert np.all(r.U[:, 2] == 0)


def test_missing_values_zero_or_median_and_coverage():
    rows = {"A": [2.0, np.nan, 0.3], "B": [3.0, 30.0, 0.2], "C": [1.0, 10.0, 0.4], "D": [np.nan, np.nan, 0.2]}
    r = Z.evaluate(hand_scheme(), hand_data(rows), "2025")
    assert r.U[0, 1] == 0 and r.item_scores[0, 1] == 0
    assert r.idx.tolist() == [0, 1, 2]  # D reports 1 of 3 indicators (< 50 %): not ranked, with a reason
    assert "不参加排名" in r.excluded[3]
    assert any("缺失值" in n for n in r.notes)
    med = Z.evaluate(
        hand_scheme(HAND_SCHEME.replace("total = 100", 'total = 100\nmissing = "median"')),
        hand_data(rows),
        "2025",
    )
    assert med.X_filled[0, 1] == pytest.approx(20.0) and med.U[0, 1] == pytest.approx(0.4)


def test_ties_share_the_best_rank_and_levels_filter():
    rows = {"A": [2.0, 25.0, 0.3], "B": [2.0, 25.0, 0.3], "C": [1.0, 10.0, 0.4]}
    r = Z.evaluate(hand_scheme(), hand_data(rows), "2025")
    assert r.rank.tolist() == [1, 1, 3]
    prov = hand_data(
        {**rows, "P": [4.0, 50.0, 0.1]},
        level=np.array(["national", "national", None, "provincial"], dtype=object),
    )
    r = Z.evaluate(hand_scheme(), prov, "2025")
    assert r.names().tolist() == ["A", "B", "C"] and "省级" in r.excluded[3]
    assert any("未注明级别" in n for n in r.notes)


def test_topsis_scheme_matches_engine_and_dimension_closeness():
    s = load_scheme("zone-entropy-topsis")
    data = demo_data(2025)
    r = Z.evaluate(s, data, "2025")
    w = engine.entropy_weights(r.X_filled, r.types, variant="minmax", shift=1e-4, degenerate="equal")
    np.testing.assert_allclose(r.weights, w)
    C = engine.topsis(r.X_filled, w, r.types, variant="hy", normalization="vector")
    np.testing.assert_allclose(r.total, 100 * C)
    assert np.all((r.dim_scores >= 0) & (r.dim_scores <= 100))
    assert np.isnan(r.item_scores).all()  # TOPSIS is not additive: no per-item points
    assert r.m == 179 and r.rank.min() == 1


def test_builtin_most_2021_on_demo_data():
    s = load_scheme("most-2021")
    r = Z.evaluate(s, demo_data(2025), "2025")
    assert r.m == 179
    np.testing.assert_allclose(r.dimension_weights, [20, 20, 15, 15, 30])
    np.testing.assert_allclose(r.dim_scores.sum(axis=1), r.total)
    assert np.all((r.U >= 0) & (r.U <= 1))
    # 1.1 (×0.8) and 1.2 (×1.2) inside dimension 1 of 10 items: 20 × 0.8/10 and 20 × 1.2/10
    assert r.points[0] == pytest.approx(1.6) and r.points[1] == pytest.approx(2.4)
    for k in range(5):  # one rank per first-level dimension, consistent with its scores
        np.testing.assert_array_equal(r.dim_ranks[:, k], engine.rank(r.dim_scores[:, k]))


def test_top_lists_follow_direction_and_size():
    r = Z.evaluate(load_scheme("most-2021"), demo_data(2025), "2025")
    lists = {t["indicator"]: t for t in Z.top_lists(r, 20)}
    energy = lists["energy_per_va"]
    vals = [z["value"] for z in energy["zones"]]
    assert energy["direction"] == "lower" and vals == sorted(vals) and len(vals) >= 20
    rev = [z["value"] for z in lists["revenue_net_increase"]["zones"]]
    assert rev == sorted(rev, reverse=True)
    assert all(z["rank"] <= 20 for t in lists.values() for z in t["zones"])


def test_diagnose_home_weaknesses_and_strengths_in_own_units():
    r = Z.evaluate(load_scheme("most-2021"), demo_data(2025), "2025")
    d = Z.diagnose(r, "示范高新区")
    assert d["rank"] == r.rank[r.position("示范高新区")] and len(d["dimensions"]) == 5
    assert d["peer_group"] == "创新型科技园区" and d["peer_size"] > 5
    for w in d["weaknesses"]:
        assert w["below_group"] or w["below_peer"]
        sign = -1 if w["direction"] == "lower" else 1
        if w["below_group"] and w["value"] is not None:
            assert (w["value"] - w["group_median"]) * sign < 0
            assert w["gap_group"] == pytest.approx(w["value"] - w["group_median"])
    lost = [w["points_lost"] for w in d["weaknesses"]]
    assert lost == sorted(lost, reverse=True)
    for s in d["strengths"]:
        sign = -1 if s["direction"] == "lower" else 1
        assert (s["value"] - s["group_median"]) * sign > 0 and not s["below_peer"]
    # the demo zone is built weak on openness: dimension 4 is its worst dimension
    ranks = [x["rank"] for x in d["dimensions"]]
    assert ranks.index(max(ranks)) == 3
    assert {"overseas_rd_firms", "tech_service_export_share"} & {w["indicator"] for w in d["weaknesses"]}
