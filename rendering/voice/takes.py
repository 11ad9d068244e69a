"""Recorded takes checked before a render: every cue the scenes speak has a readable take, and a take
recorded for another text than the cue now says is named in one warning line.

The cue ids come from building the scenes with their animations skipped and every take one second long (the
ids are the cues' places, not their lengths); a script CSV in the takes' folder (``render.py script``) says
which text each take was recorded for.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import replace
from pathlib import Path

from rendering.errors import UserError
from rendering.voice.choice import Voice, takes_in

PLACEHOLDER = Voice("ids", "ids", "")  # Speech gives every cue one second: enough to list the cues


def cues_of(scene_name: str, request, look) -> list[tuple[str, str]]:
    """(cue id, text) of every cue the scene speaks (in a worker)."""
    from rendering.workers.scene_jobs import build

    scene = build(scene_name, request, replace(look, voice=PLACEHOLDER))
    return [(cue, text) for _, cue, text, _ in scene.log.cues]


def _recorded_texts(folder: Path) -> dict[str, str]:
    texts = {}
    for script in sorted(folder.glob("*.csv")):
        try:
            with open(script, encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    if row.get("cue") and row.get("text") is not None:
                        texts[row["cue"]] = row["text"]
        except (OSError, UnicodeDecodeError, csv.Error):
            continue
    return texts


def check_takes(scenes, request, look, jobs: int) -> None:
    """UserError naming every missing or unreadable take; one warning line for takes of another text."""
    from rendering.voice.speech import TakeError, decoded
    from rendering.workers.pool import run_jobs

    voice = look.voice
    if voice is None or voice.kind != "takes":
        return
    folder = Path(voice.name)
    calls = [(cues_of, (scene.__name__, request, look)) for scene in scenes]
    cues = dict(cue for found in run_jobs(jobs, calls) for cue in found)
    takes = takes_in(folder)
    missing = [cue for cue in cues if cue not in takes]
    unreadable = []
    for cue in cues:
        if cue in takes:
            try:
                samples, _ = decoded(takes[cue])
                if not len(samples):
                    unreadable.append(cue)
            except TakeError:
                unreadable.append(cue)
    if missing or unreadable:
        said = []
        if missing:
            said.append(f"no take for {', '.join(missing)}")
        if unreadable:
            said.append(f"cannot read the take of {', '.join(unreadable)}")
        raise UserError(f"--voice {folder}: {'; '.join(said)} (render.py script lists every cue)")
    recorded = _recorded_texts(folder)
    other = [cue for cue, text in cues.items() if cue in recorded and recorded[cue] != text]
    if other:
        print(
            f"render.py: warning: takes recorded for another text than the cue now says: {', '.join(other)}",
            file=sys.stderr,
        )
