"""Multi-head attention: h heads of width d_k = d / h, one weight heatmap each, concatenated and times W^o."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Arrow, Create, FadeIn, FadeOut, LaggedStart, Line, VGroup, Write

import attention
from scenes.kit.captions import of, size
from scenes.kit.layout import FULL_FRAME, MAX_WIDTH, MIN_WIDTH, LayoutError, assert_inside, cell_size, row_of, stack
from scenes.kit.lens import StripTable
from scenes.kit.matrix_grid import MatrixGrid
from scenes.kit.narration import narrate
from scenes.kit.shading import peak_of
from scenes.kit.text.notation import SQRT_DK, D
from scenes.scene import AttentionScene, Inputs, Part, Section

HEAD_GAP = 0.5  # between the heads' groups, and between the heads' outputs before they are joined
HEATMAP_ROOM = 2.6  # the heatmaps' labels above and the rule under them
LENS_GAP = 0.35  # between the rule and the magnified rows under it


def multi_head_width(d: int, heads: int) -> int:
    """The d the scene draws: d itself when ``heads`` divides it, else the nearest multiple of ``heads``
    that can be drawn (from MIN_WIDTH to MAX_WIDTH), the one above first."""
    if heads < 2:
        raise LayoutError(f"the multi-head scene needs at least 2 heads, got heads = {heads}")
    below, above = heads * (d // heads), heads * -(-d // heads)
    for width in (d, above, below):
        if width % heads == 0 and MIN_WIDTH <= width <= MAX_WIDTH and width >= heads:
            return width
    raise LayoutError(
        f"heads = {heads} divides no d from {MIN_WIDTH} to {MAX_WIDTH} near d = {d}: "
        "use fewer heads (each head needs d / h columns)"
    )


def head(symbol: str, i: int, rows: str, cols: str) -> str:
    return rf"{symbol}^{{({i + 1})}}_{{{rows}\times {cols}}}"


def caption_multi_head_split(request: attention.Request, multi: attention.MultiHeadTrace) -> str:
    return (
        f"X ({size(multi.T, multi.d)}) {of(request)} projected by {multi.h} heads, each with its own Q, K and V "
        f"({size(multi.T, multi.d_k)})."
    )


def caption_multi_head_heads(request: attention.Request, multi: attention.MultiHeadTrace) -> str:
    return (
        f"The attention weights of {multi.h} heads ({size(multi.T, multi.T)} each) {of(request)}; each row sums to 1."
    )


def caption_multi_head_concat(request: attention.Request, multi: attention.MultiHeadTrace) -> str:
    width = multi.h * multi.d_v
    return (
        f"The {multi.h} heads' outputs concatenated ({size(multi.T, width)}) times W^o ({size(width, multi.d)}) "
        f"give the multi-head output ({size(multi.T, multi.d)}) {of(request)}."
    )


class SplitLayout(VGroup):
    """X, an arrow, the heads' groups of Q^(i), K^(i), V^(i), the sizes and the rule; a note above when d changed."""

    def __init__(self, x: MatrixGrid, arrow: Arrow, groups: VGroup, sizes, rule, note=None):
        super().__init__(x, arrow, groups, sizes, rule, *([note] if note is not None else []))
        self.x, self.arrow, self.groups, self.sizes, self.rule, self.note = x, arrow, groups, sizes, rule, note


def split_layout(
    scene: AttentionScene, multi: attention.MultiHeadTrace, note: str | None, compact: bool
) -> SplitLayout:
    """X -> per head Q^(i), K^(i), V^(i). Compact: the shape once per head, for heads too narrow for one per grid."""
    theme, options = scene.theme, scene.grid_options()
    label_size = theme.size.callout
    size = cell_size(
        multi.d + 3 * multi.h * multi.d_k,
        multi.T,
        fixed_width=2.6 + multi.h * (HEAD_GAP + 0.7),
        fixed_height=3.4,
        panel=FULL_FRAME,
    )
    x = MatrixGrid(
        multi.X,
        "X",
        cell_size=size,
        label=rf"X_{{T\times {D}}}",
        row_labels=multi.tokens,
        label_size=label_size,
        **options,
    )
    groups = VGroup()
    for i, trace in enumerate(multi.heads):
        widths = {"Q": rf"{D}_k", "K": rf"{D}_k", "V": rf"{D}_v"}
        labels = {k: rf"{k}^{{({i + 1})}}" if compact else head(k, i, "T", widths[k]) for k in "QKV"}
        grids = VGroup(
            *[
                MatrixGrid(values, key, cell_size=size, label=labels[key], label_size=label_size, **options)
                for key, values in (("Q", trace.Q), ("K", trace.K), ("V", trace.V))
            ]
        )
        grids.arrange(RIGHT, buff=0.3, aligned_edge=DOWN)
        title = VGroup(theme.words(f"head {i + 1}", font_size=theme.size.note))
        if compact:
            title.add(theme.math(rf"\text{{each }} T\times {D}_k", font_size=label_size))
        groups.add(VGroup(grids, title.arrange(DOWN, buff=0.12).next_to(grids, UP, buff=0.2)))
    groups.arrange(RIGHT, buff=HEAD_GAP, aligned_edge=DOWN)
    arrow = Arrow(LEFT * 0.4, RIGHT * 0.4, buff=0, color=theme.arrow, stroke_width=theme.stroke.medium)
    row_of([x, arrow, groups], buff=0.3, panel=FULL_FRAME)
    groups.shift(UP * (x.cells.get_center()[1] - groups[0][0][0].cells.get_center()[1]))
    sizes = theme.math(
        rf"h = {multi.h},\quad {D} = {multi.d},\quad {D}_k = {D}_v = {D}/h = {multi.d_k}", font_size=theme.size.body
    )
    rule = theme.math(
        rf"Q^{{(i)}} = X\,W^q_i,\ \ W^q_i = \text{{columns }}(i-1){D}_k+1\ldots i\,{D}_k"
        rf"\text{{ of }} W^q_{{{D}\times {D}}};\ \text{{likewise }} K^{{(i)}}, V^{{(i)}}",
        font_size=theme.size.text,
    )
    VGroup(sizes, rule).arrange(DOWN, buff=0.2).next_to(VGroup(x, groups), DOWN, buff=0.4)
    if note is not None:
        note = theme.words(note, font_size=theme.size.small).next_to(VGroup(x, groups), UP, buff=0.3)
    layout = SplitLayout(x, arrow, groups, sizes, rule, note)
    layout.shift(UP * (FULL_FRAME.center[1] - layout.get_center()[1]))
    assert_inside(layout, FULL_FRAME, "the heads' projections")
    return layout


def play_split(scene: AttentionScene, multi: attention.MultiHeadTrace, note: str | None) -> None:
    """X, then per head Q^(i), K^(i), V^(i) of width d_k, each from its own column block of W^q, W^k, W^v."""
    try:
        layout = split_layout(scene, multi, note, compact=False)
    except LayoutError:
        layout = split_layout(scene, multi, note, compact=True)
    # on screen before the voice names it
    scene.play(FadeIn(layout.x), *([FadeIn(layout.note)] if note else []), run_time=0.5)
    narrate(scene, note or f"X: {multi.T} tokens, d = {multi.d}.")
    narrate(scene, f"{multi.h} heads, each working in d k = d / h = {multi.d_k} dimensions.", Write(layout.sizes))
    for i, group in enumerate(layout.groups):
        text = (
            f"Head 1 projects X with its own {multi.d_k} columns of W q, W k and W v."
            if i == 0
            else f"Head {i + 1}: the next {multi.d_k} columns."
        )
        narrate(scene, text, *([FadeIn(layout.arrow)] if i == 0 else []), FadeIn(group, shift=RIGHT * 0.2))
    scene.play(Write(layout.rule), run_time=1.2)
    scene.wait(2)
    scene.figure(caption_multi_head_split(scene.request, multi))


def play_heads(scene: AttentionScene, multi: attention.MultiHeadTrace) -> None:
    """One attention-weight heatmap per head, side by side; then one query's row of each, magnified."""
    theme, options = scene.theme, scene.grid_options()
    i, _ = attention.focus(multi.heads[0])
    lens = StripTable(
        theme,
        [
            (rf"\mathbf{{a}}^{{({h + 1})}}_{{{i + 1}}}", trace.weights[i], "S", peak_of(trace.weights))
            for h, trace in enumerate(multi.heads)
        ],
        max_width=FULL_FRAME.width,
        decimals=scene.inputs.decimals,
    )
    size = cell_size(
        multi.h * multi.T,
        multi.T,
        fixed_width=1.4 + multi.h * HEAD_GAP,
        fixed_height=HEATMAP_ROOM + lens.height + LENS_GAP,
        panel=FULL_FRAME,
    )
    maps = VGroup(
        *[
            MatrixGrid(
                trace.weights,
                "S",
                cell_size=size,
                label=head("A", i, "T", "T"),
                row_labels=multi.tokens if i == 0 else None,
                label_size=theme.size.callout,
                **options,
            )
            for i, trace in enumerate(multi.heads)
        ]
    )
    row_of(list(maps), buff=HEAD_GAP, panel=FULL_FRAME, y=-0.2)
    scores = rf"\frac{{Q^{{(i)}}K^{{(i)\top}}}}{{{SQRT_DK}}}"
    rule = theme.math(rf"A^{{(i)}} = \mathrm{{softmax}}\!\left({scores}\right)", font_size=theme.size.body)
    rule.next_to(maps, DOWN, buff=0.35)
    lens.set_x(0)
    stack([VGroup(maps, rule), lens], LENS_GAP, panel=FULL_FRAME)
    assert_inside(VGroup(maps, rule, lens), FULL_FRAME, "the heads' weights")
    scene.play(FadeIn(maps[0]), run_time=0.5)  # on screen before the voice names it
    narrate(
        scene,
        "Each head has its own attention weights: a T by T heatmap per head.",
        LaggedStart(*[FadeIn(m) for m in maps[1:]], lag_ratio=0.4),
        run_time=1.5,
    )
    narrate(scene, "Each is a softmax of its own scores, scaled by one over the square root of d k.", Write(rule))
    frames = VGroup(*[grid.highlight_row(i) for grid in maps])
    scene.explain(lens)
    narrate(
        scene,
        f"Query {i + 1} in numbers: each head spreads its weight over the keys its own way.",
        Create(frames),
        FadeIn(lens, shift=UP * 0.1),
        run_time=1.2,
    )
    scene.wait(1.5)
    scene.play(FadeOut(frames), run_time=0.4)
    scene.figure(caption_multi_head_heads(scene.request, multi))


def play_concat(scene: AttentionScene, multi: attention.MultiHeadTrace) -> None:
    """The heads' outputs side by side, joined into Concat (T x h d_v), times W^o (h d_v x d): the output."""
    theme, options = scene.theme, scene.grid_options()
    width = multi.h * multi.d_v
    size = cell_size(
        width + 2 * multi.d, multi.T, fixed_width=3.8 + (multi.h - 1) * HEAD_GAP, fixed_height=2.4, panel=FULL_FRAME
    )
    r_options = {"cell_size": size, "label_size": theme.size.callout, **options}
    concat = MatrixGrid(
        multi.concat, "R", label=rf"\mathrm{{Concat}}_{{T\times h{D}_v}}", row_labels=multi.tokens, **r_options
    )
    w_o = MatrixGrid(
        multi.W_o, "W", cell_size=size, label=rf"W^o_{{h{D}_v\times {D}}}", label_size=theme.size.callout, **options
    )
    out = MatrixGrid(multi.output, "R", label=rf"\mathrm{{MultiHead}}(X)_{{T\times {D}}}", **r_options)
    times = theme.math(r"\times", font_size=theme.size.title)
    arrow = Arrow(LEFT * 0.4, RIGHT * 0.4, buff=0, color=theme.arrow, stroke_width=theme.stroke.medium)
    row_of([concat, times, w_o, arrow, out], buff=0.3, panel=FULL_FRAME, y=-0.2)
    parts = VGroup()
    for i, trace in enumerate(multi.heads):
        part = MatrixGrid(trace.output, "R", label=head("R", i, "T", rf"{D}_v"), **r_options)
        block = VGroup(*[concat.column(i * multi.d_v + c) for c in range(multi.d_v)])
        part.shift(block.get_center() - part.cells.get_center() + LEFT * HEAD_GAP * (multi.h - 1 - 2 * i))
        parts.add(part)
    shape = theme.math(rf"(T\times h{D}_v)\,(h{D}_v\times {D}) \;\to\; T\times {D}", font_size=theme.size.body)
    seams = VGroup(
        *[
            Line(
                concat.column(i * multi.d_v).get_corner(UP + LEFT),
                concat.column(i * multi.d_v).get_corner(DOWN + LEFT),
                color=theme.text,
                stroke_width=theme.stroke.medium,
            )
            for i in range(1, multi.h)
        ]
    )
    shape.next_to(VGroup(concat, out), DOWN, buff=0.45).set_x(0)
    everything = VGroup(parts, concat, seams, times, w_o, arrow, out, shape)
    everything.shift(UP * (FULL_FRAME.center[1] - everything.get_center()[1]))
    assert_inside(VGroup(parts, concat, w_o, out, shape), FULL_FRAME, "the concatenation and W^o")

    scene.play(FadeIn(parts[0]), run_time=0.5)  # on screen before the voice names it
    narrate(
        scene,
        f"Each head gives its own output, T by d v = {multi.d_v}.",
        LaggedStart(*[FadeIn(p) for p in parts[1:]], lag_ratio=0.3),
        run_time=1.2,
    )
    narrate(
        scene,
        f"Concatenated side by side: T by h d v = {width}.",
        *[p.animate.shift(RIGHT * HEAD_GAP * (multi.h - 1 - 2 * i)) for i, p in enumerate(parts)],
    )
    scene.play(FadeOut(parts), FadeIn(concat), FadeIn(seams), run_time=0.6)
    narrate(
        scene,
        f"W o, {width} by {multi.d}, mixes the heads back into d dimensions.",
        FadeIn(times),
        FadeIn(w_o),
        run_time=0.8,
    )
    narrate(
        scene,
        "The output: T by d, the shape of X, ready for the next layer.",
        FadeIn(arrow),
        FadeIn(out, shift=RIGHT * 0.2),
        Write(shape),
        run_time=1.2,
    )
    scene.wait(1.5)
    scene.grids = {"Concat": concat, "W^o": w_o, "MultiHead": out}
    scene.figure(caption_multi_head_concat(scene.request, multi))


def play_multi_head(scene: AttentionScene) -> None:
    request, h = scene.request, scene.request.heads
    width = multi_head_width(request.d, h)
    multi = request.multi_head(d=width)
    note = None
    if width != request.d:
        note = (
            f"d = {request.d} is not divisible by h = {h}: this scene uses d = {width}, "
            f"so each head has d / h = {multi.d_k} columns."
        )
    scene.next_section("split")
    play_split(scene, multi, note)
    scene.next_section("heads")
    scene.clear_stage()
    play_heads(scene, multi)
    scene.next_section("concat")
    scene.clear_stage()
    play_concat(scene, multi)


class MultiHeadScene(AttentionScene):
    """h = ``Request.heads`` heads over the request's tokens (``Request.multi_head``).

    Each head needs d / h columns, so the scene draws d itself when h divides it, else the nearest d that
    h divides and that can be drawn, the one above first (the video's d = 5 with h = 2 gives d = 6), and
    says so on screen and in a subcaption. It raises LayoutError when no such d exists (2 <= d <= 8) or
    the h heatmaps do not fit side by side (e.g. h = 8 with 16 tokens).
    """

    part = Part(
        "multi_head",
        "Multi-head attention",
        "Multi-head attention: h heads of width d/h, a heatmap per head, Concat x W^o -> output",
        sections=(
            Section("split", "Each head its own Q, K, V"),
            Section("heads", "One weight map per head"),
            Section("concat", "Concat times W^o"),
        ),
        needs=attention.Capability.MULTI_HEAD,
    )
    play_part = staticmethod(play_multi_head)

    @classmethod
    def check_inputs(cls, inputs: Inputs) -> None:
        super().check_inputs(inputs)
        h, T = inputs.request.heads, inputs.request.T
        multi_head_width(inputs.request.d, h)
        try:  # the heatmaps must fit: fail here, before anything renders
            cell_size(h * T, T, fixed_width=1.4 + h * HEAD_GAP, fixed_height=2.6, panel=FULL_FRAME)
        except LayoutError:
            raise LayoutError(
                f"{h} heatmaps of {T} x {T} weights do not fit side by side legibly: use fewer heads or fewer tokens"
            ) from None
