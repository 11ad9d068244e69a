"""What a movie's container can hold, checked alike for the whole movies and for their clips per section.

What belongs here: checks on a movie format that both ``video`` and ``sections`` make, so that neither
exporter has to build the other to make them.
"""

from __future__ import annotations

from rendering.errors import UserError
from rendering.spec import Look

ALPHA_FORMATS = ("mov", "webm")


def check_format(look: Look, format: str) -> None:
    """Refuse a look that a movie of this format cannot show.

    Parameters
    ----------
    look
        How the scenes are drawn; only its ``transparent`` matters here.
    format
        The container: mp4, gif, webm or mov.

    Raises
    ------
    UserError
        With ``transparent``, a format without an alpha channel (mp4, gif).
    """
    if look.transparent and format not in ALPHA_FORMATS:
        raise UserError(f"--transparent needs --format mov or webm: {format} has no alpha channel")
