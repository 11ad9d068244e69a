"""Checks of the machine and the file system before any work starts: LaTeX is there, the output folder takes
files, no planned file would land on a folder (or under a file) or replace a file that is not ours, and every
path fits the file system's limits."""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from collections.abc import Callable, Collection
from pathlib import Path

from rendering.errors import UserError
from rendering.ownership import manifest_files

MANIFEST = "manifest.json"


def check_latex() -> None:
    for tool in ("latex", "dvisvgm"):
        if shutil.which(tool) is None:
            raise UserError(f"{tool} is not installed, so LaTeX cannot typeset; run `bash setup.sh install`")


NAME_MAX, PATH_MAX = 255, 4096  # bytes in one name and in a whole path (Linux's limits, with the final NUL)
STAGING_DEPTH = 64  # bytes a staging folder adds to an output's path (``.run-<id>/`` and a temporary name)


def shortened(path: Path | str, keep: int = 32) -> str:
    """``path`` for a message: whole if short, else its start and end around an ellipsis, and its length."""
    text = str(path)
    if len(text) <= 5 * keep:  # an everyday path, however deep, is shown whole
        return text
    return f"{text[:keep]}…{text[-keep:]} ({len(os.fsencode(text))} bytes)"


def _check_lengths(out: Path, paths: list[str]) -> None:
    """Every name within ``out`` and its files fits NAME_MAX bytes, and every whole path PATH_MAX."""
    for relative in ["", *paths]:
        target = out / relative if relative else out
        for name in target.parts:
            if len(os.fsencode(name)) > NAME_MAX:
                raise UserError(
                    f"cannot write {shortened(target)}: the name {shortened(name, 16)} is longer than the file "
                    f"system's {NAME_MAX} bytes; choose a shorter name"
                )
        if len(os.fsencode(str(target.absolute()))) + STAGING_DEPTH >= PATH_MAX:
            raise UserError(
                f"cannot write {shortened(target)}: the path is too long for the file system's {PATH_MAX}-byte "
                f"limit; choose a shorter --out"
            )


def _deepest_existing(out: Path, path: Path) -> Path:
    """The deepest folder on ``path``'s way that exists (``path`` itself if it does); links on the way must lead
    somewhere."""
    existing = path
    while True:
        try:
            os.stat(existing)
            return existing
        except FileNotFoundError:
            if os.path.islink(existing):
                raise UserError(
                    f"--out {shortened(out)}: {shortened(existing)} is a link to {os.readlink(existing)}, which "
                    f"does not exist; make that folder or choose another"
                ) from None
            existing = existing.parent
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                looping = next((p for p in [*reversed(existing.parents), existing] if _loops(p)), existing)
                raise UserError(f"--out {shortened(out)}: {shortened(looping)} is a loop of links") from None
            if exc.errno == errno.ENOTDIR:
                on_way = [*reversed(existing.parents), existing]
                blocker = next((p for p in on_way if p.exists() and not p.is_dir()), existing)
                raise UserError(f"--out {shortened(out)}: {shortened(blocker)} is a file, not a folder") from None
            raise UserError(f"--out {shortened(out)} cannot be reached ({exc.strerror})") from None


def _loops(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _check_writable(out: Path, folder: Path) -> None:
    probe = folder / f".probe-{uuid.uuid4().hex}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError as exc:
        where = "" if folder == out else f": its folder {shortened(folder)}"
        raise UserError(f"--out {shortened(out)} is not writable{where} ({exc.strerror}); choose another") from None


def check_out(out: Path) -> None:
    """The output folder exists or can be made, and takes files; raises a UserError otherwise."""
    _check_lengths(out, [])
    existing = _deepest_existing(out, out)
    if not existing.is_dir():
        raise UserError(f"--out {shortened(out)}: {shortened(existing)} is a file, not a folder")
    _check_writable(out, existing)


def check_targets(
    out: Path, paths: list[str], force: bool = False, exact: Callable[[], Collection[str]] | None = None
) -> None:
    """Each planned file (and manifest.json) can land at its path, and replaces nothing of a user's.

    A path may be a glob (figures named when drawn). A file there is replaced only if a manifest of ours lists
    it, or with ``force``; a folder in its place, a file on its way, an unwritable folder or a name too long is
    refused whatever ``force`` says. A file a glob matches that is not ours is refused only if it is among the
    very names the run writes, ``exact()`` (asked once, when first needed; without it, every match counts).
    Raises a UserError, before any work, otherwise.
    """
    known: list[Collection[str]] = []

    def written(name: str) -> bool:
        if exact is None:
            return True
        if not known:
            known.append(set(exact()))
        return name in known[0]

    paths = [*paths, MANIFEST]
    _check_lengths(out, paths)
    listed = manifest_files(out / MANIFEST)
    listed = set() if listed is None else {*listed, MANIFEST}  # a manifest of ours is ours
    probed: set[Path] = set()
    for relative in paths:
        target = out / relative
        for folder in reversed(target.relative_to(out).parents):
            if (out / folder).exists() and not (out / folder).is_dir():
                raise UserError(f"cannot write {shortened(target)}: {shortened(out / folder)} is a file, not a folder")
        existing = _deepest_existing(out, target.parent)
        if existing not in probed:
            _check_writable(out, existing)
            probed.add(existing)
        pattern = any(sign in relative for sign in "*?[")
        found = sorted(out.glob(relative)) if pattern else [target]
        for path in found:
            name = str(path.relative_to(out))
            folder = path.is_dir() and not path.is_symlink()
            blocks = folder or (os.path.lexists(path) and not force and name not in listed)
            if pattern and blocks and not written(name):  # the exact names asked only for what would block
                continue  # matches the glob, but is no name of this run's
            if folder:
                raise UserError(f"cannot write {shortened(path)}: it is a folder")
            if blocks:
                what = "manifest.json is not a manifest of ours" if name == MANIFEST else "no manifest of ours lists it"
                raise UserError(
                    f"{shortened(path)} is not a file of ours ({what}), so it is not replaced; move it away, "
                    f"or give --force to replace it"
                )
