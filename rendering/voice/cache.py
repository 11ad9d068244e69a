"""Synthesized takes remembered by what makes them: the text, the voice, the engine's version and settings.

Under the project's cache folder (``speech/``), one WAV per take, named by the sha256 of its making; a take
appears only complete (written beside, then renamed), so concurrent workers may make the same one.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

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
