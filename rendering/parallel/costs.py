"""What a section costs to render, learned from earlier renders, so parallel slices can be balanced.

What belongs here: the remembered seconds each section took to film (per scene, picture and format) and to
skip (building its mobjects with the animations skipped), the remembered length of each section in seconds of
video, and the estimate that falls back on those lengths (frames x a per-frame cost) or, knowing nothing, on
equal sections. Kept in ``timings.json`` in the cache folder, like the scene lengths `--list` remembers; these
are hints, so they are keyed loosely (not by code version) and a lost update between concurrent runs is harmless.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from rendering.cache.slots import CACHE
from rendering.spec import MovieIdentity

TIMINGS = CACHE / "timings.json"
# Fallbacks, measured on the 2-core machine of bench/ (a render's own measurements replace them):
FRAME_SECONDS = 0.012  # drawing and encoding one frame, mostly independent of its size ...
MEGAPIXEL_FRAME_SECONDS = 0.0045  # ... plus this per million pixels
SKIP_PER_VIDEO_SECOND = 0.2  # building a section with its animations skipped, per second of video it lasts
UNKNOWN_LENGTH = 20.0  # seconds of video assumed for a section never measured: all sections weigh the same
START_SECONDS = 3.0  # a worker's process start, imports and first LaTeX look-ups
GROWTH = 1.5  # the most a new measurement counts for, relative to the remembered one


@dataclass
class Costs:
    """Seconds per section: ``film`` (rendered into the movie) and ``skip`` (built, animations skipped)."""

    lengths: dict = field(default_factory=dict)  # scene -> section -> seconds of video
    seconds: dict = field(default_factory=dict)  # scene -> picture key -> section -> {"film": s, "skip": s}
    path: Path = TIMINGS

    @classmethod
    def load(cls, path: Path = TIMINGS) -> Costs:
        try:
            data = json.loads(Path(path).read_text())
            return cls(dict(data["lengths"]), dict(data["seconds"]), Path(path))
        except (OSError, ValueError, KeyError, TypeError):
            return cls(path=Path(path))

    def _measured(self, scene: str, key: str | None, section: str, kind: str) -> float | None:
        if key is not None:
            return self.seconds.get(scene, {}).get(key, {}).get(section, {}).get(kind)
        # skipping builds mobjects only: any picture's measurement will do
        found = [s[section][kind] for s in self.seconds.get(scene, {}).values() if kind in s.get(section, {})]
        return sum(found) / len(found) if found else None

    def length(self, scene: str, section: str) -> float:
        return self.lengths.get(scene, {}).get(section, UNKNOWN_LENGTH)

    def skip(self, scene: str, section: str) -> float:
        measured = self._measured(scene, None, section, "skip")
        return measured if measured is not None else SKIP_PER_VIDEO_SECOND * self.length(scene, section)

    def film(self, movie: MovieIdentity, section: str) -> float:
        scene, picture = movie.scene, movie.picture
        measured = self._measured(scene, movie.picture_format, section, "film")
        if measured is not None:
            return measured
        per_frame = FRAME_SECONDS + MEGAPIXEL_FRAME_SECONDS * picture.width * picture.height / 1e6
        return self.length(scene, section) * picture.fps * per_frame + self.skip(scene, section)

    def expected_length(self, scene: str, sections) -> float | None:
        """Seconds of video the sections last, if every one was measured (for progress lines)."""
        known = self.lengths.get(scene, {})
        return sum(known[s] for s in sections) if all(s in known for s in sections) else None

    def learn(self, movie: MovieIdentity, timings: dict, lengths: dict) -> None:
        """Take a render's measurements: ``timings`` section -> (filmed?, seconds), ``lengths`` section -> s.

        A new measurement is averaged with the remembered one, at most half as large again as it: the machine is
        shared and a first render in a slot compiles its LaTeX, so single timings run long, never short.
        """
        self.lengths.setdefault(movie.scene, {}).update(lengths)
        table = self.seconds.setdefault(movie.scene, {}).setdefault(movie.picture_format, {})
        for section, (filmed, seconds) in timings.items():
            kind = "film" if filmed else "skip"  # skip times are read back for any picture (see ``skip``)
            known = table.setdefault(section, {})
            old = known.get(kind)
            known[kind] = seconds if old is None else (old + min(seconds, GROWTH * old)) / 2

    def save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            partial.write_text(json.dumps({"lengths": self.lengths, "seconds": self.seconds}, sort_keys=True))
            os.replace(partial, self.path)
        except OSError:
            pass  # hints only: the next run balances by frame counts
