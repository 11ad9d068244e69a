"""Cross-attention: a decoder's partial translation queries the encoder's sentence (keys and values)."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Arrow, Create, FadeIn, FadeOut, VGroup

import attention
from scenes.kit.captions import size
from scenes.kit.layout import FULL_FRAME, assert_inside, cell_size, stack
from scenes.kit.lens import ValueStrip
from scenes.kit.matrix_grid import MatrixGrid, token_label_room
from scenes.kit.narration import narrate
from scenes.kit.text.labels import short_label
from scenes.kit.text.notation import SQRT_DK, dim
from scenes.scene import AttentionScene, Part, Section

ROW_GAP = 0.4  # between Q and the weights below it
SIDE_GAP = 0.8  # between the encoder's and the decoder's matrices
ARROW = 1.1  # the arrow A -> R
HEADS, LABEL = 0.6, 0.7  # room for "encoder: ..." and for a shape label
LENS_GAP = 0.3  # between the matrices and the magnified row of A under them


def sized(symbol: str, rows: str, cols: str) -> str:
    return rf"{symbol}_{{{rows}\times {cols}}}"


def cell_for(scene: AttentionScene, trace: attention.Trace, lens_room: float) -> float:
    """The largest cell with which K V (left) and Q over A -> R (right) fit the frame above the lens."""
    word = token_label_room(scene.theme, (*trace.tokens, *trace.kv_tokens))
    columns = trace.d_k + trace.d_v + max(trace.d_k, trace.T_kv + trace.d_v)
    wide = cell_size(columns, 1, 2 * word + SIDE_GAP + 0.3 + ARROW + 0.6, 0, panel=FULL_FRAME)
    right = cell_size(1, 2 * trace.T, 0, HEADS + 2 * LABEL + ROW_GAP + word + lens_room, panel=FULL_FRAME)
    left = cell_size(1, trace.T_kv, 0, HEADS + LABEL + lens_room, panel=FULL_FRAME)
    return min(wide, right, left)


def weights_lens(scene: AttentionScene, trace: attention.Trace, i: int, peak: float) -> VGroup:
    """Row i of A, readable: what query token i takes from each source token, under its name."""
    theme = scene.theme
    caption = theme.words(f"row {i + 1} of A, query '{short_label(trace.tokens[i])}':", font_size=theme.size.note)
    strip = ValueStrip(
        theme,
        trace.weights[i],
        "S",
        rf"\mathbf{{a}}_{{{i + 1}}} =",
        max_width=FULL_FRAME.width - caption.width - LENS_GAP,
        decimals=scene.inputs.decimals,
        peak=peak,
    )
    return VGroup(caption, strip).arrange(RIGHT, buff=LENS_GAP)


def build(scene: AttentionScene, trace: attention.Trace) -> dict:
    """Left, the encoder's K and V; right, the decoder's Q above the weights A -> R; the focus row of A
    magnified along the bottom."""
    theme = scene.theme
    i, _ = attention.focus(trace)
    lens = weights_lens(scene, trace, i, MatrixGrid(trace.weights, "S", theme=theme).peak)
    options = {**scene.grid_options(), "cell_size": cell_for(scene, trace, lens.height + LENS_GAP)}
    k_dim, v_dim = dim(trace, "k"), dim(trace, "v")
    g = {
        "Q": MatrixGrid(trace.Q, "Q", label=sized("Q", "T_q", k_dim), row_labels=trace.tokens, **options),
        "K": MatrixGrid(trace.K, "K", label=sized("K", "T_{kv}", k_dim), row_labels=trace.kv_tokens, **options),
        "V": MatrixGrid(trace.V, "V", label=sized("V", "T_{kv}", v_dim), **options),
        "A": MatrixGrid(
            trace.weights,
            "S",
            label=sized("A", "T_q", "T_{kv}"),
            row_labels=trace.tokens,
            col_labels=trace.kv_tokens,
            **options,
        ),
        "R": MatrixGrid(trace.output, "R", label=sized("R", "T_q", v_dim), **options),
    }
    encoder = VGroup(g["K"], g["V"]).arrange(RIGHT, buff=0.3, aligned_edge=UP)
    arrow = Arrow(LEFT * ARROW / 2, RIGHT * ARROW / 2, buff=0, color=theme.arrow, stroke_width=theme.stroke.medium)
    middle = VGroup(arrow, theme.math(r"AV", font_size=theme.size.body).next_to(arrow, UP, buff=0.1))
    weights = VGroup(g["A"], middle, g["R"]).arrange(RIGHT, buff=0.3)
    line = g["A"].cells.get_center()[1]
    middle.shift(UP * (line - arrow.get_center()[1]))
    g["R"].shift(UP * (line - g["R"].cells.get_center()[1]))
    g["Q"].next_to(g["A"], UP, buff=ROW_GAP).align_to(g["A"], LEFT)
    heads = VGroup(
        theme.words("encoder: keys and values", font_size=theme.size.note).next_to(encoder, UP, buff=0.2),
        theme.words("decoder: queries", font_size=theme.size.note).next_to(g["Q"], UP, buff=0.2),
    )
    decoder = VGroup(heads[1], g["Q"], weights)
    layout = VGroup(VGroup(heads[0], encoder), decoder).arrange(RIGHT, buff=SIDE_GAP, aligned_edge=UP)
    heads[0].align_to(heads[1], UP)
    encoder.next_to(heads[0], DOWN, buff=0.2)
    lens.set_x(0)
    stack([layout, lens], LENS_GAP, panel=FULL_FRAME)
    g["heads"], g["arrow"], g["lens"] = heads, middle, lens
    g["formula"] = theme.math(
        rf"A = \mathrm{{softmax}}\!\left(\frac{{QK^\top}}{{{SQRT_DK}}}\right)", font_size=theme.size.body
    ).next_to(g["Q"].cells, RIGHT, buff=0.5)
    assert_inside(VGroup(heads, encoder, decoder, g["formula"], lens), FULL_FRAME, "the cross-attention matrices")
    return g


def play_cross_attention(scene: AttentionScene) -> None:
    theme = scene.theme
    # queries from the default target, keys and values from the request's sentence; no mask: cross-attention
    # sees the whole source sentence, whatever the request's self-attention mask
    trace = scene.request.cross()
    T_q, T_kv = trace.T, trace.T_kv

    scene.next_section("sentences")
    lines = VGroup(
        VGroup(
            theme.words("encoder reads:", font_size=theme.size.callout),
            theme.words(" ".join(map(short_label, trace.kv_tokens)), font_size=theme.size.formula),
        ),
        VGroup(
            theme.words("decoder has written:", font_size=theme.size.callout),
            theme.words(" ".join(map(short_label, trace.tokens)), font_size=theme.size.formula),
        ),
    )
    for line in lines:
        line.arrange(RIGHT, buff=0.3)
    lines.arrange(DOWN, buff=0.6, aligned_edge=LEFT).move_to([0, 0, 0])
    lines.scale_to_fit_width(min(lines.width, FULL_FRAME.width))
    narrate(scene, f"The encoder has read the source sentence, {T_kv} tokens.", FadeIn(lines[0]))
    narrate(scene, f"The decoder has written {T_q} tokens of the translation so far.", FadeIn(lines[1]))
    scene.play(FadeOut(lines), run_time=0.6)

    g = build(scene, trace)
    scene.next_section("projections")
    scene.play(FadeIn(g["heads"][0]), run_time=0.5)  # on screen before the voice names it
    narrate(
        scene,
        "Keys and values come from the encoder: one row per source token, T kv by d.",
        FadeIn(g["K"]),
        FadeIn(g["V"]),
    )
    narrate(
        scene,
        "Queries come from the decoder: one row per target token, T q by d.",
        FadeIn(g["heads"][1]),
        FadeIn(g["Q"]),
    )

    scene.next_section("weights")
    blank = g["A"].blank()
    rest = [m for m in g["A"].submobjects if m is not g["A"].cells and m is not g["A"].numbers]
    narrate(
        scene,
        "Every target token scores every source token: A is T q by T kv.",
        FadeIn(blank),
        *[FadeIn(m) for m in rest],
        FadeIn(g["formula"]),
    )
    i, j = attention.focus(trace)
    frames = VGroup(g["Q"].highlight_row(i), g["K"].highlight_all())
    narrate(
        scene,
        f"Row {i + 1}: the query of '{trace.tokens[i]}' against every key of the source.",
        Create(frames),
        run_time=0.8,
    )
    scene.play(FadeOut(frames), run_time=0.4)
    scene.fill_rows(g["A"], blank, "A softmax on each row: each row of A sums to one over the source tokens.")
    best = VGroup(g["A"].highlight_row(i), g["A"].highlight_cell(i, j))
    scene.explain(g["lens"])
    narrate(
        scene,
        f"'{trace.tokens[i]}' draws most on '{trace.kv_tokens[j]}' (untrained weights: numbers, not meaning).",
        Create(best),
        FadeIn(g["lens"], shift=UP * 0.1),
        run_time=0.8,
    )
    scene.wait(1)
    scene.play(FadeOut(best), FadeOut(g["lens"]), run_time=0.4)

    scene.next_section("output")
    frames = VGroup(g["A"].highlight_all(), g["V"].highlight_all())
    narrate(scene, "The weights mix the source's values.", Create(frames), FadeIn(g["arrow"]), run_time=0.8)
    narrate(
        scene,
        "R = A V is T q by d: one vector per target token, made of the source sentence's values.",
        FadeIn(g["R"], shift=RIGHT * 0.2),
    )
    scene.play(FadeOut(frames), run_time=0.4)
    scene.wait(1)
    scene.grids = {name: g[name] for name in ("Q", "K", "V", "A", "R")}
    scene.figure(caption_cross(scene.request, trace))


def caption_cross(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"Cross-attention: queries from '{' '.join(trace.tokens)}' ({trace.T} tokens), keys and values from "
        f"{request.describe()} ({trace.T_kv} tokens); weights A ({size(trace.T, trace.T_kv)}) and output R "
        f"({size(trace.T, trace.d_v)})."
    )


class CrossAttention(AttentionScene):
    part = Part(
        "cross_attention",
        "Cross-attention",
        "Cross-attention: a partial translation's queries over the source sentence's keys and values",
        sections=(
            Section("sentences", "Two sentences"),
            Section("projections", "Keys and values from the encoder, queries from the decoder"),
            Section("weights", "The weights A"),
            Section("output", "The output R = A V"),
        ),
        needs=attention.Capability.CROSS,
    )
    play_part = staticmethod(play_cross_attention)
