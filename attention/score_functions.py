"""Four ways to score a query against a key, on one trace's Q and K: additive, multiplicative, dot, scaled dot.

Additive attention (Bahdanau, Cho and Bengio 2014) scores a recurrent decoder's state q against each encoder
state k with a one-hidden-layer network, v . tanh(W_1 q + W_2 k); multiplicative attention (Luong, Pham and
Manning 2015, their "general" score) with a bilinear form q^T W k, and their "dot" score with q . k, i.e. W = I.
The Transformer (Vaswani et al. 2017) keeps the dot product, divided by sqrt(d_k), and drops the recurrence:
q and k are projections of the tokens themselves. Here the four run on the same queries and keys (the rows of a
trace's Q and K), with seeded W_1, W_2 (d_k x d_a), v (d_a) and W (d_k x d_k); the additive layer's width d_a
is d_k unless asked. ``parameters`` and ``work`` count what each needs, as formulas of d_k, d_a and T.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from . import arith
from .core import softmax
from .embedding import check_size, projection_weights
from .trace import Trace
from .validation import frozen

KINDS = ("additive", "multiplicative", "dot", "scaled")
# Generator streams of the score functions' own parameters, apart from every other weight's (see toy.py).
STREAM_W1, STREAM_W2, STREAM_V, STREAM_W = 21, 22, 23, 24


@dataclass(frozen=True)
class ScoreFunctions:
    """The four score functions on one trace's queries and keys, every intermediate kept (float64, read-only).

    Rows are queries (``tokens``), columns keys (``kv_tokens``). ``query_part`` = Q W_1 and ``key_part`` = K W_2
    (one row per token, d_a wide), ``hidden`` = tanh(query_part[i] + key_part[j]) for every pair (T x T_kv x d_a);
    ``mapped`` = Q W (each query through the bilinear form). ``mask``: the trace's (True = may attend), None
    when it has none; each kind's weights are the softmax of its scores' rows under it.

    Examples
    --------
    >>> import attention
    >>> trace = attention.example(sentence="a b c", d=4)
    >>> s = score_functions(trace, seed=0)
    >>> s.scores("dot").shape, bool(np.allclose(s.scores("scaled"), trace.scaled))
    ((3, 3), True)
    >>> s.parameters()["additive"], s.parameters()["dot"]  # 2 d_k d_a + d_a with d_a = d_k = 4; none
    (36, 0)
    """

    tokens: tuple[str, ...]
    kv_tokens: tuple[str, ...]
    d: int  # the width of the tokens' vectors that Q and K were projected from
    Q: np.ndarray  # T x d_k
    K: np.ndarray  # T_kv x d_k
    W_1: np.ndarray  # d_k x d_a, on the query
    W_2: np.ndarray  # d_k x d_a, on the key
    v: np.ndarray  # d_a
    W: np.ndarray  # d_k x d_k, the bilinear form
    query_part: np.ndarray  # Q W_1
    key_part: np.ndarray  # K W_2
    hidden: np.ndarray  # tanh(q W_1 + k W_2), T x T_kv x d_a
    additive: np.ndarray  # hidden . v
    mapped: np.ndarray  # Q W
    multiplicative: np.ndarray  # Q W K^T
    dot: np.ndarray  # Q K^T
    scaled: np.ndarray  # Q K^T / sqrt(d_k)
    mask: np.ndarray | None
    weights: MappingProxyType  # kind -> softmax of the scores' rows (under the mask), read-only

    @property
    def T(self) -> int:
        return self.Q.shape[0]

    @property
    def T_kv(self) -> int:
        return self.K.shape[0]

    @property
    def d_k(self) -> int:
        return self.Q.shape[1]

    @property
    def d_a(self) -> int:
        return self.W_1.shape[1]

    def scores(self, kind: str) -> np.ndarray:
        """The T x T_kv scores of ``kind`` (one of ``KINDS``)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        return getattr(self, kind)

    def parameters(self) -> dict[str, int]:
        """What each score learns beyond q and k themselves: ``parameter_counts`` at this record's sizes."""
        return parameter_counts(self.d_k, self.d_a)

    def projection_parameters(self) -> int:
        """The Transformer's W_q and W_k (2 d d_k), which make q and k from the tokens: the same for all four here."""
        return 2 * self.d * self.d_k

    def work(self) -> dict[str, int]:
        """Multiply-adds each takes for all its scores: ``work_counts`` at this record's sizes."""
        return work_counts(self.T, self.T_kv, self.d_k, self.d_a)


def parameter_counts(d_k: int, d_a: int) -> dict[str, int]:
    """The parameters of each score function beyond q and k: W_1, W_2 and v (2 d_k d_a + d_a), W (d_k^2), none
    for the dot product, scaled or not.

    Examples
    --------
    >>> parameter_counts(5, 5)
    {'additive': 55, 'multiplicative': 25, 'dot': 0, 'scaled': 0}
    """
    return {"additive": 2 * d_k * d_a + d_a, "multiplicative": d_k * d_k, "dot": 0, "scaled": 0}


def work_counts(T: int, T_kv: int, d_k: int, d_a: int) -> dict[str, int]:
    """Multiply-adds for all T x T_kv scores (a lone multiplication counts one): additive, W_1 q for each query
    and W_2 k for each key (T d_k d_a + T_kv d_k d_a), then v . tanh(...) for every pair (T T_kv d_a, plus as many
    tanh); multiplicative, q W for each query (T d_k^2), then a dot product per pair (T T_kv d_k); dot, T T_kv d_k;
    scaled, that and one multiplication by 1/sqrt(d_k) per score (T T_kv).

    Examples
    --------
    >>> work_counts(11, 11, 5, 5)
    {'additive': 1155, 'multiplicative': 880, 'dot': 605, 'scaled': 726}
    """
    pairs = T * T_kv
    return {
        "additive": (T + T_kv) * d_k * d_a + pairs * d_a,
        "multiplicative": T * d_k * d_k + pairs * d_k,
        "dot": pairs * d_k,
        "scaled": pairs * d_k + pairs,
    }


def tanh(values) -> np.ndarray:
    """tanh, elementwise, from ``arith.exp`` (the same bits on every CPU): sign(x) (1 - e^-2|x|) / (1 + e^-2|x|).

    Examples
    --------
    >>> bool(np.allclose(tanh([-2.0, 0.0, 0.5]), np.tanh([-2.0, 0.0, 0.5])))
    True
    """
    x = np.asarray(values, dtype=np.float64)
    e = arith.exp(-2.0 * np.abs(x))
    return np.sign(x) * ((1.0 - e) / (1.0 + e))


def score_functions(trace: Trace, seed: int, d_a: int | None = None) -> ScoreFunctions:
    """The four score functions on ``trace``'s Q and K, with W_1, W_2, v and W drawn from ``seed`` (each from its
    own stream, variance 1 / fan-in, like the toy's projections), softmaxed under the trace's mask.

    Deterministic for a trace and seed; d_a, the additive layer's width, is d_k unless given.
    """
    seed = check_size("seed", seed, minimum=0)
    d_k = trace.Q.shape[1]
    d_a = d_k if d_a is None else check_size("d_a", d_a)
    W_1 = projection_weights(d_k, d_a, seed, STREAM_W1)
    W_2 = projection_weights(d_k, d_a, seed, STREAM_W2)
    v = projection_weights(d_a, 1, seed, STREAM_V)[:, 0]
    W = projection_weights(d_k, d_k, seed, STREAM_W)
    Q, K = trace.Q, trace.K
    query_part, key_part = arith.matmul(Q, W_1), arith.matmul(K, W_2)
    hidden = tanh(query_part[:, None, :] + key_part[None, :, :])
    mapped = arith.matmul(Q, W)
    scores = {
        "additive": arith.total(hidden * v, axis=-1),  # v . hidden, summed in a fixed order
        "multiplicative": arith.matmul(mapped, K.T),
        "dot": arith.matmul(Q, K.T),
    }
    scores["scaled"] = scores["dot"] * (1.0 / np.sqrt(d_k))  # as the core scales: the same bits as trace.scaled
    mask = trace.mask
    weights = {
        kind: frozen(softmax(values if mask is None else np.where(mask, values, -np.inf), axis=1))
        for kind, values in scores.items()
    }
    named = {"Q": Q, "K": K, "W_1": W_1, "W_2": W_2, "v": v, "W": W, "query_part": query_part, "key_part": key_part}
    named.update(hidden=hidden, mapped=mapped, **scores)
    return ScoreFunctions(
        tokens=trace.tokens,
        kv_tokens=trace.kv_tokens,
        d=trace.d,
        mask=mask,
        weights=MappingProxyType(weights),
        **{name: frozen(array) for name, array in named.items()},  # read-only, each (the trace's Q, K already are)
    )
