"""Why keys need their own matrix: with W_k = W_q the scores q_i.k_j = q_i.q_j are symmetric."""

from __future__ import annotations

import numpy as np

from .core import self_attention
from .trace import Trace


def tied_keys(trace: Trace) -> Trace:
    """The same self-attention with W_k replaced by W_q (keys = queries), so QK^T = QQ^T."""
    if trace.is_cross:
        raise ValueError("tied keys compare a sequence with itself; give a self-attention trace")
    return self_attention(trace.X, trace.W_q, trace.W_q, trace.W_v, mask=trace.mask, tokens=trace.tokens)


def mirrored_pair(trace: Trace) -> tuple[int, int]:
    """The off-diagonal pair (i, j), i < j, whose scores differ most between i->j and j->i."""
    scores = np.asarray(trace.scores)
    if scores.shape[0] != scores.shape[1] or scores.shape[0] < 2:
        raise ValueError(f"a mirrored pair needs a square score matrix of 2 or more rows, got {scores.shape}")
    rows, cols = np.triu_indices(scores.shape[0], k=1)
    best = int(np.argmax(np.abs(scores[rows, cols] - scores[cols, rows])))  # the first pair on a tie
    return int(rows[best]), int(cols[best])
