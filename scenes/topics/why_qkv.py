"""Why three matrices: one X seen three ways; q.k measures relevance, V is what gets averaged;
and with W_k = W_q the scores would be symmetric, so i -> j could never differ from j -> i."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    DashedLine,
    FadeIn,
    FadeOut,
    FadeTransform,
    VGroup,
    Write,
)

import attention
from scenes.kit.captions import number, of, size
from scenes.kit.layout import FULL_FRAME, assert_inside, cell_size
from scenes.kit.lens import MathLine, Num, TeX
from scenes.kit.matrix_grid import MatrixGrid, token_label_room
from scenes.kit.narration import narrate
from scenes.kit.text.labels import short_label
from scenes.kit.text.notation import D, dim
from scenes.scene import AttentionScene, Part, Section

ARROW = 1.5  # X -> Q, K, V
CAPTION_ROOM = 1.3  # under Q, K, V: XW and what the matrix is for
CALLOUT_ROOM = 1.1  # under everything: the worked relevance or the mirrored pair
ROLES = {"q": ("what it", "looks for"), "k": ("what it is", "found by"), "v": ("what it", "passes on")}


def views_size(scene: AttentionScene) -> float:
    """One cell size for X -> Q K V and for Q K V next to the T x T scores."""
    trace, word = scene.trace, token_label_room(scene.theme, scene.trace.tokens)
    qkv = 2 * trace.d_k + trace.d_v
    first = cell_size(trace.d + qkv, 1, word + ARROW + 1.4, 0, panel=FULL_FRAME)
    second = cell_size(qkv + trace.T, 1, word + 1.6, 0, panel=FULL_FRAME)
    tall = cell_size(1, trace.T, 0, 0.8 + word + CAPTION_ROOM + CALLOUT_ROOM, panel=FULL_FRAME)
    return min(first, second, tall)


def views(scene: AttentionScene) -> dict:
    """X, and Q, K, V with what each is for; laid out for the first section."""
    trace, theme = scene.trace, scene.theme
    options = {**scene.grid_options(), "cell_size": views_size(scene)}
    g = {"X": MatrixGrid(trace.X, "X", label=rf"X_{{T\times {D}}}", row_labels=trace.tokens, **options)}
    roles = VGroup()
    for v, name, values in (("q", "Q", trace.Q), ("k", "K", trace.K), ("v", "V", trace.V)):
        g[name] = MatrixGrid(values, name, label=rf"{name}_{{T\times {dim(trace, v)}}}", **options)
        role = VGroup(*[theme.words(line, font_size=theme.size.tiny) for line in ROLES[v]]).arrange(DOWN, buff=0.08)
        caption = VGroup(theme.math(rf"XW^{v}", font_size=theme.size.callout), role)
        roles.add(caption.arrange(DOWN, buff=0.1))
    g["qkv"] = VGroup(g["Q"], g["K"], g["V"]).arrange(RIGHT, buff=0.35, aligned_edge=UP)
    for caption, grid in zip(roles, (g["Q"], g["K"], g["V"]), strict=True):
        caption.next_to(grid.cells, DOWN, buff=0.2)
    g["captions"] = roles
    arrow = Arrow(LEFT * ARROW / 2, RIGHT * ARROW / 2, buff=0, color=theme.arrow, stroke_width=theme.stroke.medium)
    g["arrow"] = VGroup(arrow, theme.math(r"W^q,\,W^k,\,W^v", font_size=theme.size.text).next_to(arrow, UP, buff=0.1))
    return g


def scores_grid(scene: AttentionScene, values, label: str, size: float) -> MatrixGrid:
    trace = scene.trace
    return MatrixGrid(
        values,
        "S",
        label=label,
        row_labels=trace.tokens,
        col_labels=trace.tokens,
        cell_size=size,
        **scene.grid_options(),
    )


def play_views(scene: AttentionScene, g: dict) -> None:
    trace = scene.trace
    scene.next_section("three_views")
    layout = VGroup(g["X"], g["arrow"], VGroup(g["qkv"], g["captions"])).arrange(RIGHT, buff=0.35)
    line = g["Q"].cells.get_y()
    g["X"].shift(UP * (line - g["X"].cells.get_y()))
    g["arrow"].shift(UP * (line - g["arrow"][0].get_y()))
    layout.move_to([0, 0, 0])
    assert_inside(layout, FULL_FRAME, "X and its three projections")
    scene.play(FadeIn(g["X"]), run_time=0.5)  # on screen before the voice names it
    narrate(scene, f"One input X: {trace.T} tokens, d = {trace.d} features each.")
    narrate(
        scene,
        "Three learned matrices give three views of the same X.",
        FadeIn(g["arrow"]),
        *[FadeIn(g[n], shift=RIGHT * 0.2) for n in "QKV"],
        run_time=1.2,
    )
    for n, role in zip(
        range(3),
        ("The query: what a token looks for.", "The key: what it can be found by.", "The value: what it passes on."),
        strict=True,
    ):
        narrate(scene, role, FadeIn(g["captions"][n], shift=UP * 0.1), run_time=0.6)


def play_relevance(scene: AttentionScene, g: dict) -> None:
    trace, theme = scene.trace, scene.theme
    scene.next_section("relevance")
    size = g["Q"].cell_size
    g["S"] = scores_grid(scene, trace.scores, r"\left(QK^\top\right)_{T\times T}", size)
    moving = VGroup(g["qkv"], g["captions"])
    target = moving.copy()
    row = VGroup(target, g["S"]).arrange(RIGHT, buff=0.6, aligned_edge=DOWN).set_x(0)
    g["S"].shift(UP * (target[0][0].cells.get_y() - g["S"].cells.get_y()))
    row.shift(UP * (FULL_FRAME.top - 0.3 - row.get_top()[1]))
    assert_inside(VGroup(row, g["S"]), FULL_FRAME, "Q, K, V and the scores")
    scene.play(FadeOut(g["X"]), FadeOut(g["arrow"]), moving.animate.move_to(target), run_time=1)
    i, j = attention.focus(trace)
    frames = VGroup(g["Q"].highlight_row(i), g["K"].highlight_row(j))
    narrate(
        scene,
        f"q {i + 1} dot k {j + 1}: how well token {j + 1}'s key answers token {i + 1}'s query.",
        Create(frames),
        FadeIn(g["S"]),
        run_time=1.2,
    )
    relevance = f"relevance of '{short_label(trace.tokens[j])}' to '{short_label(trace.tokens[i])}'"
    callout = VGroup(
        MathLine(
            theme,
            TeX(rf"\mathbf{{q}}_{{{i + 1}}}\cdot\mathbf{{k}}_{{{j + 1}}} ="),
            Num(attention.display_text(trace.scores[i, j], scene.inputs.decimals)),
            font_size=theme.size.formula,
        ),
        theme.words(relevance, font_size=theme.size.note),
    ).arrange(RIGHT, buff=0.3)
    callout.next_to(VGroup(g["captions"], g["S"]), DOWN, buff=0.35).set_x(0)
    assert_inside(callout, FULL_FRAME, "the relevance callout")
    cell = g["S"].highlight_cell(i, j)
    scene.explain(callout)
    narrate(
        scene,
        f"A relevance score: row {i + 1}, column {j + 1} of the score matrix.",
        Create(cell),
        Write(callout),
        run_time=1.2,
    )
    scene.play(FadeOut(frames), FadeOut(cell), FadeOut(callout), run_time=0.5)


def play_content(scene: AttentionScene, g: dict) -> None:
    trace, theme = scene.trace, scene.theme
    scene.next_section("content")
    g["A"] = scores_grid(scene, trace.weights, r"A_{T\times T}", g["S"].cell_size)
    g["A"].shift(g["S"].cells.get_center() - g["A"].cells.get_center())
    narrate(
        scene, "Scaled and softmaxed, the scores become the weights A.", FadeTransform(g["S"], g["A"]), run_time=1.2
    )
    i, _ = attention.focus(trace)
    frames = VGroup(g["A"].highlight_row(i), g["V"].highlight_all())
    formula = VGroup(
        theme.math(
            rf"\mathbf{{r}}_{{{i + 1}}} = \textstyle\sum_j a_{{{i + 1}j}}\,\mathbf{{v}}_j", font_size=theme.size.math
        ),
        theme.words("the values are what gets averaged", font_size=theme.size.note),
    ).arrange(RIGHT, buff=0.3)
    formula.next_to(VGroup(g["captions"], g["A"]), DOWN, buff=0.35).set_x(0)
    assert_inside(formula, FULL_FRAME, "the weighted-sum callout")
    narrate(
        scene,
        f"Output {i + 1} is the average of the rows of V, weighted by row {i + 1} of A.",
        Create(frames),
        Write(formula),
        run_time=1.2,
    )
    scene.wait(1)
    scene.play(FadeOut(frames), run_time=0.4)
    scene.figure(caption_qkv_content(scene.request, trace))


def play_tied(scene: AttentionScene) -> None:
    trace, theme = scene.trace, scene.theme
    dec = scene.inputs.decimals
    scene.next_section("tied_keys")
    scene.clear_stage()  # at the start of this section: the one before ends on its content (its clip, its poster)
    tied = scene.request.tied_keys()
    word = token_label_room(theme, trace.tokens)
    size = min(
        cell_size(2 * trace.T, 1, 2 * word + 1.2, 0, panel=FULL_FRAME),
        cell_size(1, trace.T, 0, 0.8 + word + CALLOUT_ROOM + 0.4, panel=FULL_FRAME),
    )
    grids = VGroup(
        scores_grid(scene, trace.scores, r"\left(QK^\top\right)_{T\times T}", size),
        scores_grid(scene, tied.scores, r"\left(QQ^\top\right)_{T\times T}", size),
    )
    grids.arrange(RIGHT, buff=1.0, aligned_edge=DOWN)
    i, j = attention.mirrored_pair(trace)
    pairs_of = [(t.scores[i, j], t.scores[j, i]) for t in (trace, tied)]
    texts = [tuple(attention.display_text(v, dec) for v in pair) for pair in pairs_of]
    notes = VGroup()
    for grid, condition, shown in zip(grids, (r"W^k \neq W^q", r"W^k = W^q"), texts, strict=True):
        relation = r"\neq" if shown[0] != shown[1] else "="
        note = VGroup(
            theme.math(condition, font_size=theme.size.callout),
            MathLine(
                theme,
                TeX(rf"s_{{{i + 1},{j + 1}}} ="),
                Num(shown[0]),
                TeX(rf"{relation}\ s_{{{j + 1},{i + 1}}} ="),
                Num(shown[1]),
                font_size=theme.size.callout,
            ),
        )
        notes.add(note.arrange(DOWN, buff=0.15).next_to(grid.cells, DOWN, buff=0.3))
    # each grid with its note as one column, so that wide notes under small grids cannot overlap
    VGroup(*[VGroup(grid, note) for grid, note in zip(grids, notes, strict=True)]).arrange(
        RIGHT, buff=0.8, aligned_edge=UP
    ).move_to([0, 0, 0])
    assert_inside(VGroup(grids, notes), FULL_FRAME, "the two score matrices")
    scene.explain(notes)
    scene.play(FadeIn(grids[0]), run_time=0.5)  # on screen before the voice names it
    narrate(scene, "With its own W k, the score of i to j differs from the score of j to i.")
    pairs = [VGroup(grid.highlight_cell(i, j), grid.highlight_cell(j, i)) for grid in grids]
    narrate(
        scene,
        f"Token {i + 1} to token {j + 1} is not token {j + 1} to token {i + 1}.",
        Create(pairs[0]),
        Write(notes[0]),
    )
    narrate(scene, "Reuse W q as W k: the keys are the queries, and the scores are Q Q transposed.", FadeIn(grids[1]))
    cells = grids[1].cells
    mirror = DashedLine(
        cells[0].get_corner(UP + LEFT),
        cells[-1].get_corner(DOWN + RIGHT),
        color=theme.step_arrow,
        stroke_width=theme.stroke.thin,
        stroke_opacity=0.6,
    )
    grids[1].numbers.set_z_index(1)  # the mirror line runs over the cells but under their digits
    pairs[1].set_z_index(2)
    narrate(
        scene,
        "Now every score equals its mirror image: relevance could never be one-sided.",
        Create(mirror),
        Create(pairs[1]),
        Write(notes[1]),
        run_time=1.2,
    )
    scene.wait(1)
    scene.grids = {"QK^T": grids[0], "QQ^T (W_k = W_q)": grids[1]}
    scene.figure(caption_tied_keys(scene.request, trace, tied, i, j))


def play_why_qkv(scene: AttentionScene) -> None:
    g = views(scene)
    play_views(scene, g)
    play_relevance(scene, g)
    play_content(scene, g)
    play_tied(scene)


def caption_qkv_content(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"Q, K and V ({size(trace.T, trace.d_k)} each), three projections of one X {of(request)}, beside the "
        f"attention weights A ({size(trace.T, trace.T)})."
    )


def caption_tied_keys(request: attention.Request, trace: attention.Trace, tied: attention.Trace, i: int, j: int) -> str:
    return (
        f"Scores QK^T beside QQ^T (W_k = W_q) {of(request)}: s_{i + 1},{j + 1} = {number(trace.scores[i, j])} "
        f"differs from s_{j + 1},{i + 1} = {number(trace.scores[j, i])}, but with tied keys both are "
        f"{number(tied.scores[i, j])}."
    )


class WhyQKV(AttentionScene):
    part = Part(
        "why_qkv",
        "Why three matrices: Q, K and V",
        "Why Q, K, V: one X seen three ways; q.k is relevance, V is averaged; tied W_k = W_q gives symmetry",
        sections=(
            Section("three_views", "One X, three views"),
            Section("relevance", "q·k measures relevance"),
            Section("content", "V is what gets averaged"),
            Section("tied_keys", "Tied keys give symmetric scores"),
        ),
        needs=attention.Capability.SEEDED,
    )
    play_part = staticmethod(play_why_qkv)
