"""A cue's take and its length, where the scene is built: whatever the voice's engine (``engine.py``) gives.

What belongs here: ``Speech``, the object a scene's ``Inputs.speech`` holds (``narrate`` asks it each cue's
length), and reading a take's samples (PyAV decodes WAV and FLAC). A take's length is its file's, silences
included: what it sounds like is what the picture waits for.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from rendering.voice import cache
from rendering.voice.engine import SpeechEngine


class TakeError(ValueError):
    """A take that is missing or cannot be read; the message is one line naming it."""


def decoded(path: Path) -> tuple[np.ndarray, int]:
    """A sound file's samples (mono float64 in [-1, 1], channels mixed down) and its rate."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            rate = stream.rate
            mono = av.AudioResampler(format="dbl", layout="mono", rate=rate)
            chunks = [out.to_ndarray()[0] for frame in container.decode(stream) for out in mono.resample(frame)]
            chunks += [out.to_ndarray()[0] for out in mono.resample(None)]
    except (av.FFmpegError, OSError, IndexError) as error:
        raise TakeError(f"{path.name}: cannot be read as sound ({error})") from None
    return (np.concatenate(chunks) if chunks else np.zeros(0)), rate


class Speech:
    """The takes of one voice, in one process: ``seconds`` and ``samples`` of a cue, by its id and its text.

    Examples
    --------
    >>> from rendering.voice.piper import bundled
    >>> Speech(bundled()).seconds("intro.00", "Hello.")  # doctest: +SKIP
    0.67
    """

    def __init__(self, voice: SpeechEngine):
        self.voice = voice
        self._lengths: dict[tuple[str, str], Fraction] = {}  # lengths asked in this process

    def __getstate__(self):  # a worker measures its own takes
        return {"voice": self.voice}

    def __setstate__(self, state):
        self.__init__(state["voice"])

    def path(self, cue: str, text: str) -> Path:
        """The take's file, as the voice's engine gives it (a synthesizer makes it once)."""
        return self.voice.take(cue, text)

    def samples(self, cue: str, text: str) -> tuple[np.ndarray, int]:
        if not text.strip():
            return np.zeros(0), 48000
        return decoded(self.path(cue, text))

    def length(self, cue: str, text: str) -> Fraction:
        """How long the take of cue ``cue`` (saying ``text``) plays, as the speech cache keeps it: a take not
        measured yet is made, measured, and normalised for the track once, here (``voiced``)."""
        key = (cue, text)
        if key not in self._lengths:
            known = cache.known_length(self.voice.identity, cue, text)
            if known is None:
                samples, rate = self.samples(cue, text)
                self._voiced(cue, text, samples, rate)
                known = Fraction(len(samples), rate)
                cache.keep_length(self.voice.identity, cue, text, known)
            self._lengths[key] = known
        return self._lengths[key]

    def seconds(self, cue: str, text: str) -> float:
        """How long the take of cue ``cue`` (saying ``text``) plays."""
        return float(self.length(cue, text))

    def voiced(self, cue: str, text: str) -> np.ndarray:
        """The take as the track lays it: at the track's rate, normalised (loudness.py), made once and kept."""
        kept = cache.known_samples(self.voice.identity, cue, text)
        return kept if kept is not None else self._voiced(cue, text, *self.samples(cue, text))

    def _voiced(self, cue: str, text: str, samples: np.ndarray, rate: int) -> np.ndarray:
        from scipy.signal import resample_poly

        from rendering.voice.loudness import normalised
        from rendering.voice.track import RATE

        if len(samples):
            if rate != RATE:
                common = np.gcd(rate, RATE)
                samples = resample_poly(samples, RATE // common, rate // common)
            samples = normalised(samples, RATE)
        cache.keep_samples(self.voice.identity, cue, text, samples)
        return samples
