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
