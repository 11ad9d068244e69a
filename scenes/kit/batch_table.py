"""A padded batch drawn as a table: each sentence's tokens (pads greyed), and its boolean padding mask below."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Rectangle, VGroup

import attention
from scenes.kit.layout import RIGHT_PANEL
from scenes.kit.text.baseline import on_baseline
from scenes.kit.text.labels import short_label
from scenes.kit.theme import Theme

MAX_COLUMN = 0.95  # width of a column, at most
HEADER_ROOM = 1.7  # the row headers left of the table
ROW_HEIGHT = 0.5
INK_WIDTH = 0.88  # of a column, at most, for the widest word


def table_rows(theme: Theme, headers, rows, width: float, scale: float) -> VGroup:
    """Rows of boxes under one another, each row titled on its left; ``rows``: lists of (text, fill, outlined).

    Every word is typeset at the theme's token size times ``scale``, and the words of a row share a baseline
    (``on_baseline``: the x-height of each box's words centred in it)."""
    typeset = [[on_baseline(theme, text) for text, _, _ in row] for row in rows]
    lines = VGroup()
    for header, row, row_typeset in zip(headers, rows, typeset, strict=True):
        row_words = [word for word, _ in row_typeset]
        boxes = VGroup(
            *[
                Rectangle(
                    width=width,
                    height=ROW_HEIGHT,
                    fill_color=fill,
                    fill_opacity=1.0,
                    stroke_color=theme.grid_line,
                    stroke_width=theme.stroke.hairline if outlined else theme.stroke.none,
                )
                for _, fill, outlined in row
            ]
        ).arrange(RIGHT, buff=0.04)
        baseline = boxes.get_center()[1] - row_typeset[0][1] * scale / 2  # lower-case letters centred
        for box, word in zip(boxes, row_words, strict=True):
            word.scale(scale, about_point=word.get_center() * RIGHT).shift(UP * baseline)
            word.set_x(box.get_x())
        head = theme.words(header, font_size=theme.size.token).next_to(boxes, LEFT, buff=0.25)
        lines.add(VGroup(head, VGroup(*[VGroup(b, w) for b, w in zip(boxes, row_words, strict=True)])))
    lines.arrange(DOWN, buff=0.12, aligned_edge=RIGHT)
    return lines


class BatchTable(VGroup):
    """``tokens``: the padded sentences, titled; ``mask``: the B x T key mask (True = real token), titled."""

    def __init__(self, tokens: VGroup, mask: VGroup):
        super().__init__(tokens, mask)
        self.tokens, self.mask = tokens, mask


def batch_table(theme: Theme, batch: attention.PaddedBatch) -> BatchTable:
    """The batch's tokens above its padding mask, centred in the right panel."""
    width = min(MAX_COLUMN, (RIGHT_PANEL.width - HEADER_ROOM) / batch.length - 0.04)
    token_rows = [
        [(short_label(t), theme.token_highlight if real else theme.masked, False) for t, real in zip(s, m, strict=True)]
        for s, m in zip(batch.tokens, batch.key_mask, strict=True)
    ]
    mask_rows = [
        [(str(bool(real)), theme.background if real else theme.masked, True) for real in m] for m in batch.key_mask
    ]
    headers = [f"sentence {b + 1}" for b in range(len(batch.tokens))]
    widest = max(
        theme.words(text, font_size=theme.size.token).width for row in token_rows + mask_rows for text, _, _ in row
    )
    scale = min(1.0, INK_WIDTH * width / widest)  # one size for every word of both tables
    tokens = table_rows(theme, headers, token_rows, width, scale)
    mask = table_rows(theme, headers, mask_rows, width, scale)
    tokens.add(theme.math(r"\text{tokens}_{B\times T}", font_size=theme.size.formula).next_to(tokens, UP, buff=0.25))
    mask.add(theme.math(r"\text{padding mask}_{B\times T}", font_size=theme.size.formula).next_to(mask, UP, buff=0.25))
    return BatchTable(tokens, mask).arrange(DOWN, buff=0.7).move_to(RIGHT_PANEL.center)
