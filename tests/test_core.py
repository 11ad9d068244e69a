"""The attention core against an independent loop-based computation, and its properties."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import attention
from attention import cross_attention, multi_head_attention, self_attention


def reference_attention(Xq, Xkv, Wq, Wk, Wv, allowed=None):
    """Attention with explicit loops over i, j and plain Python floats."""
    Tq, Tkv, dk = len(Xq), len(Xkv), len(Wq[0])

    def project(x, W):
        return [sum(x[a] * W[a][c] for a in range(len(x))) for c in range(len(W[0]))]

    q = [project(x, Wq) for x in Xq]
    k = [project(x, Wk) for x in Xkv]
    v = [project(x, Wv) for x in Xkv]
    out, weights = [], []
    for i in range(Tq):
        s = []
        for j in range(Tkv):
            if allowed is not None and not allowed[i][j]:
                s.append(None)
            else:
                s.append(sum(q[i][c] * k[j][c] for c in range(dk)) / math.sqrt(dk))
        top = max(x for x in s if x is not None)
        e = [0.0 if x is None else math.exp(x - top) for x in s]
        z = sum(e)
        a = [x / z for x in e]
        weights.append(a)
        out.append([sum(a[j] * v[j][c] for j in range(Tkv)) for c in range(len(v[0]))])
    return np.array(weights), np.array(out)


def random_inputs(rng, T, d, dk, dv):
    return (rng.normal(size=(T, d)), rng.normal(size=(d, dk)), rng.normal(size=(d, dk)), rng.normal(size=(d, dv)))


@pytest.mark.parametrize("seed", range(8))
def test_self_attention_matches_loops(seed):
    rng = np.random.default_rng(seed)
    T, d, dk, dv = rng.integers(1, 9), rng.integers(1, 7), rng.integers(1, 7), rng.integers(1, 7)
    X, Wq, Wk, Wv = random_inputs(rng, T, d, dk, dv)
    trace = self_attention(X, Wq, Wk, Wv)
    A, R = reference_attention(X, X, Wq, Wk, Wv)
    np.testing.assert_allclose(trace.weights, A, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(trace.output, R, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(trace.scaled, trace.scores / math.sqrt(dk))
    assert trace.scale == pytest.approx(1 / math.sqrt(dk))
    assert (trace.T, trace.d, trace.d_k, trace.d_v) == (T, d, dk, dv)
    assert trace.Q.shape == (T, dk) and trace.V.shape == (T, dv) and trace.scores.shape == (T, T)
    for name in ("X", "Q", "K", "V", "scores", "scaled", "masked", "weights", "output"):
        assert getattr(trace, name).dtype == np.float64


@pytest.mark.parametrize("seed", range(4))
def test_masked_attention_matches_loops(seed):
    rng = np.random.default_rng(100 + seed)
    T = int(rng.integers(2, 8))
    X, Wq, Wk, Wv = random_inputs(rng, T, 4, 3, 2)
    allowed = rng.random((T, T)) < 0.6
    allowed[np.arange(T), rng.integers(0, T, T)] = True  # at least one per row
    trace = self_attention(X, Wq, Wk, Wv, mask=allowed)
    A, R = reference_attention(X, X, Wq, Wk, Wv, allowed.tolist())
    np.testing.assert_allclose(trace.weights, A, atol=1e-12)
    np.testing.assert_allclose(trace.output, R, atol=1e-10)
    assert np.all(trace.weights[~allowed] == 0.0)
    assert np.all(np.isneginf(trace.masked[~allowed]))


def test_cross_attention_matches_loops_and_shapes():
    rng = np.random.default_rng(7)
    Xq, Xkv = rng.normal(size=(3, 4)), rng.normal(size=(6, 4))
    Wq, Wk, Wv = rng.normal(size=(4, 2)), rng.normal(size=(4, 2)), rng.normal(size=(4, 5))
    trace = cross_attention(Xq, Xkv, Wq, Wk, Wv, tokens=["a", "b", "c"], kv_tokens=list("uvwxyz"))
    assert trace.scores.shape == (3, 6) and trace.weights.shape == (3, 6)
    assert trace.output.shape == (3, 5) and trace.K.shape == (6, 2)
    assert (trace.T, trace.T_kv) == (3, 6) and trace.is_cross
    A, R = reference_attention(Xq, Xkv, Wq, Wk, Wv)
    np.testing.assert_allclose(trace.weights, A, atol=1e-12)
    np.testing.assert_allclose(trace.output, R, atol=1e-10)


def test_softmax_is_stable_for_huge_scores():
    a = attention.softmax(np.array([[1000.0, 999.0, -1000.0]]))
    assert np.all(np.isfinite(a)) and a.sum() == pytest.approx(1.0)
    assert a[0, 0] == pytest.approx(1 / (1 + math.exp(-1)))


matrices = st.integers(1, 7).flatmap(
    lambda T: st.integers(1, 5).flatmap(
        lambda d: st.tuples(st.just(T), st.just(d), st.integers(0, 2**32 - 1), st.floats(0.1, 20.0))
    )
)


@settings(max_examples=60, deadline=None)
@given(matrices)
def test_rows_of_A_are_distributions(params):
    T, d, seed, spread = params
    rng = np.random.default_rng(seed)
    X, Wq, Wk, Wv = random_inputs(rng, T, d, d, d)
    A = self_attention(X * spread, Wq, Wk, Wv).weights
    np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert np.all(A >= 0.0) and np.all(A <= 1.0)


@settings(max_examples=40, deadline=None)
@given(matrices, st.randoms(use_true_random=False))
def test_permuting_tokens_permutes_output(params, rand):
    T, d, seed, _ = params
    rng = np.random.default_rng(seed)
    X, Wq, Wk, Wv = random_inputs(rng, T, d, d, d)
    perm = list(range(T))
    rand.shuffle(perm)
    R = self_attention(X, Wq, Wk, Wv).output
    R_perm = self_attention(X[perm], Wq, Wk, Wv).output
    np.testing.assert_allclose(R_perm, R[perm], atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 8), st.integers(1, 5), st.integers(0, 2**32 - 1), st.data())
def test_causal_row_ignores_later_tokens(T, d, seed, data):
    i = data.draw(st.integers(0, T - 2))
    rng = np.random.default_rng(seed)
    X, Wq, Wk, Wv = random_inputs(rng, T, d, d, d)
    changed = X.copy()
    changed[i + 1 :] = rng.normal(size=(T - i - 1, d)) * 5
    before = self_attention(X, Wq, Wk, Wv, mask="causal").output
    after = self_attention(changed, Wq, Wk, Wv, mask="causal").output
    np.testing.assert_allclose(after[: i + 1], before[: i + 1], atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_one_head_equals_single_head(seed):
    rng = np.random.default_rng(seed)
    X, Wq, Wk, Wv = random_inputs(rng, 5, 4, 4, 4)
    Wo = np.eye(4)
    multi = multi_head_attention(X, Wq, Wk, Wv, Wo, heads=1)
    single = self_attention(X, Wq, Wk, Wv)
    np.testing.assert_allclose(multi.output, single.output, atol=1e-14)
    np.testing.assert_allclose(multi.heads[0].weights, single.weights)


def test_multi_head_splits_columns_and_projects():
    rng = np.random.default_rng(3)
    X, Wq, Wk, Wv = random_inputs(rng, 4, 6, 6, 6)
    Wo = rng.normal(size=(6, 6))
    multi = multi_head_attention(X, Wq, Wk, Wv, Wo, heads=3)
    assert multi.h == 3 and multi.d_k == 2 and multi.concat.shape == (4, 6)
    for i, head in enumerate(multi.heads):
        ref = self_attention(X, Wq[:, 2 * i : 2 * i + 2], Wk[:, 2 * i : 2 * i + 2], Wv[:, 2 * i : 2 * i + 2])
        np.testing.assert_allclose(head.output, ref.output)
        np.testing.assert_allclose(multi.concat[:, 2 * i : 2 * i + 2], ref.output)
    np.testing.assert_allclose(multi.output, multi.concat @ Wo)


def test_trace_arrays_are_read_only():
    trace = attention.example()
    with pytest.raises(ValueError):
        trace.weights[0, 0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        trace.scale = 2.0
