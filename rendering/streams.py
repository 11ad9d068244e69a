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

    def __init__(self, stream):
        self._stream = stream
        self.closed_pipe = False  # the reader went away: nothing more is written
        self.escaped = False  # some characters were printed as escapes
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):  # not a TextIOWrapper (a test's capture): left as it is
            pass

    def write(self, text: str) -> int:
        if self.closed_pipe:
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
        except BrokenPipeError:
            self._silence()
        return len(text)

    def flush(self) -> None:
        if self.closed_pipe:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._silence()

    def _silence(self) -> None:
        self.closed_pipe = True
        try:  # what is still buffered, and every later write, goes to /dev/null (Python's "Note on SIGPIPE")
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name):
        return getattr(self._stream, name)


def guard_output() -> None:
    """Wrap sys.stdout and sys.stderr (once) in Guarded."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, Guarded):
            setattr(sys, name, Guarded(stream))


def lost() -> list[str]:
    """What the guarded streams could not show, in words (empty: everything was shown)."""
    said = []
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, Guarded) and stream.closed_pipe:
            said.append(f"{name} was closed before the end, so some lines were not shown")
        elif isinstance(stream, Guarded) and stream.escaped:
            said.append(f"{name} cannot show some characters ({stream.encoding}); they were printed as escapes")
    return said
