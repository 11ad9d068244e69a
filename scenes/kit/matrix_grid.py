"""A matrix drawn from a trace array: shaded cells, digits where legible, a shape label.

A dimension too long to draw (a pretrained model's 384 features, its 32-wide heads) is folded: its first
and last entries are drawn with an ellipsis row or column between them (``attention.fold`` picks them), and
the shape label gains the true sizes, e.g. "X_{T x d} (13 x 384)".

How one cell looks (its fill for a value, outline, masked stroke, ellipsis dots) is ``grid_cells.py``; here the
cells are laid out, given digits and labels, framed and animated.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    UP,
    AnimationGroup,
    FadeIn,
    FadeOut,
    Rectangle,
    Transform,
    VGroup,
    VMobject,
    config,
)

import attention
from attention.display import FOLD_HEAD, FOLD_TAIL
from scenes.kit.grid_cells import ELLIPSIS, cell_rectangles, ellipsis_dots, ink_on, masked_marks
from scenes.kit.layout import MIN_CELL, LayoutError
from scenes.kit.legibility import READABLE_PIXELS
from scenes.kit.limits import FOLD_ABOVE
from scenes.kit.shading import peak_of
from scenes.kit.text.baseline import token_word
from scenes.kit.text.labels import short_label
from scenes.kit.text.numerals import Numeral, width_per_height
from scenes.kit.theme import Theme

# digit height below which numbers are not drawn in "auto" mode: the legible height, so a grid's digits are
# readable or absent (the lenses show the numbers being explained)
MIN_DIGIT_PIXELS = READABLE_PIXELS
DIGIT_HEIGHT = 0.3  # of the cell, at most
DIGIT_WIDTH = 0.86  # of the cell, at most, for the widest number of the grid
MAX_TOKEN_LABEL = 1.4  # units
TOKEN_LABEL_PER_UNIT = 70  # token labels' font size per unit of cell, up to the theme's token size
TOKEN_LABEL_GAP = 0.15  # between a grid and its token labels, with room to spare
LABEL_LINE_GAP = 0.08  # between a folded grid's label and the line of its true sizes under it
FOLD_ENDS = (FOLD_HEAD, FOLD_TAIL)  # a folded dimension's first and last entries kept


def drawn_size(n: int, limit: int = FOLD_ABOVE, ends: tuple[int, int] = FOLD_ENDS) -> int:
    """How many cells a dimension of ``n`` entries takes on screen (an ellipsis included when folded), ``ends``
    being the entries kept before and after the ellipsis."""
    return len(attention.folded(n, limit, *ends))


class Gap(VMobject):
    """The empty stand-in for the digits of an ellipsis cell: ``text`` says which ellipsis stands there."""

    def __init__(self, text: str, **kwargs):
        super().__init__(**kwargs)
        self.text = text


def token_label_room(theme: Theme, tokens) -> float:
    """The width the grids' token labels may take beside a grid: the widest at the theme's token size, plus a gap."""
    labels = (short_label(t) for t in tokens)
    return max(theme.words(label, font_size=theme.size.token).width for label in labels) + TOKEN_LABEL_GAP


def pixels_per_unit() -> float:
    return config.pixel_width / config.frame_width


class MatrixGrid(VGroup):
    """A T x d (or any) grid of cells coloured by ``values``.

    numbers: "auto" draws digits when they would be at least MIN_DIGIT_PIXELS (12) tall at the
    output resolution, "on" always, "off" never.

    fold_above: a dimension longer than this is folded (None: never), keeping ``fold_ends`` (its first and last
    entries; 4 and 2 by default) around the ellipsis. ``values`` are then the cells as
    drawn (NaN where an ellipsis stands), ``source`` the whole matrix, ``shape`` its true shape, and
    ``row_index``/``col_index`` the source index of each drawn row and column (None: the ellipsis).
    Rows and columns are addressed as drawn (``row(i)``, ``cell(i, j)``); unfolded they are the source's.

    Examples
    --------
    >>> import attention
    >>> from scenes.kit.theme import load_theme
    >>> trace = attention.example()
    >>> grid = MatrixGrid(trace.weights, "S", load_theme(), numbers="off")  # a label or digits would typeset
    >>> grid.n_rows, grid.n_cols
    (11, 11)
    >>> bool(grid.peak == trace.weights.max())  # shaded against the largest |value| (``shading.py``)
    True
    >>> from scenes.kit.grid_cells import fill_of
    >>> fill = fill_of(grid.theme, "S", trace.weights[0, 0] / grid.peak)  # its shade's fill (``grid_cells.py``)
    >>> grid.cell(0, 0).get_fill_color().to_hex() == fill.to_hex()
    True
    """

    def __init__(
        self,
        values,
        color_key: str,
        theme: Theme,
        cell_size: float = 0.33,
        label: str | None = None,
        decimals: int = 2,
        numbers: str = "auto",
        row_labels=None,
        col_labels=None,
        label_size: float | None = None,
        stroke_color: str | None = None,
        peak: float | None = None,
        digit_fill: float = DIGIT_HEIGHT,
        cell_height: float | None = None,
        fold_above: int | None = FOLD_ABOVE,
        fold_ends: tuple[int, int] = FOLD_ENDS,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.digit_fill = digit_fill  # the digits' height, as a fraction of the cell's, at most
        self.cell_height = cell_height or cell_size  # cells are squares unless asked to be wider than tall
        if numbers not in ("auto", "on", "off"):
            raise ValueError(f"numbers must be auto, on or off, got {numbers!r}")
        self.theme = theme
        self.color_key = color_key
        self.cell_size = cell_size
        self.decimals = decimals
        self.numbers_mode = numbers
        self.stroke_color = stroke_color or theme.grid_stroke(color_key)
        self.fold_above = fold_above
        self.fold_ends = fold_ends  # the entries a folded dimension keeps before and after its ellipsis
        self.source = np.array(values, dtype=np.float64)
        if self.source.ndim != 2:
            raise ValueError(f"a grid needs a 2-D array, got shape {self.source.shape}")
        self.shape = self.source.shape
        self.values = self._folded(self.source)
        self.folded = self.values.shape != self.shape
        self.n_rows, self.n_cols = self.values.shape
        self.peak = peak_of(self.source) if peak is None else peak
        self.cells = self._build_cells(self.values)
        self.marks = self._build_marks(self.values, self.cells)
        self.numbers = self._build_numbers(self.values)
        self.ellipses = self._build_ellipses(self.cells)
        self.add(self.cells, self.marks, self.numbers, self.ellipses)
        self.label = None
        if label is not None:
            self.label = theme.math(label, font_size=label_size or theme.size.label)
            if self.folded:  # the drawing no longer shows the sizes: a line under the label says them
                sizes = theme.math(rf"({self.shape[0]}\times {self.shape[1]})", font_size=theme.size.small)
                self.label = VGroup(self.label, sizes).arrange(DOWN, buff=LABEL_LINE_GAP)
                self.label.sizes = sizes
            self.label.next_to(self.cells, UP, buff=0.2)
            self.add(self.label)
        self.row_labels = self._token_labels(row_labels, rows=True)
        self.col_labels = self._token_labels(col_labels, rows=False)

    def scaled_by(self, factor: float) -> None:
        """Take note that the grid was scaled as part of a larger group (its cells' sizes changed)."""
        self.cell_size *= factor
        self.cell_height *= factor
        if min(self.cell_size, self.cell_height) < MIN_CELL - 1e-9:
            raise LayoutError(
                f"a {self.n_rows} x {self.n_cols} grid does not fit legibly; use fewer tokens or a smaller d"
            )

    # ----- construction -------------------------------------------------------------------
    def _folded(self, values: np.ndarray) -> np.ndarray:
        if self.fold_above is None:
            self.row_index, self.col_index = tuple(range(values.shape[0])), tuple(range(values.shape[1]))
            return values
        shown, self.row_index, self.col_index = attention.fold(values, self.fold_above, *self.fold_ends)
        return shown

    def _build_cells(self, values) -> VGroup:
        cells = cell_rectangles(
            values, self.peak, self.theme, self.color_key, self.stroke_color, self.cell_size, self.cell_height
        )
        if hasattr(self, "cells"):
            cells.move_to(self.cells)
        return cells

    def _build_marks(self, values, cells) -> VGroup:
        """The strokes across masked cells, where no digits are drawn (where they are, "−∞" says it, and a
        stroke would cross it out)."""
        if self.numbers_visible(values):
            return VGroup()
        return masked_marks(values, cells, self.stroke_color, self.theme, min(self.cell_size, self.cell_height))

    def _build_ellipses(self, cells) -> VGroup:
        """Three dots in each ellipsis cell. ``ellipsis_at[(i, j)]``: the dots of drawn cell (i, j)."""
        group = VGroup()
        self.ellipsis_at = {}
        size = min(self.cell_size, self.cell_height)
        for i in range(self.n_rows):
            for j in range(self.n_cols):
                kind = self._ellipsis_kind(i, j)
                if kind is not None:
                    dots = ellipsis_dots(kind, cells[i * self.n_cols + j].get_center(), self.theme, size)
                    self.ellipsis_at[(i, j)] = dots
                    group.add(dots)
        return group

    def _ellipsis_kind(self, i: int, j: int) -> str | None:
        """Which ellipsis stands in drawn cell (i, j): "row", "column", "both", or None (a value's cell)."""
        in_row, in_column = self.row_index[i] is None, self.col_index[j] is None
        if in_row and in_column:
            return "both"
        return "row" if in_row else ("column" if in_column else None)

    def ellipsis_texts(self) -> list[str]:
        """The ellipses drawn ("⋮", "⋯", "⋱"), in reading order."""
        return [dots.text for dots in self.ellipses]

    def masked_marks(self, i: int) -> list:
        """The marks of row i's masked cells."""
        row_values = self.values[i]
        before = int(np.isneginf(self.values[:i]).sum())
        return list(self.marks[before : before + int(np.isneginf(row_values).sum())])

    def digit_height(self, values) -> float:
        """The digit height that fits the widest number of ``values`` in a cell."""
        drawn = np.ravel(values)
        texts = [attention.display_text(v, self.decimals) for v in drawn[~np.isnan(drawn)]]
        widest = max(width_per_height(t, self.theme.serif) for t in texts)
        return min(self.digit_fill * self.cell_height, DIGIT_WIDTH * self.cell_size / widest)

    def numbers_visible(self, values=None) -> bool:
        if self.numbers_mode != "auto":
            return self.numbers_mode == "on"
        height = self.digit_height(self.values if values is None else values)
        return height * pixels_per_unit() >= MIN_DIGIT_PIXELS

    def _build_numbers(self, values, cells=None) -> VGroup:
        cells = cells or self.cells
        group = VGroup()
        if not self.numbers_visible(values):
            return group
        height = self.digit_height(values)
        for n, (cell, value) in enumerate(zip(cells, np.ravel(values), strict=True)):
            kind = self._ellipsis_kind(*divmod(n, self.n_cols))
            if kind is not None:  # its dots are drawn whether digits are or not (see _build_ellipses)
                group.add(Gap(ELLIPSIS[kind][0]).move_to(cell.get_center()))
                continue
            text = attention.display_text(value, self.decimals)
            numeral = Numeral(text, self.theme.serif, height, ink_on(self.theme, cell.get_fill_color()))
            numeral.shift(cell.get_center())
            group.add(numeral)
        return group

    def _token_labels(self, tokens, rows: bool):
        if tokens is None:
            return None
        size = min(self.theme.size.token, TOKEN_LABEL_PER_UNIT * self.cell_size)
        group = VGroup(*[token_word(self.theme, short_label(t), size) for t in tokens])
        if len(group) != (self.n_rows if rows else self.n_cols):
            raise ValueError("one token label per row (or column) is needed")
        for n, word in enumerate(group):
            if word.width > MAX_TOKEN_LABEL:  # a long token must not push the grid off the frame
                word.scale_to_fit_width(MAX_TOKEN_LABEL)
            if rows:
                cell = self.cells[n * self.n_cols]
                word.next_to(cell, LEFT, buff=0.12)
            else:
                word.rotate(np.pi / 2)
                word.next_to(self.cells[n], UP, buff=0.12)
        self.add(group)
        if not rows and self.label is not None:
            self.label.next_to(group, UP, buff=0.15)
        return group

    # ----- access -------------------------------------------------------------------------
    def cell(self, i: int, j: int) -> Rectangle:
        return self.cells[i * self.n_cols + j]

    def row(self, i: int) -> VGroup:
        return VGroup(*self.cells[i * self.n_cols : (i + 1) * self.n_cols])

    def column(self, j: int) -> VGroup:
        return VGroup(*self.cells[j :: self.n_cols])

    def row_with_numbers(self, i: int) -> VGroup:
        """Row i's cells and, when drawn, their digits."""
        numbers = self.numbers[i * self.n_cols : (i + 1) * self.n_cols] if len(self.numbers) else []
        dots = [group for (row, _), group in self.ellipsis_at.items() if row == i]
        return VGroup(*self.row(i), *self.masked_marks(i), *numbers, *dots)

    def blank(self) -> VGroup:
        """An empty copy of the cells, to stand in for the grid before it is computed."""
        return self.cells.copy().set_fill(self.theme.background, 1.0)

    def number(self, i: int, j: int):
        return self.numbers[i * self.n_cols + j] if len(self.numbers) else None

    # ----- emphasis -----------------------------------------------------------------------
    def frame_around(self, group: VGroup) -> Rectangle:
        """A highlight frame around ``group`` (cells of this grid), in the step pointer's colour, drawn on the
        cells' outer grid lines: no wider than them, so it never covers a neighbouring cell's digits."""
        frame = Rectangle(
            width=group.width,
            height=group.height,
            stroke_color=self.theme.step_arrow,
            stroke_width=self.theme.stroke.medium,
        )
        return frame.move_to(group)

    def highlight_row(self, i: int) -> Rectangle:
        return self.frame_around(self.row(i))

    def highlight_rows(self, start: int, stop: int) -> Rectangle:
        """Rows ``start`` to ``stop - 1``, framed together."""
        return self.frame_around(VGroup(*[self.row(i) for i in range(start, stop)]))

    def highlight_column(self, j: int) -> Rectangle:
        return self.frame_around(self.column(j))

    def highlight_all(self) -> Rectangle:
        return self.frame_around(self.cells)

    def highlight_cell(self, i: int, j: int) -> Rectangle:
        return self.frame_around(VGroup(self.cell(i, j)))

    # ----- a step's result handed to the next -----------------------------------------------
    def turn_into(self, other: MatrixGrid) -> list:
        """The animations that turn this grid into ``other``, the same values (or their transpose) drawn at
        another place, size or name: each cell moves onto the cell that shows its value there, its digits with
        it, the label turns into the new label; what only one of them draws fades. The caller then swaps this
        grid for ``other`` on screen (``AttentionScene.hand_over``)."""
        rows, cols = self.values.shape
        if other.values.shape == (rows, cols):
            order = list(range(rows * cols))
        elif other.values.shape == (cols, rows):  # K into K^T: drawn cell (r, c) of ``other`` is our (c, r)
            order = [c * cols + r for r, c in (divmod(m, other.n_cols) for m in range(rows * cols))]
        else:
            raise ValueError(f"a {rows} x {cols} grid cannot turn into a {other.n_rows} x {other.n_cols} one")
        animations = [Transform(VGroup(*[self.cells[k] for k in order]), other.cells)]
        if len(self.numbers) == len(other.numbers) > 0:
            animations.append(Transform(VGroup(*[self.numbers[k] for k in order]), other.numbers))
        else:
            animations += [FadeOut(part) for part in (self.numbers,) if len(part)]
            animations += [FadeIn(part) for part in (other.numbers,) if len(part)]
        if self.label is not None and other.label is not None:
            animations.append(Transform(self.label, other.label))
        else:
            animations += [FadeOut(self.label)] if self.label is not None else []
            animations += [FadeIn(other.label)] if other.label is not None else []
        for mine, theirs in (
            (self.marks, other.marks),
            (self.ellipses, other.ellipses),
            (self.row_labels, other.row_labels),
            (self.col_labels, other.col_labels),
        ):
            animations += [FadeOut(mine)] if mine is not None and len(mine) else []
            animations += [FadeIn(theirs)] if theirs is not None and len(theirs) else []
        return animations

    # ----- new values ---------------------------------------------------------------------
    def become_values(self, values) -> AnimationGroup:
        """An animation of the cells and digits taking ``values``; only the grid's cells and digits move."""
        source = np.array(values, dtype=np.float64)
        if source.shape != self.shape:
            raise ValueError(f"new values have shape {source.shape}, the grid {self.shape}")
        self.source = source
        values = self._folded(source)
        new_cells = self._build_cells(values)
        new_numbers = self._build_numbers(values, new_cells)
        animations = [Transform(self.cells, new_cells)]
        if not np.array_equal(np.isneginf(values), np.isneginf(self.values)) or len(new_numbers) != len(self.numbers):
            new_marks = self._build_marks(values, new_cells)
            animations += [FadeOut(self.marks), FadeIn(new_marks)]
            self.remove(self.marks)
            self.marks = new_marks
            self.add(new_marks)
        self.values = values
        if len(self.numbers) and len(new_numbers):
            animations.append(Transform(self.numbers, new_numbers))
            for old, new in zip(self.numbers, new_numbers, strict=True):
                old.text = new.text
        elif len(self.numbers) or len(new_numbers):  # digits appear or disappear (their size changed)
            animations += [FadeOut(self.numbers), FadeIn(new_numbers)]
            self.remove(self.numbers)
            self.numbers = new_numbers
            self.add(new_numbers)
        return AnimationGroup(*animations)
