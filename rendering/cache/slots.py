"""Private Manim working folders, one per running process, kept between runs.

Manim deletes every non-SVG file of its tex_dir after each LaTeX compilation and writes a
temporary "<hash>_.svg" beside each cached SVG, so processes sharing one tex_dir or media_dir
crash at random. Each render takes the first free slot (an exclusive flock), so parallel jobs and
concurrent runs never share one, and a later run reuses the slot's LaTeX and partial-movie caches.

The cache folder (``ATTENTION_CACHE``, else ``$XDG_CACHE_HOME/self-attention-animated``) is checked once per
run: if it cannot be used (a file in its place, no rights, a full disk), one warning line says so and the run
goes on with a temporary folder of its own, removed when the run ends; its workers inherit that folder. A folder
that is not a cache of ours (``location.refusal``) is never written: ``REFUSED`` says why, and the command line
stops with that line before any work.
"""

from __future__ import annotations

import atexit
import fcntl
import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rendering.cache.location import CONFIGURED, refusal, unusable
from rendering.ownership import CACHE as CACHE_MARK
from rendering.ownership import write_mark


def _usable_cache() -> tuple[Path, str | None]:
    """The cache folder to use, and why the configured one was refused (None if it was not)."""
    problem = unusable(CONFIGURED)
    refused = refusal(CONFIGURED) if problem is None else None
    if problem is None and refused is None:
        return CONFIGURED, None
    fallback = Path(tempfile.mkdtemp(prefix="attention-cache-"))
    if refused is None:
        print(
            f"render.py: warning: the cache folder {CONFIGURED} cannot be used ({problem}); "
            f"rendering without it (set ATTENTION_CACHE to a writable folder to keep renders)",
            file=sys.stderr,
        )
    # a refused folder is said by the command line, which stops (REFUSED); a library caller renders without it
    os.environ["ATTENTION_CACHE"] = str(fallback)  # the workers, started later, use it without a warning
    atexit.register(shutil.rmtree, fallback, True)
    write_mark(fallback, CACHE_MARK)
    return fallback, refused


CACHE, REFUSED = _usable_cache()


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
