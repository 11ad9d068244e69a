"""Where X comes from: seeded token embeddings plus sinusoidal position encodings."""

from __future__ import annotations

import hashlib
from typing import NamedTuple

import numpy as np

from . import arith
from .validation import check_tokens


class Embedding(NamedTuple):
    token_embedding: np.ndarray  # T x d, one seeded vector per distinct token
    position_encoding: np.ndarray  # T x d, sinusoidal
    X: np.ndarray  # their sum, the input of attention


def tokenize(sentence: str) -> tuple[str, ...]:
    """Words of a sentence, split on white space."""
    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be a string, got {type(sentence).__name__}")
    tokens = tuple(sentence.split())
    if not tokens:
        raise ValueError("the sentence has no words; give at least one token")
    return tokens


def check_size(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


POSITION_BASE = 10000.0  # the wavelengths of the position encodings grow geometrically up to 2 pi times this
_LOG_POSITION_BASE = 9.210340371976184  # ln 10000, as a literal: the same bits wherever it is read


def position_encoding(T: int, d: int) -> np.ndarray:
    """PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(pos / 10000^(2i/d))."""
    positions = np.arange(T, dtype=np.float64)[:, None]
    # 10000^(-2i/d) as exp(-(2i/d) ln 10000), and sin, cos: arith's, the same bits on every CPU (np.power and
    # np.sin/np.cos take AVX-512 or FMA code paths where the CPU has them, each with a last bit of its own)
    rates = arith.exp(-(np.arange(d) // 2 * 2) / d * _LOG_POSITION_BASE)
    angles = positions * rates[None, :]
    return np.where(np.arange(d) % 2 == 0, arith.sin(angles), arith.cos(angles))


def token_vector(token: str, d: int, seed: int) -> np.ndarray:
    """The embedding of one token: a unit-variance normal vector from a generator seeded by
    (seed, sha256 of the token), so a word has the same vector wherever and whenever it occurs."""
    digest = hashlib.sha256(token.encode("utf-8")).digest()
    entropy = [seed, *np.frombuffer(digest[:16], dtype=np.uint32).tolist()]
    return np.random.default_rng(entropy).standard_normal(d)


def embed(tokens, d: int, seed: int = 0) -> Embedding:
    """X = token embedding + position encoding, for a sequence of string tokens."""
    d = check_size("d", d)
    seed = check_size("seed", seed, minimum=0)
    tokens = check_tokens(list(tokens) if not isinstance(tokens, str) else tokens, len(tokens))
    if not tokens:
        raise ValueError("the sequence is empty; give at least one token")
    E = np.stack([token_vector(t, d, seed) for t in tokens])
    P = position_encoding(len(tokens), d)
    return Embedding(E, P, E + P)


def projection_weights(d_in: int, d_out: int, seed: int, stream: int) -> np.ndarray:
    """A d_in x d_out weight matrix with variance 1/d_in (so projections keep X's scale),
    from its own seeded stream so that W_q does not change when d_v does."""
    return np.random.default_rng([seed, stream]).standard_normal((d_in, d_out)) / np.sqrt(d_in)
