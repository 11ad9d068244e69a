"""What a user-chosen file name (``--name``, ``--deck-name``) may be: one visible, plain name inside its folder.

What belongs here: the check every name option shares, as an ``Option.check`` (so the command line, a TOML file
and Python callers are refused alike, in one line, before any work). What each output adds (its suffixes, the
longest file it derives from the name) stays with its exporter.
"""

from __future__ import annotations

import unicodedata

from attention.validation import char_name, control_character

SEPARATORS = ("/", "\\")  # a folder on POSIX; Windows and a USB stick's FAT also read the backslash as one


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a file of ours in its folder (None if it can): blank or invisible, white space
    around it, a control or bidirectional character, a folder separator, or a name starting with a dot (hidden,
    "." and "..").

    Examples
    --------
    >>> name_problem("week3") is None and name_problem("Woche 3 – Aufmerksamkeit") is None
    True
    >>> name_problem("  ")
    "is blank, got '  ': give a name with a visible character, e.g. week3"
    >>> name_problem("../week3")
    "takes a plain name without a folder, e.g. week3, got '../week3' (it holds '/')"
    """
    char = control_character(name)
    if name.strip() and char is not None:
        if unicodedata.category(char) == "Cs":  # a byte of the command line that is not UTF-8 (surrogateescape)
            return f"holds bytes that are not UTF-8 text, got {name!r}"
        return f"holds the control character {char_name(char)}, got {name!r}"
    if not any(unicodedata.category(char)[0] in "LNPS" for char in name):  # only spaces, marks, format characters
        return f"is blank, got {name!r}: give a name with a visible character, e.g. week3"
    for separator in SEPARATORS:
        if separator in name:
            return f"takes a plain name without a folder, e.g. week3, got {name!r} (it holds {separator!r})"
    if name != name.strip():
        return f"starts or ends with white space, got {name!r}: leave it out"
    if name.startswith("."):
        return f"takes a plain name not starting with a dot (a hidden file, '.' or '..'), got {name!r}"
    return None
