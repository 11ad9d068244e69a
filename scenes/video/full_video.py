"""The whole video: the catalog's video parts in order, one section each, so clips per part fall out of one render."""

from __future__ import annotations

from scenes.catalog import VIDEO_PARTS
from scenes.video.sequence import SequenceScene, play_sequence, sequence_part


class FullVideo(SequenceScene):
    # each section is owned by the part it plays: its cues are numbered, and its code keyed, under that part
    part = sequence_part(
        "video",
        "Scaled dot-product self-attention",
        "The whole video: intro, tokens to Q K V, steps 1-4, shape tracking; a section per part",
        VIDEO_PARTS,
    )
    play_part = staticmethod(play_sequence)
