"""Token labels short enough to draw: a long token keeps its start and ends in an ellipsis.

Only what is drawn is shortened; narration (subtitles), the manifest and the core keep every token whole.
A token is cut between grapheme clusters only, so an accent, a skin tone or a flag is never split off.
"""

from __future__ import annotations

from scenes.kit.text.graphemes import clusters, columns

MAX_LABEL_WIDTH = 12  # in columns: a Latin letter takes one, a CJK character or an emoji two
ELLIPSIS = "\u2026"

__all__ = ["ELLIPSIS", "MAX_LABEL_WIDTH", "columns", "short_label"]


def short_label(token: str, limit: int = MAX_LABEL_WIDTH) -> str:
    """``token`` when it fits ``limit`` columns, else its longest start of whole clusters that fits with an
    ellipsis after it (at least its first cluster).

    Examples
    --------
    >>> short_label("e\\u0301" * 13) == "e\\u0301" * 11 + ELLIPSIS
    True
    """
    if columns(token) <= limit:
        return token
    kept, width = [], 0
    for cluster in clusters(token):
        if kept and width + columns(cluster) > limit - 1:
            break
        kept.append(cluster)
        width += columns(cluster)
    return "".join(kept) + ELLIPSIS
