"""Step 4, MatMul: A times V gives R, one row of R as the weighted sum of the rows of V."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, Arrow, Create, FadeIn, FadeOut, TransformFromCopy, VGroup, Write

import attention
from scenes.kit.captions import of, size
from scenes.kit.layout import RIGHT_PANEL, assert_inside, cell_size, row_of, stack
from scenes.kit.lens import Num, TeX, ValueStrip, WorkedSum
from scenes.kit.matrix_grid import MatrixGrid, drawn_size
from scenes.kit.narration import narrate
from scenes.kit.text.notation import labelled
from scenes.scene import AttentionScene, Part

LABELS_ROOM = 1.4  # the shape labels above the grids
CALLOUT_GAP = 0.45  # between the grids and the worked row under them
STRIP_GAP = 0.15  # between the weighted sum and the row of R it gives


def caption_step4(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"Step 4: the weights A ({size(trace.T, trace.T_kv)}) times the values V ({size(trace.T_kv, trace.d_v)}) "
        f"give the output R ({size(trace.T, trace.d_v)}) {of(request)}."
    )


class WeightedSumCallout(VGroup):
    """r_i = a_i1 v_1 + a_i2 v_2 + ... (``sum``), then ``= `` and row i of R as a readable strip (``result``)."""

    def __init__(self, scene: AttentionScene, work: attention.WeightedSum, peak: float):
        super().__init__()
        theme, dec = scene.theme, scene.inputs.decimals
        width = RIGHT_PANEL.width - 0.2
        terms = [
            [Num(attention.display_text(w, dec)), TeX(rf"\mathbf{{v}}_{{{j + 1}}}")] for j, w in enumerate(work.weights)
        ]
        self.sum = WorkedSum(theme, [(rf"\mathbf{{r}}_{{{work.i + 1}}} =", terms, [])], max_width=width)
        self.result = ValueStrip(theme, work.output, "R", "=", max_width=width, decimals=dec, peak=peak)
        self.add(self.sum, self.result.align_to(self.sum, LEFT))
        self.result.next_to(self.sum, DOWN, buff=STRIP_GAP, aligned_edge=LEFT)


def play_output(scene: AttentionScene) -> None:
    trace, theme = scene.trace, scene.theme
    options = scene.grid_options()
    i, _ = attention.focus(trace)
    work = attention.weighted_sum(trace, i)
    r_peak = MatrixGrid(trace.output, "R", theme=theme).peak  # the strip is shaded on R's scale
    callout = WeightedSumCallout(scene, work, r_peak)
    size = cell_size(
        trace.T_kv + 2 * drawn_size(trace.d_v),
        max(trace.T, trace.T_kv),
        fixed_width=2.6,
        fixed_height=LABELS_ROOM + callout.height + CALLOUT_GAP,
    )
    a = MatrixGrid(trace.weights, "S", cell_size=size, label=labelled("A", trace, "T", "kv"), **options)
    v = MatrixGrid(trace.V, "V", cell_size=size, label=labelled("V", trace, "kv", "v"), **options)
    r = MatrixGrid(trace.output, "R", cell_size=size, label=labelled("R", trace, "T", "v"), **options)
    times = theme.math(r"\times", font_size=theme.size.operator)
    arrow = Arrow(LEFT * 0.5, RIGHT * 0.5, buff=0, color=theme.arrow, stroke_width=theme.stroke.bold)
    matrices = row_of([a, times, v, arrow, r], buff=0.3)
    callout.set_x(RIGHT_PANEL.center[0])
    stack([matrices, callout], CALLOUT_GAP)
    assert_inside(VGroup(a, v, r, callout), RIGHT_PANEL, "Step 4's matrices")
    blank = r.blank()
    # the weights of Step 3 move to the left and V fades in beside them while the title is spoken
    scene.enter_step(
        4,
        "Step 4: multiply the weights A by the values V.",
        scene.hand_over({"A": a}, times, v),
        run_time=1.5,
    )
    narrate(
        scene,
        "A is T by T, V is T by d: the result R is T by d.",
        FadeIn(arrow),
        FadeIn(blank),
        FadeIn(r.label),
        run_time=1.2,
    )

    frames = VGroup(a.highlight_row(i), v.highlight_all(), r.highlight_row(i))
    narrate(
        scene,
        f"Row {i + 1} of R mixes every row of V, weighted by row {i + 1} of A.",
        Create(frames[0]),
        Create(frames[1]),
        run_time=0.8,
    )
    scene.explain(callout)
    scene.play(Write(callout.sum), run_time=2)
    scene.play(FadeIn(callout.result), run_time=0.8)
    narrate(
        scene,
        f"That weighted sum is row {i + 1} of R.",
        Create(frames[2]),
        TransformFromCopy(VGroup(*[grid.cells for grid in callout.result.grids]), r.row_with_numbers(i)),
        run_time=1.2,
    )
    scene.wait(1)
    scene.play(FadeOut(frames), run_time=0.5)  # the worked entry stays: the figure shows it
    scene.fill_rows(r, blank, "Every row the same way: the output R, one context-aware vector per token.")
    scene.grids = {"A": a, "V": v, "R": r}
    scene.figure(caption_step4(scene.request, trace))


class Step4Output(AttentionScene):
    part = Part(
        "step4_output",
        "Step 4: MatMul, A times V",
        "Step 4: A x V -> R, one row of R as the weighted sum of the rows of V",
        step=4,
        in_video=True,
    )
    play_part = staticmethod(play_output)
