"""Why divide by sqrt(d_k), measured: Var(q.k) grows like d_k and the unscaled softmax turns one-hot."""

from __future__ import annotations

import math

from manim import DOWN, LEFT, RIGHT, UP, Axes, Create, DashedLine, Dot, FadeIn, VGroup, VMobject
from manim.mobject.graphing.scale import LogBase

import attention
from scenes.kit.captions import number
from scenes.kit.layout import FULL_FRAME, LayoutError, assert_inside
from scenes.kit.legibility import readable_font_size
from scenes.kit.lens import STRUT, MathLine, Num, ValueStrip, readable_cell
from scenes.kit.narration import narrate
from scenes.kit.text.notation import D, tex_number
from scenes.scene import AttentionScene, Part, Section

PLOT_WIDTH, PLOT_HEIGHT = 4.8, 1.5
DK = rf"{D}_k"
UNSCALED, SCALED = "S", "R"  # matrix colours: the scores' purple, the result's blue
COLUMN = 1.45  # table column pitch
TABLE_LINE = 0.06  # between the table's rows


def log2_span(values) -> tuple[int, int]:
    """The powers of two just around ``values``: the axis range of a log2 axis (layout only)."""
    return math.floor(math.log2(min(values))), math.ceil(math.log2(max(values)))


def plot(scene: AttentionScene, study, y_scaling, y_range, y_ticks, y_label: str) -> tuple[Axes, VGroup]:
    """Axes with a log2 d_k axis, and its labels: d_k ticks labelled with the study's widths, ``y_ticks``
    labelled, and the axes' titles."""
    theme = scene.theme
    x_low, x_high = log2_span(study.d_ks)
    axes = Axes(
        x_range=[x_low, x_high, 1],
        y_range=y_range,
        x_length=PLOT_WIDTH,
        y_length=PLOT_HEIGHT,
        tips=False,
        x_axis_config={"scaling": LogBase(2)},
        y_axis_config={"scaling": y_scaling} if y_scaling else {},
        axis_config={"color": theme.text, "stroke_width": theme.stroke.thin, "tick_size": 0.06},
    )
    origin_y = axes.x_axis.get_center()[1]
    labels = VGroup()
    for d_k in study.d_ks:
        label = theme.math(str(int(d_k)), font_size=theme.size.small)
        label.move_to([axes.c2p(d_k, y_ticks[0][0])[0], origin_y - 0.25, 0])
        labels.add(label)
    for value, text in y_ticks:
        label = theme.math(text, font_size=theme.size.small)
        label.next_to(axes.c2p(2**x_low, value), LEFT, buff=0.12)
        labels.add(label)
    x_title = theme.math(DK, font_size=theme.size.callout).next_to(axes.x_axis, DOWN, buff=0.45)
    y_title = theme.math(y_label, font_size=theme.size.callout).next_to(axes, UP, buff=0.2).align_to(axes, LEFT)
    return axes, VGroup(labels, x_title, y_title)


def series(scene: AttentionScene, axes: Axes, d_ks, values, key: str) -> VGroup:
    """Measured points joined by a line, in the matrix colour ``key``."""
    color = scene.theme.matrix_color(key)
    points = [axes.c2p(d, v) for d, v in zip(d_ks, values, strict=True)]
    line = VMobject(stroke_color=color, stroke_width=scene.theme.stroke.regular).set_points_as_corners(points)
    dots = VGroup(*[Dot(p, radius=0.07, color=color) for p in points])
    return VGroup(line, dots)


def table(scene: AttentionScene, study) -> VGroup:
    """The measured numbers, one column per d_k, rounded by the core's display(); one VGroup(head, cells) a row."""
    theme, dec = scene.theme, scene.inputs.decimals
    rows = {
        "d_k": (DK, [str(int(d)) for d in study.d_ks], theme.text),
        "score_variance": (
            r"\mathrm{Var}(q\cdot k)",
            [tex_number(v, dec) for v in study.score_variance],
            theme.matrix_color(UNSCALED),
        ),
        "scaled_variance": (
            rf"\mathrm{{Var}}(q\cdot k/\sqrt{{{DK}}})",
            [tex_number(v, dec) for v in study.scaled_variance],
            theme.matrix_color(SCALED),
        ),
        "max_weight_unscaled": (
            r"\text{mean max softmax}(q\cdot k)",
            [tex_number(v, dec) for v in study.max_weight_unscaled],
            theme.matrix_color(UNSCALED),
        ),
        "max_weight_scaled": (
            rf"\text{{mean max softmax}}(q\cdot k/\sqrt{{{DK}}})",
            [tex_number(v, dec) for v in study.max_weight_scaled],
            theme.matrix_color(SCALED),
        ),
    }
    size = readable_font_size(theme)
    heads = VGroup(*[theme.math(head + STRUT, font_size=size, color=color) for head, _, color in rows.values()])
    heads.arrange(DOWN, buff=TABLE_LINE, aligned_edge=RIGHT)
    lines = VGroup()
    for (_, texts, color), head in zip(rows.values(), heads, strict=True):
        # numbers drawn from glyphs (tex_number's ASCII minus back to a true one): no LaTeX per measured value
        cells = VGroup(*[MathLine(theme, Num(text.replace("-", "\u2212")), color=color) for text in texts])
        for n, cell in enumerate(cells):
            cell.move_to([heads.get_right()[0] + COLUMN * (n + 0.7), head.get_center()[1], 0])
        lines.add(VGroup(head, cells))
    return lines


def end_label(scene: AttentionScene, axes: Axes, group: VGroup, text: str, key: str) -> VGroup:
    """The name of a series, right of its last point."""
    label = scene.theme.math(text, font_size=scene.theme.size.small, color=scene.theme.matrix_color(key))
    return label.next_to(group[1][-1], RIGHT, buff=0.12)


def sample_rows(scene: AttentionScene, study) -> tuple[VGroup, list[ValueStrip]]:
    """One row of weights at the largest d_k, unscaled and scaled, as two readable strips under a caption."""
    theme, dec = scene.theme, scene.inputs.decimals
    caption = theme.math(rf"\text{{one row, }}{DK} = {int(study.d_ks[-1])}:", font_size=readable_font_size(theme))
    names = (r"\mathrm{softmax}(q\cdot k)", rf"\mathrm{{softmax}}(q\cdot k/\sqrt{{{DK}}})")
    rows = (study.sample_unscaled[-1], study.sample_scaled[-1])
    cell = max(readable_cell(row, dec, theme) for row in rows)
    # the series' colours, on grey outlines: these rows are samples, not attention's result
    strips = [
        ValueStrip(
            theme, row, key, name, max_width=FULL_FRAME.width, decimals=dec, cell=cell, stroke_color=theme.grid_line
        )
        for row, key, name in zip(rows, (UNSCALED, SCALED), names, strict=True)
    ]
    body = VGroup(*strips).arrange(DOWN, buff=TABLE_LINE * 2, aligned_edge=RIGHT)
    return VGroup(caption, body).arrange(DOWN, buff=TABLE_LINE * 2, aligned_edge=LEFT), strips


def play_why_scale(scene: AttentionScene) -> None:
    theme = scene.theme
    study = scene.request.scaling_study()
    title = theme.tex(rf"Why divide by $\sqrt{{{DK}}}$?", font_size=theme.size.heading).to_edge(UP, buff=0.25)
    low, high = log2_span([*study.score_variance, *study.scaled_variance])
    var_ticks = [(2**p, str(2**p)) for p in range(low + low % 2, high + 1, 2)]
    variance, variance_labels = plot(scene, study, LogBase(2), [low, high, 1], var_ticks, r"\mathrm{Var}(\text{score})")
    peak, peak_labels = plot(
        scene, study, None, [0, 1, 0.25], [(0, "0"), (1, "1")], r"\text{mean max softmax of a row}"
    )
    curves = {
        "unscaled": series(scene, variance, study.d_ks, study.score_variance, UNSCALED),
        "scaled": series(scene, variance, study.d_ks, study.scaled_variance, SCALED),
        "collapse": series(scene, peak, study.d_ks, study.max_weight_unscaled, UNSCALED),
        "spread": series(scene, peak, study.d_ks, study.max_weight_scaled, SCALED),
    }
    names = {"unscaled": (r"q\cdot k", UNSCALED), "scaled": (rf"q\cdot k/\sqrt{{{DK}}}", SCALED)}
    labels = {
        name: end_label(scene, axes, curves[name], *names[kind])
        for name, axes, kind in (
            ("unscaled", variance, "unscaled"),
            ("scaled", variance, "scaled"),
            ("collapse", peak, "unscaled"),
            ("spread", peak, "scaled"),
        )
    }
    ends = [variance.c2p(study.d_ks[0], study.d_ks[0]), variance.c2p(study.d_ks[-1], study.d_ks[-1])]
    reference = DashedLine(*ends, color=theme.divider, stroke_width=theme.stroke.guide, stroke_opacity=0.6)
    reference_label = theme.math(rf"\mathrm{{Var}} = {DK}", font_size=theme.size.note, color=theme.divider)
    reference_label.next_to(variance.c2p(study.d_ks[1], study.d_ks[2]), UP, buff=0.05)
    left = VGroup(
        variance,
        variance_labels,
        curves["unscaled"],
        curves["scaled"],
        labels["unscaled"],
        labels["scaled"],
        reference,
        reference_label,
    )
    right = VGroup(peak, peak_labels, curves["collapse"], curves["spread"], labels["collapse"], labels["spread"])
    plots = VGroup(left, right).arrange(RIGHT, buff=0.6).next_to(title, DOWN, buff=0.2)
    numbers = table(scene, study).next_to(plots, DOWN, buff=0.2)
    rows, strips = sample_rows(scene, study)
    rows.next_to(numbers, DOWN, buff=0.2)
    VGroup(numbers, rows).set_x(0)
    assert_inside(VGroup(title, plots, numbers, rows), FULL_FRAME, "the scaling study")
    if any(len(strip.grids) != 1 for strip in strips):
        raise LayoutError("a sample row of the scaling study does not fit on one line")
    scene.explain(numbers)

    scene.next_section("variance")
    scene.play(FadeIn(title), run_time=0.5)  # on screen before the voice starts
    narrate(
        scene,
        f"For growing d k, draw {study.n_queries} unit-variance queries, each against {study.n_keys} keys.",
        Create(variance),
        FadeIn(variance_labels),
        run_time=1.5,
    )
    narrate(
        scene,
        "A dot product of d k unit-variance terms should have variance d k.",
        Create(reference),
        FadeIn(reference_label),
    )
    narrate(
        scene,
        "Measured: the variance of q dot k grows like d k.",
        FadeIn(numbers[:2]),
        Create(curves["unscaled"]),
        FadeIn(labels["unscaled"]),
        run_time=1.5,
    )
    narrate(
        scene,
        "Divided by the square root of d k, the variance stays at one.",
        FadeIn(numbers[2]),
        Create(curves["scaled"]),
        FadeIn(labels["scaled"]),
        run_time=1.5,
    )

    scene.next_section("softmax")
    narrate(scene, "What does that do to the softmax of a row?", Create(peak), FadeIn(peak_labels))
    narrate(
        scene,
        "Unscaled, a row piles nearly all its weight on one key: the softmax saturates.",
        FadeIn(numbers[3]),
        Create(curves["collapse"]),
        FadeIn(labels["collapse"]),
        run_time=1.5,
    )
    narrate(
        scene,
        "Scaled, the weights keep their spread whatever d k.",
        FadeIn(numbers[4]),
        Create(curves["spread"]),
        FadeIn(labels["spread"]),
        run_time=1.5,
    )

    scene.next_section("one_row")
    narrate(
        scene,
        f"One row at d k = {int(study.d_ks[-1])}: nearly one-hot unscaled, spread out scaled.",
        FadeIn(rows),
        run_time=1.2,
    )
    scene.explain(rows)
    scene.wait(1)
    scene.grids = {"softmax(q.k)": strips[0].grids[0], "softmax(q.k/sqrt(d_k))": strips[1].grids[0]}
    scene.figure(caption_why_scale(study))


def caption_why_scale(study: attention.ScalingStudy) -> str:
    return (
        f"Why divide by \u221ad_k, measured on {study.n_queries} queries of {study.n_keys} keys (seed "
        f"{study.seed}): Var(q\u00b7k) grows like d_k ({number(study.score_variance[0])} at d_k = "
        f"{int(study.d_ks[0])}, {number(study.score_variance[-1])} at {int(study.d_ks[-1])}), scaled it stays "
        f"near 1, and the unscaled softmax turns one-hot."
    )


class WhyScale(AttentionScene):
    part = Part(
        "why_scale",
        "Why divide by √d_k?",
        "Why divide by sqrt(d_k): Var(q.k) grows like d_k and the unscaled softmax turns one-hot, measured",
        sections=(
            Section("variance", "The variance of q·k grows with d_k"),
            Section("softmax", "An unscaled softmax saturates"),
            Section("one_row", "One row, unscaled and scaled"),
        ),
        needs=attention.Capability.SEEDED,
    )
    play_part = staticmethod(play_why_scale)
