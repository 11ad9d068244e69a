"""What a cache folder of ours holds, by path: what lets an older cache (made before the marker) be adopted, and
``--clear-cache`` remove only the files the output cache wrote.

What belongs here: the layout of every file the project writes into its cache folder (the marker, the output
cache's entries and blobs, the speech cache's takes, the typeset LaTeX every slot shares, the learned timings
and lengths, the sources' imports, the Manim slots, and the temporary names they pass through), and walking a
folder for what is not in it. Manim's own working folders inside a slot (Tex/, texts/, media/) are Manim's
layout, not checked file by file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from rendering.ownership import MARK

_HEX64, _PID = "[0-9a-f]{64}", "[0-9]+"
_TEMPORARY = r"\.[^/]+\.part"  # files.temporary_beside: ".<target name>.<random>.part"
OUTPUT_FILES = re.compile(
    # an entry: "whole" or the digest of the state it starts from, voiced: ".<its takes' lengths>" or ".cues"
    rf"entries/{_HEX64}/[0-9A-Za-z_]+(\.[0-9a-z]+)?\.json"
    rf"|entries/{_HEX64}/{_TEMPORARY}"
    rf"|blobs/[0-9a-f]{{2}}/{_HEX64}"
    rf"|blobs/incoming/({_PID}-[^/]+|{_TEMPORARY})"  # a blob on its way in: "<pid>-<file name>"
)
# a take, and each take's length and normalised samples (voice/cache.py)
_SPEECH_FILES = re.compile(rf"((lengths|normalised)/)?[0-9a-f]{{2}}/({_HEX64}\.(wav|txt|npy)|{_TEMPORARY})")
_TYPESET_FILES = re.compile(rf"[0-9a-f]{{16}}\.svg|{_TEMPORARY}")  # LaTeX typeset once for every slot (shared_tex)
EARLIER_MARK = ".self-attention-animated-cache"  # the marker name an earlier, unreleased version wrote
_TOP_FILES = re.compile(
    rf"{re.escape(MARK)}|{re.escape(EARLIER_MARK)}|timings\.json|lengths\.json|imports\.json|\.(timings|lengths)\.json\.{_PID}|\.probe-{_PID}|{_TEMPORARY}"
)
_SLOT = re.compile(r"slot-[0-9]+")
_SLOT_ENTRIES = {".lock": False, "Tex": True, "texts": True, "media": True}  # name -> is a folder
_CLEARED = re.compile(rf"\.outputs-cleared-{_PID}")  # --clear-cache's own, while it removes the outputs


def strangers(root: Path) -> list[Path]:
    """Every path under the cache folder ``root`` that is not in the cache's layout (a link is never), sorted;
    for a folder that is not, the folder alone."""
    found = []
    for entry in sorted(os.scandir(root), key=lambda e: e.name):
        path, name = Path(entry.path), entry.name
        if entry.is_symlink():
            found.append(path)
        elif entry.is_dir():
            if name == "outputs" or _CLEARED.fullmatch(name):
                found += outside(path, OUTPUT_FILES)
            elif name == "speech":
                found += outside(path, _SPEECH_FILES)
            elif name == "typeset":
                found += outside(path, _TYPESET_FILES)
            elif _SLOT.fullmatch(name):
                found += _slot_strangers(path)
            else:
                found.append(path)
        elif not (entry.is_file() and _TOP_FILES.fullmatch(name)):
            found.append(path)
    return found


def _slot_strangers(slot: Path) -> list[Path]:
    found = []
    for entry in os.scandir(slot):
        folder = _SLOT_ENTRIES.get(entry.name)
        if folder is None or entry.is_symlink() or not (entry.is_dir() if folder else entry.is_file()):
            found.append(Path(entry.path))
    return sorted(found)


def outside(folder: Path, pattern: re.Pattern) -> list[Path]:
    """The files (and links, and other kinds) under ``folder`` whose relative path does not match ``pattern``."""
    found = []
    for parent, folders, files in os.walk(folder):
        for name in folders:
            if os.path.islink(os.path.join(parent, name)):  # os.walk lists a link to a folder among the folders
                found.append(Path(parent, name))
        for name in files:
            path = Path(parent, name)
            relative = path.relative_to(folder).as_posix()
            if path.is_symlink() or not path.is_file() or not pattern.fullmatch(relative):
                found.append(path)
    return sorted(found)
