"""stdout and stderr that never stop a run: a reader gone away, or a terminal that cannot show a character.

What belongs here: wrapping the standard streams so that what a run prints is only ever information about its
files, never a reason to lose them. A closed pipe (``render.py explore | head -c 5``) silences the stream for the
rest of the run (its file descriptor then points at /dev/null, so the interpreter's last flush is quiet too); a
character the stream's encoding lacks (an ASCII-only locale, a non-ASCII ``--out``) is printed as a backslash
escape. ``lost()`` says what was not shown, for one closing line on stderr.
"""

from __future__ import annotations

import os
import sys


class Guarded:
    """A text stream that swallows a broken pipe (and stays silent from then on) and escapes what it cannot encode."""

    def __init__(self, stream, failure: str | None = None):
        self._stream = stream
        self.failure = failure  # why nothing more is written (the reader went away, a full disk), once it fails
        self.escaped = False  # some characters were printed as escapes
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):  # not a TextIOWrapper (a test's capture): left as it is
            pass

    def write(self, text: str) -> int:
        if self.failure:
            return len(text)
        encoding = getattr(self._stream, "encoding", None)
        if encoding and not self.escaped:
            try:
                text.encode(encoding)
            except UnicodeEncodeError:
                self.escaped = True
            except LookupError:
                pass
        try:
            self._stream.write(text)
        except OSError as exc:  # EPIPE, ENOSPC (> /dev/full), EIO (a terminal gone)
            self._silence(exc)
        return len(text)

    def flush(self) -> None:
        if self.failure:
            return
        try:
            self._stream.flush()
        except OSError as exc:
            self._silence(exc)

    def _silence(self, exc: OSError) -> None:
        self.failure = "was closed" if isinstance(exc, BrokenPipeError) else f"failed ({exc.strerror})"
        try:  # what is still buffered, and every later write, goes to /dev/null (Python's "Note on SIGPIPE")
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _on_devnull(fd: int):
    """A text stream writing to /dev/null through ``fd``, which was closed when the process started: the number
    is taken, so no file this run opens (nor a worker's) gets it and receives what is printed."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    if devnull != fd:
        os.dup2(devnull, fd)
        os.close(devnull)
    return open(fd, "w", closefd=False)  # noqa: SIM115 - the process's own stream


def guard_output() -> None:
    """Wrap sys.stdout and sys.stderr (once) in Guarded; a stream closed from the start (``>&-``) is /dev/null."""
    for fd, name in ((1, "stdout"), (2, "stderr")):
        stream = getattr(sys, name)
        if isinstance(stream, Guarded):
            continue
        if stream is None:
            try:
                setattr(sys, name, Guarded(_on_devnull(fd), "was closed"))
            except OSError:
                pass
        else:
            setattr(sys, name, Guarded(stream))


def lost() -> list[str]:
    """What the guarded streams could not show, in words (empty: everything was shown)."""
    said = []
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, Guarded) and stream.failure:
            said.append(f"{name} {stream.failure}, so some lines were not shown")
        elif isinstance(stream, Guarded) and stream.escaped:
            said.append(f"{name} cannot show some characters ({stream.encoding}); they were printed as escapes")
    return said
