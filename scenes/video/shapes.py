"""Shape tracking: only the shapes, through the whole pipeline (as at 15:28 of the video).

A side too long to draw (a pretrained model's 384 features) is drawn folded, as the grids fold it, with an
ellipsis inside the box; the note under the boxes gives the true sizes.
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Arrow, Dot, FadeIn, GrowArrow, Rectangle, VGroup

import attention
from scenes.kit.layout import FULL_FRAME, assert_inside
from scenes.kit.matrix_grid import drawn_size
from scenes.kit.narration import narrate
from scenes.kit.text.notation import D, labelled
from scenes.scene import AttentionScene, Part

UNIT = 0.16  # units per row or column
FOLD_DOT = 0.035  # the radius of the dots of a folded box's ellipsis, in units
FOLD_SPREAD = 0.13  # between those dots


def shape_box(scene: AttentionScene, rows: int, cols: int, key: str, label: str) -> VGroup:
    theme = scene.theme
    box = Rectangle(
        width=drawn_size(cols) * UNIT,
        height=drawn_size(rows) * UNIT,
        fill_color=theme.rendered_fill(key),
        fill_opacity=1.0,
        stroke_color=theme.grid_line,
        stroke_width=theme.stroke.thin,
    )
    text = theme.math(label, font_size=theme.size.callout).next_to(box, UP, buff=0.15)
    folded_rows, folded_cols = drawn_size(rows) < rows, drawn_size(cols) < cols
    if not (folded_rows or folded_cols):
        return VGroup(box, text)
    direction = (UP if folded_rows else 0 * UP) + (RIGHT if folded_cols else 0 * RIGHT)
    direction = UP + LEFT if folded_rows and folded_cols else direction
    dots = VGroup(
        *[Dot(box.get_center() + k * FOLD_SPREAD * direction, radius=FOLD_DOT, color=theme.text) for k in (-1, 0, 1)]
    )
    return VGroup(box, text, dots)


def play_shapes(scene: AttentionScene) -> None:
    trace, theme = scene.trace, scene.theme
    T, T_kv, d, d_k, d_v = trace.T, trace.T_kv, trace.d, trace.d_k, trace.d_v
    stages = [
        (T, d, "X", labelled("X", trace, "T", "d"), ""),
        (T, d_k, "Q", labelled("Q", trace, "T", "k"), r"XW^q"),
        (d_k, T_kv, "K", rf"K^\top_{{{D if d_k == d else D + '_k'}\times T}}", r"(XW^k)^\top"),
        (T, T_kv, "S", labelled(r"\left(QK^\top\right)", trace, "T", "kv"), r"QK^\top"),
        (T, T_kv, "S", labelled("A", trace, "T", "kv"), r"\mathrm{softmax}"),
        (T_kv, d_v, "V", labelled("V", trace, "kv", "v"), r"XW^v"),
        (T, d_v, "R", labelled("R", trace, "T", "v"), r"AV"),
    ]
    boxes = VGroup(*[shape_box(scene, r, c, key, label) for r, c, key, label, _ in stages])
    boxes.arrange(RIGHT, buff=1.25, aligned_edge=DOWN)
    boxes.scale_to_fit_width(min(boxes.width, FULL_FRAME.width - 0.2)).move_to([0, 0.2, 0])
    arrows, ops = VGroup(), VGroup()
    for (_, _, _, _, op), left, right in zip(stages[1:], boxes[:-1], boxes[1:], strict=True):
        y = min(left[0].get_center()[1], right[0].get_center()[1])
        arrow = Arrow(
            [left.get_right()[0] + 0.05, y, 0],
            [right.get_left()[0] - 0.05, y, 0],
            buff=0,
            color=theme.arrow,
            stroke_width=theme.stroke.thin,
            max_tip_length_to_length_ratio=0.3,
        )
        arrows.add(arrow)
        ops.add(theme.math(op, font_size=theme.size.small).next_to(arrow, DOWN, buff=0.15))
    note = theme.math(
        rf"T = {T},\quad {D} = {d}" + (rf",\quad {D}_k = {d_k}" if d_k != d else ""), font_size=theme.size.formula
    )
    note.next_to(boxes, DOWN, buff=1.0)
    assert_inside(VGroup(boxes, ops, note), FULL_FRAME, "the shape overview")
    narrate(
        scene,
        f"Only the shapes: T = {T} tokens, d = {d} features, for visualisation.",
        FadeIn(boxes[0]),
        FadeIn(note),
        run_time=0.8,
    )
    for n in range(1, len(boxes)):
        scene.play(GrowArrow(arrows[n - 1]), FadeIn(ops[n - 1]), FadeIn(boxes[n], shift=RIGHT * 0.2), run_time=0.7)
    scene.wait(2)
    scene.figure(caption_shapes(scene.request, trace))


def caption_shapes(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"The shapes through scaled dot-product attention for T = {trace.T}, d = {trace.d}"
        f"{f', d_k = {trace.d_k}' if trace.d_k != trace.d else ''} ({request.describe()}): X, Q, K^T, QK^T, "
        "A, V and R."
    )


class ShapeTracking(AttentionScene):
    part = Part(
        "shapes",
        "The shapes, end to end",
        "Shape tracking: X -> Q, K^T -> QK^T -> A -> V -> R, the shapes only",
        in_video=True,
        source="any",
    )
    play_part = staticmethod(play_shapes)
