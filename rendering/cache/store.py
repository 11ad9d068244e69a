"""The output cache: renders remembered by the key of their inputs, so an unchanged render is never made twice.

What belongs here: storing a render's files content-addressed (``outputs/blobs/<sha256>``) under an entry named
by its key and a variant (``outputs/entries/<key>/<variant>.json``: file names, their sha256, and plain facts
such as subtitles; a section's variant is the state it starts from), serving them back only when every file
still has its recorded sha256, and clearing them (only files of that layout: anything else is left and named).
The keys themselves are made in keys.py. Writes are atomic (a temporary name, then a rename), so concurrent runs
and an interrupted one never leave a half-written file under a final name.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rendering.cache.layout import OUTPUT_FILES, outside
from rendering.cache.slots import CACHE
from rendering.files import temporary_beside

OUTPUTS = CACHE / "outputs"


_warned = False  # one warning a run, however many renders the cache could not keep


def _warn_once(message: str) -> None:
    global _warned
    if not _warned:
        print(f"render.py: warning: {message}", file=sys.stderr, flush=True)
        _warned = True


@dataclass(frozen=True)
class Entry:
    """A remembered render: its files (name -> sha256) and facts about it (JSON-able)."""

    key: str
    variant: str
    files: dict[str, str]
    facts: dict


@contextmanager
def _atomic(target: Path) -> Iterator[BinaryIO]:
    """A file to write that appears at ``target`` only once complete (a temporary name, then a rename)."""
    name = temporary_beside(target)
    try:
        with open(name, "wb") as fh:
            yield fh
        os.replace(name, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(name)
        raise


def _atomic_write(target: Path, data: bytes) -> None:
    with _atomic(target) as fh:
        fh.write(data)


def _copy_hashing(source: Path, target: Path) -> str:
    """Copy ``source`` to ``target`` (complete or absent) and return the sha256 of what was copied."""
    digest = hashlib.sha256()
    with open(source, "rb") as src, _atomic(target) as dst:
        for block in iter(lambda: src.read(1 << 20), b""):
            digest.update(block)
            dst.write(block)
    return digest.hexdigest()


def _link_hashing(source: Path, target: Path) -> str:
    """Hard-link ``source`` as ``target`` (a copy across file systems); the sha256 of what it holds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        return _copy_hashing(source, target)
    digest = hashlib.sha256()
    with open(target, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Store:
    """The cache folder of remembered renders (``ATTENTION_CACHE``/outputs by default)."""

    def __init__(self, root: Path = OUTPUTS):
        self.root = Path(root)

    def _entry_path(self, key: str, variant: str) -> Path:
        return self.root / "entries" / key / f"{variant}.json"

    def _blob(self, sha: str) -> Path:
        return self.root / "blobs" / sha[:2] / sha

    def variants(self, key: str) -> set[str]:
        """The variants remembered under ``key``."""
        folder = self.root / "entries" / key
        return {path.stem for path in folder.glob("*.json")} if folder.is_dir() else set()

    def get(self, key: str, variant: str = "whole") -> Entry | None:
        """The entry for ``key`` if there is one whose blobs all exist (their contents are checked on restore)."""
        try:
            data = json.loads(self._entry_path(key, variant).read_text())
            entry = Entry(key, variant, dict(data["files"]), dict(data["facts"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not all(self._blob(sha).is_file() for sha in entry.files.values()):
            return None
        return entry

    def restore(self, entry: Entry, folder: Path, names: dict[str, str], link: bool = False) -> dict[str, Path] | None:
        """Copy the entry's files into ``folder`` as ``names[file]`` and check each copy's sha256.

        ``link``: hard-link instead of copying where the file system allows, for files that are only read (a
        linked file written in place would change the cache's copy). A file that no longer has its recorded
        sha256 (altered or truncated in the cache) is never served: the blob and the entry are dropped and None
        is returned, so the caller renders again.
        """
        restored = {}
        for name, target in names.items():
            sha = entry.files[name]
            path = folder / target
            try:
                copied = _link_hashing(self._blob(sha), path) if link else _copy_hashing(self._blob(sha), path)
            except OSError:
                copied = None
            if copied != sha:
                with suppress(OSError):
                    path.unlink()
                self.forget(entry, bad_blob=sha)
                return None
            restored[name] = path
        return restored

    def forget(self, entry: Entry, bad_blob: str | None = None) -> None:
        with suppress(OSError):
            self._entry_path(entry.key, entry.variant).unlink()
        if bad_blob is not None:
            with suppress(OSError):
                self._blob(bad_blob).unlink()

    def put(self, key: str, files: dict[str, Path], facts: dict, variant: str = "whole") -> Entry | None:
        """Remember ``files`` (name -> path) and ``facts`` under ``key``; None if the cache cannot be written
        (a full disk or a read-only cache costs a later render, never this run)."""
        try:
            shas = {}
            for name, path in files.items():
                scratch = self.root / "blobs" / "incoming" / f"{os.getpid()}-{name}"
                sha = _copy_hashing(Path(path), scratch)
                blob = self._blob(sha)
                blob.parent.mkdir(parents=True, exist_ok=True)
                os.replace(scratch, blob)  # the same content under the same name: a concurrent run's copy is as good
                shas[name] = sha
            record = {"files": shas, "facts": facts}
            _atomic_write(self._entry_path(key, variant), json.dumps(record, sort_keys=True).encode())
        except OSError as exc:
            _warn_once(f"the output cache {self.root} cannot be written ({exc.strerror or exc}); going on without it")
            return None
        return Entry(key, variant, shas, facts)

    def clear(self) -> tuple[int, int, list[Path]]:
        """Remove every remembered render: the files of the cache's layout (``layout.OUTPUT_FILES``) and the
        folders they empty; (entries, bytes removed, the files left because they are not the cache's)."""
        if not self.root.is_dir() or self.root.is_symlink():
            return 0, 0, []
        left = outside(self.root, OUTPUT_FILES)
        folder = self.root
        if not left:
            # all ours: renamed first, so a concurrent run sees either the whole cache or none of it
            folder = self.root.with_name(f".{self.root.name}-cleared-{os.getpid()}")
            os.replace(self.root, folder)
        entries = size = 0
        for parent, _, files in os.walk(folder, topdown=False):
            for name in files:
                path = Path(parent, name)
                relative = path.relative_to(folder).as_posix()
                if path.is_symlink() or not OUTPUT_FILES.fullmatch(relative):
                    if path not in left:  # appeared while clearing: left too, and said
                        left.append(path)
                    continue
                with suppress(FileNotFoundError):
                    size += path.stat().st_size
                    path.unlink()
                    entries += relative.startswith("entries/") and relative.endswith(".json")
            with suppress(OSError):
                os.rmdir(parent)  # only if emptied
        return entries, size, left
