"""The BERT encoder's forward pass in NumPy, float64: embeddings, the layers, mean pooling.

Pure functions of arrays, plus the frozen containers of the weights they use, laid out for
``x @ W`` (Hugging Face's Linear stores out x in, so every matrix is transposed once at load).
Each head's attention goes through the core's ``self_attention``, so the numbers a trace shows
are the numbers the layer computed with. Files and tokens are ``files.py``'s and
``minilm.py``'s business.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .. import arith
from ..core import self_attention
from ..trace import Trace


@dataclass(frozen=True)
class EncoderConfig:
    """The sizes of a BERT encoder, from its config.json."""

    layers: int
    heads: int
    d_model: int  # hidden size
    d_ff: int  # feed-forward (intermediate) size
    eps: float  # LayerNorm epsilon
    max_positions: int
    vocab_size: int
    type_vocab_size: int

    @property
    def d_k(self) -> int:
        return self.d_model // self.heads

    @classmethod
    def from_json(cls, config: Mapping) -> EncoderConfig:
        """Sizes from a Hugging Face BertModel config; refuses what this forward pass does not implement."""
        unsupported = {
            key: config.get(key)
            for key, want in (("model_type", "bert"), ("hidden_act", "gelu"), ("position_embedding_type", "absolute"))
            if config.get(key, want) != want
        }
        if unsupported:
            raise ValueError(f"this NumPy BERT does bert, exact gelu, absolute positions only; got {unsupported}")
        result = cls(
            layers=int(config["num_hidden_layers"]),
            heads=int(config["num_attention_heads"]),
            d_model=int(config["hidden_size"]),
            d_ff=int(config["intermediate_size"]),
            eps=float(config["layer_norm_eps"]),
            max_positions=int(config["max_position_embeddings"]),
            vocab_size=int(config["vocab_size"]),
            type_vocab_size=int(config["type_vocab_size"]),
        )
        if result.d_model % result.heads:
            raise ValueError(f"hidden_size {result.d_model} is not divisible by {result.heads} heads")
        return result


@dataclass(frozen=True, eq=False)
class HeadWeights:
    """One head's column blocks of the query, key and value projections: d_model x d_k, and d_k biases."""

    W_q: np.ndarray
    b_q: np.ndarray
    W_k: np.ndarray
    b_k: np.ndarray
    W_v: np.ndarray
    b_v: np.ndarray


@dataclass(frozen=True, eq=False)
class LayerWeights:
    """One encoder layer: the heads, the output projection, the feed-forward, two LayerNorms."""

    heads: tuple[HeadWeights, ...]
    W_o: np.ndarray  # d_model x d_model: the concatenated heads back to the model width
    b_o: np.ndarray
    attention_norm: tuple[np.ndarray, np.ndarray]  # gamma, beta after attention + residual
    W_in: np.ndarray  # d_model x d_ff
    b_in: np.ndarray
    W_out: np.ndarray  # d_ff x d_model
    b_out: np.ndarray
    output_norm: tuple[np.ndarray, np.ndarray]  # gamma, beta after feed-forward + residual


@dataclass(frozen=True, eq=False)
class EncoderWeights:
    config: EncoderConfig
    # Kept float32 as stored: each looked-up row is converted to float64 exactly, and converting all
    # 30522 rows at load would cost 90 MB and a tenth of a second for rows a sentence never uses.
    word_embeddings: np.ndarray
    position_embeddings: np.ndarray
    token_type_embeddings: np.ndarray
    embedding_norm: tuple[np.ndarray, np.ndarray]
    layers: tuple[LayerWeights, ...]


def _f64(array: np.ndarray, shape: tuple[int, ...], name: str) -> np.ndarray:
    if array.shape != shape:
        raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
    result = np.ascontiguousarray(array, dtype=np.float64)
    result.setflags(write=False)
    return result


def weights_from_tensors(tensors: Mapping[str, np.ndarray], config: EncoderConfig) -> EncoderWeights:
    """The encoder's weights from a Hugging Face BertModel state dict, as float64 in ``x @ W`` layout."""
    d, ff, dk = config.d_model, config.d_ff, config.d_k

    def get(name: str, shape: tuple[int, ...], transpose: bool = False) -> np.ndarray:
        if name not in tensors:
            raise ValueError(f"the weights lack the tensor {name}")
        if transpose:  # cast as stored (out x in), then view it transposed: a transposing copy is ~10x slower
            return _f64(tensors[name], shape[::-1], name).T
        return _f64(tensors[name], shape, name)

    def norm(prefix: str) -> tuple[np.ndarray, np.ndarray]:
        return get(f"{prefix}.weight", (d,)), get(f"{prefix}.bias", (d,))

    def layer(i: int) -> LayerWeights:
        p = f"encoder.layer.{i}"
        W = {n: get(f"{p}.attention.self.{n}.weight", (d, d), transpose=True) for n in ("query", "key", "value")}
        b = {n: get(f"{p}.attention.self.{n}.bias", (d,)) for n in ("query", "key", "value")}

        def block(a: np.ndarray, h: int) -> np.ndarray:  # head h's d_k columns, as an array of its own
            return _f64(a[..., h * dk : (h + 1) * dk], a.shape[:-1] + (dk,), f"{p} head {h + 1}")

        heads = tuple(
            HeadWeights(
                W_q=block(W["query"], h),
                b_q=block(b["query"], h),
                W_k=block(W["key"], h),
                b_k=block(b["key"], h),
                W_v=block(W["value"], h),
                b_v=block(b["value"], h),
            )
            for h in range(config.heads)
        )
        return LayerWeights(
            heads=heads,
            W_o=get(f"{p}.attention.output.dense.weight", (d, d), transpose=True),
            b_o=get(f"{p}.attention.output.dense.bias", (d,)),
            attention_norm=norm(f"{p}.attention.output.LayerNorm"),
            W_in=get(f"{p}.intermediate.dense.weight", (d, ff), transpose=True),
            b_in=get(f"{p}.intermediate.dense.bias", (ff,)),
            W_out=get(f"{p}.output.dense.weight", (ff, d), transpose=True),
            b_out=get(f"{p}.output.dense.bias", (d,)),
            output_norm=norm(f"{p}.output.LayerNorm"),
        )

    words = tensors["embeddings.word_embeddings.weight"]
    if words.shape != (config.vocab_size, d):
        raise ValueError(f"the word embeddings have shape {words.shape}, expected {(config.vocab_size, d)}")
    words = words.view()  # a read-only view: no 47 MB copy of a table that is only ever indexed
    words.setflags(write=False)
    return EncoderWeights(
        config=config,
        word_embeddings=words,
        position_embeddings=get("embeddings.position_embeddings.weight", (config.max_positions, d)),
        token_type_embeddings=get("embeddings.token_type_embeddings.weight", (config.type_vocab_size, d)),
        embedding_norm=norm("embeddings.LayerNorm"),
        layers=tuple(layer(i) for i in range(config.layers)),
    )


def layer_norm(x: np.ndarray, norm: tuple[np.ndarray, np.ndarray], eps: float) -> np.ndarray:
    """(x - mean) / sqrt(var + eps) * gamma + beta over the last axis, with the biased variance (as torch)."""
    gamma, beta = norm
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def gelu(x: np.ndarray) -> np.ndarray:
    """The exact GELU, x Phi(x) = x (1 + erf(x / sqrt 2)) / 2: BERT's "gelu", not the tanh approximation."""
    from scipy.special import erf  # imported here: scipy costs ~0.3 s, only worth paying once a model runs

    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def embed(ids: np.ndarray, type_ids: np.ndarray, weights: EncoderWeights) -> np.ndarray:
    """Word + position + token-type embeddings of S sequences of T ids (S x T), then LayerNorm: S x T x d_model."""
    T = ids.shape[-1]
    if T > weights.config.max_positions:
        raise ValueError(f"{T} tokens exceed the model's {weights.config.max_positions} positions")
    words = weights.word_embeddings[ids].astype(np.float64)  # float32 -> float64 is exact
    x = words + weights.position_embeddings[:T] + weights.token_type_embeddings[type_ids]
    return layer_norm(x, weights.embedding_norm, weights.config.eps)


def key_mask_matrix(key_mask: np.ndarray) -> np.ndarray | None:
    """The T x T boolean mask (True = may attend) that hides [PAD] keys from every query; None without padding."""
    key_mask = np.asarray(key_mask, dtype=bool)
    if key_mask.all():
        return None
    return np.broadcast_to(key_mask, (len(key_mask), len(key_mask)))


def head_trace(X: np.ndarray, head: HeadWeights, mask: np.ndarray | None, tokens) -> Trace:
    """One head's attention over a layer input X, through the core: softmax((X W_q + b_q)(X W_k + b_k)^T / √d_k)."""
    return self_attention(
        X, head.W_q, head.W_k, head.W_v, mask=mask, tokens=tokens, b_q=head.b_q, b_k=head.b_k, b_v=head.b_v
    )


def _dense(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    # S x T x n -> one (S T) x n product: one BLAS call for the whole batch instead of one per sentence
    return (arith.matmul(x.reshape(-1, x.shape[-1]), W) + b).reshape(*x.shape[:-1], W.shape[1])


def encoder_layer(X: np.ndarray, layer: LayerWeights, masks, tokens, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """One layer on S sequences (S x T x d_model, ``masks[s]`` and ``tokens[s]`` per sequence).

    Returns its output (S x T x d_model) and its heads' attention weights (S x heads x T x T).
    """
    traces = [[head_trace(X[s], head, masks[s], tokens[s]) for head in layer.heads] for s in range(len(X))]
    concat = np.stack([np.concatenate([trace.output for trace in row], axis=1) for row in traces])
    attended = layer_norm(X + _dense(concat, layer.W_o, layer.b_o), layer.attention_norm, eps)
    fed = _dense(gelu(_dense(attended, layer.W_in, layer.b_in)), layer.W_out, layer.b_out)
    weights = np.stack([np.stack([trace.weights for trace in row]) for row in traces])
    return layer_norm(attended + fed, layer.output_norm, eps), weights


def forward(
    ids: np.ndarray, type_ids: np.ndarray, key_mask: np.ndarray, tokens, weights: EncoderWeights
) -> tuple[np.ndarray, np.ndarray]:
    """S sequences of T ids (padded to one length; ``key_mask`` S x T, True = real token) through the encoder.

    Returns the hidden states, S x (layers + 1) x T x d_model (index 0: the embeddings; index L: layer L's
    output, which is layer L + 1's input), and the attention weights, S x layers x heads x T x T.
    """
    masks = [key_mask_matrix(row) for row in key_mask]
    X = embed(ids, type_ids, weights)
    hidden, attention = [X], []
    for layer in weights.layers:
        X, heads = encoder_layer(X, layer, masks, tokens, weights.config.eps)
        hidden.append(X)
        attention.append(heads)
    return np.stack(hidden, axis=1), np.stack(attention, axis=1)


def mean_pool(hidden: np.ndarray, key_mask: np.ndarray) -> np.ndarray:
    """The mean of the real (unpadded) tokens' vectors (T x d_model -> d_model), as sentence-transformers pools."""
    real = hidden[np.asarray(key_mask, dtype=bool)]  # [PAD] rows left out, not multiplied by 0
    return real.sum(axis=0) / max(len(real), 1)


def l2_normalise(vector: np.ndarray) -> np.ndarray:
    """vector / ||vector||, as torch.nn.functional.normalize (the norm clamped at 1e-12)."""
    return vector / max(float(np.linalg.norm(vector)), 1e-12)
