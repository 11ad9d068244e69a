"""Shape tracking: only the shapes, through the whole pipeline (as at 15:28 of the video), drawn as the data
flows: X -> Q, K, V; K -> K transposed; Q with K transposed -> QK^T -> scaled by sqrt(d_k) -> A; A with V -> R.

Three rows: the queries' path on top (Q, QK^T, the scaled scores, A), X and the keys in the middle (K, K^T), the
values at the bottom (V, then R beside A's column). Each cue is spoken while what it names appears.

A side too long to draw (a pretrained model's 384 features) is drawn folded, as the grids fold it, with an
ellipsis inside the box; the note gives the true sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    AnimationGroup,
    Arrow,
    Brace,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Rectangle,
    ReplacementTransform,
    VGroup,
)

import attention
from scenes.kit.layout import FULL_FRAME, assert_inside
from scenes.kit.matrix_grid import drawn_size
from scenes.kit.narration import narrate
from scenes.kit.text.notation import SQRT_DK, D, dim, labelled
from scenes.scene import AttentionScene, Part

UNIT = 0.16  # units per row or column, before the chain is scaled to the frame
FOLD_DOT = 0.035  # the radius of the dots of a folded box's ellipsis, in units
FOLD_SPREAD = 0.13  # between those dots
COLUMN_GAP = 1.0  # between two columns of boxes, before scaling
WIDE_GAP = 1.5  # before the columns whose arrow carries a wide operation (the scale, the softmax)
WIDE_COLUMNS = (4, 5)
ROW_GAP = 0.9  # between two rows of boxes (their labels included), before scaling
ARROW_GAP = 0.08  # between an arrow's ends and the boxes it joins
HEIGHT = 7.2  # the chain's height at most, in units of the 8-unit frame
OPENING_HEIGHT = 4.4  # X's box while the first cue names its sizes, in units of the 8-unit frame
LEGEND_GAP = 0.15  # between the two lines of the sizes' legend


def shape_box(scene: AttentionScene, rows: int, cols: int, key: str, label: str) -> VGroup:
    """A box ``rows`` x ``cols`` cells (folded as the grids fold), filled as the grid of ``key``, its label
    above; ``box[0]`` is the rectangle."""
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


@dataclass(frozen=True)
class Stage:
    """One box of the chain: its shape, the grid colour it takes, its label, and its place (column, row:
    0 top, 1 middle, 2 bottom)."""

    rows: int
    cols: int
    key: str
    label: str
    column: int
    row: int


def stages_of(trace: attention.Trace) -> dict[str, Stage]:
    T, T_kv, d, d_k, d_v = trace.T, trace.T_kv, trace.d, trace.d_k, trace.d_v
    scores = rf"\left(QK^\top\right)_{{{dim(trace, 'T')}\times {dim(trace, 'kv')}}}"
    scaled = rf"\left(\tfrac{{QK^\top}}{{{SQRT_DK}}}\right)_{{{dim(trace, 'T')}\times {dim(trace, 'kv')}}}"
    return {
        "X": Stage(T, d, "X", labelled("X", trace, "T", "d"), 0, 1),
        "Q": Stage(T, d_k, "Q", labelled("Q", trace, "T", "k"), 1, 0),
        "K": Stage(T_kv, d_k, "K", labelled("K", trace, "kv", "k"), 1, 1),
        "V": Stage(T_kv, d_v, "V", labelled("V", trace, "kv", "v"), 1, 2),
        "Kt": Stage(d_k, T_kv, "K", rf"K^\top_{{{dim(trace, 'k')}\times {dim(trace, 'kv')}}}", 2, 1),
        "QKt": Stage(T, T_kv, "S", scores, 3, 0),
        "scaled": Stage(T, T_kv, "S", scaled, 4, 0),
        "A": Stage(T, T_kv, "S", labelled("A", trace, "T", "kv"), 5, 0),
        "R": Stage(T, d_v, "R", labelled("R", trace, "T", "v"), 6, 2),
    }


def place(boxes: dict[str, VGroup], stages: dict[str, Stage]) -> None:
    """Columns left to right, each as wide as its widest box; rows top to bottom, each as tall as its tallest
    box (label included); every box centred in its column and row."""
    columns = 1 + max(s.column for s in stages.values())
    widths = [max((boxes[n].width for n, s in stages.items() if s.column == c), default=0) for c in range(columns)]
    heights = [max(boxes[n].height for n, s in stages.items() if s.row == r) for r in range(3)]
    gaps = [WIDE_GAP if c + 1 in WIDE_COLUMNS else COLUMN_GAP for c in range(columns)]
    lefts = np.concatenate([[0.0], np.cumsum(np.array(widths) + gaps)])
    tops = -np.concatenate([[0.0], np.cumsum(np.array(heights) + ROW_GAP)])
    for name, stage in stages.items():
        boxes[name].move_to(
            [lefts[stage.column] + widths[stage.column] / 2, tops[stage.row] - heights[stage.row] / 2, 0]
        )


def joining(scene: AttentionScene, start, end) -> Arrow:
    return Arrow(
        start,
        end,
        buff=ARROW_GAP,
        color=scene.theme.arrow,
        stroke_width=scene.theme.stroke.thin,
        tip_length=0.18,
        max_tip_length_to_length_ratio=0.4,
    )


def flows(scene: AttentionScene, boxes: dict[str, VGroup]) -> dict[str, Arrow]:
    """The arrows of the data flow, each named after the box it leads to (two into QK^T and into R)."""

    def rect(name):
        return boxes[name][0]

    x = rect("X")
    return {
        "Q": joining(scene, x.get_right(), rect("Q").get_left()),
        "K": joining(scene, x.get_right(), rect("K").get_left()),
        "V": joining(scene, x.get_right(), rect("V").get_left()),
        "Kt": joining(scene, rect("K").get_right(), rect("Kt").get_left()),
        "QKt from Q": joining(scene, rect("Q").get_right(), rect("QKt").get_left()),
        "QKt from Kt": joining(scene, rect("Kt").get_corner(UP + RIGHT), rect("QKt").get_corner(DOWN + LEFT)),
        "scaled": joining(scene, rect("QKt").get_right(), rect("scaled").get_left()),
        "A": joining(scene, rect("scaled").get_right(), rect("A").get_left()),
        "R from A": joining(scene, rect("A").get_bottom(), boxes["R"].get_top()),
        "R from V": joining(scene, rect("V").get_right(), rect("R").get_left()),
    }


def operations(scene: AttentionScene, arrows: dict[str, Arrow]) -> dict[str, VGroup]:
    """What each arrow does, written beside it: the weights, the transpose, the scale, the softmax."""
    theme = scene.theme

    def op(tex, arrow, side):
        return theme.math(tex, font_size=theme.size.small).next_to(arrow.get_center(), side, buff=0.2)

    return {
        "Q": op(r"W^q", arrows["Q"], UP + LEFT),
        "K": op(r"W^k", arrows["K"], UP),
        "V": op(r"W^v", arrows["V"], DOWN + LEFT),
        "Kt": op(r"{}^\top", arrows["Kt"], UP),
        "scaled": op(rf"\div {SQRT_DK}", arrows["scaled"], UP),
        "A": op(r"\mathrm{softmax}", arrows["A"], UP),
    }


def legend(scene: AttentionScene, trace: attention.Trace) -> VGroup:
    """The sizes of the example, one per line, left-aligned: T and d (and d_k when it differs)."""
    theme = scene.theme
    lines = [rf"T = {trace.T}", rf"{D} = {trace.d}"] + ([rf"{D}_k = {trace.d_k}"] if trace.d_k != trace.d else [])
    return VGroup(*[theme.math(line, font_size=theme.size.formula) for line in lines]).arrange(
        DOWN, aligned_edge=LEFT, buff=LEGEND_GAP
    )


def opening_x(scene: AttentionScene, box: VGroup, trace: attention.Trace) -> tuple[VGroup, VGroup]:
    """X as the first cue names it: ``box`` drawn large in the middle of the frame, its label above, and its
    sizes on braces beside it (T down its rows, d along its columns). Returns the box and the braces with their
    values (brace, value, brace, value)."""
    theme = scene.theme
    large = box.copy()
    large.scale(OPENING_HEIGHT / box[0].height).move_to([0, 0, 0])
    # the label as a large grid's shape label (the chain's was scaled down with the chain)
    large.submobjects[1] = theme.math(box[1].tex_string, font_size=theme.size.title).next_to(large[0], UP, buff=0.25)
    rows = Brace(large[0], LEFT, buff=0.15, color=theme.text)
    columns = Brace(large[0], DOWN, buff=0.15, color=theme.text)
    size = theme.size.title
    row_value = theme.math(rf"T = {trace.T}", font_size=size).next_to(rows, LEFT, buff=0.2)
    column_value = theme.math(rf"{D} = {trace.d}", font_size=size).next_to(columns, DOWN, buff=0.2)
    return large, VGroup(rows, row_value, columns, column_value)


def play_shapes(scene: AttentionScene) -> None:
    trace = scene.trace
    stages = stages_of(trace)
    boxes = {name: shape_box(scene, s.rows, s.cols, s.key, s.label) for name, s in stages.items()}
    place(boxes, stages)
    chain = VGroup(*boxes.values())
    chain.scale(min(1.0, (FULL_FRAME.width - 0.2) / chain.width, HEIGHT / chain.height)).move_to([0, 0, 0])
    arrows = flows(scene, boxes)
    ops = operations(scene, arrows)
    note = legend(scene, trace)
    # the chain's top-right corner is free (R sits at the bottom of the last column): the sizes read as its legend
    note.align_to(boxes["R"], RIGHT).align_to(chain, UP)
    assert_inside(VGroup(chain, *ops.values(), note), FULL_FRAME, "the shape chain")
    assert note.get_left()[0] > boxes["A"].get_right()[0], "the shapes' legend runs into A"

    features = "d" if trace.d_k == trace.d else "d k"
    keys = "T kv" if trace.is_cross else "T"
    opening, sizes = opening_x(scene, boxes["X"], trace)
    # X is drawn large with its two sizes on its sides before the voice names them
    scene.play(FadeIn(opening), FadeIn(sizes), run_time=0.6)
    narrate(scene, f"Only the shapes now: T = {trace.T} tokens, d = {trace.d} features.")
    # X shrinks into the chain's first box and its sizes into the legend, then Q, K and V grow from it
    narrate(
        scene,
        f"X times W q, W k and W v gives Q, K and V, each T by {features}.",
        AnimationGroup(
            AnimationGroup(
                ReplacementTransform(opening, boxes["X"]),
                FadeOut(VGroup(sizes[0], sizes[2])),
                ReplacementTransform(VGroup(sizes[1], sizes[3]), note),
            ),
            AnimationGroup(
                *[GrowArrow(arrows[n]) for n in "QKV"],
                *[FadeIn(ops[n]) for n in "QKV"],
                *[FadeIn(boxes[n], shift=RIGHT * 0.2) for n in "QKV"],
            ),
            lag_ratio=0.6,
        ),
        run_time=2.0,
    )
    narrate(
        scene,
        f"K transposed is {features} by {keys}.",
        GrowArrow(arrows["Kt"]),
        FadeIn(ops["Kt"]),
        FadeIn(boxes["Kt"], shift=RIGHT * 0.2),
    )
    narrate(
        scene,
        f"Q times K transposed: {'T by T' if keys == 'T' else 'T by T kv'}, a score for every pair of tokens.",
        GrowArrow(arrows["QKt from Q"]),
        GrowArrow(arrows["QKt from Kt"]),
        FadeIn(boxes["QKt"], shift=RIGHT * 0.2),
    )
    narrate(
        scene,
        "Divided by the square root of d k, the shape stays.",
        GrowArrow(arrows["scaled"]),
        FadeIn(ops["scaled"]),
        FadeIn(boxes["scaled"], shift=RIGHT * 0.2),
    )
    narrate(
        scene,
        "Softmax on each row gives the weights A.",
        GrowArrow(arrows["A"]),
        FadeIn(ops["A"]),
        FadeIn(boxes["A"], shift=RIGHT * 0.2),
    )
    narrate(
        scene,
        f"A times V gives R, T by {features}: one new vector per token.",
        GrowArrow(arrows["R from A"]),
        GrowArrow(arrows["R from V"]),
        FadeIn(boxes["R"], shift=RIGHT * 0.2),
    )
    narrate(scene, "That is scaled dot-product attention, from X to R.")
    scene.wait(1)
    scene.figure(caption_shapes(scene.request, trace))


def caption_shapes(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"The shapes through scaled dot-product attention for T = {trace.T}, d = {trace.d}"
        f"{f', d_k = {trace.d_k}' if trace.d_k != trace.d else ''} ({request.describe()}): X gives Q, K and V; "
        "Q times K^T gives QK^T, scaled by 1/sqrt(d_k), softmax gives A, and A times V gives R."
    )


class ShapeTracking(AttentionScene):
    part = Part(
        "shapes",
        "The shapes, end to end",
        "Shape tracking: X -> Q, K, V; Q K^T -> scaled -> A; A V -> R, the shapes only",
        in_video=True,
    )
    play_part = staticmethod(play_shapes)
