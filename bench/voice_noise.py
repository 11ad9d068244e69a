"""What piper's sampling noise is worth: the same sentences spoken with no noise (reproducible) and with
piper's default noise (different at every run), compared by duration, pitch spread and energy spread.

Run: ``python bench/voice_noise.py`` (a few seconds; needs the bundled voice). Pitch is a plain
autocorrelation estimate per 40 ms frame of voiced speech; spreads are standard deviations.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from rendering.voice.piper import model_files
from rendering.voice.speech import decoded

SENTENCES = [
    "We multiply Q times K transposed, then divide by the square root of d k.",
    "Each row of the attention weights sums to one.",
    "Row three of R mixes every row of V, weighted by row three of A.",
    "Unscaled, a row piles nearly all its weight on one key: the softmax saturates.",
]


def speak(noise: bool, folder: Path) -> list[np.ndarray]:
    model, config = model_files()
    command = [sys.executable, "-m", "piper", "-m", str(model), "-c", str(config), "-d", str(folder)]
    if not noise:
        command += ["--noise-scale", "0", "--noise-w-scale", "0"]
    subprocess.run(command, input="\n".join(SENTENCES) + "\n", text=True, check=True, capture_output=True)
    return [decoded(p)[0] for p in sorted(folder.glob("*.wav"), key=lambda p: int(p.stem))]


def features(samples: np.ndarray, rate: int = 22050) -> tuple[float, float, float]:
    """(seconds, pitch spread in semitones, energy spread in dB) of voiced frames."""
    size = int(0.04 * rate)
    pitches, energies = [], []
    for start in range(0, len(samples) - size, size // 2):
        frame = samples[start : start + size] * np.hanning(size)
        energy = float(np.mean(frame**2))
        if energy < 1e-4:
            continue
        lags = np.correlate(frame, frame, "full")[size - 1 :]
        low, high = int(rate / 300), int(rate / 70)  # 70-300 Hz, a speaking voice
        lag = low + int(np.argmax(lags[low:high]))
        if lags[lag] > 0.3 * lags[0]:
            pitches.append(12 * np.log2(rate / lag))
            energies.append(10 * np.log10(energy))
    return len(samples) / rate, float(np.std(pitches)), float(np.std(energies))


def main() -> None:
    for noise in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            takes = speak(noise, Path(folder))
        rows = np.array([features(t) for t in takes])
        seconds, pitch, energy = rows.sum(axis=0)[0], rows[:, 1].mean(), rows[:, 2].mean()
        label = "default noise" if noise else "no noise     "
        print(f"{label}: {seconds:5.2f} s, pitch spread {pitch:4.2f} semitones, energy spread {energy:4.2f} dB")


if __name__ == "__main__":
    main()
