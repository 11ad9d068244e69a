"""The KV cache while a decoder writes: each new token's one query row against the keys and values cached so far.

For the request's layer and head, each step of ``Request.decoding()`` is drawn: the new token's query row, the
cache of K and V (the rows reused framed apart from the row computed now), its row of weights and the token it
picks (SmolLM2, greedily; the toy model, with no vocabulary, replays its given tokens under a causal mask). Beside
it, the work of this head's step with and without the cache; then the cache's bytes a token for the model's sizes,
at 16 bits, against what it would be without grouped-query heads. Every number is the core's (``kv_cache.py``).
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, VGroup

import attention
from attention.kv_cache import prompted
from scenes.kit.layout import FULL_FRAME, LONE_CELL, MIN_CELL, LayoutError, Panel, assert_inside, shrink_to_fit
from scenes.kit.lens import MathLine, Num, TeX, ValueStrip
from scenes.kit.limits import MAX_TOKENS
from scenes.kit.matrix_grid import MatrixGrid, drawn_size
from scenes.kit.narration import narrate
from scenes.kit.text.labels import short_label
from scenes.scene import AttentionScene, Part, Section

LEFT_PANE = Panel(left=FULL_FRAME.left, right=1.3)  # the step: q, the cache, the weights, the pick
RIGHT_PANE = Panel(left=1.7, right=FULL_FRAME.right)  # the work and the bytes
TITLE_GAP = 0.3  # under the title
ROW_GAP = 0.3  # between the parts of a step
GRID_GAP = 0.5  # between the K and the V cache
LABEL_ROOM = 1.0  # a cache's shape label (and its true sizes when folded) above it
LINE_GAP = 0.22  # between two lines of the right pane
FIT_MARGIN = 0.97  # token labels grow with the cells: the cell measured at the largest size fits with this margin


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
def cell_for(scene: AttentionScene, run, steps, room: float) -> tuple[float, float]:
    """One cell size for every step, and the last step's height with it: that view (the most rows) fits ``room``
    units of height and the left pane's width, measured once at the largest cell, so that nothing is shrunk (its
    strips' digits would be)."""
    last = steps[-1]
    rows, cols = len(last.keys), drawn_size(last.keys.shape[1])
    trial = step_view(scene, run, last, LONE_CELL)
    fixed_height, fixed_width = trial.height - rows * LONE_CELL, trial.grids["cache"].width - 2 * cols * LONE_CELL
    fits = min((room - fixed_height) / rows, (LEFT_PANE.width - fixed_width) / (2 * cols)) * FIT_MARGIN
    size = min(LONE_CELL, fits)  # the caches alone in their pane: as large as a lone grid may be
    if size < MIN_CELL:
        raise LayoutError(f"a cache of {rows} rows does not fit legibly; use a shorter sentence or fewer --steps")
    return size, fixed_height + rows * size


def step_view(scene: AttentionScene, run, step, size: float) -> VGroup:
    """The step: the new q row, the K and V caches (cached rows framed as reused, the new row as computed),
    the new row of weights and the token that comes next."""
    theme, n, width = scene.theme, len(step.keys), step.keys.shape[1]
    options = {"theme": theme, "decimals": scene.inputs.decimals, "numbers": scene.inputs.numbers}
    tokens = run.tokens[:n]  # the rows of the cache: the tokens read so far
    shape = "" if drawn_size(width) < width else rf"_{{{n}\times {width}}}"  # a folded grid says its sizes
    keys = MatrixGrid(step.keys, "K", cell_size=size, label=f"K{shape}", row_labels=tokens, **options)
    values = MatrixGrid(step.values, "V", cell_size=size, label=f"V{shape}", **options)
    VGroup(keys, values).arrange(RIGHT, buff=GRID_GAP, aligned_edge=DOWN)
    marks = VGroup()
    if n > 1:
        reused = VGroup(keys.highlight_rows(0, n - 1), values.highlight_rows(0, n - 1))
        reused.set_stroke(color=theme.divider)
        note = words(scene, f"reused: {n - 1} cached", color=theme.divider)
        note.next_to(values.row(0) if n == 2 else VGroup(values.row(0), values.row(n - 2)), RIGHT, buff=0.2)
        marks.add(reused, note)
    computed = VGroup(keys.highlight_row(n - 1), values.highlight_row(n - 1))
    note = words(scene, "computed now", color=theme.step_arrow).next_to(values.row(n - 1), RIGHT, buff=0.2)
    marks.add(computed, note)
    cache = VGroup(keys, values, marks)
    strip_width = LEFT_PANE.width - 0.2
    query = ValueStrip(theme, step.query, "Q", [TeX(rf"\mathbf{{q}}_{{{n}}}\ (\text{{new}})")], max_width=strip_width)
    row = ValueStrip(theme, step.weights, "S", [TeX(r"\mathbf{a} = \mathrm{softmax}")], max_width=strip_width)
    view = VGroup(query, cache, row, pick_line(scene, step)).arrange(DOWN, buff=ROW_GAP)
    view.grids = {"K": keys, "V": values, "cache": cache, "q": query, "a": row}
    return view


def pick_line(scene: AttentionScene, step):
    theme = scene.theme
    if step.next_token is None:
        return words(scene, "the last token: nothing follows", size=theme.size.note)
    how = "picked (highest logit)" if step.picked else "given (the toy has no vocabulary)"
    return words(scene, f"next token: '{short_label(step.next_token)}'  {how}", size=theme.size.note)


def work_block(scene: AttentionScene, step) -> VGroup:
    """This head's multiply-adds for the step, with the cache and without it (``DecodeStep.work``)."""
    n, width = len(step.keys), step.keys.shape[1]
    with_cache, without = step.work
    head = words(scene, "this head's multiply-adds", size=scene.theme.size.note)
    lines = [
        words(scene, "q·Kᵀ and a·V, this step:"),
        MathLine(scene.theme, TeX(r"\text{with the cache: }"), Num(f"2 × {n} × {width} = {with_cache}")),
        MathLine(scene.theme, TeX(r"\text{all rows again: }"), Num(f"2 × {n} × {n} × {width} = {without}")),
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
        words(scene, f"({size.value_bytes} bytes a value, as engines keep it)"),
        product(size.kv_heads, grouped),
        words(scene, "K and V × layers × kv heads × width × bytes", size=theme.size.tiny),
    ]
    if size.heads != size.kv_heads:
        lines += [words(scene, f"a key/value head per query head ({size.heads}):"), product(size.heads, ungrouped)]
    else:
        lines.append(words(scene, "one head: no key/value heads to share"))
    lines += [
        words(scene, f"these {total} tokens:"),
        MathLine(theme, Num(f"{total} × {grouped} = {size.holding(total)}"), TeX(r"\text{ B}")),
    ]
    return VGroup(*lines).arrange(DOWN, buff=LINE_GAP, aligned_edge=LEFT)


def place_right(block: VGroup, top: float) -> VGroup:
    shrink_to_fit(block, RIGHT_PANE)
    block.align_to([RIGHT_PANE.left, 0, 0], LEFT)
    return block.shift(UP * (top - block.get_top()[1]))


# ----- the sections ----------------------------------------------------------------------------------------------
def play_decode(scene: AttentionScene) -> None:
    """Each step in turn: the view of the step on the left, its work beside it."""
    request, theme = scene.request, scene.theme
    run = request.decoding(steps_of(request))
    steps = run.last(steps_of(request))
    title = words(scene, f"The KV cache: {source_name(request)}", size=theme.size.heading)
    title.move_to([FULL_FRAME.center[0], 0, 0]).shift(UP * (FULL_FRAME.top - title.get_top()[1]))
    room_top = title.get_bottom()[1] - TITLE_GAP
    size, height = cell_for(scene, run, steps, room_top - LEFT_PANE.bottom)
    under_title = Panel(LEFT_PANE.left, LEFT_PANE.right, LEFT_PANE.bottom, room_top)
    top = min(room_top, under_title.center[1] + height / 2)  # the last step centred: the cache grows down to it
    shown = None
    for k, step in enumerate(steps, start=1):
        view = step_view(scene, run, step, size)
        shrink_to_fit(view, under_title)
        view.move_to([LEFT_PANE.center[0], 0, 0]).shift(UP * (top - view.get_top()[1]))
        view.shift(UP * max(0.0, under_title.bottom - view.get_bottom()[1]))  # never below the frame
        work = place_right(work_block(scene, step), top)
        assert_inside(VGroup(title, view, work), FULL_FRAME, "the KV cache's step")
        n = len(step.keys)
        after = f"it picks '{plain(step.next_token)}'" if step.picked else "the next token is given"
        if step.next_token is None:
            after = "nothing follows"
        text = (
            f"Step {k}: '{plain(step.token)}' is read. Its query row meets {n - 1} cached keys and its own; "
            f"only its own key and value are computed. Then {after}."
        )
        if shown is None:
            narrate(scene, text, FadeIn(title), FadeIn(view), FadeIn(work), run_time=1.2)
        else:
            narrate(scene, text, FadeOut(shown[0]), FadeOut(shown[1]), FadeIn(view), FadeIn(work), run_time=1.2)
        scene.explain(view.grids["q"], view.grids["a"], work)
        shown = (view, work)
    with_cache, without = steps[-1].work
    narrate(scene, f"Without the cache this head would redo {without} multiply-adds; with it, {with_cache}.")
    grids = shown[0].grids  # the caches, and the strips' rows of cells (each named by its strip's name)
    strips = {f"{name} {k}": grid for name in ("q", "a") for k, grid in enumerate(grids[name].grids, start=1)}
    scene.grids = {"K": grids["K"], "V": grids["V"], **strips}
    scene.kv_view, scene.kv_work = shown
    scene.figure(caption_decode(request, run, steps))


def play_size(scene: AttentionScene) -> None:
    """The cache's bytes a token beside the last step, in place of its work."""
    request = scene.request
    run = request.decoding(steps_of(request))
    block = place_right(size_block(scene, run), scene.kv_work.get_top()[1])
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
