"""Recorded takes: a folder of one WAV or FLAC per cue id, the voice ``--voice DIR`` speaks with.

Checked before a render: every cue the scenes speak has a readable take of finite samples, and a take recorded
for another text than the cue now says, or a silent take, is named in one warning line. A script CSV in the
takes' folder (``render.py script``) says which text each take was recorded for. The takes' identity covers
every take's bytes, so a take recorded again renders again.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rendering.errors import UserError
from rendering.voice.engine import SpeechEngine, digest_of, file_digest

SUFFIXES = (".wav", ".flac")
SILENCE_DBFS = -60  # a take whose every sample is quieter than this is most likely a recording gone wrong
SILENCE = 10 ** (SILENCE_DBFS / 20)  # as a sample's magnitude, full scale being 1


class NotAFolder(UserError):
    """``--voice`` named neither a voice nor a folder."""


def takes_in(folder: Path) -> dict[str, Path]:
    """The takes of a folder by cue id (a file's name without its .wav or .flac)."""
    return {p.stem: p for p in sorted(folder.iterdir()) if p.suffix.lower() in SUFFIXES and p.is_file()}


@dataclass(frozen=True)
class RecordedTakes(SpeechEngine):
    """The takes of a folder (``name``), played as they are: a cue's take is the file named by its id."""

    kind = "takes"
    licence = "recorded takes: the recording's own licence"

    def take(self, cue: str, text: str) -> Path:
        from rendering.voice.speech import TakeError  # PyAV: only where takes are read

        found = takes_in(Path(self.name)).get(cue)
        if found is None:
            raise TakeError(f"no take for cue {cue} in {self.name}")
        return found

    def check(self, cues: Callable[[], dict[str, str]]) -> None:
        check_takes(Path(self.name), cues())


def recorded(folder: str | Path) -> RecordedTakes:
    """The takes of ``folder`` (``NotAFolder`` if it is none; ``UserError`` if it cannot be read)."""
    shown = str(folder)[:80]
    try:
        folder = Path(folder).expanduser().resolve()
        if not folder.is_dir():
            raise NotAFolder(f"--voice {shown}: not a folder of takes")
        record = [[cue, file_digest(path)] for cue, path in takes_in(folder).items()]
    except OSError as error:
        raise UserError(f"--voice {shown}: cannot read the takes' folder ({error.strerror})") from None
    return RecordedTakes(str(folder), digest_of(record))


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


def check_takes(folder: Path, cues: dict[str, str]) -> None:
    """UserError naming every missing or unreadable take of ``cues`` (id: text), or one holding NaN or infinite
    samples; one warning line for silent takes and one for takes of another text."""
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
