"""The default example, the embeddings and the display rounding."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from environments import environments

import attention
from attention.embedding import position_encoding

ROOT = Path(__file__).resolve().parent.parent


def test_default_is_the_video():
    trace = attention.example()
    assert trace.tokens == tuple("Jane is going to the cinema to watch a new movie".split())
    assert (trace.T, trace.d, trace.d_k, trace.d_v) == (11, 5, 5, 5)
    assert trace.mask is None


# The default trace's digest, the same on every x86-64 CPU, BLAS kernel and SIMD path (attention/arith.py).
# It changes only when the numbers do: then every cache key and manifest trace hash changes with it.
DEFAULT_DIGEST = "5a4ef6eb70da61a22b413e88738852a847ba141da84a700514a978dfc8f6fc97"


def _fingerprint():
    trace = attention.example()
    return {"digest": trace.digest(), "A00": float(trace.weights[0, 0]), "R": trace.output.tolist()}


def test_default_is_the_same_on_every_cpu_kernel_and_process():
    code = (
        "import json, attention; t = attention.example(); "
        "print(json.dumps({'digest': t.digest(), 'A00': float(t.weights[0, 0]), 'R': t.output.tolist()}))"
    )
    here = _fingerprint()
    assert here["digest"] == DEFAULT_DIGEST
    for name, override in environments().items():
        run = subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, **override},  # inherited: only what this run tests is changed
            cwd=ROOT,
        )
        assert json.loads(run.stdout) == here, name


def test_seed_and_sizes_change_the_numbers():
    base = attention.example()
    assert attention.example(seed=1).digest() != base.digest()
    other = attention.example(d=4, d_k=3)
    assert other.Q.shape == (11, 3) and other.V.shape == (11, 3)  # d_v follows d_k, as in the paper


def test_same_word_same_embedding_different_position():
    emb = attention.embed(["to", "the", "to"], d=6, seed=0)
    np.testing.assert_array_equal(emb.token_embedding[0], emb.token_embedding[2])
    assert not np.allclose(emb.X[0], emb.X[2])
    np.testing.assert_allclose(emb.X, emb.token_embedding + emb.position_encoding)


def test_position_encoding_is_the_papers():
    P = position_encoding(50, 8)
    pos, i = 7, 2
    assert P[pos, 2 * i] == pytest.approx(np.sin(pos / 10000 ** (2 * i / 8)))
    assert P[pos, 2 * i + 1] == pytest.approx(np.cos(pos / 10000 ** (2 * i / 8)))
    np.testing.assert_allclose(P[0], [0, 1] * 4)


def test_multi_head_example():
    multi = attention.example(d=6, heads=3, mask="causal")
    assert isinstance(multi, attention.MultiHeadTrace)
    assert multi.h == 3 and multi.d_k == 2 and multi.output.shape == (11, 6)
    assert np.all(np.triu(multi.heads[1].weights, 1) == 0)


def test_display_rounds_like_numpy_and_has_no_negative_zero():
    shown = attention.display(np.array([1.23456, -0.004, -np.inf]), 2)
    np.testing.assert_array_equal(shown, [1.23, 0.0, -np.inf])
    assert not np.signbit(shown[1])
    assert attention.display_text(-1.236, 2) == "\u22121.24"
    assert attention.display_text(-np.inf) == "\u2212\u221e"


def test_worked_callouts_agree_with_the_trace():
    trace = attention.example()
    dp = attention.dot_product(trace, 2, 5)
    assert dp.total == pytest.approx(dp.products.sum()) and dp.total == trace.scores[2, 5]
    row = attention.softmax_row(trace, 4)
    np.testing.assert_allclose(row.exps / row.total, trace.weights[4])
    ws = attention.weighted_sum(trace, 1)
    np.testing.assert_allclose(ws.terms.sum(axis=0), trace.output[1])
