"""The record of one attention computation: every intermediate, kept for display."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

import numpy as np


@dataclass(frozen=True)
class Trace:
    """Single-head scaled dot-product attention, step by step.

    ``X`` is the sequence the queries come from; ``X_kv`` the one keys and values
    come from (the same array for self-attention). All arrays are float64.
    ``b_q``, ``b_k``, ``b_v`` are the projections' biases when the weights come with
    them (a pretrained model: Q = X W_q + b_q), None for the toy core's bias-free ones.
    A decoder with rotary position embedding (RoPE) keeps its products before the rotation as
    ``Q_unrotated`` = X W_q and ``K_unrotated`` = X W_k (``Q`` and ``K`` are the rotated ones that
    the scores use), and ``kv_head``, the 1-based key/value head this query head shares under
    grouped-query attention; all three are None elsewhere.

    Examples
    --------
    >>> import attention
    >>> trace = attention.example(sentence="a b c", d=4)
    >>> trace.scores.shape, trace.T, trace.d_k
    ((3, 3), 3, 4)
    >>> bool(abs(trace.output - trace.weights @ trace.V).max() < 1e-12)
    True
    """

    tokens: tuple[str, ...]
    X: np.ndarray
    W_q: np.ndarray
    W_k: np.ndarray
    W_v: np.ndarray
    Q: np.ndarray
    K: np.ndarray
    V: np.ndarray
    scores: np.ndarray  # Q K^T
    scale: float  # 1 / sqrt(d_k)
    scaled: np.ndarray  # scale * Q K^T
    mask: np.ndarray | None  # boolean, True = may attend
    masked: np.ndarray  # scaled, with -inf where the mask forbids
    weights: np.ndarray  # A, softmax of each row of ``masked``
    output: np.ndarray  # R = A V
    kv_tokens: tuple[str, ...]
    X_kv: np.ndarray
    # Last and optional, so that every existing construction and digest stays as it was.
    b_q: np.ndarray | None = None
    b_k: np.ndarray | None = None
    b_v: np.ndarray | None = None
    Q_unrotated: np.ndarray | None = None
    K_unrotated: np.ndarray | None = None
    kv_head: int | None = None

    @property
    def T(self) -> int:
        return self.X.shape[0]

    @property
    def T_kv(self) -> int:
        return self.X_kv.shape[0]

    @property
    def d(self) -> int:
        return self.X.shape[1]

    @property
    def d_k(self) -> int:
        return self.W_q.shape[1]

    @property
    def d_v(self) -> int:
        return self.W_v.shape[1]

    @property
    def is_cross(self) -> bool:
        return self.X_kv is not self.X

    def digest(self) -> str:
        """sha256 over every field, so that a rendered file can name the numbers it shows."""
        return _digest(self)


@dataclass(frozen=True)
class MultiHeadTrace:
    """h heads of attention side by side, concatenated and projected by ``W_o``."""

    tokens: tuple[str, ...]
    X: np.ndarray
    W_q: np.ndarray
    W_k: np.ndarray
    W_v: np.ndarray
    heads: tuple[Trace, ...]
    concat: np.ndarray  # T x (h d_v)
    W_o: np.ndarray  # (h d_v) x d
    output: np.ndarray  # T x d

    @property
    def h(self) -> int:
        return len(self.heads)

    @property
    def T(self) -> int:
        return self.X.shape[0]

    @property
    def d(self) -> int:
        return self.X.shape[1]

    @property
    def d_k(self) -> int:
        return self.heads[0].d_k

    @property
    def d_v(self) -> int:
        return self.heads[0].d_v

    def digest(self) -> str:
        return _digest(self)


def _digest(record) -> str:
    h = hashlib.sha256()
    for f in fields(record):
        value = getattr(record, f.name)
        if value is None and f.default is None:
            continue  # an optional field left out (the biases) hashes as if it did not exist: old digests hold
        h.update(f.name.encode())
        if isinstance(value, np.ndarray):
            h.update(str(value.shape).encode())
            h.update(np.ascontiguousarray(value).tobytes())
        elif isinstance(value, tuple) and value and isinstance(value[0], Trace):
            for head in value:
                h.update(_digest(head).encode())
        else:
            h.update(repr(value).encode())
    return h.hexdigest()
