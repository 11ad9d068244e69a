"""The traces the scenes draw: a sentence, embedded and attended with seeded weights."""

from __future__ import annotations

from .core import multi_head_attention, self_attention
from .embedding import check_size, embed, projection_weights, tokenize
from .trace import MultiHeadTrace, Trace

VIDEO_SENTENCE = "Jane is going to the cinema to watch a new movie"

# Separate generator streams per weight matrix (see projection_weights).
_STREAM_Q, _STREAM_K, _STREAM_V, _STREAM_O = 1, 2, 3, 4


def example(
    sentence: str | None = VIDEO_SENTENCE,
    d: int = 5,
    d_k: int | None = None,
    heads: int = 1,
    mask=None,
    seed: int = 0,
    tokens=None,
) -> Trace | MultiHeadTrace:
    """Attention over ``sentence`` (or explicit ``tokens``) with d-wide embeddings.

    One head: d_k = d_v = d (the video's setting) unless ``d_k`` is given; d_v follows d_k.
    Several heads: d_k = d_v = d / heads unless ``d_k`` is given.
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
    W_q, W_k, W_v = (projection_weights(d, width, seed, s) for s in (_STREAM_Q, _STREAM_K, _STREAM_V))
    if heads == 1:
        return self_attention(X, W_q, W_k, W_v, mask=mask, tokens=words)
    W_o = projection_weights(width, d, seed, _STREAM_O)
    return multi_head_attention(X, W_q, W_k, W_v, W_o, heads, mask=mask, tokens=words)
