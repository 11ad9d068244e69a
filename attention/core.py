"""Scaled dot-product attention ("Attention Is All You Need", section 3.2), keeping every step."""

from __future__ import annotations

import numpy as np

from . import arith
from .trace import MultiHeadTrace, Trace
from .validation import as_array, as_matrix, check_mask, check_rows, check_tokens, frozen


def softmax(values: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax: the row maximum is subtracted before exp; -inf gives exactly 0.

    exp and the sum are arith's (the same bits on every CPU: NumPy's exp has AVX-512 paths of its own)."""
    values = np.asarray(values, dtype=np.float64)
    shifted = values - np.max(values, axis=axis, keepdims=True)
    exps = arith.exp(shifted)
    return exps / arith.total(exps, axis=axis, keepdims=True)


def _bias(name: str, value, width: int, what: str) -> np.ndarray | None:
    """None, or a finite 1-D float64 read-only copy of ``value`` with one entry per column of its projection."""
    if value is None:
        return None
    bias = as_array(name, value, 1)
    if bias.shape[0] != width:
        raise ValueError(f"{name} has {bias.shape[0]} entries but {what} is {width}")
    return bias


def _attend(
    X_q, X_kv, W_q, W_k, W_v, mask, tokens, kv_tokens, b_q=None, b_k=None, b_v=None, rotate=None, scale=True
) -> Trace:
    X_q = as_matrix("X", X_q)
    X_kv = X_q if X_kv is None else as_matrix("X_kv", X_kv)
    W_q, W_k, W_v = (as_matrix(n, w) for n, w in (("W_q", W_q), ("W_k", W_k), ("W_v", W_v)))
    d_q, d_kv = X_q.shape[1], X_kv.shape[1]
    check_rows("W_q", W_q, d_q, "the width d of X")
    check_rows("W_k", W_k, d_kv, "the width d of the key/value input")
    check_rows("W_v", W_v, d_kv, "the width d of the key/value input")
    if W_q.shape[1] != W_k.shape[1]:
        raise ValueError(f"W_q gives d_k = {W_q.shape[1]} but W_k gives {W_k.shape[1]}; q and k must have one size")
    T_q, T_kv = X_q.shape[0], X_kv.shape[0]
    tokens = check_tokens(tokens, T_q)
    kv_tokens = tokens if X_kv is X_q and kv_tokens is None else check_tokens(kv_tokens, T_kv, "kv_tokens")
    mask = check_mask(mask, T_q, T_kv)
    b_q = _bias("b_q", b_q, W_q.shape[1], "d_k (the columns of W_q)")
    b_k = _bias("b_k", b_k, W_k.shape[1], "d_k (the columns of W_k)")
    b_v = _bias("b_v", b_v, W_v.shape[1], "d_v (the columns of W_v)")

    # Every product in a fixed order, without BLAS (arith.matmul): the same bits on every CPU and kernel.
    Q, K, V = arith.matmul(X_q, W_q), arith.matmul(X_kv, W_k), arith.matmul(X_kv, W_v)
    # Added only when given: without biases the arithmetic is exactly what it always was.
    if b_q is not None:
        Q = Q + b_q
    if b_k is not None:
        K = K + b_k
    if b_v is not None:
        V = V + b_v
    unrotated = {}
    if rotate is not None:  # rotary positions (a decoder's RoPE) turn q and k after the projection
        unrotated = {"Q_unrotated": frozen(Q), "K_unrotated": frozen(K)}
        Q, K = rotate(Q), rotate(K)
    scores = arith.matmul(Q, K.T)
    scale = 1.0 / np.sqrt(W_q.shape[1]) if scale else 1.0  # scale=False: the unscaled scores, to see softmax saturate
    scaled = scores * scale
    masked = scaled.copy() if mask is None else np.where(mask, scaled, -np.inf)
    weights = softmax(masked, axis=1)
    output = arith.matmul(weights, V)
    return Trace(
        tokens=tokens,
        X=X_q,
        W_q=W_q,
        W_k=W_k,
        W_v=W_v,
        Q=frozen(Q),
        K=frozen(K),
        V=frozen(V),
        scores=frozen(scores),
        scale=float(scale),
        scaled=frozen(scaled),
        mask=mask,
        masked=frozen(masked),
        weights=frozen(weights),
        output=frozen(output),
        kv_tokens=kv_tokens,
        X_kv=X_kv,
        b_q=b_q,
        b_k=b_k,
        b_v=b_v,
        **unrotated,
    )


def self_attention(
    X, W_q, W_k, W_v, mask=None, tokens=None, b_q=None, b_k=None, b_v=None, rotate=None, scale=True
) -> Trace:
    """Attention of a sequence X (T x d) to itself: softmax(X W_q (X W_k)^T / sqrt(d_k)) X W_v.

    With biases (1-D, one per column of W_q, W_k, W_v) the projections are X W_q + b_q and so on,
    as in a pretrained model's linear layers. ``rotate``, a function of a T x d_k array whose row t
    is position t, turns Q and K before their product (rotary position embedding); the trace then
    keeps the products before it as ``Q_unrotated`` and ``K_unrotated``. ``scale=False`` leaves out
    the 1/sqrt(d_k) (the trace's ``scale`` is then 1.0 and ``scaled`` equals ``scores``), to show what
    the scale is for.
    """
    return _attend(X, None, W_q, W_k, W_v, mask, tokens, None, b_q, b_k, b_v, rotate, scale)


def cross_attention(X_q, X_kv, W_q, W_k, W_v, mask=None, tokens=None, kv_tokens=None) -> Trace:
    """Queries from X_q (T_q x d), keys and values from X_kv (T_kv x d); scores are T_q x T_kv."""
    return _attend(X_q, X_kv, W_q, W_k, W_v, mask, tokens, kv_tokens)


def multi_head_attention(X, W_q, W_k, W_v, W_o, heads, mask=None, tokens=None) -> MultiHeadTrace:
    """h heads, each on its own column block of W_q, W_k, W_v; outputs concatenated, then times W_o.

    With W's of shape d x d, each head has d_k = d_v = d / h, as in the paper.
    """
    if isinstance(heads, bool) or not isinstance(heads, (int, np.integer)):
        raise TypeError(f"heads must be an integer, got {type(heads).__name__}")
    if heads < 1:
        raise ValueError(f"heads must be at least 1, got {heads}")
    X = as_matrix("X", X)
    mats = {n: as_matrix(n, w) for n, w in (("W_q", W_q), ("W_k", W_k), ("W_v", W_v), ("W_o", W_o))}
    for name in ("W_q", "W_k", "W_v"):
        width = mats[name].shape[1]
        if width % heads:
            raise ValueError(f"{name} has {width} columns, which is not divisible by heads = {heads}")
    d_k, d_v = mats["W_q"].shape[1] // heads, mats["W_v"].shape[1] // heads
    per_head = tuple(
        self_attention(
            X,
            mats["W_q"][:, i * d_k : (i + 1) * d_k],
            mats["W_k"][:, i * d_k : (i + 1) * d_k],
            mats["W_v"][:, i * d_v : (i + 1) * d_v],
            mask=mask,
            tokens=tokens,
        )
        for i in range(heads)
    )
    concat = np.concatenate([head.output for head in per_head], axis=1)
    W_o = mats["W_o"]
    if W_o.shape[0] != concat.shape[1]:
        raise ValueError(f"W_o has {W_o.shape[0]} rows but the concatenated heads have {concat.shape[1]} columns")
    return MultiHeadTrace(
        tokens=per_head[0].tokens,
        X=X,
        W_q=mats["W_q"],
        W_k=mats["W_k"],
        W_v=mats["W_v"],
        heads=per_head,
        concat=frozen(concat),
        W_o=W_o,
        output=frozen(arith.matmul(concat, W_o)),
    )
