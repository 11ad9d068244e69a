"""Every scene of the project, in order: the video's parts first, then the topics beyond the video.

A new topic scene is one file in scenes/ and one entry here: the command line, the tests, the
benchmark and the figures all read this list, and the whole video plays its ``in_video`` parts in order.
"""

from __future__ import annotations

from scenes.base import AttentionScene
from scenes.cross_attention import CrossAttention
from scenes.embedding import EmbeddingScene
from scenes.intro import IntroScene
from scenes.masking import MaskingScene
from scenes.model_heads import LayerHeads
from scenes.multi_head import MultiHeadScene
from scenes.shapes import ShapeTracking
from scenes.step_matmul import Step1MatMul
from scenes.step_output import Step4Output
from scenes.step_scale import Step2Scale
from scenes.step_softmax import Step3Softmax
from scenes.tokens import TokensToQKV
from scenes.why_qkv import WhyQKV
from scenes.why_scale import WhyScale

SCENES: tuple[type[AttentionScene], ...] = (
    IntroScene,
    TokensToQKV,
    Step1MatMul,
    Step2Scale,
    Step3Softmax,
    Step4Output,
    ShapeTracking,
    WhyScale,
    CrossAttention,
    WhyQKV,
    EmbeddingScene,
    MaskingScene,
    MultiHeadScene,
    LayerHeads,
)
VIDEO_PARTS: tuple[type[AttentionScene], ...] = tuple(scene for scene in SCENES if scene.part.in_video)
