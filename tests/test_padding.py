"""Padding a batch: the padded tokens, the boolean masks, and that padding leaves the real tokens' results alone."""

import numpy as np
import pytest

import attention
from attention import PAD, pad_batch, padding_mask


def test_pads_the_shorter_sentences_at_the_end():
    batch = pad_batch([["a", "b", "c", "d"], ["x", "y"]])
    assert batch.tokens == (("a", "b", "c", "d"), ("x", "y", PAD, PAD))
    assert batch.lengths == (4, 2) and batch.length == 4
    np.testing.assert_array_equal(batch.key_mask, [[True] * 4, [True, True, False, False]])
    assert batch.key_mask.dtype == np.bool_


def test_custom_pad_and_equal_lengths():
    batch = pad_batch([("a", "b"), ("c", "d")], pad="[PAD]")
    assert batch.tokens == (("a", "b"), ("c", "d")) and batch.key_mask.all()
    assert pad_batch([["a"], ["b", "c"]], pad="[PAD]").tokens[0] == ("a", "[PAD]")


def test_attention_mask_hides_the_pad_keys_from_every_query():
    batch = pad_batch([["a", "b", "c"], ["x"]])
    mask = batch.attention_mask(1)
    expected = np.array([[True, False, False]] * 3)
    np.testing.assert_array_equal(mask, expected)
    np.testing.assert_array_equal(padding_mask(batch.key_mask[1]), expected)
    assert batch.attention_mask(0).all()


def test_masks_are_read_only():
    batch = pad_batch([["a", "b"], ["c"]])
    with pytest.raises(ValueError):
        batch.key_mask[0, 0] = False
    with pytest.raises(ValueError):
        batch.attention_mask(1)[0, 0] = False


@pytest.mark.parametrize(
    "sentences, error, words",
    [
        ([], ValueError, "non-empty"),
        ("a b", ValueError, "non-empty sequence of sentences"),
        (["a b", ["c"]], TypeError, "sentence 0"),
        ([["a"], []], ValueError, "sentence 1 is empty"),
        ([["a", 3]], TypeError, "string"),
    ],
)
def test_bad_batches_raise(sentences, error, words):
    with pytest.raises(error, match=words):
        pad_batch(sentences)


def test_bad_pad_and_key_masks_raise():
    with pytest.raises(TypeError, match="pad"):
        pad_batch([["a"]], pad="")
    with pytest.raises(TypeError, match="boolean"):
        padding_mask(np.ones(3))
    with pytest.raises(ValueError, match="no real token"):
        padding_mask(np.zeros(3, bool))


@pytest.mark.parametrize("seed", range(3))
def test_padding_leaves_the_real_tokens_results_unchanged(seed):
    words = attention.VIDEO_SENTENCE.split()
    short = words[:4]
    batch = pad_batch([words, short])
    padded = attention.example(tokens=list(batch.tokens[1]), d=4, mask=batch.attention_mask(1), seed=seed)
    alone = attention.example(tokens=short, d=4, seed=seed)
    n = batch.lengths[1]
    assert np.all(padded.weights[:, n:] == 0.0)
    np.testing.assert_allclose(padded.weights[:n, :n], alone.weights, atol=1e-12)
    np.testing.assert_allclose(padded.output[:n], alone.output, atol=1e-12)
