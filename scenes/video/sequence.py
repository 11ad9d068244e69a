"""A movie of other scenes' parts played one after the other in one scene: the whole video and the lecture.

A sequence declares its parts once (a tuple of scene classes, from the catalog) and gets from it its sections (each
owned by the part that plays it, so its cues, its figures and its render cache key are that part's), its check of the
inputs and its one-line refusal of a trace source some part cannot draw. ``play_sequence`` plays the parts with the
video's continuity: a pipeline step takes over what the one before left, any other part clears the stage while its
first drawing comes in; a ``join`` may add something spoken between two parts (the lecture's bridges).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import attention
from scenes.kit.narration import cue_owner
from scenes.scene import AttentionScene, Part, Section, SourceError


def sequence_sections(parts) -> tuple[Section, ...]:
    """One section per section of each part, in order, owned by that part and named as the part's own cues are
    numbered: a part's name when it has one section ("step1_matmul"), else "<part>-<section>" ("masking-causal_mask"),
    so that no two parts' sections share a name and a cue id is the same in the part's own scene and here.

    Examples
    --------
    >>> from scenes.topics.masking import MaskingScene
    >>> [s.name for s in sequence_sections((MaskingScene,))]
    ['masking-causal_mask', 'masking-causal_output', 'masking-padding_mask']
    """
    return tuple(
        Section(cue_owner(part, name), part.part.section_title(name), owner=part)
        for part in parts
        for name in part.part.section_names
    )


@dataclass(frozen=True)
class SequencePart(Part):
    """The ``Part`` of a sequence: ``parts``, the scenes it plays in order (its sections follow from them); it needs
    what any of them needs, and its refusal names the parts that cannot draw a request."""

    parts: tuple[type[AttentionScene], ...] = ()

    def refusal(self, scene: str, request: attention.Request) -> str | None:
        refused = [part for part in self.parts if part.part.refusal(part.__name__, request) is not None]
        if not refused:
            return None
        names = ", ".join(part.__name__ for part in refused)
        return (
            f"{scene} ({self.name}) plays parts drawn from the toy model only ({names}), which cannot show "
            f"{request.source.name}'s heads; leave out --model for it"
        )


def sequence_part(name: str, title: str, description: str, parts) -> SequencePart:
    """The part of a sequence of ``parts``: its sections one per section of each part, its needs theirs."""
    needs = attention.Capability(0)
    for part in parts:
        needs |= part.part.needs
    return SequencePart(name, title, description, sections=sequence_sections(parts), needs=needs, parts=tuple(parts))


# a join between two parts: called at the start of the later part's first section, after the one before ended;
# it plays what carries the story across (a spoken bridge) if the two call for one
Join = Callable[[AttentionScene, type[AttentionScene], type[AttentionScene]], None]


def play_sequence(scene: SequenceScene, join: Join | None = None) -> None:
    """Play ``scene``'s parts in order, each from the start of its first section; ``join(scene, before, after)``
    between two parts, in the later one's first section."""
    before = None
    for part_scene in scene.part.parts:
        scene.playing = part_scene
        scene.next_section(cue_owner(part_scene, part_scene.part.section_names[0]))
        if before is not None and join is not None:
            join(scene, before, part_scene)
        # a step takes over what the one before left (its own hand-over fades the rest); any other part clears
        # the stage at the start of its own section, so that every clip ends on its content, while its first
        # drawing comes in, so that the screen is never blank while it speaks
        if before is not None and part_scene.part.step is None:
            scene.clear_stage(during_next_play=True)
        part_scene.play_part(scene)
        before = part_scene


class SequenceScene(AttentionScene):
    """A scene that plays other scenes' parts: its ``part`` is a ``SequencePart`` (``sequence_part``). A part of
    several sections opens them itself by their own names; the sequence opens them under its names for them."""

    part: ClassVar[SequencePart]
    playing: type[AttentionScene] | None = None  # the part being played

    def section_name(self, name: str) -> str | None:
        if self.playing is not None and name in self.playing.part.section_names:
            name = cue_owner(self.playing, name)
        if self.log.played and self.log.played[-1] == name:
            return None  # the sequence opened the part's first section already, for what joins it to the one before
        return name

    @classmethod
    def check_inputs(cls, inputs) -> None:
        refusal = cls.part.refusal(cls.__name__, inputs.request)
        if refusal is not None:
            raise SourceError(refusal)
        for part in cls.part.parts:
            part.check_inputs(inputs)
