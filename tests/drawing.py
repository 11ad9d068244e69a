"""What a scene drew, read off its mobjects, for the tests to hold against what the trace says should be there.

The drawn side comes from the mobjects only: a cell's fill is its rectangle's ``get_fill_color()`` and
``get_fill_opacity()``; a number is what its glyph outlines read (``read``: a ``Numeral``'s points matched,
glyph by glyph, against the font's); ``watched`` notes what a scene drew after each play. The expected side is
computed here from the values: the shade rule (``scenes.kit.shading``, shared with the explorer) over the
palette's colours, and ``attention.display_text``. Nothing is taken from what a scene or grid noted about
itself, so a grid drawn blank, a cell in the wrong shade or a wrong digit fails.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from manim import ManimColor, Mobject

from scenes.kit.shading import shades, strength
from scenes.kit.text.numerals import SPACES, Numeral, _glyphs

COLOUR_TOLERANCE = 1.5 / 255  # a channel's rounding to 8 bits, and a little more
OUTLINE_TOLERANCE = 1e-6  # of the number's height: the same glyphs, placed by the same arithmetic
OUTLINE_SHIFT = 0.02  # of the number's height: an outline re-cut by a transform still traces the same glyphs


def rgb(colour) -> np.ndarray:
    return np.array(ManimColor(colour).to_rgb())


def cell_at(n: int, values: np.ndarray) -> tuple[int, int]:
    """The (row, column) of the n-th cell in reading order."""
    i, j = divmod(int(n), values.shape[1])
    return i, j


def expected_fills(values, peak: float, theme, color_key: str) -> np.ndarray:
    """The RGB fill each value's cell should have (NaN where an ellipsis stands), by the palette: from the
    background towards the matrix colour (the negative colour below 0) by the shade's strength, masked grey at
    -inf. Written out here, in NumPy, so that it does not share code with the grid's fill function."""
    values = np.asarray(values, dtype=np.float64)
    background = rgb(theme.background)
    out = np.full((*values.shape, 3), np.nan)
    for index, shade in np.ndenumerate(shades(values, peak)):
        value = values[index]
        if np.isnan(value):
            continue
        if np.isneginf(value):
            out[index] = rgb(theme.masked)
            continue
        target = rgb(theme.matrix[color_key] if shade >= 0 else theme.negative)
        out[index] = background + (target - background) * strength(shade)
    return out


def check_fills(cells, values, peak: float, theme, color_key: str, name: str = "grid") -> None:
    """Each drawn cell (``cells``, in reading order) is filled as ``values`` say: an opaque fill of the expected
    colour, or nothing where an ellipsis stands. AssertionError naming the first wrong cell otherwise."""
    values = np.asarray(values, dtype=np.float64)
    assert len(cells) == values.size, f"{name}: {len(cells)} cells drawn for {values.size} values"
    expected = expected_fills(values, peak, theme, color_key).reshape(-1, 3)
    drawn = np.array([cell.get_fill_color().to_rgb() for cell in cells])
    opacity = np.array([cell.get_fill_opacity() for cell in cells])
    gaps = np.isnan(values.ravel())
    assert np.all(opacity[gaps] == 0), f"{name}: an ellipsis cell is filled"
    unfilled = np.flatnonzero(~gaps & (opacity < 1))
    first = unfilled[0] if unfilled.size else 0
    assert not unfilled.size, f"{name}: cell {cell_at(first, values)} is not filled (opacity {opacity[first]})"
    off = np.abs(drawn - expected).max(axis=1)
    wrong = np.flatnonzero(~gaps & (off > COLOUR_TOLERANCE))
    assert not wrong.size, (
        f"{name}: cell {cell_at(wrong[0], values)} (value {values.ravel()[wrong[0]]:.4g}) is filled "
        f"{ManimColor(drawn[wrong[0]]).to_hex()}, its shade is {ManimColor(expected[wrong[0]]).to_hex()} "
        f"({wrong.size} of {values.size} cells wrong)"
    )


def check_grid_fills(grid, values, name: str = "grid") -> None:
    """``check_fills`` for a MatrixGrid's drawn cells, against its peak and colour."""
    check_fills(list(grid.cells), values, grid.peak, grid.theme, grid.color_key, name)


def read(numeral, font: str) -> str | None:
    """The text a ``Numeral`` draws, read off its outline: its points, chunk by chunk, matched against each
    glyph of ``font`` (``numerals._glyphs``) at one scale and baseline, the spaces read from the gaps between
    glyphs. None when the outline is not glyphs of ``font`` laid out on one line."""
    if not isinstance(numeral, Numeral):
        return None
    points = without_null_curves(visible_points(numeral))
    if not len(points):
        return None
    glyphs = {ch: (without_null_curves(outline), slot, height) for ch, (outline, slot, height) in _glyphs(font).items()}
    zero_slot = glyphs["0"][1]
    for first in glyphs:
        text = _read_from(points, glyphs, first, zero_slot)
        if text is not None:
            return text
    return None


def visible_points(mobject: Mobject) -> np.ndarray:
    """The points ``mobject`` draws: those of its family's visible members, in order. (A transform may move a
    mobject's points into a child of its own and add invisible copies: Manim's ``align_data``.)"""
    parts = [m.points for m in mobject.get_family() if m.has_points() and m.get_fill_opacity() > 0]
    return np.concatenate(parts) if parts else np.zeros((0, 3))


def without_null_curves(points: np.ndarray) -> np.ndarray:
    """The cubic curves of ``points`` less those of no length (a glyph's subpaths close with one, which Manim's
    transforms may drop): the same outline, whichever way it was copied."""
    if not len(points):
        return points
    curves = points.reshape(-1, 4, 3)
    spans = np.ptp(curves, axis=1).max(axis=1)
    return curves[spans > 1e-9 * np.ptp(points, axis=0).max()].reshape(-1, 3)


def _read_from(points: np.ndarray, glyphs: dict, first: str, zero_slot: float) -> str | None:
    """``read``, supposing the first glyph is ``first``: it fixes the scale and the baseline."""
    shape = glyphs[first][0]
    if len(shape) > len(points):
        return None
    chunk = points[: len(shape)]
    centred, model = chunk - chunk.mean(axis=0), shape - shape.mean(axis=0)
    scale = float((centred * model).sum() / (model * model).sum())
    tolerance = OUTLINE_TOLERANCE * scale * glyphs["0"][2]
    if scale <= 0 or np.abs(centred - scale * model).max() > tolerance:
        return None
    origin = chunk.mean(axis=0) - scale * shape.mean(axis=0)  # where the first glyph's slot centre is drawn
    text, at, cursor = first, len(shape), glyphs[first][1] / 2  # cursor: the end of the last slot, in glyph units
    while at < len(points):
        for ch, (outline, slot, _) in glyphs.items():
            if at + len(outline) > len(points):
                continue
            chunk = points[at : at + len(outline)]
            shift = (chunk - (scale * outline + origin)).mean(axis=0)
            if abs(shift[1]) > tolerance or abs(shift[2]) > tolerance:
                continue
            if np.abs(chunk - (scale * outline + origin + shift)).max() > tolerance:
                continue
            gap = shift[0] / scale - slot / 2 - cursor  # the spaces between the last glyph and this one
            spaces = _spaces(gap / zero_slot)
            if spaces is None:
                continue
            text += spaces + ch
            at += len(outline)
            cursor = shift[0] / scale + slot / 2
            break
        else:
            return None
    return text


def _spaces(width: float) -> str | None:
    """The spaces (``numerals.SPACES``, in slots of "0") that make up ``width``, or None."""
    for count in range(4):
        for thin in range(4):
            if abs(count * SPACES[" "] + thin * SPACES["\u2009"] - width) < 1e-6:
                return "\u2009" * thin + " " * count
    return None


def reads(numeral, text: str, font: str) -> bool:
    """Whether the glyphs ``numeral`` draws are those of ``text``: read glyph by glyph (``read``) or, when a
    transform re-cut its curves so that they no longer match the font's point for point, its outline traced
    along a fresh typeset of ``text`` (``same_outline``)."""
    seen = read(numeral, font)
    if seen is not None:
        return seen == text
    return isinstance(numeral, Numeral) and same_outline(numeral, text, font)


def _samples(points: np.ndarray, per_curve: int = 128) -> np.ndarray:
    """Points along every cubic curve of ``points`` (x, y), close enough together that a point of the same
    outline cut into other curves falls near one of them."""
    curves = points.reshape(-1, 4, 3)[:, :, :2]
    t = np.linspace(0, 1, per_curve)[None, :, None]
    a, b, c, d = (curves[:, k][:, None, :] for k in range(4))
    return ((1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t**2 * c + t**3 * d).reshape(-1, 2)


def same_outline(numeral, text: str, font: str) -> bool:
    """Whether the curves ``numeral`` draws trace the outline of ``text`` typeset afresh at its size and place:
    every sampled point of either within OUTLINE_SHIFT of its height from the other's."""
    from scipy.spatial import cKDTree

    drawn = _samples(without_null_curves(visible_points(numeral)))
    if not len(drawn):
        return False
    fresh = _samples(without_null_curves(Numeral(text, font, 1.0, numeral.get_fill_color()).points))
    low, high = drawn.min(axis=0), drawn.max(axis=0)
    fresh_low, fresh_high = fresh.min(axis=0), fresh.max(axis=0)
    scale = (high[1] - low[1]) / (fresh_high[1] - fresh_low[1])
    fresh = (fresh - (fresh_low + fresh_high) / 2) * scale + (low + high) / 2
    limit = OUTLINE_SHIFT * (high[1] - low[1])
    return bool(cKDTree(fresh).query(drawn)[0].max() < limit and cKDTree(drawn).query(fresh)[0].max() < limit)


def check_reads(numeral, text: str, font: str, what: str) -> None:
    """AssertionError unless ``numeral`` draws ``text``."""
    assert reads(numeral, text, font), f"{what}: the glyphs drawn read {read(numeral, font)!r}, not {text!r}"


def check_grid_digits(grid, values, decimals: int, font: str, name: str = "grid") -> None:
    """Each of a grid's drawn numbers reads as ``attention.display_text`` of its value (an ellipsis cell draws
    no glyph), centred in its cell."""
    import attention

    values = np.asarray(values, dtype=np.float64)
    assert len(grid.numbers) == values.size, f"{name}: {len(grid.numbers)} numbers drawn for {values.size} values"
    for n, (number, cell, value) in enumerate(zip(grid.numbers, grid.cells, values.ravel(), strict=True)):
        where = f"{name}, cell {cell_at(n, values)}"
        if np.isnan(value):
            assert not len(visible_points(number)), f"{where}: an ellipsis cell draws glyphs"
            continue
        check_reads(number, attention.display_text(value, decimals), font, where)
        inside = np.allclose(number.get_center()[:2], cell.get_center()[:2], atol=cell.width / 2)
        assert inside, f"{where}: the number is not in its cell"


def numerals(mobject: Mobject) -> list[Numeral]:
    """The numbers ``mobject`` draws, in its family's order."""
    return outermost([m for m in mobject.get_family() if isinstance(m, Numeral)])


def outermost(numbers: list) -> list:
    """``numbers`` without those inside another of them (the copy a transform pushed a Numeral's points into)."""
    inner = {id(child) for n in numbers for child in n.get_family()[1:]}
    return [n for n in numbers if id(n) not in inner and len(visible_points(n))]


def on_screen(scene) -> set[int]:
    """The ids of the mobjects a scene draws now (its families)."""
    return {id(m) for m in scene.get_mobject_family_members()}


# ----- what a scene drew over its whole run ------------------------------------------------------------------------
def watched(scene_class):
    """A subclass of ``scene_class`` that notes, after each play (narrations and waits included), every mobject on
    screen: ``seen`` maps id to mobject, in the order they were first drawn. What a scene shows and then fades
    out (a worked row, a callout) can be read after the run."""

    class Watched(scene_class):
        def setup(self):
            super().setup()
            self.seen: dict[int, Mobject] = {}

        def play(self, *animations, **kwargs):
            super().play(*animations, **kwargs)
            for mobject in self.get_mobject_family_members():
                self.seen.setdefault(id(mobject), mobject)

    Watched.__name__ = Watched.__qualname__ = scene_class.__name__
    return Watched


def grid_digits(scene) -> set[int]:
    """The ids of the digits of every grid the scene drew (MatrixGrids: the overviews and the lenses' strips)."""
    from scenes.kit.matrix_grid import MatrixGrid

    return {id(n) for m in scene.seen.values() if isinstance(m, MatrixGrid) for n in m.numbers}


def seen_texts(scene, outside_grids: bool = False) -> list[str]:
    """What every number a watched scene drew reads, in the order they were first drawn ("+" signs left out);
    ``outside_grids``: only those outside grids (callouts, notes, tables)."""
    skip = grid_digits(scene) if outside_grids else set()
    font = scene.theme.serif
    numbers = outermost([m for k, m in scene.seen.items() if isinstance(m, Numeral) and k not in skip])
    return [text for text in (read(m, font) for m in numbers) if text != "+"]


def check_run(texts: list[str], expected: list[str], what: str) -> None:
    """``expected`` was drawn, in order, one number after the other, somewhere in ``texts``."""
    n = len(expected)
    found = any(texts[k : k + n] == expected for k in range(len(texts) - n + 1))
    assert found, f"{what}: {expected} is not drawn (numbers drawn: {texts[:60]})"


class Drawn(NamedTuple):
    """What the numbers a watched scene drew read, in the order they were first drawn: ``everywhere``, and
    ``outside_grids`` (callouts, notes, tables)."""

    everywhere: list[str]
    outside_grids: list[str]

    @classmethod
    def of(cls, scene) -> Drawn:
        return cls(seen_texts(scene), seen_texts(scene, outside_grids=True))
