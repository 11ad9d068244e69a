"""The default example, the embeddings and the display rounding."""

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

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
DEFAULT_DIGEST = "66caa5414ea5e774f97fa36e512b82f063110f71be1ecf89263d5162f1d08410"


def _fingerprint():
    trace = attention.example()
    return {"digest": trace.digest(), "A00": float(trace.weights[0, 0]), "R": trace.output.tolist()}


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    line = next((line for line in text.splitlines() if line.startswith("flags")), "")
    return set(line.partition(":")[2].split())


def _environments() -> dict[str, dict[str, str]]:
    """The overrides to run the example under: each OpenBLAS kernel this CPU can run, NumPy's SIMD dispatch
    cut down to older CPUs' (no AVX-512; no AVX2/FMA either), glibc's libm without its FMA variants, and
    another hash seed. Everything else is inherited from this process's environment."""
    flags = _cpu_flags()
    envs = {"PYTHONHASHSEED=1": {"PYTHONHASHSEED": "1"}, "PYTHONHASHSEED=2": {"PYTHONHASHSEED": "2"}}
    if platform.machine() in ("x86_64", "AMD64"):
        kernels = ["Prescott"]
        if "avx" in flags:
            kernels.append("Sandybridge")
        if {"avx2", "fma"} <= flags:
            kernels.append("Haswell")
        if "avx512f" in flags:
            kernels.append("SkylakeX")
        envs |= {f"OPENBLAS_CORETYPE={k}": {"OPENBLAS_CORETYPE": k} for k in kernels}
        from numpy._core._multiarray_umath import __cpu_dispatch__

        no_512 = [f for f in __cpu_dispatch__ if f.startswith("AVX512") or f == "X86_V4"]
        no_256 = [*no_512, *(f for f in __cpu_dispatch__ if f in ("X86_V3", "AVX2", "FMA3", "F16C", "AVX"))]
        for name, off in (("no AVX-512", no_512), ("no AVX2", no_256)):
            if off:
                envs[f"NumPy {name}"] = {"NPY_DISABLE_CPU_FEATURES": " ".join(off)}
        tunables = os.environ.get("GLIBC_TUNABLES")
        hwcaps = "glibc.cpu.hwcaps=-AVX2,-FMA,-AVX512F"
        envs["glibc without FMA"] = {"GLIBC_TUNABLES": f"{tunables}:{hwcaps}" if tunables else hwcaps}
    return envs


def test_default_is_the_same_on_every_cpu_kernel_and_process():
    code = (
        "import json, attention; t = attention.example(); "
        "print(json.dumps({'digest': t.digest(), 'A00': float(t.weights[0, 0]), 'R': t.output.tolist()}))"
    )
    here = _fingerprint()
    assert here["digest"] == DEFAULT_DIGEST
    for name, override in _environments().items():
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
