"""A small NumPy core for scaled dot-product attention that keeps every intermediate.

No drawing here: the scenes read the traces this package returns.
"""

from .core import cross_attention, multi_head_attention, self_attention, softmax
from .display import display, display_text
from .embedding import Embedding, embed, position_encoding, tokenize
from .example import VIDEO_SENTENCE, example
from .trace import MultiHeadTrace, Trace
from .worked import dot_product, focus, softmax_row, weighted_sum

__version__ = "0.1.0"

__all__ = [
    "Embedding", "MultiHeadTrace", "Trace", "VIDEO_SENTENCE", "__version__",
    "cross_attention", "display", "display_text", "dot_product", "embed", "example", "focus",
    "multi_head_attention", "position_encoding", "self_attention", "softmax",
    "softmax_row", "tokenize", "weighted_sum",
]
