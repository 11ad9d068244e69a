"""Step 2, Scale: every score times 1/sqrt(d_k)."""

from __future__ import annotations

from manim import DOWN, UP, Brace, Create, FadeIn, FadeOut, VGroup, Write

import attention
from scenes.kit.captions import TIMES, number, of, size
from scenes.kit.layout import LONE_CELL, RIGHT_PANEL, assert_inside, cell_size, row_of, stack
from scenes.kit.lens import MathLine, Num, TeX
from scenes.kit.matrix_grid import MatrixGrid
from scenes.kit.narration import narrate
from scenes.kit.text.notation import SQRT_DK, factor_text, shape, tex_number
from scenes.scene import AttentionScene, Part

SCALE_DECIMALS = 3  # 1/sqrt(d_k) gets a digit more than the grids: it is one number, and 0.447 reads better
ABOVE_ROOM = 1.6  # the brace and its label above the cells (where the grid's own label was), measured 1.55
CALLOUT_GAP = 0.3  # between the grid and the worked cell under it (a little more room for the grid)


def play_scale(scene: AttentionScene) -> None:
    trace, theme = scene.trace, scene.theme
    dec = scene.inputs.decimals
    # one cell worked out: score times the factor gives the scaled score
    i, j = attention.focus(trace)
    scale = tex_number(trace.scale, SCALE_DECIMALS)
    scale_text = attention.display_text(trace.scale, SCALE_DECIMALS)
    callout = MathLine(
        theme,
        TeX(rf"\left(QK^\top\right)_{{{i + 1},{j + 1}}}\cdot\tfrac{{1}}{{{SQRT_DK}}} ="),
        Num(
            f"{factor_text(trace.scores[i, j], dec)} \u00d7 {scale_text} = "
            f"{attention.display_text(trace.scaled[i, j], dec)}"
        ),
    )
    size = cell_size(
        trace.T_kv,
        trace.T,
        fixed_width=2.6,
        fixed_height=ABOVE_ROOM + callout.height + CALLOUT_GAP,
        largest=LONE_CELL,
    )
    grid = MatrixGrid(
        trace.scores,
        "S",
        cell_size=size,
        label=rf"\left(QK^\top\right)_{{{shape(trace, 'T', 'kv')}}}",
        **scene.grid_options(),
    )
    factor = theme.math(rf"\frac{{1}}{{{SQRT_DK}}}\times", font_size=theme.size.operator)
    value = MathLine(theme, TeX(rf"\frac{{1}}{{\sqrt{{{trace.d_k}}}}} ="), Num(scale_text), font_size=theme.size.math)
    value.next_to(factor, DOWN, buff=0.35)
    top = row_of([VGroup(factor, value), grid], buff=0.3)
    brace = Brace(grid.cells, UP, buff=0.12, color=theme.text)
    brace_label = theme.math(rf"\frac{{1}}{{{SQRT_DK}}}\left(QK^\top\right)", font_size=theme.size.title)
    brace_label.next_to(brace, UP, buff=0.12)
    top.add(brace, brace_label)
    callout.set_x(grid.cells.get_x())
    stack([top, callout], CALLOUT_GAP)
    top.remove(brace, brace_label)
    # the scores of Step 1 move here and the factor is written while the step's title is spoken
    scene.enter_step(
        2,
        "Step 2: scale the scores by one over the square root of d k.",
        scene.hand_over({"QK^T": grid}, factor),
        run_time=1.5,
    )
    assert_inside(VGroup(grid, factor, value, brace_label, callout), RIGHT_PANEL, "Step 2's matrix")
    narrate(scene, f"Here d k is {trace.d_k}.", FadeIn(value), run_time=1)
    old_label = grid.label
    grid.remove(old_label)  # on its own on screen, so that its fading leaves the grid whole
    scene.add(old_label)
    grid.label = brace_label
    narrate(
        scene,
        "Every score shrinks by the same factor, so a large d k cannot saturate the softmax.",
        FadeOut(old_label),
        FadeIn(brace),
        FadeIn(brace_label),
        grid.become_values(trace.scaled),
        run_time=1.5,
    )
    scene.add(grid)  # whole again: playing its new values put its parts on screen as pieces of a group
    frame = grid.highlight_cell(i, j)
    scene.explain(value, callout)
    narrate(
        scene,
        f"One score: entry ({i + 1}, {j + 1}) times {scale} gives {tex_number(trace.scaled[i, j], dec)}.",
        Create(frame),
        Write(callout),
        run_time=1.2,
    )
    scene.wait(2)
    scene.grids = {"scaled": grid}
    scene.figure(caption_step2(scene.request, trace, i, j, scale))


def caption_step2(request: attention.Request, trace: attention.Trace, i: int, j: int, scale: str) -> str:
    return (
        f"Step 2: the scores QK^T ({size(trace.T, trace.T_kv)}) {of(request)} times 1/\u221a{trace.d_k} = "
        f"{scale}; entry ({i + 1}, {j + 1}): {number(trace.scores[i, j])} {TIMES} {scale} = "
        f"{number(trace.scaled[i, j])}."
    )


class Step2Scale(AttentionScene):
    part = Part(
        "step2_scale",
        "Step 2: Scale by 1/√d_k",
        "Step 2: QK^T scaled by 1/sqrt(d_k), the grid taking the scaled values",
        step=2,
        in_video=True,
    )
    play_part = staticmethod(play_scale)
