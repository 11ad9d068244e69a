"""Pretrained models as sources of attention traces, run by the core's NumPy arithmetic.

What belongs here: one module per model family for its forward pass (``bert.py``, ``llama.py``), one per
model for finding, checking and loading its installed files (``minilm.py``, ``smollm2.py``), what they
share (``files.py``: finding and checks; ``numbering.py``: layers and heads from 1), the readers of a
file format or vocabulary (``gguf_file.py``, ``byte_bpe.py``), and the table of models a request may
name with their cached traces (``source.py``).
Weights come from installed pip distributions, never from a network.
"""

from .files import ModelError
from .minilm import MODEL_NAME, Encoding, PretrainedModel, load_model
from .smollm2 import DecoderModel, Decoding
from .source import MODELS, ModelCard, check_source, layer_traces, model_tokens, model_trace

__all__ = [
    "MODELS",
    "MODEL_NAME",
    "DecoderModel",
    "Decoding",
    "Encoding",
    "ModelCard",
    "ModelError",
    "PretrainedModel",
    "check_source",
    "layer_traces",
    "load_model",
    "model_tokens",
    "model_trace",
]
