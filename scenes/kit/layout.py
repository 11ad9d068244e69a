"""Where things go on the 14.2 x 8 frame: diagram left, divider, matrices right; and what fits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import RIGHT, Mobject, VGroup

from attention.source import Capability
from scenes.kit.limits import MAX_TOKENS, MAX_WIDTH, MIN_TOKENS, MIN_WIDTH
from scenes.kit.text.coverage import check_glyphs

# Measured on the stills: divider at x = -3.7, cells 0.30-0.35 units.
DIVIDER_X = -3.7
PANEL_LEFT, PANEL_RIGHT = -3.35, 6.8
PANEL_BOTTOM, PANEL_TOP = -3.75, 3.75
MAX_CELL = 0.35
LONE_CELL = 0.45  # a grid alone in the pane (Step 2's scores) may take more of it, as in the stills
MIN_CELL = 0.12  # 7 px at 480p: a cell still shows its shade; its numbers are in the lenses


class LayoutError(ValueError):
    """The inputs cannot be drawn legibly; the message says the limit."""


def check_drawable(T: int, d: int | None, d_k: int | None = None, T_kv: int | None = None) -> None:
    for value in (T, T_kv):
        if value is not None and not MIN_TOKENS <= value <= MAX_TOKENS:
            raise LayoutError(f"{value} tokens cannot be drawn: scenes show {MIN_TOKENS} to {MAX_TOKENS} tokens")
    for name, value in (("d", d), ("d_k", d_k)):
        if value is not None and not MIN_WIDTH <= value <= MAX_WIDTH:
            raise LayoutError(f"{name} = {value} cannot be drawn: scenes show {name} from {MIN_WIDTH} to {MAX_WIDTH}")


def check_tokens_drawable(request) -> None:
    """The request's tokens can be drawn at all: the limit every scene shares (a model's widths are folded), and
    a glyph in some installed outline font for each of their characters."""
    if Capability.OWN_TOKENIZER in request.capabilities:
        check_model_tokens(request.T, request.model_name, request.card.tokenizer, request.card.specials)
    else:
        check_drawable(request.T, None)
    check_glyphs(request.drawn_tokens)


def check_model_tokens(T: int, model_name: str, kind: str = "WordPiece", specials: str = "[CLS] and [SEP]") -> None:
    """A pretrained model's tokens (its ``specials``, MiniLM's [CLS] and [SEP], included) are limited like the toy's;
    its widths are folded."""
    if not MIN_TOKENS <= T <= MAX_TOKENS:
        specials = f" ({specials} included)" if specials else ""
        raise LayoutError(
            f"{T} tokens cannot be drawn: {model_name} reads the sentence as {T} {kind} tokens{specials} and "
            f"scenes show {MIN_TOKENS} to {MAX_TOKENS} tokens; use a shorter sentence"
        )


@dataclass(frozen=True)
class Panel:
    left: float = PANEL_LEFT
    right: float = PANEL_RIGHT
    bottom: float = PANEL_BOTTOM
    top: float = PANEL_TOP

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def center(self) -> np.ndarray:
        return np.array([(self.left + self.right) / 2, (self.top + self.bottom) / 2, 0.0])


RIGHT_PANEL = Panel()
FULL_FRAME = Panel(left=-6.8, right=6.8)


def cell_size(
    columns: int,
    rows: int,
    fixed_width: float,
    fixed_height: float,
    panel: Panel = RIGHT_PANEL,
    largest: float = MAX_CELL,
) -> float:
    """The largest cell (at most ``largest``) with which ``columns`` cells side by side plus
    ``fixed_width`` of operators, and ``rows`` cells plus ``fixed_height`` of labels, fit the panel."""
    size = min(largest, (panel.width - fixed_width) / columns, (panel.height - fixed_height) / rows)
    if size < MIN_CELL:
        raise LayoutError(f"{columns} columns by {rows} rows do not fit legibly; use fewer tokens or a smaller d")
    return size


def row_of(items: list[Mobject], buff: float, panel: Panel = RIGHT_PANEL, y: float | None = None) -> VGroup:
    """Items side by side, each centred vertically on the same line, the row centred in the panel."""
    group = VGroup(*items).arrange(RIGHT, buff=buff, center=False)
    line = panel.center[1] if y is None else y
    for item in items:
        anchor = getattr(item, "cells", item)
        item.shift([0, line - anchor.get_center()[1], 0])
    group.shift([panel.center[0] - group.get_center()[0], 0, 0])
    shrink_to_fit(group, panel, height=False)
    return group


def shrink_to_fit(group: Mobject, panel: Panel, width: bool = True, height: bool = True) -> float:
    """Scale ``group`` down about its centre, if it is wider (or taller) than ``panel``, and return the
    factor. Cells estimated to fit can be outgrown by what surrounds them (a shape label wider than a
    two-column grid, a long token); grids that shrink keep their own sizes right, and a grid pushed below
    the smallest legible cell raises LayoutError."""
    factors = [1.0]
    if width and group.width > panel.width:
        factors.append(panel.width / group.width)
    if height and group.height > panel.height:
        factors.append(panel.height / group.height)
    factor = min(factors)
    if factor < 1.0:
        group.scale(factor)
        for part in group.get_family():
            resize = getattr(part, "scaled_by", None)
            if callable(resize):
                resize(factor)
    return factor


def stack(parts: list[Mobject], gap: float, panel: Panel = RIGHT_PANEL) -> None:
    """Move ``parts`` (each laid out already) one under the other, ``gap`` apart, the stack centred
    vertically in ``panel``; their x positions stay."""
    total = sum(part.height for part in parts) + gap * (len(parts) - 1)
    top = panel.center[1] + total / 2
    for part in parts:
        part.shift([0, top - part.get_top()[1], 0])
        top -= part.height + gap


def assert_inside(mobject: Mobject, panel: Panel, what: str) -> None:
    """Raise when ``mobject`` spills out of ``panel``: nothing may be clipped at the frame edge."""
    tol = 1e-6
    if (
        mobject.get_left()[0] < panel.left - tol
        or mobject.get_right()[0] > panel.right + tol
        or mobject.get_bottom()[1] < panel.bottom - tol
        or mobject.get_top()[1] > panel.top + tol
    ):
        raise LayoutError(f"{what} does not fit its panel; use fewer tokens or a smaller d")
