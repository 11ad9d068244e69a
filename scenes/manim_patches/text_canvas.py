"""Text typeset the same at every output size.

Manim 0.22's ``Text._text2svg`` hands Pango the frame's pixel size as its layout canvas, so a line wider than
``config.pixel_width`` wraps: a note that fits on one line at 480p and above breaks onto two in a figure a few
hundred pixels wide, the layout grows, and a scene that fits at 480p is refused ("does not fit its panel"). The
SVG Manim keeps is named by the text and font alone, so which layout a later build gets depended on which build
typeset it first. Typesetting on a canvas at least as large as Manim's smallest preset (480p) makes every text's
outline the same at any output size, and is exactly what 480p and larger renders did already.

Manim internals relied on: ``Text._text2svg`` reading ``config["pixel_width"]`` and ``config["pixel_height"]``
for the canvas (manim 0.22.0).
"""

from __future__ import annotations

import functools

from manim import Text, config

SMALLEST_CANVAS = (854, 480)  # Manim's 480p preset: every render and figure from it up already typesets on this


def install() -> None:
    """Typeset every Text on a canvas of at least SMALLEST_CANVAS pixels (idempotent)."""
    original = Text._text2svg
    if getattr(original, "smallest_canvas", False):
        return

    @functools.wraps(original)
    def on_a_large_enough_canvas(self, color):
        width, height = config.pixel_width, config.pixel_height
        if width >= SMALLEST_CANVAS[0] and height >= SMALLEST_CANVAS[1]:
            return original(self, color)
        config.pixel_width, config.pixel_height = max(width, SMALLEST_CANVAS[0]), max(height, SMALLEST_CANVAS[1])
        try:
            return original(self, color)
        finally:
            config.pixel_width, config.pixel_height = width, height

    on_a_large_enough_canvas.smallest_canvas = True
    Text._text2svg = on_a_large_enough_canvas
