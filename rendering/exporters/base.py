"""The interface every output kind implements, and the results of the renders it asked for."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from ..pool import Staging
from ..spec import Look, Movie, MovieJob, StillJob, Written


class Results:
    """The renders' outputs, found by the job that asked for them (jobs with one key were one render)."""

    def __init__(self, by_key: dict):
        self._by_key = by_key

    def movie(self, job: MovieJob) -> Movie:
        return self._by_key[job.key]

    def stills(self, job: StillJob) -> dict:
        return self._by_key[job.key]


class Exporter(ABC):
    """One kind of output for some scenes: it checks its options, plans its paths, asks for the renders it
    needs (the run merges equal renders of several exporters), then writes its files from their results."""

    kind: ClassVar[str]

    def __init__(self, scenes: Sequence[type]):
        self.scenes = tuple(scenes)

    def check(self, look: Look) -> None:  # noqa: B027 - most kinds take every look
        """Raise UserError for an option this kind of output cannot honour."""

    @abstractmethod
    def plan(self) -> list[str]:
        """The paths, relative to the output folder, that this output will write."""

    @abstractmethod
    def jobs(self) -> list[MovieJob | StillJob]:
        """The renders it needs."""

    @abstractmethod
    def write(self, results: Results, staging: Staging) -> list[Written]:
        """Put its files in the staging folder (the output folder's layout) and say what they are."""
