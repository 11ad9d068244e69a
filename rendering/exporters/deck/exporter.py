"""Lecture decks under deck/: a scene's sections as slides, in one offline HTML file and one PowerPoint file.

What belongs here: which render a deck needs (the scene as an mp4 with its section clips), and turning that
render into Slides: each section's title, its narration (the subtitles that fall in its stretch of the
movie), its poster frame and its accessible label. With --voice, the section clips are the narrated render's,
each with its stretch of the track (rendering/parallel/assemble.py): the slides use them as they are, so both
decks carry the voice; the HTML page then plays it as browsers allow (assets/deck/deck.js). How a deck looks and
behaves belongs to the writers (html.py, pptx.py, assets/deck/); what they share, to slides.py.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from rendering.errors import UserError
from rendering.exporters.base import Exporter, Results
from rendering.exporters.deck.html import media_folder, write_html
from rendering.exporters.deck.pptx import write_pptx
from rendering.exporters.deck.slides import DeckError, Slide, extract_poster
from rendering.file_names import name_problem
from rendering.option import FORMATS, PICTURE, Option, scenes_option, voice_option
from rendering.spec import Movie, MovieJob, Picture, Written
from rendering.workers.pool import Staging

MEDIA = ("embed", "beside")
CLIP_FORMAT = "mp4"  # H.264 yuv420p: the one kind of clip that both browsers and PowerPoint play
# The last frame: a section's first frame often still shows the previous section's final state (its opening
# animation starts from there), its last frame shows what the section built. The poster stands for the slide
# wherever the clip does not play: PowerPoint before a click, thumbnails, printouts, reduced motion.
POSTER_FRAME = "last"
NAME_MAX = 255  # bytes in a file name, on every file system a lecturer is likely to use
_NAME = re.compile(r"[^/\\\x00-\x1f]+")


class DeckExporter(Exporter):
    command = "deck"
    kind = "deck"
    summary = "a lecture deck of each scene, a slide per section: one offline HTML file and one PowerPoint file"
    options = (
        scenes_option("FullVideo"),
        *PICTURE,
        Option(
            "format", "str", CLIP_FORMAT, "mp4 only: H.264, which browsers and PowerPoint both play", choices=FORMATS
        ),
        Option(
            "deck-media",
            "str",
            "embed",
            "embed the clips in the HTML file (default), or put them beside it in deck/<name>_media/",
            choices=MEDIA,
        ),
        Option(
            "deck-name",
            "str",
            None,
            "file name of the deck (default: the scene's part name)",
            metavar="NAME",
            check=name_problem,
        ),
        voice_option("none"),
    )

    def __init__(
        self,
        scenes,
        picture: Picture,
        theme: str = "video",
        media: str = "embed",
        name: str | None = None,
        format: str = CLIP_FORMAT,
    ):
        super().__init__(scenes)
        self.picture, self.theme, self.media, self.name, self.format = picture, theme, media, name, format

    @classmethod
    def from_options(cls, scenes, options, request) -> list[Exporter]:
        picture = Picture.of(options)
        return [cls(scenes, picture, options["theme"], options["deck_media"], options["deck_name"], options["format"])]

    def check(self, look) -> None:
        if look.transparent:
            raise UserError("--transparent does not apply to a deck: its slides have the theme's background")
        if self.format != CLIP_FORMAT:
            raise UserError(
                f"a deck's clips are mp4 (H.264), which browsers and PowerPoint both play; --format {self.format} "
                "is for render.py's videos"
            )
        if self.media not in MEDIA:
            raise UserError(f"--deck-media must be one of {', '.join(MEDIA)}, got {self.media!r}")
        if self.name is not None:
            if len(self.scenes) > 1:
                raise UserError("--deck-name names one deck: give one scene (each scene makes its own deck)")
            if (
                not _NAME.fullmatch(self.name)
                or self.name.startswith(".")
                or self.name.lower().endswith((".html", ".htm", ".pptx"))
            ):
                raise UserError(
                    f"--deck-name takes a plain name without folder or suffix, e.g. week3 "
                    f"(for deck/week3.html and deck/week3.pptx), got {self.name!r}"
                )
            if len(self.name.encode()) + len("_media") > NAME_MAX:  # its longest file name: <name>_media
                raise UserError(
                    f"--deck-name is {len(self.name.encode())} bytes long: the deck's files would pass the file "
                    f"system's {NAME_MAX}-byte limit for a name; choose a shorter name"
                )

    def decks(self) -> list[tuple[type, str]]:
        """(scene, deck name) for each deck: named after the scene's part, or --deck-name."""
        return [(scene, self.name or scene.part.name) for scene in self.scenes]

    def plan(self) -> list[str]:
        paths = []
        for scene, name in self.decks():
            paths += [f"deck/{name}.html", f"deck/{name}.pptx"]
            if self.media == "beside":
                folder = media_folder(Path(f"deck/{name}.html"))
                count = len(scene.part.section_names)
                paths += [f"{folder}/{n:02d}.{kind}" for n in range(1, count + 1) for kind in (CLIP_FORMAT, "png")]
        return paths

    def render_jobs(self) -> list[MovieJob]:
        return [MovieJob(scene.__name__, self.picture, CLIP_FORMAT, sections=True) for scene in self.scenes]

    def write(self, results: Results, staging: Staging) -> list[Written]:
        from scenes.kit.theme import load_theme  # imports Manim, as the run already has

        theme = load_theme(self.theme)
        written = []
        for (scene, name), job in zip(self.decks(), self.render_jobs(), strict=True):
            part = scene.part
            about = {"scene": scene.__name__, "part": part.name, "step": part.step}
            movie = results.movie(job)
            print(f"  deck {name}: {len(movie.sections)} slide(s), poster frames and notes ...", flush=True)
            try:
                slides = slides_of(part, movie, staging.work / f"deck-{name}")
                html = write_html(
                    slides,
                    staging.path(f"deck/{name}.html"),
                    media=self.media,
                    background=theme.background,
                    text=theme.text,
                    title=part.title,
                )
                pptx = write_pptx(
                    slides,
                    staging.path(f"deck/{name}.pptx"),
                    background=theme.background,
                    text=theme.text,
                    title=part.title,
                )
            except DeckError as exc:
                raise UserError(f"deck {name}: {exc}") from None
            sized = {"resolution": self.picture.size, "fps": self.picture.fps}
            written += [
                Written(html, kind="deck", format="html", **sized, **about),
                Written(pptx, kind="deck", format="pptx", **sized, **about),
            ]
            if self.media == "beside":
                folder = media_folder(html)
                for number, (section, _) in enumerate(movie.sections, 1):
                    for kind in (CLIP_FORMAT, "png"):
                        path = folder / f"{number:02d}.{kind}"
                        written.append(Written(path, kind="deck", format=kind, section=section, **sized, **about))
        return written


def slides_of(part, movie: Movie, scratch: Path) -> list[Slide]:
    """One Slide per section clip of ``movie``: its title, its narration, its poster (written under ``scratch``)."""
    from rendering.parallel.join import probe_video

    if not movie.sections:
        raise UserError(f"{part.name}: the render has no section clips to make slides of")
    lengths = [probe_video(clip).duration for _, clip in movie.sections]
    notes = narration(_subtitles(movie.subtitles), windows(lengths))
    slides = []
    for number, ((section, clip), text) in enumerate(zip(movie.sections, notes, strict=True), 1):
        title = part.section_title(section)
        poster = extract_poster(clip, scratch / f"{number:02d}_{section}.png", POSTER_FRAME)
        slides.append(Slide(title=title, clip=clip, poster=poster, notes=text, label=f"Animation: {title}"))
    return slides


def windows(lengths: Sequence[Fraction]) -> list[tuple[Fraction, Fraction]]:
    """(start, end) of each section in the whole movie, in seconds: the clips are consecutive."""
    spans, at = [], Fraction(0)
    for length in lengths:
        spans.append((at, at + length))
        at += length
    return spans


def narration(
    subtitles: Sequence[tuple[Fraction, Fraction, str]], spans: Sequence[tuple[Fraction, Fraction]]
) -> list[str]:
    """Each section's narration: the text of the subtitles that fall in its span, one per line, in order.

    A subtitle belongs to the span it overlaps most, not simply the one its start falls in: the subtitles'
    clock can run a frame or so apart from the frames (Manim advances it by an animation's nominal length when
    it reuses a cached animation), so one that opens a section may start a little before the section's clip.
    """
    texts: list[list[str]] = [[] for _ in spans]
    for start, end, text in subtitles:
        overlaps = [min(end, high) - max(start, low) for low, high in spans]
        best = max(range(len(spans)), key=lambda n: overlaps[n])  # the first of equals
        if overlaps[best] <= 0:  # zero length, or past the end: the span its start falls in, or the nearest
            best = max(0, sum(low <= start for low, _ in spans) - 1)
        texts[best].append(text)
    return ["\n".join(lines) for lines in texts]


def _subtitles(path: Path | None) -> list[tuple[Fraction, Fraction, str]]:
    """(start, end, text) of each subtitle of a .srt, in seconds; none without a file."""
    import srt

    if path is None:
        return []
    try:
        parsed = list(srt.parse(Path(path).read_text(encoding="utf-8")))
    except (OSError, srt.SRTParseError) as exc:
        raise UserError(f"cannot read the subtitles {path}: {exc}") from None
    return [(_seconds(s.start), _seconds(s.end), s.content.strip()) for s in sorted(parsed, key=lambda s: s.start)]


def _seconds(delta: datetime.timedelta) -> Fraction:
    return Fraction(delta // datetime.timedelta(microseconds=1), 1_000_000)
