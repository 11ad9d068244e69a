"""What a mask does to the attention weights, stated as numbers the scenes can show."""

from __future__ import annotations

import numpy as np

from .trace import Trace


def row_sums(weights) -> np.ndarray:
    """Each row of A summed, as a T x 1 column (1 up to rounding: softmax rows are distributions)."""
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 2:
        raise ValueError(f"weights must be 2-D, got shape {weights.shape}")
    return weights.sum(axis=1, keepdims=True)


def masked_weights_are_zero(trace: Trace) -> bool:
    """True when every weight the mask forbids is exactly 0.0 (exp(-inf) = 0, not merely small)."""
    if trace.mask is None:
        return True
    return bool(np.all(trace.weights[~trace.mask] == 0.0))
