"""rank / classify_by_share / classify_by_threshold: hand-worked values for every tie and boundary rule."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from gaoxin.engine import classify_by_share, classify_by_threshold, rank, share_class_index

NAN = np.nan


def test_rank_tie_policies_hand_worked():
    s = [10.0, 7.0, 7.0, 3.0, 7.0]
    np.testing.assert_array_equal(rank(s, "min"), [1, 2, 2, 5, 2])
    np.testing.assert_array_equal(rank(s, "max"), [1, 4, 4, 5, 4])
    np.testing.assert_array_equal(rank(s, "average"), [1, 3, 3, 5, 3])
    np.testing.assert_array_equal(rank(s, "dense"), [1, 2, 2, 3, 2])
    np.testing.assert_array_equal(rank(s, "ordinal"), [1, 2, 3, 5, 4])
    np.testing.assert_array_equal(rank(s, "min", descending=False), [5, 2, 2, 1, 2])


def test_rank_nan_is_not_ranked_and_not_counted():
    r = rank([NAN, 5.0, 1.0, NAN, 5.0], "average")
    np.testing.assert_array_equal(np.isnan(r), [True, False, False, True, False])
    np.testing.assert_array_equal(r[[1, 2, 4]], [1.5, 3.0, 1.5])
    assert np.isnan(rank([NAN, NAN])).all()


def test_rank_infinities_are_extreme_values_even_with_nan():
    r = rank([-np.inf, NAN, 2.0, np.inf, -np.inf], "average")
    np.testing.assert_array_equal(r[[0, 2, 3, 4]], [3.5, 2.0, 1.0, 3.5])
    assert np.isnan(r[1])


def test_rank_rows_of_2d_input():
    S = np.array([[1.0, 2.0, 3.0], [3.0, 3.0, NAN]])
    np.testing.assert_array_equal(rank(S, "min")[0], [3, 2, 1])
    np.testing.assert_array_equal(rank(S, "min")[1, :2], [1, 1])
    assert np.isnan(rank(S)[1, 2])


def test_rank_rejects_unknown_tie_policy():
    with pytest.raises(ValueError):
        rank([1.0], ties="first")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.integers(-5, 5).map(float), st.just(NAN)), min_size=1, max_size=30),
    st.sampled_from(["min", "max", "average", "dense", "ordinal"]),
)
def test_rank_matches_scipy(vals, ties):
    x = np.array(vals)
    ours = rank(x, ties, descending=True)
    v = ~np.isnan(x)
    assert np.array_equal(np.isnan(ours), ~v)
    if v.any():
        np.testing.assert_array_equal(ours[v], rankdata(-x[v], method=ties))


def test_share_classes_ten_units():
    # shares 20/40/35/5 on n=10: A = ranks 1-2, B = 3-6, C = 7-9 (0.9 <= 0.95), D = 10
    s = np.arange(10, 0, -1, dtype=float)
    got = classify_by_share(s, (0.2, 0.4, 0.35, 0.05), ("A", "B", "C", "D"))
    assert list(got) == ["A", "A", "B", "B", "B", "B", "C", "C", "C", "D"]


def test_share_boundaries_round_down_and_last_class_closes():
    # n=7: 0.2*7=1.4 -> A=rank 1; 0.6*7=4.2 -> B=2..4; 0.95*7=6.65 -> C=5,6; D=7
    s = np.array([70, 60, 50, 40, 30, 20, 10], dtype=float)
    got = classify_by_share(s, (0.2, 0.4, 0.35, 0.05), "ABCD")
    assert "".join(got) == "ABBBCCD"
    # n=3 with a 20% top class: 0.6 < 1 so A is empty
    got = classify_by_share([3.0, 2.0, 1.0], (0.2, 0.4, 0.35, 0.05), "ABCD")
    assert "".join(got) == "BCD"


def test_share_exact_boundary_is_inclusive_despite_float_sums():
    # cumsum(0.2,0.4,0.35) = 0.9500000000000001 and 0.2+0.4 = 0.6000000000000001; n=20 boundaries 4, 12, 19
    s = np.arange(20, 0, -1, dtype=float)
    got = classify_by_share(s, (0.2, 0.4, 0.35, 0.05), "ABCD")
    assert "".join(got) == "A" * 4 + "B" * 8 + "C" * 7 + "D"


def test_share_ties_stay_together_in_better_class():
    # ranks 1,2,2,2,5: the A boundary is 0.2*5 = 1, the tie at rank 2 goes wholly to B (2 <= 0.6*5 = 3)
    got = classify_by_share([9.0, 5.0, 5.0, 5.0, 1.0], (0.2, 0.4, 0.4), "ABC")
    assert "".join(got) == "ABBBC"
    # tie straddling the A boundary: ranks 1,1,3,4,5 -> both tied units are A although 2/5 > 0.2
    got = classify_by_share([9.0, 9.0, 5.0, 4.0, 1.0], (0.2, 0.4, 0.4), "ABC")
    assert "".join(got) == "AABCC"


def test_share_nan_and_groups():
    s = np.array([5.0, NAN, 3.0, 9.0, 1.0, 2.0, 8.0])
    g = ["x", "x", "x", "y", "y", "y", None]
    got = classify_by_share(s, (0.5, 0.5), ("top", "bottom"), groups=g)
    # group x: valid n=2 (5,3): boundary 1 -> 5 top, 3 bottom; group y: n=3, 1.5 -> 9 top;
    # the None group has n=1 and 1 > 0.5*1, so its only unit lands in the class that closes at n: bottom
    assert list(got) == ["top", None, "bottom", "top", "bottom", "bottom", "bottom"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.just(NAN), st.integers(0, 6).map(float)),
            st.one_of(st.none(), st.sampled_from(["椒江", "路桥", "黄岩"]), st.integers(0, 2)),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_share_within_groups_equals_classifying_each_group_alone(pairs):
    s = np.array([p[0] for p in pairs])
    g = [p[1] for p in pairs]  # texts, None and (mixed in) numbers
    got = classify_by_share(s, (0.3, 0.3, 0.4), "ABC", groups=g)
    for key in set(g):
        at = [i for i, k in enumerate(g) if k == key and type(k) is type(key)]
        alone = classify_by_share(s[at], (0.3, 0.3, 0.4), "ABC")
        assert list(got[at]) == list(alone)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.just(NAN), st.integers(0, 5).map(float)), min_size=1, max_size=40))
def test_share_class_index_with_precomputed_ranks_equals_the_labels(scores):
    s = np.array(scores)
    shares = (0.2, 0.4, 0.35, 0.05)
    labels = classify_by_share(s, shares, "ABCD")
    for known in (None, rank(s, "min")):
        k = share_class_index(s, shares, ranks=known)
        assert ["ABCD"[i] if i >= 0 else None for i in k] == list(labels)


def test_share_validation():
    with pytest.raises(ValueError):
        classify_by_share([1.0, 2.0], (0.5, 0.4), "AB")
    with pytest.raises(ValueError):
        classify_by_share([1.0, 2.0], (0.5, 0.5), "ABC")
    with pytest.raises(ValueError):
        classify_by_share([1.0, 2.0], (0.5, 0.5), "AB", groups=["a"])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=60))
def test_share_class_sizes_follow_floor_rule_without_ties(vals):
    s = np.array(vals) + np.arange(len(vals)) * 1e-7  # break most ties
    if len(np.unique(s)) < len(s):
        return
    n = len(s)
    got = list(classify_by_share(s, (0.25, 0.45, 0.25, 0.05), "ABCD"))
    cum = np.floor(np.array([0.25, 0.70, 0.95]) * n + 1e-9).astype(int)
    expected_sizes = np.diff(np.concatenate([[0], cum, [n]]))
    assert [got.count(c) for c in "ABCD"] == list(expected_sizes)


def test_threshold_inclusive_and_nan():
    s = [95.0, 90.0, 89.999, 60.0, 59.0, NAN]
    got = classify_by_threshold(s, (90, 75, 60), ("A", "B", "C", "D"))
    assert list(got) == ["A", "A", "B", "C", "D", None]


def test_threshold_unclassed_label_and_validation():
    got = classify_by_threshold([1.0, 0.2], (0.5,), ("pass", None))
    assert list(got) == ["pass", None]
    with pytest.raises(ValueError):
        classify_by_threshold([1.0], (60, 90), "ABC")
    with pytest.raises(ValueError):
        classify_by_threshold([1.0], (90, 60), "AB")


def test_share_ties_average_classes_a_tie_block_by_its_average_rank():
    # 10 units, D = bottom 20 %: four units tie at 0 on positions 7–10 (average rank 8.5 → 0.85 > 0.8)
    from gaoxin.engine import classify_by_share

    scores = [9, 8, 7, 6, 5, 4, 0, 0, 0, 0]
    better = classify_by_share(scores, [0.2, 0.4, 0.2, 0.2], list("ABCD"))
    average = classify_by_share(scores, [0.2, 0.4, 0.2, 0.2], list("ABCD"), ties="average")
    assert list(better[6:]) == ["C"] * 4  # rank 7 ≤ 0.8·10: the whole block stays in C, D is empty
    assert list(average[6:]) == ["D"] * 4
    assert list(better[:6]) == list(average[:6]) == list("AABBBB")
