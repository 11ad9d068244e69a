"""A scene as one clip per section (for slides), named "<nn>_<section>.<format>" under sections/<Scene>/."""

from __future__ import annotations

from rendering.exporters.base import Exporter, Results
from rendering.exporters.movie_format import check_format
from rendering.spec import MovieJob, Picture, Written
from rendering.workers.pool import Staging


class SectionsExporter(Exporter):
    """Made by the video command's ``--sections``: it has no command of its own."""

    command = "video"
    kind = "sections"
    summary = "one clip per section"

    def __init__(self, scenes, picture: Picture, format: str):
        super().__init__(scenes)
        self.picture, self.format = picture, format

    def check(self, look) -> None:
        check_format(look, self.format)  # the same movies as the video command's, cut

    def plan(self) -> list[str]:
        return [
            f"sections/{scene.__name__}/{n:02d}_{name}.{self.format}"
            for scene in self.scenes
            for n, name in enumerate(scene.part.section_names)
        ]

    def render_jobs(self) -> list[MovieJob]:
        return [MovieJob(scene.__name__, self.picture, self.format, sections=True) for scene in self.scenes]

    def write(self, results: Results, staging: Staging) -> list[Written]:
        written = []
        for scene, job in zip(self.scenes, self.render_jobs(), strict=True):
            for section, clip in results.movie(job).sections:
                path = staging.path(f"sections/{scene.__name__}/{clip.name}")
                clip.replace(path)
                written.append(
                    Written(
                        path,
                        scene.__name__,
                        scene.part.name,
                        "section",
                        self.format,
                        section=section,
                        step=scene.part.step,
                        resolution=self.picture.size,
                        fps=self.picture.fps,
                    )
                )
        return written
