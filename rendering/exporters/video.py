"""A scene as one movie (mp4, gif, webm or mov) with its subtitles."""

from __future__ import annotations

from ..errors import UserError
from ..pool import Staging
from ..spec import MovieJob, Picture, Written
from .base import Exporter, Results

ALPHA_FORMATS = ("mov", "webm")


class VideoExporter(Exporter):
    kind = "video"

    def __init__(self, scenes, picture: Picture, format: str):
        super().__init__(scenes)
        self.picture, self.format = picture, format

    def check(self, look) -> None:
        if look.transparent and self.format not in ALPHA_FORMATS:
            raise UserError(f"--transparent needs --format mov or webm: {self.format} has no alpha channel")

    def plan(self) -> list[str]:
        return [f"{scene.__name__}.{self.format}" for scene in self.scenes]

    def jobs(self) -> list[MovieJob]:
        return [MovieJob(scene.__name__, self.picture, self.format) for scene in self.scenes]

    def write(self, results: Results, staging: Staging) -> list[Written]:
        written = []
        for scene, job in zip(self.scenes, self.jobs(), strict=True):
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
        return written
