"""The cross-attention example: a target sentence's queries over a source sentence's keys and values."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import attention
from attention.embedding import projection_weights

ROOT = Path(__file__).resolve().parent.parent


def test_default_pair_and_shapes():
    trace = attention.cross_example()
    assert trace.kv_tokens == tuple(attention.VIDEO_SENTENCE.split())
    assert trace.tokens == tuple(attention.CROSS_TARGET.split())
    T_q, T_kv, d = len(trace.tokens), len(trace.kv_tokens), 5
    assert trace.is_cross and (trace.T, trace.T_kv, trace.d, trace.d_k, trace.d_v) == (T_q, T_kv, d, d, d)
    assert trace.Q.shape == (T_q, d) and trace.K.shape == trace.V.shape == (T_kv, d)
    assert trace.scores.shape == trace.weights.shape == (T_q, T_kv)
    assert trace.output.shape == (T_q, d)
    np.testing.assert_allclose(trace.weights.sum(axis=1), 1)
    assert trace.mask is None


def test_equals_cross_attention_on_the_same_inputs():
    source, target, d, seed = "the cat sat on the mat", "le chat", 4, 3
    trace = attention.cross_example(source=source, target=target, d=d, seed=seed)
    X_q = attention.embed(target.split(), d, seed).X
    X_kv = attention.embed(source.split(), d, seed).X
    np.testing.assert_array_equal(trace.X, X_q)
    np.testing.assert_array_equal(trace.X_kv, X_kv)
    direct = attention.cross_attention(
        X_q, X_kv, trace.W_q, trace.W_k, trace.W_v, tokens=target.split(), kv_tokens=source.split()
    )
    assert direct.digest() == trace.digest()
    # the weights follow example()'s pattern: one seeded stream per matrix, d x d_k, variance 1/d
    streams = [projection_weights(d, d, seed, s) for s in range(1, 64)]
    for W in (trace.W_q, trace.W_k, trace.W_v):
        assert sum(np.array_equal(W, candidate) for candidate in streams) == 1


def test_queries_change_only_with_the_target():
    base = attention.cross_example()
    other = attention.cross_example(target="Jane va")
    np.testing.assert_array_equal(base.K, other.K)
    np.testing.assert_array_equal(base.Q[:2], other.Q)  # same words, same positions


def test_tokens_given_one_by_one_and_d_k():
    trace = attention.cross_example(source_tokens=["a", "b c"], target_tokens=["x"], d=4, d_k=2)
    assert trace.kv_tokens == ("a", "b c") and trace.tokens == ("x",)
    assert trace.Q.shape == (1, 2) and trace.V.shape == (2, 2)


def test_deterministic_across_processes():
    code = "import attention; print(attention.cross_example().digest())"
    digests = {
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": str(s)},
            cwd=ROOT,
        ).stdout.strip()
        for s in (1, 2)
    }
    assert digests == {attention.cross_example().digest()}
    assert attention.cross_example(seed=1).digest() != attention.cross_example().digest()


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"target": "  "}, ValueError, "no words"),
        ({"source": ""}, ValueError, "no words"),
        ({"d": 0}, ValueError, "d must be"),
        ({"d_k": 0}, ValueError, "d_k"),
        ({"seed": -1}, ValueError, "seed"),
        ({"target_tokens": ["a", 1]}, TypeError, "string"),
    ],
)
def test_bad_input(kwargs, error, words):
    with pytest.raises(error, match=words):
        attention.cross_example(**kwargs)
