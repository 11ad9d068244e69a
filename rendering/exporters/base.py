"""The interface every output kind implements, and the results of the renders it asked for."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from rendering.option import Option
from rendering.spec import Look, Movie, MovieJob, StillJob, Written
from rendering.workers.pool import Staging


class Results:
    """The renders' outputs, found by the job that asked for them (jobs with one identity were one render)."""

    def __init__(self, by_identity: dict):
        self._by_identity = by_identity

    def movie(self, job: MovieJob) -> Movie:
        return self._by_identity[job.identity]

    def stills(self, job: StillJob) -> dict:
        return self._by_identity[job.identity]


class Exporter(ABC):
    """One kind of output for some scenes: it declares its options, checks them, plans its paths, asks for the
    renders it needs (the run merges equal renders of several exporters), then writes its files from their results.

    A new output kind is one subclass (one module, or a folder with its writers) plus one entry in
    ``rendering.exporters.EXPORTERS``; the command line (``render.py <command> --help``), TOML files and the
    admission check all read ``command``, ``summary`` and ``options``.

    Examples
    --------
    >>> from rendering.exporters import EXPORTERS
    >>> figures = EXPORTERS["figures"]
    >>> [option.name for option in figures.options][:3]
    ['scenes', 'width', 'crop']
    """

    command: ClassVar[str]  # the word after render.py ("video" is the default and is not typed)
    kind: ClassVar[str]  # what the manifest and the not-drawn lines call its files
    summary: ClassVar[str]  # one line for --help
    options: ClassVar[tuple[Option, ...]] = ()  # its own options, besides the inputs, look and output ones
    default_scenes: ClassVar[str] = "video"  # with no scene named: "video" (FullVideo), "all" drawable, "none"
    partial: ClassVar[bool] = False  # a scene that cannot draw the request is left out, not an error
    renders: ClassVar[bool] = True  # needs Manim renders (and so LaTeX)
    voice: ClassVar[str] = "none"  # the narration when --voice is not given (--transparent clips: silent)
    failures: list[tuple[str, str]]  # (scene, reason) of scenes found unable to draw while rendering

    def __init__(self, scenes: Sequence[type]):
        self.scenes = tuple(scenes)
        self.failures = []

    @classmethod
    def from_options(cls, scenes: Sequence[type], options: Mapping[str, Any], request) -> list[Exporter]:
        """The exporters a command makes for ``scenes`` and the admitted ``request`` from its admitted ``options``
        (by ``Option.dest``)."""
        return [cls(scenes, **{option.dest: options[option.dest] for option in cls.options if not option.positional})]

    def check(self, look: Look) -> None:  # noqa: B027 - most kinds take every look
        """Raise UserError for an option this kind of output cannot honour."""

    @abstractmethod
    def plan(self) -> list[str]:
        """The paths, relative to the output folder, that this output will write."""

    def exact_plan(self, request, look: Look) -> list[str]:
        """``plan()`` with each glob replaced by the very names it stands for (which may take building the scenes:
        asked only when a glob meets a file that is not ours)."""
        return self.plan()

    @abstractmethod
    def render_jobs(self) -> list[MovieJob | StillJob]:
        """The renders it needs."""

    @abstractmethod
    def write(self, results: Results, staging: Staging) -> list[Written]:
        """Put its files in the staging folder (the output folder's layout) and say what they are."""
