"""Why scores are divided by sqrt(d_k), measured: the variance of q.k and the peak softmax weight.

With q and k of d_k independent unit-variance entries, q.k is a sum of d_k products of variance 1,
so Var(q.k) = d_k: the scores spread out as d_k grows and the softmax of a row tends to one-hot.
Divided by sqrt(d_k), the variance is 1 whatever d_k, and the softmax keeps its spread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import arith
from .core import softmax
from .embedding import check_size
from .validation import frozen

DEFAULT_D_KS = (4, 16, 64, 256, 512)
_STREAM_SCALING = 7  # generator stream, apart from the projection weights' (see projection_weights)
_CHUNK = 256  # queries per batch, so the keys of d_k = 512 stay a few MB


@dataclass(frozen=True)
class ScalingStudy:
    """Per d_k (one entry each): statistics over ``n_queries`` rows, each of one query against its
    own ``n_keys`` keys (independent rows, so every row is a fresh sequence)."""

    d_ks: np.ndarray  # int, the widths measured
    score_variance: np.ndarray  # Var(q.k) over every score
    scaled_variance: np.ndarray  # Var(q.k / sqrt(d_k))
    max_weight_unscaled: np.ndarray  # mean over rows of the largest softmax(q.k) weight
    max_weight_scaled: np.ndarray  # the same with q.k / sqrt(d_k)
    sample_unscaled: np.ndarray  # len(d_ks) x n_keys: the first row's softmax(q.k), for display
    sample_scaled: np.ndarray  # the first row's softmax(q.k / sqrt(d_k))
    n_queries: int
    n_keys: int
    seed: int


def _scores(d_k: int, n_queries: int, n_keys: int, seed: int) -> np.ndarray:
    """n_queries x n_keys scores q.k, each query with its own keys, from the (seed, stream, d_k) generator."""
    rng = np.random.default_rng([seed, _STREAM_SCALING, d_k])
    rows = []
    for start in range(0, n_queries, _CHUNK):
        n = min(_CHUNK, n_queries - start)
        q = rng.standard_normal((n, d_k))
        k = rng.standard_normal((n, n_keys, d_k))
        rows.append(arith.total(q[:, None, :] * k, axis=-1))  # in a fixed order, as the core sums
    return np.concatenate(rows)


def scaling_study(d_ks=DEFAULT_D_KS, n_queries: int = 2000, n_keys: int = 11, seed: int = 0) -> ScalingStudy:
    """Draw unit-variance q and k for each d_k and measure what scaling by 1/sqrt(d_k) changes.

    Deterministic for a seed; the sample of one d_k does not depend on the other d_ks asked for.
    """
    d_ks = tuple(check_size("d_k", d) for d in d_ks)
    if not d_ks:
        raise ValueError("d_ks is empty; give at least one d_k")
    n_queries = check_size("n_queries", n_queries, minimum=2)
    n_keys = check_size("n_keys", n_keys, minimum=2)
    seed = check_size("seed", seed, minimum=0)
    stats = {name: [] for name in ("var", "var_s", "max_u", "max_s", "row_u", "row_s")}
    for d_k in d_ks:
        scores = _scores(d_k, n_queries, n_keys, seed)
        scaled = scores / np.sqrt(d_k)
        unscaled_weights, scaled_weights = softmax(scores, axis=1), softmax(scaled, axis=1)
        stats["var"].append(scores.var())
        stats["var_s"].append(scaled.var())
        stats["max_u"].append(unscaled_weights.max(axis=1).mean())
        stats["max_s"].append(scaled_weights.max(axis=1).mean())
        stats["row_u"].append(unscaled_weights[0])
        stats["row_s"].append(scaled_weights[0])
    arrays = {name: frozen(np.array(values, dtype=np.float64)) for name, values in stats.items()}
    return ScalingStudy(
        d_ks=frozen(np.array(d_ks, dtype=np.int64)),
        score_variance=arrays["var"],
        scaled_variance=arrays["var_s"],
        max_weight_unscaled=arrays["max_u"],
        max_weight_scaled=arrays["max_s"],
        sample_unscaled=arrays["row_u"],
        sample_scaled=arrays["row_s"],
        n_queries=n_queries,
        n_keys=n_keys,
        seed=seed,
    )
