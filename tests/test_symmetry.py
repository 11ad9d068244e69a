"""Tied keys (W_k = W_q) make the scores symmetric; the mirrored pair is the most asymmetric one."""

import numpy as np
import pytest

import attention


@pytest.mark.parametrize("kwargs", [{}, {"sentence": "a b c", "d": 3, "seed": 2}, {"mask": "causal"}])
def test_tied_keys_give_symmetric_scores(kwargs):
    trace = attention.example(**kwargs)
    tied = attention.tied_keys(trace)
    np.testing.assert_array_equal(tied.W_k, trace.W_q)
    np.testing.assert_array_equal(tied.K, tied.Q)
    np.testing.assert_array_equal(tied.Q, trace.Q)
    np.testing.assert_array_equal(tied.V, trace.V)
    np.testing.assert_allclose(tied.scores, tied.scores.T, rtol=0, atol=1e-12)
    assert tied.tokens == trace.tokens
    assert (tied.mask is None) == (trace.mask is None)
    direct = attention.self_attention(trace.X, trace.W_q, trace.W_q, trace.W_v, mask=trace.mask, tokens=trace.tokens)
    assert direct.digest() == tied.digest()


def test_untied_scores_are_not_symmetric():
    trace = attention.example()
    i, j = attention.mirrored_pair(trace)
    assert i < j
    gap = np.abs(trace.scores - trace.scores.T)
    assert gap[i, j] == gap.max() > 1
    tied = attention.tied_keys(trace)
    assert attention.display_text(tied.scores[i, j]) == attention.display_text(tied.scores[j, i])


def test_mirrored_pair_of_a_symmetric_matrix_is_off_diagonal():
    tied = attention.tied_keys(attention.example(sentence="a b", d=2))
    assert attention.mirrored_pair(tied) == (0, 1)


def test_tied_keys_refuse_cross_attention():
    with pytest.raises(ValueError, match="self-attention"):
        attention.tied_keys(attention.cross_example())
