"""The lecture: the video's parts with the topic scenes where its viewers' questions arise, joined by spoken bridges.

Its order is the catalog's ``LECTURE_PARTS``. Between two of the video's own parts the video's continuity holds
(``play_sequence``); into a topic, and out of one back to the video, a bridge is spoken: one sentence, keyed by the
topic's scene name in ``BRIDGES``, while what the part before ended on shrinks aside and the next part's title
comes in (and, for a part that sits on the diagram, the step layout with its pointer at that part's box), so that
the screen is never a bare title card while the voice speaks.
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import DOWN, UP, Create, FadeIn, FadeOut, Group, SurroundingRectangle

from scenes.catalog import LECTURE_PARTS
from scenes.kit.block_diagram import STEP_BLOCKS
from scenes.kit.layout import RIGHT_PANEL
from scenes.kit.narration import narrate
from scenes.kit.text.pronunciation import written
from scenes.scene import AttentionScene, StepPanel
from scenes.video.sequence import SequenceScene, play_sequence, sequence_part

TITLE_Y = 1.6  # the next part's title, in the right pane's upper half
ASIDE_Y = -1.4  # what the part before ended on, shrunk under it
ASIDE_WIDTH, ASIDE_HEIGHT = 5.0, 3.2  # the box it shrinks into, in units
BRIDGE_TIME = 1.5  # seconds the shrinking and the title's coming in take


@dataclass(frozen=True)
class Bridge:
    """What is said going into a topic (``into``) and coming out of it back to the video (``out``), one sentence
    each, written as read aloud; ``box``: the diagram's block the topic explains, lit under the step pointer."""

    into: str
    out: str
    box: str | None = None


# keyed by scene name, so that a topic joins the lecture by one entry here and one in LECTURE_PARTS
BRIDGES: dict[str, Bridge] = {
    "EmbeddingScene": Bridge(
        "Before we use X, a question viewers ask: where does the matrix X itself come from?",
        "With X in hand, back to the video: X becomes queries, keys and values.",
    ),
    "WhyQKV": Bridge(
        "One X has just become three matrices, Q, K and V: why three, and what is V for?",
        "Back to the pipeline, where step 1 multiplies Q by K transposed.",
    ),
    "ScoreFunctions": Bridge(
        "A dot product is one way to score a query against a key; attention before the Transformer used others.",
        "Back to the scaled dot product, the Transformer's choice: step 2 scales the scores.",
    ),
    "WhyScale": Bridge(
        "Why divide by the square root of d k at all? Let us measure what happens without it.",
        "Scaled, the scores go on to the softmax.",
    ),
    "MaskingScene": Bridge(
        "Between Scale and Softmax the diagram has one optional box: the mask.",
        "Without a mask, back to step 3: a softmax on each row.",
        box="mask",
    ),
    "MultiHeadScene": Bridge(
        "That was one head; a Transformer layer runs several side by side.",
        "Many heads, one layer: back to a single head.",
    ),
    "CrossAttention": Bridge(
        "So far Q, K and V came from one sentence; a translator takes them from two.",
        "Back to self-attention, one sentence attending to itself.",
    ),
}


def bridge_at(before: type[AttentionScene], after: type[AttentionScene]) -> tuple[str, str, Bridge] | None:
    """The bridge of the join ``before`` -> ``after``: (which way, the part it is about, its texts), into a topic
    first, else out of one; None between two of the video's parts (or a topic without an entry in ``BRIDGES``)."""
    if not after.part.in_video and after.__name__ in BRIDGES:
        return "into", after.part.name, BRIDGES[after.__name__]
    if not before.part.in_video and before.__name__ in BRIDGES:
        return "out_of", before.part.name, BRIDGES[before.__name__]
    return None


def play_join(scene: AttentionScene, before: type[AttentionScene], after: type[AttentionScene]) -> None:
    """The spoken bridge between ``before`` and ``after`` if the join calls for one (``bridge_at``): the screen
    keeps what ``before`` ended on, shrunk aside, while ``after``'s title comes in and the bridge is said."""
    found = bridge_at(before, after)
    if found is None:
        return
    way, about, bridge = found
    theme = scene.theme
    carried = [m for m in scene.mobjects if m is not scene.panel]
    animations = [FadeOut(scene.panel)] if scene.panel is not None and scene.panel in scene.mobjects else []
    if carried:
        group = Group(*carried)
        factor = min(1.0, ASIDE_WIDTH / max(group.width, 1e-6), ASIDE_HEIGHT / max(group.height, 1e-6))
        animations.append(group.animate.scale(factor).move_to([RIGHT_PANEL.center[0], ASIDE_Y, 0]))
    title = theme.words(written(after.part.title.replace("_", " ")), font_size=theme.size.heading)
    title.scale_to_fit_width(min(title.width, RIGHT_PANEL.width - 0.4)).move_to([RIGHT_PANEL.center[0], TITLE_Y, 0])
    animations.append(FadeIn(title, shift=DOWN * 0.3))
    # the next part's place on the diagram: a step's box, or the box a topic explains, lit in the pointer's column
    box = STEP_BLOCKS.get(after.part.step) or (bridge.box if way == "into" else None)
    panel = None
    if box is not None:
        step = next(key for key, block in STEP_BLOCKS.items() if block == box)
        mask = box == "mask" or scene.trace.mask is not None
        panel = StepPanel(theme, step, with_mask=mask, label="Mask" if box == "mask" else None)
        ring = SurroundingRectangle(
            panel.diagram.block(box), color=theme.step_arrow, buff=0.05, stroke_width=theme.stroke.medium
        )
        animations += [FadeIn(panel, shift=UP * 0.1), Create(ring)]
    text = bridge.into if way == "into" else bridge.out
    narrate(scene, text, *animations, run_time=BRIDGE_TIME, cue=f"{scene.part.name}.{way}_{about}")
    # a step after the bridge takes the step layout over (its pointer moves on from here) and builds its own input
    scene.panel = panel if after.part.step is not None else None
    scene.grids = {}


def play_lecture(scene: AttentionScene) -> None:
    play_sequence(scene, play_join)


class Lecture(SequenceScene):
    """The lecture cut: ``LECTURE_PARTS`` in order, a section per section of each part, bridged into and out of
    every topic."""

    part = sequence_part(
        "lecture",
        "Scaled dot-product attention, the lecture",
        "The lecture: the video's parts with the topics where they belong (X, why Q K V, why sqrt(d_k), the mask, "
        "shapes, multi-head, cross-attention), bridged",
        LECTURE_PARTS,
    )
    play_part = staticmethod(play_lecture)
