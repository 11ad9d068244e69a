"""The scene every attention scene derives from: what it draws (a request and a look) and the part it plays."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from manim import RIGHT, AnimationGroup, FadeIn, FadeOut, LaggedStart, Line, Scene, VGroup

import attention
from scenes.kit.block_diagram import BlockDiagram, StepPointer
from scenes.kit.layout import DIVIDER_X, check_drawable, check_tokens_drawable
from scenes.kit.narration import narrate
from scenes.kit.theme import Theme, load_theme
from scenes.manim_patches.adapter import end_early
from scenes.manim_patches.skipping import finish_at_once

DIAGRAM_WIDTH = 1.45  # the small diagram left of the divider, in units
DIVIDER_HALF_HEIGHT = 3.7


class SourceError(ValueError):
    """A scene asked to draw a trace source it cannot show (a toy-only topic with a model, or the reverse)."""


@dataclass(frozen=True)
class Inputs:
    """What a scene draws and how: the user's request, the theme and the digit options."""

    request: attention.Request = field(default_factory=attention.Request.from_sentence)
    theme: Theme = field(default_factory=load_theme)
    decimals: int = 2
    numbers: str = "auto"
    # the voice's takes, asked for each cue's length while the scene is built (rendering/voice/speech.py);
    # None: a silent render, timed by reading speed alone
    speech: object | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Section:
    """One section of a scene: its name (for Manim's sections, clips and figure files), its title (slides) and,
    when it plays another scene's part (FullVideo's sections), that scene: its ``owner``. A section's cues are
    numbered under its owner's part, and its owner's code draws it (the render cache's key)."""

    name: str
    title: str
    owner: type[AttentionScene] | None = None  # None: the scene's own section


@dataclass(frozen=True)
class Part:
    """A scene's place in the project: its short name (used for sections, clips and figures), what it
    shows (``description``, one line for --list; ``title``, a few words for slides and captions), the
    pipeline step (1 to 4) it explains if any, whether the video plays it, and its sections in order
    with their titles, each declared once as a ``Section`` (a scene of one section has the part's name and title
    as its only section).

    ``needs``: what the request's trace source must be able to give (``attention.Capability``), beyond the one
    head's self-attention every source gives: e.g. ``CAUSAL | PREFIX | PADDED_BATCH`` for masks (the toy model's
    or a decoder's own), ``SEEDED`` for the toy model's own seeded weights, ``LAYER_HEADS`` for a pretrained
    model's layer of heads; nothing for a part that draws any source's trace."""

    name: str
    title: str
    description: str
    step: int | None = None
    in_video: bool = False
    sections: tuple[Section, ...] = ()
    needs: attention.Capability = attention.Capability(0)

    def __post_init__(self):
        names = [section.name for section in self.sections]
        if len(set(names)) != len(names):
            raise ValueError(f"part {self.name}: a section is declared twice: {names}")

    @property
    def section_names(self) -> tuple[str, ...]:
        return tuple(section.name for section in self.sections) or (self.name,)

    def section_title(self, name: str) -> str:
        return next((section.title for section in self.sections if section.name == name), self.title)

    def section_owner(self, name: str) -> type[AttentionScene] | None:
        """The scene whose part section ``name`` plays (its declared ``Section.owner``); None for the part's own."""
        return next((section.owner for section in self.sections if section.name == name), None)

    def refusal(self, scene: str, request: attention.Request) -> str | None:
        """Why ``scene`` (this part's) cannot draw ``request``'s kind of trace, in one line; None when it can."""
        return request.refusal(f"{scene} ({self.name})", self.needs)

    def example(self) -> attention.Request:
        """What the part draws when nobody chose (plain ``manim``): the video's sentence, through the model's
        example head for a part that needs what the toy model cannot give."""
        toy = attention.Request.from_sentence()
        return toy if self.needs in toy.capabilities else attention.model_example()


@dataclass(frozen=True)
class Figure:
    """A state of a scene worth a still for articles: its file name, one sentence that says what it shows
    (the alt text an author pastes under it), and the mobjects a crop must hold (the step layout's divider,
    as tall as the frame, is drawn but does not stretch the crop)."""

    name: str
    caption: str
    extent: tuple = field(default=(), repr=False, compare=False)


class StepPanel(VGroup):
    """The step layout left of the divider: the small block diagram, the pointer at a block, the divider."""

    def __init__(self, theme: Theme, step: int | str, with_mask: bool, label: str | None = None):
        super().__init__()
        self.diagram = BlockDiagram(theme, with_mask=with_mask)
        # as in the stills: a narrow column right of "Step N", the same size and place for every step
        self.diagram.scale_to_fit_width(DIAGRAM_WIDTH)
        self.diagram.move_to([0, 0, 0]).align_to([DIVIDER_X - 0.35, 0, 0], RIGHT)
        self.pointer = StepPointer(theme, step, self.diagram, font_size=theme.size.token, label=label)
        divider = Line(
            [DIVIDER_X, -DIVIDER_HALF_HEIGHT, 0],
            [DIVIDER_X, DIVIDER_HALF_HEIGHT, 0],
            color=theme.divider,
            stroke_width=theme.stroke.divider,
        )
        self.add(self.diagram, self.pointer, divider)


@dataclass
class SectionLog:
    """What a render records of its sections as they begin: their names in order (Manim's writer forgets empty
    ones, as in a dry run), Manim's clock at each start (the subtitles are on that clock) and, in a worker
    filming a slice of the scene, a digest of what was on screen at each start (``rendering/parallel/film.py``);
    with a voice, every cue spoken, on the same clock (``scenes/kit/narration.py``)."""

    played: list[str] = field(default_factory=list)
    clock: dict[str, float] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    cues: list[tuple[int, str, str, str]] = field(default_factory=list)  # spoken cues: (start µs, id, text, section)
    ahead: list[tuple[str, str]] = field(default_factory=list)  # cues passed through, their takes made: (id, section)


class HandOver(AnimationGroup):
    """The animations of one step handing its result to the next (``AttentionScene.hand_over``); once played,
    the scene swaps the grids that were turned (``leaving``) for the grids they became (``arriving``)."""

    def __init__(self, animations, turning, leaving, arriving):
        super().__init__(*animations)
        self.turning, self.leaving, self.arriving = list(turning), list(leaving), list(arriving)

    def settle(self, scene: Scene) -> None:
        # playing a group of animations puts their mobjects on screen as one group, which breaks the grids they
        # come from into pieces: the turned grids go piece by piece, the new ones come whole
        helpers = [a.mobject for a in self.turning]
        scene.remove(*helpers, *[part for grid in self.leaving for part in grid.get_family()])
        scene.add(*self.arriving)


class AttentionScene(Scene):
    """A Manim scene drawn from a request: the base of every scene of the project.

    A subclass declares ``part`` (its ``Part``: name, step, sections) and ``play_part`` (a function drawing the
    part on any AttentionScene, so that the whole video can play the parts one after the other in one scene).
    What it draws is ``inputs``; plain ``manim`` leaves it unset and the scene draws its part's example.

    Examples
    --------
    >>> from scenes.video.step_scale import Step2Scale
    >>> scene = Step2Scale.drawing(Inputs(), skip_animations=True)
    >>> scene.inputs.request.T
    11
    >>> scene.render()  # doctest: +SKIP
    """

    part: ClassVar[Part]
    inputs: Inputs | None = None  # set before render() (see ``drawing``); None: the part's example
    on_figure: Callable[[AttentionScene, Figure], None] | None = None  # set by a build that draws the figures

    @classmethod
    def drawing(cls, inputs: Inputs, **kwargs) -> AttentionScene:
        """A scene of this class that draws ``inputs`` (checked now; None: its part's example); ``kwargs`` are
        Manim's Scene options."""
        if inputs is not None:
            cls.check_inputs(inputs)
        scene = cls(**kwargs)
        scene.inputs = inputs
        return scene

    def setup(self):
        """Manim's hook before ``construct``: the inputs (the example if none were given) and the state the
        tests and the workers read, all fresh for this render."""
        if self.inputs is None:
            self.inputs = Inputs(request=self.part.example())
        self.check_inputs(self.inputs)
        self.camera.background_color = self.theme.background
        self.grids: dict = {}  # the grids on screen at the end of the step, by name
        self.panel: StepPanel | None = None  # the step layout, while it is on screen
        self.clearing: list = []  # what fades out with the next play (clear_stage)
        self.log = SectionLog()
        self.explained: list = []  # what showed the numbers the narration explained, for the legibility tests
        self.figures: list[Figure] = []  # the states marked as figures, in order

    @staticmethod
    def play_part(scene: AttentionScene) -> None:
        raise NotImplementedError("an AttentionScene declares play_part = staticmethod(play_<part>)")

    def construct(self):
        if not self.part.sections:  # one section, named after the part (Manim would call it "autocreated")
            self.next_section(self.part.name)
        self.play_part(self)

    @classmethod
    def check_inputs(cls, inputs: Inputs) -> None:
        """Raise LayoutError (a ValueError) when this scene cannot draw ``inputs``, SourceError when it cannot
        show its kind of trace; cheap, builds nothing (a model's request tokenizes its sentence once)."""
        request = inputs.request
        refusal = cls.part.refusal(cls.__name__, request)
        if refusal is not None:
            raise SourceError(refusal)
        check_tokens_drawable(request)
        if attention.Capability.SEEDED in request.capabilities:  # a model's widths are folded: only its tokens count
            check_drawable(request.T, request.d, request.width)

    @property
    def request(self) -> attention.Request:
        return self.inputs.request

    @property
    def trace(self) -> attention.Trace:
        return self.inputs.request.trace()

    @property
    def theme(self) -> Theme:
        return self.inputs.theme

    # The sections a render films (None: all). A worker rendering part of a scene sets it on a subclass it makes
    # (rendering/parallel/film.py): the other sections still run with their animations skipped, so each filmed one
    # starts from what the earlier ones left on screen, and the render ends once the last filmed one is complete.
    play_only: ClassVar[tuple[str, ...] | None] = None
    # The sections whose takes such a render makes as it passes through them: another worker films them, and
    # reaches them later than this one passes (rendering/parallel/plan.py, ``SliceJob.speaks_ahead``).
    speaks_ahead: ClassVar[tuple[str, ...]] = ()

    def section_name(self, name: str) -> str | None:
        """The declared section ``next_section(name)`` opens: ``name`` itself; a sequence maps a part's own names to
        its names for them, and gives None for the section open already (scenes/video/sequence.py)."""
        return name

    def next_section(self, name: str = "unnamed", section_type: str | None = None, skip_animations=False) -> None:
        from manim.scene.section import DefaultSectionType

        name = self.section_name(name)
        if name is None:
            return
        sections = type(self).part.section_names
        if name not in sections:
            raise ValueError(f"{type(self).__name__} plays a section {name!r} it does not declare ({sections})")
        # Manim's clock where each section begins: the subtitles are on it, and in skipped sections it runs on by
        # the nominal run times, not by frames; a part's subtitles are placed with it (rendering/parallel/join.py)
        self.log.clock[name] = self.time
        if self.play_only is not None:
            if set(self.play_only) <= set(self.log.played):
                end_early()  # Manim ends the scene normally: the movie holds what was filmed
            skip_animations = skip_animations or name not in self.play_only
        self.log.played.append(name)
        super().next_section(name, section_type or DefaultSectionType.NORMAL, skip_animations)

    def passing_through(self) -> bool:
        """Whether the open section is one this render skips on its way to the sections it films (a slice of a
        parallel render, rendering/parallel/film.py): nothing of it is kept, so its cues need no voice."""
        return self.play_only is not None and bool(self.log.played) and self.log.played[-1] not in self.play_only

    def speaking_ahead(self) -> bool:
        """Whether this render, passing through the open section, makes its takes for the worker that films it."""
        return self.passing_through() and self.log.played[-1] in self.speaks_ahead

    def play(self, *animations, **kwargs) -> None:
        """Manim's play; in a dry run, where nothing is filmed, the end state without the frames (skipping.py)."""
        if self.clearing:  # what clear_stage left to fade out with this play
            animations = (*animations, *[FadeOut(m) for m in self.clearing])
            self.clearing = []
        if not finish_at_once(self, animations, **kwargs):
            super().play(*animations, **kwargs)
        for animation in animations:
            if isinstance(animation, HandOver):
                animation.settle(self)

    def figure(self, caption: str, variant: str | None = None) -> Figure:
        """Mark what is on screen now as a figure, with ``caption`` (one sentence: its alt text). It is named
        after the part, and after the section too when the part has several (``variant`` tells apart two
        figures of one section)."""
        section = self.log.played[-1] if self.log.played else self.part.name
        name = self.part.name if len(self.part.section_names) == 1 else f"{self.part.name}-{section}"
        extent = [m for m in self.mobjects if m is not self.panel]
        if self.panel is not None and self.panel in self.mobjects:
            extent += [self.panel.diagram, self.panel.pointer]
        figure = Figure(name if variant is None else f"{name}-{variant}", caption, tuple(extent))
        if any(known.name == figure.name for known in self.figures):
            raise ValueError(f"{type(self).__name__} marks two figures named {figure.name!r}")
        self.figures.append(figure)
        if self.on_figure is not None:
            self.on_figure(self, figure)
        return figure

    def explain(self, *mobjects) -> None:
        """Record ``mobjects`` as showing the numbers being explained: their digits must be readable at 480p."""
        self.explained.extend(mobjects)

    def grid_options(self) -> dict:
        return {"theme": self.theme, "decimals": self.inputs.decimals, "numbers": self.inputs.numbers}

    # ----- the step layout: small diagram, pointer, divider -------------------------------
    def step_panel(self, step: int) -> StepPanel:
        return StepPanel(self.theme, step, with_mask=self.trace.mask is not None)

    def enter_step(self, step: int, caption: str, *animations, run_time: float = 1.5) -> StepPanel:
        """Show the step layout, or move the pointer if it is already on screen, while ``caption`` is spoken and
        ``animations`` play (the previous step's result turning into this step's input: ``hand_over``), so the
        pane is never empty while the step's title is heard."""
        panel = self.step_panel(step)
        if self.panel is None:
            self.panel = panel
            narrate(self, caption, FadeIn(panel), *animations, run_time=run_time)
        else:
            narrate(self, caption, self.panel.pointer.animate.become(panel.pointer), *animations, run_time=run_time)
        return self.panel

    def hand_over(self, carried: dict, *new) -> HandOver:
        """The animation that sets up a step from what the previous one left: each grid of ``carried`` (the
        name it has in ``self.grids``, the previous step's registry, mapped to the grid that takes it over)
        turns into its new grid; ``new`` fades in and everything else (the step layout aside) fades out. A grid
        the registry lacks (the part plays alone) fades in at its place: the part builds its own input.

        Parameters
        ----------
        carried : dict
            The previous step's grid names (keys of ``self.grids``) mapped to this step's grids that take them over.
        *new : Mobject
            What this step adds beside them (operators, a blank result).

        Returns
        -------
        HandOver
            One animation, to play with the step's title (``enter_step``); ``self.grids`` is empty until the step
            registers what it ends with.

        Examples
        --------
        >>> scene.enter_step(2, "Step 2: scale the scores.", scene.hand_over({"QK^T": grid}, factor))  # doctest: +SKIP
        """
        leaving, arriving, animations, turning = [], [], [], []
        on_screen = set(self.get_mobject_family_members())
        for name, grid in carried.items():
            old = self.grids.get(name)
            if old is None or old.cells not in on_screen:
                animations.append(FadeIn(grid))
                continue
            if old not in self.mobjects:  # inside a group: on its own, so that it can leave alone
                self.remove(old)
                self.add(old)
            turning += old.turn_into(grid)
            leaving.append(old)
            arriving.append(grid)
        turned = leaving + [old.label for old in leaving]  # a label may stand on its own (Step 2's brace label)
        gone = [m for m in self.mobjects if m is not self.panel and m not in turned]
        animations += turning + [FadeIn(m) for m in new] + [FadeOut(m) for m in gone]
        self.grids = {}
        return HandOver(animations, turning, leaving, arriving)

    def fill_rows(self, grid, blank, caption: str, run_time: float = 2.0) -> None:
        """Reveal a computed grid row by row over its blank stand-in, narrated with ``caption``, then hold."""
        rows = [grid.row_with_numbers(r) for r in range(grid.n_rows)]
        narrate(self, caption, LaggedStart(*[FadeIn(r) for r in rows], lag_ratio=0.3), run_time=run_time)
        self.remove(blank, *rows, *([grid.label] if grid.label is not None else []))  # shown before, now the grid's
        self.add(grid)
        self.wait(1)

    def clear_stage(self, keep=(), during_next_play: bool = False):
        """Fade out everything but ``keep`` (and forget the step layout if it goes): now, or during the next play
        (a cross-fade: the screen is never blank while the next part's first cue is spoken)."""
        gone = [m for m in self.mobjects if m not in keep]
        if gone and during_next_play:
            self.clearing = gone
        elif gone:
            self.play(*[FadeOut(m) for m in gone], run_time=0.6)
        if self.panel is not None and self.panel not in keep:
            self.panel = None
        self.grids = {}  # they left the screen
