"""Recorded takes checked before a render: every cue the scenes speak has a readable take of finite samples,
and a take recorded for another text than the cue now says, or a silent take, is named in one warning line.

The cue ids come from building the scenes with their animations skipped and every take one second long (the
ids are the cues' places, not their lengths); a script CSV in the takes' folder (``render.py script``) says
which text each take was recorded for.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from rendering.errors import UserError
from rendering.voice.choice import Voice, takes_in

PLACEHOLDER = Voice("ids", "ids", "")  # Speech gives every cue one second: enough to list the cues
SILENCE_DBFS = -60  # a take whose every sample is quieter than this is most likely a recording gone wrong
SILENCE = 10 ** (SILENCE_DBFS / 20)  # as a sample's magnitude, full scale being 1


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


def take_fault(path: Path) -> str | None:
    """What is wrong with the take at ``path``: "unreadable" (not sound, or no samples), "non-finite" (a NaN or an
    infinite sample, which FFmpeg would refuse only when filming, without naming the take), "silent" (every sample
    below ``SILENCE_DBFS``: worth a warning), or None for a take to use."""
    from rendering.voice.speech import TakeError, decoded

    try:
        samples, _ = decoded(path)
    except TakeError:
        return "unreadable"
    if not len(samples):
        return "unreadable"
    if not np.all(np.isfinite(samples)):
        return "non-finite"
    return "silent" if np.max(np.abs(samples)) < SILENCE else None


def check_takes(scenes, request, look, jobs: int) -> None:
    """UserError naming every missing or unreadable take, or one holding NaN or infinite samples; one warning line
    for silent takes and one for takes of another text."""
    from rendering.workers.pool import run_jobs

    voice = look.voice
    if voice is None or voice.kind != "takes":
        return
    folder = Path(voice.name)
    calls = [(cues_of, (scene.__name__, request, look)) for scene in scenes]
    cues = dict(cue for found in run_jobs(jobs, calls) for cue in found)
    takes = takes_in(folder)
    missing = [cue for cue in cues if cue not in takes]
    faults = {cue: take_fault(takes[cue]) for cue in cues if cue in takes}
    unreadable = [cue for cue, fault in faults.items() if fault == "unreadable"]
    non_finite = [f"{cue} ({takes[cue].name})" for cue, fault in faults.items() if fault == "non-finite"]
    silent = [cue for cue, fault in faults.items() if fault == "silent"]
    if silent:  # said even when the run is refused below: a silent take needs recording again too
        print(
            f"render.py: warning: silent takes (every sample below {SILENCE_DBFS} dBFS): {', '.join(silent)}",
            file=sys.stderr,
        )
    if missing or unreadable or non_finite:
        said = []
        if missing:
            said.append(f"no take for {', '.join(missing)}")
        if unreadable:
            said.append(f"cannot read the take of {', '.join(unreadable)}")
        if non_finite:
            said.append(f"NaN or infinite samples in the take of {', '.join(non_finite)}")
        hint = " (render.py script lists every cue)" if missing else ""
        raise UserError(f"--voice {folder}: {'; '.join(said)}{hint}")
    recorded = _recorded_texts(folder)
    other = [cue for cue, text in cues.items() if cue in recorded and recorded[cue] != text]
    if other:
        print(
            f"render.py: warning: takes recorded for another text than the cue now says: {', '.join(other)}",
            file=sys.stderr,
        )
