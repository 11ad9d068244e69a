"""Every documented bad input raises the documented error, naming the problem."""

import numpy as np
import pytest

import attention
from attention import cross_attention, multi_head_attention, self_attention

X = np.ones((3, 4))
W = np.ones((4, 4))


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: self_attention(np.ones((0, 4)), W, W, W), ValueError, "empty"),
        (lambda: attention.example(sentence="   "), ValueError, "no words"),
        (lambda: attention.embed([], 4, 0), ValueError, "empty"),
        (lambda: self_attention(X, np.ones((3, 4)), W, W), ValueError, "W_q has 3 rows"),
        (lambda: self_attention(X, W, np.ones((4, 2)), W), ValueError, "d_k"),
        (lambda: self_attention(np.ones(4), W, W, W), ValueError, "2-D"),
        (lambda: cross_attention(X, np.ones((2, 5)), W, W, W), ValueError, "W_k has 4 rows"),
        (lambda: multi_head_attention(X, W, W, W, W, heads=3), ValueError, "not divisible"),
        (lambda: attention.example(d=5, heads=2), ValueError, "not divisible"),
        (lambda: multi_head_attention(X, W, W, W, np.ones((3, 4)), heads=2), ValueError, "W_o"),
        (lambda: self_attention(np.array([[1.0, np.nan, 0, 0]] * 3), W, W, W), ValueError, "non-finite"),
        (lambda: self_attention(X, W * np.inf, W, W), ValueError, "non-finite"),
        (lambda: attention.example(d_k=0), ValueError, "d_k"),
        (lambda: attention.example(d_k=-2), ValueError, "d_k"),
        (lambda: attention.example(d=0), ValueError, "d must be"),
        (lambda: attention.example(tokens=["a", 3]), TypeError, "string"),
        (lambda: attention.embed(["a", None], 4, 0), TypeError, "string"),
        (lambda: attention.embed("abc", 4, 0), TypeError, "sequence of strings"),
        (lambda: self_attention(X, W, W, W, tokens=["a", "b"]), ValueError, "2 tokens for 3 rows"),
        (lambda: self_attention(X, W, W, W, mask="future"), ValueError, "causal"),
        (lambda: self_attention(X, W, W, W, mask=np.ones((3, 3))), TypeError, "boolean"),
        (lambda: self_attention(X, W, W, W, mask=np.ones((2, 3), bool)), ValueError, "shape"),
        (lambda: multi_head_attention(X, W, W, W, W, heads=0), ValueError, "heads"),
        (lambda: attention.display([1.0], -1), ValueError, "decimals"),
        (lambda: self_attention([["a", "b"]], W, W, W), TypeError, "numeric"),
    ],
)
def test_bad_input_raises(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_fully_masked_row_raises_instead_of_nan():
    mask = np.ones((3, 3), bool)
    mask[1] = False
    with pytest.raises(ValueError, match="row 1 forbids every position"):
        self_attention(X, W, W, W, mask=mask)
