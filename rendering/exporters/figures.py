"""Stills for articles: each scene's final state as PNG (raster) and SVG/PDF (vector), under figures/."""

from __future__ import annotations

from ..pool import Staging
from ..spec import StillJob, Written
from .base import Exporter, Results

FIGURE_FORMATS = ("png", "svg", "pdf")


class FiguresExporter(Exporter):
    kind = "figures"

    def __init__(self, scenes, width: int, formats):
        super().__init__(scenes)
        self.width, self.formats = width, tuple(formats)

    def plan(self) -> list[str]:
        return [f"figures/{scene.part.name}.{kind}" for scene in self.scenes for kind in self.formats]

    def jobs(self) -> list[StillJob]:
        return [StillJob(scene.__name__, self.width, self.formats) for scene in self.scenes]

    def write(self, results: Results, staging: Staging) -> list[Written]:
        height = round(self.width * 9 / 16)
        written = []
        for scene, job in zip(self.scenes, self.jobs(), strict=True):
            for kind, still in results.stills(job).items():
                path = staging.path(f"figures/{scene.part.name}.{kind}")
                still.replace(path)
                written.append(
                    Written(
                        path,
                        scene.__name__,
                        scene.part.name,
                        "figure",
                        kind,
                        step=scene.part.step,
                        resolution=(self.width, height),
                    )
                )
        return written
