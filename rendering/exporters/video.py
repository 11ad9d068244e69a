"""A scene as one movie (mp4, gif, webm or mov) with its subtitles; a movie of parts (FullVideo) with its chapter
list and transcripts too."""

from __future__ import annotations

from rendering.exporters.base import Exporter, Results
from rendering.exporters.movie_format import check_format
from rendering.exporters.sections import SectionsExporter
from rendering.option import FORMATS, PICTURE, Option, scenes_option, voice_option
from rendering.spec import MovieJob, Picture, Written
from rendering.timed_text.chapters import story_of
from rendering.voice.choice import DEFAULT_VOICE
from rendering.workers.pool import Staging

TOLD = ("chapters.txt", "transcript.txt", "transcript.html")  # beside a movie of parts (timed_text/)


class VideoExporter(Exporter):
    command = "video"
    kind = "video"
    summary = "the whole video (default), or some scenes, as movies with subtitles"
    voice = DEFAULT_VOICE
    options = (
        scenes_option("FullVideo"),
        Option("list", "flag", False, "list every scene with its length, then exit"),
        *PICTURE,
        Option("format", "str", None, "mp4 (default; mov with --transparent), gif, webm or mov", choices=FORMATS),
        Option("sections", "flag", False, "one clip per section as well as the whole"),
        voice_option(f"{DEFAULT_VOICE}; none with --transparent"),
        Option(
            "clear-cache",
            "flag",
            False,
            "forget every remembered render (the output cache under $ATTENTION_CACHE/outputs), then exit",
        ),
    )

    def __init__(self, scenes, picture: Picture, format: str):
        super().__init__(scenes)
        self.picture, self.format = picture, format

    @classmethod
    def from_options(cls, scenes, options, request) -> list[Exporter]:
        picture = Picture.of(options)
        format = options["format"] or ("mov" if options["transparent"] else "mp4")
        chosen: list[Exporter] = [cls(scenes, picture, format)]
        if options["sections"]:
            chosen.append(SectionsExporter(scenes, picture, format))
        return chosen

    def check(self, look) -> None:
        check_format(look, self.format)

    def plan(self) -> list[str]:
        # the subtitles too (every scene narrates), so a user's .srt there is refused before any filming
        return [f"{scene.__name__}.{end}" for scene in self.scenes for end in (self.format, "srt", *self._told(scene))]

    def _told(self, scene) -> tuple[str, ...]:
        """The suffixes of the files beside a movie of parts: its chapter list and transcripts (a GIF has none)."""
        return TOLD if self.format != "gif" and story_of(scene) is not None else ()

    def render_jobs(self) -> list[MovieJob]:
        return [MovieJob(scene.__name__, self.picture, self.format) for scene in self.scenes]

    def write(self, results: Results, staging: Staging) -> list[Written]:
        written = []
        for scene, job in zip(self.scenes, self.render_jobs(), strict=True):
            movie = results.movie(job)
            about = {"scene": scene.__name__, "part": scene.part.name, "step": scene.part.step}
            path = staging.path(f"{scene.__name__}.{self.format}")
            movie.path.replace(path)
            written.append(
                Written(
                    path, kind="video", format=self.format, resolution=self.picture.size, fps=self.picture.fps, **about
                )
            )
            if movie.subtitles is not None:
                path = staging.path(f"{scene.__name__}.srt")
                movie.subtitles.replace(path)
                written.append(Written(path, kind="subtitles", format="srt", **about))
            for told in movie.beside:  # named <scene>.chapters.txt, <scene>.transcript.txt and .html
                path = staging.path(told.name)
                told.replace(path)
                kind, _, format = told.name.removeprefix(f"{scene.__name__}.").partition(".")
                written.append(Written(path, kind=kind, format=format, **about))
        return written
