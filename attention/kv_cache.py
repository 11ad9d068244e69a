"""Decoding with a key/value cache: each new token's query row against the cached keys and values before it.

What belongs here: ``decode`` (a Llama-family decoder, SmolLM2, writing greedily: every block keeps the rotated
keys and the values of the tokens it has read, and a new token computes one row per block instead of the whole
T x T pass), ``replay`` (the toy model, which has no vocabulary to pick from: its given tokens one at a time,
the causal trace's rows row by row), the frozen record of each step (``DecodeStep``) for one chosen layer and
head, and ``cache_size`` (the cache's bytes a token from the model's sizes, with and without grouped-query heads);
``decoding``, what a request's ``--steps`` asks of either (its own prompt when none was given, ``DECODE_PROMPT``).

Every product, exp and sum is the one the full pass uses (``arith`` through the core's softmax and llama.py's
pieces, in the same order), and a row's sums in those never depend on how many rows or masked keys stand beside
it; so a cached row is the full causal pass's row to the last bit (tests/test_kv_cache.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from . import arith
from .core import softmax
from .embedding import check_size
from .models.llama import DecoderConfig, logits, rms_norm, rotary, rotate_pairs, silu
from .toy import TOY, weights
from .validation import frozen

# What a request's decoding reads when no sentence was given (``Request.default_sentence``): a
# count, whose next tokens anyone can tell (SmolLM2 writes " five", ",", " six"); the toy model replays it.
DECODE_PROMPT = "One, two, three, four,"
DEFAULT_STEPS, MAX_STEPS = 3, 8  # new tokens (the toy: last tokens read); more would not fit beside the cache


@dataclass(frozen=True)
class DecodeStep:
    """One token read with the cache: its row against the cache of one layer's head (the chosen one).

    ``position``: the token's 0-based position (``position`` rows were cached before it, reused; its own row is
    computed and appended). ``query``: its q row (rotated, for a decoder); ``keys`` and ``values``: the cache
    after the append, (position + 1) x d_head; ``scores``: q K^T scaled; ``weights`` and ``output``: its row of
    attention. ``next_token``: the token after it, ``picked`` when the model chose it (greedy), otherwise given
    (the prompt's next token, or the toy's); ``next_id``: its id (None for the toy model).
    """

    position: int
    token: str
    query: np.ndarray
    keys: np.ndarray
    values: np.ndarray
    scores: np.ndarray
    weights: np.ndarray
    output: np.ndarray
    next_token: str | None
    picked: bool
    token_id: int | None = None
    next_id: int | None = None

    @property
    def cached(self) -> int:
        """How many rows of K and V this step reused rather than computed."""
        return self.position

    @property
    def work(self) -> tuple[int, int]:
        """Multiply-adds of this head's attention for the step (q k^T and the weights times V, each d_head wide):
        with the cache, the new row against the position + 1 keys; without it, all position + 1 rows again.

        Examples
        --------
        >>> import attention
        >>> replay(attention.Request.from_sentence()).steps[3].work  # 4 keys, d_k = 5: 2 * 4 * 5, 2 * 4 * 4 * 5
        (40, 160)
        """
        n, width = len(self.keys), self.keys.shape[1]
        return 2 * n * width, 2 * n * n * width


@dataclass(frozen=True)
class CacheSize:
    """Bytes a token adds to the cache: K and V (2) for every layer, key/value head and column of a head, each
    ``value_bytes`` wide; and what it would be if every query head kept its own keys and values."""

    layers: int
    heads: int
    kv_heads: int
    d_head: int
    value_bytes: int

    @property
    def per_token(self) -> int:
        return 2 * self.layers * self.kv_heads * self.d_head * self.value_bytes

    @property
    def per_token_without_grouping(self) -> int:
        return 2 * self.layers * self.heads * self.d_head * self.value_bytes

    def holding(self, tokens: int) -> int:
        """The cache's bytes once it holds ``tokens`` tokens (grouped, as the model keeps it)."""
        return tokens * self.per_token


@dataclass(frozen=True)
class CachedDecoding:
    """A cached run: the tokens read and picked, and a ``DecodeStep`` per position for ``layer`` and ``head``
    (from 1; None for the toy model, which has one head)."""

    tokens: tuple[str, ...]
    ids: tuple[int, ...] | None
    prompt_length: int
    steps: tuple[DecodeStep, ...]
    layer: int | None = None
    head: int | None = None
    size: CacheSize | None = None  # the cache's bytes a token (its sizes: the model's, or the toy's one head)

    @property
    def picked(self) -> tuple[str, ...]:
        """The tokens the model chose (none for a replay)."""
        return self.tokens[self.prompt_length :]

    def last(self, n: int) -> tuple[DecodeStep, ...]:
        """The last ``n`` steps: a decoder's ``n`` picks (each from the token read before), a replay's last tokens."""
        return self.steps[-n:]


def cache_size(config: DecoderConfig, dtype=np.float16) -> CacheSize:
    """The KV cache's size a token for a decoder of ``config``'s sizes, in ``dtype`` (16-bit by default, as
    inference engines keep it); the value width is NumPy's ``itemsize``.

    Examples
    --------
    >>> size = cache_size(DecoderConfig(30, 9, 3, 576, 1536, 64, 1e5, 1e-5, 49152))
    >>> size.per_token, size.per_token_without_grouping, size.holding(10)
    (23040, 69120, 230400)
    """
    return CacheSize(config.layers, config.heads, config.kv_heads, config.d_head, np.dtype(dtype).itemsize)


# ----- the toy model ---------------------------------------------------------------------------------------------
def replay(request) -> CachedDecoding:
    """The toy model of ``request`` (its tokens, d, d_k, seed) reading its tokens one at a time with a cache:
    step t projects token t's row only and attends to the t + 1 cached keys and values (a causal mask, kept by
    construction). Each step's row is the causal trace's row t.

    Examples
    --------
    >>> import attention
    >>> run = replay(attention.Request.from_sentence("a b c"))
    >>> [(step.token, step.cached, step.next_token) for step in run.steps]
    [('a', 0, 'b'), ('b', 1, 'c'), ('c', 2, None)]
    """
    if request.model is not None:
        raise ValueError(f"replay is the toy model's; {request.source.name} writes with cached_decode()")
    tokens, d, width, seed = request.tokens, request.d, request.width, int(request.seed)
    X = TOY.embedding(request).X
    W_q, W_k, W_v = weights(d, width, seed)
    scale = 1.0 / np.sqrt(width)  # the core's
    K, V = np.empty((0, width)), np.empty((0, width))
    steps = []
    for t, token in enumerate(tokens):
        x = X[t : t + 1]
        q = arith.matmul(x, W_q)
        K = np.concatenate([K, arith.matmul(x, W_k)])
        V = np.concatenate([V, arith.matmul(x, W_v)])
        scores = arith.matmul(q, K.T) * scale
        row = softmax(scores, axis=1)
        following = tokens[t + 1] if t + 1 < len(tokens) else None
        steps.append(_step(t, token, q, K, V, scores, row, arith.matmul(row, V), following, False))
    one_head = CacheSize(1, 1, 1, width, np.dtype(np.float16).itemsize)  # one layer of one head, kept 16-bit too
    return CachedDecoding(tokens, None, len(tokens), tuple(steps), size=one_head)


def _step(t, token, q, K, V, scores, row, output, following, picked, token_id=None, next_id=None) -> DecodeStep:
    return DecodeStep(
        position=t,
        token=token,
        query=frozen(q[0]),
        keys=frozen(K.copy()),
        values=frozen(V.copy()),
        scores=frozen(scores[0]),
        weights=frozen(row[0]),
        output=frozen(output[0]),
        next_token=following,
        picked=picked,
        token_id=token_id,
        next_id=next_id,
    )


# ----- a decoder -------------------------------------------------------------------------------------------------
class _LayerCache:
    """One block's cache: per key/value head, the rotated keys and the values of the tokens read so far."""

    def __init__(self, kv_heads: int, d_head: int) -> None:
        self.keys = [np.empty((0, d_head)) for _ in range(kv_heads)]
        self.values = [np.empty((0, d_head)) for _ in range(kv_heads)]


def _block_row(h, layer, config: DecoderConfig, cache: _LayerCache, cos, sin):
    """One block on the residual row h (1 x d_model) of a new token: its q, k, v rows (as llama.head_trace
    computes them, head by head), k and v appended to the cache, each head's row against its key/value head's
    cache. Returns the block's output row and each head's (q, scores, weights, output)."""
    x = rms_norm(h, layer.attention_norm, config.eps)
    for g in range(config.kv_heads):
        _, W_k, W_v = layer.head(g * config.group, config)
        cache.keys[g] = np.concatenate([cache.keys[g], rotate_pairs(arith.matmul(x, W_k), cos, sin)])
        cache.values[g] = np.concatenate([cache.values[g], arith.matmul(x, W_v)])
    heads = []
    for i in range(config.heads):
        W_q = layer.head(i, config)[0]
        q = rotate_pairs(arith.matmul(x, W_q), cos, sin)
        g = config.kv_head_of(i)
        scores = arith.matmul(q, cache.keys[g].T) * (1.0 / np.sqrt(W_q.shape[1]))  # the core's scale
        row = softmax(scores, axis=1)
        heads.append((q, scores, row, arith.matmul(row, cache.values[g])))
    h = h + arith.matmul(np.concatenate([head[3] for head in heads], axis=1), layer.W_o)
    x = rms_norm(h, layer.ffn_norm, config.eps)
    gate, up = arith.matmul(x, layer.W_gate), arith.matmul(x, layer.W_up)
    return h + arith.matmul(silu(gate) * up, layer.W_down), heads


def cached_decode(model, prompt: str, new_tokens: int, layer: int = 1, head: int = 1) -> CachedDecoding:
    """``model`` (a ``smollm2.DecoderModel``) reads ``prompt`` and writes ``new_tokens`` tokens greedily with a
    KV cache; a ``DecodeStep`` per position for ``layer`` and ``head`` (both from 1).

    Every token, the prompt's too, is read one at a time: step t computes token t's row in each block against
    the block's cache of tokens 0..t - 1 (prefilling the prompt in one pass gives the same rows). From the
    prompt's last token on, each step's last block gives the logits and the token with the highest is next.

    Examples
    --------
    >>> from attention.models import smollm2
    >>> cached_decode(smollm2.load_model(), "1, 2, 3, 4, ", 1).picked  # doctest: +SKIP
    ('5',)
    """
    layer, head = model.check_layer(layer), model.check_head(head)
    check_size("new_tokens", new_tokens)
    ids = [int(i) for i in model.token_ids(prompt)]
    prompt_length, config, weights_ = len(ids), model.config, model.weights
    caches = [_LayerCache(config.kv_heads, config.d_head) for _ in range(config.layers)]
    steps = []
    for t in range(prompt_length + new_tokens - 1):
        cos, sin = (part[t : t + 1] for part in rotary(t + 1, config.d_head, config.rope_base))
        h = weights_.embed(np.array(ids[t : t + 1]))
        for i in range(config.layers):
            h, heads = _block_row(h, weights_.layer(i), config, caches[i], cos, sin)
            if i == layer - 1:
                chosen, g = heads[head - 1], config.kv_head_of(head - 1)
        picked = t + 1 >= prompt_length
        if picked:
            ids.append(int(np.argmax(logits(h[0], weights_))))
        following = model.labels([ids[t + 1]])[0]
        q, scores, row, output = chosen
        keys, values = caches[layer - 1].keys[g], caches[layer - 1].values[g]
        token = model.labels([ids[t]])[0]
        steps.append(_step(t, token, q, keys, values, scores, row, output, following, picked, ids[t], ids[t + 1]))
    return CachedDecoding(model.labels(ids), tuple(ids), prompt_length, tuple(steps), layer, head, cache_size(config))


# ----- what a request asks -------------------------------------------------------------------------------------
def check_steps(steps) -> int:
    """``steps`` (new tokens to decode, or the toy's last tokens to replay) as an int from 1 to MAX_STEPS; a
    one-line TypeError or ValueError otherwise."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise TypeError(f"steps must be a whole number from 1 to {MAX_STEPS}, got {type(steps).__name__} {steps!r}")
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be 1 to {MAX_STEPS} (new tokens a step each), got {steps}")
    return int(steps)


def prompted(request):
    """The request a cached run reads: ``request`` itself, or the same sizes, model, layer and head reading
    ``DECODE_PROMPT`` when nobody gave a sentence (``default_sentence``: every command reads the video's then).

    Examples
    --------
    >>> import attention
    >>> prompted(attention.Request.from_sentence()).tokens
    ('One,', 'two,', 'three,', 'four,')
    >>> len(prompted(attention.Request.from_sentence(attention.VIDEO_SENTENCE)).tokens)  # typed: read as given
    11
    """
    if not request.default_sentence:
        return request
    return replace(request, tokens=DECODE_PROMPT.split(), sentence=DECODE_PROMPT, **_given(request))


def _given(request) -> dict:
    # the caller's values of the fields a source answers (replace() would read the source's resolved ones)
    return {
        "d": request.given("d"),
        "d_k": request.given("d_k"),
        "heads": request.given("heads"),
        "layer": request.given("layer"),
        "head": request.given("head"),
    }


def decoding(request, steps: int | None = None) -> CachedDecoding:
    """The cached run a request asks for (``Request.decoding``): the toy model replays its prompt's tokens, a
    decoder writes ``steps`` tokens after it (default ``request.decode_steps``), greedily, for the request's layer
    and head; the steps a scene shows are ``run.last(steps)``.

    Examples
    --------
    >>> import attention
    >>> run = decoding(attention.Request.from_sentence(steps=2))
    >>> [(step.token, step.cached) for step in run.last(2)]
    [('three,', 2), ('four,', 3)]
    """
    reading = prompted(request)
    if request.model is None:
        return replay(reading)
    steps = request.decode_steps if steps is None else check_steps(steps)
    return _decoder_run(request.source.card, reading.text, steps, request.layer, request.head)


@lru_cache(maxsize=8)
def _decoder_run(card, text: str, steps: int, layer: int, head: int) -> CachedDecoding:
    from .models.pretrained import loaded  # the model's files: read only when a decoder's run is asked for

    return cached_decode(loaded(card), text, steps, layer, head)
