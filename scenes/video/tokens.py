"""Tokens to x_i to q_i, k_i, v_i, then X stacked into a grid and Q, K, V = X W."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    LaggedStart,
    Rectangle,
    ReplacementTransform,
    RoundedRectangle,
    Square,
    Text,
    VGroup,
    Write,
)

import attention
from scenes.kit.captions import of, size
from scenes.kit.layout import FULL_FRAME, LONE_CELL, assert_inside, cell_size, row_of, stack
from scenes.kit.lens import ValueStrip
from scenes.kit.matrix_grid import MatrixGrid, drawn_size
from scenes.kit.narration import narrate
from scenes.kit.text.baseline import token_word
from scenes.kit.text.labels import short_label
from scenes.kit.text.notation import bias, labelled, shape
from scenes.kit.theme import Theme
from scenes.scene import AttentionScene, Part

TOKEN_ROW_WIDTH = 13.4
BOLD, BOLD_SYMBOL = r"\mathbf", r"\boldsymbol"  # the vectors' bold, in the grids' lens and in the formulas


LENS_GAP = 0.15  # between the lines of the worked first row, and (three times it) around the arithmetic
X_BOX = 0.75  # side of the box around x_i, before the row is scaled to fit
# what x_i is (the toy model: a seeded embedding plus a sinusoidal position encoding, attention/embedding.py)
EMBEDDING_SUM = r"\boldsymbol{x}_i = \mathrm{embedding}(\boldsymbol{t}_i) + \mathrm{position}(i)"
FRAME_MARGIN = 0.3  # left and right of the projections' row
STACKED_HEIGHT = 6.0  # X as it is stacked, alone in the middle of the frame, before it takes its place


def caption_tokens(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"X ({size(trace.T, trace.d)}) {of(request)} times W^q, W^k and W^v ({size(trace.d, trace.d_k)} each)"
        f"{' plus their biases' if trace.b_q is not None else ''} gives Q, K and V ({size(trace.T, trace.d_k)} each)"
        f"{', Q and K then rotated by position (rotary embedding)' if trace.Q_unrotated is not None else ''}; "
        f"row 1 worked out as q_1 = x_1 W^q{' + b^q' if trace.b_q is not None else ''}."
    )


class TokenColumn(VGroup):
    """One token on its highlight (``word``), t_n above it (``index``), an ``arrow`` down to a boxed x_n (``x``)."""

    def __init__(self, theme: Theme, token: str, n: int):
        super().__init__()
        word = token_word(theme, short_label(token), theme.size.label)
        highlight = Rectangle(
            width=word.width + 0.2,
            height=0.8,
            fill_color=theme.token_highlight,
            fill_opacity=1.0,
            stroke_width=theme.stroke.none,
        ).move_to(word)
        self.word = VGroup(highlight, word)
        self.index = theme.math(rf"\boldsymbol{{t}}_{{{n}}}", font_size=theme.size.body).next_to(
            highlight, UP, buff=0.12
        )
        self.arrow = Arrow(
            highlight.get_bottom() + DOWN * 0.15,
            highlight.get_bottom() + DOWN * 1.05,
            buff=0,
            color=theme.arrow,
            stroke_width=theme.stroke.regular,
        )
        x = theme.math(rf"\boldsymbol{{x}}_{{{n}}}", font_size=theme.size.math)
        box = Square(
            side_length=X_BOX,
            fill_color=theme.x_box_fill,
            fill_opacity=1.0,
            stroke_color=theme.text,
            stroke_width=theme.stroke.thin,
        )
        box.next_to(self.arrow, DOWN, buff=0.12)
        x.move_to(box)
        self.x = VGroup(box, x)
        self.add(self.word, self.index, self.arrow, self.x)


def token_row(scene: AttentionScene) -> VGroup:
    """Each token on its highlight with t_i above, an arrow down to a boxed x_i."""
    columns = VGroup(*[TokenColumn(scene.theme, token, n) for n, token in enumerate(scene.trace.tokens, start=1)])
    columns.arrange(RIGHT, buff=0.25, aligned_edge=UP)
    columns.scale_to_fit_width(min(columns.width, TOKEN_ROW_WIDTH))
    columns.to_edge(UP, buff=0.35)
    return columns


def fan_out(scene: AttentionScene, column: VGroup, n: int) -> VGroup:
    """Three arrows from x_n to q_n, v_n (middle) and k_n."""
    theme = scene.theme
    start = column.x.get_bottom()
    size = column.x.height / X_BOX  # follows the row's scaling
    group = VGroup()
    for letter, direction in (("q", LEFT), ("v", ORIGIN), ("k", RIGHT)):
        end = start + DOWN * 0.9 * size + direction * 0.7 * size
        arrow = Arrow(start + DOWN * 0.05, end, buff=0, color=theme.arrow, stroke_width=theme.stroke.regular)
        label = theme.math(rf"\boldsymbol{{{letter}}}_{{{n}}}", font_size=theme.size.label * size).next_to(
            end, DOWN, buff=0.08
        )
        group.add(VGroup(arrow, label))
    return group


def play_tokens(scene: AttentionScene) -> None:
    trace, theme = scene.trace, scene.theme
    columns = token_row(scene)
    # the words are on screen before the voice names them
    scene.play(LaggedStart(*[FadeIn(c.word) for c in columns], lag_ratio=0.1), run_time=0.8)
    narrate(
        scene,
        f"The sentence, {trace.T} tokens.",
        LaggedStart(*[FadeIn(c.index) for c in columns], lag_ratio=0.05),
        run_time=0.8,
    )
    scene.play(LaggedStart(*[GrowArrow(c.arrow) for c in columns], lag_ratio=0.05), run_time=0.8)
    fans = VGroup(fan_out(scene, columns[0], 1), fan_out(scene, columns[-1], trace.T))
    dots = VGroup(
        *[Text("\u2022\u2022\u2022", font=theme.serif, font_size=theme.size.label, color=theme.text) for _ in range(2)]
    )
    rule = r"\text{ for } i\in[1\ldots T]"
    # what x_i is, drawn while it is said: the toy model's seeded embedding plus its sinusoidal position encoding
    # (a pretrained model's x_i is its own layer's input: the line is left out)
    seeded = attention.Capability.SEEDED in scene.request.capabilities
    origin = VGroup(*([theme.math(EMBEDDING_SUM, font_size=theme.size.formula)] if seeded else []))
    projections = VGroup(
        *[
            theme.math(
                rf"\boldsymbol{{{v}}}_i = \boldsymbol{{x}}_i W^{v}_{{{shape(trace, 'd', 'k' if v != 'v' else 'v')}}}"
                + bias(trace, v, BOLD_SYMBOL)
                + rule,
                font_size=theme.size.formula,
            )
            for v in ("q", "k", "v")
        ]
    )
    formulas = VGroup(*origin, *projections).arrange(DOWN, buff=0.2, aligned_edge=LEFT)
    box = RoundedRectangle(
        corner_radius=0.2,
        width=formulas.width + 0.6,
        height=formulas.height + 0.5,
        fill_color=theme.formula_box,
        fill_opacity=1.0,
        stroke_width=theme.stroke.none,
    )
    formula_box = VGroup(box, formulas.move_to(box)).move_to([0, fans.get_center()[1] - 0.3, 0])
    formula_box.set_y(min(formula_box.get_y(), columns.get_bottom()[1] - 0.3 - formula_box.height / 2))
    # the box first holds x_i's line alone, then grows to take the projections
    first_box = box.copy()
    if len(origin):
        first_box.stretch_to_fit_height(origin.height + 0.4).move_to(origin)
    dots[0].move_to((fans[0].get_right() + formula_box.get_left()) / 2 * RIGHT + fans[0].get_center() * UP)
    dots[1].move_to((fans[1].get_left() + formula_box.get_right()) / 2 * RIGHT + fans[1].get_center() * UP)
    # the tokens, their vectors and the formulas, centred in the frame's height rather than hung from its top
    everything = VGroup(columns, fans, dots, formula_box, first_box)
    everything.shift(DOWN * everything.get_center()[1])
    narrate(
        scene,
        "Each token becomes a vector x i: its embedding plus its position encoding.",
        LaggedStart(*[FadeIn(c.x) for c in columns], lag_ratio=0.05),
        FadeIn(first_box),
        FadeIn(origin),
        run_time=0.8,
    )
    scene.play(*[GrowArrow(part[0]) for fan in fans for part in fan], run_time=0.8)
    narrate(
        scene,
        "From every x i, three vectors: a query, a key and a value.",
        *[FadeIn(part[1]) for fan in fans for part in fan],
        FadeIn(dots),
        run_time=0.8,
    )
    weights = "d by d" if trace.d_k == trace.d else "d by d k"
    plus = ", plus its bias" if trace.b_q is not None else ""
    narrate(
        scene,
        f"Each is x i times its own {weights} weight matrix{plus}.",
        ReplacementTransform(first_box, box),
        FadeIn(projections),
        run_time=1,
    )
    scene.wait(2)
    # the boxed x_i stay: they are what is stacked into X
    scene.play(
        FadeOut(VGroup(*[VGroup(c.word, c.index, c.arrow) for c in columns], fans, dots, formula_box)), run_time=0.8
    )
    play_projections(scene, VGroup(*[c.x for c in columns]))


def projected(trace: attention.Trace) -> dict[str, tuple]:
    """For q, k and v: the result's name, its weights and its values."""
    return {"q": ("Q", trace.W_q, trace.Q), "k": ("K", trace.W_k, trace.K), "v": ("V", trace.W_v, trace.V)}


def projection_row(scene: AttentionScene, size: float, options: dict) -> tuple:
    """X, times, W^q W^k W^v, an arrow, Q K V: the grids at cell ``size``, side by side across the frame, every
    grid's cells centred on X's. Returns X, the weights, the results, the times, the arrow and the whole row."""
    trace, theme = scene.trace, scene.theme
    names = projected(trace)
    x = MatrixGrid(
        trace.X, "X", cell_size=size, label=labelled("X", trace, "T", "d"), row_labels=trace.tokens, **options
    )
    w_grids = VGroup(
        *[
            MatrixGrid(
                w, "W", cell_size=size, label=rf"W^{v}_{{{shape(trace, 'd', 'k' if v != 'v' else 'v')}}}", **options
            )
            for v, (_, w, _) in names.items()
        ]
    ).arrange(RIGHT, buff=0.2, aligned_edge=DOWN)
    results = VGroup(
        *[
            MatrixGrid(
                values, name, cell_size=size, label=labelled(name, trace, "T", "k" if v == "q" else v), **options
            )
            for v, (name, _, values) in names.items()
        ]
    ).arrange(RIGHT, buff=0.2)
    times = theme.math(r"\times", font_size=theme.size.title)
    arrow = Arrow(LEFT * 0.4, RIGHT * 0.4, buff=0, color=theme.arrow, stroke_width=theme.stroke.regular)
    matrices = row_of([x, times, w_grids, arrow, results], buff=0.3, panel=FULL_FRAME)
    for grid in (*w_grids, *results):
        grid.shift(UP * (x.cells.get_center()[1] - grid.cells.get_center()[1]))
    return x, w_grids, results, times, arrow, matrices


def play_projections(scene: AttentionScene, vectors: VGroup | None = None) -> None:
    """X stacked into its grid (from the boxed x_i of ``vectors`` when they are on screen), then X times W^q,
    W^k, W^v side by side gives Q, K, V side by side, with the shape arithmetic and the first token's row worked
    out (x_1 and q_1 = x_1 W^q, readable)."""
    trace, theme = scene.trace, scene.theme
    options = scene.grid_options()
    lens = VGroup(
        ValueStrip(
            theme, trace.X[0], "X", r"\mathbf{x}_1 =", max_width=FULL_FRAME.width, decimals=scene.inputs.decimals
        ),
        ValueStrip(
            theme,
            trace.Q[0],
            "Q",
            rf"\mathbf{{q}}_1 = \mathbf{{x}}_1 W^q{bias(trace, 'q', BOLD)} =",
            max_width=FULL_FRAME.width,
            decimals=scene.inputs.decimals,
        ),
    ).arrange(DOWN, buff=LENS_GAP, aligned_edge=RIGHT)
    columns = drawn_size(trace.d) + 3 * drawn_size(trace.d) + 3 * drawn_size(trace.d_k)
    folded = drawn_size(trace.d) < trace.d or drawn_size(trace.d_k) < trace.d_k
    if folded:  # a folded grid is narrow and its label two lines: the labels are set smaller to keep them apart
        options["label_size"] = theme.size.callout
    # the cells take what the row's labels, operators and gaps leave of the frame's width, measured on a first
    # layout (the tokens' labels and the operators do not grow with the cells)
    fixed_height = 2.8 + lens.height
    first = cell_size(columns, trace.T, fixed_width=6.0, fixed_height=fixed_height, panel=FULL_FRAME)
    fixed_width = projection_row(scene, first, options)[-1].width - columns * first
    size = cell_size(
        columns,
        trace.T,
        fixed_width=fixed_width + 2 * FRAME_MARGIN,
        fixed_height=fixed_height,
        panel=FULL_FRAME,
        largest=LONE_CELL,
    )
    names = projected(trace)
    x, w_grids, results, times, arrow, matrices = projection_row(scene, size, options)
    arithmetic = theme.math(
        rf"({shape(trace, 'T', 'd')})\,({shape(trace, 'd', 'k')}) \;\to\; {shape(trace, 'T', 'k')}",
        font_size=theme.size.math,
    )
    arithmetic.set_x(0)
    lens.set_x(0)
    stack([matrices, arithmetic, lens], LENS_GAP * 3, panel=FULL_FRAME)
    assert_inside(VGroup(matrices, arithmetic, lens), FULL_FRAME, "the projections")
    # X is first shown large in the middle of the frame, where the x_i come together, then takes its place
    large = x.copy()
    large.scale(STACKED_HEIGHT / large.height).move_to(ORIGIN)
    if vectors is not None and len(vectors) == large.n_rows:
        rows = [large.row_with_numbers(i).copy() for i in range(large.n_rows)]  # each x_i becomes its row
        stacking = [FadeIn(large), *[ReplacementTransform(v, row) for v, row in zip(vectors, rows, strict=True)]]
    else:
        rows, stacking = [], [FadeIn(large), *([FadeOut(vectors)] if vectors is not None else [])]
    narrate(scene, "Stacked, the x i form X, one row per token.", *stacking, run_time=1)
    scene.remove(*rows)  # the rows are the large grid's own now
    scene.play(ReplacementTransform(large, x), FadeIn(times), FadeIn(arrow), run_time=0.8)
    rotated = trace.Q_unrotated is not None  # a decoder's rotary position embedding turns Q and K by position
    for n, v in enumerate(("q", "k", "v")):
        scene.play(FadeIn(w_grids[n]), run_time=0.6)
        made = f"X times W {v}, each row then rotated by its position," if rotated and v != "v" else f"X times W {v}"
        narrate(scene, f"{made} gives {names[v][0]}.", FadeIn(results[n], shift=RIGHT * 0.2), run_time=1)
        if v == "q":
            sizes = "d by d gives T by d" if trace.d_k == trace.d else "d by d k gives T by d k"
            narrate(scene, f"T by d times {sizes}.", Write(arithmetic), run_time=1)
            frames = VGroup(x.highlight_row(0), results[0].highlight_row(0))
            scene.explain(lens)
            unturned = " (position 1 is not rotated)" if rotated else ""
            narrate(
                scene,
                f"Row 1: the token {trace.tokens[0]!r} as x 1, and its query q 1 = x 1 W q{unturned}.",
                Create(frames),
                FadeIn(lens, shift=UP * 0.1),
                run_time=1.2,
            )
            scene.wait(1)
            scene.play(FadeOut(frames), run_time=0.4)
    if trace.kv_head is not None:
        shared = scene.request.card.queries_per_kv_head
        narrate(
            scene,
            f"Head {scene.request.head} reads key/value head {trace.kv_head}: its W k and W v are shared by "
            f"{shared} query heads.",
        )
    scene.wait(2)
    scene.figure(caption_tokens(scene.request, trace))
    scene.grids = {
        "X": x,
        **{f"W^{v}": g for v, g in zip(names, w_grids, strict=True)},
        **{g.color_key: g for g in results},
    }


class TokensToQKV(AttentionScene):
    part = Part(
        "tokens",
        "Tokens to queries, keys and values",
        "Tokens -> x_i -> q_i, k_i, v_i; X stacked and Q, K, V = X W with the shape arithmetic",
        in_video=True,
    )
    play_part = staticmethod(play_tokens)
