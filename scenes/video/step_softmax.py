"""Step 3, Softmax: one row in real numbers beside the scores it comes from, then every row."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    LaggedStart,
    ReplacementTransform,
    TransformFromCopy,
    VGroup,
    Write,
)

import attention
from scenes.kit.captions import of, size
from scenes.kit.layout import MIN_CELL, RIGHT_PANEL, LayoutError, assert_inside, cell_size, row_of
from scenes.kit.lens import MathLine, Num, StripTable, TeX
from scenes.kit.matrix_grid import MatrixGrid
from scenes.kit.narration import narrate
from scenes.kit.text.notation import SQRT_DK, tex_number
from scenes.scene import AttentionScene, Part

ROW_GAP = 0.35  # between the worked row's stages
WORKED_GAP = 0.45  # between the scores grid and the worked row beside it
NARROWER = 0.9  # the grids' cells shrink by this much while the worked row does not fit beside the scores


def worked_rows(
    scene: AttentionScene, row: attention.SoftmaxRow, max_width: float, scores: MatrixGrid, weights: MatrixGrid
) -> VGroup:
    """Row i through the softmax: what x is, then the scaled scores, exp, the weights (readable, shaded strips,
    key j in one column), and their sum; at most ``max_width`` wide, laid out at the origin. The scores and the
    weights are shaded on their grids' scales, so that the strips look like the rows they are."""
    theme, dec = scene.theme, scene.inputs.decimals
    shown_sum = tex_number(float(attention.display(row.weights, dec).sum()), dec)
    # x defined on a line of its own, so that the exponent's x_j is introduced before it is used and the strips'
    # names stay short (the strips get the width)
    definition = MathLine(theme, TeX(rf"\mathbf{{x}} = \tfrac{{1}}{{{SQRT_DK}}}\,\mathbf{{q}}_{{{row.i + 1}}}K^\top"))
    table = StripTable(
        theme,
        [
            (r"\mathbf{x}", row.scaled, "S", scores.peak),
            (r"e^{\,x_j - \max x}", row.exps, "S", None),
            ([Num(f"\u00f7 {attention.display_text(row.total, dec)}")], row.weights, "S", weights.peak),
        ],
        max_width=max_width,
        decimals=dec,
        gap=ROW_GAP,
    )
    definition.next_to(table, UP, buff=ROW_GAP).align_to(table, LEFT)
    total = MathLine(theme, TeX(r"\textstyle\sum_j ="), Num(attention.display_text(float(shown_sum), dec)))
    total.next_to(table, DOWN, buff=ROW_GAP).align_to(table.strips[2], LEFT)
    return VGroup(definition, *table.rows, total)


def lay_out(scene: AttentionScene, row: attention.SoftmaxRow) -> tuple[MatrixGrid, VGroup, MatrixGrid, VGroup]:
    """The step's final layout (scores, the softmax's arrow, the weights A) with the largest cells that leave
    room for the worked row beside the scores, where the arrow and A will stand; and that worked row."""
    trace, theme = scene.trace, scene.theme
    options = scene.grid_options()
    size = cell_size(2 * trace.T_kv, trace.T, fixed_width=3.9, fixed_height=1.8)
    while True:
        scaled = MatrixGrid(trace.masked, "S", cell_size=size, label=rf"\frac{{1}}{{{SQRT_DK}}}QK^\top", **options)
        weights = MatrixGrid(
            trace.weights,
            "S",
            cell_size=size,
            label=rf"\mathrm{{Softmax}}\!\left(\frac{{QK^\top}}{{{SQRT_DK}}}\right)",
            **options,
        )
        arrow = Arrow(LEFT * 1.4, RIGHT * 1.4, buff=0, color=theme.arrow, stroke_width=theme.stroke.bold)
        caption = VGroup(
            theme.words("Apply Softmax(.)", font_size=theme.size.text),
            theme.words("on each row", font_size=theme.size.text),
        )
        caption.arrange(DOWN, buff=0.15).next_to(arrow, UP, buff=0.25)
        middle = VGroup(arrow, caption)
        row_of([scaled, middle, weights], buff=0.35)
        middle.shift(UP * (scaled.cells.get_center()[1] - arrow.get_center()[1]))
        lines = worked_rows(scene, row, RIGHT_PANEL.right - scaled.get_right()[0] - WORKED_GAP, scaled, weights)
        if lines.height <= RIGHT_PANEL.height or size * NARROWER < MIN_CELL:
            break
        size *= NARROWER
    lines.next_to(scaled, RIGHT, buff=WORKED_GAP).set_y(RIGHT_PANEL.center[1])
    assert_inside(VGroup(scaled, weights), RIGHT_PANEL, "Step 3's matrices")
    assert_inside(lines, RIGHT_PANEL, "Step 3's worked row")
    if lines.get_left()[0] < scaled.get_right()[0]:
        raise LayoutError("Step 3's worked row does not fit beside the scores; use fewer tokens")
    return scaled, middle, weights, lines


def play_softmax(scene: AttentionScene) -> None:
    trace = scene.trace
    i, _ = attention.focus(trace)
    scaled, middle, weights, lines = lay_out(scene, attention.softmax_row(trace, i))
    blank = weights.blank()
    # the scaled scores of Step 2 move to the left of the pane, where they stay for the whole step
    scene.enter_step(
        3,
        "Step 3: a softmax on each row turns scores into weights.",
        scene.hand_over({"scaled": scaled}),
        run_time=1.5,
    )

    # the row, lifted out of the grid into the worked row beside it
    frame = scaled.highlight_row(i)
    scene.explain(lines)
    narrate(
        scene,
        f"Take row {i + 1}, the scores of query {i + 1}.",
        Create(frame),
        FadeIn(lines[0]),
        FadeIn(lines[1][0]),
        TransformFromCopy(VGroup(*scaled.row(i)), lines[1][1]),
        run_time=1.2,
    )
    narrate(
        scene,
        "Exponentiate each score (the row maximum subtracted first, for stability).",
        FadeIn(lines[2], shift=DOWN * 0.3),
        run_time=1,
    )
    narrate(scene, "Divide by their sum.", FadeIn(lines[3], shift=DOWN * 0.3), run_time=1)
    narrate(scene, "The weights of the row add up to one.", Write(lines[4]), run_time=0.8)
    scene.wait(2)

    # the worked weights become row i of A: the rest of the worked row leaves, the softmax's arrow and A take
    # its place, then every row
    rows = [weights.row_with_numbers(r) for r in range(weights.n_rows)]
    scene.play(FadeOut(VGroup(*[line for line in lines if line is not lines[3]], lines[3][0], frame)), run_time=0.5)
    strip = lines[3][1].copy()  # a copy lands in A: the worked row stays as it was explained
    scene.remove(lines[3][1])
    scene.add(strip)
    narrate(
        scene,
        "Every row the same way: the attention weights A.",
        FadeIn(middle),
        FadeIn(blank),
        FadeIn(weights.label),
        LaggedStart(
            ReplacementTransform(strip, rows[i]),
            *[FadeIn(r) for n, r in enumerate(rows) if n != i],
            lag_ratio=0.25,
        ),
        run_time=2.5,
    )
    scene.remove(blank, *rows, weights.label)  # shown before, now the grid's
    scene.add(weights)
    scene.wait(1)
    scene.grids = {"scaled": scaled, "A": weights}
    scene.figure(caption_step3(scene.request, trace))


def caption_step3(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"Step 3: a softmax on each row of QK^T/\u221ad_k gives the attention weights A "
        f"({size(trace.T, trace.T_kv)}) {of(request)}; each row sums to 1."
    )


class Step3Softmax(AttentionScene):
    part = Part(
        "step3_softmax",
        "Step 3: Softmax on each row",
        "Step 3: softmax on each row, one row worked out to weights summing to 1",
        step=3,
        in_video=True,
    )
    play_part = staticmethod(play_softmax)
