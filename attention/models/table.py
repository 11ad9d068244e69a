"""The pretrained models a request may name: one card each, with the sizes a request is checked against before any
weight is read, the family that turns its heads into traces and the loader of its files.

What belongs here: the table (``MODELS``, by short name), finding a card by name, and ``source_of``, the
``TraceSource`` of a request's model (the toy model's when it names none). A new model family is one module (its
loader and forward pass, with the model API of ``pretrained.EncoderSource`` or ``DecoderSource``) and one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..source import Capability, TraceSource
from ..toy import TOY
from . import minilm, smollm2
from .pretrained import DecoderSource, EncoderSource, PretrainedSource


@dataclass(frozen=True)
class ModelCard:
    """A model a request may name: its short name (the command line's), its published name and its sizes.

    ``load``: its loader (the model, loaded and verified once per process); ``family``: the ``TraceSource`` of
    its kind (``EncoderSource``, ``DecoderSource``), which declares what it can do; ``kv_heads``: the number of
    key/value heads when query heads share them (grouped-query attention); ``quantisation``: the storage of its
    weights when they are not full precision; ``tokenizer`` and ``specials``: its kind of tokens and the special
    ones it adds to every text, as messages name them.
    """

    key: str
    name: str
    layers: int
    heads: int
    d_model: int
    load: Callable
    family: type[PretrainedSource] = EncoderSource
    kv_heads: int | None = None
    quantisation: str | None = None
    tokenizer: str = "WordPiece"
    specials: str = "[CLS] and [SEP]"

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

    @property
    def source(self) -> PretrainedSource:
        """The model as a ``TraceSource``."""
        return self.family(self)


MODELS = {
    "minilm": ModelCard("minilm", minilm.MODEL_NAME, layers=6, heads=12, d_model=384, load=minilm.load_model),
    "smollm2": ModelCard(
        "smollm2",
        smollm2.MODEL_NAME,
        layers=30,
        heads=9,
        d_model=576,
        load=smollm2.load_model,
        family=DecoderSource,
        kv_heads=3,
        quantisation=smollm2.QUANTISATION,
        tokenizer="byte-level BPE",
        specials="",
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


def source_of(model: str | None) -> TraceSource:
    """The ``TraceSource`` of a request naming ``model`` (short or published name): the toy model's for None."""
    return TOY if model is None else card_of(model).source


def models_with(capability: Capability) -> str:
    """How to ask for the models that can give ``capability``, e.g. "--model smollm2" or "--model minilm or
    --model smollm2"."""
    return " or ".join(f"--model {card.key}" for card in MODELS.values() if capability in card.family.capabilities)
