"""Is scaled dot-product attention multiplicative attention, and how did attention work with RNNs? Four score
functions (additive, multiplicative, dot, scaled dot) on the same Q and K, side by side, with where each came from.

A pretrained model's request is refused (``needs = SEEDED``): W_1, W_2, v and W would be seeded numbers set
beside a trained head's Q and K (64 wide), a comparison of nothing; the toy model's are all seeded alike.
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, ReplacementTransform, VGroup

import attention
from scenes.kit.captions import number, size
from scenes.kit.layout import FULL_FRAME, LayoutError, assert_inside, cell_size, stack
from scenes.kit.lens import LINE_GAP, StripTable
from scenes.kit.matrix_grid import MatrixGrid, token_label_room
from scenes.kit.narration import narrate
from scenes.kit.shading import peak_of
from scenes.kit.text.labels import short_label
from scenes.kit.text.notation import tex_number
from scenes.scene import AttentionScene, HandOver, Part, Section
from scenes.topics.score_history import cost_table, encoder_decoder, timeline

KINDS = attention.SCORE_KINDS
NAMES = {"additive": "additive", "multiplicative": "multiplicative", "dot": "dot", "scaled": "scaled dot"}
MARKS = {"additive": "add", "multiplicative": "mul", "dot": "dot", "scaled": "scaled"}  # the grids' superscripts
YEARS = {"additive": 2014, "multiplicative": 2015, "dot": 2015, "scaled": 2017}  # Bahdanau, Luong, Vaswani
FORMULAS = {
    "additive": r"\mathbf{v}^{\top}\tanh(W_1\mathbf{q}+W_2\mathbf{k})",
    "multiplicative": r"\mathbf{q}^{\top}W\mathbf{k}",
    "dot": r"\mathbf{q}^{\top}\mathbf{k}",
    "scaled": r"\mathbf{q}^{\top}\mathbf{k}/\sqrt{\mathsf{d}_k}",
}
COLUMN_GAP = 0.45  # between two kinds' grids
HEAD_ROOM = 1.45  # above a grid: the kind's name and year, its formula, and the shape label
TITLE_ROOM = 0.75
LENS_GAP = 0.25  # between the grids and the strips of one query's row under them
DROPPED = 0.2  # the opacity of the recurrence's arrows once the Transformer has dropped them


def grids_cell(scene: AttentionScene, lens_height: float) -> float:
    """The largest cell with which the four T x T grids, token labels on the first, fit side by side above the
    lens."""
    T, word = scene.trace.T, token_label_room(scene.theme, scene.trace.tokens)
    wide = cell_size(4 * T, 1, word + 3 * COLUMN_GAP, 0, panel=FULL_FRAME)
    tall = cell_size(1, T, 0, TITLE_ROOM + HEAD_ROOM + LENS_GAP + lens_height, panel=FULL_FRAME)
    return min(wide, tall)


def columns(scene: AttentionScene, record, of: str, cell: float) -> dict:
    """One column per kind: its name, year and formula over its T x T grid of ``of`` ("scores" or "weights")."""
    theme = scene.theme
    options = {**scene.grid_options(), "cell_size": cell}
    out = {}
    values, peak = values_of(record, of), common_peak(record, of)
    for n, kind in enumerate(KINDS):
        symbol = "S" if of == "scores" else "A"
        grid = MatrixGrid(
            values[kind],
            "S",
            label=rf"{symbol}^{{\mathrm{{{MARKS[kind]}}}}}_{{T\times T}}",
            label_size=theme.size.callout,
            row_labels=record.tokens if n == 0 else None,
            peak=peak,
            **options,
        )
        head = VGroup(
            theme.words(f"{NAMES[kind]} ({YEARS[kind]})", font_size=theme.size.note),
            theme.math(FORMULAS[kind], font_size=theme.size.small),
        ).arrange(DOWN, buff=0.1)
        out[kind] = (head, grid)
    return out


def lay_out(scene: AttentionScene, heads_grids: dict, lens: VGroup | None, title) -> VGroup:
    """The columns side by side, heads over grids (grids' tops aligned), the lens (if any) under them, all on the
    frame under ``title``."""
    grids = VGroup(*[grid for _, grid in heads_grids.values()]).arrange(RIGHT, buff=COLUMN_GAP, aligned_edge=UP)
    for grid in grids[1:]:  # the cells' tops on one line, whatever each label's height
        grid.shift(UP * (grids[0].cells.get_top()[1] - grid.cells.get_top()[1]))
    tops = VGroup(*[head for head, _ in heads_grids.values()])
    # one size for every head: as large as the narrowest room over its grid allows (a long formula, few tokens)
    factor = min(1.0, *[(grid.cells.width + COLUMN_GAP) / head.width for head, grid in heads_grids.values()])
    for head, grid in heads_grids.values():
        head.scale(factor).next_to(grid.label, UP, buff=0.12).set_x(grid.cells.get_center()[0])
    top_line = max(head.get_top()[1] for head in tops)
    for head in tops:
        head.shift(UP * (top_line - head.get_top()[1]))
    block = VGroup(tops, grids)
    parts = [title, block] if lens is None else [title, block, lens]
    for part in parts:
        part.set_x(0)
    stack(parts, LENS_GAP, panel=FULL_FRAME)
    return block


def values_of(record, of: str) -> dict:
    """Each kind's scores (``of`` = "scores") or weights."""
    return {kind: record.scores(kind) if of == "scores" else record.weights[kind] for kind in KINDS}


def common_peak(record, of: str) -> float:
    """One shade scale for the four grids of ``of``: the largest |value| of any, so that narrow scores and nearly
    uniform weights look pale beside wide, peaked ones (each grid's own peak would make every one look alike)."""
    return max(peak_of(values) for values in values_of(record, of).values())


def lens_rows(scene: AttentionScene, record, of: str, i: int) -> VGroup:
    """Row i of each kind's grid, readable: one strip a kind, shaded like its grid (its peak), under a caption."""
    theme = scene.theme
    values = values_of(record, of)
    peak = common_peak(record, of)
    # named as the grids' superscripts: the full names would leave too little room for 16 readable cells
    rows = [(rf"\text{{{MARKS[kind]}}}", values[kind][i], "S", peak) for kind in KINDS]
    caption = theme.words(f"row {i + 1} of each, query '{short_label(record.tokens[i])}':", font_size=theme.size.note)
    table = StripTable(theme, rows, max_width=FULL_FRAME.width, decimals=scene.inputs.decimals, gap=LINE_GAP)
    return VGroup(caption, table).arrange(DOWN, buff=0.12, aligned_edge=LEFT)


def grids_of(scene: AttentionScene, record, of: str, i: int, title) -> dict:
    """The four grids of ``of`` with their heads, and the lens of row i, laid out under ``title``: the lens under
    the grids, or, when both do not fit (16 tokens of wide scores wrap the lens over two lines each), the grids
    alone and the lens alone, each on the frame under the title, shown one after the other ("apart")."""
    lens = lens_rows(scene, record, of, i)
    try:
        parts = columns(scene, record, of, grids_cell(scene, lens.height))
        apart = False
    except LayoutError:
        parts = columns(scene, record, of, grids_cell(scene, 0.0))
        apart = True
    block = lay_out(scene, parts, None if apart else lens, title)
    if apart:
        lens.next_to(title, DOWN, buff=LENS_GAP).set_x(0)  # the title stays where the grids put it
    assert_inside(VGroup(title, block, lens), FULL_FRAME, f"the four score functions' {of}")
    grids = {kind: grid for kind, (_, grid) in parts.items()}
    frames = VGroup(*[grid.highlight_row(i) for grid in grids.values()])
    return {
        "parts": parts,
        "grids": grids,
        "lens": lens,
        "block": block,
        "apart": apart,
        "frames": frames,
        "title": title,
    }


def show_row(scene: AttentionScene, g: dict, text: str, *animations) -> None:
    """Narrate ``text`` while row i is framed in every grid and the lens shows it (apart: in the grids' place)."""
    scene.explain(g["lens"])
    if g["apart"]:
        narrate(scene, text, Create(g["frames"]), *animations, run_time=1.0)
        narrate(
            scene,
            "That row of each, large enough to read.",
            FadeOut(g["block"]),
            FadeOut(g["frames"]),
            FadeIn(g["lens"]),
            run_time=0.8,
        )
    else:
        narrate(scene, text, Create(g["frames"]), FadeIn(g["lens"]), *animations, run_time=1.0)


def back_to_grids(scene: AttentionScene, g: dict) -> None:
    """Apart: the lens gives way to the grids again."""
    if g["apart"]:
        scene.play(FadeOut(g["lens"]), FadeIn(g["block"]), run_time=0.6)


def play_origins(scene: AttentionScene, record) -> None:
    theme = scene.theme
    drawing = encoder_decoder(theme, record.kv_tokens)
    lines = timeline(theme, FORMULAS)
    title = theme.words("Attention before the Transformer", font_size=theme.size.heading)
    lines.scale_to_fit_width(min(lines.width, FULL_FRAME.width))
    stack([title, drawing["all"], lines], 0.45, panel=FULL_FRAME)
    for part in (title, drawing["all"], lines):
        part.set_x(0)
    assert_inside(VGroup(title, drawing["all"], lines), FULL_FRAME, "the encoder-decoder drawing")
    scene.next_section("origins")
    scene.play(FadeIn(title), run_time=0.5)  # on screen before the voice starts
    narrate(
        scene,
        "Attention began inside recurrent networks: an encoder reads the sentence one token at a time.",
        FadeIn(drawing["encoder"]),
        Create(drawing["recurrence"]),
        run_time=1.5,
    )
    narrate(
        scene,
        "2014, Bahdanau: the decoder's state is the query, the encoder's states are the keys, scored by a "
        "small network, additive attention.",
        FadeIn(drawing["decoder"]),
        Create(drawing["attends"]),
        FadeIn(lines[0]),
        run_time=1.5,
    )
    narrate(scene, "2015, Luong: a product instead, q transposed W k, or simply q dot k.", FadeIn(lines[1]))
    narrate(
        scene,
        "2017, the Transformer drops the recurrence: queries and keys come from the tokens themselves, "
        "and q dot k is divided by the square root of d k.",
        drawing["recurrence"].animate.set_opacity(DROPPED),
        FadeIn(lines[2]),
        run_time=1.2,
    )
    scene.wait(0.5)
    scene.figure(caption_origins(scene.request, record))
    scene.clear_stage(during_next_play=True)


def play_score_functions(scene: AttentionScene) -> None:
    theme = scene.theme
    record, dec = scene.request.score_functions(), scene.inputs.decimals
    i, _ = attention.focus(scene.trace)
    play_origins(scene, record)

    play_cost(scene, record)

    title = theme.words(
        f"Four scores on the same Q and K, each {size(record.T, record.d_k)}", font_size=theme.size.note
    )
    s = grids_of(scene, record, "scores", i, title)
    scene.next_section("scores")
    narrate(
        scene,
        f"Now all four on the same {record.T} queries and keys: each scores every pair, a T by T matrix.",
        FadeIn(title),
        FadeIn(s["block"]),
        run_time=1.5,
    )
    show_row(
        scene,
        s,
        f"Row {i + 1}, the query of '{record.tokens[i]}': additive scores run from {span(record.additive[i], dec)}, "
        f"squashed by tanh; the dot products from {span(record.dot[i], dec)}.",
    )
    narrate(scene, "Scaled dot is dot divided by the square root of d k: the same order, a narrower spread.")
    back_to_grids(scene, s)
    scene.grids = dict(s["grids"])

    w = grids_of(scene, record, "weights", i, title.copy())  # its own layout: the title and heads move to it
    scene.next_section("weights")
    # each score grid turns into its weights in place (the same T x T cells); the heads stay
    turning = [anim for kind in KINDS for anim in s["grids"][kind].turn_into(w["grids"][kind])]
    leaving, arriving = list(s["grids"].values()), list(w["grids"].values())
    for grid in leaving:  # out of the block it came in with, so that it can leave alone
        scene.remove(grid)
        scene.add(grid)
    gone = [FadeOut(m) for m in (s["frames"], s["lens"]) if m in scene.mobjects]
    moving = [ReplacementTransform(s["title"], w["title"])]
    moving += [ReplacementTransform(s["parts"][kind][0], w["parts"][kind][0]) for kind in KINDS]
    swap = HandOver([*turning, *moving, *gone], turning, leaving, arriving)
    narrate(scene, "A softmax on each row turns every kind of score into weights that sum to one.", swap, run_time=1.5)
    peaks = ", ".join(f"{NAMES[kind]} {tex_number(record.weights[kind][i].max(), dec)}" for kind in KINDS)
    show_row(scene, w, f"The wider a row's scores spread, the more its weight piles on a few keys. Largest: {peaks}.")
    back_to_grids(scene, w)
    scene.wait(1)
    scene.grids = dict(w["grids"])
    scene.figure(caption_grids(scene.request, record))


def play_cost(scene: AttentionScene, record) -> None:
    """The table of what each score learns and costs, and the answer to "is scaled dot multiplicative?"."""
    table = cost_table(scene.theme, record, NAMES, FORMULAS)
    table["all"].move_to([0, 0, 0])
    assert_inside(table["all"], FULL_FRAME, "the cost table")
    scene.next_section("cost")
    narrate(
        scene,
        "What each needs to learn, and the multiply-adds for all T by T scores.",
        FadeIn(table["head"]),
        *[FadeIn(row) for row in table["rows"]],
        run_time=1.2,
    )
    scene.explain(table["rows"])
    narrate(
        scene,
        "Dot product is multiplicative attention with W the identity; scaled dot divides it by the square root "
        "of d k. Queries and keys are already learned projections, so no W is needed.",
        FadeIn(table["answer"]),
    )
    narrate(
        scene,
        "Additive needs a tanh for every pair and cannot be one matrix product; q dot k is, which is why the "
        "Transformer kept it.",
    )
    scene.wait(1)
    scene.figure(caption_cost(record))
    scene.clear_stage(during_next_play=True)


def span(row, decimals: int) -> str:
    """The smallest and largest of ``row`` ("a to b"), rounded as drawn (ASCII minus), for the narration."""
    return f"{tex_number(row.min(), decimals)} to {tex_number(row.max(), decimals)}"


def caption_origins(request: attention.Request, record) -> str:
    return (
        f"An RNN decoder's state scoring each of {record.T_kv} encoder states ({request.describe()}): "
        "additive attention (Bahdanau 2014), multiplicative and dot (Luong 2015), then the Transformer's scaled "
        "dot product without the RNN (Vaswani 2017)."
    )


def caption_grids(request: attention.Request, record) -> str:
    return (
        f"Additive, multiplicative, dot and scaled dot scores on the same queries and keys ({request.describe()}), "
        f"each {size(record.T, record.T_kv)}, and their softmax weights; d_a = d_k = {record.d_k}."
    )


def caption_cost(record) -> str:
    params, work = record.parameters(), record.work()
    return (
        f"Parameters beyond q and k: additive {params['additive']}, multiplicative {params['multiplicative']}, "
        f"dot and scaled dot none; multiply-adds for {record.T} tokens: "
        + ", ".join(f"{NAMES[kind]} {number(work[kind], 0)}" for kind in KINDS)
        + "."
    )


class ScoreFunctions(AttentionScene):
    part = Part(
        "score_functions",
        "Additive, multiplicative, dot, scaled dot",
        "Is scaled dot-product attention multiplicative attention? Four score functions on the same Q and K, "
        "and where each came from (RNN decoders, then the Transformer)",
        sections=(
            Section("origins", "Attention in RNN encoder-decoders"),
            Section("cost", "Parameters and work, and the answer"),
            Section("scores", "Four score functions on the same Q and K"),
            Section("weights", "Their softmax weights"),
        ),
        needs=attention.Capability.SEEDED,
    )
    play_part = staticmethod(play_score_functions)
