"""Which voice a run speaks with: the table of voice engines, the one place the rest learns them from.

What belongs here: ``ENGINES`` (one entry per engine: how ``--voice`` names it and what it is), the default
voice of the narrated commands, ``--voice``'s help, and reading ``--voice`` into an engine
(``engine.SpeechEngine``, in the run's look; its identity is in every output cache key). **A new voice engine
is one module beside ``piper.py`` plus one entry in ``ENGINES``.**

Examples
--------
>>> voice_of("none") is None
True
>>> voice_of("joe").kind
'piper'
>>> metavar()
'joe|none|DIR'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rendering.errors import UserError
from rendering.voice import piper, takes
from rendering.voice.engine import SpeechEngine

SILENT = "none"  # --voice none: no narration


@dataclass(frozen=True)
class Engine:
    """One entry of the table: the engine for a value of ``--voice`` (``make``), and what it is (``about``, for
    ``--voice``'s help)."""

    make: Callable[[str], SpeechEngine]
    about: str


FOLDER = "DIR"  # the entry for every value of --voice that is not a word of the table: a folder's path
ENGINES: dict[str, Engine] = {
    piper.VOICE: Engine(piper.bundled, "the bundled offline voice"),
    FOLDER: Engine(
        takes.recorded, "a folder of recorded takes, one WAV or FLAC per cue id (render.py script lists them)"
    ),
}
DEFAULT_VOICE = piper.VOICE  # what narrated commands speak with when --voice is not given


def _words() -> list[str]:
    return [word for word in ENGINES if word != FOLDER]


def metavar() -> str:
    """``--voice``'s values, as the help shows them."""
    return "|".join([*_words(), SILENT, FOLDER])


def described() -> str:
    """What each value of ``--voice`` gives, for its help."""
    words = [f"{word} ({ENGINES[word].about})" for word in _words()]
    return f"{', '.join([*words, f'{SILENT} (silent)'])}, or {ENGINES[FOLDER].about}"


def voice_of(value: str | None) -> SpeechEngine | None:
    """``--voice``: "none" (silent), a word of ``ENGINES``, or a folder of recorded takes (``UserError`` in one
    line for anything else)."""
    if value is None or value == SILENT:
        return None
    if not value.strip():  # an empty path would be read as the current folder
        raise UserError(f"--voice is empty; give {', '.join([SILENT, *_words()])}, or a folder of takes")
    word = value if value in ENGINES else FOLDER
    try:
        return ENGINES[word].make(value)
    except takes.NotAFolder as error:
        raise UserError(f"{error} (give {', '.join([SILENT, *_words()])}, or a folder)") from None
