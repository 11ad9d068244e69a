"""Pretrained models as trace sources: an encoder's and a decoder's ``TraceSource``, over any model of their kind.

What belongs here: ``PretrainedSource`` (what every pretrained model does for a request: the layer and head checks,
its sizes from its card, its tokenizer's tokens, a layer's heads) and its two families, ``EncoderSource`` (heads
that look both ways, run whole) and ``DecoderSource`` (causal heads, run only as far as the layer asked for, since
layer L's attention depends on blocks 1..L alone; a prefix run alone; a padded batch). Each reads its model through
the card's ``load()`` and the model API of its kind (see the classes), computing once per process and sentence.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import lru_cache

import numpy as np

from ..padding import PaddedBatch, pad_batch
from ..source import Capability, Sizes
from ..trace import Trace
from .files import ModelError


class PretrainedSource(ABC):
    """A pretrained model's heads, for the request's sentence (or its tokens joined by spaces), layer and head
    (each from 1, 1 when not given); the request's d, d_k, heads, seed play no part. ``card``: its ``ModelCard``."""

    capabilities = Capability.LAYER_HEADS | Capability.OWN_TOKENIZER

    def __init__(self, card):
        self.card = card
        self.key, self.name = card.key, card.name

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.card == self.card

    def __hash__(self) -> int:
        return hash((type(self), self.card))

    def check(self, request) -> None:
        _numbered(self.card, "layer", request.given("layer"), self.card.layers)
        _numbered(self.card, "head", request.given("head"), self.card.heads)
        if request.mask is not None:
            kind = "a causal mask of their own" if Capability.CAUSAL_ONLY in self.capabilities else "no mask"
            raise ValueError(f"{self.name}'s heads have {kind}; --mask is the toy model's (leave it out)")

    def sizes(self, request) -> Sizes:
        layer = _numbered(self.card, "layer", request.given("layer"), self.card.layers)
        head = _numbered(self.card, "head", request.given("head"), self.card.heads)
        return Sizes(self.card.d_model, self.card.d_k, self.card.heads, layer, head)

    def identity(self, request) -> tuple:
        return (self.key, request.text, request.layer, request.head)

    def tokens(self, request) -> tuple[str, ...]:
        """All the model's tokens of the text (never cut at its length), and no forward pass."""
        return loaded(self.card).tokens(request.text)

    def describe(self, request, quoted: str) -> str:
        weights = f" ({self.card.weights_note})" if self.card.weights_note else ""
        return f"'{quoted}', {self.name}{weights}, layer {request.layer}, head {request.head}"

    def trace(self, request) -> Trace:
        return self.head_trace(request.text, request.layer, request.head)

    def layer_traces(self, request) -> tuple[Trace, ...]:
        """Every head of the request's layer, head 1 first."""
        return tuple(self.head_trace(request.text, request.layer, h) for h in range(1, self.card.heads + 1))

    @abstractmethod
    def head_trace(self, text: str, layer: int, head: int) -> Trace:
        """Head ``head`` of layer ``layer`` (both from 1) on ``text``, as the model's forward pass computed it."""


class EncoderSource(PretrainedSource):
    """An encoder (all-MiniLM-L6-v2): its model has ``tokens(text)``, ``max_tokens`` and ``run(text)``, whose
    result has ``trace(layer, head)``; it is run whole, once per sentence."""

    def head_trace(self, text: str, layer: int, head: int) -> Trace:
        return _encoder_trace(self.card, text, layer, head)


class DecoderSource(PretrainedSource):
    """A decoder (SmolLM2): its model has ``tokens(text)``, ``token_ids(text)``, ``labels(ids)`` and
    ``run_ids(ids, layers=, pad_to=)``, whose result has ``trace(layer, head)``; its heads are causal."""

    capabilities = PretrainedSource.capabilities | (
        Capability.CAUSAL | Capability.CAUSAL_ONLY | Capability.PREFIX | Capability.PADDED_BATCH | Capability.DECODES
    )

    def head_trace(self, text: str, layer: int, head: int) -> Trace:
        return _decoder_trace(self.card, text, layer, head)

    def causal(self, request) -> Trace:
        return self.trace(request)

    def prefix(self, request, n: int) -> Trace:
        """The head on the first ``n`` tokens alone: its rows equal the whole text's first ``n`` rows."""
        return _decoder_prefix(self.card, request.text, request.layer, request.head, n)

    def padded(self, request) -> tuple[PaddedBatch, Trace]:
        """A batch of the text and its last half, padded as a decoder's batch is, and the shorter text's head."""
        return _decoder_padded(self.card, request.text, request.layer, request.head)


def loaded(card):
    """The model of ``card`` (its ``load()``, cached by the model's module), checked against the card's sizes."""
    model = card.load()
    found = (model.layers, model.heads, model.d_model, getattr(model, "kv_heads", None))
    wanted = (card.layers, card.heads, card.d_model, card.kv_heads)
    if found != wanted:
        raise ModelError(
            f"the installed {model.name} has {found[0]} layers, {found[1]} heads, width {found[2]}, "
            f"key/value heads {found[3]}; expected {wanted[0]}, {wanted[1]}, {wanted[2]}, {wanted[3]}"
        )
    return model


def _numbered(card, name: str, value, top: int) -> int:
    """A layer or head number from 1 (default 1), checked against the model's count, in one line."""
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer from 1 to {top}, got {type(value).__name__} {value!r}")
    if not 1 <= value <= top:
        raise ValueError(f"{name} must be 1 to {top} ({card.name} has {top} {name}s, numbered from 1), got {value}")
    return int(value)


@lru_cache(maxsize=16)
def _encoding(card, text: str):
    """The encoder's run on ``text`` (once per process and sentence); a ValueError naming the text's real length
    when the model would cut it (its trace would not be the text's)."""
    model = loaded(card)
    count = len(model.tokens(text))
    if count > model.max_tokens:
        raise ValueError(
            f"the sentence is {count} {card.tokenizer} tokens long ({card.specials} included); {model.name} reads at "
            f"most {model.max_tokens}: use a shorter sentence"
        )
    return model.run(text)


@lru_cache(maxsize=64)
def _encoder_trace(card, text: str, layer: int, head: int) -> Trace:
    return _encoding(card, text).trace(layer, head)


@lru_cache(maxsize=16)
def _decoding(card, text: str, layers: int):
    """The decoder run on ``text`` through blocks 1..``layers`` (once per process, text and depth)."""
    model = loaded(card)
    return model.run_ids(model.token_ids(text), layers=layers)


@lru_cache(maxsize=64)
def _decoder_trace(card, text: str, layer: int, head: int) -> Trace:
    return _decoding(card, text, layer).trace(layer, head)


@lru_cache(maxsize=16)
def _decoder_prefix(card, text: str, layer: int, head: int, n: int) -> Trace:
    model = loaded(card)
    return model.run_ids(model.token_ids(text)[:n], layers=layer).trace(layer, head)


@lru_cache(maxsize=16)
def _decoder_padded(card, text: str, layer: int, head: int) -> tuple[PaddedBatch, Trace]:
    model = loaded(card)
    ids = model.token_ids(text)
    short = ids[-max(1, len(ids) // 2) :]
    padded = model.run_ids(short, layers=layer, pad_to=len(ids))
    batch = pad_batch([model.labels(ids), model.labels(short)])
    return batch, padded.trace(layer, head)
