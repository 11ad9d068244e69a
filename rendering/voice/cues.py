"""Every cue a run's scenes speak, for the voice's own check before any filming (``SpeechEngine.check``).

The cue ids come from building the scenes with their animations skipped and every take one second long (the
ids are the cues' places, not their lengths), in the worker processes; only a voice that asks for them (recorded
takes) has the scenes built.
"""

from __future__ import annotations

from dataclasses import replace


class OneSecondEach:
    """A stand-in for a voice's takes while listing the cues: every take lasts one second."""

    def seconds(self, cue: str, text: str) -> float:
        return 1.0


def _listing(scene) -> None:
    scene.inputs = replace(scene.inputs, speech=OneSecondEach())


def cues_of(scene_name: str, request, look) -> list[tuple[str, str]]:
    """(cue id, text) of every cue the scene speaks (in a worker)."""
    from rendering.workers.scene_jobs import build

    scene = build(scene_name, request, replace(look, voice=None), before=_listing)
    return [(cue, text) for _, cue, text, _ in scene.log.cues]


def check_voice(scenes, request, look, jobs: int) -> None:
    """The run's voice checks what it will speak (``UserError`` in one line if it cannot); silence passes."""
    if look.voice is None:
        return

    def cues() -> dict[str, str]:
        from rendering.workers.pool import run_jobs

        calls = [(cues_of, (scene.__name__, request, look)) for scene in scenes]
        return dict(cue for found in run_jobs(jobs, calls) for cue in found)

    look.voice.check(cues)
