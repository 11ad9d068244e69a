"""The cells' shades as the video draws them: the palettes' colours, and the grids' own shading rule.

What belongs here: reading a palette (TOML, from the folder ``scenes.theme.ASSETS`` names) and turning a
matrix's values into steps of a colour ramp that ``scenes.matrix_grid.MatrixGrid.fill_of`` computes, so the
page's cells have the video's colours: the matrix's colour for positive values, the neutral slate for
negative ones, stronger for larger magnitudes, the masked grey for -inf.
"""

from __future__ import annotations

import string
import tomllib
from functools import lru_cache
from types import SimpleNamespace

import numpy as np

from scenes.matrix_grid import MatrixGrid, peak_of, shades
from scenes.theme import ASSETS, Theme

STEPS = 24  # shade steps per sign: finer than the eye tells apart on a cell
# One character per step, so a matrix's shades are a short string: index = step + STEPS (0 .. 2 STEPS).
STEP_CHARS = string.ascii_letters[: 2 * STEPS + 1]
MASKED_CHAR, GAP_CHAR = "~", "."  # a -inf cell, and where an ellipsis stands
assert MASKED_CHAR not in STEP_CHARS and GAP_CHAR not in STEP_CHARS


def palette_folder():
    """Where the palettes are: under the scenes' assets, wherever those live."""
    return ASSETS / "palettes"


@lru_cache(maxsize=8)
def read_palette(name: str) -> dict:
    """The palette ``name`` ("video" or "dark") as the TOML file says it.

    >>> read_palette("video")["matrix"]["Q"]
    '#FF8313'
    """
    path = palette_folder() / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in palette_folder().glob("*.toml")))
        raise ValueError(f"unknown theme {name!r}; choose one of: {known}")
    with path.open("rb") as fh:
        return tomllib.load(fh)


def _grid(theme: Theme, key: str) -> SimpleNamespace:
    # MatrixGrid.fill_of and _ink_on read only these two attributes: a stand-in lets the page use the very
    # rule the grids use, without building a Manim grid.
    return SimpleNamespace(theme=theme, color_key=key)


def ramp(name: str, key: str) -> dict:
    """The fills (and the ink legible on each) of matrix ``key`` in palette ``name``, for steps -STEPS..STEPS.

    >>> r = ramp("video", "Q")
    >>> len(r["fill"]) == 2 * STEPS + 1, r["fill"][0] != r["fill"][-1]
    (True, True)
    """
    theme = Theme(**read_palette(name))
    grid = _grid(theme, key)
    fills = [MatrixGrid.fill_of(grid, step / STEPS) for step in range(-STEPS, STEPS + 1)]
    return {
        "fill": [fill.to_hex().lower() for fill in fills],
        "ink": [MatrixGrid._ink_on(grid, fill).to_hex().lower() for fill in fills],
    }


def shade_string(values, peak: float | None = None) -> str:
    """One character per cell of ``values`` (folded: NaN where an ellipsis stands), row by row: the cell's shade
    (``scenes.matrix_grid.shades``, against ``peak``) as a step of ``ramp``, or the masked or gap mark.

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
