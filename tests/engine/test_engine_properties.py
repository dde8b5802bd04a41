"""Hypothesis properties: weights are a distribution, constant columns get 0, rescaling invariance where the
method promises it, and no NaN/inf ever escapes a stage (it returns finite numbers or raises ValueError)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gaoxin.engine import (
    combine_weights,
    copeland,
    critic_weights,
    cv_weights,
    efficacy,
    entropy_weights,
    gra,
    merec_weights,
    minmax,
    pca_composite,
    pca_weights,
    percentile,
    rank,
    topsis,
    treat,
    vector,
    vikor,
    zscore,
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def matrices(draw, min_m=2, positive=False, max_n=5, grid=False):
    m = draw(st.integers(min_m, 12))
    n = draw(st.integers(1, max_n))
    lo = 0.5 if positive else -50.0
    # a small value pool makes ties, zeros and constant columns common
    pool = st.sampled_from(
        [lo, 0.5, 1.0, 2.0, 3.0, 7.5, 10.0] if not positive else [0.5, 1.0, 2.0, 3.0, 7.5, 10.0]
    )
    elems = st.one_of(pool, st.floats(lo, 1e3, allow_nan=False, allow_infinity=False, width=32))
    if grid:
        # invariance is a property of the maths; spreads of 1e-19 next to an offset of 5 are lost by any
        # float implementation, so the invariance test draws values on a 1/4 grid
        elems = st.integers(int(4 * lo), 4000).map(lambda v: v / 4)
    X = draw(arrays(np.float64, (m, n), elements=elems))
    types = np.array(draw(st.lists(st.sampled_from([1, -1]), min_size=n, max_size=n)))
    w = np.array(draw(st.lists(st.floats(0.01, 1.0), min_size=n, max_size=n)))
    return X, types, w / w.sum()


def _is_distribution(w):
    return np.all(np.isfinite(w)) and np.all(w >= 0) and w.sum() == pytest.approx(1.0, abs=1e-12)


WEIGHTERS = [
    lambda X, t: entropy_weights(X, t, variant="minmax", degenerate="equal"),
    lambda X, t: entropy_weights(X - X.min(), t, variant="raw", degenerate="equal"),
    lambda X, t: entropy_weights(X - X.min(axis=0), t, variant="vector", degenerate="equal"),
    lambda X, t: critic_weights(X, t, degenerate="equal"),
    lambda X, t: critic_weights(X, t, flip_cost=False, abs_corr=True, degenerate="equal"),
    lambda X, t: cv_weights(np.abs(X) + 1, t, degenerate="equal"),
    lambda X, t: merec_weights(np.abs(X) + 1, t, degenerate="equal"),
]


@SETTINGS
@given(matrices())
def test_weights_are_distributions(data):
    X, t, _ = data
    for fn in WEIGHTERS:
        assert _is_distribution(fn(X, t))
    if X.shape[0] >= 3:
        assert _is_distribution(pca_weights(X, t, degenerate="equal"))


@SETTINGS
@given(matrices(), st.floats(-100, 100), st.integers(0, 4))
def test_constant_column_gets_zero_weight(data, value, where):
    X, t, _ = data
    j = min(where, X.shape[1])
    Xc = np.insert(X, j, value, axis=1)
    tc = np.insert(t, j, 1)
    for fn in (
        lambda A: entropy_weights(A, tc, degenerate="equal"),
        lambda A: critic_weights(A, tc, degenerate="equal"),
    ):
        w = fn(Xc)
        assert _is_distribution(w)
        if not np.all(Xc.max(axis=0) == Xc.min(axis=0)):  # not everything constant (then: equal weights)
            assert w[j] == 0.0


@SETTINGS
@given(
    matrices(min_m=3, grid=True),
    st.lists(st.sampled_from([0.001, 0.1, 7.0, 1000.0]), min_size=5, max_size=5),
    st.lists(st.sampled_from([-5.0, 0.0, 3.0]), min_size=5, max_size=5),
)
def test_unit_rescaling_invariance(data, scales, shifts):
    X, t, w = data
    n = X.shape[1]
    a, b = np.array(scales[:n]), np.array(shifts[:n])
    Xs, Xa = X * a, X * a + b  # a change of unit; an affine change (e.g. °C -> °F)
    tol = dict(rtol=1e-6, atol=1e-9)
    # affine-invariant: everything built on min-max or z-scores, and the order-based methods
    for fn in (
        lambda A: entropy_weights(A, t, degenerate="equal"),
        lambda A: critic_weights(A, t, degenerate="equal"),
        lambda A: minmax(A, t),
        lambda A: zscore(A, t),
        lambda A: topsis(A, w, t, "hy", "minmax"),
        lambda A: topsis(A, w, t, "cn", "minmax"),
        lambda A: vikor(A, w, t),
        lambda A: gra(A, w, t),
        lambda A: efficacy(A, t),
    ):
        np.testing.assert_allclose(fn(Xa), fn(X), **tol)
    np.testing.assert_array_equal(copeland(Xa, w, t), copeland(X, w, t))
    np.testing.assert_array_equal(percentile(Xa, t), percentile(X, t))
    # scale-invariant only (a positive factor, no shift): vector TOPSIS, raw entropy, CV, MEREC
    np.testing.assert_allclose(topsis(Xs, w, t, "hy", "vector"), topsis(X, w, t, "hy", "vector"), **tol)
    np.testing.assert_allclose(topsis(Xs, w, t, "cn", "vector"), topsis(X, w, t, "cn", "vector"), **tol)
    P = np.abs(X) + 1
    for fn in (
        lambda A: entropy_weights(A, variant="raw", degenerate="equal"),
        lambda A: cv_weights(A, degenerate="equal"),
        lambda A: merec_weights(A, t, degenerate="equal"),
    ):
        np.testing.assert_allclose(fn(P * a), fn(P), **tol)


@SETTINGS
@given(matrices())
def test_no_nan_escapes_any_stage(data):
    X, t, w = data
    m, n = X.shape
    stages = [
        lambda: minmax(X, t),
        lambda: zscore(X, t),
        lambda: vector(X, t),
        lambda: percentile(X, t),
        lambda: efficacy(X, t),
        lambda: entropy_weights(X, t),
        lambda: critic_weights(X, t),
        lambda: cv_weights(X, t),
        lambda: merec_weights(X, t),
        lambda: pca_weights(X, t),
        lambda: topsis(X, w, t, "hy", "vector"),
        lambda: topsis(X, w, t, "cn", "minmax"),
        lambda: vikor(X, w, t),
        lambda: gra(X, w, t),
        lambda: copeland(X, w, t),
        lambda: pca_composite(X, t),
        lambda: treat(X),
        lambda: rank(X[:, 0]),
        lambda: combine_weights([w, np.full(n, 1 / n)], "game"),
    ]
    for stage in stages:
        try:
            out = stage()
        except ValueError:
            continue  # a refusal is an allowed, explicit outcome
        assert np.all(np.isfinite(np.asarray(out, dtype=float)))


@SETTINGS
@given(matrices(min_m=2))
def test_scores_stay_in_their_ranges(data):
    X, t, w = data
    for C in (topsis(X, w, t, "hy", "vector"), topsis(X, w, t, "cn", "minmax")):
        assert np.all((C >= 0) & (C <= 1))
    Q = vikor(X, w, t)
    assert np.all((Q >= 0) & (Q <= 1 + 1e-12))
    g = gra(X, w, t)
    assert np.all((g > 0) & (g <= 1 + 1e-12))
    assume(X.shape[0] > 1)
    Y = minmax(X, t)
    assert np.all((Y >= 0) & (Y <= 1))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 300), st.integers(1, 4), st.integers(0, 2**31))
def test_col_min_max_equals_numpy(m, n, seed):
    from gaoxin.engine._validate import col_min_max

    A = np.random.default_rng(seed).normal(size=(m, n))
    lo, hi = col_min_max(A)
    np.testing.assert_array_equal(lo, A.min(axis=0))
    np.testing.assert_array_equal(hi, A.max(axis=0))
