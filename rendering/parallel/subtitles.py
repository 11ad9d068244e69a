"""The slices' subtitles merged onto the joined timeline by exact shifting (the movies: ``join.py``).

What belongs here: reading .srt files (``srt``), moving each slice's cues by where its movie starts in the joined
one, and writing one file. Times are exact fractions, so a cue lands on the frame it was made for.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import srt

from rendering.files import temporary_beside
from rendering.parallel.join import JoinError, nearest


@dataclass(frozen=True)
class SubtitleSlice:
    """One part's subtitles and where they go on the joined timeline.

    ``subtitles``: the part's .srt, or its subtitles as Manim holds them (``srt.Subtitle``,
    microsecond times; a .srt keeps whole milliseconds), or None. ``start``: where the part begins in the
    joined video (see :func:`slice_starts`). ``clock_start``/``clock_end``: the stretch of the part's own clock
    that belongs to the part. A part rendered with the other sections skipped holds every section's subtitles
    on its own clock, which runs on through skipped sections by their nominal run times (not their frames):
    pass the scene's clock (``Scene.time``) where the part's section began and where the next one began (None for
    the last part). For subtitles timed from the part's beginning, leave 0 and None (keep everything).
    """

    subtitles: Path | Sequence[srt.Subtitle] | None
    start: Fraction | float
    clock_start: float = 0.0
    clock_end: float | None = None


MICROSECOND = datetime.timedelta(microseconds=1)


def _exact(delta: datetime.timedelta) -> Fraction:
    return Fraction(delta // MICROSECOND, 1_000_000)


def _as_held(seconds: float, milliseconds: bool) -> Fraction:
    """A clock reading as Manim records it (rounded to microseconds) and, in a .srt, cut to milliseconds."""
    micro = datetime.timedelta(seconds=float(seconds)) // MICROSECOND
    return Fraction(micro // 1000, 1000) if milliseconds else Fraction(micro, 1_000_000)


def held(seconds: float) -> Fraction:
    """A clock reading as Manim holds a subtitle's time: in whole microseconds."""
    return _as_held(seconds, False)


def _timedelta(seconds: Fraction) -> datetime.timedelta:
    return datetime.timedelta(microseconds=nearest(max(Fraction(0), seconds) * 1_000_000))


def _read(source: Path | Sequence[srt.Subtitle]) -> tuple[list[srt.Subtitle], bool]:
    """The subtitles, and whether their times were cut to milliseconds (read from a .srt)."""
    if not isinstance(source, (str, Path)):
        return list(source), False
    path = Path(source)
    try:
        return list(srt.parse(path.read_text(encoding="utf-8"))), True
    except srt.SRTParseError as error:
        raise JoinError(f"{path.name}: not a valid .srt ({error})") from error


def shift_subtitles(parts: Sequence[SubtitleSlice | tuple[Path | None, Fraction | float]], target: Path) -> int:
    """Merge the parts' subtitles onto the joined video's timeline as one .srt; returns how many were written.

    A subtitle keeps its place relative to its part's beginning: ``t - clock_start + start``, in exact
    rationals. Given Manim's subtitles (microseconds) the result equals a single render's .srt; given .srt
    files a time may be 1 ms off, since the part's clock and the single render's were cut to milliseconds
    at different origins (read as the middle of its millisecond, which halves how often that happens).
    Parts may be ``(subtitles, start)`` tuples. Subtitles are renumbered from 1 in time order; ``target``
    is written whole or not at all.
    """
    target = Path(target)
    merged: list[srt.Subtitle] = []
    for item in parts:
        part = item if isinstance(item, SubtitleSlice) else SubtitleSlice(*item)
        if part.subtitles is None:
            continue
        subtitles, cut = _read(part.subtitles)
        low = _as_held(part.clock_start, cut)
        high = None if part.clock_end is None else _as_held(part.clock_end, cut)
        shift = Fraction(part.start) - Fraction(part.clock_start) + (Fraction(1, 2000) if cut else 0)
        for subtitle in subtitles:
            begin = _exact(subtitle.start)
            if begin < low or (high is not None and begin >= high):
                continue  # another section's subtitle: the render of its own part places it
            merged.append(
                srt.Subtitle(
                    index=0,
                    start=_timedelta(begin + shift),
                    end=_timedelta(_exact(subtitle.end) + shift),
                    content=subtitle.content,
                    proprietary=subtitle.proprietary,
                )
            )
    merged.sort(key=lambda s: (s.start, s.end))
    partial = temporary_beside(target)
    try:
        partial.write_text(srt.compose(merged, reindex=True, start_index=1), encoding="utf-8")
        os.replace(partial, target)
    except BaseException:
        with suppress(OSError):
            partial.unlink()
        raise
    return len(merged)
