"""Loudness as ITU-R BS.1770 measures it, and a take's gain to the narration's target.

What belongs here: integrated loudness (K-weighted, gated: pyloudnorm), true peak (the largest sample of the
signal upsampled 4 times, as BS.1770's annex does), and ``normalised``: a take at -16 LUFS, turned down if
its true peak would pass -1 dBTP. Silence between takes is gated out of an integrated measure, so a track of
takes each at -16 LUFS measures about -16 LUFS too.

Examples
--------
>>> import numpy as np
>>> tone = 0.1 * np.sin(2 * np.pi * 997 * np.arange(48000) / 48000)
>>> round(integrated(tone, 48000), 1)  # BS.1770 says -23.0; pyloudnorm's K-weighting reads 0.05 dB lower
-23.1
>>> round(integrated(normalised(tone, 48000), 48000), 1)
-16.0
"""

from __future__ import annotations

import numpy as np
from scipy.signal import resample_poly

TARGET = -16.0  # LUFS integrated: speech for the web
CEILING = -1.0  # dBTP
# Below the ceiling, room for inter-sample peaks and for the codec: FFmpeg's AAC at 128 kb/s was measured here to
# raise a limited take's peaks by up to 1.9 dB (a FullVideo decoded at -0.07 dBFS with 1 dB of room).
CODEC_HEADROOM = 2.5
BLOCK = 0.4  # seconds: BS.1770's gating block
SILENT = -70.0  # LUFS: BS.1770's absolute gate


def integrated(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS (-inf for silence); a signal shorter than one block is measured padded."""
    import pyloudnorm

    samples = np.asarray(samples, dtype=np.float64)
    if len(samples) < BLOCK * rate:
        samples = np.pad(samples, (0, int(BLOCK * rate) - len(samples) + 1))
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples))


def true_peak(samples: np.ndarray) -> float:
    """dBTP: the peak of the signal upsampled 4 times (-inf for silence)."""
    samples = np.asarray(samples, dtype=np.float32)  # single precision: a peak to a millionth, in half the time
    peak = float(np.max(np.abs(resample_poly(samples, 4, 1)))) if len(samples) else 0.0
    return 20 * np.log10(peak) if peak > 0 else -np.inf


def limited(samples: np.ndarray, rate: int, ceiling: float, side: np.ndarray | None = None) -> np.ndarray:
    """``samples`` with no sample above ``ceiling`` dBFS: a look-ahead limiter whose gain falls smoothly over
    5 ms around each peak (a moving minimum, then a moving average no wider, so a peak is never passed).
    ``side``: the signal whose peaks set the gain (default ``samples``), e.g. the codec's decoded output."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    width = 2 * int(0.005 * rate) + 1
    level = 10 ** (ceiling / 20)
    peaks = np.maximum(np.abs(samples if side is None else side), 1e-12)
    gain = minimum_filter1d(np.minimum(1.0, level / peaks), width, mode="nearest")
    return samples * uniform_filter1d(gain, width, mode="nearest")


def normalised(samples: np.ndarray, rate: int, target: float = TARGET, ceiling: float = CEILING) -> np.ndarray:
    """``samples`` at ``target`` LUFS with their true peak at most ``ceiling`` dBTP: a gain, then the limiter
    on the few peaks speech has above the ceiling (its peaks stand some 20 dB above its loudness), the gain
    found again after limiting; a silent take is left as it is."""
    samples = np.asarray(samples, dtype=np.float64)
    loudness = integrated(samples, rate)
    if not np.isfinite(loudness) or loudness < SILENT:
        return samples
    gain, out = target - loudness, samples
    for _ in range(16):  # limiting lowers the loudness a little: raise the gain by what it lost
        out = limited(samples * 10 ** (gain / 20), rate, ceiling - CODEC_HEADROOM)
        lost = target - integrated(out, rate)
        if abs(lost) < 0.05:
            break
        gain += lost
    over = true_peak(out) - (ceiling - 0.5)
    return out * 10 ** (-max(0.0, over) / 20)
