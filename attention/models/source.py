"""A pretrained model as the source of a Request's trace: which models a request may name, the checks on
its layer and head, and the model's tokens and traces for a sentence, computed once per process.

What belongs here: the small table of known models (``MODELS``, by short name, with the sizes a request
is checked against before any weight is read), the checks, and cached calls into ``minilm.py``.
The forward pass itself is ``bert.py``'s; loading and verifying the files is ``minilm.py``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..trace import Trace
from .files import ModelError
from .minilm import MODEL_NAME, Encoding, load_model


@dataclass(frozen=True)
class ModelCard:
    """A model a request may name: its short name (the command line's), its published name and its sizes."""

    key: str
    name: str
    layers: int
    heads: int
    d_model: int

    @property
    def d_k(self) -> int:
        return self.d_model // self.heads


MODELS = {"minilm": ModelCard("minilm", MODEL_NAME, layers=6, heads=12, d_model=384)}


def card_of(model: str) -> ModelCard:
    """The card of ``model``, by short name or published name (any case); ValueError naming the known ones."""
    if not isinstance(model, str):
        raise TypeError(f"model must be a model's name, got {type(model).__name__} {model!r}")
    wanted = model.strip().lower()
    for card in MODELS.values():
        if wanted in (card.key, card.name.lower()):
            return card
    known = ", ".join(f"{card.key} ({card.name})" for card in MODELS.values())
    raise ValueError(f"unknown model {model!r}; known models: {known}")


def _numbered(card: ModelCard, name: str, value, top: int) -> int:
    """A layer or head number from 1 (default 1), checked against the model's count, in one line."""
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer from 1 to {top}, got {type(value).__name__} {value!r}")
    if not 1 <= value <= top:
        raise ValueError(f"{name} must be 1 to {top} ({card.name} has {top} {name}s, numbered from 1), got {value}")
    return int(value)


def check_source(model: str, layer, head) -> tuple[ModelCard, int, int]:
    """The model's card and the layer and head (each 1 when not given), checked without reading any weight."""
    card = card_of(model)
    return card, _numbered(card, "layer", layer, card.layers), _numbered(card, "head", head, card.heads)


@lru_cache(maxsize=16)
def encoding(key: str, sentence: str) -> Encoding:
    """The model ``key``'s encoding of ``sentence`` (loaded, verified and run once per process and sentence)."""
    card = MODELS[key]
    model = load_model()
    if (model.layers, model.heads, model.d_model) != (card.layers, card.heads, card.d_model):
        raise ModelError(
            f"the installed {model.name} has {model.layers} layers, {model.heads} heads, width {model.d_model}; "
            f"expected {card.layers}, {card.heads}, {card.d_model}"
        )
    return model.encode(sentence)


def model_tokens(key: str, sentence: str) -> tuple[str, ...]:
    """The model's WordPiece tokens of ``sentence``: [CLS], the pieces ("##" ones included), [SEP]."""
    return tuple(encoding(key, sentence).tokens[0])


@lru_cache(maxsize=64)
def model_trace(key: str, sentence: str, layer: int, head: int) -> Trace:
    """Head ``head`` of layer ``layer`` (from 1) on ``sentence``: the trace the model's forward pass computed."""
    return encoding(key, sentence).trace(layer, head)


def layer_traces(key: str, sentence: str, layer: int) -> tuple[Trace, ...]:
    """Every head of layer ``layer`` on ``sentence``, head 1 first."""
    return tuple(model_trace(key, sentence, layer, head) for head in range(1, MODELS[key].heads + 1))
