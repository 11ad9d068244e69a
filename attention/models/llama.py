"""The Llama-family decoder's forward pass in NumPy, float64: RMSNorm, RoPE, grouped-query attention, SwiGLU.

Pure functions of arrays, plus the containers of the weights they use, laid out for ``x @ W``.
The weights come from a ``TensorSource`` (the GGUF file's tensors, dequantised, as stored: out x in),
are transposed once and cached once per process and layer, so a trace of layer 1 dequantises
layer 1 only. The matrices are kept as the float32 values dequantisation gives (llama.cpp's own);
every product is float64, since NumPy casts a float32 operand of a float64 product exactly (a
cached float64 copy would double the 425 MB and cost a second of page faults at the first call).
Each head's attention goes through the core's ``self_attention`` with a causal mask and the rotary
embedding as its ``rotate`` step, so the numbers a trace shows are the numbers the layer computed with.
Finding, checking and tokenizing are ``smollm2.py``'s business.

Layout of the rotary embedding: llama.cpp's converter permutes the Q and K rows of each head so that
its "normal" RoPE mode rotates adjacent pairs (2i, 2i + 1) of a head's 64 columns by the angle
t * base^(-2i / 64) at position t (Hugging Face's checkpoint pairs i with i + 32 instead; the
permutation makes the two the same computation). The adjacent pairing is the one whose next-token
predictions are right (tests/test_smollm2.py); the half-split pairing on these weights is not.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .. import arith
from ..core import self_attention
from ..trace import Trace


class TensorSource(Protocol):
    """Where the weights come from: whole matrices, or a few rows of one (the token embedding)."""

    def matrix(self, name: str) -> np.ndarray:
        """The tensor ``name`` as stored (a linear layer's out x in), as a float array."""

    def rows(self, name: str, ids: np.ndarray) -> np.ndarray:
        """Rows ``ids`` of the 2-D tensor ``name``, as a float array."""

    def has(self, name: str) -> bool:
        """Whether the tensor ``name`` exists."""


@dataclass(frozen=True)
class DecoderConfig:
    """The sizes of a Llama-family decoder, from its GGUF metadata."""

    layers: int
    heads: int  # query heads
    kv_heads: int  # key/value heads, each shared by heads // kv_heads query heads
    d_model: int
    d_ff: int
    d_head: int
    rope_base: float
    eps: float  # RMSNorm epsilon
    vocab_size: int

    @property
    def group(self) -> int:
        """How many query heads share one key/value head."""
        return self.heads // self.kv_heads

    def kv_head_of(self, head: int) -> int:
        """The 0-based key/value head that 0-based query head ``head`` reads (grouped-query attention).

        Examples
        --------
        >>> DecoderConfig(30, 9, 3, 576, 1536, 64, 1e5, 1e-5, 49152).kv_head_of(4)
        1
        """
        return head // self.group

    def __post_init__(self) -> None:
        if self.heads % self.kv_heads or self.heads * self.d_head != self.d_model or self.d_head % 2:
            raise ValueError(
                f"{self.heads} query heads, {self.kv_heads} key/value heads of size {self.d_head} do not fit "
                f"a width of {self.d_model}"
            )


@dataclass(frozen=True, eq=False)
class LayerWeights:
    """One decoder block, every matrix d_in x d_out for ``x @ W``, read-only (matrices float32, gains float64)."""

    attention_norm: np.ndarray  # RMSNorm gain before attention
    W_q: np.ndarray  # d_model x (heads d_head), its rows' pairs in the rotary layout described above
    W_k: np.ndarray  # d_model x (kv_heads d_head)
    W_v: np.ndarray  # d_model x (kv_heads d_head)
    W_o: np.ndarray  # (heads d_head) x d_model
    ffn_norm: np.ndarray  # RMSNorm gain before the feed-forward
    W_gate: np.ndarray  # d_model x d_ff
    W_up: np.ndarray  # d_model x d_ff
    W_down: np.ndarray  # d_ff x d_model

    def head(self, head: int, config: DecoderConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """0-based query head ``head``'s W_q, and its shared key/value head's W_k and W_v (d_model x d_head)."""
        q = slice(head * config.d_head, (head + 1) * config.d_head)
        g = config.kv_head_of(head)
        kv = slice(g * config.d_head, (g + 1) * config.d_head)
        return self.W_q[:, q], self.W_k[:, kv], self.W_v[:, kv]


def _checked(array: np.ndarray, shape: tuple[int, ...], name: str, dtype) -> np.ndarray:
    if array.shape != shape:
        raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
    result = np.ascontiguousarray(array, dtype=dtype)
    result.setflags(write=False)
    return result


def _f64(array: np.ndarray, shape: tuple[int, ...], name: str) -> np.ndarray:
    return _checked(array, shape, name, np.float64)


def _f32(array: np.ndarray, shape: tuple[int, ...], name: str) -> np.ndarray:
    return _checked(array, shape, name, np.float32)


class DecoderWeights:
    """A decoder's weights, read from ``source`` when first needed and kept (one copy per process and layer).

    ``layer(i)`` (0-based) dequantises and converts layer i on its first call only; ``output_head()``
    does the same for the vocabulary projection (``output.weight``, or the token embedding when the
    model ties them, as SmolLM2 does); ``embed(ids)`` reads only the rows it needs.
    """

    def __init__(self, source: TensorSource, config: DecoderConfig) -> None:
        self.source = source
        self.config = config
        self.final_norm = _f64(source.matrix("output_norm.weight"), (config.d_model,), "output_norm.weight")
        # per instance, and the instance is cached per process by its loader: each layer is dequantised once
        self.layer = functools.lru_cache(maxsize=None)(self._layer)
        self.output_head = functools.lru_cache(maxsize=1)(self._output_head)

    def embed(self, ids: np.ndarray) -> np.ndarray:
        """The token embeddings of ``ids`` (T,), T x d_model float64."""
        rows = self.source.rows("token_embd.weight", np.asarray(ids, dtype=np.int64))
        return _f64(rows, (len(ids), self.config.d_model), "token_embd.weight rows")

    def _layer(self, i: int) -> LayerWeights:
        c, p = self.config, f"blk.{i}"
        d, ff, q, kv = c.d_model, c.d_ff, c.heads * c.d_head, c.kv_heads * c.d_head

        def linear(name: str, d_in: int, d_out: int) -> np.ndarray:
            # stored out x in; kept so, as a transposed view: a transposing copy is slower
            return _f32(self.source.matrix(f"{p}.{name}.weight"), (d_out, d_in), f"{p}.{name}.weight").T

        def gain(name: str) -> np.ndarray:
            return _f64(self.source.matrix(f"{p}.{name}.weight"), (d,), f"{p}.{name}.weight")

        return LayerWeights(
            attention_norm=gain("attn_norm"),
            W_q=linear("attn_q", d, q),
            W_k=linear("attn_k", d, kv),
            W_v=linear("attn_v", d, kv),
            W_o=linear("attn_output", q, d),
            ffn_norm=gain("ffn_norm"),
            W_gate=linear("ffn_gate", d, ff),
            W_up=linear("ffn_up", d, ff),
            W_down=linear("ffn_down", ff, d),
        )

    def _output_head(self) -> np.ndarray:
        name = "output.weight" if self.source.has("output.weight") else "token_embd.weight"
        return _f32(self.source.matrix(name), (self.config.vocab_size, self.config.d_model), name)


def rms_norm(x: np.ndarray, gain: np.ndarray, eps: float) -> np.ndarray:
    """x / sqrt(mean(x^2) + eps) * gain over the last axis (no mean subtracted, no bias: Llama's RMSNorm).

    Examples
    --------
    >>> rms_norm(np.array([[3.0, 4.0]]), np.ones(2), 0.0).round(4)
    array([[0.8485, 1.1314]])
    """
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * gain


def rotary(T: int, d_head: int, base: float) -> tuple[np.ndarray, np.ndarray]:
    """cos and sin of the rotary angles, T x d_head / 2: position t, pair i turns by t * base^(-2i / d_head)."""
    # scalar powers (libm), not NumPy's power, whose AVX-512 path gives other last bits than its AVX2 one
    inverse = np.array([float(base) ** (-i / d_head) for i in range(0, d_head, 2)])
    angles = np.arange(T, dtype=np.float64)[:, None] * inverse[None, :]
    return arith.cos(angles), arith.sin(angles)  # glibc's own differ by CPU (FMA variants)


def rotate_pairs(x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    """Each row t of x (T x d_head) with its adjacent pairs (2i, 2i + 1) turned by the angles of row t.

    Examples
    --------
    >>> cos, sin = rotary(2, 2, 10000.0)
    >>> rotate_pairs(np.array([[1.0, 0.0], [1.0, 0.0]]), cos, sin).round(4)
    array([[1.    , 0.    ],
           [0.5403, 0.8415]])
    """
    even, odd = x[:, 0::2], x[:, 1::2]
    out = np.empty_like(x)
    out[:, 0::2] = even * cos - odd * sin
    out[:, 1::2] = even * sin + odd * cos
    return out


def causal_mask(T: int) -> np.ndarray:
    """The T x T boolean mask of a decoder: query t may attend to keys 0..t (lower triangle, diagonal included)."""
    return np.tril(np.ones((T, T), dtype=bool))


def head_trace(
    X: np.ndarray, layer: LayerWeights, head: int, config: DecoderConfig, tokens: Sequence[str], key_mask=None
) -> Trace:
    """0-based query head ``head`` over a layer's normed input X (T x d_model), through the core.

    Q and K are rotated (RoPE) before their product, the mask is causal, and the trace records
    the shared key/value head (1-based) as ``kv_head``. ``key_mask`` (T booleans, True = a real token) hides
    padding too: a padded batch's shorter text attends to its own tokens only.
    """
    W_q, W_k, W_v = layer.head(head, config)
    cos, sin = rotary(len(X), config.d_head, config.rope_base)
    mask = causal_mask(len(X)) if key_mask is None else causal_mask(len(X)) & np.asarray(key_mask)[None, :]
    trace = self_attention(X, W_q, W_k, W_v, mask=mask, tokens=tokens, rotate=lambda m: rotate_pairs(m, cos, sin))
    return dataclasses.replace(trace, kv_head=config.kv_head_of(head) + 1)


def silu(x: np.ndarray) -> np.ndarray:
    """x * sigmoid(x), SwiGLU's gate activation."""
    return x / (1.0 + arith.exp(-x))


def decoder_layer(
    h: np.ndarray, layer: LayerWeights, config: DecoderConfig, tokens: Sequence[str], key_mask=None
) -> np.ndarray:
    """One block on the residual stream h (T x d_model): h + attention(norm h), then + SwiGLU(norm of that)."""
    X = rms_norm(h, layer.attention_norm, config.eps)
    heads = [head_trace(X, layer, i, config, tokens, key_mask).output for i in range(config.heads)]
    h = h + arith.matmul(np.concatenate(heads, axis=1), layer.W_o)
    x = rms_norm(h, layer.ffn_norm, config.eps)
    gate, up = arith.matmul(x, layer.W_gate), arith.matmul(x, layer.W_up)
    return h + arith.matmul(silu(gate) * up, layer.W_down)


def forward(
    ids: np.ndarray, tokens: Sequence[str], weights: DecoderWeights, layers: int, key_mask=None
) -> tuple[np.ndarray, ...]:
    """The residual stream through the first ``layers`` blocks: (embeddings, block 1's output, ...).

    Entry L - 1 is block L's input; blocks past ``layers`` are never computed (nor their weights read).

    Examples
    --------
    >>> states = forward(ids, tokens, weights, layers=2)  # doctest: +SKIP
    >>> len(states)  # doctest: +SKIP
    3
    """
    h = weights.embed(ids)
    states = [h]
    for i in range(layers):
        h = decoder_layer(h, weights.layer(i), weights.config, tokens, key_mask)
        states.append(h)
    return tuple(states)


def logits(h_last: np.ndarray, weights: DecoderWeights, rows: int = 4096) -> np.ndarray:
    """The next-token logits (vocab_size,) from the last block's output at one position (d_model,).

    The float32 head is cast to float64 ``rows`` rows at a time: one 226 MB temporary per call would
    cost more in fresh pages than the product itself.

    Examples
    --------
    >>> logits(decoding.states[-1][-1], model.weights).argmax()  # doctest: +SKIP
    np.int64(7042)
    """
    x = rms_norm(h_last, weights.final_norm, weights.config.eps)
    head = weights.output_head()
    return np.concatenate([head[i : i + rows].astype(np.float64) @ x for i in range(0, len(head), rows)])
