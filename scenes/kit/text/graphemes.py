"""Grapheme clusters: the pieces of text a reader sees as one character, so that shortening never cuts one.

A base character keeps its combining marks and variation selectors, an emoji its skin-tone modifier and
tag characters, a zero-width joiner ties the characters on either side (family sequences), two regional
indicators make one flag, and Hangul jamo stay in their syllable. This follows the rules of Unicode's
UAX #29 (extended grapheme clusters) that matter for tokens, without its rare prepend characters.
"""

from __future__ import annotations

import unicodedata

ZWJ = "\u200d"
_MODIFIERS = range(0x1F3FB, 0x1F400)  # emoji skin tones
_TAGS = range(0xE0020, 0xE0080)  # the tag characters of subdivision flags
_REGIONAL = range(0x1F1E6, 0x1F200)  # regional indicators: a pair is a flag
_JAMO_VOWEL_OR_FINAL = range(0x1160, 0x1200)  # Hangul medial vowels and final consonants join what precedes


def _extends(ch: str) -> bool:
    """``ch`` belongs to the cluster before it."""
    code = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or ch == ZWJ
        or code in _MODIFIERS
        or code in _TAGS
        or code in _JAMO_VOWEL_OR_FINAL
    )


def clusters(text: str) -> list[str]:
    """``text`` cut into grapheme clusters.

    Examples
    --------
    >>> clusters("e\\u0301a") == ["e\\u0301", "a"]
    True
    >>> len(clusters("\\U0001f468\\u200d\\U0001f469\\u200d\\U0001f467")), len(clusters("\\U0001f1eb\\U0001f1f7ok"))
    (1, 3)
    """
    result: list[str] = []
    regional_open = False  # the last cluster is a lone regional indicator, waiting for its pair
    for ch in text:
        joined = bool(result) and (_extends(ch) or result[-1].endswith(ZWJ))
        pairs = bool(result) and ord(ch) in _REGIONAL and regional_open
        if joined or pairs:
            result[-1] += ch
            regional_open = False if pairs else regional_open and not joined
        else:
            result.append(ch)
            regional_open = ord(ch) in _REGIONAL
    return result


def columns(text: str) -> int:
    """How many columns ``text`` takes as drawn: two for a wide (East Asian or emoji) character, one for any
    other, none for a mark or joiner drawn on or between others (a skin tone is drawn beside its emoji)."""
    width = 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width
