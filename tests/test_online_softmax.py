"""The online softmax over key blocks equals the ordinary softmax(q K^T / sqrt(d_k)) V for every block size.

Bound, and why it is not bit-equal: the online run computes e^(s - m_j) e^(m_j - m) where the ordinary one computes
e^(s - m), and sums o = sum e^(s - m) V_i before dividing by l where the ordinary one divides first. Each weight is
at most 1 and l >= 1 (the maximum's own term is e^0), so every rounding (arith.exp's < 1 ulp, a rounded exponent
x whose e^x moves by at most |x| e^x eps <= eps / e, a rescaling per block, a sum of at most T terms) moves a weight
by at most eps: (2 T + 4) eps in all for T keys, and the output, a sum of T weighted values, by T (2 T + 5) eps
max|V|. With one block (block = T) the weights are computed exactly as the core's softmax does: bit-equal.
"""

from __future__ import annotations

import numpy as np
import pytest

import attention
from attention.core import softmax
from attention.online_softmax import online_attention, online_row, online_softmax, tiling_bytes

EPS = np.finfo(np.float64).eps


def weights_bound(T: int) -> float:
    return (2 * T + 4) * EPS


def output_bound(T: int, V: np.ndarray) -> float:
    return T * (2 * T + 5) * EPS * float(np.abs(V).max())


def blocks(T: int) -> list[int]:
    return sorted({1, 2, 3, T})


def assert_matches(scores: np.ndarray, V: np.ndarray, block: int) -> None:
    run = online_softmax(scores, V, block)
    weights = softmax(scores)
    assert np.abs(run.weights - weights).max() <= weights_bound(len(scores))
    assert np.abs(run.output - weights @ V).max() <= output_bound(len(scores), V)
    if block >= len(scores):
        assert np.array_equal(run.weights, weights)


@pytest.mark.parametrize("T", [1, 2, 5, 13])
def test_random_rows_equal_the_ordinary_softmax(T):
    rng = np.random.default_rng(T)
    for _ in range(20):
        scores, V = rng.normal(0, 3, T), rng.normal(0, 1, (T, 4))
        for block in blocks(T):
            assert_matches(scores, V, block)


@pytest.mark.parametrize("scale", [800.0, 1e300])
def test_huge_scores_neither_overflow_nor_differ(scale):
    # e^800 is inf: only a running maximum keeps these finite; at 1e300 the row is one-hot
    rng = np.random.default_rng(7)
    T = 11
    for _ in range(10):
        scores, V = rng.uniform(-1, 1, T) * scale, rng.normal(0, 1, (T, 3))
        for block in blocks(T):
            run = online_softmax(scores, V, block)
            assert np.isfinite(run.output).all() and all(np.isfinite(s.total) for s in run.states)
            assert_matches(scores, V, block)


def test_masked_scores_and_whole_masked_blocks():
    rng = np.random.default_rng(3)
    T = 9
    for masked in ([0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 2, 3, 4, 5, 8], list(range(1, 9))):
        scores, V = rng.normal(0, 2, T), rng.normal(0, 1, (T, 5))
        scores[masked] = -np.inf
        for block in blocks(T):
            run = online_softmax(scores, V, block)
            assert (run.weights[masked] == 0).all()
            assert_matches(scores, V, block)
    # a first block wholly masked leaves nothing to rescale: l = 0, o = 0, and the factor 1
    scores = np.concatenate([np.full(3, -np.inf), rng.normal(0, 2, T - 3)])
    first = online_softmax(scores, V, 3).states[0]
    assert (first.maximum, first.total, first.rescale) == (-np.inf, 0.0, 1.0) and not first.output.any()


def test_each_block_state_is_the_softmax_so_far():
    # after keys 0..stop: l = sum e^(s - m), o = sum e^(s - m) V, m the maximum so far, rescaled by e^(m_old - m)
    rng = np.random.default_rng(11)
    scores, V = np.sort(rng.normal(0, 4, 10)), rng.normal(0, 1, (10, 3))  # rising: the maximum grows every block
    run = online_softmax(scores, V, 3)
    assert [(s.start, s.stop) for s in run.states] == [(0, 3), (3, 6), (6, 9), (9, 10)]
    previous = -np.inf
    for state in run.states:
        seen = scores[: state.stop]
        assert state.maximum == seen.max()
        assert state.rescale == pytest.approx(np.exp(previous - state.maximum), rel=4 * EPS)
        assert 0 < state.rescale < 1 or previous == -np.inf
        exps = np.exp(seen - state.maximum)
        assert state.total == pytest.approx(exps.sum(), rel=weights_bound(len(seen)))
        assert np.abs(state.output - exps @ V[: state.stop]).max() <= output_bound(len(seen), V)
        previous = state.maximum
    assert np.abs(run.output - run.states[-1].output / run.states[-1].total).max() == 0


@pytest.mark.parametrize("mask", [None, "causal"])
def test_every_row_of_a_toy_trace(mask):
    trace = attention.example(d=6, mask=mask)
    for row in range(trace.T):
        for block in blocks(trace.T):
            run = online_row(trace, row, block)
            assert np.array_equal(run.scores, trace.masked[row])  # the same products as the core's
            assert np.abs(run.weights - trace.weights[row]).max() <= weights_bound(trace.T)
            assert np.abs(run.output - trace.output[row]).max() <= output_bound(trace.T, trace.V)


def test_online_attention_scales_and_masks():
    rng = np.random.default_rng(5)
    q, K, V = rng.normal(size=4), rng.normal(size=(6, 4)), rng.normal(size=(6, 2))
    mask = np.array([True, False, True, True, False, True])
    run = online_attention(q, K, V, scale=0.5, block=4, mask=mask)
    expected = softmax(np.where(mask, K @ q * 0.5, -np.inf))
    assert np.abs(run.weights - expected).max() <= weights_bound(6)
    assert run.scale == 0.5 and np.array_equal(run.q, q)


@pytest.mark.parametrize(
    ("scores", "block", "message"),
    [
        ([-np.inf, -np.inf], 1, "every score is -inf"),
        ([1.0, np.nan], 1, "nan or \\+inf"),
        ([1.0, np.inf], 1, "nan or \\+inf"),
        ([1.0, 2.0], 0, "block must be at least 1"),
        ([], 1, "no keys"),
    ],
)
def test_rows_without_a_softmax_are_refused(scores, block, message):
    with pytest.raises(ValueError, match=message):
        online_softmax(np.array(scores, dtype=float), np.ones((len(scores), 2)), block)


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_tiling_bytes_are_the_arrays_sizes(dtype):
    # the sizes NumPy gives arrays of those shapes (np.empty touches no memory)
    T, block, d_head = 4096, 128, 64
    sizes = tiling_bytes(T, block, d_head, dtype)
    assert sizes.matrix == np.empty((T, T), dtype).nbytes
    tiles = [(block, d_head)] * 4 + [(block, block), (block,), (block,)]  # Q, K, V, O; scores; m, l
    assert sizes.tiles == sum(np.empty(shape, dtype).nbytes for shape in tiles)
    assert sizes.ratio == sizes.matrix / sizes.tiles > 100
