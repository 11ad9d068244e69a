"""The scene every attention scene derives from: a trace, a theme and display options."""

from __future__ import annotations

from dataclasses import dataclass, field

from manim import RIGHT, FadeIn, FadeOut, LaggedStart, Line, Scene, VGroup

import attention

from .block_diagram import BlockDiagram, StepPointer
from .layout import DIVIDER_X, check_drawable
from .narration import narrate
from .theme import Theme, load_theme

DIAGRAM_WIDTH = 1.45  # the small diagram left of the divider, in units


@dataclass(frozen=True)
class Inputs:
    """What a scene draws and how: the trace, the theme and the digit options."""

    trace: attention.Trace = field(default_factory=attention.example)
    theme: Theme = field(default_factory=load_theme)
    decimals: int = 2
    numbers: str = "auto"
    heads: int = 2  # for the multi-head scene; d must be divisible by it
    seed: int = 0  # the seed the trace was made with, for scenes that draw further samples


class AttentionScene(Scene):
    """A Manim scene drawn from a trace. Plain ``manim`` runs it on the video's example and look."""

    description = ""

    def __init__(self, inputs: Inputs | None = None, **kwargs):
        self.inputs = inputs or Inputs()
        self.check_inputs(self.inputs)
        super().__init__(**kwargs)
        self.shown: dict = {}  # what the worked callouts displayed, for the tests
        self.grids: dict = {}  # the grids on screen at the end of the step, by name

    @classmethod
    def check_inputs(cls, inputs: Inputs) -> None:
        """Raise LayoutError (a ValueError) when this scene cannot draw ``inputs``; cheap, builds nothing."""
        trace = inputs.trace
        check_drawable(trace.T, trace.d, trace.d_k, getattr(trace, "T_kv", None))

    @property
    def trace(self) -> attention.Trace:
        return self.inputs.trace

    @property
    def theme(self) -> Theme:
        return self.inputs.theme

    def setup(self):
        self.camera.background_color = self.theme.background

    def grid_options(self) -> dict:
        return {"theme": self.theme, "decimals": self.inputs.decimals, "numbers": self.inputs.numbers}

    # ----- the step layout: small diagram, pointer, divider -------------------------------
    def step_panel(self, step: int) -> VGroup:
        diagram = BlockDiagram(self.theme, with_mask=self.trace.mask is not None)
        # as in the stills: a narrow column right of "Step N", the same size and place for every step
        diagram.scale_to_fit_width(DIAGRAM_WIDTH)
        diagram.move_to([0, 0, 0]).align_to([DIVIDER_X - 0.35, 0, 0], RIGHT)
        pointer = StepPointer(self.theme, step, diagram, font_size=22)
        divider = Line([DIVIDER_X, -3.7, 0], [DIVIDER_X, 3.7, 0], color=self.theme.divider, stroke_width=7)
        panel = VGroup(diagram, pointer, divider)
        panel.diagram, panel.pointer = diagram, pointer
        return panel

    def enter_step(self, step: int, caption: str) -> VGroup:
        """Show the step layout, or move the pointer if it is already on screen."""
        panel = self.step_panel(step)
        current = getattr(self, "_panel", None)
        if current is None:
            narrate(self, caption, FadeIn(panel))
        else:
            narrate(self, caption, current.pointer.animate.become(panel.pointer))
            panel = current
        self._panel = panel
        return panel

    def fill_rows(self, grid, blank, caption: str, run_time: float = 2.0) -> None:
        """Reveal a computed grid row by row over its blank stand-in, narrated with ``caption``, then hold."""
        rows = [grid.row_with_numbers(r) for r in range(grid.n_rows)]
        narrate(self, caption, LaggedStart(*[FadeIn(r) for r in rows], lag_ratio=0.3), run_time=run_time)
        self.remove(blank, *rows, *([grid.label] if grid.label is not None else []))  # shown before, now the grid's
        self.add(grid)
        self.wait(1)

    def clear_stage(self, keep=()):
        """Fade out everything but ``keep`` (and forget the step layout if it goes)."""
        gone = [m for m in self.mobjects if m not in keep]
        if gone:
            self.play(*[FadeOut(m) for m in gone], run_time=0.6)
        if getattr(self, "_panel", None) is not None and self._panel not in keep:
            self._panel = None
        self.grids = {}  # they left the screen


