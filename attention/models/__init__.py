"""Pretrained models as sources of attention traces, run by the core's NumPy arithmetic.

What belongs here: one module per model family for its forward pass (``bert.py``, ``llama.py``), one per
model for finding, checking and loading its installed files (``minilm.py``, ``smollm2.py``), what they
share (``files.py``: finding and checks; ``numbering.py``: layers and heads from 1), the readers of a
file format or vocabulary (``gguf_file.py``, ``byte_bpe.py``), the trace sources of an encoder and a decoder
(``pretrained.py``), and the table of models a request may name (``table.py``).
Weights come from installed pip distributions, never from a network.
"""

from .files import ModelError
from .minilm import MODEL_NAME, Encoding, PretrainedModel, load_model
from .pretrained import DecoderSource, EncoderSource, PretrainedSource
from .smollm2 import DecoderModel, Decoding
from .table import MODELS, ModelCard, card_of, source_of

__all__ = [
    "MODELS",
    "MODEL_NAME",
    "DecoderModel",
    "Decoding",
    "Encoding",
    "ModelCard",
    "ModelError",
    "PretrainedModel",
    "DecoderSource",
    "EncoderSource",
    "PretrainedSource",
    "card_of",
    "load_model",
    "source_of",
]
