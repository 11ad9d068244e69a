"""The timed-text limits, and how a subtitle's characters are counted against them.

A line's width counts what a reader sees: a combining mark or a zero-width character takes no room, and a
wide (East Asian) character takes two, so 42 is about 21 CJK characters, as the guides ask. Reading speed
counts the characters read, spaces included (a line break counts as the space it stands for), each wide
character once.

Examples
--------
>>> width("QKᵀ/√dₖ"), width("注意力"), characters("two\\nlines")
(7, 6, 9)
"""

from __future__ import annotations

import unicodedata
from fractions import Fraction

LINE = 42  # characters a line
LINES = 2  # lines a subtitle
SHORTEST = Fraction(5, 6)  # seconds a subtitle stays on screen at least (20 frames at 24 fps)
LONGEST = Fraction(7)  # ... and at most
READING = 17  # characters a second, at most
GAP_FRAMES = 2  # frames between two subtitles, at least


def _invisible(char: str) -> bool:
    return unicodedata.combining(char) > 0 or unicodedata.category(char) in ("Mn", "Me", "Cf")


def width(text: str) -> int:
    """The room ``text`` takes on a line, in characters (wide characters count two, marks none)."""
    return sum(0 if _invisible(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def characters(text: str) -> int:
    """The characters a reader reads in ``text``: spaces and line breaks included, marks not."""
    return sum(1 for c in text if c != "\r" and not _invisible(c))


def gap(fps: float) -> Fraction:
    """The least time between two subtitles at ``fps``, rounded up to the millisecond a .srt keeps."""
    frames = Fraction(GAP_FRAMES) / Fraction(fps).limit_denominator(1001)
    return Fraction(-(-frames * 1000 // 1), 1000)
