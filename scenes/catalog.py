"""Every scene, in the order of the video."""

from __future__ import annotations

from .cross_attention import CrossAttention
from .embedding import EmbeddingScene
from .full_video import FullVideo
from .intro import IntroScene
from .masking import MaskingScene
from .multi_head import MultiHeadScene
from .shapes import ShapeTracking
from .step_matmul import Step1MatMul
from .step_output import Step4Output
from .step_scale import Step2Scale
from .step_softmax import Step3Softmax
from .tokens import TokensToQKV
from .why_qkv import WhyQKV
from .why_scale import WhyScale

SCENES = (IntroScene, TokensToQKV, Step1MatMul, Step2Scale, Step3Softmax, Step4Output, ShapeTracking,
          WhyScale, CrossAttention, WhyQKV, EmbeddingScene, MaskingScene, MultiHeadScene, FullVideo)


def by_name(name: str):
    for scene in SCENES:
        if scene.__name__ == name:
            return scene
    known = ", ".join(s.__name__ for s in SCENES)
    raise KeyError(f"unknown scene {name!r}; known scenes: {known}")
