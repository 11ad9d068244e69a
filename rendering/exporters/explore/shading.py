"""The cells' shades as the video draws them: the palettes' colours and the grids' own shading rule, without Manim.

What belongs here: turning a matrix's values into steps of a colour ramp built by the rule every grid shades by
(``scenes.kit.shading``) from the palette's colours (``scenes.kit.palette``), so the page's cells have the video's
colours: the matrix's colour for positive values, the neutral slate for negative ones, stronger for larger
magnitudes, the masked grey for -inf, and the ink legible on each.
"""

from __future__ import annotations

import string

import numpy as np

from scenes.kit.palette import read_palette
from scenes.kit.shading import is_light, peak_of, shades, strength

STEPS = 24  # shade steps per sign: finer than the eye tells apart on a cell
# One character per step, so a matrix's shades are a short string: index = step + STEPS (0 .. 2 STEPS).
STEP_CHARS = string.ascii_letters[: 2 * STEPS + 1]
MASKED_CHAR, GAP_CHAR = "~", "."  # a -inf cell, and where an ellipsis stands
assert MASKED_CHAR not in STEP_CHARS and GAP_CHAR not in STEP_CHARS

__all__ = ["GAP_CHAR", "MASKED_CHAR", "STEP_CHARS", "ramp", "read_palette", "shade_string"]


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour.lstrip("#")[n : n + 2], 16) / 255 for n in (0, 2, 4)])


def _hex(rgb: np.ndarray) -> str:
    return "#" + "".join(f"{round(float(c) * 255):02x}" for c in np.clip(rgb, 0, 1))


def _fill(palette: dict, key: str, shade: float) -> np.ndarray:
    target = palette["matrix"][key] if shade >= 0 else palette["negative"]
    background = _rgb(palette["background"])
    return background + (_rgb(target) - background) * strength(shade)


def ramp(name: str, key: str) -> dict:
    """The fills (and the ink legible on each) of matrix ``key`` in palette ``name``, for steps -STEPS..STEPS.

    >>> r = ramp("video", "Q")
    >>> len(r["fill"]) == 2 * STEPS + 1, r["fill"][0] != r["fill"][-1]
    (True, True)
    """
    palette = read_palette(name)
    dark, light = sorted((palette["text"], palette["background"]), key=lambda c: _rgb(c).sum())
    fills = [_fill(palette, key, step / STEPS) for step in range(-STEPS, STEPS + 1)]
    return {
        "fill": [_hex(fill) for fill in fills],
        "ink": [(dark if is_light(fill) else light).lower() for fill in fills],
    }


def shade_string(values, peak: float | None = None) -> str:
    """One character per cell of ``values`` (folded: NaN where an ellipsis stands), row by row: the cell's shade
    (``scenes.kit.shading.shades``, against ``peak``) as a step of ``ramp``, or the masked or gap mark.

    >>> shade_string(np.array([[1.0, -0.5, -np.inf]]))
    'Wm~'
    """
    values = np.asarray(values, dtype=np.float64)
    peak = peak_of(values) if peak is None else peak
    cells = np.ravel(shades(values, peak))
    chars = []
    for value, shade in zip(np.ravel(values), cells, strict=True):
        if np.isnan(value):
            chars.append(GAP_CHAR)
        elif np.isneginf(shade):
            chars.append(MASKED_CHAR)
        else:
            chars.append(STEP_CHARS[int(round(float(np.clip(shade, -1, 1)) * STEPS)) + STEPS])
    return "".join(chars)
