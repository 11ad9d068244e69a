"""What "legible" means on screen, and how tall the digits of a mobject are.

The smallest output users get is Manim's 480p preset: 854 pixels across the 14.2-unit frame, 60 pixels
a unit. A digit is legible there from READABLE_PIXELS tall; the numbers a scene explains are drawn at
least READABLE_DIGIT units tall, whatever the preset, so every preset shows them.
"""

from __future__ import annotations

from manim import Mobject, config

from scenes.kit.text.numerals import Numeral
from scenes.kit.theme import Theme

READABLE_PIXELS = 12.0  # the smallest digit height a viewer reads without effort
SMALLEST_WIDTH = 854  # pixels across the frame at Manim's lowest preset, 480p
MARGIN = 1.05  # a little above the limit, so that rounding never takes a digit under it
READABLE_DIGIT = MARGIN * READABLE_PIXELS * config.frame_width / SMALLEST_WIDTH  # ~0.21 units


_PER_POINT: dict[tuple[str, str], float] = {}


def digit_per_point(theme: Theme, kind: str) -> float:
    """The height of a digit per point of font size, typeset as "math" (the LaTeX template) or "words"."""
    key = (theme.name, kind)
    if key not in _PER_POINT:  # one typesetting per theme and kind
        probe = theme.math("0", font_size=100) if kind == "math" else theme.words("0", font_size=100)
        _PER_POINT[key] = probe.height / 100
    return _PER_POINT[key]


def readable_font_size(theme: Theme) -> float:
    """The smallest step of the type scale whose LaTeX digits are at least READABLE_DIGIT tall."""
    sizes = sorted(vars(theme.size).values())
    return next(size for size in sizes if size * digit_per_point(theme, "math") >= READABLE_DIGIT)


def digit_heights(mobject: Mobject) -> list[float]:
    """The height, in units, of the digits of every computed number ``mobject`` shows (its family included).

    Computed numbers are drawn as Numerals (in grids, strips and worked sums); digits typeset by LaTeX are
    indices and sizes (q_1, 1/sqrt(5)), not results."""
    return [part.digit_height for part in mobject.get_family() if isinstance(part, Numeral)]
