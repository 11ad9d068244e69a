"""Every scene of the project, in order: the video's parts first, then the topics beyond the video.

A new topic scene is one file in scenes/topics/ and one entry here: the command line, the tests, the
benchmark and the figures all read this list, and the whole video plays its ``in_video`` parts in order.
"""

from __future__ import annotations

from scenes.scene import AttentionScene
from scenes.topics.cross_attention import CrossAttention
from scenes.topics.embedding import EmbeddingScene
from scenes.topics.kv_cache import KVCacheScene
from scenes.topics.masking import MaskingScene
from scenes.topics.model_heads import LayerHeads
from scenes.topics.multi_head import MultiHeadScene
from scenes.topics.online_softmax import OnlineSoftmaxScene
from scenes.topics.score_functions import ScoreFunctions
from scenes.topics.why_qkv import WhyQKV
from scenes.topics.why_scale import WhyScale
from scenes.video.intro import IntroScene
from scenes.video.shapes import ShapeTracking
from scenes.video.step_matmul import Step1MatMul
from scenes.video.step_output import Step4Output
from scenes.video.step_scale import Step2Scale
from scenes.video.step_softmax import Step3Softmax
from scenes.video.tokens import TokensToQKV

SCENES: tuple[type[AttentionScene], ...] = (
    IntroScene,
    TokensToQKV,
    Step1MatMul,
    Step2Scale,
    Step3Softmax,
    Step4Output,
    ShapeTracking,
    WhyScale,
    ScoreFunctions,
    CrossAttention,
    WhyQKV,
    EmbeddingScene,
    MaskingScene,
    MultiHeadScene,
    LayerHeads,
    KVCacheScene,
    OnlineSoftmaxScene,
)
VIDEO_PARTS: tuple[type[AttentionScene], ...] = tuple(scene for scene in SCENES if scene.part.in_video)
# the lecture (scenes/video/lecture.py): the video's parts with each topic where its question arises
LECTURE_PARTS: tuple[type[AttentionScene], ...] = (
    IntroScene,
    TokensToQKV,
    EmbeddingScene,
    WhyQKV,
    Step1MatMul,
    ScoreFunctions,
    Step2Scale,
    WhyScale,
    MaskingScene,
    Step3Softmax,
    Step4Output,
    ShapeTracking,
    MultiHeadScene,
    CrossAttention,
)
