"""A batch of sentences of different lengths: padded to one length, with the masks that hide the padding."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from .validation import check_tokens

PAD = "<pad>"


class PaddedBatch(NamedTuple):
    tokens: tuple[tuple[str, ...], ...]  # every sentence, padded with ``pad`` to the longest length
    lengths: tuple[int, ...]  # real tokens per sentence
    key_mask: np.ndarray  # B x L boolean, True = a real token (a key that may be attended to)

    @property
    def length(self) -> int:
        return self.key_mask.shape[1]

    def attention_mask(self, b: int) -> np.ndarray:
        """Sentence ``b``'s L x L mask for ``self_attention``: every query may attend to the real keys only.

        The pads' own query rows keep the real keys too, so no row is empty; their outputs are ignored.
        """
        return padding_mask(self.key_mask[b])


def pad_batch(sentences: Sequence[Sequence[str]], pad: str = PAD) -> PaddedBatch:
    """Pad each sentence (a sequence of string tokens) at its end with ``pad`` to the longest length."""
    if not isinstance(pad, str) or not pad:
        raise TypeError(f"pad must be a non-empty string, got {pad!r}")
    if isinstance(sentences, str) or not isinstance(sentences, Sequence) or not sentences:
        raise ValueError("give a non-empty sequence of sentences, each a sequence of string tokens")
    checked = []
    for b, sentence in enumerate(sentences):
        if isinstance(sentence, str) or not isinstance(sentence, Sequence):
            raise TypeError(f"sentence {b} must be a sequence of string tokens, got {type(sentence).__name__}")
        if not sentence:
            raise ValueError(f"sentence {b} is empty; every sentence needs at least one token")
        checked.append(check_tokens(sentence, len(sentence), name=f"sentence {b}"))
    lengths = tuple(len(s) for s in checked)
    length = max(lengths)
    tokens = tuple(s + (pad,) * (length - len(s)) for s in checked)
    key_mask = np.arange(length)[None, :] < np.array(lengths)[:, None]
    key_mask.setflags(write=False)
    return PaddedBatch(tokens, lengths, key_mask)


def padding_mask(key_mask) -> np.ndarray:
    """The L x L boolean mask (True = may attend) of one sentence from its length-L key mask."""
    row = np.asarray(key_mask)
    if row.dtype != np.bool_ or row.ndim != 1:
        raise TypeError(f"a key mask must be a 1-D boolean array, got dtype {row.dtype} and shape {row.shape}")
    if not row.any():
        raise ValueError("the key mask has no real token; every query would attend to nothing")
    mask = np.broadcast_to(row, (row.size, row.size)).copy()
    mask.setflags(write=False)
    return mask
