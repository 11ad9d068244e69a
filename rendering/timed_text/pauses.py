"""Where a take pauses: NumPy on its decoded samples.

A take's loudness is measured in 30 ms windows every 10 ms. Speech is what comes within 25 dB of the take's
loud level (its 90th percentile); a pause is a run of at least 180 ms quieter than that, inside the speech (not
the take's leading or trailing silence): the bundled voice pauses 250-400 ms between phrases, while the
silences of stop consonants inside a phrase last 60-160 ms (measured on its takes). ``pause_near`` picks,
among the pauses near a time, the quietest and longest, the nearer the better.

Examples
--------
>>> import numpy as np
>>> rate = 16000
>>> tone = np.sin(2 * np.pi * 220 * np.arange(rate) / rate)
>>> take = np.concatenate([tone, np.zeros(rate // 4), tone])  # 1 s, a 250 ms pause, 1 s
>>> [round(t, 2) for t in pause_near(take, rate, near=1.3, radius=0.5)]
[1.0, 1.25]
"""

from __future__ import annotations

import numpy as np

HOP = 0.01  # seconds between two loudness readings
WINDOW = 0.03  # seconds each reading averages
BELOW = 25.0  # dB under the take's loud level that count as a pause
SHORTEST = 0.18  # seconds a pause between phrases lasts at least
LOUD = 90  # the percentile of the readings taken as the take's loud level


def levels(samples: np.ndarray, rate: int) -> np.ndarray:
    """The loudness (dB of the mean square) of each 30 ms window, one every 10 ms; reading k starts at k * 10 ms."""
    hop, window = max(1, round(HOP * rate)), max(1, round(WINDOW * rate))
    power = np.concatenate([[0.0], np.cumsum(np.asarray(samples, dtype=np.float64) ** 2)])
    starts = np.arange(0, max(1, len(samples) - window + 1), hop)
    ends = np.minimum(starts + window, len(samples))
    mean = (power[ends] - power[starts]) / np.maximum(1, ends - starts)
    return 10 * np.log10(mean + 1e-12)


def _quiet(samples: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    level = levels(samples, rate)
    return level, level < np.percentile(level, LOUD) - BELOW


def voiced(samples: np.ndarray, rate: int) -> tuple[float, float] | None:
    """(first, last) second of a take where speech is heard, or None for a silent take."""
    if not len(samples):
        return None
    _, quiet = _quiet(samples, rate)
    heard = np.flatnonzero(~quiet)
    if not len(heard) or not np.any(quiet):
        return (0.0, len(samples) / rate) if len(heard) else None
    return float(heard[0] * HOP), float(min(len(samples) / rate, heard[-1] * HOP + WINDOW))


def pauses(samples: np.ndarray, rate: int) -> list[tuple[float, float, float]]:
    """(start, end, mean dB) of every pause inside the speech of a take, in seconds from its start."""
    if not len(samples):
        return []
    level, quiet = _quiet(samples, rate)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]])))
    found = []
    for first, stop in zip(edges[::2], edges[1::2], strict=True):
        if first == 0 or stop == len(quiet):
            continue  # the take's leading or trailing silence
        start, end = float(first * HOP), float((stop - 1) * HOP + WINDOW)
        if end - start >= SHORTEST:
            found.append((start, end, float(level[first:stop].mean())))
    return found


def pause_near(samples: np.ndarray, rate: int, near: float, radius: float) -> tuple[float, float] | None:
    """(start, end) in seconds of the pause of a take that best splits it near ``near``: within ``radius``,
    quiet, long and near; None if the take does not pause there."""
    best = None
    for start, end, loudness in pauses(samples, rate):
        distance = max(0.0, start - near, near - end)  # 0 when the pause holds ``near``
        if distance > radius:
            continue
        # a quieter pause, a longer one and a nearer one are each better: dB, doublings of length, radii away
        score = loudness - 6.0 * np.log2((end - start) / SHORTEST) + 20.0 * distance / radius
        if best is None or score < best[0]:
            best = (score, start, end)
    return None if best is None else (best[1], best[2])
