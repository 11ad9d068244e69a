"""Files that appear only complete: written under a temporary name beside their target, then renamed.

What belongs here: making that temporary file with the permissions a plain ``open()`` would give (tempfile
makes it 0600, and outputs are meant to be shared: a web server, a colleague, a USB stick), and the process's
umask that decides them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = _read_umask()  # read once: os.umask is process-wide, so reading it later could race with threads
FILE_MODE = 0o666 & ~UMASK
FOLDER_MODE = 0o777 & ~UMASK


def temporary_beside(target: Path) -> Path:
    """A new empty file in ``target``'s folder (made if missing), hidden, to be renamed onto ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(handle)
    os.chmod(name, FILE_MODE)
    return Path(name)


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary file beside ``target`` to write (``temporary_beside``), renamed onto ``target`` once the block
    ends, removed if it fails: ``target`` is replaced whole or not at all.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "list.txt"
    >>> with replacing(target) as partial:
    ...     _ = partial.write_text("0:00 Intro")
    >>> target.read_text(), sorted(p.name for p in target.parent.iterdir())
    ('0:00 Intro', ['list.txt'])
    """
    partial = temporary_beside(target)
    try:
        yield partial
        os.replace(partial, target)
    except BaseException:
        with suppress(OSError):
            partial.unlink()
        raise
