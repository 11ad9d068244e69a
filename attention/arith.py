"""Products, sums, exp, sin and cos that give the same bits on every x86-64 CPU and BLAS kernel.

Why: ``A @ B`` goes to OpenBLAS, which picks a kernel per CPU (Prescott, Sandybridge, Haswell, SkylakeX: each
sums in its own order, with or without FMA), and ``np.exp``/``np.power`` take NumPy's AVX-512 paths where the
CPU has them, while ``np.sin``/``np.cos`` and the scalar libm take glibc's FMA variants on Haswell and later.
Each gives a last bit of its own, so the same trace had four digests. Here every result is built from single
IEEE-754 additions, multiplications and divisions (each correctly rounded, whatever SIMD width runs it, and
never fused across two NumPy calls), in an order written down below, plus ``np.rint`` and ``np.ldexp``,
which are exact. Meant for the toy core's small matrices (a few thousand products); float64 throughout.
"""

from __future__ import annotations

import numpy as np


def matmul(a, b) -> np.ndarray:
    """``a @ b`` for 2-D float64 arrays, summed by NumPy's own sum-of-products loop (``einsum`` without its
    optimiser, which would hand the product to BLAS): one order of additions on every x86-64 CPU, whichever
    kernel OpenBLAS would pick and whichever SIMD path NumPy dispatches. A few times slower than BLAS, which
    the core's and the models' products (16 rows at most) can afford."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"cannot multiply shapes {a.shape} and {b.shape}")
    return np.einsum("ij,jk->ik", a, b, optimize=False)


def total(values, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    """The sum along ``axis``, first entry to last (NumPy's pairwise order depends on length and layout)."""
    values = np.moveaxis(np.asarray(values, dtype=np.float64), axis, -1)
    if values.shape[-1] == 0:
        out = np.zeros(values.shape[:-1])
    else:
        out = values[..., 0].copy()
        for k in range(1, values.shape[-1]):
            out = out + values[..., k]
    return np.expand_dims(out, axis) if keepdims else out


# exp: fdlibm's e_exp.c (Sun Microsystems, 1993), vectorised. x = k ln2 + r, |r| <= ln2 / 2, with ln2 in two
# parts so that k * LN2_HI is exact; exp(r) from a degree-5 minimax polynomial; error below 1 ulp.
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e00
_P1 = 1.66666666666666019037e-01
_P2 = -2.77777777770155933842e-03
_P3 = 6.61375632143793436117e-05
_P4 = -1.65339022054652515390e-06
_P5 = 4.13813679705723846039e-08
_EXP_OVER = 7.09782712893383973096e02  # above: inf
_EXP_UNDER = -7.45133219101941108420e02  # below: 0


def exp(values) -> np.ndarray:
    """e ** values, elementwise; exp(-inf) = 0, exp(inf) = inf, nan stays nan."""
    x = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(x) & (x <= _EXP_OVER) & (x >= _EXP_UNDER)
    xs = np.where(finite, x, 0.0)
    k = np.rint(xs * _INV_LN2)
    hi = xs - k * _LN2_HI
    lo = k * _LN2_LO
    r = hi - lo
    t = r * r
    c = r - t * (_P1 + t * (_P2 + t * (_P3 + t * (_P4 + t * _P5))))
    y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
    y = np.ldexp(y, k.astype(np.int64))
    out = np.where(finite, y, np.where(x > 0, np.inf, 0.0))
    return np.where(np.isnan(x), np.nan, out)


# sin, cos: musl's __sin.c / __cos.c kernels (from fdlibm) on |y| <= pi/4, after y = x - n pi/2 with pi/2 in
# two parts (33 + 53 bits: n * PIO2_1 is exact for |n| < 2^20); accurate to about 1 ulp for |x| < 1e5.
_PIO2_1 = 1.57079632673412561417e00
_PIO2_1T = 6.07710050650619224932e-11
_INV_PIO2 = 6.36619772367581382433e-01
_S1, _S2, _S3 = -1.66666666666666324348e-01, 8.33333333332248946124e-03, -1.98412698298579493134e-04
_S4, _S5, _S6 = 2.75573137070700676789e-06, -2.50507602534068634195e-08, 1.58969099521155010221e-10
_C1, _C2, _C3 = 4.16666666666666019037e-02, -1.38888888888741095749e-03, 2.48015872894767294178e-05
_C4, _C5, _C6 = -2.75573143513906633035e-07, 2.08757232129817482790e-09, -1.13596475577881948265e-11


def _kernel_sin(y):
    z = y * y
    w = z * z
    r = _S2 + z * (_S3 + z * _S4) + z * w * (_S5 + z * _S6)
    return y + (z * y) * (_S1 + z * r)


def _kernel_cos(y):
    z = y * y
    w = z * z
    r = z * (_C1 + z * (_C2 + z * _C3)) + w * w * (_C4 + z * (_C5 + z * _C6))
    hz = 0.5 * z
    w = 1.0 - hz
    return w + (((1.0 - w) - hz) + z * r)


def _reduce(x):
    n = np.rint(np.where(np.isfinite(x), x, 0.0) * _INV_PIO2)
    y = (x - n * _PIO2_1) - n * _PIO2_1T
    return y, n.astype(np.int64) % 4


def sin(values) -> np.ndarray:
    x = np.asarray(values, dtype=np.float64)
    y, q = _reduce(x)
    s, c = _kernel_sin(y), _kernel_cos(y)
    return np.where(np.isfinite(x), np.choose(q, [s, c, -s, -c]), np.nan)


def cos(values) -> np.ndarray:
    x = np.asarray(values, dtype=np.float64)
    y, q = _reduce(x)
    s, c = _kernel_sin(y), _kernel_cos(y)
    return np.where(np.isfinite(x), np.choose(q, [c, -s, -c, s]), np.nan)
