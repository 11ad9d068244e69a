"""The narration script: every cue a render would speak, one CSV row each, for recording your own takes.

Rows: the cue id (its part, section and place: stable while the text changes), the scene, the section, the
text to say (as the voice says it, math in words) and the default voice's take length, for the same inputs
as a render. Record one WAV or FLAC per cue id, named ``<cue id>.wav``, and render with ``--voice DIR``.
"""

from __future__ import annotations

import csv
import io

import attention
from rendering.exporters.base import Exporter, Results
from rendering.option import scenes_option
from rendering.spec import Look, Written
from rendering.voice import choice
from rendering.workers.pool import Staging

COLUMNS = ("cue", "scene", "section", "text", "seconds")


def script_rows(scene_name: str, request: attention.Request, look: Look) -> list[tuple]:
    """The scene's cues, built with its animations skipped and the default voice (in a worker)."""
    from rendering.workers.scene_jobs import build

    scene = build(scene_name, request, look)
    speech = scene.inputs.speech
    return [
        (cue, scene_name, section, text, f"{speech.seconds(cue, text):.3f}") for _, cue, text, section in scene.log.cues
    ]


class ScriptExporter(Exporter):
    """script/<Scene>.csv for each scene: the cues to record."""

    command = "script"
    kind = "script"
    summary = "the narration script of each scene as CSV (cue id, scene, section, text, take length) to record"
    options = (scenes_option("FullVideo"),)
    renders = True  # builds the scenes (LaTeX)

    def __init__(self, scenes, request: attention.Request, look: Look):
        super().__init__(scenes)
        self.request, self.look = request, look

    @classmethod
    def from_options(cls, scenes, options, request) -> list[Exporter]:
        # the default voice's lengths (read from the table when the command runs)
        return [cls(scenes, request, Look.of({**options, "voice": choice.DEFAULT_VOICE}))]

    def plan(self) -> list[str]:
        return [f"script/{scene.__name__}.csv" for scene in self.scenes]

    def render_jobs(self) -> list:
        return []  # built in write(), with the animations skipped

    def write(self, results: Results, staging: Staging) -> list[Written]:
        from rendering.workers.pool import run_jobs

        calls = [(script_rows, (scene.__name__, self.request, self.look)) for scene in self.scenes]
        written = []
        for scene, rows, relative in zip(self.scenes, run_jobs(1, calls), self.plan(), strict=True):
            text = io.StringIO()
            table = csv.writer(text, lineterminator="\n")
            table.writerow(COLUMNS)
            table.writerows(rows)
            path = staging.path(relative)
            path.write_text(text.getvalue(), encoding="utf-8")
            written.append(Written(path, scene=scene.__name__, part=scene.part.name, kind="script", format="csv"))
        return written
