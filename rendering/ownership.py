"""What proves that a file or folder in a user's folder or cache is ours, so that nothing else is ever removed or
replaced.

What belongs here: the marker file a folder of ours holds from its creation (a staging folder, the cache), and
the list of files a manifest of ours names in an output folder. A marker is a small regular file (never a link)
whose whole content names the project and the kind of folder; a manifest is ours when it is JSON in the layout
``rendering.manifest`` writes.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from rendering.files import temporary_beside

PROJECT = "self-attention-animated"
MARK = f".{PROJECT}"  # the marker file's name, in every folder of ours
STAGING, CACHE = "staging", "cache"  # the kinds of folder a marker names


def _signature(kind: str) -> bytes:
    return f"{PROJECT} {kind}: made by render.py; do not remove\n".encode()


def write_mark(folder: Path, kind: str) -> None:
    """Put the marker of ``kind`` into ``folder``; it appears whole or not at all, and never replaces a file
    (FileExistsError if one is there)."""
    partial = temporary_beside(folder / MARK)
    try:
        partial.write_bytes(_signature(kind))
        os.link(partial, folder / MARK)  # unlike a rename, a link never replaces what is there
    finally:
        partial.unlink(missing_ok=True)


def has_mark(folder: Path, kind: str) -> bool:
    """True if ``folder`` (not a link) holds the marker of ``kind``: a regular file with exactly its content."""
    try:
        if stat.S_ISLNK(os.lstat(folder).st_mode):
            return False
        handle = os.open(folder / MARK, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return False
        expected = _signature(kind)
        return os.read(handle, len(expected) + 1) == expected
    finally:
        os.close(handle)


def manifest_files(manifest: Path) -> set[str] | None:
    """The files (relative to its folder) a manifest of ours lists; None if ``manifest`` is not one of ours
    (absent, not a regular file, not JSON, or JSON of another layout)."""
    try:
        if not stat.S_ISREG(os.lstat(manifest).st_mode) or os.lstat(manifest).st_size > 64 << 20:
            return None
        document = json.loads(manifest.read_bytes())
        if document.get("project") != PROJECT:
            return None
        return {str(record["file"]) for record in document["files"]}
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return None
