"""What the user asked for, as one frozen value, and every trace a scene draws, derived from it by name.

A ``Request`` holds the sentence (or tokens), the sizes, the mask and the seed. Its methods give the
self-attention trace and its variants (causal, a prefix, a padded batch, several heads, cross-attention,
tied keys, the scaling study); each is computed once per request and process. Scenes read these and
never build a generator or pass a seed on.

A request may instead name a pretrained model, a layer and a head (``model="minilm", layer=1, head=3``):
then its tokens are the model's WordPiece tokens of the sentence, ``trace()`` is that head's real trace
and ``layer_traces()`` every head of the layer; the variants built on the toy model's own seeded weights
(causal, prefix, padded, multi_head, cross, tied_keys, embedding, scaling_study) refuse such a request.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .core import cross_attention, multi_head_attention, self_attention
from .embedding import Embedding, check_size, embed, projection_weights, tokenize
from .models.source import (
    MODELS,
    ModelCard,
    check_source,
    decoder_padded,
    decoder_prefix_trace,
    layer_traces,
    model_tokens,
    model_trace,
)
from .padding import PaddedBatch, pad_batch, padding_mask
from .scaling import DEFAULT_D_KS, ScalingStudy, scaling_study
from .symmetry import tied_keys
from .trace import MultiHeadTrace, Trace
from .validation import MAX_TOKENS, MAX_WIDTH, check_token_list

VIDEO_SENTENCE = "Jane is going to the cinema to watch a new movie"
# The start of a French translation of the video's sentence ("Jane va au cinéma pour voir un nouveau film").
CROSS_TARGET = "Jane va au cinéma pour voir"
MASKS = (None, "causal")

# Generator streams, one per weight matrix (see projection_weights): W_q, W_k, W_v, W_o of self-attention,
# and the cross-attention's own W_q, W_k, W_v, so that no two matrices ever share numbers.
_STREAM_Q, _STREAM_K, _STREAM_V, _STREAM_O = 1, 2, 3, 4
_STREAM_CROSS_Q, _STREAM_CROSS_K, _STREAM_CROSS_V = 11, 12, 13
SHORT_SENTENCE_WORDS = 3  # how much of the sentence a description quotes


@dataclass(frozen=True)
class Request:
    """Attention over ``tokens`` with d-wide seeded embeddings and weights.

    ``d_k``: the query/key width of the single-head trace (default d; d_v follows d_k).
    ``heads``: the number of heads of the multi-head view (each d / heads wide).
    ``mask``: None or "causal". ``sentence``: the text the tokens came from, when given as text.
    ``model``, ``layer``, ``head``: a pretrained model's head instead of the toy model (``MODELS``' short name,
    layer and head from 1, each 1 by default). With a model the tokens are its WordPiece tokens of the
    sentence (or of the tokens joined by spaces), d, d_k and heads are the model's, there is no mask, and
    the seed plays no part (it is kept 0, so that equal requests compare and cache equal).

    Building a request checks its fields and does nothing else: no tokenizing, no model weights read
    (``drawn_tokens`` and the traces compute, once per process, when first asked for).

    Examples
    --------
    >>> request = Request.from_sentence("the cat sat", d=4, seed=1)
    >>> request.T, request.trace().weights.shape
    (3, (3, 3))
    >>> bool(abs(request.trace().weights.sum(axis=1) - 1).max() < 1e-12)
    True
    >>> Request.from_sentence("the cat sat", model="minilm", layer=2, head=4).d
    384
    """

    tokens: tuple[str, ...]
    d: int = 5
    d_k: int | None = None
    heads: int = 2
    mask: str | None = None
    seed: int = 0
    sentence: str | None = None
    model: str | None = None
    layer: int | None = None
    head: int | None = None

    def __post_init__(self):
        # Fields' types, and the sizes the core can compute (what can be drawn is the command line's admission's)
        object.__setattr__(self, "tokens", check_token_list(self.tokens))
        if self.sentence is not None and not isinstance(self.sentence, str):
            raise TypeError(f"sentence must be a string or None, got {type(self.sentence).__name__} {self.sentence!r}")
        if self.model is not None:
            self._from_model()
            return
        if self.layer is not None or self.head is not None:
            raise ValueError("a layer and a head are a pretrained model's: name the model too (e.g. model='minilm')")
        if len(self.tokens) > MAX_TOKENS:  # a model's tokens are its tokenizer's, checked against its own length
            raise ValueError(f"{len(self.tokens)} tokens: the core computes at most {MAX_TOKENS}")
        for name in ("d", "heads"):
            object.__setattr__(self, name, _width(name, getattr(self, name)))
        object.__setattr__(self, "seed", check_size("seed", self.seed, minimum=0))
        if self.d_k is not None:
            object.__setattr__(self, "d_k", _width("d_k", self.d_k))
        if self.mask is not None and (not isinstance(self.mask, str) or self.mask not in MASKS):
            raise ValueError(f'mask must be None or "causal", got {self.mask!r}')

    def _from_model(self) -> None:
        """Check the model, layer and head, and take the model's sizes (see the class docstring); no weight is
        read and nothing is tokenized here: ``drawn_tokens`` asks the model's tokenizer when first needed."""
        card, layer, head = check_source(self.model, self.layer, self.head)
        if self.mask is not None:
            kind = "a causal mask of their own" if card.causal else "no mask"
            raise ValueError(f"{card.name}'s heads have {kind}; --mask is the toy model's (leave it out)")
        sentence = self.sentence if self.sentence is not None else " ".join(self.tokens)
        values = {"model": card.key, "layer": layer, "head": head, "sentence": sentence}
        values |= {"d": card.d_model, "d_k": card.d_k, "heads": card.heads, "seed": 0}
        values["tokens"] = tokenize(sentence)
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @classmethod
    def from_sentence(cls, sentence: str = VIDEO_SENTENCE, **sizes) -> Request:
        """The request for ``sentence``, split on white space; ``sizes``: d, d_k, heads, mask, seed."""
        return cls(tokens=tokenize(sentence), sentence=sentence, **sizes)

    # ----- facts -------------------------------------------------------------------------------
    @property
    def drawn_tokens(self) -> tuple[str, ...]:
        """The tokens the traces have: the given ones, or the model's tokenizer's pieces of the sentence
        ([CLS] … [SEP] for MiniLM), tokenized once per process and sentence."""
        return model_tokens(self.model, self.sentence) if self.model is not None else self.tokens

    @property
    def T(self) -> int:
        return len(self.drawn_tokens)

    @property
    def width(self) -> int:
        """d_k of the single-head trace."""
        return self.d if self.d_k is None else self.d_k

    @property
    def model_name(self) -> str | None:
        """The pretrained model's published name (None for the toy model)."""
        return MODELS[self.model].name if self.model is not None else None

    def describe(self) -> str:
        """The inputs in a few words, for captions: "'Jane is going …', d = 5, seed 0", or with a model
        "'Jane is going …', all-MiniLM-L6-v2, layer 1, head 3"."""
        all_words = self.sentence.split() if self.model is not None else self.tokens
        words = all_words[:SHORT_SENTENCE_WORDS]
        quoted = " ".join(words) + (" \u2026" if len(all_words) > len(words) else "")
        if self.model is not None:
            weights = f" ({self.card.weights_note})" if self.card.weights_note else ""
            return f"'{quoted}', {self.model_name}{weights}, layer {self.layer}, head {self.head}"
        sizes = f"d = {self.d}" + (f", d_k = {self.d_k}" if self.d_k not in (None, self.d) else "")
        return f"'{quoted}', {sizes}, seed {self.seed}" + (", causal mask" if self.mask else "")

    # ----- the traces, by name -----------------------------------------------------------------
    def embedding(self) -> Embedding:
        """E (seeded per token), P (sinusoidal) and X = E + P."""
        self._toy_only("the seeded embedding")
        return _embedding(self.tokens, self.d, self.seed)

    def trace(self) -> Trace:
        """The self-attention the video shows: one head of width d_k, with the request's mask (with a model:
        its head ``head`` of layer ``layer``, X being that layer's input)."""
        if self.model is not None:
            return model_trace(self.model, self.sentence, self.layer, self.head)
        return _self_attention(self.tokens, self.d, self.width, self.mask, self.seed)

    @property
    def card(self) -> ModelCard:
        """The named model's card (ValueError for the toy model)."""
        if self.model is None:
            raise ValueError("the toy model has no model card: name a model (e.g. model='minilm')")
        return MODELS[self.model]

    @property
    def decoder(self) -> bool:
        """Whether the request names a decoder (its heads are causal): its causal traces are its own."""
        return self.model is not None and MODELS[self.model].causal

    def causal(self) -> Trace:
        """The same self-attention under a causal mask: query i sees keys 1 to i (a decoder's own trace)."""
        if self.decoder:
            return self.trace()
        self._toy_only("a causal mask")
        return _self_attention(self.tokens, self.d, self.width, "causal", self.seed)

    def prefix(self, n: int) -> Trace:
        """The causal self-attention of the first ``n`` tokens alone (embedded at the same positions; a decoder
        runs them alone through its blocks)."""
        n = check_size("n", n)
        if n > self.T:
            raise ValueError(f"a prefix of {n} tokens is longer than the {self.T} tokens")
        if self.decoder:
            return decoder_prefix_trace(self.model, self.sentence, self.layer, self.head, n)
        self._toy_only("a prefix")
        return _self_attention(self.tokens[:n], self.d, self.width, "causal", self.seed)

    def padded_batch(self) -> PaddedBatch:
        """A batch of two sentences: the tokens, and their last T // 2 (at least one), padded to one length."""
        if self.decoder:
            return decoder_padded(self.model, self.sentence, self.layer, self.head)[0]
        self._toy_only("a padded batch")
        return pad_batch([self.tokens, self.tokens[-max(1, self.T // 2) :]])

    def padded(self) -> Trace:
        """The shorter sentence of ``padded_batch``, pads included, attending under its padding mask (a
        decoder's: under its causal mask too)."""
        if self.decoder:
            return decoder_padded(self.model, self.sentence, self.layer, self.head)[1]
        batch = self.padded_batch()
        return _masked_attention(batch.tokens[1], self.d, self.width, self.seed, batch.key_mask[1])

    def multi_head(self, d: int | None = None) -> MultiHeadTrace:
        """``heads`` heads of width d / heads over the tokens, with the request's mask; ``d`` may replace
        the request's embedding width (a view that needs d divisible by the heads)."""
        self._toy_only("the multi-head view")
        d = self.d if d is None else check_size("d", d)
        if d % self.heads:
            raise ValueError(f"d = {d} is not divisible by heads = {self.heads}")
        return _multi_head(self.tokens, d, self.heads, self.mask, self.seed)

    def cross(self, target: str = CROSS_TARGET) -> Trace:
        """Queries from ``target`` (a decoder's tokens so far), keys and values from the request's tokens;
        each embedded from position 0, projected with their own seeded weights. No mask."""
        self._toy_only("cross-attention")
        return cross_example(source_tokens=self.tokens, target=target, d=self.d, d_k=self.width, seed=self.seed)

    def tied_keys(self) -> Trace:
        """The self-attention with W_k replaced by W_q (keys = queries), so QK^T = QQ^T is symmetric."""
        self._toy_only("tied keys")
        return tied_keys(self.trace())

    def scaling_study(self, d_ks=DEFAULT_D_KS) -> ScalingStudy:
        """Var(q.k) and the softmax's peak for each d_k, each query against T keys, from the request's seed."""
        self._toy_only("the scaling study")
        return _scaling_study(tuple(d_ks), self.T, self.seed)

    def layer_traces(self) -> tuple[Trace, ...]:
        """Every head of the request's layer of its pretrained model, head 1 first (``trace()`` is one of them)."""
        if self.model is None:
            raise ValueError("a layer's heads are a pretrained model's: name a model (e.g. model='minilm')")
        return layer_traces(self.model, self.sentence, self.layer)

    def _toy_only(self, what: str) -> None:
        if self.model is not None:
            raise ValueError(f"{what} is built on the toy model's seeded weights, not on {self.model_name}'s")


def _width(name: str, value) -> int:
    """A width (d, d_k) or a number of heads as an int from 1 to ``MAX_WIDTH``, which the core can compute."""
    value = check_size(name, value)
    if value > MAX_WIDTH:
        raise ValueError(f"{name} must be at most {MAX_WIDTH} for the core to compute it, got {value}")
    return value


# Cached by value: scenes ask for the same trace many times, and a request is hashable.
@lru_cache(maxsize=64)
def _embedding(tokens: tuple[str, ...], d: int, seed: int) -> Embedding:
    return embed(tokens, d, seed)


def _weights(d: int, width: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return tuple(projection_weights(d, width, seed, s) for s in (_STREAM_Q, _STREAM_K, _STREAM_V))


@lru_cache(maxsize=64)
def _self_attention(tokens: tuple[str, ...], d: int, d_k: int, mask: str | None, seed: int) -> Trace:
    return self_attention(_embedding(tokens, d, seed).X, *_weights(d, d_k, seed), mask=mask, tokens=tokens)


def _masked_attention(tokens: tuple[str, ...], d: int, d_k: int, seed: int, key_mask: np.ndarray) -> Trace:
    return self_attention(
        _embedding(tokens, d, seed).X, *_weights(d, d_k, seed), mask=padding_mask(key_mask), tokens=tokens
    )


@lru_cache(maxsize=16)
def _multi_head(tokens: tuple[str, ...], d: int, heads: int, mask: str | None, seed: int) -> MultiHeadTrace:
    W_q, W_k, W_v = _weights(d, d, seed)
    W_o = projection_weights(d, d, seed, _STREAM_O)
    return multi_head_attention(_embedding(tokens, d, seed).X, W_q, W_k, W_v, W_o, heads, mask=mask, tokens=tokens)


@lru_cache(maxsize=8)
def _scaling_study(d_ks: tuple[int, ...], n_keys: int, seed: int) -> ScalingStudy:
    return scaling_study(d_ks, n_keys=n_keys, seed=seed)


def cross_example(
    source: str | None = VIDEO_SENTENCE,
    target: str | None = CROSS_TARGET,
    d: int = 5,
    d_k: int | None = None,
    seed: int = 0,
    source_tokens=None,
    target_tokens=None,
) -> Trace:
    """Queries from ``target`` (the decoder's tokens so far), keys and values from ``source`` (the
    encoder's sentence); each embedded with ``embed`` (its own positions from 0) and projected with
    seeded d x d_k weights (d_v = d_k). The trace's ``tokens`` are the target's, ``kv_tokens`` the source's.
    """
    queries = tokenize(target) if target_tokens is None else target_tokens
    keys = tokenize(source) if source_tokens is None else source_tokens
    d = check_size("d", d)
    seed = check_size("seed", seed, minimum=0)
    d_k = d if d_k is None else check_size("d_k", d_k)
    X_q, X_kv = embed(queries, d, seed).X, embed(keys, d, seed).X
    W_q, W_k, W_v = (projection_weights(d, d_k, seed, s) for s in (_STREAM_CROSS_Q, _STREAM_CROSS_K, _STREAM_CROSS_V))
    return cross_attention(X_q, X_kv, W_q, W_k, W_v, tokens=tuple(queries), kv_tokens=tuple(keys))


def example(
    sentence: str | None = VIDEO_SENTENCE,
    d: int = 5,
    d_k: int | None = None,
    heads: int = 1,
    mask=None,
    seed: int = 0,
    tokens=None,
) -> Trace | MultiHeadTrace:
    """Attention over ``sentence`` (or explicit ``tokens``) with d-wide embeddings, for notebooks and tests.

    One head: d_k = d_v = d (the video's setting) unless ``d_k`` is given; d_v follows d_k.
    Several heads: d_k = d_v = d / heads unless ``d_k`` is given. ``mask``: None, "causal" or a boolean array.
    """
    words = tokenize(sentence) if tokens is None else tokens
    d = check_size("d", d)
    heads = check_size("heads", heads)
    seed = check_size("seed", seed, minimum=0)
    if d_k is None:
        if d % heads:
            raise ValueError(f"d = {d} is not divisible by heads = {heads}; choose d_k explicitly")
        d_k = d // heads
    d_k = check_size("d_k", d_k)
    X = embed(words, d, seed).X
    width = d_k * heads
    W_q, W_k, W_v = _weights(d, width, seed)
    if heads == 1:
        return self_attention(X, W_q, W_k, W_v, mask=mask, tokens=words)
    W_o = projection_weights(width, d, seed, _STREAM_O)
    return multi_head_attention(X, W_q, W_k, W_v, W_o, heads, mask=mask, tokens=words)


def model_example() -> Request:
    """The video's sentence through all-MiniLM-L6-v2's layer 1, head 3: a previous-token head (each token
    but [CLS] puts nearly all its weight on the one before it), what a scene that needs a model draws when
    nobody chose (plain ``manim``)."""
    return Request.from_sentence(model="minilm", layer=1, head=3)
