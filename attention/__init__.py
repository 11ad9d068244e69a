"""A small NumPy core for scaled dot-product attention that keeps every intermediate.

What belongs here: the arithmetic, in float64, returning frozen traces (``Trace``, ``MultiHeadTrace``);
the record of what the user asked for (``Request``) and the named traces derived from it; the numbers
the worked callouts show (``worked``); attention as it runs (``online_softmax``: key blocks and tiles;
``kv_cache``: decoding with a key/value cache); the sources of traces behind one interface (``source.py``: the
``TraceSource`` protocol and its ``Capability`` flags), the toy model (``toy.py``) and pretrained models' loading
and forward passes (``models/``). No drawing and no Manim import: the scenes read what this package returns.
"""

from importlib.metadata import PackageNotFoundError, version

from .core import cross_attention, multi_head_attention, self_attention, softmax
from .display import display, display_text, fold, folded
from .embedding import Embedding, embed, position_encoding, tokenize
from .kv_cache import CachedDecoding, CacheSize, DecodeStep, cache_size, cached_decode, replay
from .masking import masked_weights_are_zero, row_sums
from .models import MODELS, Encoding, ModelCard, ModelError, PretrainedModel, load_model
from .online_softmax import OnlineSoftmax, online_attention, online_row, online_softmax, tiling_bytes
from .padding import PAD, PaddedBatch, pad_batch, padding_mask
from .request import Request, model_example
from .scaling import ScalingStudy, scaling_study
from .score_functions import KINDS as SCORE_KINDS
from .score_functions import ScoreFunctions, parameter_counts, work_counts
from .source import Capability, Sizes, TraceSource
from .symmetry import mirrored_pair, tied_keys
from .toy import CROSS_TARGET, VIDEO_SENTENCE, cross_example, example
from .trace import MultiHeadTrace, Trace
from .worked import dot_product, focus, softmax_row, weighted_sum

try:
    __version__ = version("self-attention-animated")  # one version, in pyproject.toml
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "unknown"

__all__ = [
    "CROSS_TARGET",
    "CacheSize",
    "CachedDecoding",
    "Capability",
    "DecodeStep",
    "Sizes",
    "TraceSource",
    "Embedding",
    "MultiHeadTrace",
    "OnlineSoftmax",
    "PAD",
    "PaddedBatch",
    "Request",
    "ScalingStudy",
    "ScoreFunctions",
    "Trace",
    "VIDEO_SENTENCE",
    "__version__",
    "cache_size",
    "cached_decode",
    "cross_attention",
    "cross_example",
    "display",
    "display_text",
    "fold",
    "folded",
    "dot_product",
    "embed",
    "example",
    "model_example",
    "focus",
    "masked_weights_are_zero",
    "mirrored_pair",
    "online_attention",
    "online_row",
    "online_softmax",
    "multi_head_attention",
    "pad_batch",
    "padding_mask",
    "position_encoding",
    "replay",
    "row_sums",
    "scaling_study",
    "SCORE_KINDS",
    "parameter_counts",
    "work_counts",
    "self_attention",
    "softmax",
    "softmax_row",
    "tied_keys",
    "tiling_bytes",
    "tokenize",
    "weighted_sum",
    "Encoding",
    "ModelError",
    "MODELS",
    "ModelCard",
    "PretrainedModel",
    "load_model",
]
