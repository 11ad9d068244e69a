"""The optional mask: a causal mask on the scaled scores, then a padding mask on a batch of two sentences."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    GrowArrow,
    ReplacementTransform,
    SurroundingRectangle,
    VGroup,
    Write,
)

import attention
from scenes.kit.batch_table import batch_table
from scenes.kit.block_diagram import BlockDiagram
from scenes.kit.captions import of, size
from scenes.kit.layout import FULL_FRAME, RIGHT_PANEL, assert_inside, cell_size, row_of, shrink_to_fit
from scenes.kit.lens import Num, StripTable, TeX
from scenes.kit.matrix_grid import MatrixGrid, drawn_size, token_label_room
from scenes.kit.narration import narrate
from scenes.kit.shading import peak_of
from scenes.kit.text.notation import SQRT_DK, dim, labelled
from scenes.scene import AttentionScene, Part, Section, StepPanel

LABEL_ROOM = 1.1  # the shape label above the column token labels
ROOM_BELOW = 0.9  # the rule of the mask, under the grids
SOFTMAX_WIDTH = 1.6  # the arrow and its caption between the scores and A


def scores_label(trace, masked: bool) -> str:
    scaled = rf"\frac{{QK^\top}}{{{SQRT_DK}}}"
    inner = rf"\mathrm{{Mask}}\!\left({scaled}\right)" if masked else rf"\left({scaled}\right)"
    return rf"{inner}_{{T\times T}}"


def partly_masked_row(mask) -> int:
    """The row nearest the middle in which some keys are allowed and some forbidden: the one worth magnifying."""
    rows = [i for i, row in enumerate(mask) if row.any() and not row.all()]
    real = [i for i in rows if i < len(mask[i]) and mask[i][i]]  # a query that may see itself: not a pad's
    rows = real or rows
    middle = (len(mask) - 1) / 2
    return min(rows, key=lambda i: (abs(i - middle), i)) if rows else 0


def row_lens(scene: AttentionScene, trace: attention.Trace, i: int, peak: float) -> StripTable:
    """Row i of the masked scores (minus infinity where forbidden) over row i of A (exact zeros there)."""
    dec = scene.inputs.decimals
    shown_sum = attention.display_text(float(attention.row_sums(trace.weights)[i, 0]), dec)  # the exact sum
    return StripTable(
        scene.theme,
        [
            (rf"\text{{row }}{i + 1}:\ \tfrac{{QK^\top}}{{{SQRT_DK}}} + M", trace.masked[i], "S", peak),
            (
                [TeX(rf"\mathbf{{a}}_{{{i + 1}}}\ (\textstyle\sum ="), Num(shown_sum), TeX(")")],
                trace.weights[i],
                "S",
                peak_of(trace.weights),
            ),
        ],
        max_width=RIGHT_PANEL.width - 0.2,
        decimals=dec,
    )


def play_mask_and_softmax(scene: AttentionScene, trace: attention.Trace, rule: str, why: str) -> dict:
    """Scaled scores -> masked (-inf where forbidden) -> softmax -> A, with each row's sum beside A, and one
    partly masked row magnified under them."""
    theme, options = scene.theme, scene.grid_options()
    i = partly_masked_row(trace.mask)
    lens = row_lens(scene, trace, i, MatrixGrid(trace.scaled, "S", theme=theme).peak)
    size = cell_size(
        2 * trace.T + 1,
        trace.T,
        fixed_width=SOFTMAX_WIDTH + 2.4,
        fixed_height=LABEL_ROOM + token_label_room(theme, trace.kv_tokens) + ROOM_BELOW,
    )
    scores = MatrixGrid(
        trace.scaled,
        "S",
        cell_size=size,
        label=scores_label(trace, False),
        row_labels=trace.tokens,
        col_labels=trace.kv_tokens,
        label_size=theme.size.formula,
        **options,
    )
    weights = MatrixGrid(
        trace.weights,
        "S",
        cell_size=size,
        label=labelled("A", trace, "T", "kv"),
        label_size=theme.size.formula,
        **options,
    )
    sums = MatrixGrid(
        attention.row_sums(trace.weights),
        "S",
        cell_size=size,
        label_size=theme.size.callout,
        **options,
        label=r"\underset{T\times 1}{\textstyle\sum_j A_{ij}}",
    )  # the shape under: a narrow column
    arrow = Arrow(
        LEFT * SOFTMAX_WIDTH / 2, RIGHT * SOFTMAX_WIDTH / 2, buff=0, color=theme.arrow, stroke_width=theme.stroke.bold
    )
    caption = VGroup(
        theme.words("Softmax(.)", font_size=theme.size.small), theme.words("on each row", font_size=theme.size.small)
    )
    middle = VGroup(arrow, caption.arrange(DOWN, buff=0.1).next_to(arrow, UP, buff=0.2))
    row_of([scores, middle, weights, sums], buff=0.3)
    middle.shift(UP * (scores.cells.get_center()[1] - arrow.get_center()[1]))
    sums.shift(LEFT * 0.1)
    rule_tex = theme.math(rule, font_size=theme.size.body).next_to(VGroup(scores, weights), DOWN, buff=0.45)
    rule_tex.set_x(RIGHT_PANEL.center[0])
    stage = VGroup(scores, middle, weights, sums, rule_tex)
    stage.shift(UP * (RIGHT_PANEL.center[1] - stage.get_center()[1]))
    lens.move_to(RIGHT_PANEL.center)  # shown in the grids' place for a moment: 16 tokens leave no room beside
    # the masked scores: a grid of their own over the scaled ones, shaded on the same scale
    masked = MatrixGrid(
        trace.masked,
        "S",
        cell_size=size,
        label=scores_label(trace, True),
        row_labels=trace.tokens,
        col_labels=trace.kv_tokens,
        label_size=theme.size.formula,
        peak=scores.peak,
        **options,
    )
    masked.shift(scores.cells.get_center() - masked.cells.get_center())
    everything = VGroup(stage, masked)
    shrink_to_fit(everything, RIGHT_PANEL)
    everything.move_to(RIGHT_PANEL.center)
    assert_inside(VGroup(stage, masked, lens), RIGHT_PANEL, "the mask and softmax")

    scene.play(FadeIn(scores), run_time=0.5)  # on screen before the voice names them
    narrate(scene, "The scaled scores: one row per query, one column per key.")
    narrate(scene, why, Write(rule_tex))
    narrate(scene, "Forbidden scores become minus infinity.", ReplacementTransform(scores, masked), run_time=1.5)

    blank = weights.blank()
    scene.play(GrowArrow(arrow), FadeIn(caption), FadeIn(blank), FadeIn(weights.label), run_time=1)
    zero = "exactly zero" if attention.masked_weights_are_zero(trace) else "zero"
    scene.fill_rows(weights, blank, f"Softmax: e to the minus infinity is {zero}, so forbidden weights are {zero}.")
    narrate(scene, "Each row still sums to one: the allowed weights share all of it.", FadeIn(sums, shift=LEFT * 0.1))
    frames = VGroup(masked.highlight_row(i), weights.highlight_row(i))
    narrate(scene, f"Take row {i + 1}.", Create(frames), run_time=0.6)
    on_screen = VGroup(masked, middle, weights, sums, rule_tex, frames)
    scene.play(FadeOut(on_screen), run_time=0.4)
    scene.play(FadeIn(lens, shift=UP * 0.1), run_time=0.5)  # on screen before the voice reads it
    scene.explain(lens)
    narrate(scene, f"Row {i + 1} in numbers: minus infinity where the mask forbids, and there the weight is {zero}.")
    scene.wait(1)
    scene.play(FadeOut(lens), run_time=0.5)
    scene.play(FadeIn(VGroup(masked, middle, weights, sums, rule_tex)), run_time=0.6)
    return {"masked scores": masked, "A": weights, "row sums": sums}


def play_causal_output(scene: AttentionScene, causal: attention.Trace) -> None:
    """A V = R with row n of A zero after column n; then the first n tokens alone give the same n rows of R."""
    theme, options = scene.theme, scene.grid_options()
    n = max(1, causal.T // 2)
    prefix = scene.request.prefix(n)
    size = cell_size(causal.T + 2 * drawn_size(causal.d_v), causal.T, fixed_width=4.2, fixed_height=2.2)
    a = MatrixGrid(
        causal.weights, "S", cell_size=size, label=labelled("A", causal, "T", "kv"), row_labels=causal.tokens, **options
    )
    v = MatrixGrid(causal.V, "V", cell_size=size, label=labelled("V", causal, "kv", "v"), **options)
    r = MatrixGrid(causal.output, "R", cell_size=size, label=labelled("R", causal, "T", "v"), **options)
    times = theme.math(r"\times", font_size=theme.size.title)
    arrow = Arrow(LEFT * 0.45, RIGHT * 0.45, buff=0, color=theme.arrow, stroke_width=theme.stroke.medium)
    row_of([a, times, v, arrow, r], buff=0.3)
    assert_inside(VGroup(a, v, r), RIGHT_PANEL, "A times V")
    scene.play(FadeIn(VGroup(a, times, v)), run_time=0.5)  # on screen before the voice names them
    narrate(scene, "Then R = A V, as in step 4.", FadeIn(VGroup(arrow, r)))
    frames = VGroup(a.highlight_row(n - 1), v.highlight_rows(0, n), r.highlight_row(n - 1))
    narrate(
        scene,
        f"Row {n} of A is zero after column {n}: row {n} of R mixes only the values of tokens 1 to {n}.",
        Create(frames),
    )
    scene.wait(1)

    alone = MatrixGrid(
        prefix.output,
        "R",
        cell_size=size,
        label=rf"R'_{{T'\times {dim(causal, 'v')}}}",
        row_labels=prefix.tokens,
        peak=r.peak,
        **options,
    )  # shaded on R's scale
    note = theme.words(f"the first {n} tokens alone", font_size=theme.size.small)
    target = r.copy()
    alone.next_to(target, RIGHT, buff=0.6)
    alone.shift(UP * (target.cells.get_top()[1] - alone.cells.get_top()[1]))  # row k beside row k
    VGroup(target, alone).shift(RIGHT * (RIGHT_PANEL.center[0] - VGroup(target, alone).get_center()[0]))
    note.next_to(alone.cells, DOWN, buff=0.25)
    scene.play(FadeOut(VGroup(a, times, v, arrow, frames)), run_time=0.6)
    scene.play(r.animate.move_to(target), run_time=0.8)
    assert_inside(VGroup(r, alone, note), RIGHT_PANEL, "R beside R'")
    same = VGroup(r.highlight_rows(0, n), alone.highlight_all())
    narrate(scene, f"Cut the sentence after token {n} and attend again.", FadeIn(alone), FadeIn(note))
    narrate(scene, f"The {n} rows are the same: row i of R depends only on tokens 1 to i.", Create(same))
    scene.wait(1)


def play_masking(scene: AttentionScene) -> None:
    request = scene.request
    # the step layout of the other steps, with the Mask (Opt.) block shown and pointed at
    panel = scene.panel = StepPanel(scene.theme, "mask", with_mask=True, label="Mask")
    assert_inside(VGroup(panel.diagram, panel.pointer), FULL_FRAME, "the diagram with its mask pointer")
    scene.next_section("causal_mask")
    # the diagram first at full size where the matrices will be, its Mask block named, then it shrinks into
    # the step layout's column: what the cue names is on screen as large as it can be
    large = BlockDiagram(scene.theme, with_mask=True)
    large.scale_to_fit_height(RIGHT_PANEL.height - 1.0).move_to(RIGHT_PANEL.center)
    scene.play(FadeIn(large), run_time=0.6)
    ring = SurroundingRectangle(
        large.block("mask"), color=scene.theme.step_arrow, buff=0.1, stroke_width=scene.theme.stroke.medium
    )
    narrate(scene, "The optional Mask block, between Scale and Softmax.", Create(ring))
    scene.play(
        FadeOut(ring),
        large.animate.scale(panel.diagram.height / large.height).move_to(panel.diagram),
        FadeIn(VGroup(*panel[1:])),
        run_time=0.8,
    )
    scene.remove(large)  # it is the panel's diagram now
    scene.add(panel)
    causal = request.causal()
    play_mask_and_softmax(
        scene,
        causal,
        r"M_{ij} = -\infty \ \text{ for } j > i",
        "A causal mask: query i may look at keys 1 to i, never at a later token.",
    )
    scene.figure(caption_causal_mask(request, causal))

    scene.next_section("causal_output")
    scene.clear_stage(keep=[panel])
    play_causal_output(scene, causal)
    scene.figure(caption_causal_output(request, max(1, causal.T // 2)))

    scene.next_section("padding_mask")
    scene.clear_stage(keep=[panel])
    batch = request.padded_batch()
    table = batch_table(scene.theme, batch)
    assert_inside(table, RIGHT_PANEL, "the padded batch")
    scene.play(FadeIn(table.tokens), run_time=0.5)  # on screen before the voice names it
    narrate(
        scene,
        f"A batch of two sentences, {batch.lengths[0]} and {batch.lengths[1]} tokens: "
        f"the shorter is padded with {attention.PAD}.",
    )
    narrate(scene, "Its padding mask: True for a real token, False for a pad.", FadeIn(table.mask))
    scene.wait(1)
    scene.figure(caption_padding_mask(request, batch), variant="batch")
    scene.clear_stage(keep=[panel])
    # a decoder's batch keeps its causal mask under the padding
    decoder = attention.Capability.CAUSAL_ONLY in request.capabilities
    scene.grids = play_mask_and_softmax(
        scene,
        request.padded(),
        r"M_{ij} = -\infty \ \text{ for } j > i \text{ or where key } j \text{ is a pad}"
        if decoder
        else r"M_{ij} = -\infty \ \text{ where key } j \text{ is a pad}",
        "Sentence two: every query may look at the real tokens only, never at a pad"
        + (", nor, causal, at a later token." if decoder else "."),
    )
    narrate(scene, "The pads' own rows are computed too, and thrown away.")
    scene.wait(1)
    scene.figure(caption_padding_mask(request, batch))


def caption_causal_mask(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"A causal mask on the scaled scores {of(request)}: minus infinity above the diagonal, so the weights A "
        f"({size(trace.T, trace.T)}) are exactly 0 there and each row still sums to 1."
    )


def caption_causal_output(request: attention.Request, n: int) -> str:
    return (
        f"Under a causal mask, rows 1 to {n} of R {of(request)} equal those of its first {n} tokens attended "
        "alone: row i depends only on tokens 1 to i."
    )


def caption_padding_mask(request: attention.Request, batch: attention.PaddedBatch) -> str:
    return (
        f"A padding mask for a batch of two sentences ({batch.lengths[0]} and {batch.lengths[1]} tokens, padded "
        f"to {batch.length}) {of(request)}: keys that are pads get weight exactly 0"
        + (", as do later tokens (causal)" if attention.Capability.CAUSAL_ONLY in request.capabilities else "")
        + ", rows sum to 1."
    )


class MaskingScene(AttentionScene):
    """The optional Mask block: a causal mask on the request's sentence (``Request.causal``), then a padding
    mask on a batch of that sentence and a shorter one (``Request.padded_batch``, ``Request.padded``)."""

    part = Part(
        "masking",
        "The optional mask",
        "The optional mask: causal (-inf above the diagonal, rows still sum to 1) and padding in a batch",
        sections=(
            Section("causal_mask", "A causal mask"),
            Section("causal_output", "Causal: row i sees tokens 1 to i"),
            Section("padding_mask", "A padding mask in a batch"),
        ),
        needs=attention.Capability.CAUSAL | attention.Capability.PREFIX | attention.Capability.PADDED_BATCH,
    )
    play_part = staticmethod(play_masking)
