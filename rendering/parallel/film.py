"""Manim's side of one slice job, in a worker process: a scene with some sections filmed and the others skipped.

What belongs here: making the scene's subclass (``Filming``) that films only the slice's sections (``play_only``,
see scenes/scene.py), decides at each later section whether it must be filmed too (nobody else films it and the
cache lacks it for the state it starts from), and reports progress; rendering it in a private cache slot; and
handing back what the run joins and remembers: the movie (whole-scene parts) or the clip of each filmed
section, the subtitles as Manim holds them (microseconds), Manim's clock and the state digest where each
section began, the seconds each section took to film or to skip, the cues the voice speaks (the movies
stay silent: the track is laid on the whole timeline after the join, rendering/voice/track.py) and the figures
the scene marks, on the same clock (their captions say what is drawn: a transcript's descriptions).
"""

from __future__ import annotations

import datetime
import hashlib
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import attention
from rendering.cache.slots import cache_slot
from rendering.parallel.plan import SliceJob
from rendering.spec import Look
from rendering.workers.scene_jobs import configured

PROGRESS_EVERY = 10.0  # percent between two progress lines of a part
START = "start"  # the state a scene's first section starts from: what its own code sets up
DECIMALS = 4  # of coordinates and colours in a state digest: 1e-4 units is a hundredth of a pixel at 1080p


@dataclass
class SliceResult:
    """What a part job left in its work folder, and what it measured."""

    movie: Path | None  # the whole scene's movie (parts of one whole-scene piece only)
    subtitles: Path | None  # Manim's .srt beside that movie
    clips: dict[str, Path]  # filmed section -> Manim's clip of it
    clock: dict[str, tuple[float, float | None]]  # section -> Manim's clock at its start and end (None: the end)
    subcaptions: list[tuple[int, int, str]]  # (start, end in microseconds of Manim's clock, text), every section's
    states: dict[str, str] = field(default_factory=dict)  # section reached -> digest of the state it began from
    filmed: tuple[str, ...] = ()  # in order
    timings: dict[str, tuple[bool, float]] = field(default_factory=dict)  # section -> (filmed?, wall seconds)
    lengths: dict[str, float] = field(default_factory=dict)  # filmed section -> seconds of video
    seconds: float = 0.0  # the whole part job, wall clock
    cues: list[tuple[int, str, str, str]] = field(default_factory=list)  # spoken: (start µs, id, text, section)
    drawn: list[tuple[int, str, str, str]] = field(default_factory=list)  # figures: (µs, name, caption, section)


def state_digest(scene) -> str:
    """sha256 of what a section starts from: every mobject on screen (its family's kinds, points, colours,
    strokes and depth, rounded so that filming and skipping the earlier sections give the same digest) and
    which step panel and grids the scene keeps (``AttentionScene.panel``, ``grids``)."""
    digest = hashlib.sha256()
    for top in scene.mobjects:
        for mobject in top.get_family():
            digest.update(type(mobject).__name__.encode())
            for array in (mobject.points, *(getattr(mobject, a, None) for a in ("fill_rgbas", "stroke_rgbas"))):
                if array is not None:
                    digest.update(np.round(np.asarray(array, dtype=float), DECIMALS).tobytes())
            digest.update(repr((getattr(mobject, "stroke_width", None), mobject.z_index)).encode())
    panel = getattr(scene, "panel", None)
    carried = (None if panel is None else scene.mobjects.index(panel) if panel in scene.mobjects else -1,)
    digest.update(repr((carried, sorted(getattr(scene, "grids", {})), str(scene.camera.background_color))).encode())
    return digest.hexdigest()


def _scene_class(job: SliceJob):
    """The scene class, filming ``job.play`` (and what must be filmed after it), measuring each section and
    printing progress lines."""
    from scenes.registry import by_name

    base = by_name(job.scene)
    names = base.part.section_names
    planned = job.play or names
    start = time.monotonic()

    class Filming(base):
        play_only = job.play
        speaks_ahead = job.speaks_ahead
        _marks: list = []  # (section, wall clock at its start)
        _reported = -PROGRESS_EVERY
        _drawn: list = []  # each figure marked (its caption says what is drawn: the transcript's descriptions)

        def figure(self, caption, variant=None):
            made = super().figure(caption, variant)
            at = datetime.timedelta(seconds=self.time) // datetime.timedelta(microseconds=1)  # as a cue's start
            self._drawn.append((at, made.name, caption, self.log.played[-1] if self.log.played else self.part.name))
            return made

        def next_section(self, name="unnamed", *args, **kwargs):
            name = self.section_name(name)  # as the scene declares it (a sequence names its parts' sections)
            if name is None:
                return  # open already
            self._marks.append((name, time.monotonic()))  # the one that ends the part early is its end mark
            states = self.log.states
            states[name] = state_digest(self) if states else START
            begun = any(s in self.log.played for s in planned)
            if job.play is not None and name not in job.play and begun and name not in job.elsewhere:
                if states[name] not in job.cached.get(name, ()):
                    self.play_only = (*self.play_only, name)  # nobody else films it, the cache lacks it: film it
            super().next_section(name, *args, **kwargs)
            if job.expected is None and name in planned:  # no length known: progress by sections begun
                self._report(name, 100.0 * planned.index(name) / len(planned))

        def play(self, *args, **kwargs):
            super().play(*args, **kwargs)
            if job.expected and self._marks and self._marks[-1][0] in (self.play_only or names):
                self._report(self._marks[-1][0], 100.0 * min(1.0, sum(self._filmed_lengths().values()) / job.expected))

        def _filmed_lengths(self) -> dict[str, float]:
            clock = self.log.clock
            ends = [*list(clock.values())[1:], self.time]
            filmed = self.play_only or names
            return {name: end - begin for (name, begin), end in zip(clock.items(), ends, strict=True) if name in filmed}

        def _report(self, section: str, percent: float) -> None:
            if percent - self._reported >= PROGRESS_EVERY or percent >= 100.0 > self._reported:
                type(self)._reported = percent
                elapsed = time.monotonic() - start
                print(f"  {job.scene:16} {section:16} {percent:5.1f}%  {elapsed:7.1f} s", flush=True)

    Filming.__name__ = Filming.__qualname__ = job.scene
    return Filming


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def film_slice(job: SliceJob, request: attention.Request, look: Look, work: str) -> SliceResult:
    """Render ``job`` in a cache slot and copy what it made into the folder ``work``."""
    from scenes.manim_patches.adapter import movie_path, section_clips, subcaptions_of

    began = time.monotonic()
    work = Path(work)
    cls = _scene_class(job)
    picture = job.picture
    with cache_slot() as slot:
        settings = {
            "pixel_width": picture.width,
            "pixel_height": picture.height,
            "frame_rate": picture.fps,
            "format": job.format,
            "transparent": look.transparent,
            "save_sections": job.clips,
            "output_file": job.scene,
            # The output cache (cache.py) remembers whole sections. Manim's own cache would hash every play
            # (a large part of a render) and, on a hit, advance its clock by the nominal run time instead of the
            # frames, which moves the subtitles: off, each render is the same, frame for frame and to the subtitle.
            "disable_caching": True,
        }
        with configured(slot, **settings):
            scene = cls.drawing(look.inputs(request))
            scene.render()
            ended = time.monotonic()
            clock_now = scene.time
            movie = srt = None
            if job.play is None:
                made = movie_path(scene)
                movie = _copy(made, work / f"{job.scene}.{job.format}")
                if made.with_suffix(".srt").is_file():
                    srt = _copy(made.with_suffix(".srt"), work / f"{job.scene}.srt")
            filmed = tuple(s for s in cls.part.section_names if s in (scene.play_only or cls.part.section_names))
            filmed = tuple(s for s in filmed if s in scene.log.played)
            clips = {}
            if job.clips:
                for name, clip in section_clips(scene).items():
                    if name in filmed:
                        clips[name] = _copy(clip, work / "clips" / clip.name)
            subcaptions = subcaptions_of(scene)
            cues, drawn = list(scene.log.cues), list(cls._drawn)
    if filmed:
        scene._report(filmed[-1], 100.0)
    # each section runs from its start to the next one's (the one that ended the part early included)
    starts = list(scene.log.clock.items())
    ends = [begin for _, begin in starts[1:]] + [None]
    played = set(scene.log.played)
    clock = {name: (begin, end) for (name, begin), end in zip(starts, ends, strict=True) if name in played}
    marks = [*cls._marks, ("end", ended)]
    walls = {name: b - a for (name, a), (_, b) in zip(marks, marks[1:], strict=False)}
    timings = {name: (name in filmed, walls[name]) for name in clock if name in walls}
    lengths = {name: (end if end is not None else clock_now) - begin for name, (begin, end) in clock.items()}
    lengths = {name: value for name, value in lengths.items() if name in filmed}
    states = dict(scene.log.states)
    seconds = time.monotonic() - began
    return SliceResult(movie, srt, clips, clock, subcaptions, states, filmed, timings, lengths, seconds, cues, drawn)
