"""The scaling study: Var(q.k) grows like d_k, scaling by 1/sqrt(d_k) brings it back to 1, and the
unscaled softmax collapses towards one-hot while the scaled one keeps its spread.

Tolerance of the variance. Each row is one query q against its own n_k keys, all entries N(0, 1).
Given q, the scores q.k_j are independent N(0, |q|^2), with E|q|^2 = d and E|q|^4 = d^2 + 2d, so

    Var(s^2) = 3 E|q|^4 - d^2 = 2d^2 + 6d,    Cov(s_j^2, s_l^2) = E|q|^4 - d^2 = 2d   (same row),

and rows are independent. The mean of s^2 over N = n_q n_k scores, divided by d, has the standard
deviation  sigma = sqrt(2 / N * (1 + (n_k + 2) / d))  (np.var subtracts the sample mean, which
changes this by O(1/N)). The tests allow 5 sigma (a chance failure below 1e-6 per point), and
``test_sigma_formula_matches_the_spread_over_seeds`` checks sigma itself against 300 seeds.
"""

import numpy as np
import pytest

import attention
from attention.scaling import DEFAULT_D_KS, scaling_study

N_QUERIES, N_KEYS = 2000, 11


def sigma(n_queries: int, n_keys: int, d_k) -> np.ndarray:
    """Standard deviation of the measured Var(q.k) / d_k (see the module docstring)."""
    return np.sqrt(2 / (n_queries * n_keys) * (1 + (n_keys + 2) / np.asarray(d_k, dtype=float)))


@pytest.fixture(scope="module")
def study():
    return attention.scaling_study(DEFAULT_D_KS, n_queries=N_QUERIES, n_keys=N_KEYS, seed=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_score_variance_grows_like_d_k(seed):
    s = scaling_study(DEFAULT_D_KS, N_QUERIES, N_KEYS, seed)
    ratio = s.score_variance / s.d_ks
    assert np.all(np.abs(ratio - 1) < 5 * sigma(N_QUERIES, N_KEYS, s.d_ks)), ratio


def test_scaled_variance_is_one(study):
    tolerance = 5 * sigma(N_QUERIES, N_KEYS, study.d_ks)
    assert np.all(np.abs(study.scaled_variance - 1) < tolerance), study.scaled_variance
    # measured on the scaled scores themselves, and equal to Var(q.k) / d_k as it must be
    np.testing.assert_allclose(study.scaled_variance, study.score_variance / study.d_ks, rtol=1e-12)


def test_sigma_formula_matches_the_spread_over_seeds():
    n_queries, n_keys, d_k = 50, N_KEYS, 4
    ratios = np.array([scaling_study((d_k,), n_queries, n_keys, seed).score_variance[0] / d_k for seed in range(300)])
    # the standard deviation of a 300-sample standard deviation is about 4 %: allow 15 %
    assert ratios.std() == pytest.approx(float(sigma(n_queries, n_keys, d_k)), rel=0.15)
    assert abs(ratios.mean() - 1) < 4 * sigma(n_queries, n_keys, d_k) / np.sqrt(len(ratios))


def test_unscaled_softmax_collapses_towards_one_hot(study):
    peak = study.max_weight_unscaled
    assert np.all(np.diff(peak) > 0), peak
    assert peak[-1] > 0.9
    assert np.all(study.sample_unscaled[-1].max() > 0.9)


def test_scaled_softmax_keeps_its_spread(study):
    peak = study.max_weight_scaled
    # the same distribution of scores for every d_k (up to the non-normality of q.k at small d_k):
    # the mean peak moves by sampling noise only (about 0.004 here)
    assert peak.max() - peak.min() < 0.05, peak
    assert np.all(peak < study.max_weight_unscaled)
    assert peak.max() < 0.5


def test_sample_rows_are_softmax_rows(study):
    assert study.sample_unscaled.shape == study.sample_scaled.shape == (len(DEFAULT_D_KS), N_KEYS)
    np.testing.assert_allclose(study.sample_unscaled.sum(axis=1), 1)
    np.testing.assert_allclose(study.sample_scaled.sum(axis=1), 1)


def test_deterministic_for_a_seed(study):
    again = scaling_study(DEFAULT_D_KS, N_QUERIES, N_KEYS, 0)
    for name in ("score_variance", "scaled_variance", "max_weight_unscaled", "max_weight_scaled", "sample_scaled"):
        np.testing.assert_array_equal(getattr(again, name), getattr(study, name))
    other = scaling_study(DEFAULT_D_KS, N_QUERIES, N_KEYS, 1)
    assert not np.array_equal(other.score_variance, study.score_variance)


def test_one_d_k_does_not_depend_on_the_others(study):
    alone = scaling_study((64,), N_QUERIES, N_KEYS, 0)
    index = list(DEFAULT_D_KS).index(64)
    assert alone.score_variance[0] == study.score_variance[index]
    assert alone.max_weight_unscaled[0] == study.max_weight_unscaled[index]


def test_float64_and_read_only(study):
    for name in ("score_variance", "scaled_variance", "max_weight_unscaled", "max_weight_scaled"):
        array = getattr(study, name)
        assert array.dtype == np.float64 and array.shape == (len(DEFAULT_D_KS),)
        with pytest.raises(ValueError):
            array[0] = 0.0
    np.testing.assert_array_equal(study.d_ks, DEFAULT_D_KS)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"d_ks": ()}, ValueError, "empty"),
        ({"d_ks": (4, 0)}, ValueError, "d_k"),
        ({"d_ks": (4.5,)}, TypeError, "d_k"),
        ({"n_keys": 1}, ValueError, "n_keys"),
        ({"n_queries": 1}, ValueError, "n_queries"),
        ({"seed": -1}, ValueError, "seed"),
    ],
)
def test_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        scaling_study(**kwargs)
