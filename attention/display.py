"""What is shown on screen: values rounded once, here, so that scenes and tests agree."""

from __future__ import annotations

import numpy as np


def display(values, decimals: int = 2) -> np.ndarray:
    """``values`` rounded to ``decimals`` places, with -0.0 shown as 0.0; infinities kept."""
    if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative integer, got {decimals!r}")
    rounded = np.round(np.asarray(values, dtype=np.float64), int(decimals))
    return rounded + 0.0  # turns -0.0 into 0.0


def display_text(value: float, decimals: int = 2) -> str:
    """One displayed value as text ("−∞" for a masked score), with a true minus sign."""
    value = float(display(value, decimals))
    if np.isinf(value):
        return "\u2212\u221e" if value < 0 else "\u221e"
    text = f"{value:.{decimals}f}"
    return text.replace("-", "\u2212")


FOLD_HEAD, FOLD_TAIL = 4, 2  # a folded dimension keeps its first and last entries, an ellipsis between


def folded(n: int, limit: int, head: int = FOLD_HEAD, tail: int = FOLD_TAIL) -> tuple[int | None, ...]:
    """The indices of a dimension of ``n`` entries as drawn: all of them up to ``limit``; beyond, the first
    ``head``, None (where an ellipsis stands) and the last ``tail``, e.g. 384 -> 0 1 2 3 None 382 383."""
    if n <= max(limit, head + tail + 1):
        return tuple(range(n))
    return (*range(head), None, *range(n - tail, n))


def fold(values, limit: int, head: int = FOLD_HEAD, tail: int = FOLD_TAIL):
    """A 2-D array as drawn, each dimension longer than ``limit`` folded (see ``folded``): the shown values,
    NaN where an ellipsis row or column stands, and the source row and column index of each shown one."""
    values = np.asarray(values, dtype=np.float64)
    rows, cols = (folded(n, limit, head, tail) for n in values.shape)
    shown = np.full((len(rows), len(cols)), np.nan)
    for r, i in enumerate(rows):
        for c, j in enumerate(cols):
            if i is not None and j is not None:
                shown[r, c] = values[i, j]
    return shown, rows, cols
