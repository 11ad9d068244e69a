"""Subcaptions that can be read: each is held until read, so that the next one never overlaps it."""

from __future__ import annotations

from manim import FadeIn, LaggedStart

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


def reveal_rows(scene, grid, blank, text: str, run_time: float = 2.0) -> None:
    """Like AttentionScene.fill_rows (a computed grid row by row over its blank stand-in), narrated with ``text``."""
    rows = [grid.row_with_numbers(r) for r in range(grid.n_rows)]
    narrate(scene, text, LaggedStart(*[FadeIn(r) for r in rows], lag_ratio=0.3), run_time=run_time)
    scene.remove(blank, *rows, *([grid.label] if grid.label is not None else []))  # shown before, now the grid's
    scene.add(grid)
    scene.wait(1)
