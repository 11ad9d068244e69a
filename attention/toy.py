"""The toy model as a trace source: seeded embeddings and weights at the caller's sizes, computed by the core.

What belongs here: ``ToyModel`` (``TOY``), the ``TraceSource`` of a request that names no pretrained model, its
checks on the caller's sizes and mask, and its traces, each cached by value (a scene asks for the same trace many
times); ``example`` and ``cross_example``, the same model for notebooks and tests. The generator streams of its
weight matrices are here too, so that no two matrices share numbers.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .core import cross_attention, multi_head_attention, self_attention
from .embedding import Embedding, check_size, embed, projection_weights, tokenize
from .padding import PaddedBatch, pad_batch, padding_mask
from .scaling import DEFAULT_D_KS, ScalingStudy, scaling_study
from .score_functions import ScoreFunctions, score_functions
from .source import Capability, Sizes
from .symmetry import tied_keys
from .trace import MultiHeadTrace, Trace
from .validation import MAX_TOKENS, MAX_WIDTH

VIDEO_SENTENCE = "Jane is going to the cinema to watch a new movie"
# The start of a French translation of the video's sentence ("Jane va au cinéma pour voir un nouveau film").
CROSS_TARGET = "Jane va au cinéma pour voir"
MASKS = (None, "causal")
# Generator streams, one per weight matrix (see projection_weights): W_q, W_k, W_v, W_o of self-attention,
# and the cross-attention's own W_q, W_k, W_v, so that no two matrices ever share numbers.
STREAM_Q, STREAM_K, STREAM_V, STREAM_O = 1, 2, 3, 4
STREAM_CROSS_Q, STREAM_CROSS_K, STREAM_CROSS_V = 11, 12, 13


class ToyModel:
    """The toy model: each token's seeded vector plus its position encoding, projected by seeded weights; one
    layer, the request's d, d_k, heads, mask and seed (``Request``'s fields, as the caller gave them)."""

    key = "toy"
    name = "the toy model"
    capabilities = (
        Capability.CAUSAL
        | Capability.PREFIX
        | Capability.PADDED_BATCH
        | Capability.MULTI_HEAD
        | Capability.CROSS
        | Capability.SEEDED
        | Capability.DECODES
    )

    def check(self, request) -> None:
        """The sizes the core can compute, the mask, and no layer or head (those are a pretrained model's)."""
        if request.given("layer") is not None or request.given("head") is not None:
            raise ValueError("a layer and a head are a pretrained model's: name the model too (e.g. model='minilm')")
        if len(request.tokens) > MAX_TOKENS:  # a model's tokens are its tokenizer's, checked against its own length
            raise ValueError(f"{len(request.tokens)} tokens: the core computes at most {MAX_TOKENS}")
        for name in ("d", "heads"):
            _width(name, request.given(name))
        check_size("seed", request.seed, minimum=0)
        if request.given("d_k") is not None:
            _width("d_k", request.given("d_k"))
        if request.mask is not None and (not isinstance(request.mask, str) or request.mask not in MASKS):
            raise ValueError(f'mask must be None or "causal", got {request.mask!r}')

    def sizes(self, request) -> Sizes:
        d_k = request.given("d_k")
        return Sizes(int(request.given("d")), None if d_k is None else int(d_k), int(request.given("heads")))

    def identity(self, request) -> tuple:
        return (request.tokens, *self.sizes(request)[:3], request.mask, int(request.seed), request.sentence)

    def tokens(self, request) -> tuple[str, ...]:
        return request.tokens

    def describe(self, request, quoted: str) -> str:
        sizes = f"d = {request.d}" + (f", d_k = {request.d_k}" if request.d_k not in (None, request.d) else "")
        return f"'{quoted}', {sizes}, seed {request.seed}" + (", causal mask" if request.mask else "")

    # ----- the traces --------------------------------------------------------------------------------------------
    def trace(self, request) -> Trace:
        return _self_attention(request.tokens, request.d, request.width, request.mask, int(request.seed))

    def causal(self, request) -> Trace:
        return _self_attention(request.tokens, request.d, request.width, "causal", int(request.seed))

    def prefix(self, request, n: int) -> Trace:
        return _self_attention(request.tokens[:n], request.d, request.width, "causal", int(request.seed))

    def padded(self, request) -> tuple[PaddedBatch, Trace]:
        tokens = request.tokens
        batch = pad_batch([tokens, tokens[-max(1, len(tokens) // 2) :]])
        return batch, _masked_attention(batch.tokens[1], request.d, request.width, int(request.seed), batch.key_mask[1])

    def embedding(self, request) -> Embedding:
        return _embedding(request.tokens, request.d, int(request.seed))

    def multi_head(self, request, d: int) -> MultiHeadTrace:
        return _multi_head(request.tokens, d, request.heads, request.mask, int(request.seed))

    def cross(self, request, target: str) -> Trace:
        return cross_trace(tokenize(target), request.tokens, request.d, request.width, int(request.seed))

    def tied_keys(self, request) -> Trace:
        return tied_keys(self.trace(request))

    def scaling_study(self, request, d_ks=DEFAULT_D_KS) -> ScalingStudy:
        return _scaling_study(tuple(d_ks), len(request.tokens), int(request.seed))

    def score_functions(self, request) -> ScoreFunctions:
        return _score_functions(request.tokens, request.d, request.width, request.mask, int(request.seed))


TOY = ToyModel()


def _width(name: str, value) -> int:
    """A width (d, d_k) or a number of heads as an int from 1 to ``MAX_WIDTH``, which the core can compute."""
    value = check_size(name, value)
    if value > MAX_WIDTH:
        raise ValueError(f"{name} must be at most {MAX_WIDTH} for the core to compute it, got {value}")
    return value


def weights(d: int, width: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The toy's W_q, W_k, W_v (d x width), each from its own stream."""
    return tuple(projection_weights(d, width, seed, s) for s in (STREAM_Q, STREAM_K, STREAM_V))


# Cached by value: scenes ask for the same trace many times.
@lru_cache(maxsize=64)
def _embedding(tokens: tuple[str, ...], d: int, seed: int) -> Embedding:
    return embed(tokens, d, seed)


@lru_cache(maxsize=64)
def _self_attention(tokens: tuple[str, ...], d: int, d_k: int, mask: str | None, seed: int) -> Trace:
    return self_attention(_embedding(tokens, d, seed).X, *weights(d, d_k, seed), mask=mask, tokens=tokens)


def _masked_attention(tokens: tuple[str, ...], d: int, d_k: int, seed: int, key_mask: np.ndarray) -> Trace:
    return self_attention(
        _embedding(tokens, d, seed).X, *weights(d, d_k, seed), mask=padding_mask(key_mask), tokens=tokens
    )


@lru_cache(maxsize=16)
def _multi_head(tokens: tuple[str, ...], d: int, heads: int, mask: str | None, seed: int) -> MultiHeadTrace:
    W_q, W_k, W_v = weights(d, d, seed)
    W_o = projection_weights(d, d, seed, STREAM_O)
    return multi_head_attention(_embedding(tokens, d, seed).X, W_q, W_k, W_v, W_o, heads, mask=mask, tokens=tokens)


@lru_cache(maxsize=8)
def _scaling_study(d_ks: tuple[int, ...], n_keys: int, seed: int) -> ScalingStudy:
    return scaling_study(d_ks, n_keys=n_keys, seed=seed)


@lru_cache(maxsize=8)
def _score_functions(tokens: tuple[str, ...], d: int, d_k: int, mask: str | None, seed: int) -> ScoreFunctions:
    return score_functions(_self_attention(tokens, d, d_k, mask, seed), seed)


def cross_trace(queries, keys, d: int, d_k: int, seed: int) -> Trace:
    """Queries from the tokens ``queries``, keys and values from ``keys``; each embedded from position 0 and
    projected with the cross-attention's own seeded d x d_k weights (d_v = d_k). No mask."""
    X_q, X_kv = embed(queries, d, seed).X, embed(keys, d, seed).X
    W_q, W_k, W_v = (projection_weights(d, d_k, seed, s) for s in (STREAM_CROSS_Q, STREAM_CROSS_K, STREAM_CROSS_V))
    return cross_attention(X_q, X_kv, W_q, W_k, W_v, tokens=tuple(queries), kv_tokens=tuple(keys))


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
    return cross_trace(queries, keys, d, d_k, seed)


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
    W_q, W_k, W_v = weights(d, width, seed)
    if heads == 1:
        return self_attention(X, W_q, W_k, W_v, mask=mask, tokens=words)
    W_o = projection_weights(width, d, seed, STREAM_O)
    return multi_head_attention(X, W_q, W_k, W_v, W_o, heads, mask=mask, tokens=words)
