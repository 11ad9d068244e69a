"""How a value becomes a shade, without Manim: the rule every grid, lens and explorable page shades by.

What belongs here: the peak a matrix is shaded against, each value's signed shade in [-1, 1], the strength of
its colour (a floor keeps every cell in its matrix's hue; a gamma lifts mid values) and which ink is legible on
a fill. Colours themselves come from the palette (``palette.py``); Manim's colour objects stay in the grids.

Examples
--------
>>> import numpy as np
>>> shades(np.array([2.0, -1.0, -np.inf])).tolist()
[1.0, -0.5, -inf]
>>> round(strength(0.0), 2), round(strength(1.0), 2)
(0.18, 1.0)
"""

from __future__ import annotations

import numpy as np

SHADE_FLOOR = 0.18
SHADE_GAMMA = 0.7


def peak_of(values) -> float:
    """The largest |value| among the finite entries (0 when there is none)."""
    values = np.asarray(values, dtype=np.float64)
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size else 0.0


def shades(values: np.ndarray, peak: float | None = None) -> np.ndarray:
    """Each value's shade in [-1, 1]: value / peak (default max |value|); monotonic in value.

    0 is the background, +1 the matrix colour, -1 the theme's negative colour; -inf stays -inf.
    A grid keeps its peak when it takes new values, so scaled-down values look lighter.
    """
    values = np.asarray(values, dtype=np.float64)
    peak = peak_of(values) if peak is None else peak
    with np.errstate(invalid="ignore", divide="ignore"):
        result = values / peak if peak > 0 else np.zeros_like(values)
    return np.where(np.isneginf(values), -np.inf, result)


def strength(shade: float) -> float:
    """How far from the background towards the matrix's (or the negative) colour a finite shade's fill goes."""
    return SHADE_FLOOR + (1 - SHADE_FLOOR) * min(abs(shade), 1.0) ** SHADE_GAMMA


def is_light(rgb) -> bool:
    """Whether a fill (r, g, b in 0..1) is light, so that dark ink reads on it (Rec. 709 luminance)."""
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5
