"""FlashAttention's online softmax: one query row's scores arrive in blocks of keys, and a running maximum m, sum l
and output o, rescaled whenever m grows, end equal to the ordinary softmax row and output row; then the tiles of
Q and K that keep the T x T matrix from ever being stored, with its bytes at T = 4096 against the tiles'.

Every number is the core's (``Request.online``, ``online_softmax.long_tiling``); the tiles' picture is in
``online_tiles.py``.
"""

from __future__ import annotations

from manim import DOWN, LEFT, UP, FadeIn, FadeOut, SurroundingRectangle, VGroup

import attention
from attention.online_softmax import OnlineSoftmax, worked_block
from scenes.kit.captions import number
from scenes.kit.layout import FULL_FRAME, assert_inside
from scenes.kit.lens import LINE_GAP, MathLine, Num, StripTable, TeX, ValueStrip
from scenes.kit.narration import narrate
from scenes.kit.shading import peak_of
from scenes.kit.text.notation import factor_text
from scenes.scene import AttentionScene, Inputs, Part, Section
from scenes.topics.online_tiles import play_tiles

GAP = 0.3  # between the stage's rows
OLD, NEW = r"m_{\text{old}}", r"m_{\text{new}}"
FACTOR = rf"e^{{{OLD}-{NEW}}}"


def cells_of(strip: ValueStrip) -> list:
    """A strip's cells in reading order, over its wrapped lines."""
    return [cell for grid in strip.grids for cell in grid.cells]


def column(strip: ValueStrip, n: int) -> VGroup:
    """Cell ``n`` of a strip and its number, to reveal one block's state at a time."""
    numbers = [number for grid in strip.grids for number in grid.numbers]
    return VGroup(cells_of(strip)[n], *numbers[n : n + 1])


def block_frame(scene: AttentionScene, strip: ValueStrip, start: int, stop: int) -> VGroup:
    """An outline around the cells of keys ``start`` to ``stop``, one per line the block is drawn on."""
    cells = cells_of(strip)[start:stop]
    lines = {}
    for cell in cells:
        lines.setdefault(round(cell.get_y(), 3), []).append(cell)
    colour, width = scene.theme.step_arrow, scene.theme.stroke.bold
    frames = [SurroundingRectangle(VGroup(*c), buff=0.04, color=colour, stroke_width=width) for c in lines.values()]
    return VGroup(*frames)


def under_blocks(scores: ValueStrip, strips: list[ValueStrip], run: OnlineSoftmax) -> None:
    """Each block's state cells moved under the middle of its keys, when the scores and the states are each drawn
    on one line (a wrapped strip keeps its cells together)."""
    if any(len(strip.grids) != 1 for strip in [scores, *strips]):
        return
    cells = cells_of(scores)
    for n, state in enumerate(run.states):
        middle = (cells[state.start].get_left()[0] + cells[state.stop - 1].get_right()[0]) / 2
        for strip in strips:
            column(strip, n).set_x(middle)


def texts(values, dec: int) -> list[str]:
    return [attention.display_text(v, dec) for v in values]


def state_table(scene: AttentionScene, run: OnlineSoftmax, row: int) -> tuple[ValueStrip, StripTable]:
    """The row's scores, and under them one column per block: m, the factor e^(m_old - m_new) and l."""
    theme, dec, states = scene.theme, scene.inputs.decimals, scene.online.states
    peak = peak_of(scene.trace.scaled)
    name = rf"\mathbf{{s}}_{{{row + 1}}} = \tfrac{{q_{{{row + 1}}} K^\top}}{{\sqrt{{d_k}}}}"
    scores = StripTable(theme, [(name, run.scores, "S", peak)], max_width=FULL_FRAME.width, decimals=dec)
    rows = [
        (r"m\ (\text{block by block})", [s.maximum for s in states], "S", peak),
        (FACTOR, [s.rescale for s in states], "W", 1.0),
        (r"\ell = \textstyle\sum e^{s_j - m}", [s.total for s in states], "S", None),
    ]
    table = StripTable(theme, rows, max_width=FULL_FRAME.width, decimals=dec)
    return scores, table


def output_strip(scene: AttentionScene, n: int) -> StripTable:
    """The running output o after block ``n`` (not yet divided by l)."""
    state = scene.online.states[n]
    name = rf"\mathbf{{o}}\ (\text{{after block {n + 1}}})"
    return StripTable(
        scene.theme, [(name, state.output, "R", None)], max_width=FULL_FRAME.width, decimals=scene.inputs.decimals
    )


def worked_lines(scene: AttentionScene, n: int) -> VGroup:
    """Block ``n``'s update with its numbers: the factor, then l rescaled plus the block's own sum."""
    dec, states = scene.inputs.decimals, scene.online.states
    old, new = states[n - 1], states[n]
    show = lambda v: attention.display_text(v, dec)  # noqa: E731
    factor = MathLine(
        scene.theme,
        TeX(rf"{FACTOR} = \exp\!\big("),
        Num(f"{show(old.maximum)} \u2212 {factor_text(new.maximum, dec)}"),
        TeX(r"\big) ="),
        Num(show(new.rescale)),
    )
    total = MathLine(
        scene.theme,
        TeX(rf"\ell = \ell_{{\text{{old}}}}\,{FACTOR} + \textstyle\sum_{{\text{{block}}}} e^{{s_j - {NEW}}} ="),
        Num(f"{show(old.total)} \u00b7 {show(new.rescale)} + {show(new.added)} = {show(new.total)}"),
    )
    output = MathLine(
        scene.theme,
        TeX(
            rf"\mathbf{{o}} = \mathbf{{o}}_{{\text{{old}}}}\,{FACTOR}"
            rf" + \textstyle\sum_{{\text{{block}}}} e^{{s_j - {NEW}}}\,\mathbf{{v}}_j"
        ),
    )
    return VGroup(factor, total, output).arrange(DOWN, buff=LINE_GAP, aligned_edge=LEFT)


def play_blocks(scene: AttentionScene, title, row: int) -> tuple[StripTable, VGroup]:
    """The scores, block by block: the block outlined, its m, factor and l revealed, o replaced."""
    run, dec = scene.online, scene.inputs.decimals
    scores, table = state_table(scene, run, row)
    strips = table.strips
    outputs = [output_strip(scene, n) for n in range(len(run.states))]
    worked = worked_block(run)
    lines = worked_lines(scene, worked) if worked is not None else VGroup()
    stage = VGroup(scores, table, outputs[0], lines).arrange(DOWN, buff=GAP, aligned_edge=LEFT)
    stage.next_to(title, DOWN, buff=GAP).set_x(0)
    under_blocks(scores.strips[0], strips, run)
    for strip in outputs[1:]:
        strip.move_to(outputs[0], aligned_edge=LEFT)
    assert_inside(VGroup(title, stage, *outputs), FULL_FRAME, "the online softmax's blocks")
    scene.explain(scores, table, lines)

    scene.play(FadeIn(title), FadeIn(scores), run_time=0.5)
    narrate(
        scene,
        f"Query {row + 1}'s scaled scores: {run.T} keys, read {run.block} at a time, never all at once.",
        FadeIn(VGroup(*table.names)),
    )
    shown = previous_frame = None
    for n, state in enumerate(run.states):
        frame = block_frame(scene, scores.strips[0], state.start, state.stop)
        reveal = [FadeIn(column(strip, n)) for strip in strips] + [FadeIn(frame), FadeIn(outputs[n])]
        leaving = [FadeOut(m) for m in (shown, previous_frame) if m is not None]
        if n == 0:
            text = (  # its factor shows 0.00: m starts at minus infinity, as FlashAttention's does
                f"Block 1: m is its maximum, {texts([state.maximum], dec)[0]}; l and o sum e to the s minus m. "
                "Its factor is 0: m started at minus infinity, with nothing before it to rescale."
            )
        elif state.rescale < 1:
            text = (
                f"Block {n + 1}: the maximum grows to {texts([state.maximum], dec)[0]}, so l and o so far are "
                f"multiplied by e to the m old minus m new."
            )
        else:
            text = f"Block {n + 1}: the maximum stays; its terms are added to l and o."
        narrate(scene, text, *reveal, *leaving, run_time=1.2)
        if n == worked:
            narrate(scene, "Worked once, with its numbers.", FadeIn(lines), run_time=1.0)
            scene.wait(1)
        shown, previous_frame = outputs[n], frame
    narrate(scene, "Every block read once; only m, l and o were kept.", FadeOut(previous_frame))
    scene.figure(caption_blocks(scene, row))
    return scores, VGroup(table, shown, lines)


def equal_table(scene: AttentionScene, row: int) -> StripTable:
    """The online result (o / l and the weights e^(s - m) / l) over the ordinary softmax row and output row."""
    run, trace, dec = scene.online, scene.trace, scene.inputs.decimals
    i = row + 1
    rows = [
        (r"e^{s_j - m}/\ell\ \ (\text{online})", run.weights, "S", None),
        (rf"\mathbf{{a}}_{{{i}}} = \mathrm{{softmax}}(\mathbf{{s}}_{{{i}}})", trace.weights[row], "S", None),
        (r"\mathbf{o}/\ell\ \ (\text{online})", run.output, "R", None),
        (rf"\mathbf{{r}}_{{{i}}} = \mathbf{{a}}_{{{i}}} V", trace.output[row], "R", None),
    ]
    table = StripTable(scene.theme, rows, max_width=FULL_FRAME.width, decimals=dec)
    for name, strip in zip(table.names, table.strips, strict=True):
        for grid in strip.grids:
            grid.label = name  # the strip's name labels its cells
    return table


def play_online_softmax(scene: AttentionScene) -> None:
    theme = scene.theme
    row, _ = scene.request.online_pick()
    scene.online = scene.request.online()
    title = theme.tex("The online softmax: one row, block by block", font_size=theme.size.heading)
    title.to_edge(UP, buff=0.25)

    scene.next_section("blocks")
    scores, states = play_blocks(scene, title, row)

    scene.next_section("equal")
    table = equal_table(scene, row)
    table.next_to(scores, DOWN, buff=GAP).set_x(0)
    leaving = [states]
    if table.get_bottom()[1] < FULL_FRAME.bottom:  # scores and rows wrapped over two lines: the scores leave
        table.next_to(title, DOWN, buff=GAP).set_x(0)
        leaving.append(scores)
        scores = None
    assert_inside(VGroup(title, table), FULL_FRAME, "the online and ordinary rows")
    scene.explain(table)
    narrate(
        scene,
        "Divided by l at the end: the online weights and output ...",
        *[FadeOut(m) for m in leaving],
        FadeIn(table.rows[0]),
    )
    narrate(scene, "... are the ordinary softmax row, and the ordinary output row.", FadeIn(table.rows[1]))
    narrate(scene, "Same numbers, without ever holding the whole row of weights.", FadeIn(VGroup(*table.rows[2:])))
    scene.figure(caption_equal(scene, row))

    scene.next_section("tiles")
    play_tiles(scene, title, scores, table)


def caption_blocks(scene: AttentionScene, row: int) -> str:
    run = scene.online
    last = run.states[-1]
    return (
        f"The online softmax of query {row + 1} over {run.T} keys in blocks of {run.block}: the running maximum m, "
        f"the factor e^(m_old \u2212 m_new) and the running sum \u2113 after each block (last m = "
        f"{number(last.maximum)}, \u2113 = {number(last.total)}), {scene.request.describe()}."
    )


def caption_equal(scene: AttentionScene, row: int) -> str:
    return (
        f"Divided by \u2113 at the end, the online softmax of query {row + 1} gives the ordinary softmax row and "
        f"output row, {scene.request.describe()}."
    )


class OnlineSoftmaxScene(AttentionScene):
    part = Part(
        "online_softmax",
        "The online softmax",
        "FlashAttention's online softmax: one row's running max, sum and output over key blocks, then the tiles",
        sections=(
            Section("blocks", "One row, block by block"),
            Section("equal", "The same softmax row and output"),
            Section("tiles", "Tiles: the T × T matrix is never stored"),
        ),
    )
    play_part = staticmethod(play_online_softmax)

    @classmethod
    def check_inputs(cls, inputs: Inputs) -> None:
        super().check_inputs(inputs)
        inputs.request.check_online()  # --row and --block within the tokens
