"""Figures for articles: every state a scene marks as a figure, as PNG (raster) and SVG/PDF (vector), under
figures/, named after the scene's part and section, with a caption (alt text) for the manifest.

A scene that cannot draw the request is named with the reason and left out; the others' figures are written.
"""

from __future__ import annotations

from rendering.exporters.base import Exporter, Results
from rendering.option import Option, scenes_option
from rendering.spec import CROPS, StillJob, Written
from rendering.workers.pool import Staging

FIGURE_FORMATS = ("png", "svg", "pdf")


class FiguresExporter(Exporter):
    command = "figures"
    kind = "figures"
    summary = "figures for articles: each meaningful state of each scene, cropped, with a caption"
    options = (
        scenes_option("every scene that can draw the input"),
        Option("width", "int", 3840, "PNG width in pixels (default 3840)", low=16, high=16384),
        Option(
            "crop",
            "str",
            "content",
            "content: cropped to what is drawn with an even margin (default); frame: the 16:9 frame",
            choices=CROPS,
        ),
        Option(
            "formats",
            "list",
            FIGURE_FORMATS,
            "png (raster), svg and pdf (vector: paths and outlined text)",
            choices=FIGURE_FORMATS,
        ),
    )
    default_scenes = "all"
    partial = True

    def __init__(self, scenes, width: int, formats, crop: str = "content"):
        super().__init__(scenes)
        self.width, self.formats, self.crop = width, tuple(formats), crop

    def plan(self) -> list[str]:
        # a scene's figures are named when it marks them: one per section for scenes of several
        return [f"figures/{scene.part.name}*.{kind}" for scene in self.scenes for kind in self.formats]

    def exact_plan(self, request, look) -> list[str]:
        from rendering.workers.scene_jobs import figure_names

        return [
            f"figures/{name}.{kind}"
            for scene in self.scenes
            for name in figure_names(scene.__name__, request, look)
            for kind in self.formats
        ]

    def render_jobs(self) -> list[StillJob]:
        return [StillJob(scene.__name__, self.width, self.formats, self.crop) for scene in self.scenes]

    def write(self, results: Results, staging: Staging) -> list[Written]:
        written = []
        for scene, job in zip(self.scenes, self.render_jobs(), strict=True):
            stills = results.stills(job)
            if stills.error is not None:
                self.failures.append((scene.__name__, stills.error))
                continue
            for still in stills.figures:
                section = still.name[len(scene.part.name) + 1 :] or None
                for kind, path in still.files.items():
                    target = staging.path(f"figures/{still.name}.{kind}")
                    path.replace(target)
                    written.append(
                        Written(
                            target,
                            scene.__name__,
                            scene.part.name,
                            "figure",
                            kind,
                            section=section,
                            step=scene.part.step,
                            resolution=still.size,
                            caption=still.caption,
                            units=still.units,
                        )
                    )
        return written
