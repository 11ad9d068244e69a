"""Pretrained models as sources of attention traces, run by the core's NumPy arithmetic.

What belongs here: one module per model family for its forward pass (``bert.py``), one per model for
finding, checking and loading its installed files (``minilm.py``), the file checks they share
(``files.py``), and the table of models a request may name with their cached traces (``source.py``).
Weights come from installed pip distributions, never from a network.
"""

from .files import ModelError
from .minilm import MODEL_NAME, Encoding, PretrainedModel, load_model
from .source import MODELS, ModelCard, check_source, layer_traces, model_tokens, model_trace

__all__ = [
    "MODELS",
    "MODEL_NAME",
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
