"""The KV cache while a decoder writes: each new token's one query row against the keys and values cached so far.

For the request's layer and head, each step of ``Request.decoding()`` is drawn: the new token's query row, the
cache of K and V (the rows reused framed apart from the row computed now), its row of weights and the token it
picks (SmolLM2, greedily; the toy model, with no vocabulary, replays its given tokens under a causal mask). Beside
it, the work of this head's step with and without the cache; then the cache's bytes a token for the model's sizes,
at 16 bits, against what it would be without grouped-query heads. Every number is the core's (``kv_cache.py``).
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, Rectangle, VGroup

import attention
from attention.kv_cache import prompted
from scenes.kit.layout import FULL_FRAME, MIN_CELL, LayoutError, Panel, assert_inside, shrink_to_fit
from scenes.kit.legibility import READABLE_DIGIT
from scenes.kit.lens import LENS_CELL_HEIGHT, LENS_FILL, MathLine, Num, TeX, readable_cell
from scenes.kit.limits import FOLD_ABOVE, MAX_TOKENS
from scenes.kit.matrix_grid import MatrixGrid
from scenes.kit.narration import narrate
from scenes.kit.text.labels import short_label
from scenes.scene import AttentionScene, Part, Section

# The frame is split where the widest step's side (the work, the pick and the legend; then the bytes) leaves the
# most room to the step's view (q over the cached K, its weights and V), the side never narrower than SIDE_LEAST.
SIDE_LEAST = 3.6
PANE_GAP = 0.35
TITLE_GAP = 0.3  # under the title
ROW_GAP = 0.3  # between q and the caches' labels
GRID_GAP = 0.3  # between K, the weights and V
LINE_GAP = 0.22  # between two lines of the right pane
BLOCK_GAP = 0.45  # between the right pane's blocks
SWATCH = (0.4, 0.25)  # a legend's frame, width and height
CACHE_ENDS = (2, 1)  # a head's 64 columns as its first two, an ellipsis and its last: K, a and V fit side by side


def plain(token: str) -> str:
    """A token as a sentence says it (a byte-level BPE token's leading ␣ as the space it is)."""
    return token.replace("\u2423", " ").strip() or token


def source_name(request: attention.Request) -> str:
    if request.model is None:
        return "the toy model"
    return f"{request.model_name}, layer {request.layer}, head {request.head}"


def words(scene: AttentionScene, text: str, size: float | None = None, color=None):
    theme = scene.theme
    return theme.words(text, font_size=size or theme.size.small, color=color)


def steps_of(request: attention.Request) -> int:
    """The steps drawn: ``--steps`` when given (``check_inputs`` refuses too many), else the default, fewer when
    the prompt leaves less room (a valid sentence is drawn, never refused for a default)."""
    if request.steps is not None:
        return request.decode_steps
    n = prompted(request).T
    room = n if request.model is None else MAX_TOKENS - n + 1  # the toy replays its n tokens; a decoder adds rows
    return max(1, min(request.decode_steps, room))


# ----- one step --------------------------------------------------------------------------------------------------
def shown_values(step) -> np.ndarray:
    """The numbers a step draws: q and the caches as folded (``CACHE_ENDS``), and the weights."""
    shown = [attention.fold(m, FOLD_ABOVE, *CACHE_ENDS)[0] for m in (step.query[None, :], step.keys, step.values)]
    drawn = np.concatenate([m.ravel() for m in shown] + [step.weights])
    return drawn[~np.isnan(drawn)]


def cell_for(scene: AttentionScene, run, steps, room: float) -> tuple[float, float]:
    """One cell (width, height) for every step: as wide as the widest number of any step needs to be drawn
    readable, as tall as a strip's; shorter (the cache's rows only) when the last step's rows do not fit ``room``
    units of height, which leaves its cells' shades and hides their digits (``numbers="auto"``)."""
    values = np.concatenate([shown_values(step) for step in steps])
    width = readable_cell(values, scene.inputs.decimals, scene.theme)
    last, height = steps[-1], LENS_CELL_HEIGHT
    fixed = step_view(scene, run, last, width, height).height - len(last.keys) * height
    fits = (room - fixed) / len(last.keys)
    if fits < MIN_CELL:
        raise LayoutError(f"a cache of {len(last.keys)} rows does not fit; use a shorter sentence or fewer --steps")
    return width, min(height, fits)


def step_view(scene: AttentionScene, run, step, width: float, height: float) -> VGroup:
    """The step: the new q row over the cached K (its columns over K's), the weights of every cached row and
    V beside them (the rows reused framed apart from the row computed now); q's cells keep a strip's height."""
    theme, n = scene.theme, len(step.keys)
    options = {"theme": theme, "decimals": scene.inputs.decimals, "cell_size": width, "fold_ends": CACHE_ENDS}
    rows = {**options, "numbers": scene.inputs.numbers, "cell_height": height, "digit_fill": LENS_FILL}
    tokens = run.tokens[:n]  # the rows of the cache: the tokens read so far
    shape = "" if step.keys.shape[1] > FOLD_ABOVE else rf"_{{{n}\times {step.keys.shape[1]}}}"  # folded: a line
    keys = MatrixGrid(step.keys, "K", label=f"K{shape}", row_labels=tokens, **rows)
    weights = MatrixGrid(step.weights[:, None], "S", label=rf"\mathbf{{a}}_{{{n}}}", **rows)
    values = MatrixGrid(step.values, "V", label=f"V{shape}", **rows)
    VGroup(keys, weights, values).arrange(RIGHT, buff=GRID_GAP, aligned_edge=DOWN)
    query = MatrixGrid(
        step.query[None, :], "Q", numbers="on", cell_height=LENS_CELL_HEIGHT, digit_fill=LENS_FILL, **options
    )
    labels_top = max(grid.label.get_top()[1] for grid in (keys, weights, values))
    query.next_to([keys.cells.get_left()[0], labels_top, 0], UP, buff=ROW_GAP, aligned_edge=LEFT)
    name = theme.math(rf"\mathbf{{q}}_{{{n}}}", font_size=theme.size.label)  # the legend says it is new
    name.next_to(query.cells, LEFT, buff=0.2)
    query.label = name  # the row's name labels it, as a strip's does (a row has no shape label of its own)
    marks = VGroup()
    if n > 1:
        reused = VGroup(*(grid.highlight_rows(0, n - 1) for grid in (keys, weights, values)))
        marks.add(reused.set_stroke(color=theme.arrow))
    computed = VGroup(keys.highlight_row(n - 1), values.highlight_row(n - 1), query.highlight_all())
    marks.add(computed.set_stroke(color=theme.step_arrow))
    view = VGroup(VGroup(name, query), keys, weights, values, marks)
    view.grids = {"K": keys, "V": values, "a": weights, "q": query}
    return view


def legend(scene: AttentionScene, step) -> VGroup:
    """What the frames say, each line after a swatch of its frame: the rows reused from the cache, the row
    computed now."""
    theme, n = scene.theme, len(step.keys)
    lines = [(theme.step_arrow, "computed now")]
    if n > 1:
        lines.insert(0, (theme.arrow, f"reused: {n - 1} cached rows"))
    group = VGroup()
    for color, text in lines:
        said = words(scene, text)
        swatch = Rectangle(width=SWATCH[0], height=SWATCH[1], stroke_color=color, stroke_width=theme.stroke.medium)
        group.add(VGroup(swatch, said).arrange(RIGHT, buff=0.15))
    return group.arrange(DOWN, buff=LINE_GAP, aligned_edge=LEFT)


def pick_line(scene: AttentionScene, step) -> VGroup:
    """The token that comes next, and how: picked by the model, or given (the toy replays its tokens)."""
    theme = scene.theme
    if step.next_token is None:
        lines = [words(scene, "the last token:", size=theme.size.note), words(scene, "nothing follows it")]
        return VGroup(*lines).arrange(DOWN, buff=LINE_GAP, aligned_edge=LEFT)
    how = "picked: the highest logit" if step.picked else "given, not picked: a replay"
    lines = [words(scene, f"next token: '{short_label(step.next_token)}'", size=theme.size.note), words(scene, how)]
    return VGroup(*lines).arrange(DOWN, buff=LINE_GAP, aligned_edge=LEFT)


def step_side(scene: AttentionScene, step) -> VGroup:
    """The right pane during a step: this head's work, the token that comes next, and the frames' legend."""
    side = VGroup(work_block(scene, step), pick_line(scene, step), legend(scene, step))
    return side.arrange(DOWN, buff=BLOCK_GAP, aligned_edge=LEFT)


def panes(sides, top: float) -> tuple[Panel, Panel]:
    """The view's pane and the side's, under ``top``: the side as wide as its widest block (SIDE_LEAST at least,
    at most half the frame), the view the rest."""
    width = min(FULL_FRAME.width / 2, max(SIDE_LEAST, *(side.width for side in sides)))
    split = FULL_FRAME.right - width
    return Panel(FULL_FRAME.left, split - PANE_GAP, FULL_FRAME.bottom, top), Panel(split, FULL_FRAME.right)


def work_block(scene: AttentionScene, step) -> VGroup:
    """This head's multiply-adds for the step, with the cache and without it (``DecodeStep.work``)."""
    n, width = len(step.keys), step.keys.shape[1]
    with_cache, without = step.work
    head = words(scene, "this head's multiply-adds", size=scene.theme.size.note)
    lines = [
        words(scene, "q·Kᵀ and a·V with the cache:"),
        MathLine(scene.theme, Num(f"2 × {n} × {width} = {with_cache}")),
        words(scene, "all rows again, without it:"),
        MathLine(scene.theme, Num(f"2 × {n} × {n} × {width} = {without}")),
    ]
    return VGroup(head, *lines).arrange(DOWN, buff=LINE_GAP, aligned_edge=LEFT)


def size_block(scene: AttentionScene, run) -> VGroup:
    """The cache's bytes a token for the model's sizes, at 16 bits, and without grouped-query heads (the toy
    model's one head has nothing to group)."""
    size, theme, total = run.size, scene.theme, len(run.steps[-1].keys)
    grouped, ungrouped = size.per_token, size.per_token_without_grouping

    def product(heads: int, result: int) -> MathLine:
        terms = f"2 × {size.layers} × {heads} × {size.d_head} × {size.value_bytes} = {result}"
        return MathLine(theme, Num(terms), TeX(r"\text{ B}"))

    lines = [
        words(scene, "the cache a token, at 16 bits", size=theme.size.note),
        words(scene, "as inference engines keep it:"),
        product(size.kv_heads, grouped),
        words(scene, "K and V × layers × kv heads", size=theme.size.tiny),
        words(scene, "× width × bytes", size=theme.size.tiny),
    ]
    if size.heads != size.kv_heads:
        lines += [words(scene, f"a kv head per query head ({size.heads}):"), product(size.heads, ungrouped)]
    else:
        lines.append(words(scene, "one head: none to share"))
    lines += [
        words(scene, f"these {total} tokens:"),
        MathLine(theme, Num(f"{total} × {grouped} = {size.holding(total)}"), TeX(r"\text{ B}")),
    ]
    return VGroup(*lines).arrange(DOWN, buff=LINE_GAP, aligned_edge=LEFT)


def place_right(block: VGroup, pane: Panel, top: float) -> VGroup:
    """``block`` at the left of ``pane``, its top at ``top`` (or higher, so that it ends inside the frame)."""
    shrink_to_fit(block, pane)
    block.align_to([pane.left, 0, 0], LEFT)
    block.shift(UP * (top - block.get_top()[1]))
    return block.shift(UP * max(0.0, pane.bottom - block.get_bottom()[1]))


# ----- the sections ----------------------------------------------------------------------------------------------
def readable(grid: MatrixGrid) -> bool:
    """Whether a grid's digits are drawn at least READABLE_DIGIT tall (the cache's, when its rows fitted)."""
    return len(grid.numbers) > 0 and grid.digit_height(grid.values) >= READABLE_DIGIT * (1 - 1e-6)


def play_decode(scene: AttentionScene) -> None:
    """Each step in turn: the view of the step on the left, its work, pick and legend beside it."""
    request, theme = scene.request, scene.theme
    run = request.decoding(steps_of(request))
    steps = run.last(steps_of(request))
    title = words(scene, f"The KV cache: {source_name(request)}", size=theme.size.heading)
    title.move_to([FULL_FRAME.center[0], 0, 0]).shift(UP * (FULL_FRAME.top - title.get_top()[1]))
    room_top = title.get_bottom()[1] - TITLE_GAP
    sides = [step_side(scene, step) for step in steps]
    view_pane, side_pane = panes([*sides, size_block(scene, run)], room_top)  # the bytes take the side after
    width, height = cell_for(scene, run, steps, view_pane.height)
    views = [step_view(scene, run, step, width, height) for step in steps]
    for view in views:
        shrink_to_fit(view, view_pane)  # a wide toy head (d_k = 8) narrows every cell alike
    last = views[-1]  # the tallest, centred: where every view stands
    right, top = view_pane.center[0] + last.width / 2, view_pane.center[1] + last.height / 2
    shown = None
    for k, (step, view, side) in enumerate(zip(steps, views, sides, strict=True), start=1):
        view.shift(RIGHT * (right - view.get_right()[0]) + UP * (top - view.get_top()[1]))  # the grids stay put
        place_right(side, side_pane, top)
        assert_inside(VGroup(title, view, side), FULL_FRAME, "the KV cache's step")
        n = len(step.keys)
        after = f"it picks '{plain(step.next_token)}'" if step.picked else "the next token is given"
        if step.next_token is None:
            after = "nothing follows"
        text = (
            f"Step {k}: '{plain(step.token)}' is read. Its query row meets {n - 1} cached keys and its own; "
            f"only its own key and value are computed. Then {after}."
        )
        if shown is None:
            narrate(scene, text, FadeIn(title), FadeIn(view), FadeIn(side), run_time=1.2)
        else:
            narrate(scene, text, FadeOut(shown[0]), FadeOut(shown[1]), FadeIn(view), FadeIn(side), run_time=1.2)
        grids = view.grids
        scene.explain(*(grids[name] for name in ("q", "a", "K", "V") if readable(grids[name])), side[0])
        shown = (view, side)
    with_cache, without = steps[-1].work
    narrate(scene, f"Without the cache this head would redo {without} multiply-adds; with it, {with_cache}.")
    scene.grids = dict(shown[0].grids)
    scene.kv_view, scene.kv_work, scene.kv_pane = *shown, side_pane
    scene.figure(caption_decode(request, run, steps))


def play_size(scene: AttentionScene) -> None:
    """The cache's bytes a token beside the last step, in place of its work."""
    request = scene.request
    run = request.decoding(steps_of(request))
    block = place_right(size_block(scene, run), scene.kv_pane, scene.kv_work.get_top()[1])
    assert_inside(block, FULL_FRAME, "the cache's size")
    size = run.size
    narrate(
        scene,
        f"Kept at 16 bits, the cache grows by {size.per_token} bytes a token: K and V, for {size.layers} layers, "
        f"{size.kv_heads} key/value heads of {size.d_head}. With a key/value head per query head it would be "
        f"{size.per_token_without_grouping}.",
        FadeOut(scene.kv_work),
        FadeIn(block),
        run_time=1.2,
    )
    scene.explain(block)
    scene.wait(1)
    scene.figure(caption_size(request, run))


def play_kv_cache(scene: AttentionScene) -> None:
    scene.next_section("decode")
    play_decode(scene)
    scene.next_section("size")
    play_size(scene)


def caption_decode(request: attention.Request, run, steps) -> str:
    last = steps[-1]
    return (
        f"Decoding with a KV cache ({source_name(request)}): '{plain(last.token)}' is read with one new query row "
        f"against {last.cached} cached keys and values and its own, its weights summing to 1"
        + (f"; it picks '{plain(last.next_token)}'." if last.picked else ".")
    )


def caption_size(request: attention.Request, run) -> str:
    size = run.size
    return (
        f"The KV cache of {source_name(request)} at 16 bits: {size.per_token} bytes a token "
        f"(2 x {size.layers} layers x {size.kv_heads} key/value heads x {size.d_head} x 2 bytes), "
        f"{size.per_token_without_grouping} without grouped-query heads."
    )


SECTIONS = (Section("decode", "One new row against the cache"), Section("size", "The cache's bytes a token"))


class KVCacheScene(AttentionScene):
    """``Request.decoding()`` step by step: the new query row against the cached K and V of the request's layer
    and head, the weights and the next token; the work with and without the cache, and the cache's bytes a token.
    An encoder (MiniLM) is refused: it does not decode (its Part needs DECODES)."""

    part = Part(
        "kv_cache",
        "The KV cache",
        "A decoder writing: each new token's query row against the cached keys and values, and what the cache costs",
        sections=SECTIONS,
        needs=attention.Capability.DECODES,
    )
    play_part = staticmethod(play_kv_cache)

    @classmethod
    def check_inputs(cls, inputs) -> None:
        """The prompt and the steps fit: a decoder's prompt tokens and new tokens, the toy's replayed tokens."""
        super().check_inputs(inputs)
        request = inputs.request
        reading, steps = prompted(request), steps_of(request)
        n = reading.T
        if request.model is None and steps > n:
            raise LayoutError(f"--steps {steps}: the toy model replays the sentence's {n} tokens, so at most {n} steps")
        if request.model is not None and n + steps - 1 > MAX_TOKENS:
            raise LayoutError(
                f"the prompt is {n} {request.card.tokenizer} tokens and {steps} steps make a cache of {n + steps - 1} "
                f"rows; the KV-cache scene draws at most {MAX_TOKENS}: use a shorter sentence or fewer --steps"
            )
