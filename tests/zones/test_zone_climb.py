"""What-if to climb: answers re-ranked with the proposed values, minimal against brute force, bounds honoured."""

import itertools

import numpy as np
import pytest
from zone_fixtures import HAND_SCHEME, demo_data, hand_data, hand_scheme

from gaoxin.evaluations import zones as Z
from gaoxin.schemes import load_scheme

TINY = {
    "A": [3.6, 45.0, 0.15],
    "B": [3.0, 40.0, 0.20],
    "C": [2.6, 38.0, 0.24],
    "D": [2.2, 30.0, 0.30],
    "E": [1.8, 26.0, 0.34],
}


def _rerank(result, zone, changes):
    """Independent check: rebuild the data with the proposed values and rank everything again."""
    row = result.data.index_of(zone)
    data = result.data.with_values(row, {c["indicator"]: c["proposed"] for c in changes})
    again = Z.evaluate(result.scheme, data, result.period)
    pos = again.position(zone)
    return int(again.rank[pos]), float(again.total[pos])


def _effort(changes, result, zone):
    pos = result.position(zone)
    return sum(
        abs(c["change"]) / abs(result.X[pos, result.indicator_ids.index(c["indicator"])]) for c in changes
    )


@pytest.mark.parametrize("target", [1, 2, 3, 4])
def test_milp_answer_reranks_to_target_and_is_minimal(target):
    r = Z.evaluate(hand_scheme(), hand_data(TINY), "2025")
    assert r.rank.tolist() == [1, 2, 3, 4, 5]
    c = Z.climb(r, "E", target, max_change=0.8)
    assert c.method == "milp" and c.reachable
    new_rank, new_score = _rerank(r, "E", c.changes)
    assert new_rank <= target and new_rank == c.new_rank
    assert new_score == pytest.approx(c.new_score)
    # minimal number of indicators: exhaustive search over subsets, each at its bound
    assert len(c.changes) == Z.brute_force_min_count(r, "E", target, max_change=0.8)
    for ch in c.changes:
        assert 0 < ch["change"] * (1 if ch["direction"] == "higher" else -1) <= ch["bound"] + 1e-9
        assert abs(ch["change_pct"]) <= 80 + 1e-6
    # minimal effort among sets of that size: a grid over every subset of that size, scored by hand with the
    # scheme's fixed goalposts (0→4, 0→50, 0.5→0.1) and points (36, 24, 40), vectorised over the grid
    others = np.sort(r.total[:-1])[::-1]
    need = others[target - 1]
    x = r.X[r.position("E")]
    worst, best_gp, pts = np.array([0, 0, 0.5]), np.array([4, 50, 0.1]), np.array([36, 24, 40])
    steps = 161 if len(c.changes) < 3 else 41
    grid = np.linspace(0, 0.8, steps)
    best = np.inf
    for subset in itertools.combinations(range(3), len(c.changes)):
        F = np.zeros((steps ** len(subset), 3))
        F[:, list(subset)] = np.array(list(itertools.product(grid, repeat=len(subset))))
        newx = x * (1 + F * np.array([1, 1, -1]))
        score = (np.clip((newx - worst) / (best_gp - worst), 0, 1) * pts).sum(axis=1)
        ok = score >= need - 1e-9
        if ok.any():
            best = min(best, F[ok].sum(axis=1).min())
    assert _effort(c.changes, r, "E") <= best + 1e-5  # the solver keeps a 1e-7 × total safety margin
    assert (
        _effort(c.changes, r, "E") >= best - 0.8 / (steps - 1) * len(c.changes) - 1e-9
    )  # within a grid step


def test_already_there_and_unreachable_within_bounds():
    r = Z.evaluate(hand_scheme(), hand_data(TINY), "2025")
    c = Z.climb(r, "B", 3)
    assert c.reachable and not c.changes and c.new_rank == 2 and "无需改变" in c.message
    c = Z.climb(r, "E", 1, max_change=0.1)
    assert not c.reachable and c.changes == []
    assert c.best_rank is not None and c.best_rank > 1
    assert "无法" in c.message and "10%" in c.message
    # the best rank reported is what every indicator at +10 % (−10 % for the cost one) really gives
    x = r.X[r.position("E")]
    full = {r.indicator_ids[j]: x[j] * (1 + 0.1 * r.types[j]) for j in range(3)}
    again = Z.evaluate(r.scheme, r.data.with_values(r.data.index_of("E"), full), "2025")
    assert again.rank[again.position("E")] == c.best_rank


def test_zero_today_uses_group_median_as_base_and_shares_stay_below_100():
    rows = {**TINY, "E": [1.8, 0.0, 0.34]}
    r = Z.evaluate(hand_scheme(), hand_data(rows), "2025")
    B, base, _ = Z._bounds(r, r.position("E"), 0.5)
    assert base[1] == pytest.approx(np.median(np.abs(r.X[:, 1])))
    assert B[1] == pytest.approx(0.5 * base[1])
    rows = {**TINY, "E": [80.0, 26.0, 0.34]}
    r = Z.evaluate(hand_scheme(), hand_data(rows), "2025")
    B, _, _ = Z._bounds(r, r.position("E"), 0.5)
    assert B[0] == pytest.approx(20.0)  # a share cannot pass 100 %


def test_climb_on_demo_data_with_percentile_goalposts_is_verified():
    r = Z.evaluate(load_scheme("most-2021"), demo_data(2025), "2025")
    home = "示范高新区"
    rank = int(r.rank[r.position(home)])
    target = max(1, rank - 6)
    c = Z.climb(r, home, target)
    assert c.reachable and c.method == "milp"
    new_rank, _ = _rerank(r, home, c.changes)  # goalposts are recomputed from all zones here
    assert new_rank <= target
    for ch in c.changes:
        info = r.scheme.indicators[r.indicator_ids.index(ch["indicator"])].info
        assert info.kind != "qualitative"
        if info.integer:
            assert float(ch["proposed"]).is_integer()
        assert ch["change_pct"] is None or abs(ch["change_pct"]) <= 50 + 1e-6
    # one fewer indicator cannot do it: even the k − 1 indicators with the largest possible gains (each at its
    # bound, goalposts held) fall short of the score needed — a certificate that k is the minimum
    pos = r.position(home)
    B, _, _ = Z._bounds(r, pos, 0.5)
    moved = r.X[pos] + r.types * B
    U1 = np.clip((moved - r.worst) / (r.best - r.worst), 0, 1)
    gains = np.sort(np.nan_to_num((U1 - r.U[pos]) * r.points))[::-1]
    need = c.target_score - c.current_score
    assert gains[: len(c.changes) - 1].sum() < need <= gains[: len(c.changes)].sum() + 1e-6


def test_search_for_topsis_is_verified_by_reranking():
    r = Z.evaluate(load_scheme("zone-entropy-topsis"), demo_data(2025), "2025")
    home = "示范高新区"
    rank = int(r.rank[r.position(home)])
    c = Z.climb(r, home, max(1, rank - 3))
    assert c.method == "search" and c.reachable
    assert _rerank(r, home, c.changes)[0] <= max(1, rank - 3)
    assert any("贪心" in n for n in c.notes)


def test_entropy_weighted_goalposts_are_not_treated_as_linear():
    text = HAND_SCHEME.replace('weighting = "points"', 'weighting = "entropy"')
    r = Z.evaluate(hand_scheme(text), hand_data(TINY), "2025")
    assert not r.scheme.linear
    c = Z.climb(r, "E", 3, max_change=0.8)
    assert c.method == "search"
    if c.reachable:
        assert _rerank(r, "E", c.changes)[0] <= 3
