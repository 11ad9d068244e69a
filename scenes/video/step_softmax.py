"""Step 3, Softmax: one row in real numbers, then every row."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Arrow, Create, FadeIn, FadeOut, VGroup, Write

import attention
from scenes.kit.captions import of, size
from scenes.kit.layout import RIGHT_PANEL, assert_inside, cell_size, row_of
from scenes.kit.lens import MathLine, Num, StripTable, TeX
from scenes.kit.matrix_grid import MatrixGrid
from scenes.kit.narration import narrate
from scenes.kit.text.notation import SQRT_DK, tex_number
from scenes.scene import AttentionScene, Part

ROW_GAP = 0.45  # between the worked row's stages


def worked_rows(scene: AttentionScene, row: attention.SoftmaxRow) -> VGroup:
    """Row i through the softmax: scaled scores, exp, the weights (readable, shaded strips, key j in one
    column), and their sum."""
    theme, dec = scene.theme, scene.inputs.decimals
    shown_sum = tex_number(float(attention.display(row.weights, dec).sum()), dec)
    table = StripTable(
        theme,
        [
            # named x here, so that the exponent's x_j is introduced before it is used
            (rf"\mathbf{{x}} = \tfrac{{1}}{{{SQRT_DK}}}\,\mathbf{{q}}_{{{row.i + 1}}}K^\top", row.scaled, "S", None),
            (r"e^{\,x_j - \max x}", row.exps, "S", None),
            ([Num(f"\u00f7 {attention.display_text(row.total, dec)}")], row.weights, "S", None),
        ],
        max_width=RIGHT_PANEL.width - 0.2,
        decimals=dec,
        gap=ROW_GAP,
    )
    total = MathLine(theme, TeX(r"\textstyle\sum_j ="), Num(attention.display_text(float(shown_sum), dec)))
    total.next_to(table, DOWN, buff=ROW_GAP).align_to(table.strips[2], LEFT)
    lines = VGroup(*table.rows, total)
    lines.move_to(RIGHT_PANEL.center)
    assert_inside(lines, RIGHT_PANEL, "Step 3's worked row")
    scene.shown["softmax_row"] = {
        "i": row.i,
        "weights": [tex_number(w, dec) for w in row.weights],
        "sum": shown_sum,
        "exp_sum": tex_number(row.total, dec),
    }
    return lines


def play_softmax(scene: AttentionScene) -> None:
    trace, theme = scene.trace, scene.theme
    size = cell_size(2 * trace.T_kv, trace.T, fixed_width=3.9, fixed_height=1.8)
    options = scene.grid_options()
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
    assert_inside(VGroup(scaled, weights), RIGHT_PANEL, "Step 3's matrices")
    blank = weights.blank()
    # the scaled scores of Step 2 move to the left, the softmax's arrow and the empty weights beside them
    scene.enter_step(
        3,
        "Step 3: a softmax on each row turns scores into weights.",
        scene.hand_over({"scaled": scaled}, middle, blank, weights.label),
        run_time=1.5,
    )

    i, _ = attention.focus(trace)
    frame = scaled.highlight_row(i)
    narrate(scene, f"Take row {i + 1}, the scores of query {i + 1}.", Create(frame), run_time=0.6)
    on_screen = VGroup(scaled, middle, blank, weights.label)
    scene.play(FadeOut(on_screen), FadeOut(frame), run_time=0.6)
    lines = worked_rows(scene, attention.softmax_row(trace, i))
    scene.explain(lines)
    scene.play(FadeIn(lines[0]), run_time=0.8)
    narrate(
        scene,
        "Exponentiate each score (the row maximum subtracted first, for stability).",
        FadeIn(lines[1], shift=DOWN * 0.3),
        run_time=1,
    )
    narrate(scene, "Divide by their sum.", FadeIn(lines[2], shift=DOWN * 0.3), run_time=1)
    narrate(scene, "The weights of the row add up to one.", Write(lines[3]), run_time=0.8)
    scene.wait(2)
    scene.play(FadeOut(lines), run_time=0.6)
    scene.play(FadeIn(on_screen), run_time=0.8)
    scene.fill_rows(weights, blank, "Every row the same way: the attention weights A.")
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
        source="any",
    )
    play_part = staticmethod(play_softmax)
