"""Cross-checks against pymcdm 1.4 on random matrices, for every method both libraries have.

Equal to 1e-9 where the definitions agree. Where they differ on purpose the test says why and checks the
difference itself.
"""

import numpy as np
import pytest

pymcdm = pytest.importorskip("pymcdm")
from pymcdm import normalizations as pn  # noqa: E402
from pymcdm import weights as pw  # noqa: E402
from pymcdm.methods import TOPSIS, VIKOR, WPM, WSM  # noqa: E402
from pymcdm.weights.subjective import AHP  # noqa: E402

from gaoxin.engine import (  # noqa: E402
    ahp_weights,
    arithmetic,
    critic_weights,
    entropy_weights,
    geometric,
    merec_weights,
    minmax,
    topsis,
    vector,
    vikor,
)
from gaoxin.engine.normalize import max_, sum_  # noqa: E402

SEEDS = range(8)


def _case(seed, m=None, n=None):
    rng = np.random.default_rng(seed)
    m = m or int(rng.integers(5, 40))
    n = n or int(rng.integers(2, 9))
    X = rng.lognormal(mean=rng.normal(0, 2, n), sigma=rng.uniform(0.2, 1.5, n), size=(m, n))
    types = np.where(rng.random(n) < 0.4, -1, 1)
    types[0] = 1
    w = rng.dirichlet(np.ones(n))
    return X, types, w


@pytest.mark.parametrize("seed", SEEDS)
def test_entropy_raw_equals_pymcdm(seed):
    X, _, _ = _case(seed)
    np.testing.assert_allclose(entropy_weights(X, variant="raw"), pw.entropy_weights(X), rtol=0, atol=1e-9)


def test_entropy_zero_policy_differs_on_purpose():
    # pymcdm 1.4 rejects any zero (sum_normalization raises); we use 0·ln 0 = 0, the textbook convention
    X = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 2.0]])
    with pytest.raises(ValueError):
        pw.entropy_weights(X)
    p = np.array([0.0, 2.0, 4.0]) / 6.0
    e0 = -(p[1:] * np.log(p[1:])).sum() / np.log(3)
    w = entropy_weights(X, variant="raw", return_info=True)[1].outputs["entropy"]
    assert w[0] == pytest.approx(e0, rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_critic_equals_pymcdm(seed):
    # pymcdm min-max normalises without types (no cost flip) and uses ddof=1; ddof cancels in the weights
    X, types, _ = _case(seed)
    ref = pw.critic_weights(X)
    np.testing.assert_allclose(critic_weights(X, types, flip_cost=False), ref, atol=1e-9)
    np.testing.assert_allclose(critic_weights(X, None), ref, atol=1e-9)
    if np.any(types < 0) and X.shape[1] > 2:
        # flipping cost columns changes the sign of their correlations with benefit columns
        assert not np.allclose(critic_weights(X, types, flip_cost=True), ref, atol=1e-6)


def test_critic_constant_column_differs_on_purpose():
    # pymcdm's Pearson of a constant column is NaN and poisons every weight; we give it weight 0 and
    # leave it out of the others' conflict sums, i.e. the same weights as without the column
    X, _, _ = _case(3, m=12, n=4)
    Xc = np.column_stack([X, np.full(12, 7.0)])
    with np.errstate(all="ignore"), pytest.warns(UserWarning, match="zero variance"):
        ref = pw.critic_weights(Xc)
    assert np.isnan(ref).all()
    ours = critic_weights(Xc)
    assert ours[-1] == 0.0
    np.testing.assert_allclose(ours[:-1], critic_weights(X), atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_merec_equals_pymcdm(seed):
    X, types, _ = _case(seed)
    np.testing.assert_allclose(merec_weights(X, types), pw.merec_weights(X, types), atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("norm", ["minmax", "vector"])
def test_topsis_hy_equals_pymcdm(seed, norm):
    # pymcdm's vector normalisation turns cost columns into 1 - r and takes the max as ideal: the same
    # distances as ours (ideal = min r for cost), so the closeness agrees exactly
    X, types, w = _case(seed)
    fn = pn.minmax_normalization if norm == "minmax" else pn.vector_normalization
    ref = TOPSIS(normalization_function=fn)(X, w, types)
    np.testing.assert_allclose(topsis(X, w, types, "hy", norm), ref, atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_topsis_cn_is_hy_with_sqrt_weights(seed):
    # pymcdm has no CN variant; CN with w equals HY with weights proportional to sqrt(w)
    X, types, w = _case(seed)
    ref = TOPSIS(normalization_function=pn.vector_normalization)(X, np.sqrt(w) / np.sqrt(w).sum(), types)
    np.testing.assert_allclose(topsis(X, w, types, "cn", "vector"), ref, atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("v", [0.0, 0.5, 0.8])
def test_vikor_equals_pymcdm(seed, v):
    X, types, w = _case(seed)
    np.testing.assert_allclose(vikor(X, w, types, v=v), VIKOR(v=v)(X, w, types), atol=1e-9)


def test_vikor_constant_column_differs_on_purpose():
    # pymcdm raises on a constant criterion; ours lets it contribute 0. S and R then shrink by the common
    # factor 0.8 and Q (min-max of S and R) equals VIKOR without the column
    X, types, w = _case(5, m=10, n=3)
    Xc = np.column_stack([X, np.ones(10)])
    wc = np.append(w * 0.8, 0.2)
    with pytest.raises(ValueError):
        VIKOR()(Xc, wc, np.append(types, 1))
    np.testing.assert_allclose(vikor(Xc, wc, np.append(types, 1)), VIKOR()(X, w, types), atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_weighted_sum_equals_pymcdm_wsm(seed):
    X, types, w = _case(seed)
    ref = WSM(normalization_function=pn.minmax_normalization)(X, w, types)
    np.testing.assert_allclose(arithmetic(minmax(X, types), w), ref, atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_weighted_geometric_equals_pymcdm_wpm(seed):
    # WPM = Π r^w on sum-normalised data (pymcdm's default; cost columns use (1/x)/Σ(1/x), as ours)
    X, types, w = _case(seed)
    np.testing.assert_allclose(geometric(sum_(X, types), w), WPM()(X, w, types), rtol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_normalisations_equal_pymcdm(seed):
    from pymcdm.helpers import normalize_matrix

    X, types, _ = _case(seed)
    for ours, theirs in (
        (minmax, pn.minmax_normalization),
        (vector, pn.vector_normalization),
        (sum_, pn.sum_normalization),
        (max_, pn.max_normalization),
    ):
        np.testing.assert_allclose(ours(X, types), normalize_matrix(X, theirs, types), atol=1e-9)


def test_minmax_constant_column_differs_on_purpose():
    # pymcdm maps a constant column to 1 (every unit "best"); we map it to the midpoint 0.5 so a column
    # that cannot separate units neither rewards nor punishes anyone relative to the scale's middle
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])
    from pymcdm.helpers import normalize_matrix

    assert np.all(normalize_matrix(X, pn.minmax_normalization, None)[:, 1] == 1.0)
    assert np.all(minmax(X)[:, 1] == 0.5)


@pytest.mark.parametrize("seed", SEEDS)
def test_ahp_eigen_and_cr_equal_pymcdm(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 10))
    scale = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1, 3, 5, 7, 9, 2, 1 / 2, 4, 1 / 4])
    A = np.ones((n, n))
    iu = np.triu_indices(n, 1)
    A[iu] = rng.choice(scale, size=len(iu[0]))
    A[(iu[1], iu[0])] = 1 / A[iu]
    ref = AHP(matrix=A)
    w, cr = ahp_weights(A, "eigen", ri="alonso")
    np.testing.assert_allclose(w, ref(), atol=1e-9)
    assert cr == pytest.approx(ref.get_cr(), abs=1e-9)
