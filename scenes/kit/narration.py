"""Subcaptions that can be read: each is held until read, so that the next one never overlaps it."""

from __future__ import annotations

READING_SPEED = 17.0  # characters per second, the usual ceiling for subtitles
GAP = 0.1  # seconds between two subcaptions: more than a frame at 15 fps, so rounding never makes them overlap


def narrate(scene, text: str, *animations, run_time: float = 1.0, **kwargs) -> None:
    """Play ``animations`` (if any) with ``text`` as their subcaption, then wait until it has been read."""
    duration = max(run_time if animations else 0.0, len(text) / READING_SPEED) + GAP
    if animations:
        scene.play(*animations, run_time=run_time, subcaption=text, subcaption_duration=duration - GAP, **kwargs)
    else:
        scene.add_subcaption(text, duration=duration - GAP)
    rest = duration - (run_time if animations else 0.0)
    if rest > 1e-6:
        scene.wait(rest)
