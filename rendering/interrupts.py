"""Ctrl-C, SIGTERM and SIGHUP: each ends a run the same way, and none can cut a run's publishing short.

What belongs here: the console's signal handlers, and the one flag that says a run has begun to publish. Before
that, SIGINT, SIGTERM or SIGHUP raises ``Interrupted`` (a KeyboardInterrupt), every layer cleans up as for any failure,
and the run exits 128 + the signal's number (130, 143, 129), as shells report a process ended by that signal. Once
publishing has begun (files moved to their final paths, then the manifest), a signal is only remembered: the run
finishes, and exits 0 saying the files are complete, since they are. A SIGHUP ignored when the run started
(``nohup``) stays ignored; SIGINT and SIGTERM always stop it.
"""

from __future__ import annotations

import signal

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)  # SIGHUP: the terminal was closed


class Interrupted(KeyboardInterrupt):
    """A run stopped by ``signum`` (one of HANDLED)."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class _State:
    publishing = False  # a run has begun to move its files into place: a signal no longer stops it
    deferred: int | None = None  # the signal that arrived while publishing


def _handler(signum, frame) -> None:
    if _State.publishing:
        _State.deferred = signum
        return
    raise Interrupted(signum)


def install() -> None:
    """Each of HANDLED raises Interrupted in this (the main) thread, or waits while a run publishes."""
    for signum in HANDLED:
        # nohup's ignored SIGHUP stays ignored; SIGINT and SIGTERM always stop a run, also where the shell or a
        # test runner started it with SIGINT ignored (a background job, a pytest-xdist worker's child)
        if signum != signal.SIGHUP or signal.getsignal(signum) is not signal.SIG_IGN:
            signal.signal(signum, _handler)


def reset() -> None:
    """A new run: nothing published, no signal remembered."""
    _State.publishing = False
    _State.deferred = None


def begin_publishing() -> None:
    """From now on this run completes: a signal is remembered (see ``deferred``), never raised."""
    _State.publishing = True


def deferred() -> str | None:
    """The name of the signal that arrived while the run published, if one did."""
    return None if _State.deferred is None else signal.Signals(_State.deferred).name
