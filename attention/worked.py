"""The arithmetic of the worked callouts, so that scenes show numbers and never compute them."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import arith
from .trace import Trace


class DotProduct(NamedTuple):
    i: int
    j: int
    q: np.ndarray  # row i of Q
    k: np.ndarray  # row j of K (column j of K^T)
    products: np.ndarray  # q * k, term by term
    total: float  # their sum = scores[i, j]


class SoftmaxRow(NamedTuple):
    i: int
    scaled: np.ndarray  # row i of the (masked) scaled scores
    exps: np.ndarray  # exp(scaled - max): the stable numerators
    total: float  # sum of exps
    weights: np.ndarray  # exps / total = row i of A


class WeightedSum(NamedTuple):
    i: int
    weights: np.ndarray  # row i of A
    rows: np.ndarray  # V, one row per key
    terms: np.ndarray  # weights[j] * V[j]
    output: np.ndarray  # their sum = row i of R


def dot_product(trace: Trace, i: int, j: int) -> DotProduct:
    q, k = trace.Q[i], trace.K[j]
    products = q * k
    return DotProduct(i, j, q, k, products, float(trace.scores[i, j]))


def softmax_row(trace: Trace, i: int) -> SoftmaxRow:
    row = trace.masked[i]
    exps = arith.exp(row - row.max())  # as the core's softmax computes them
    return SoftmaxRow(i, row, exps, float(arith.total(exps)), trace.weights[i])


def weighted_sum(trace: Trace, i: int) -> WeightedSum:
    w = trace.weights[i]
    return WeightedSum(i, w, trace.V, w[:, None] * trace.V, trace.output[i])


def focus(trace: Trace) -> tuple[int, int]:
    """The entry the worked callouts explain: a query that sees every key (the last one under a
    causal mask, else the first) and the key it attends to most."""
    i = trace.T - 1 if trace.mask is not None else 0
    return i, int(np.argmax(trace.weights[i]))
