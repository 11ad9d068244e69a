"""A movie's .srt to timed-text rules: each cue's subtitle broken into lines and, when long, into consecutive
subtitles split where its take pauses, timed so that each stays from 5/6 s to 7 s, is read at 17 characters a
second at most, and leaves two frames before the next.

What belongs here: timing the pieces ``breaking.py`` makes, with the pauses ``pauses.py`` finds in each cue's
take; rewriting a .srt so. A cue is still one take with its own id; only its subtitle is shown in pieces.

Where a piece of text starts is first placed in proportion to the words said before it (math counts as said:
``QKᵀ`` as "Q K transposed"), within the take's speech (or, silent, within the subtitle's time), then moved to
the end of the take's quietest pause near there, when it has one. The pieces are then pushed apart as little
as needed to give each its reading time, and a subtitle that is read too fast is held longer, into the gap
before the next one, where there is room.
"""

from __future__ import annotations

import datetime
import math
import os
import unicodedata
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import srt

from rendering.files import temporary_beside
from rendering.timed_text import rules
from rendering.timed_text.breaking import subtitles as broken
from rendering.timed_text.pauses import pause_near, voiced

# roughly how many characters are said for a written sign (pronunciation.py writes the math, the voice says it)
SAID = {"ᵀ": 11, "√": 17, "×": 2, "·": 3, "=": 6, "/": 4, "∞": 8, "−": 5, "+": 4}
MILLISECOND = Fraction(1, 1000)
LEAD = 0.04  # seconds a piece's subtitle comes before the speech it shows takes up again after a pause


@dataclass(frozen=True)
class Take:
    """A cue's take: its samples and their rate, starting where its subtitle starts."""

    samples: np.ndarray
    rate: int


def said(text: str) -> int:
    """About how many characters the voice says for ``text`` (a subscript letter is said as one more)."""
    return sum(SAID.get(c, 3 if "SUBSCRIPT" in unicodedata.name(c, "") else 1) for c in text)


def _seconds(delta: datetime.timedelta) -> Fraction:
    return Fraction(delta // datetime.timedelta(microseconds=1), 1_000_000)


def _delta(seconds: Fraction) -> datetime.timedelta:
    return datetime.timedelta(milliseconds=math.floor(max(Fraction(0), seconds) * 1000))


def _up(seconds: Fraction) -> Fraction:
    return Fraction(math.ceil(seconds * 1000), 1000)


def _needs(text: str) -> Fraction:
    """The least time a subtitle of ``text`` stays: its reading time, at least 5/6 s, at most 7 s."""
    return min(rules.LONGEST, _up(max(rules.SHORTEST, Fraction(rules.characters(text), rules.READING))))


def _starts(pieces: list[str], start: Fraction, end: Fraction, take: Take | None) -> tuple[list[Fraction], bool]:
    """Where each piece starts: in proportion to what is said before it, moved to the end of a pause nearby;
    and whether every piece after the first starts at such a pause."""
    weights = [said(piece) for piece in pieces]
    total = sum(weights)
    span = voiced(take.samples, take.rate) if take is not None else None
    first, last = (Fraction(span[0]), Fraction(span[1])) if span else (Fraction(0), end - start)
    starts, paused = [_up(start)], span is not None
    for k in range(1, len(pieces)):
        near = first + (last - first) * Fraction(sum(weights[:k]), total)
        pause = None
        if span is not None:
            radius = max(0.4, 0.5 * float(last - first) / len(pieces))  # half a piece's share of the take
            pause = pause_near(take.samples, take.rate, float(near), radius)
        if pause is not None:
            # speech takes up again: its subtitle a little before (the pause's end is measured in 30 ms windows)
            near = Fraction(max((pause[0] + pause[1]) / 2, pause[1] - LEAD)).limit_denominator(1000)
        paused = paused and pause is not None
        starts.append(_up(max(start + near, starts[-1])))  # in whole milliseconds, as a .srt keeps them
    return starts, paused


def _placed(starts: list[Fraction], needs: list[Fraction], gap: Fraction, limit: Fraction) -> list[Fraction]:
    """The starts moved as little as needed for each piece to stay its time, all before ``limit``."""
    placed = list(starts)
    for k in range(1, len(placed)):  # forward: each after the one before has been read
        placed[k] = max(placed[k], placed[k - 1] + needs[k - 1] + gap)
    ceiling = limit - needs[-1]
    for k in range(len(placed) - 1, 0, -1):  # backward: the last one read before the limit
        placed[k] = min(placed[k], ceiling)
        ceiling = placed[k] - gap - needs[k - 1]
    for k in range(1, len(placed)):  # too little room for all: keep them in order, from the cue's start
        placed[k] = max(placed[k], placed[k - 1] + gap + MILLISECOND)
    return placed


def _fits(starts: list[Fraction], needs: list[Fraction], gap: Fraction, limit: Fraction) -> bool:
    """Whether each piece, from its start, stays its time before the next one (or ``limit``)."""
    ends = [following - gap for following in starts[1:]] + [limit]
    return all(end - begin >= need for begin, end, need in zip(starts, ends, needs, strict=True))


def timed(
    subtitles: Sequence[srt.Subtitle],
    fps: float,
    takes: Callable[[Fraction], Take | None] = lambda start: None,
    end: Fraction | None = None,
) -> list[srt.Subtitle]:
    """``subtitles`` to timed-text rules, renumbered from 1.

    ``takes(start)``: the take of the cue whose subtitle starts at ``start`` (seconds), or None (silent, or
    no take: the pieces are timed in proportion to their text). ``end``: where the movie ends (no subtitle
    runs past it). ``fps``: the movie's frame rate, for the gap between subtitles.
    """
    gap = rules.gap(fps)
    ordered = sorted(subtitles, key=lambda s: (s.start, s.end))
    made: list[srt.Subtitle] = []
    for n, subtitle in enumerate(ordered):
        start, stop = _seconds(subtitle.start), _seconds(subtitle.end)
        following = _seconds(ordered[n + 1].start) if n + 1 < len(ordered) else None
        limit = following - gap if following is not None else max(stop, end if end is not None else stop)
        if end is not None:
            limit = min(limit, end)
        text = " ".join(subtitle.content.split())
        take = takes(start)
        span = voiced(take.samples, take.rate) if take is not None else None
        speaking = Fraction(span[1] - span[0]) if span else Fraction(rules.characters(text), rules.READING)
        pieces = ["\n".join(lines) for lines in broken(text, at_least=math.ceil(speaking / rules.LONGEST))]
        if not pieces:
            continue
        needs = [_needs(piece) for piece in pieces]
        starts = _placed(_starts(pieces, start, stop, take)[0], needs, gap, limit)
        if take is not None and len(pieces) == 1 and "\n" in pieces[0]:
            # two lines read as one subtitle; shown as two of one line, each in step with its half of the speech,
            # when the take pauses at a phrase boundary and each half still gets its reading time there
            halves = ["\n".join(lines) for lines in broken(text, at_least=2)]
            wanted, paused = _starts(halves, start, stop, take)
            needs_halves = [_needs(half) for half in halves]
            placed = _placed(wanted, needs_halves, gap, limit)
            one_line = all("\n" not in half for half in halves)  # else a stub of a third line stands alone
            if one_line and paused and placed == wanted and _fits(placed, needs_halves, gap, limit):
                pieces, needs, starts = halves, needs_halves, placed
        for k, piece in enumerate(pieces):
            if k + 1 < len(pieces):
                finish = starts[k + 1] - gap
            else:  # the last piece stays as long as the cue did, or its reading time, as room allows
                finish = min(limit, max(stop, starts[k] + needs[k]))
            finish = max(min(finish, starts[k] + rules.LONGEST), _up(starts[k]) + MILLISECOND)
            made.append(srt.Subtitle(0, _delta(_up(starts[k])), _delta(finish), piece))
    return list(srt.sort_and_reindex(made, start_index=1, in_place=True, skip=False))


def conform(
    path: Path,
    fps: float,
    takes: Callable[[Fraction], Take | None] = lambda start: None,
    end: Fraction | None = None,
) -> Path:
    """Rewrite the .srt at ``path`` to timed-text rules (see :func:`timed`), whole or not at all (a new file
    replaces the old name: a file linked there from elsewhere is left as it was)."""
    path = Path(path)
    subtitles = list(srt.parse(path.read_text(encoding="utf-8")))
    partial = temporary_beside(path)
    try:
        partial.write_text(srt.compose(timed(subtitles, fps, takes, end), reindex=False), encoding="utf-8")
        os.replace(partial, path)
    except BaseException:
        with suppress(OSError):
            partial.unlink()
        raise
    return path


def cue_takes(cues: Sequence, speech) -> Callable[[Fraction], Take | None]:
    """``takes`` for :func:`timed` from a movie's spoken cues (``track.Cue``: start, id, text) and its voice
    (``speech.Speech``, or None: silent). A cue's subtitle starts with it (to the millisecond a .srt keeps)."""
    if speech is None or not cues:
        return lambda start: None
    from rendering.voice.speech import TakeError

    starts = sorted(cues, key=lambda c: c.start)

    def take(start: Fraction) -> Take | None:
        cue = min(starts, key=lambda c: abs(Fraction(c.start) - start))
        if abs(Fraction(cue.start) - start) > 2 * MILLISECOND:
            return None
        try:
            samples, rate = speech.samples(cue.cue, cue.text)
        except TakeError:
            return None
        return Take(samples, rate) if len(samples) else None

    return take
