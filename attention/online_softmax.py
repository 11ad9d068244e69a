"""The online softmax of one query row over blocks of keys (FlashAttention's), and what tiling saves in memory.

What belongs here: ``online_softmax`` (a row of scaled scores and V, block by block: the running maximum m, sum l
and output o, rescaled by e^(m_old - m_new) whenever the maximum grows), ``online_attention`` (the same from q, K,
V and the scale), ``online_row`` (one row of any ``Trace``: the toy model's or a pretrained head's), the frozen
records of each block's state, and ``tiling_bytes`` (the T x T matrix against the working set of its tiles).
exp, sums and products are ``arith``'s, as in the core, so the blocks' numbers are the same on every CPU.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import arith
from .embedding import check_size
from .trace import Trace
from .validation import frozen


@dataclass(frozen=True)
class BlockState:
    """The running state after one block of keys, ``start`` to ``stop`` (0-based, stop excluded).

    ``scores``: the block's scaled (masked) scores; ``maximum``: the running maximum m after it;
    ``rescale``: e^(m_old - m_new), by which l and o from the blocks before were multiplied (1 when the
    maximum did not grow, 0 when everything before was masked); ``exps``: e^(score - m) of the block's keys;
    ``total``: the running sum l; ``output``: the running output o (not yet divided by l).
    """

    start: int
    stop: int
    scores: np.ndarray
    maximum: float
    rescale: float
    exps: np.ndarray
    total: float
    output: np.ndarray

    @property
    def added(self) -> float:
        """The block's own part of l: the sum of its e^(score - m)."""
        return float(arith.total(self.exps))


@dataclass(frozen=True)
class OnlineSoftmax:
    """One query row's online softmax: the inputs, every block's state, and the result.

    ``weights`` is e^(score - m) / l with the last block's m and l (what the blocks would give if asked for the
    row of weights; FlashAttention's backward pass recomputes it so), ``output`` is o / l. ``q``, ``K`` and
    ``scale`` are None when the scores were given directly.
    """

    scores: np.ndarray
    V: np.ndarray
    block: int
    states: tuple[BlockState, ...]
    weights: np.ndarray
    output: np.ndarray
    q: np.ndarray | None = None
    K: np.ndarray | None = None
    scale: float | None = None

    @property
    def T(self) -> int:
        """How many keys the row has."""
        return len(self.scores)


def online_softmax(scores, V, block: int) -> OnlineSoftmax:
    """softmax(scores) V, reading ``scores`` (T,) and ``V`` (T x d_v) ``block`` keys at a time.

    Each block updates m_new = max(m_old, the block's maximum), rescales l and o by e^(m_old - m_new), and adds
    its own e^(score - m_new) to l and e^(score - m_new) V to o; only the last state is divided by l. A score may
    be -inf (masked), a whole block too; a row with every score -inf has no softmax and is refused.

    Examples
    --------
    >>> run = online_softmax([1.0, 3.0, 2.0], np.eye(3), block=2)
    >>> [(s.start, s.stop, s.maximum) for s in run.states]
    [(0, 2, 3.0), (2, 3, 3.0)]
    >>> run.weights.round(4)
    array([0.09  , 0.6652, 0.2447])
    """
    scores = np.array(scores, dtype=np.float64)
    V = np.array(V, dtype=np.float64)
    if scores.ndim != 1 or V.ndim != 2 or len(V) != len(scores):
        raise ValueError(f"scores must be one row of T numbers and V T rows; got {scores.shape} and {V.shape}")
    if len(scores) == 0:
        raise ValueError("the row has no keys")
    if np.isnan(scores).any() or (scores == np.inf).any():
        raise ValueError("a score is nan or +inf: only finite scores and -inf (masked) have a softmax")
    if (scores == -np.inf).all():
        raise ValueError("every score is -inf (all keys masked): the row has no softmax")
    if not np.isfinite(V).all():
        raise ValueError("V must be finite")
    block = check_size("block", block)
    maximum, total, output = -np.inf, 0.0, np.zeros(V.shape[1])
    states = []
    for start in range(0, len(scores), block):
        stop = min(start + block, len(scores))
        part = scores[start:stop]
        new = max(maximum, float(part.max()))
        # Nothing seen but -inf yet: nothing to rescale, and e^(-inf - -inf) would be nan.
        rescale = 1.0 if new == -np.inf else float(arith.exp(maximum - new))
        exps = np.zeros(len(part)) if new == -np.inf else arith.exp(part - new)
        total = total * rescale + float(arith.total(exps))
        output = output * rescale + arith.matmul(exps[None, :], V[start:stop])[0]
        maximum = new
        states.append(
            BlockState(start, stop, frozen(part), maximum, rescale, frozen(exps), total, frozen(output.copy()))
        )
    weights = arith.exp(scores - maximum) / total
    return OnlineSoftmax(frozen(scores), frozen(V), block, tuple(states), frozen(weights), frozen(output / total))


def online_attention(q, K, V, scale: float, block: int, mask=None) -> OnlineSoftmax:
    """The query row ``q`` (d_k,) against ``K`` (T x d_k) and ``V`` (T x d_v): scores (K q) * ``scale``, -inf
    where ``mask`` (T booleans, True = may attend) is False, then ``online_softmax`` in blocks of ``block``.

    Examples
    --------
    >>> K = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> run = online_attention([2.0, 0.0], K, np.eye(3), scale=0.5, block=1)
    >>> [s.rescale for s in run.states]
    [0.0, 1.0, 1.0]
    >>> run.output.round(4)
    array([0.4223, 0.1554, 0.4223])
    """
    q = np.array(q, dtype=np.float64)
    K = np.array(K, dtype=np.float64)
    if q.ndim != 1 or K.ndim != 2 or K.shape[1] != len(q):
        raise ValueError(f"q must be one row of d_k numbers and K T rows of d_k; got {q.shape} and {K.shape}")
    scores = arith.matmul(q[None, :], K.T)[0] * float(scale)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != scores.shape:
            raise ValueError(f"mask must have one entry per key ({len(scores)}), got shape {mask.shape}")
        scores = np.where(mask, scores, -np.inf)
    run = online_softmax(scores, V, block)
    return OnlineSoftmax(**{**run.__dict__, "q": frozen(q), "K": frozen(K), "scale": float(scale)})


def online_row(trace: Trace, row: int, block: int) -> OnlineSoftmax:
    """Row ``row`` (0-based) of ``trace`` (any source's: its Q, K, V, scale and mask) in blocks of ``block`` keys.

    Examples
    --------
    >>> import attention
    >>> trace = attention.example(sentence="a b c d", d=4, mask="causal")
    >>> run = online_row(trace, 3, block=2)
    >>> bool(np.abs(run.weights - trace.weights[3]).max() < 1e-15)
    True
    """
    if isinstance(row, bool) or not isinstance(row, (int, np.integer)) or not 0 <= row < trace.T:
        raise ValueError(f"row must be an integer from 0 to {trace.T - 1}, got {row!r}")
    mask = None if trace.mask is None else trace.mask[row]
    return online_attention(trace.Q[row], trace.K, trace.V, trace.scale, block, mask)


@dataclass(frozen=True)
class TilingBytes:
    """Bytes of attention's scores for one head: the whole T x T matrix, against the working set of tiled
    attention (one block of Q, of K and of V, a block x block tile of scores, the block's output and its m and
    l), each value ``value_bytes`` wide."""

    T: int
    block: int
    d_head: int
    value_bytes: int
    matrix: int
    tiles: int

    @property
    def ratio(self) -> float:
        """How many times the tiles' working set fits in the full matrix."""
        return self.matrix / self.tiles

    @property
    def bits(self) -> int:
        """The values' width in bits (16 for 2-byte values), as a caption says it."""
        return 8 * self.value_bytes


def tiling_bytes(T: int, block: int, d_head: int, dtype=np.float32) -> TilingBytes:
    """What holding the T x T scores costs against what tiles of ``block`` rows and keys hold at once.

    ``dtype``: the values' type (np.float32, or np.float16 for 16-bit); its width is NumPy's ``itemsize``.

    Examples
    --------
    >>> tiling_bytes(4096, 128, 64, np.float16).matrix
    33554432
    >>> tiling_bytes(4096, 128, 64, np.float32).tiles
    197632
    """
    T, block, d_head = check_size("T", T), check_size("block", block), check_size("d_head", d_head)
    width = np.dtype(dtype).itemsize
    values = 4 * block * d_head + block * block + 2 * block  # Q, K, V, O blocks; the score tile; m and l
    return TilingBytes(T, block, d_head, width, T * T * width, values * width)


# What the online-softmax scene shows when nobody chose: about three blocks of keys, and, for the tiles, a
# FlashAttention-sized case (a 4096-token context in tiles of 128 queries and keys, 16-bit values).
DEFAULT_BLOCKS = 3
LONG_T, LONG_BLOCK = 4096, 128


def default_block(T: int) -> int:
    """Keys a block when nobody chose: T split into ``DEFAULT_BLOCKS`` blocks (the last may be shorter).

    Examples
    --------
    >>> default_block(11), default_block(2)
    (4, 1)
    """
    return -(-check_size("T", T) // DEFAULT_BLOCKS)


def growths(run: OnlineSoftmax) -> list[int]:
    """The blocks (0-based) at which the running maximum grew over a finite one: 0 < e^(m_old - m_new) < 1.

    Examples
    --------
    >>> growths(online_softmax([1.0, 3.0, 2.0, 5.0], np.eye(4), block=1))
    [1, 3]
    """
    return [n for n, state in enumerate(run.states) if 0.0 < state.rescale < 1.0]


def growing_row(trace: Trace, block: int) -> int:
    """The row (0-based) worth showing in blocks of ``block``: one whose maximum grows after the first block,
    preferably at a block nearest the middle, then the one that grows most often, then the last such row (it
    sees the most keys under a causal mask). Row T - 1 when no row's maximum ever grows.

    Examples
    --------
    >>> import attention
    >>> trace = attention.example(sentence="a b c d e f", d=4)
    >>> row = growing_row(trace, 2)
    >>> len(growths(online_row(trace, row, 2))) > 0
    True
    """

    def worth(row: int) -> tuple:
        run = online_row(trace, row, block)
        grown, middle = growths(run), (len(run.states) - 1) / 2
        nearest = min((abs(n - middle) for n in grown), default=np.inf)
        return (bool(grown), -nearest, len(grown), row)

    return max(range(trace.T), key=worth)


def worked_block(run: OnlineSoftmax) -> int | None:
    """The block whose update is worked out with its numbers: the first at which the maximum grew, else the
    second (the factor is then 1), None when there is one block.

    Examples
    --------
    >>> worked_block(online_softmax([1.0, 3.0, 2.0, 5.0], np.eye(4), block=2))
    1
    """
    grown = growths(run)
    return grown[0] if grown else (1 if len(run.states) > 1 else None)


def long_tiling(d_head: int) -> TilingBytes:
    """``tiling_bytes`` for a ``LONG_T``-token context in tiles of ``LONG_BLOCK``, 16-bit values, one head
    ``d_head`` wide: what FlashAttention never stores, against what it holds at once.

    Examples
    --------
    >>> t = long_tiling(64)
    >>> (t.T, t.block, t.value_bytes, t.matrix)
    (4096, 128, 2, 33554432)
    """
    return tiling_bytes(LONG_T, LONG_BLOCK, d_head, np.float16)
