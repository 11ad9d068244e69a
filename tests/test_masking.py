"""What a mask does to A, as the masking scene shows it: zero weights, rows summing to 1, causality."""

import numpy as np
import pytest

import attention
from attention import masked_weights_are_zero, row_sums


def test_row_sums_are_one_column():
    trace = attention.example(mask="causal")
    sums = row_sums(trace.weights)
    assert sums.shape == (trace.T, 1)
    np.testing.assert_allclose(sums, 1.0, atol=1e-12)
    with pytest.raises(ValueError, match="2-D"):
        row_sums(np.ones(3))


def test_masked_weights_are_exactly_zero():
    assert masked_weights_are_zero(attention.example(mask="causal"))
    assert masked_weights_are_zero(attention.example())  # no mask: nothing forbidden


@pytest.mark.parametrize("n", [2, 5, 10])
def test_causal_prefix_gives_the_same_first_rows(n):
    """The masking scene's claim: dropping the tokens after n leaves rows 1..n of R as they were."""
    full = attention.example(mask="causal")
    prefix = attention.example(tokens=full.tokens[:n], d=full.d, mask="causal")
    np.testing.assert_allclose(prefix.output, full.output[:n], atol=1e-12)
    np.testing.assert_array_equal(attention.display(prefix.output), attention.display(full.output[:n]))
