"""A pretrained model as the source of a Request's trace: which models a request may name, the checks on
its layer and head, and the model's tokens and traces for a sentence, computed once per process.

What belongs here: the small table of known models (``MODELS``, by short name, with the sizes a request
is checked against before any weight is read), the checks, and cached calls into each card's module
(``minilm.py``, ``smollm2.py``). The forward passes are ``bert.py``'s and ``llama.py``'s; loading and
verifying the files is the model module's. A decoder (``card.causal``) is run only as far as the layer
asked for, since layer L's attention depends on blocks 1..L alone; the encoder is run whole.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..padding import PaddedBatch, pad_batch
from ..trace import Trace
from . import minilm, smollm2
from .files import ModelError
from .minilm import Encoding


@dataclass(frozen=True)
class ModelCard:
    """A model a request may name: its short name (the command line's), its published name and its sizes.

    ``module`` is the module under ``attention.models`` that loads it (its ``load_model()``);
    ``kv_heads`` is the number of key/value heads when query heads share them (grouped-query
    attention), ``causal`` whether each token attends only to itself and earlier ones (a decoder),
    ``quantisation`` the storage of its weights when they are not full precision.
    """

    key: str
    name: str
    layers: int
    heads: int
    d_model: int
    module: str = "minilm"
    kv_heads: int | None = None
    causal: bool = False
    quantisation: str | None = None

    @property
    def d_k(self) -> int:
        return self.d_model // self.heads

    @property
    def queries_per_kv_head(self) -> int:
        """How many query heads read one key/value head (1 without grouped-query attention)."""
        return self.heads // (self.kv_heads or self.heads)

    @property
    def weights_note(self) -> str:
        """How the weights are stored, for captions and the manifest ("" at full precision)."""
        if self.quantisation == "Q4_1":
            return "4-bit Q4_1 weights, as llama.cpp runs them"
        return f"{self.quantisation} weights" if self.quantisation else ""


MODELS = {
    "minilm": ModelCard("minilm", minilm.MODEL_NAME, layers=6, heads=12, d_model=384),
    "smollm2": ModelCard(
        "smollm2",
        smollm2.MODEL_NAME,
        layers=30,
        heads=9,
        d_model=576,
        module="smollm2",
        kv_heads=3,
        causal=True,
        quantisation=smollm2.QUANTISATION,
    ),
}


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


def loaded(key: str):
    """The model ``key``'s loaded model (cached by its module), checked against its card's sizes."""
    card = MODELS[key]
    model = importlib.import_module(f"{__package__}.{card.module}").load_model()
    found = (model.layers, model.heads, model.d_model, getattr(model, "kv_heads", None))
    wanted = (card.layers, card.heads, card.d_model, card.kv_heads)
    if found != wanted:
        raise ModelError(
            f"the installed {model.name} has {found[0]} layers, {found[1]} heads, width {found[2]}, "
            f"key/value heads {found[3]}; expected {wanted[0]}, {wanted[1]}, {wanted[2]}, {wanted[3]}"
        )
    return model


@lru_cache(maxsize=16)
def encoding(key: str, sentence: str) -> Encoding:
    """The encoder ``key``'s encoding of ``sentence`` (loaded, verified and run once per process and sentence); a
    ValueError naming the sentence's real length when the model would cut it (its trace would not be the text's)."""
    model = loaded(key)
    count = len(model.tokens(sentence))
    if count > model.max_tokens:
        raise ValueError(
            f"the sentence is {count} WordPiece tokens long ([CLS] and [SEP] included); {model.name} reads at most "
            f"{model.max_tokens}: use a shorter sentence"
        )
    return model.encode(sentence)


@lru_cache(maxsize=16)
def decoding(key: str, sentence: str, layers: int) -> smollm2.Decoding:
    """The decoder ``key`` run on ``sentence`` through blocks 1..``layers`` (once per process, sentence and depth)."""
    return loaded(key).run(sentence, layers=layers)


def model_tokens(key: str, sentence: str) -> tuple[str, ...]:
    """The model's tokens of ``sentence``: MiniLM's WordPiece ([CLS], "##" pieces, [SEP]), SmolLM2's byte labels."""
    return loaded(key).tokens(sentence)  # all of them (never cut at a model's length), and no forward pass


@lru_cache(maxsize=64)
def model_trace(key: str, sentence: str, layer: int, head: int) -> Trace:
    """Head ``head`` of layer ``layer`` (from 1) on ``sentence``: the trace the model's forward pass computed."""
    if MODELS[key].causal:
        return decoding(key, sentence, layer).trace(layer, head)
    return encoding(key, sentence).trace(layer, head)


@lru_cache(maxsize=16)
def decoder_prefix_trace(key: str, sentence: str, layer: int, head: int, n: int) -> Trace:
    """A decoder's head on the first ``n`` tokens of ``sentence`` alone: causal, its rows equal the whole text's
    first ``n`` rows (a later token never reaches an earlier one)."""
    model = loaded(key)
    return model.run_ids(model.encode(sentence)[:n], layers=layer).trace(layer, head)


@lru_cache(maxsize=16)
def decoder_padded(key: str, sentence: str, layer: int, head: int) -> tuple[PaddedBatch, Trace]:
    """A batch of ``sentence`` and its last half (at least one token), padded to one length as a decoder's batch
    is: the batch, and the shorter text's head under its causal and padding masks."""
    model = loaded(key)
    ids = model.encode(sentence)
    short = ids[-max(1, len(ids) // 2) :]
    padded = model.run_ids(short, layers=layer, pad_to=len(ids))
    batch = pad_batch([model.labels(ids), model.labels(short)])
    return batch, padded.trace(layer, head)


def layer_traces(key: str, sentence: str, layer: int) -> tuple[Trace, ...]:
    """Every head of layer ``layer`` on ``sentence``, head 1 first."""
    return tuple(model_trace(key, sentence, layer, head) for head in range(1, MODELS[key].heads + 1))
