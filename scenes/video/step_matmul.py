"""Step 1, MatMul: Q times K^T gives the scores QK^T, one entry worked out in real numbers."""

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
    Line,
    TransformFromCopy,
    VGroup,
    Write,
)

import attention
from scenes.kit.captions import of, size
from scenes.kit.layout import MAX_WIDTH, RIGHT_PANEL, assert_inside, cell_size, row_of, stack
from scenes.kit.lens import Num, TeX, WorkedSum
from scenes.kit.matrix_grid import MatrixGrid, drawn_size
from scenes.kit.narration import narrate
from scenes.kit.text.notation import factor_text, labelled, shape, tex_number
from scenes.scene import AttentionScene, Part

LABELS_ROOM = 1.4  # the shape labels above the grids
CALLOUT_GAP = 0.35  # between the grids and the worked entry under them
# A dot product longer than the toy's widest (a model head's 32 terms) is written with its first and last terms
SUM_HEAD, SUM_TAIL = 3, 2


def shown_terms(work: attention.DotProduct) -> tuple[int | None, ...]:
    """The terms the worked sum writes out: all of a toy's, a model head's first and last (None: "⋯")."""
    return attention.folded(len(work.products), MAX_WIDTH, SUM_HEAD, SUM_TAIL)


def dot_product_sum(scene: AttentionScene, work: attention.DotProduct) -> WorkedSum:
    """q_i . k_j = the factors, term by term, over their products, and the total: in aligned columns (a long
    sum abbreviated: its first terms, an ellipsis, its last terms, and the whole sum's total)."""
    dec = scene.inputs.decimals
    dots = [TeX(r"\cdots")]
    terms = shown_terms(work)
    times = "\u2009\u00b7\u2009"
    factors = [
        [Num(f"{factor_text(work.q[n], dec)}{times}{factor_text(work.k[n], dec)}")] if n is not None else dots
        for n in terms
    ]
    products = [[Num(factor_text(work.products[n], dec))] if n is not None else dots for n in terms]
    head = rf"\mathbf{{q}}_{{{work.i + 1}}}\cdot\mathbf{{k}}_{{{work.j + 1}}} ="
    rows = [(head, factors, []), ("=", products, [Num(f"= {attention.display_text(work.total, dec)}")])]
    return WorkedSum(scene.theme, rows, max_width=RIGHT_PANEL.width - 0.2)


def play_matmul(scene: AttentionScene) -> None:
    trace, theme = scene.trace, scene.theme
    options = scene.grid_options()
    i, j = attention.focus(trace)
    work = attention.dot_product(trace, i, j)
    callout = dot_product_sum(scene, work)
    callout_room = callout.height + CALLOUT_GAP
    size = cell_size(
        drawn_size(trace.d_k) + 2 * trace.T_kv,
        max(trace.T, drawn_size(trace.d_k)),
        fixed_width=2.4,
        fixed_height=LABELS_ROOM + callout_room,
    )
    q = MatrixGrid(trace.Q, "Q", cell_size=size, label=labelled("Q", trace, "T", "k"), **options)
    kt = MatrixGrid(trace.K.T, "K", cell_size=size, label=rf"K^\top_{{{shape(trace, 'k', 'kv')}}}", **options)
    scores = MatrixGrid(
        trace.scores, "S", cell_size=size, label=rf"\left(QK^\top\right)_{{{shape(trace, 'T', 'kv')}}}", **options
    )
    times = theme.math(r"\times", font_size=theme.size.operator)
    arrow = Arrow(LEFT * 0.45, RIGHT * 0.45, buff=0, color=theme.arrow, stroke_width=theme.stroke.regular)
    matrices = row_of([q, times, kt, arrow, scores], buff=0.3)
    callout.set_x(RIGHT_PANEL.center[0])
    stack([matrices, callout], CALLOUT_GAP)
    blank = scores.blank()
    assert_inside(VGroup(q, kt, scores), RIGHT_PANEL, "Step 1's matrices")
    # Q (and K, turned into K^T) come from the projections: the title is spoken while they move into place
    scene.enter_step(
        1,
        "Step 1: multiply the queries Q by the transposed keys K transposed.",
        scene.hand_over({"Q": q, "K": kt}, times),
        run_time=1.5,
    )

    # the shapes, written while they are said: the inner d cancels
    parts = theme.math(
        r"(T\times",
        r"\mathsf{d}",
        r")\,(",
        r"\mathsf{d}",
        r"\times T)",
        r"\;\to\;",
        r"T\times T",
        font_size=theme.size.label,
    )
    parts.move_to(callout.get_center())
    narrate(
        scene,
        "Q is T by d, K transposed is d by T.",
        Write(VGroup(*parts[:5])),
        FadeIn(arrow),
        FadeIn(blank),
        FadeIn(scores.label),
        run_time=1.2,
    )
    strikes = VGroup(
        *[
            Line(
                p.get_corner(DOWN + LEFT),
                p.get_corner(UP + RIGHT),
                color=theme.step_arrow,
                stroke_width=theme.stroke.regular,
            )
            for p in (parts[1], parts[3])
        ]
    )
    narrate(scene, "The inner d cancels: the result is T by T.", Create(strikes), run_time=0.6)
    scene.play(FadeIn(parts[5]), FadeIn(parts[6], shift=RIGHT * 0.2), run_time=0.8)
    scene.wait(1)
    scene.play(FadeOut(parts), FadeOut(strikes), run_time=0.5)

    # one entry in real numbers
    dec = scene.inputs.decimals
    frames = VGroup(q.highlight_row(i), kt.highlight_column(j), scores.highlight_cell(i, j))
    narrate(
        scene,
        f"Entry ({i + 1}, {j + 1}): row {i + 1} of Q times column {j + 1} of K transposed.",
        Create(frames[0]),
        Create(frames[1]),
        run_time=0.8,
    )
    total = tex_number(work.total, dec)
    assert_inside(callout, RIGHT_PANEL, "Step 1's worked entry")
    scene.explain(callout)
    scene.play(Write(callout.rows[0]), run_time=1.5)
    narrate(scene, f"Their products add up to {total}.", Write(callout.rows[1]), run_time=1.5)
    landing = VGroup(scores.cell(i, j))
    number = scores.number(i, j)
    if number is not None:
        landing.add(number)
    narrate(
        scene,
        "The sum lands in cell (i, j) of QK transposed.",
        Create(frames[2]),
        TransformFromCopy(callout.tails[1], landing),
        run_time=1.2,
    )
    scene.wait(1)

    # every entry
    scene.play(FadeOut(frames), run_time=0.5)  # the worked entry stays: the figure shows it
    scene.fill_rows(scores, blank, "Every query against every key: the T by T score matrix.")
    scene.grids = {"Q": q, "K^T": kt, "QK^T": scores}
    scene.figure(caption_step1(scene.request, trace))


def caption_step1(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"Step 1: Q ({size(trace.T, trace.d_k)}) times K^T ({size(trace.d_k, trace.T_kv)}) gives the scores "
        f"QK^T ({size(trace.T, trace.T_kv)}) {of(request)}."
    )


class Step1MatMul(AttentionScene):
    part = Part(
        "step1_matmul",
        "Step 1: MatMul, Q times K transposed",
        "Step 1: Q x K^T -> QK^T, one entry worked out, the inner d cancelling",
        step=1,
        in_video=True,
    )
    play_part = staticmethod(play_matmul)
