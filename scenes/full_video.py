"""The whole video: every part in order, one section per step, so clips per step fall out of one render."""

from __future__ import annotations

from .base import AttentionScene
from .intro import play_intro
from .shapes import play_shapes
from .step_matmul import play_matmul
from .step_output import play_output
from .step_scale import play_scale
from .step_softmax import play_softmax
from .tokens import play_tokens

# (section name, part); the four steps keep the diagram and divider on screen between them
PARTS = (
    ("intro", play_intro),
    ("tokens", play_tokens),
    ("step1_matmul", play_matmul),
    ("step2_scale", play_scale),
    ("step3_softmax", play_softmax),
    ("step4_output", play_output),
    ("shapes", play_shapes),
)
STEPS = {"step1_matmul", "step2_scale", "step3_softmax", "step4_output"}


class FullVideo(AttentionScene):
    step = "video"
    description = "The whole video: intro, tokens to Q K V, steps 1-4, shape tracking; a section per part"

    def construct(self):
        for n, (name, part) in enumerate(PARTS):
            if n:
                panel = getattr(self, "_panel", None)
                self.clear_stage(keep=[panel] if name in STEPS and panel is not None else [])
            self.next_section(name)
            part(self)
