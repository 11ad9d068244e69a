"""A small NumPy core for scaled dot-product attention that keeps every intermediate.

No drawing here: the scenes read the traces this package returns.
"""

from .core import cross_attention, multi_head_attention, self_attention, softmax
from .cross import CROSS_TARGET, cross_example
from .display import display, display_text
from .embedding import Embedding, embed, position_encoding, tokenize
from .example import VIDEO_SENTENCE, example
from .masking import masked_weights_are_zero, row_sums
from .padding import PAD, PaddedBatch, pad_batch, padding_mask
from .scaling import ScalingStudy, scaling_study
from .symmetry import mirrored_pair, tied_keys
from .trace import MultiHeadTrace, Trace
from .worked import dot_product, focus, softmax_row, weighted_sum

__version__ = "0.1.0"

__all__ = [
    "CROSS_TARGET", "Embedding", "MultiHeadTrace", "PAD", "PaddedBatch", "ScalingStudy", "Trace", "VIDEO_SENTENCE",
    "__version__", "cross_attention", "cross_example", "display", "display_text", "dot_product", "embed", "example",
    "focus", "masked_weights_are_zero", "mirrored_pair", "multi_head_attention", "pad_batch", "padding_mask",
    "position_encoding", "row_sums", "scaling_study", "self_attention", "softmax", "softmax_row", "tied_keys",
    "tokenize", "weighted_sum",
]
