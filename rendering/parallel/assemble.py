"""A movie job's files from its pieces: the section clips joined by stream copy, the subtitles moved with them.

What belongs here: turning the pieces of one movie job (each section's clip with its subtitles and Manim's
clock, or one whole-scene movie), rendered now or served by the cache, into the ``Movie`` the exporters take:
the movie, its .srt, and the clips named "<nn>_<section>.<format>" when the job asks for them.
"""

from __future__ import annotations

import datetime
import shutil
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import srt

from rendering.parallel.join import join_videos, probe_video, slice_starts
from rendering.parallel.subtitles import SubtitleSlice, held, shift_subtitles
from rendering.spec import Movie, MovieJob
from rendering.timed_text.chapters import Story, chapter_list, chapters_of, mark
from rendering.timed_text.transcript import lines_of, write_transcripts
from rendering.timed_text.writer import conform, cue_takes

if TYPE_CHECKING:
    from rendering.voice.track import Cue


@dataclass(frozen=True)
class SectionClip:
    """One section's clip, and its subtitles as Manim held them in the render that filmed it."""

    name: str
    clip: Path | None  # None: the section films nothing (Manim keeps no empty section)
    clock_start: float  # Manim's clock in that render where the section began ...
    clock_end: float | None  # ... and where the next began (None: the scene's last section)
    subcaptions: tuple[tuple[int, int, str], ...]  # (start, end in microseconds, text), of every section
    state_out: str | None = None  # digest of the state the next section starts from (None: the last section)
    cues: tuple[tuple[int, str, str, str], ...] = ()  # spoken cues (start µs, id, text, section), of every section
    drawn: tuple[tuple[int, str, str, str], ...] = ()  # figures marked (start µs, name, caption, section), as cues

    def subtitles(self) -> list[srt.Subtitle]:
        micro = datetime.timedelta(microseconds=1)
        return [srt.Subtitle(n, a * micro, b * micro, text) for n, (a, b, text) in enumerate(self.subcaptions)]


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _clip_name(n: int, section: str, job: MovieJob) -> str:
    return f"{n:02d}_{section}.{job.format}"


def _on_timeline(sections: list[SectionClip], starts: list[Fraction], kind: str = "cues") -> list[tuple]:
    """The sections' cues (or figures: ``kind`` "drawn") on the joined timeline, each moved as its section's
    subtitles are (subtitles.py): (start, id or name, text, section), in time order."""
    placed = []
    for section, start in zip(sections, starts, strict=True):
        low = held(section.clock_start)
        high = None if section.clock_end is None else held(section.clock_end)
        for micro, name, text, owner in getattr(section, kind):
            at = Fraction(micro, 1_000_000)
            if low <= at and (high is None or at < high):  # another section's: its own render places it
                placed.append((at - Fraction(section.clock_start) + start, name, text, owner))
    return sorted(placed, key=lambda c: c[0])


def _placed(sections: list[SectionClip], starts: list[Fraction]) -> list[Cue]:
    """The sections' cues on the joined timeline."""
    from rendering.voice.track import Cue  # the track's module (scipy's signal: ~0.8 s) only where a movie is made

    return [Cue(at, cue, text) for at, cue, text, _ in _on_timeline(sections, starts)]


def _told(job: MovieJob, movie: Path, subtitles: Path, sections: list, starts: list[Fraction], story: Story) -> tuple:
    """A movie of parts told: (its chapters, the files beside it: their list and its transcripts), from the
    subtitles of its narration (one a sentence: read before the timed-text rules cut them) and its figures."""
    said = list(srt.parse(subtitles.read_text(encoding="utf-8")))
    ends = probe_video(movie).duration
    chapters = chapters_of(story, [(s.name, at) for s, at in zip(sections, starts, strict=True)], ends)
    cues = [(at, cue, section) for at, cue, _, section in _on_timeline(sections, starts)]
    drawn = [(at, caption, section) for at, _, caption, section in _on_timeline(sections, starts, "drawn")]
    listed = movie.with_name(f"{job.scene}.chapters.txt")
    listed.write_text(chapter_list(chapters), encoding="utf-8")
    lines = lines_of(said, cues, drawn)
    return chapters, (listed, *write_transcripts(movie.parent, job.scene, movie.name, story, chapters, lines))


def _to_rules(subtitles: Path, movie: Path, job: MovieJob, cues: list[Cue], speech) -> None:
    """The movie's .srt to timed-text rules: a long cue's subtitle split where its take pauses (timed_text/)."""
    conform(subtitles, job.picture.fps, cue_takes(cues, speech), end=probe_video(movie).duration)


def _voiced(movie: Path, cues: list[Cue], speech, clips: tuple[tuple[str, Path], ...]) -> None:
    """Lay the track of ``cues`` on ``movie``'s whole timeline, and each clip its own stretch of it (the clips
    are the movie's sections, in order)."""
    from rendering.voice.track import RATE, mux, timeline

    duration = probe_video(movie).duration
    whole = timeline(cues, duration, speech)
    mux(movie, whole)
    infos = [probe_video(path) for _, path in clips]
    for (_, path), info, start in zip(clips, infos, slice_starts(infos), strict=True):
        first = round(start * RATE)
        mux(path, whole[first : first + round(info.duration * RATE)])


def joined(job: MovieJob, sections: list[SectionClip], folder: Path, speech=None, story: Story | None = None) -> Movie:
    """The job's movie joined from its sections' clips (in order), frame-exact, and its subtitles on the joined
    timeline: each section's subtitles keep their place relative to the section's first frame. With a voice
    (``speech``), the movie's track is laid after the join, and each section clip gets its stretch of it. A movie
    of parts (``story``) is told: its chapters marked and listed, its transcripts written (``_told``)."""
    movie = folder / f"{job.scene}.{job.format}"
    join_videos([s.clip for s in sections], movie)
    starts = slice_starts([probe_video(s.clip) for s in sections])
    subtitles = None
    if any(s.subcaptions for s in sections):
        subtitles = folder / f"{job.scene}.srt"
        pairs = zip(sections, starts, strict=True)
        parts = [SubtitleSlice(s.subtitles(), start, s.clock_start, s.clock_end) for s, start in pairs]
        shift_subtitles(parts, subtitles)
    told = _told(job, movie, subtitles, sections, starts, story) if story and subtitles else None
    if subtitles is not None:
        _to_rules(subtitles, movie, job, _placed(sections, starts), speech)
    clips = ()
    if job.sections:
        clips = tuple(
            (s.name, _copy(s.clip, folder / "sections" / _clip_name(n, s.name, job))) for n, s in enumerate(sections)
        )
    if speech is not None:
        _voiced(movie, _placed(sections, starts), speech, clips)
    if told is not None:
        mark(movie, told[0])  # last: laying the track remuxes the movie
    return Movie(movie, subtitles, clips, told[1] if told else ())


def whole(
    job: MovieJob,
    names: tuple[str, ...],
    movie: Path,
    subtitles: Path | None,
    clips: dict[str, Path],
    speech=None,
    cues: tuple = (),
) -> Movie:
    """The job's movie rendered in one piece; a one-section scene's only clip is the movie itself. With a
    voice, its track is laid on it (and each clip's stretch on the clip) from ``cues``, on the movie's clock."""
    sections = ()
    if job.sections:
        if len(names) == 1:
            clips = {names[0]: movie}
        sections = tuple(
            (name, _copy(clips[name], movie.parent / "sections" / _clip_name(n, name, job)))
            for n, name in enumerate(names)
            if name in clips
        )
    from rendering.voice.track import Cue

    placed = sorted((Cue(Fraction(micro, 1_000_000), cue, text) for micro, cue, text, _ in cues), key=lambda c: c.start)
    if subtitles is not None:
        _to_rules(subtitles, movie, job, placed, speech)
    if speech is not None:
        _voiced(movie, placed, speech, sections)
    return Movie(movie, subtitles, sections)
