"""What a voice engine is: the one interface the narration speaks through, whatever makes the sound.

What belongs here: ``SpeechEngine`` (a cue's take as a sound file, the engine's identity for every cache key and
its licence for the manifest) and ``Synthesizer`` (an engine that speaks a text into a WAV file, each take made
once and kept in the speech cache). The engines themselves are one module each (``piper.py``, ``takes.py``) and
``choice.py`` is their table; the command line, the exporters and the caches see only this interface.

Examples
--------
An engine is a small frozen record (it travels to the worker processes with the run's look); a synthesizer
writes only ``speak``:

>>> import wave
>>> from dataclasses import dataclass
>>> @dataclass(frozen=True)
... class Quiet(Synthesizer):
...     kind = "quiet"
...     licence = "none: silence"
...
...     def speak(self, text, target):
...         with wave.open(str(target), "wb") as take:
...             take.setnchannels(1), take.setsampwidth(2), take.setframerate(8000)
...             take.writeframes(bytes(2 * 80 * len(text)))
>>> Quiet("quiet", digest_of(["quiet", 1])).about()["kind"]
'quiet'
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rendering.voice import cache


def digest_of(record) -> str:
    """The sha256 of a JSON record: an engine's identity from everything its takes depend on."""
    return hashlib.sha256(json.dumps(record).encode()).hexdigest()


def file_digest(path: Path) -> str:
    """The sha256 of a file's bytes (a model, a config, a recorded take)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass(frozen=True)
class SpeechEngine(ABC):
    """A voice the narration speaks with: where each cue's take is, what the takes depend on, and their licence.

    An engine is a frozen record, pickled to the workers with the run's look; its ``repr`` (its kind, ``name``
    and ``identity``) is in every output cache key, so a change of engine, model, settings or takes renders
    again. Whatever an engine runs (a process, a model in memory) is started in the process that speaks.

    Parameters
    ----------
    name
        What ``--voice`` said: a voice's name, or a folder of takes.
    identity
        A digest of everything the takes depend on (engine version, model, settings; or the takes' bytes).
    """

    kind: ClassVar[str]  # the manifest's name for the engine: "piper", "takes"
    licence: ClassVar[str]  # what the manifest says of the takes' licence and credit

    name: str
    identity: str

    @abstractmethod
    def take(self, cue: str, text: str) -> Path:
        """The sound file (WAV or FLAC) of cue ``cue`` saying ``text``."""

    def check(self, cues: Callable[[], dict[str, str]]) -> None:
        """Refuse a render this voice cannot speak, before any filming (``UserError``, one line).

        ``cues()`` lists every cue the scenes speak (id: text); it builds every scene, so an engine that makes
        its takes as asked never calls it."""
        return  # nothing to check: the takes are made as they are asked for

    def about(self) -> dict:
        """What the manifest records of it."""
        return {"kind": self.kind, "name": self.name, "digest": self.identity, "licence": self.licence}


@dataclass(frozen=True)
class Synthesizer(SpeechEngine):
    """An engine that speaks a text: each take is made once from the text alone and kept in the speech cache
    (``cache.py``) under the engine's identity, so workers and later runs share it."""

    @abstractmethod
    def speak(self, text: str, target: Path) -> None:
        """Speak ``text`` (one line, not empty) into the WAV file ``target``."""

    def take(self, cue: str, text: str) -> Path:
        return cache.remembered(self.identity, text, lambda target: self.speak(text, target))
