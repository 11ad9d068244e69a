"""Where X comes from: token embeddings E plus sinusoidal position encodings P give X = E + P."""

from __future__ import annotations

from manim import DOWN, LEFT, UP, Create, FadeIn, FadeOut, VGroup, Write

import attention
from attention.embedding import POSITION_BASE
from scenes.kit.captions import of, size
from scenes.kit.layout import FULL_FRAME, Panel, assert_inside, cell_size, row_of
from scenes.kit.lens import StripTable
from scenes.kit.matrix_grid import MatrixGrid
from scenes.kit.narration import narrate
from scenes.kit.shading import peak_of
from scenes.kit.text.notation import D, labelled
from scenes.scene import AttentionScene, Part, Section

ROOM_ABOVE = 1.2  # column headers and shape labels
ROOM_BELOW = 2.0  # the captions under the grids, the formula and the closing note
# The grids on the left, the magnified row (lens) on the right.
GRIDS_PANEL = Panel(left=FULL_FRAME.left, right=1.4)
LENS_PANEL = Panel(left=1.8, right=FULL_FRAME.right)
HEADER_WIDTH = 0.8  # of a cell, at most


def repeated_token(tokens) -> tuple[int, int] | None:
    """The first two positions of the first token that occurs twice, if any."""
    seen: dict[str, int] = {}
    for n, token in enumerate(tokens):
        if token in seen:
            return seen[token], n
        seen[token] = n
    return None


def wave_headers(scene: AttentionScene, grid: MatrixGrid) -> VGroup:
    """sin, cos, sin, ... above the columns of P: even columns are sines, odd ones cosines."""
    headers = VGroup()
    for j in range(grid.n_cols):
        header = scene.theme.math(r"\sin" if j % 2 == 0 else r"\cos", font_size=scene.theme.size.token)
        header.scale_to_fit_width(min(header.width, HEADER_WIDTH * grid.cell_size))
        headers.add(header.next_to(grid.cell(0, j), UP, buff=0.1))
    headers.align_to(grid.cell(0, 0).get_top() + UP * 0.1, DOWN)
    grid.label.next_to(headers, UP, buff=0.15)
    return headers


def play_embedding(scene: AttentionScene) -> None:
    trace, theme = scene.trace, scene.theme
    embedding = scene.request.embedding()
    options = scene.grid_options()
    pair = repeated_token(trace.tokens)
    t = pair[0] if pair is not None else 0  # the row the lens magnifies: a repeated token's first, else the first
    lens = StripTable(
        theme,
        [
            (rf"\mathbf{{e}}_{{{t + 1}}}", embedding.token_embedding[t], "E", peak_of(embedding.token_embedding)),
            (
                rf"+\ \mathbf{{p}}_{{{t + 1}}}",
                embedding.position_encoding[t],
                "P",
                peak_of(embedding.position_encoding),
            ),
            (rf"=\ \mathbf{{x}}_{{{t + 1}}}", embedding.X[t], "X", peak_of(embedding.X)),
        ],
        max_width=LENS_PANEL.width,
        decimals=scene.inputs.decimals,
    )
    size = cell_size(3 * trace.d, trace.T, fixed_width=4.6, fixed_height=ROOM_ABOVE + ROOM_BELOW, panel=GRIDS_PANEL)
    e = MatrixGrid(
        embedding.token_embedding,
        "E",
        cell_size=size,
        label=labelled("E", trace, "T", "d"),
        row_labels=trace.tokens,
        **options,
    )
    p = MatrixGrid(embedding.position_encoding, "P", cell_size=size, label=labelled("P", trace, "T", "d"), **options)
    x = MatrixGrid(embedding.X, "X", cell_size=size, label=labelled("X", trace, "T", "d"), **options)
    plus, equals = theme.math("+", font_size=theme.size.operator), theme.math("=", font_size=theme.size.operator)
    row_of(
        [e, plus, p, equals, x],
        buff=0.6,
        panel=GRIDS_PANEL,
        y=FULL_FRAME.bottom + ROOM_BELOW + (FULL_FRAME.height - ROOM_ABOVE - ROOM_BELOW) / 2,
    )
    lens.move_to([LENS_PANEL.center[0], x.cells.get_y(), 0])
    headers = wave_headers(scene, p)
    for grid in (e, x):
        grid.label.match_y(p.label)  # one line of shape labels, above P's sin/cos headers
    grid_names = VGroup(
        *[
            theme.words(text, font_size=theme.size.token).next_to(grid.cells, DOWN, buff=0.2)
            for grid, text in ((e, "token embeddings"), (p, "position encodings"), (x, "input of attention"))
        ]
    )
    grid_names.align_to(grid_names[0], UP)
    formula = theme.math(
        r"P_{t,\,2i} = \sin\!\big(t\,\omega_i\big),\quad P_{t,\,2i+1} = \cos\!\big(t\,\omega_i\big),"
        rf"\quad \omega_i = {POSITION_BASE:g}^{{-2i/{D}}}",
        font_size=theme.size.callout,
    )
    formula.next_to(grid_names, DOWN, buff=0.3).set_x(0)
    note = theme.words(
        "Deeper layers take the previous layer's output as their X, not embeddings.", font_size=theme.size.note
    )
    note.next_to(formula, DOWN, buff=0.3).set_x(0)
    assert_inside(VGroup(e, p, x, headers, grid_names, formula, note), FULL_FRAME, "the embedding sum")
    assert_inside(lens, LENS_PANEL, "the magnified row of E, P and X")

    scene.next_section("tokens")
    scene.play(FadeIn(e.row_labels, shift=UP * 0.1), run_time=0.5)  # on screen before the voice names it
    narrate(scene, f"The sentence: {trace.T} tokens, one per row.")
    blank_e = e.blank()
    scene.play(FadeIn(blank_e), FadeIn(e.label), FadeIn(grid_names[0]), run_time=0.8)
    scene.fill_rows(e, blank_e, "Each token looks up its embedding: d numbers, seeded here, learned in a model.")
    if pair is not None:
        frames = VGroup(*[e.highlight_row(n) for n in pair])
        narrate(
            scene,
            f'"{trace.tokens[pair[0]]}" occurs twice: both of its rows of E are the same vector.',
            Create(frames),
            run_time=0.8,
        )
        scene.play(FadeOut(frames), run_time=0.5)

    scene.next_section("positions")
    blank_p = p.blank()
    narrate(
        scene,
        "Embeddings carry no order, so each position gets an encoding of its own.",
        FadeIn(plus),
        FadeIn(blank_p),
        FadeIn(p.label),
        FadeIn(headers),
        FadeIn(grid_names[1]),
        run_time=0.8,
    )
    scene.fill_rows(p, blank_p, "Row t holds sines and cosines of t, slower and slower from column to column.")
    narrate(
        scene, "Even columns are sines, odd ones cosines; each pair shares one frequency.", Write(formula), run_time=1.5
    )

    scene.next_section("sum")
    blank_x = x.blank()
    narrate(
        scene,
        "Added cell by cell, they give X, the input of attention.",
        FadeIn(equals),
        FadeIn(blank_x),
        FadeIn(x.label),
        FadeIn(grid_names[2]),
        run_time=0.8,
    )
    scene.fill_rows(x, blank_x, "X = E + P: T rows of d numbers, which attention turns into Q, K and V.")
    frames = VGroup(*[grid.highlight_row(t) for grid in (e, p, x)])
    scene.explain(lens)
    narrate(
        scene,
        f"Row {t + 1} in numbers: the embedding of {trace.tokens[t]!r} plus the encoding of position {t + 1}.",
        Create(frames),
        FadeIn(lens, shift=LEFT * 0.2),
        run_time=1.2,
    )
    scene.wait(1)
    scene.play(FadeOut(frames), run_time=0.5)
    scene.figure(caption_embedding(scene.request, t))
    if pair is not None:
        frames = VGroup(*[grid.highlight_row(n) for grid in (e, p, x) for n in pair])
        narrate(
            scene,
            f'The two "{trace.tokens[pair[0]]}" rows of X differ: their positions differ.',
            Create(frames),
            run_time=0.8,
        )
        scene.play(FadeOut(frames), run_time=0.5)

    scene.next_section("layers")
    narrate(
        scene,
        "That is the first layer: deeper layers take the previous layer's output as their X.",
        FadeIn(note, shift=UP * 0.1),
    )
    scene.wait(1)
    scene.grids = {"E": e, "P": p, "X": x}


def caption_embedding(request: attention.Request, t: int) -> str:
    return (
        f"X = E + P ({size(request.T, request.d)}) {of(request)}: token embeddings plus sinusoidal position "
        f"encodings; row {t + 1} worked out."
    )


class EmbeddingScene(AttentionScene):
    """X = E + P for the request's tokens (``Request.embedding``): the X every other scene starts from."""

    part = Part(
        "embedding",
        "Where X comes from",
        "Where X comes from: token embeddings E + sinusoidal position encodings P = X",
        sections=(
            Section("tokens", "Token embeddings E"),
            Section("positions", "Position encodings P"),
            Section("sum", "X = E + P"),
            Section("layers", "Deeper layers"),
        ),
        needs=attention.Capability.SEEDED,
    )
    play_part = staticmethod(play_embedding)
