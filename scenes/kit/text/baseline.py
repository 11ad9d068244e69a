"""Words placed by their baseline rather than by their ink, so that low or high marks keep their place.

A label is centred on its ink: right for a word, wrong for a token whose ink sits off the middle of the line,
an ``_`` (centred, it reads as a dash), a ``.`` (a middle dot) or a Hebrew yod. Such a label comes with an
invisible strut from its baseline to the cap height, so that centring it places it as in a capitalised word.
"""

from __future__ import annotations

from manim import ORIGIN, UP, Line, Mobject, VGroup

from scenes.kit.theme import Theme

SPAN_TOLERANCE = 0.05  # of the x-height: an "o" overshoots, a "T" may stop a hair above the baseline
REFERENCE = "x"
CAPITAL = "H"  # sits on the baseline, no overshoot: its height is the cap height


def on_baseline(theme: Theme, text: str, font_size: float | None = None) -> tuple[VGroup, float]:
    """``text``'s glyphs with their baseline at y = 0: typeset with a trailing "x" (on the baseline, and the
    rightmost glyph however the text runs), then without it; and the height of that "x"."""
    typeset = theme.words(text + REFERENCE, font_size=font_size or theme.size.token)
    reference = max(typeset, key=lambda glyph: glyph.get_right()[0])
    word = VGroup(*[glyph for glyph in typeset if glyph is not reference])
    return word.shift(UP * -reference.get_bottom()[1]), reference.height


def _surely_spans(text: str) -> bool:
    """An ASCII letter or digit reaches from the baseline to the x-height: no need to typeset anything."""
    return any(ch.isascii() and ch.isalnum() for ch in text)


def token_word(theme: Theme, text: str, font_size: float) -> Mobject:
    """``text`` typeset for a token label: the plain words when their ink spans the x-height band (every
    ordinary word), else the glyphs with an invisible strut from the baseline to the cap height, at the
    glyphs' centre."""
    word = theme.words(text, font_size=font_size)
    if _surely_spans(text) or len(word) == 0:
        return word
    glyphs, x_height = on_baseline(theme, text, font_size)
    tolerance = SPAN_TOLERANCE * x_height
    if glyphs.get_bottom()[1] <= tolerance and glyphs.get_top()[1] >= x_height - tolerance:
        return word
    cap_height = theme.words(CAPITAL, font_size=font_size).height
    strut = Line(ORIGIN, UP * cap_height, stroke_width=0, stroke_opacity=0).set_x(glyphs.get_x())
    return VGroup(glyphs, strut)
