"""piper, the neural voice, as a separate program: one ``python -m piper`` per process, fed one line per take.

piper-tts is GPL-3.0-or-later, so the project never imports it: it runs it in a subprocess, with the settings
of ``choice.SETTINGS`` (no sampling noise: the same text gives the same samples), reads each take's WAV from
a folder of its own and moves it where it is asked to.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rendering.voice.choice import SETTINGS, model_files


class EngineError(RuntimeError):
    """piper stopped or failed; the message ends with what it printed last."""


class Piper:
    """A running piper, started on the first take and stopped when the process exits.

    Examples
    --------
    >>> engine = Piper()  # doctest: +SKIP
    >>> engine.say("Q times K transposed.", Path("take.wav"))  # doctest: +SKIP
    """

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
