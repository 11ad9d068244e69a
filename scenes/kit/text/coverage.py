"""Which characters the installed fonts can draw as outlines, asked of fontconfig once per process.

Pango draws a character no font has as a box of hex digits, silently; a colour bitmap font (Noto Color
Emoji) draws into pixels that vanish from the SVG paths Manim reads. So a token is drawable when every
character that needs a glyph is in some installed outline font that is not a colour font; the others are
refused before any work, in one line naming the character.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata
from functools import cache

from attention.validation import char_name
from scenes.kit.text.graphemes import clusters

# Default-ignorable characters draw nothing, whatever the font: joiners, direction marks, variation
# selectors and tags steer how their neighbours are drawn.
_VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))
_FORMAT_FONT = ("fc-list", "--format", "%{outline}|%{color}|%{charset}\\n")


def _needs_glyph(char: str) -> bool:
    if unicodedata.category(char) == "Cf":
        return False
    return not any(ord(char) in selectors for selectors in _VARIATION_SELECTORS)


def _parse_charset(charset: str) -> list[tuple[int, int]]:
    """fontconfig's ``20-7e a0-137 192`` (hex, inclusive ranges) as pairs."""
    ranges = []
    for part in charset.split():
        low, _, high = part.partition("-")
        ranges.append((int(low, 16), int(high or low, 16)))
    return ranges


@cache
def outline_ranges() -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """The code points of every outline, non-colour font, merged: (starts, ends), sorted; None when fontconfig's
    ``fc-list`` is missing (then nothing can be told, and nothing is refused)."""
    if shutil.which("fc-list") is None:
        return None
    listing = subprocess.run(_FORMAT_FONT, capture_output=True, text=True, check=True).stdout
    ranges = []
    for line in listing.splitlines():
        outline, color, charset = (line.split("|", 2) + ["", ""])[:3]
        if outline == "True" and color != "True":
            ranges.extend(_parse_charset(charset))
    merged: list[list[int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return tuple(low for low, _ in merged), tuple(high for _, high in merged)


def has_outline(char: str) -> bool:
    """Some installed outline font has ``char`` (True when fontconfig cannot be asked)."""
    ranges = outline_ranges()
    if ranges is None:
        return True
    starts, ends = ranges
    at = bisect.bisect_right(starts, ord(char)) - 1
    return at >= 0 and ord(char) <= ends[at]


def undrawable(text: str) -> str | None:
    """The first character of ``text`` that needs a glyph no installed outline font has, or None."""
    for char in text:
        if _needs_glyph(char) and not has_outline(char):
            return char
    return None


def check_glyphs(tokens, name: str = "tokens") -> None:
    """Every token can be drawn: else a ValueError naming the token, its cluster and the character.

    Examples
    --------
    >>> check_glyphs(("cat", "e\\u0301", "_"))
    >>> check_glyphs(("ok", "\\U0010fffd"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: tokens[1] '\\U0010fffd' has U+10FFFD, which no installed outline font draws; install ...
    """
    for i, token in enumerate(tokens):
        char = undrawable(token)
        if char is None:
            continue
        cluster = next(c for c in clusters(token) if char in c)
        within = "" if cluster == char else f" (in {cluster!r})"
        raise ValueError(
            f"{name}[{i}] {token!r} has {char_name(char)}{within}, which no installed outline font draws; "
            "install a font that has it or leave it out"
        )
