"""Text in any script as Pango should lay it out for Manim: the fonts to fall back on, and the direction.

Two traps of Manim 0.22's ``Text`` (manimpango's ``text2svg``):

* its Pango layout is as wide as the frame in pixels and starts 30 px in, so a paragraph that Pango reads as
  right to left (its first strong character is Arabic or Hebrew) is aligned to the right edge, past the
  SVG surface, and is clipped away: the label has no glyph and a width of 0. A left-to-right mark before
  such text makes the paragraph left to right; the Arabic or Hebrew run in it is still shaped and drawn
  right to left.
* a font without a character falls back to whatever fontconfig ranks next, which may be a sans, a colour
  bitmap font (its glyphs vanish from SVG paths) or nothing (a box of hex digits). So the serif comes with
  an explicit list of outline fonts after it, chosen to sit well beside a Times-like serif.
"""

from __future__ import annotations

import unicodedata

LRM = "\u200e"  # LEFT-TO-RIGHT MARK: a strong left-to-right character that draws nothing

# After the palette's serif, for what it lacks (Debian packages in setup.sh): Hebrew in a Times-like serif
# (culmus), Arabic in a Naskh (fonts-hosny-amiri), emoji as outlines (fonts-symbola, Unicode 9.0), then
# DejaVu Sans for most other alphabets, and CJK (fonts-wqy-microhei).
FALLBACK_FONTS = ("Frank Ruehl CLM", "Amiri", "Symbola", "DejaVu Sans", "WenQuanYi Micro Hei")


def font_families(serif: str) -> str:
    """A Pango family list: ``serif`` first, then the fallbacks."""
    return ", ".join((serif, *FALLBACK_FONTS))


def is_right_to_left(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


def left_to_right(text: str) -> str:
    """``text`` with a left-to-right mark before it when it holds right-to-left characters (other text is left
    as it is, so that its typesetting, and Manim's cache of it, stay the same).

    Examples
    --------
    >>> left_to_right("cat"), left_to_right("\\u05e2\\u05dc") == LRM + "\\u05e2\\u05dc"
    ('cat', True)
    """
    return LRM + text if any(is_right_to_left(ch) for ch in text) else text
