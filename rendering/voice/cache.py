"""Synthesized takes remembered by what makes them: the text, the voice, the engine's version and settings.

Under the project's cache folder (``speech/``), one WAV per take, named by the sha256 of its making; a take
appears only complete (written beside, then renamed), so concurrent workers may make the same one. Beside the
takes, for every voice, each take's length (``lengths/``: what a cached section's timing is checked against,
without decoding the take) and its samples as the track lays them (``normalised/``: made once, with the take).
"""

from __future__ import annotations

import hashlib
import json
import os
from fractions import Fraction
from pathlib import Path

import numpy as np

from rendering.files import temporary_beside


def folder() -> Path:
    from rendering.cache.slots import CACHE

    return CACHE / "speech"


def take_path(voice_digest: str, text: str) -> Path:
    """Where the take of ``text`` in the voice ``voice_digest`` (engine.SpeechEngine.identity) is kept."""
    key = hashlib.sha256(json.dumps([voice_digest, text]).encode()).hexdigest()
    return folder() / key[:2] / f"{key}.wav"


def remembered(voice_digest: str, text: str, make) -> Path:
    """The cached take of ``text``, made by ``make(path)`` into a temporary file first if missing."""
    path = take_path(voice_digest, text)
    if path.is_file():
        return path
    partial = temporary_beside(path)
    try:
        make(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _kept(kind: str, voice_digest: str, cue: str, text: str, suffix: str) -> Path:
    key = hashlib.sha256(json.dumps([kind, voice_digest, cue, text]).encode()).hexdigest()
    return folder() / kind / key[:2] / f"{key}{suffix}"


def _write(path: Path, write) -> None:
    partial = temporary_beside(path)
    try:
        with open(partial, "wb") as handle:
            write(handle)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def known_length(voice_digest: str, cue: str, text: str) -> Fraction | None:
    """The length kept for cue ``cue`` saying ``text`` in the voice ``voice_digest`` (None: not measured yet)."""
    try:
        return Fraction(_kept("lengths", voice_digest, cue, text, ".txt").read_text())
    except (OSError, ValueError, ZeroDivisionError):
        return None


def keep_length(voice_digest: str, cue: str, text: str, length: Fraction) -> None:
    _write(_kept("lengths", voice_digest, cue, text, ".txt"), lambda handle: handle.write(str(length).encode()))


def known_samples(voice_digest: str, cue: str, text: str) -> np.ndarray | None:
    """The normalised samples kept for the take (None: not made yet, or unreadable)."""
    try:
        return np.load(_kept("normalised", voice_digest, cue, text, ".npy"), allow_pickle=False)
    except (OSError, ValueError):
        return None


def keep_samples(voice_digest: str, cue: str, text: str, samples: np.ndarray) -> None:
    _write(_kept("normalised", voice_digest, cue, text, ".npy"), lambda handle: np.save(handle, samples))
