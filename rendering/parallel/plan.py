"""Splitting movie renders into slices that run in parallel, balanced by their expected cost.

What belongs here, with no Manim import: the pieces a movie job is remembered by (each section of a scene
of several sections, or the whole scene), the slice jobs that render the missing pieces (a scene with some
sections filmed and the others skipped), and the plan that splits the costliest slice in two while that
shortens the run on the given number of workers. ("Slice", not "part": a scene's ``Part`` is what it is in
the video.)

A slice with sections skipped still builds their mobjects (a few seconds a section), and a later slice skips
every section before its own, so slices are contiguous runs of sections and a scene is split only when idle
workers make up for that; one-section scenes and GIFs are one slice (a GIF's palette is made from all its
frames, so GIF slices could not be joined).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rendering.parallel.costs import START_SECONDS, Costs
from rendering.spec import MovieIdentity, MovieJob, Picture

SPLIT_GAIN = 0.97  # split only if the plan's makespan drops below this fraction of the current one


@dataclass(frozen=True)
class SliceJob:
    """One render in a worker: ``scene`` with only ``play`` filmed (None: the whole scene, every section).

    After its first filmed section, a section not in ``play`` is filmed too unless another slice of this run
    films it (``elsewhere``) or the cache holds it for the state it starts from (``cached``: section -> the
    state digests remembered); at the first such section after the last of ``play`` the render ends.

    ``speaks_ahead``: sections before its own that another slice films, not first: passing through them, this
    slice makes their takes, which that slice would otherwise make itself when it gets there, later.
    """

    scene: str
    picture: Picture
    format: str
    play: tuple[str, ...] | None
    clips: bool  # Manim's clip of each filmed section as well
    expected: float | None = None  # seconds of video it films, if known (for progress lines)
    elsewhere: tuple[str, ...] = ()
    cached: dict = field(default_factory=dict)
    speaks_ahead: tuple[str, ...] = ()

    @property
    def identity(self) -> MovieIdentity:
        """The movie this slice is of."""
        return MovieIdentity(self.scene, self.picture, self.format)

    @property
    def label(self) -> str:
        if self.play is None:
            return self.scene
        shown = self.play[0] if len(self.play) == 1 else f"{self.play[0]}..{self.play[-1]}"
        return f"{self.scene} [{shown}]"


def spoken_ahead(names: tuple[str, ...], play: tuple[str, ...], others: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The sections a slice filming ``play`` makes the takes of, passing through them (``SliceJob.speaks_ahead``):
    those of ``names`` before its own that a slice filming one of ``others`` reaches after its first section.

    Examples
    --------
    >>> names = ("intro", "tokens", "step1", "step2", "step3")
    >>> spoken_ahead(names, ("step3",), [("intro", "tokens", "step1")])  # the other slice begins with intro itself
    ('tokens', 'step1')
    >>> spoken_ahead(names, ("intro", "tokens"), [("step1", "step2")])  # nothing to pass through
    ()
    """
    before = names[: names.index(play[0])]
    return tuple(s for s in before if any(s in other[1:] for other in others))


def sections_of(scene: type) -> tuple[str, ...]:
    return scene.part.section_names


def in_sections(job: MovieJob, scene: type) -> bool:
    """A movie made of one piece per section, joined: a scene of several sections, in a joinable format."""
    return job.format != "gif" and len(sections_of(scene)) > 1


def whole_clips(job: MovieJob, scene: type) -> bool:
    """Whether a whole-scene render must save Manim's section clips (a GIF of several sections asked with them)."""
    return job.sections and len(sections_of(scene)) > 1


@dataclass
class _Group:
    scene: type
    job: MovieJob
    play: tuple[str, ...] | None  # None: the whole scene

    def cost(self, costs: Costs) -> float:
        names = sections_of(self.scene)
        movie, name = self.job.identity, self.scene.__name__
        if self.play is None:
            return START_SECONDS + sum(costs.film(movie, s) for s in names)
        last = max(names.index(s) for s in self.play)
        return START_SECONDS + sum(
            costs.film(movie, s) if s in self.play else costs.skip(name, s) for s in names[: last + 1]
        )

    def halves(self, costs: Costs) -> tuple[_Group, _Group] | None:
        """The split of its filmed sections into a first and a second run whose costlier half costs least."""
        if self.play is None or len(self.play) < 2:
            return None
        splits = [
            (_Group(self.scene, self.job, self.play[:n]), _Group(self.scene, self.job, self.play[n:]))
            for n in range(1, len(self.play))
        ]
        return min(splits, key=lambda pair: max(pair[0].cost(costs), pair[1].cost(costs)))


def makespan(costs: list[float], workers: int) -> float:
    """When the last of ``costs`` ends, handed out longest first to ``workers``, each to the least busy."""
    loads = [0.0] * max(1, workers)
    for cost in sorted(costs, reverse=True):
        loads[loads.index(min(loads))] += cost
    return max(loads)


def plan(missing: list[tuple[type, MovieJob, list[str] | None]], costs: Costs, workers: int) -> list[SliceJob]:
    """Slice jobs for the missing pieces, longest first: ``missing`` holds (scene, job, sections missing, or None
    for a whole-scene piece). Each job starts as one slice; the costliest slice that can be split is split in two
    as long as that shortens the expected run on ``workers`` processes."""
    groups = [_Group(scene, job, None if names is None else tuple(names)) for scene, job, names in missing]
    while True:
        current = makespan([g.cost(costs) for g in groups], workers)
        splittable = [g for g in groups if g.play is not None and len(g.play) > 1]
        if not splittable:
            break
        worst = max(splittable, key=lambda g: g.cost(costs))
        trial = [g for g in groups if g is not worst] + list(worst.halves(costs))
        if makespan([g.cost(costs) for g in trial], workers) >= current * SPLIT_GAIN:
            break
        groups = trial
    groups.sort(key=lambda g: g.cost(costs), reverse=True)
    return [
        SliceJob(
            g.scene.__name__,
            g.job.picture,
            g.job.format,
            g.play,
            clips=g.play is not None or whole_clips(g.job, g.scene),
            expected=costs.expected_length(g.scene.__name__, g.play or sections_of(g.scene)),
        )
        for g in groups
    ]
