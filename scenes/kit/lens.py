"""The numbers a scene explains, at a size every preset shows them (scenes/kit/legibility.py): a magnified strip
of a grid's row or column, shaded like the grid, and worked sums set in aligned columns.

Grids stay the overview: at 480p their own digits are too small to draw, so the row, column or cell a
step talks about is shown again here, large, beside them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, VGroup

import attention
from scenes.kit.legibility import READABLE_DIGIT, digit_per_point, readable_font_size
from scenes.kit.matrix_grid import DIGIT_WIDTH, FOLD_ABOVE, MatrixGrid
from scenes.kit.shading import peak_of
from scenes.kit.text.numerals import Numeral, width_per_height
from scenes.kit.theme import Theme

LENS_FILL = 0.45  # digit height per cell height in a strip: its cells only carry the shade around the digits
LENS_CELL_HEIGHT = READABLE_DIGIT / LENS_FILL  # strips' cells are as tall as their digits need, and wider
LINE_GAP = 0.14  # between the lines of a wrapped strip or sum
NAME_GAP = 0.2  # between a strip's name and its cells
TERM_GAP = 0.12  # around the "+" between two columns of a sum
STRUT = r"\vphantom{(0)^{0}_{0}}"  # every piece of a sum as tall and deep as any: centring them aligns baselines


class TeX(NamedTuple):
    """A piece of a line typeset by LaTeX: symbols, the same for every input (so compiled once, then cached)."""

    tex: str


class Num(NamedTuple):
    """A piece of a line drawn from glyphs: numbers and the operators between them, which change with every
    input and would each cost a LaTeX compilation."""

    text: str


_DIGIT_OFFSET: dict[tuple[str, float], float] = {}


def _digit_offset(theme: Theme, size: float) -> float:
    """How far above the digits' middle a LaTeX piece's centre is, every piece being as tall as STRUT makes it."""
    key = (theme.name, size)
    if key not in _DIGIT_OFFSET:
        probe = theme.math("0" + STRUT, font_size=size)
        zero = probe[0][0]
        _DIGIT_OFFSET[key] = probe.get_center()[1] - zero.get_center()[1]
    return _DIGIT_OFFSET[key]


class MathLine(VGroup):
    """LaTeX pieces and number pieces side by side on one line, their digits on one level (``digit_y``)."""

    def __init__(self, theme: Theme, *pieces: TeX | Num, font_size: float | None = None, color=None, gap: float = 0.1):
        super().__init__()
        size = font_size or readable_font_size(theme)
        for piece in pieces:
            if isinstance(piece, Num):
                mobject = Numeral(piece.text, theme.serif, size * digit_per_point(theme, "math"), color or theme.text)
                mobject.set_y(0)  # a Numeral is centred on its digits' middle
            else:
                mobject = theme.math(piece.tex + STRUT, font_size=size, color=color)
                mobject.set_y(_digit_offset(theme, size))
            self.add(mobject)
        self.arrange(RIGHT, buff=gap, center=False)
        self._centre_above_digits = self.get_center()[1]

    @property
    def digit_y(self) -> float:
        return self.get_center()[1] - self._centre_above_digits

    def on_digit_line(self, y: float) -> MathLine:
        """Moved up or down so that its digits' middle is at ``y``."""
        return self.shift(UP * (y - self.digit_y))


def name_line(theme: Theme, name: str | Sequence[TeX | Num]) -> MathLine:
    """A strip's name: LaTeX, or pieces when it holds a number (drawn from glyphs)."""
    return MathLine(theme, *([TeX(name)] if isinstance(name, str) else name))


def readable_cell(values, decimals: int, theme: Theme) -> float:
    """The width of a strip's cells with which the widest of ``values`` is drawn READABLE_DIGIT tall."""
    texts = [attention.display_text(v, decimals) for v in np.ravel(values)]
    widest = max(width_per_height(text, theme.serif) for text in texts)
    return max(LENS_CELL_HEIGHT, READABLE_DIGIT * widest / DIGIT_WIDTH) * (1 + 1e-6)


class ValueStrip(VGroup):
    """``name`` (LaTeX) and then ``values`` as readable, shaded cells in a row, wrapped over as few lines
    of at most ``max_width`` units as it takes. ``peak``: the source grid's, so the shades match it.
    A vector longer than a grid's folding limit (a model's 384 features) is one line, folded like a grid:
    its first values, an ellipsis, its last values."""

    def __init__(
        self,
        theme: Theme,
        values,
        color_key: str,
        name: str | None = None,
        *,
        max_width: float,
        decimals: int = 2,
        peak: float | None = None,
        stroke_color: str | None = None,
        cell: float | None = None,
    ):
        super().__init__()
        values = np.asarray(values, dtype=np.float64).ravel()
        # one shade scale for the whole strip: a line of its own would shade its tiny values as if they were big
        peak = peak_of(values) if peak is None else peak
        cell = max(cell or 0.0, readable_cell(values, decimals, theme))  # a shared size, never below readable
        self.name = name_line(theme, name) if name else None
        room = max_width - (self.name.width + NAME_GAP if self.name is not None else 0.0)
        fits = max(1, int(room / cell))
        lines = math.ceil(values.size / fits)
        per_line = math.ceil(values.size / lines)  # balanced lines: 16 values over two lines of 8, not 15 and 1
        if values.size > FOLD_ABOVE:
            per_line = values.size  # one line, which its grid folds
        self.grids = [
            MatrixGrid(
                [values[k : k + per_line]],
                color_key,
                theme,
                cell_size=cell,
                numbers="on",
                decimals=decimals,
                peak=peak,
                digit_fill=LENS_FILL,
                stroke_color=stroke_color,
                cell_height=LENS_CELL_HEIGHT,
            )
            for k in range(0, values.size, per_line)
        ]
        cells = VGroup(*self.grids).arrange(DOWN, buff=LINE_GAP, aligned_edge=LEFT)
        if self.name is not None:
            self.name.next_to(self.grids[0].cells, LEFT, buff=NAME_GAP)
            self.add(self.name)
        self.add(cells)
        self.cell_size = cell
        if self.name is not None:  # the strip's name labels its cells (a row has no shape label of its own)
            for grid in self.grids:
                grid.label = self.name

    @property
    def values(self) -> np.ndarray:
        return np.concatenate([grid.values.ravel() for grid in self.grids])


class StripTable(VGroup):
    """Several strips under one another, one cell width for all (so that column j is one column), each
    named on its left with the names ending together. ``rows``: (name, values, colour key, peak)."""

    def __init__(self, theme: Theme, rows, *, max_width: float, decimals: int = 2, gap: float = LINE_GAP * 2):
        super().__init__()
        self.names = [name_line(theme, name) for name, _, _, _ in rows]
        cell = max(readable_cell(values, decimals, theme) for _, values, _, _ in rows)
        room = max_width - max(name.width for name in self.names) - NAME_GAP
        self.strips = [
            ValueStrip(theme, values, key, max_width=room, decimals=decimals, peak=peak, cell=cell)
            for _, values, key, peak in rows
        ]
        VGroup(*self.strips).arrange(DOWN, buff=gap, aligned_edge=LEFT)
        for name, strip in zip(self.names, self.strips, strict=True):
            name.next_to(strip.grids[0].cells, LEFT, buff=NAME_GAP)  # strips share a left edge: names end together
        self.rows = [VGroup(name, strip) for name, strip in zip(self.names, self.strips, strict=True)]
        self.add(*self.rows)


Pieces = Sequence[TeX | Num]


class WorkedSum(VGroup):
    """Rows of a sum set in aligned columns: row r is ``head_r term_r1 + term_r2 + ... tail_r``, the k-th
    terms of all rows in one column, and the columns wrapped, whole, over blocks of at most ``max_width``: a row
    wrapped goes on under itself, its continuation lines opening with "+" where its head ends.

    ``rows``: (head, terms, tail), each term and the tail a sequence of pieces (``TeX``, ``Num``), the head
    LaTeX or None; every row has the same number of terms.
    """

    def __init__(
        self,
        theme: Theme,
        rows: Sequence[tuple[str | None, Sequence[Pieces], Pieces]],
        max_width: float,
        font_size: float | None = None,
    ):
        super().__init__()
        size = font_size or readable_font_size(theme)
        count = len(rows[0][1])
        if any(len(terms) != count for _, terms, _ in rows):
            raise ValueError("every row of a worked sum needs the same number of terms")

        def line_of(pieces: Pieces) -> MathLine:
            return MathLine(theme, *pieces, font_size=size)

        heads = [line_of([TeX(head)]) if head else None for head, _, _ in rows]
        terms = [[line_of(term) for term in row_terms] for _, row_terms, _ in rows]
        tails = [line_of(tail) if tail else None for _, _, tail in rows]
        plus = line_of([Num("+")])
        head_width = max((head.width for head in heads if head is not None), default=0.0)
        tail_width = max((tail.width for tail in tails if tail is not None), default=0.0)
        columns = [max(row[k].width for row in terms) for k in range(count)]
        step = plus.width + 2 * TERM_GAP
        blocks = self._blocks(columns, head_width + TERM_GAP, step, tail_width + TERM_GAP, max_width)
        line_height = theme.math("0" + STRUT, font_size=size).height + LINE_GAP

        def put(line: MathLine, x_middle: float, y: float) -> MathLine:
            return line.on_digit_line(y).set_x(x_middle)

        y = 0.0
        self.lines = VGroup()
        self.rows = [VGroup() for _ in rows]  # row r's lines, across the blocks, for animating a row at a time
        self.tails = tails
        # as a reader writes a long sum: each row whole before the next, its continuation lines opening with
        # "+" under its "=", the k-th terms of every row in one column
        for r in range(len(rows)):
            for b, block in enumerate(blocks):
                line = VGroup()
                lead = heads[r] if b == 0 else plus.copy()
                if lead is not None:
                    line.add(put(lead, head_width - lead.width / 2, y))
                x = head_width + TERM_GAP
                for n, k in enumerate(block):
                    if n:
                        line.add(put(plus.copy(), x + step / 2, y))
                        x += step
                    line.add(put(terms[r][k], x + columns[k] / 2, y))
                    x += columns[k]
                if b == len(blocks) - 1 and tails[r] is not None:
                    line.add(put(tails[r], x + TERM_GAP + tails[r].width / 2, y))
                self.lines.add(line)
                self.rows[r].add(line)
                y -= line_height
            y -= LINE_GAP  # a little more between rows than between the lines of one row
        self.add(self.lines)

    @staticmethod
    def _blocks(columns, lead: float, step: float, tail: float, max_width: float) -> list[list[int]]:
        """Columns in as few blocks as fit ``max_width`` after the lead (a continuation's "+" stands in the
        lead's room; the last block carries the tail), spread evenly: 8 terms in blocks of 3, 3 and 2 rather
        than 4, 3 and 1."""

        def fits(block: list[int], last: bool) -> bool:
            width = lead + sum(columns[k] for k in block) + step * (len(block) - 1)
            return width + (tail if last else 0.0) <= max_width

        count = len(columns)
        for blocks_count in range(1, count + 1):
            sizes = [count // blocks_count + (1 if b < count % blocks_count else 0) for b in range(blocks_count)]
            starts = np.cumsum([0, *sizes])
            blocks = [list(range(starts[b], starts[b + 1])) for b in range(blocks_count)]
            if all(fits(block, b == blocks_count - 1) for b, block in enumerate(blocks)):
                return blocks
        return [[k] for k in range(count)]  # one column a block: as narrow as it gets
