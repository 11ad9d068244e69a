"""Private Manim working folders, one per running process, kept between runs.

Manim deletes every non-SVG file of its tex_dir after each LaTeX compilation and writes a
temporary "<hash>_.svg" beside each cached SVG, so processes sharing one tex_dir or media_dir
crash at random. Each render takes the first free slot (an exclusive flock), so parallel jobs and
concurrent runs never share one, and a later run reuses the slot's LaTeX and partial-movie caches.
"""

from __future__ import annotations

import fcntl
import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(
    os.environ.get("ATTENTION_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "self-attention-animated"
)


@dataclass(frozen=True)
class Slot:
    root: Path

    @property
    def media(self) -> Path:
        return self.root / "media"

    @property
    def tex(self) -> Path:
        return self.root / "Tex"

    @property
    def text(self) -> Path:
        return self.root / "texts"


@contextmanager
def cache_slot() -> Iterator[Slot]:
    for n in itertools.count():
        root = CACHE / f"slot-{n}"
        root.mkdir(parents=True, exist_ok=True)
        lock = open(root / ".lock", "w")  # noqa: SIM115 - held for the whole render
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            continue
        try:
            yield Slot(root)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()
        return
