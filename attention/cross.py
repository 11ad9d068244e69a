"""A cross-attention example: a decoder's partial translation attending to the encoder's sentence."""

from __future__ import annotations

from .core import cross_attention
from .embedding import check_size, embed, projection_weights, tokenize
from .example import VIDEO_SENTENCE
from .trace import Trace

# The start of a French translation of the video's sentence ("Jane va au cinéma pour voir un nouveau film").
CROSS_TARGET = "Jane va au cinéma pour voir"

# Generator streams of the cross-attention weights: a layer of its own, apart from example()'s 1-4.
_STREAM_Q, _STREAM_K, _STREAM_V = 11, 12, 13


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
    W_q, W_k, W_v = (projection_weights(d, d_k, seed, s) for s in (_STREAM_Q, _STREAM_K, _STREAM_V))
    return cross_attention(X_q, X_kv, W_q, W_k, W_v, tokens=tuple(queries), kv_tokens=tuple(keys))
