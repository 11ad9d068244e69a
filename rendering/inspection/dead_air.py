"""Dead air: audible speech over an empty content area, measured on a rendered movie.

A frame is *spoken* when the narration is louder than ``SPEECH_DBFS`` in the ``WINDOW`` seconds around it, and
*empty* when fewer than ``INK_SHARE`` of its content area's pixels are darker than ``LIGHT_GREY``. The content
area is the right of the divider in a pipeline step (the small diagram left of it does not explain anything by
itself) and the whole frame elsewhere. Which section plays when comes from the manifest of a ``--sections``
render (each clip's duration, in order); which sections are steps, from the catalog's parts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

SPEECH_DBFS = -40.0  # louder than this (RMS over a window) is speech; the voice's pauses are below -60
WINDOW = 0.05  # seconds of sound around a frame's middle that decide whether it is spoken
LIGHT_GREY = 211  # luma (0-255) of CSS "lightgray": a pixel darker than it is drawing, not background
INK_SHARE = 0.002  # under this share of dark pixels a content area counts as empty
FRAME_HEIGHT = 8.0  # Manim's frame height in units: with the movie's aspect ratio it places the divider
DIVIDER_MARGIN = 0.1  # units right of the divider where the content area begins (the divider's own stroke)


@dataclass(frozen=True)
class Stretch:
    """A stretch of the movie (``start``/``end``, seconds) whose content area begins ``left`` units right of the
    frame's centre (None: the whole frame)."""

    start: float
    end: float
    left: float | None = None


@dataclass(frozen=True)
class DeadAir:
    """What the measure found: the ``seconds`` of speech over an empty content area, the ``intervals``
    (start, end) where it happens, and the ``spoken`` seconds in all."""

    seconds: float
    intervals: tuple[tuple[float, float], ...]
    spoken: float


def stretches_from_manifest(manifest: Path, scene: str, divided: bool | None = None) -> list[Stretch]:
    """The sections of ``scene``'s ``--sections`` render, in order, as stretches of its whole movie: the right
    of the divider in a section that is a pipeline step (a part of the catalog with a step), the whole frame
    elsewhere. ``divided``: True for a scene drawn in the step layout throughout (the masking scene's diagram
    and divider stay on screen), False for none; None reads the catalog."""
    from scenes.catalog import SCENES
    from scenes.kit.layout import DIVIDER_X

    steps = {s.part.name: s.part.step for s in SCENES}
    files = json.loads(manifest.read_text())["files"]
    clips = sorted((f for f in files if f["kind"] == "section" and f["scene"] == scene), key=lambda f: f["file"])
    if not clips:
        raise ValueError(f"{manifest} lists no section clips of {scene}: render it with --sections")
    stretches, at = [], 0.0
    for clip in clips:
        step = steps.get(clip["section"], clip["step"]) if divided is None else divided
        stretches.append(Stretch(at, at + clip["duration"], DIVIDER_X + DIVIDER_MARGIN if step else None))
        at += clip["duration"]
    return stretches


def loudness_at(samples: np.ndarray, rate: int, times: Iterable[float], window: float = WINDOW) -> np.ndarray:
    """RMS level in dBFS of ``samples`` (mono, -1..1) over ``window`` seconds centred on each of ``times``."""
    half = max(1, round(window * rate / 2))
    squares = np.concatenate([[0.0], np.cumsum(samples.astype(np.float64) ** 2)])
    levels = []
    for t in times:
        centre = round(t * rate)
        a, b = max(0, centre - half), min(len(samples), centre + half)
        mean = (squares[b] - squares[a]) / (b - a) if b > a else 0.0
        levels.append(10 * np.log10(mean + 1e-12))
    return np.array(levels)


def ink(frame: np.ndarray) -> np.ndarray:
    """Where an RGB ``frame`` is drawn on: its pixels darker (by luma) than ``LIGHT_GREY``."""
    return frame[:, :, :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32) < LIGHT_GREY


def ink_share(frame: np.ndarray, left_px: int = 0) -> float:
    """Share of the pixels right of column ``left_px`` of an RGB ``frame`` darker than ``LIGHT_GREY``."""
    return float(np.mean(ink(frame[:, left_px:])))


def content_left(stretches: Sequence[Stretch], t: float, width: int, height: int) -> int:
    """The first pixel column of the content area at ``t`` seconds in a ``width`` x ``height`` movie."""
    left = next((s.left for s in stretches if s.start <= t < s.end), None)
    frame_width = FRAME_HEIGHT * width / height
    return 0 if left is None else round((left + frame_width / 2) / frame_width * width)


def _mono(container: av.container.InputContainer) -> tuple[np.ndarray, int]:
    stream = container.streams.audio[0]
    chunks = [frame.to_ndarray().astype(np.float32) for frame in container.decode(stream)]
    if not chunks:
        return np.zeros(0, np.float32), stream.rate
    planar = stream.codec_context.format.is_planar
    data = (
        np.concatenate(chunks, axis=1)
        if planar
        else np.concatenate([c.reshape(-1, stream.channels).T for c in chunks], axis=1)
    )
    return data.mean(axis=0), stream.rate


def _intervals(flags: Sequence[bool], times: Sequence[float], step: float) -> tuple[tuple[float, float], ...]:
    runs, start = [], None
    for flag, t in zip(flags, times, strict=True):
        if flag and start is None:
            start = t
        elif not flag and start is not None:
            runs.append((round(start, 3), round(t, 3)))
            start = None
    if start is not None:
        runs.append((round(start, 3), round(times[-1] + step, 3)))
    return tuple(runs)


def measure(movie: Path, stretches: Sequence[Stretch] = ()) -> DeadAir:
    """Seconds of audible speech over an empty content area in ``movie`` (video and audio, read with PyAV).

    ``stretches`` say where the content area is at each time (none: the whole frame throughout).

    Examples
    --------
    >>> stretches = stretches_from_manifest(Path("renders/manifest.json"), "FullVideo")  # doctest: +SKIP
    >>> found = measure(Path("renders/FullVideo.mp4"), stretches)  # doctest: +SKIP
    >>> found.seconds <= 1.0  # doctest: +SKIP
    True
    """
    with av.open(str(movie)) as container:
        if not container.streams.audio:
            return DeadAir(0.0, (), 0.0)  # a silent movie says nothing over anything
        samples, rate = _mono(container)
    with av.open(str(movie)) as container:
        video = container.streams.video[0]
        fps = float(video.average_rate)
        width, height = video.codec_context.width, video.codec_context.height
        times, empty = [], []
        for n, frame in enumerate(container.decode(video)):
            t = n / fps
            left_px = content_left(stretches, t + 0.5 / fps, width, height)
            times.append(t)
            empty.append(ink_share(frame.to_ndarray(format="rgb24"), left_px) < INK_SHARE)
    spoken = loudness_at(samples, rate, [t + 0.5 / fps for t in times]) > SPEECH_DBFS
    dead = np.logical_and(spoken, empty)
    return DeadAir(
        round(float(dead.sum()) / fps, 3),
        _intervals(dead.tolist(), times, 1 / fps),
        round(float(spoken.sum()) / fps, 3),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m rendering.inspection.dead_air MOVIE [MANIFEST SCENE [divided|whole]]``: the seconds and where
    they are; bad arguments or an unreadable file give one line and exit status 2."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (1, 3, 4) or (len(args) == 4 and args[3] not in ("divided", "whole")):
        print("usage: dead_air MOVIE [MANIFEST SCENE [divided|whole]]", file=sys.stderr)
        return 2
    try:
        divided = {"divided": True, "whole": False}.get(args[3]) if len(args) == 4 else None
        stretches = stretches_from_manifest(Path(args[1]), args[2], divided) if len(args) >= 3 else []
        found = measure(Path(args[0]), stretches)
    except (OSError, ValueError, KeyError, av.FFmpegError) as error:
        print(f"dead_air: {error}", file=sys.stderr)
        return 2
    print(f"speech {found.spoken:.1f} s, over an empty content area {found.seconds:.1f} s")
    for a, b in found.intervals:
        print(f"  {a:7.2f} - {b:7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
