"""How a grid's cells look: the fill a value's shade gets, the cells as outlined rectangles, the stroke across a
masked cell and the dots of an ellipsis cell, and the ink that reads on a fill.

This is the one module to change a cell's look (its fill rule, outline, corners, marks); ``MatrixGrid``
(matrix_grid.py) lays the cells out, adds digits and labels, and animates them. The shade of a value is
``shading.py``'s rule, shared with the explorer.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Dot, Line, ManimColor, Rectangle, VGroup, interpolate_color

from scenes.kit.shading import is_light, shades, strength
from scenes.kit.theme import Theme

ELLIPSIS_DOT = 0.06  # the radius of an ellipsis cell's dots, per unit of the cell's smaller side
ELLIPSIS_SPREAD = 0.27  # between an ellipsis cell's dots, per unit of the cell's side
ELLIPSIS = {"row": ("\u22ee", UP), "column": ("\u22ef", RIGHT), "both": ("\u22f1", UP + LEFT)}


def fill_of(theme: Theme, color_key: str, shade: float) -> ManimColor:
    """The fill of a cell of shade ``shade`` (``shading.shades``) in a matrix coloured ``color_key``: from the
    background towards the matrix's colour (the theme's negative colour below 0), the theme's masked grey at -inf.

    Examples
    --------
    >>> from scenes.kit.theme import load_theme
    >>> theme = load_theme("video")
    >>> fill_of(theme, "Q", 1.0).to_hex() == ManimColor(theme.matrix_color("Q")).to_hex()
    True
    >>> fill_of(theme, "Q", -np.inf).to_hex() == ManimColor(theme.masked).to_hex()
    True
    """
    if np.isneginf(shade):
        return ManimColor(theme.masked)
    target = theme.matrix_color(color_key) if shade >= 0 else theme.negative
    return interpolate_color(ManimColor(theme.background), ManimColor(target), strength(shade))


def cell_rectangles(
    values: np.ndarray, peak: float, theme: Theme, color_key: str, stroke_color, width: float, height: float
) -> VGroup:
    """One rectangle per entry of ``values``, in reading order, centred on the origin: filled by its shade
    against ``peak``; a NaN entry (where an ellipsis stands) has no outline and no fill."""
    n_rows, n_cols = values.shape
    grid_shades = shades(values, peak)
    cells = VGroup()
    for i in range(n_rows):
        for j in range(n_cols):
            gap = np.isnan(values[i, j])
            cell = Rectangle(
                width=width,
                height=height,
                stroke_color=stroke_color,
                stroke_width=theme.stroke.none if gap else theme.stroke.cell(min(width, height)),
                fill_color=theme.background if gap else fill_of(theme, color_key, grid_shades[i, j]),
                fill_opacity=0.0 if gap else 1.0,
            )
            cell.move_to(np.array([(j - (n_cols - 1) / 2) * width, ((n_rows - 1) / 2 - i) * height, 0]))
            cells.add(cell)
    return cells


def masked_marks(values: np.ndarray, cells: VGroup, stroke_color, theme: Theme, size: float) -> VGroup:
    """A diagonal stroke across each masked (-inf) cell: at sizes too small for digits, a masked cell must still
    differ from a small negative one, whose slate fill is close to the masked grey. ``size``: the cells' smaller
    side."""
    marks = VGroup()
    for cell, value in zip(cells, np.ravel(values), strict=True):
        if np.isneginf(value):
            marks.add(
                Line(
                    cell.get_corner(UP + LEFT),
                    cell.get_corner(DOWN + RIGHT),
                    color=stroke_color,
                    stroke_width=theme.stroke.cell(size),
                )
            )
    return marks


def ellipsis_dots(kind: str, centre: np.ndarray, theme: Theme, size: float) -> VGroup:
    """Three dots centred on ``centre``: down an ellipsis row, across an ellipsis column, aslant where both
    meet (``kind``: "row", "column", "both"); ``text`` says which ellipsis they draw."""
    _, direction = ELLIPSIS[kind]
    dots = VGroup(
        *[
            Dot(centre + k * ELLIPSIS_SPREAD * size * direction, radius=ELLIPSIS_DOT * size, color=theme.text)
            for k in (-1, 0, 1)
        ]
    )
    dots.text = ELLIPSIS[kind][0]
    return dots


def ink_on(theme: Theme, fill: ManimColor) -> ManimColor:
    """The ink of digits on a cell filled ``fill``: dark on light cells, light on dark ones."""
    light = is_light(fill.to_rgb())
    dark_ink, light_ink = sorted((theme.text, theme.background), key=lambda c: sum(ManimColor(c).to_rgb()))
    return ManimColor(dark_ink if light else light_ink)
