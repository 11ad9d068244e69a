"""Step 2, Scale: every score times 1/sqrt(d_k)."""

from __future__ import annotations

from manim import DOWN, UP, Brace, FadeIn, FadeOut, VGroup, Write

from scenes.base import AttentionScene, Part
from scenes.layout import RIGHT_PANEL, assert_inside, cell_size, row_of
from scenes.matrix_grid import MatrixGrid
from scenes.narration import narrate
from scenes.notation import D, shape, tex_number


def play_scale(scene: AttentionScene) -> None:
    trace, theme = scene.trace, scene.theme
    scene.enter_step(2, "Step 2: scale the scores by one over the square root of d k.")
    size = cell_size(trace.T_kv, trace.T, fixed_width=2.6, fixed_height=3.2)
    grid = MatrixGrid(
        trace.scores,
        "S",
        cell_size=size,
        label=rf"\left(QK^\top\right)_{{{shape(trace, 'T', 'kv')}}}",
        **scene.grid_options(),
    )
    factor = theme.math(rf"\frac{{1}}{{\sqrt{{{D}_k}}}}\times", font_size=theme.size.operator)
    value = theme.math(rf"\frac{{1}}{{\sqrt{{{trace.d_k}}}}} = {tex_number(trace.scale, 3)}", font_size=theme.size.math)
    value.next_to(factor, DOWN, buff=0.35)
    row_of([VGroup(factor, value), grid], buff=0.3, y=RIGHT_PANEL.center[1] - 0.55)
    brace = Brace(grid.cells, UP, buff=0.12, color=theme.text)
    brace_label = theme.math(rf"\frac{{1}}{{\sqrt{{{D}}}}}\left(QK^\top\right)", font_size=theme.size.title)
    brace_label.next_to(brace, UP, buff=0.12)
    scene.play(FadeIn(grid), run_time=1)
    assert_inside(VGroup(grid, factor, value, brace_label), RIGHT_PANEL, "Step 2's matrix")
    narrate(scene, f"Here d k is {trace.d_k}.", Write(factor), run_time=1)
    scene.play(FadeIn(value), run_time=0.6)
    scene.shown["scale"] = tex_number(trace.scale, 3)
    narrate(
        scene,
        "Every score shrinks by the same factor, so a large d k cannot saturate the softmax.",
        FadeOut(grid.label),
        FadeIn(brace),
        FadeIn(brace_label),
        grid.become_values(trace.scaled),
        run_time=1.5,
    )
    grid.remove(grid.label)
    grid.label = brace_label
    scene.wait(2)
    scene.grids = {"scaled": grid}


class Step2Scale(AttentionScene):
    part = Part(
        "step2_scale",
        "Step 2: Scale by 1/√d_k",
        "Step 2: QK^T scaled by 1/sqrt(d_k), the grid taking the scaled values",
        step=2,
        in_video=True,
    )
    play_part = staticmethod(play_scale)
