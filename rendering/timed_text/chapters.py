"""A narrated movie's chapters: one a part it plays (its sections in a row), written into the movie (players list
them) and beside it as the list video sites read from a description (``0:00 Title``, one line a chapter).

What belongs here: which movies have chapters (a scene whose sections play other scenes' parts: ``FullVideo``,
and any movie declared so), the chapters from its sections' clips (their titles are the sections' own, declared
once in the catalog; a chapter starts where its first clip starts in the joined movie), the site rules (the first
at 0:00, none shorter than ``SHORTEST`` seconds: a short part is merged into a neighbour), and PyAV's side:
marking a movie's chapters by stream copy and reading them back.

The mov/mp4 muxer keeps chapters as a QuickTime text track, which a demuxer lists as a "data" stream: whatever
re-reads a movie (rendering/parallel/join.py) leaves such a stream alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from rendering.files import replacing

SHORTEST = 10  # seconds a chapter lasts at least (YouTube's rule for chapters in a description)
TIME_BASE = Fraction(1, 1_000_000)  # of the chapter marks written (a muxer may keep them coarser: mov, ms)
MARKED = {".mp4": "mp4", ".mov": "mov", ".webm": "webm"}  # the containers that keep chapters


@dataclass(frozen=True)
class Story:
    """What a movie of parts is: its title and its sections in order, each (name, part title), as the catalog
    says: the title of the part the section plays (a part of several sections gives each of them its title)."""

    title: str
    sections: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Chapter:
    """One chapter: where it starts and ends in the movie (seconds, exact), its title, and the sections it holds
    (more than one where a short part was merged into its neighbour)."""

    start: Fraction
    end: Fraction
    title: str
    sections: tuple[str, ...]

    @property
    def stamp(self) -> str:
        """Its start as a video site writes it: M:SS, or H:MM:SS from an hour on (whole seconds, cut down)."""
        return stamp(self.start)


def stamp(seconds: Fraction | float) -> str:
    """``seconds`` as ``M:SS`` (or ``H:MM:SS``), cut down to the whole second.

    >>> stamp(0), stamp(Fraction(1279, 10)), stamp(3725)
    ('0:00', '2:07', '1:02:05')
    """
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def story_of(scene: type) -> Story | None:
    """The story of a scene whose sections play other scenes' parts (None for any other scene: no chapters)."""
    part = scene.part
    if not any(section.owner is not None for section in part.sections):
        return None

    def title(section) -> str:  # the part it plays
        return section.owner.part.title if section.owner is not None else section.title

    return Story(part.title, tuple((section.name, title(section)) for section in part.sections))


def chapters_of(story: Story, clips: Sequence[tuple[str, Fraction]], end: Fraction) -> list[Chapter]:
    """The chapters of a movie of ``story`` whose section clips start at ``clips`` ((section, start), in order;
    a section that films nothing has no clip) and which ends at ``end``: one a part, titled as the part (the clips
    of one part's sections in a row make one chapter), then each shorter than ``SHORTEST`` merged into the
    shorter of its neighbours (the merged chapter keeps the title of the longer of the two), until none is short
    or one is left.

    Examples
    --------
    >>> story = Story("Video", (("a", "Intro"), ("b", "Step one"), ("c", "Step two"), ("d", "Step two")))
    >>> clips = [("a", Fraction(0)), ("b", Fraction(4)), ("c", Fraction(30)), ("d", Fraction(38))]
    >>> [(c.stamp, c.title, c.sections) for c in chapters_of(story, clips, Fraction(45))]
    [('0:00', 'Step one', ('a', 'b')), ('0:30', 'Step two', ('c', 'd'))]
    """
    titles = dict(story.sections)
    ends = [start for _, start in clips[1:]] + [end]
    chapters: list[Chapter] = []
    for (name, start), stop in zip(clips, ends, strict=True):
        if chapters and chapters[-1].title == titles[name]:  # the part goes on: its chapter lasts longer
            chapters[-1] = Chapter(chapters[-1].start, stop, titles[name], (*chapters[-1].sections, name))
        else:
            chapters.append(Chapter(start, stop, titles[name], (name,)))
    while len(chapters) > 1:
        lengths = [c.end - c.start for c in chapters]
        short = min(range(len(chapters)), key=lambda k: lengths[k])
        if lengths[short] >= SHORTEST:
            break
        neighbours = [k for k in (short - 1, short + 1) if 0 <= k < len(chapters)]
        other = min(neighbours, key=lambda k: lengths[k])
        first, second = sorted((short, other))
        a, b = chapters[first], chapters[second]
        title = a.title if a.end - a.start >= b.end - b.start else b.title
        chapters[first : second + 1] = [Chapter(a.start, b.end, title, a.sections + b.sections)]
    return chapters


def chapter_list(chapters: Sequence[Chapter]) -> str:
    """The chapters as a video site reads them from a description: ``0:00 Title``, one line a chapter.

    >>> print(chapter_list([Chapter(Fraction(0), Fraction(12), "Intro", ("a",)),
    ...                     Chapter(Fraction(12), Fraction(40), "Step 1", ("b",))]), end="")
    0:00 Intro
    0:12 Step 1
    """
    return "".join(f"{chapter.stamp} {' '.join(chapter.title.split())}\n" for chapter in chapters)


def mark(movie: Path, chapters: Sequence[Chapter]) -> Path:
    """Write ``chapters`` into ``movie`` (mp4, mov or webm; other kinds are left as they are), every stream
    copied as it is; the movie is replaced whole or not at all."""
    import av

    muxer = MARKED.get(movie.suffix.lower())
    if muxer is None or not chapters:
        return movie
    with replacing(movie) as partial:
        with av.open(str(movie)) as source:
            video = source.streams.video[0]
            options = {}
            if muxer in ("mp4", "mov") and Fraction(video.time_base).denominator >= 1000:
                options = {"movie_timescale": str(Fraction(video.time_base).denominator)}  # as join.py: exact
            elif muxer == "webm":
                options = {"fflags": "+bitexact"}  # the same bytes for the same movie (track UIDs)
            with av.open(str(partial), "w", format=muxer, container_options=options) as output:
                for key, value in source.metadata.items():
                    if key.lower() == "comment":  # Manim's "Rendered with ..."; the muxer writes the rest
                        output.metadata["comment"] = value
                kept = [s for s in source.streams if s.type in ("video", "audio")]
                streams = {s.index: output.add_stream_from_template(s) for s in kept}
                if video.metadata.get("alpha_mode") == "1":
                    streams[video.index].codec_context.pix_fmt = "yuva420p"  # as Manim and join.py do
                output.set_chapters(
                    [
                        {
                            "id": n + 1,
                            "start": round(chapter.start / TIME_BASE),
                            "end": round(chapter.end / TIME_BASE),
                            "time_base": TIME_BASE,
                            "metadata": {"title": chapter.title},
                        }
                        for n, chapter in enumerate(chapters)
                    ]
                )
                for packet in source.demux(kept):
                    if packet.dts is None and packet.pts is None or not packet.size:
                        continue  # demux() ends each stream with an empty flush packet
                    packet.stream = streams[packet.stream.index]
                    output.mux(packet)
    return movie


def read_chapters(movie: Path) -> list[dict]:
    """The chapters a movie carries, as players read them: [{"start", "end" (seconds), "title"}], in order;
    none for a file PyAV cannot read."""
    import av

    try:
        with av.open(str(movie)) as container:
            found = container.chapters()
    except (av.FFmpegError, OSError):
        return []
    return [
        {
            "start": float(chapter["start"] * chapter["time_base"]),
            "end": float(chapter["end"] * chapter["time_base"]),
            "title": chapter["metadata"].get("title", ""),
        }
        for chapter in sorted(found, key=lambda c: c["start"] * c["time_base"])
    ]
