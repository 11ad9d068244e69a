"""The tiles of the online-softmax scene: Q cut into blocks of rows, K into blocks of keys, the T x T scores as a
grid of tiles of which one at a time exists, and what holding the whole matrix would cost against the tiles.

The picture is drawn at the request's own T and block; the bytes are the core's ``long_tiling`` (T = 4096).
"""

from __future__ import annotations

from collections.abc import Callable

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Line, Rectangle, VGroup

import attention
from attention.online_softmax import long_tiling
from scenes.kit.layout import FULL_FRAME, assert_inside
from scenes.kit.lens import LINE_GAP, MathLine, Num, TeX
from scenes.kit.narration import narrate

SIDE = 2.2  # the T x T square of scores, in units
BAND = 0.45  # the width of Q (and height of K^T): a head's few features against T
APART = 0.25  # between Q, K^T and the scores


def grouped(n: int) -> str:
    """A byte count with thin spaces between thousands: 33 554 432."""
    return f"{n:,}".replace(",", "\u2009")


def cuts(block: int, T: int) -> list[float]:
    """Where the block boundaries fall along a side of SIDE units (between 0 and SIDE)."""
    return [SIDE * k / T for k in range(block, T, block)]


def split_rectangle(scene, width: float, height: float, key: str, across: bool, block: int, T: int) -> VGroup:
    """A matrix drawn as one outlined rectangle in its colour, with lines at its block boundaries (across: lines
    across its height, i.e. blocks of rows; else blocks of columns)."""
    theme = scene.theme
    colour = theme.matrix_color(key)
    box = Rectangle(width=width, height=height, stroke_color=theme.grid_line, stroke_width=theme.stroke.thin)
    box.set_fill(colour, opacity=0.25)
    lines = VGroup()
    for at in cuts(block, T):
        if across:
            y = box.get_top()[1] - at
            lines.add(Line([box.get_left()[0], y, 0], [box.get_right()[0], y, 0]))
        else:
            x = box.get_left()[0] + at
            lines.add(Line([x, box.get_top()[1], 0], [x, box.get_bottom()[1], 0]))
    lines.set_stroke(theme.grid_line, width=theme.stroke.thin)
    return VGroup(box, lines)


def tile_at(scene, origin, row_block: int, key_block: int, block: int, T: int) -> Rectangle:
    """The tile of scores of row block ``row_block`` and key block ``key_block``, filled: the one that exists."""
    theme = scene.theme
    top, left = origin[1] - SIDE * row_block * block / T, origin[0] + SIDE * key_block * block / T
    height = SIDE * (min(T, (row_block + 1) * block) - row_block * block) / T
    width = SIDE * (min(T, (key_block + 1) * block) - key_block * block) / T
    tile = Rectangle(width=width, height=height, stroke_color=theme.step_arrow, stroke_width=theme.stroke.bold)
    tile.set_fill(theme.matrix_color("S"), opacity=0.8)
    return tile.move_to([left + width / 2, top - height / 2, 0])


def tiles_stage(scene, tiling) -> tuple[VGroup, VGroup, Callable[[], list]]:
    """The picture (Q, K^T and the tiles of the scores), the bytes, and the animations that walk one block of
    query rows along the blocks of keys (the row shown earlier among them)."""
    theme, run = scene.theme, scene.online
    T, block = run.T, run.block
    row_block = scene.request.online_pick()[0] // block
    Q = split_rectangle(scene, BAND, SIDE, "Q", True, block, T)
    KT = split_rectangle(scene, SIDE, BAND, "K", False, block, T)
    S = split_rectangle(scene, SIDE, SIDE, "S", True, block, T)
    S.add(split_rectangle(scene, SIDE, SIDE, "S", False, block, T)[1])
    S[0].set_fill(opacity=0.0).set_stroke(theme.divider)  # never stored: an empty outline
    KT.next_to(S, UP, buff=APART)
    Q.next_to(S, LEFT, buff=APART)
    size = theme.size.callout
    labels = VGroup(
        theme.math(r"Q", font_size=size).next_to(Q, LEFT, buff=0.15),
        theme.math(r"K^\top", font_size=size).next_to(KT, LEFT, buff=0.15),
        theme.words("scores, T × T: never stored", font_size=theme.size.small).next_to(S, DOWN, buff=0.15),
    )
    tile = tile_at(scene, S[0].get_corner(UP + LEFT), row_block, 0, block, T)
    picture = VGroup(Q, KT, S, labels, tile)

    def steps() -> list:
        """The tile moving along the key blocks, from wherever the picture stands when they are played."""
        origin = S[0].get_corner(UP + LEFT)
        targets = [tile_at(scene, origin, row_block, k, block, T) for k in range(1, -(-T // block))]
        return [tile.animate.become(target) for target in targets]

    bits = tiling.bits
    facts = VGroup(
        MathLine(
            theme,
            TeX(r"\text{At}\ T ="),
            Num(str(tiling.T)),
            TeX(r",\ \text{tiles of}"),
            Num(str(tiling.block)),
            TeX(r",\ d_{\text{head}} ="),
            Num(str(tiling.d_head)),
            TeX(rf",\ \text{{{bits}-bit values:}}"),
        ),
        MathLine(theme, TeX(r"T \times T\ \text{scores:}"), Num(grouped(tiling.matrix)), TeX(r"\text{bytes}")),
        MathLine(
            theme,
            TeX(r"\text{held at once (blocks of } Q, K, V, O\text{, one tile, } m, \ell\text{):}"),
            Num(grouped(tiling.tiles)),
            TeX(r"\text{bytes}"),
        ),
        MathLine(
            theme,
            TeX(r"\text{that is}"),
            Num(attention.display_text(tiling.ratio, 0)),
            TeX(r"\text{times less}"),
        ),
    ).arrange(DOWN, buff=LINE_GAP, aligned_edge=LEFT)
    VGroup(picture, facts).arrange(RIGHT, buff=0.6)
    return picture, facts, steps


def kept_rows(scene, title, table, picture: VGroup, facts: VGroup) -> tuple[VGroup, VGroup, list]:
    """The rows of ``table`` that stay above the tiles (all four, or the two output rows when 16 tokens wrap the
    weights over two lines), where they go, and the rows that leave; the tiles and bytes placed under them."""
    for kept in (table.rows, table.rows[2:]):
        target = VGroup(*kept).copy().next_to(title, DOWN, buff=APART).set_x(0)
        VGroup(picture, facts).next_to(target, DOWN, buff=APART).set_x(0)
        if VGroup(picture, facts).get_bottom()[1] >= FULL_FRAME.bottom:
            break
    assert_inside(VGroup(title, target, picture, facts), FULL_FRAME, "the tiles under the rows")
    return VGroup(*kept), target, [row for row in table.rows if row not in kept]


def play_tiles(scene, title, scores, table) -> None:
    """The tiles section (``scores``: the row of scores if still on screen): the rows move up, Q, K^T and the
    tiles come in, one tile walks along its row of tiles, then the bytes at T = 4096; the scene ends on the rows
    kept (its grids)."""
    tiling = long_tiling(scene.trace.d_v)
    picture, facts, steps = tiles_stage(scene, tiling)
    kept, target, gone = kept_rows(scene, title, table, picture, facts)
    scene.remove(*kept)
    scene.add(kept)  # moved as one group
    narrate(
        scene,
        "For all rows at once, Q and K are cut into blocks; each tile of scores lives only while it is used.",
        *[FadeOut(m) for m in (scores, *gone) if m is not None],
        kept.animate.move_to(target),
        FadeIn(picture),
        run_time=1.5,
    )
    for step in steps():
        scene.play(step, run_time=0.4)
    scene.explain(facts)
    narrate(
        scene,
        f"At T = {tiling.T}, the T by T scores would take {tiling.matrix} bytes; the tiles hold {tiling.tiles}.",
        FadeIn(facts),
        run_time=1.5,
    )
    scene.wait(1)
    strips = [row[1] for row in kept]
    scene.grids = {f"{n}:{k}": grid for n, strip in enumerate(strips) for k, grid in enumerate(strip.grids)}
    scene.figure(caption_tiles(tiling, scene.request))


def caption_tiles(tiling, request) -> str:
    # the head width, and so the tiles' bytes, are the request's head's: the caption names it
    return (
        f"Tiles of Q and K of {request.describe()}: at T = {tiling.T} the T \u00d7 T scores would take "
        f"{tiling.matrix:,} bytes "
        f"({tiling.bits}-bit), tiles of {tiling.block} hold {tiling.tiles:,} at once."
    )
