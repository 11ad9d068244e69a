"""The paper's scaled dot-product attention diagram, and the magenta "Step N" pointer."""

from __future__ import annotations

from itertools import pairwise

from manim import LEFT, RIGHT, Arrow, RoundedRectangle, VGroup

from scenes.kit.theme import Theme

# Bottom to top, as in the paper's figure 2 (left).
BLOCKS = (
    ("matmul_scores", "MatMul"),
    ("scale", "Scale"),
    ("mask", "Mask (Opt.)"),
    ("softmax", "Softmax"),
    ("matmul_values", "MatMul"),
)
# "mask": the optional block between steps 2 and 3, pointed at with a label of its own
STEP_BLOCKS = {1: "matmul_scores", 2: "scale", 3: "softmax", 4: "matmul_values", "mask": "mask"}


class BlockDiagram(VGroup):
    """Q, K -> MatMul -> Scale -> [Mask (Opt.)] -> Softmax -> MatMul <- V, at full size (height ~6).

    Use ``.scale()`` for the small form beside the matrices; ``block(name)`` finds a block.
    """

    def __init__(self, theme: Theme, with_mask: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.theme = theme
        stroke = theme.block["stroke"]
        self.blocks: dict[str, VGroup] = {}
        gap, height, y = 0.55, 0.66, 0.0
        for key, title in BLOCKS:
            if key == "mask" and not with_mask:
                continue
            kind = title.split()[0]
            words = theme.words(title, font_size=theme.size.label, color=theme.text)
            box = RoundedRectangle(
                corner_radius=0.14,
                width=words.width + 0.45,
                height=height,
                fill_color=theme.block[kind],
                fill_opacity=1.0,
                stroke_color=stroke,
                stroke_width=theme.stroke.medium,
            )
            words.move_to(box)
            block = VGroup(box, words).move_to([0, y, 0])
            self.blocks[key] = block
            y += height + gap
        top = self.blocks["matmul_values"]
        # V rises right of every lower block and enters the top MatMul's right part
        self.v_x = max(b.get_right()[0] for k, b in self.blocks.items() if b is not top) + 0.35
        top.shift(RIGHT * (self.v_x + 0.5 - top.get_right()[0]))

        def arrow(start, end):
            return Arrow(
                start,
                end,
                buff=0,
                stroke_width=theme.stroke.bold,
                color=theme.arrow,
                max_tip_length_to_length_ratio=0.45,
                tip_length=0.2,
            )

        arrows = VGroup()
        chain = [self.blocks[k] for k, _ in BLOCKS if k in self.blocks]
        for lower, upper in pairwise(chain):
            x = lower.get_center()[0] if upper is not top else top.get_left()[0] + 0.4
            arrows.add(arrow([x, lower.get_top()[1], 0], [x, upper.get_bottom()[1], 0]))
        bottom = self.blocks["matmul_scores"]
        label_y = bottom.get_bottom()[1] - 0.95
        self.inputs = VGroup()
        for name, x in (("Q", bottom.get_center()[0] - 0.45), ("K", bottom.get_center()[0] + 0.45), ("V", self.v_x)):
            letter = theme.words(name, font_size=theme.size.title).move_to([x, label_y, 0])
            end_y = bottom.get_bottom()[1] if name != "V" else top.get_bottom()[1]
            arrows.add(arrow([x, letter.get_top()[1] + 0.08, 0], [x, end_y, 0]))
            self.inputs.add(letter)
        out_x = top.get_left()[0] + 0.4
        arrows.add(arrow([out_x, top.get_top()[1], 0], [out_x, top.get_top()[1] + 0.5, 0]))
        self.arrows = arrows
        self.add(*self.blocks.values(), arrows, self.inputs)

    def block(self, key: str) -> VGroup:
        return self.blocks[key]


class StepPointer(VGroup):
    """'Step N' (or ``label``) and a magenta arrow pointing at the block of that step."""

    def __init__(
        self,
        theme: Theme,
        step: int | str,
        diagram: BlockDiagram,
        font_size: float | None = None,
        label: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        target = diagram.block(STEP_BLOCKS[step])
        tip = target.get_left() + LEFT * 0.05
        self.arrow = Arrow(
            tip + LEFT * 0.45,
            tip,
            buff=0,
            color=theme.step_arrow,
            stroke_width=theme.stroke.medium,
            max_tip_length_to_length_ratio=0.3,
            tip_length=0.14,
        )
        self.label = theme.words(label or f"Step {step}", font_size=font_size or theme.size.note).next_to(
            self.arrow, LEFT, buff=0.1
        )
        self.add(self.arrow, self.label)
