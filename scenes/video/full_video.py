"""The whole video: the catalog's video parts in order, one section each, so clips per part fall out of one render."""

from __future__ import annotations

from scenes.catalog import VIDEO_PARTS
from scenes.scene import AttentionScene, Part, Section


def play_video(scene: AttentionScene) -> None:
    for n, section in enumerate(scene.part.sections):
        part_scene = section.owner
        part = part_scene.part
        scene.next_section(section.name)
        # a step takes over what the one before left (its own hand-over fades the rest); any other part clears
        # the stage at the start of its own section, so that every clip ends on its content, while its first
        # drawing comes in, so that the screen is never blank while it speaks
        if n and part.step is None:
            scene.clear_stage(during_next_play=True)
        part_scene.play_part(scene)


class FullVideo(AttentionScene):
    part = Part(
        "video",
        "Scaled dot-product self-attention",
        "The whole video: intro, tokens to Q K V, steps 1-4, shape tracking; a section per part",
        # each section is owned by the part it plays: its cues are numbered, and its code keyed, under that part
        sections=tuple(Section(scene.part.name, scene.part.title, owner=scene) for scene in VIDEO_PARTS),
    )
    play_part = staticmethod(play_video)

    @classmethod
    def check_inputs(cls, inputs) -> None:
        for section in cls.part.sections:
            section.owner.check_inputs(inputs)
