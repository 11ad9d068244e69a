"""Step 4, MatMul: A times V gives R, one row of R as the weighted sum of the rows of V."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, Arrow, Create, FadeIn, FadeOut, TransformFromCopy, VGroup, Write

import attention
from scenes.base import AttentionScene, Part
from scenes.callouts import wrapped_sum
from scenes.layout import RIGHT_PANEL, assert_inside, cell_size, row_of
from scenes.matrix_grid import MatrixGrid
from scenes.narration import narrate
from scenes.notation import labelled, tex_number

CALLOUT_ROOM = 1.9
TERMS_PER_LINE = 6


def weighted_sum_callout(scene: AttentionScene, work: attention.WeightedSum, size: float) -> VGroup:
    theme, dec = scene.theme, scene.inputs.decimals
    terms = [rf"{tex_number(w, dec)}\,\mathbf{{v}}_{{{j + 1}}}" for j, w in enumerate(work.weights)]
    text = wrapped_sum(
        theme, rf"\mathbf{{r}}_{{{work.i + 1}}} = ", terms, " =", TERMS_PER_LINE, font_size=theme.size.callout
    )
    result = MatrixGrid([work.output], "R", theme=theme, decimals=dec, numbers="on", cell_size=0.5)
    text.scale_to_fit_width(min(text.width, RIGHT_PANEL.width - 0.2))
    callout = VGroup(text, result).arrange(DOWN, buff=0.15)
    callout.move_to([RIGHT_PANEL.center[0], RIGHT_PANEL.bottom + CALLOUT_ROOM / 2, 0])
    scene.shown["weighted_sum"] = {
        "i": work.i,
        "weights": [tex_number(w, dec) for w in work.weights],
        "output": [tex_number(r, dec) for r in work.output],
    }
    return callout


def play_output(scene: AttentionScene) -> None:
    trace, theme = scene.trace, scene.theme
    options = scene.grid_options()
    scene.enter_step(4, "Step 4: multiply the weights A by the values V.")
    size = cell_size(
        trace.T_kv + 2 * trace.d_v, max(trace.T, trace.T_kv), fixed_width=2.6, fixed_height=1.4 + CALLOUT_ROOM
    )
    a = MatrixGrid(trace.weights, "S", cell_size=size, label=labelled("A", trace, "T", "kv"), **options)
    v = MatrixGrid(trace.V, "V", cell_size=size, label=labelled("V", trace, "kv", "v"), **options)
    r = MatrixGrid(
        trace.output,
        "R",
        cell_size=size,
        label=labelled("R", trace, "T", "v"),
        **options,
    )
    times = theme.math(r"\times", font_size=theme.size.operator)
    arrow = Arrow(LEFT * 0.5, RIGHT * 0.5, buff=0, color=theme.arrow, stroke_width=theme.stroke.bold)
    row_of([a, times, v, arrow, r], buff=0.3, y=RIGHT_PANEL.center[1] + CALLOUT_ROOM / 2)
    assert_inside(VGroup(a, v, r), RIGHT_PANEL, "Step 4's matrices")
    blank = r.blank()
    narrate(
        scene,
        "A is T by T, V is T by d: the result R is T by d.",
        FadeIn(a),
        FadeIn(times),
        FadeIn(v),
        FadeIn(arrow),
        FadeIn(blank),
        FadeIn(r.label),
        run_time=1.2,
    )

    i, _ = attention.focus(trace)
    work = attention.weighted_sum(trace, i)
    frames = VGroup(a.highlight_row(i), v.highlight_all(), r.highlight_row(i))
    narrate(
        scene,
        f"Row {i + 1} of R mixes every row of V, weighted by row {i + 1} of A.",
        Create(frames[0]),
        Create(frames[1]),
        run_time=0.8,
    )
    callout = weighted_sum_callout(scene, work, size)
    scene.play(Write(callout[0]), run_time=2)
    scene.play(FadeIn(callout[1]), run_time=0.8)
    narrate(
        scene,
        f"That weighted sum is row {i + 1} of R.",
        Create(frames[2]),
        TransformFromCopy(callout[1].cells, r.row_with_numbers(i)),
        run_time=1.2,
    )
    scene.wait(1)
    scene.play(FadeOut(callout), FadeOut(frames), run_time=0.5)
    scene.fill_rows(r, blank, "Every row the same way: the output R, one context-aware vector per token.")
    scene.grids = {"A": a, "V": v, "R": r}


class Step4Output(AttentionScene):
    part = Part(
        "step4_output",
        "Step 4: MatMul, A times V",
        "Step 4: A x V -> R, one row of R as the weighted sum of the rows of V",
        step=4,
        in_video=True,
    )
    play_part = staticmethod(play_output)
