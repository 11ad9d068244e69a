"""A pretrained model's layer at a glance: the attention weights of all its heads side by side, as small
labelled maps (like bertviz's model view), the chosen head framed and drawn large with its tokens; then the
chosen head's map alone, for a figure of its own.

It shows what only a pretrained model has (a layer of real heads), so it refuses a toy request (its Part
needs LAYER_HEADS); the toy model's heads are the multi-head scene's.
"""

from __future__ import annotations

import math

from manim import DOWN, RIGHT, UP, Create, FadeIn, LaggedStart, VGroup

import attention
from scenes.kit.captions import size
from scenes.kit.layout import FULL_FRAME, MIN_CELL, LayoutError, assert_inside, cell_size, shrink_to_fit, stack
from scenes.kit.matrix_grid import MatrixGrid, token_label_room
from scenes.kit.narration import narrate
from scenes.scene import AttentionScene, Part, Section

HEAD_COLUMNS = 4  # thumbnails per row: 12 heads in 3 rows of 4
THUMB_GAP = 0.3  # between two thumbnails
THUMB_LABEL_GAP = 0.08  # between a thumbnail and its "head h"
SIDE_GAP = 0.7  # between the chosen head, drawn large, and the thumbnails
TITLE_GAP = 0.35  # under the title
SMALLEST_THUMB = MIN_CELL * 2 / 3  # a thumbnail only shows a pattern, never digits: its cells may be smaller
LABEL_ROOM = 0.9  # the shape label above a large map
EDGE = 0.15  # kept free along the frame's edges, for the highlight's stroke and rounding


def title_of(scene: AttentionScene, text: str):
    return scene.theme.words(text, font_size=scene.theme.size.heading)


def thumbnails(scene: AttentionScene, traces, room: float) -> tuple[VGroup, list[MatrixGrid], list]:
    """Each head's weights as a small map under "head h", in rows of HEAD_COLUMNS, fitting ``room`` units
    of height; the chosen head's label in the highlight colour."""
    theme, request = scene.theme, scene.request
    rows, T = math.ceil(len(traces) / HEAD_COLUMNS), request.T
    label_height = theme.words("head 0", font_size=theme.size.small).height + THUMB_LABEL_GAP
    size = (room - rows * label_height - (rows - 1) * THUMB_GAP) / (rows * T)
    if size < SMALLEST_THUMB:
        raise LayoutError(f"{len(traces)} maps of {T} x {T} weights do not fit legibly; use a shorter sentence")
    grids, labels, cells = [], [], VGroup()
    for h, trace in enumerate(traces, start=1):
        # a pattern, never digits: "off" whatever --numbers says, as the cells are too small to hold them
        grid = MatrixGrid(trace.weights, "S", theme, cell_size=size, numbers="off", decimals=scene.inputs.decimals)
        chosen = h == request.head
        label = theme.words(
            f"head {h}", font_size=theme.size.small, color=theme.step_arrow if chosen else None, weight="BOLD"
        )
        label.next_to(grid.cells, UP, buff=THUMB_LABEL_GAP)
        grid.label = label  # its name is its label: every map is "head h", all T x T
        grids.append(grid)
        labels.append(label)
        cells.add(VGroup(grid, label))
    rows_of = [
        VGroup(*cells[k : k + HEAD_COLUMNS]).arrange(RIGHT, buff=THUMB_GAP, aligned_edge=DOWN)
        for k in range(0, len(cells), HEAD_COLUMNS)
    ]
    block = VGroup(*rows_of).arrange(DOWN, buff=THUMB_GAP)
    return block, grids, labels


def chosen_map(scene: AttentionScene, trace, size: float) -> MatrixGrid:
    """The chosen head's weights with its tokens along both sides and its shape label."""
    return MatrixGrid(
        trace.weights,
        "S",
        cell_size=size,
        label=rf"\text{{head {scene.request.head}: }}A_{{T\times T}}",
        label_size=scene.theme.size.callout,
        row_labels=trace.tokens,
        col_labels=trace.kv_tokens,
        **scene.grid_options(),
    )


def play_layer(scene: AttentionScene) -> None:
    """Every head of the layer as a thumbnail; the chosen one framed, and drawn large with its tokens."""
    request, theme = scene.request, scene.theme
    traces = request.layer_traces()
    title = title_of(scene, f"{request.model_name}, layer {request.layer}: its {len(traces)} heads")
    room = FULL_FRAME.height - title.height - TITLE_GAP - EDGE
    block, grids, labels = thumbnails(scene, traces, room)
    chosen = grids[request.head - 1]
    labels_room = token_label_room(theme, request.drawn_tokens)
    size = cell_size(
        request.T,
        request.T,
        fixed_width=block.width + SIDE_GAP + labels_room,
        fixed_height=title.height + TITLE_GAP + labels_room + LABEL_ROOM,
        panel=FULL_FRAME,
    )
    large = chosen_map(scene, scene.trace, size)
    body = VGroup(large, block).arrange(RIGHT, buff=SIDE_GAP)
    shrink_to_fit(body, FULL_FRAME)
    title.set_x(FULL_FRAME.center[0])
    body.set_x(FULL_FRAME.center[0])
    stack([title, body], TITLE_GAP, panel=FULL_FRAME)
    frame = chosen.highlight_all()
    assert_inside(VGroup(title, body, frame), FULL_FRAME, "the layer's heads")
    narrate(
        scene,
        f"Layer {request.layer} of {request.model_name}: {len(traces)} heads, each weighing the "
        f"{request.T} tokens its own way.",
        FadeIn(title),
        LaggedStart(*[FadeIn(cell) for cell in block.submobjects], lag_ratio=0.1),
        run_time=1.5,
    )
    narrate(
        scene,
        f"Head {request.head}, framed, drawn large with its tokens: row i is where token i looks.",
        Create(frame),
        FadeIn(large),
        run_time=1.2,
    )
    scene.wait(1)
    scene.grids = {**{f"head {h}": grid for h, grid in enumerate(grids, start=1)}, "A": large}
    scene.figure(caption_layer_heads(request, traces))


def play_head(scene: AttentionScene) -> None:
    """The chosen head's map alone, as large as the frame allows, digits where legible."""
    request, theme, trace = scene.request, scene.theme, scene.trace
    title = title_of(scene, f"{request.model_name}, layer {request.layer}, head {request.head}")
    labels_room = token_label_room(theme, trace.tokens)
    size = cell_size(
        trace.T_kv,
        trace.T,
        fixed_width=2 * labels_room,
        fixed_height=title.height + TITLE_GAP + labels_room + LABEL_ROOM,
        panel=FULL_FRAME,
    )
    grid = chosen_map(scene, trace, size)
    grid.set_x(FULL_FRAME.center[0])
    title.set_x(FULL_FRAME.center[0])
    stack([title, grid], TITLE_GAP, panel=FULL_FRAME)
    assert_inside(VGroup(title, grid), FULL_FRAME, "the chosen head")
    narrate(
        scene,
        f"Head {request.head} alone: each row of its weights sums to one.",
        FadeIn(title),
        FadeIn(grid),
        run_time=1.2,
    )
    scene.wait(1)
    scene.grids = {"A": grid}
    scene.figure(caption_chosen_head(request, trace))


def play_model_heads(scene: AttentionScene) -> None:
    scene.next_section("layer")
    play_layer(scene)
    scene.next_section("head")
    scene.clear_stage()
    play_head(scene)


def caption_layer_heads(request: attention.Request, traces) -> str:
    return (
        f"The attention weights of all {len(traces)} heads of layer {request.layer} of {request.model_name} "
        f"({size(request.T, request.T)} each) for '{request.text}', head {request.head} framed; "
        "each row sums to 1."
    )


def caption_chosen_head(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"Head {request.head} of layer {request.layer} of {request.model_name}: its attention weights A "
        f"({size(trace.T, trace.T_kv)}) for '{request.text}', row i being how much token i attends to each token."
    )


class LayerHeads(AttentionScene):
    """All heads of ``Request.layer`` of the request's pretrained model (``Request.layer_traces``), head
    ``Request.head`` picked out; a toy request is refused (the multi-head scene shows the toy's heads)."""

    part = Part(
        "heads",
        "A layer's heads",
        "A pretrained model's layer: every head's weight map side by side, the chosen head framed and alone",
        sections=(
            Section("layer", "Every head of the layer"),
            Section("head", "The chosen head"),
        ),
        needs=attention.Capability.LAYER_HEADS,
    )
    play_part = staticmethod(play_model_heads)
