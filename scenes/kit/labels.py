"""Token labels short enough to draw: a long token keeps its start and ends in an ellipsis.

Only what is drawn is shortened; narration (subtitles), the manifest and the core keep every token whole.
"""

from __future__ import annotations

import unicodedata

MAX_LABEL_WIDTH = 12  # in columns: a Latin letter takes one, a CJK character two (it is about twice as wide)
ELLIPSIS = "\u2026"


def columns(text: str) -> int:
    """How many columns ``text`` takes: two for a wide (East Asian) character, one for any other."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def short_label(token: str, limit: int = MAX_LABEL_WIDTH) -> str:
    """``token`` when it fits ``limit`` columns, else its longest start that fits with an ellipsis after it."""
    if columns(token) <= limit:
        return token
    kept, width = [], 0
    for ch in token:
        if width + columns(ch) > limit - 1:
            break
        kept.append(ch)
        width += columns(ch)
    return "".join(kept) + ELLIPSIS
