"""Checks of the machine and the file system before any work starts: LaTeX is there, the output folder takes
files, and no planned file would land on a folder (or under a file)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from rendering.errors import UserError


def check_latex() -> None:
    for tool in ("latex", "dvisvgm"):
        if shutil.which(tool) is None:
            raise UserError(f"{tool} is not installed, so LaTeX cannot typeset; run `bash setup.sh install`")


def check_out(out: Path) -> None:
    """The output folder exists or can be made, and takes files; raises a UserError otherwise."""
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(f"--out {out}: {existing} is a file, not a folder")
    probe = existing / f".probe-{uuid.uuid4().hex}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError as exc:
        raise UserError(f"--out {out} is not writable ({exc.strerror}); choose another folder") from None


def check_targets(out: Path, paths: list[str]) -> None:
    """Each planned file can land at its path: it is not a folder, and no folder on its way is a file."""
    for relative in paths:
        target = out / relative
        if target.is_dir():
            raise UserError(f"cannot write {target}: it is a folder")
        for folder in target.relative_to(out).parents:
            if (out / folder).exists() and not (out / folder).is_dir():
                raise UserError(f"cannot write {target}: {out / folder} is a file, not a folder")
