"""A pretrained model as a second source of attention traces: all-MiniLM-L6-v2, run by our NumPy core.

``load_model()`` gives a frozen ``PretrainedModel`` (verified weights, config, tokenizer), one per
process and folder; ``model.run(sentences)`` gives a frozen ``Encoding``: the WordPiece tokens,
every layer's hidden states, every head's attention map, the sentence embeddings, and a ``Trace``
per layer and head, of the same kind the toy core returns.

Numbering: layers and heads are numbered from 1 here, as the scenes and the CLI show them to people
(layer 1..6, head 1..12); the arrays are indexed from 0 as NumPy arrays are, so head H of layer L is
``attention[s, L - 1, H - 1]``, and ``hidden_states[s, L]`` is layer L's output (index 0: the embeddings).
Sentences are indexed from 0, like the list they were passed in.

Speed: the products are small (T x 384 by 384 x 1536 at most per sentence), so BLAS worker threads
gain little and, on a busy machine with few cores, lose a lot (a 16-token forward pass measured
0.05 s with OPENBLAS_NUM_THREADS=1 and 0.5 s with the default on a loaded 2-core box; see
bench/bench_model.py). That is the environment's to set; nothing here changes it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..trace import Trace
from ..validation import frozen
from .bert import (
    EncoderConfig,
    EncoderWeights,
    forward,
    head_trace,
    key_mask_matrix,
    l2_normalise,
    mean_pool,
    weights_from_tensors,
)
from .files import ModelError, find_model_folder, read_model_files
from .numbering import LayersAndHeads

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MODEL_NAME = "all-MiniLM-L6-v2"


@dataclass(frozen=True, eq=False)
class PretrainedModel(LayersAndHeads):
    """all-MiniLM-L6-v2: a 6-layer, 12-head BERT encoder (d_model 384, d_k 32), uncased WordPiece, mean pooling."""

    name: str
    folder: Path
    config: EncoderConfig
    max_tokens: int  # longer inputs are truncated to this many WordPiece tokens, as sentence-transformers does
    weights: EncoderWeights = field(repr=False)
    # Configured once at load (padding to the batch's longest, truncation); not to be reconfigured.
    tokenizer: Tokenizer = field(repr=False)
    # The same tokenizer without truncation or padding: a sentence's real tokens, however many.
    whole_tokenizer: Tokenizer = field(repr=False)

    @property
    def d_k(self) -> int:
        return self.config.d_k

    def tokens(self, sentence: str) -> tuple[str, ...]:
        """Every WordPiece token of ``sentence``, [CLS] and [SEP] included, never cut at ``max_tokens`` (and no
        forward pass): what a request draws, so that a sentence too long is refused with its real length."""
        return tuple(self.whole_tokenizer.encode(_sentences(sentence)[0]).tokens)

    def run(self, sentences: str | Sequence[str]) -> Encoding:
        """One sentence, or several padded with [PAD] to the longest: tokens, hidden states, attention, embeddings.

        A sentence longer than ``max_tokens`` WordPiece tokens is cut there, as sentence-transformers does.
        """
        texts = _sentences(sentences)
        encoded = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        type_ids = np.array([e.type_ids for e in encoded], dtype=np.int64)
        key_mask = np.array([e.attention_mask for e in encoded], dtype=bool)
        tokens = tuple(tuple(e.tokens) for e in encoded)
        hidden_states, attention = forward(ids, type_ids, key_mask, tokens, self.weights)
        pooled = [mean_pool(hidden[-1], mask) for hidden, mask in zip(hidden_states, key_mask, strict=True)]
        embeddings = np.stack([l2_normalise(vector) for vector in pooled])
        return Encoding(
            model=self,
            sentences=texts,
            tokens=tokens,
            ids=frozen(ids),
            key_mask=frozen(key_mask),
            hidden_states=frozen(hidden_states),
            attention=frozen(attention),
            embeddings=frozen(embeddings),
        )


@dataclass(frozen=True, eq=False)
class Encoding:
    """What ``PretrainedModel.run`` computed, for S sentences padded to T tokens (read-only float64 arrays).

    ``tokens[s]`` are sentence s's WordPiece tokens ([CLS] ... [SEP], "##" pieces, then [PAD]s up to T),
    ``key_mask[s]`` is True for its real tokens. ``hidden_states`` is S x (layers + 1) x T x d_model,
    ``attention`` S x layers x heads x T x T, ``embeddings`` S x d_model (mean-pooled, unit length).
    """

    model: PretrainedModel = field(repr=False)
    sentences: tuple[str, ...]
    tokens: tuple[tuple[str, ...], ...]
    ids: np.ndarray = field(repr=False)  # S x T WordPiece ids
    key_mask: np.ndarray = field(repr=False)  # S x T, True = a real token, False = [PAD]
    hidden_states: np.ndarray = field(repr=False)
    attention: np.ndarray = field(repr=False)
    embeddings: np.ndarray = field(repr=False)

    @property
    def lengths(self) -> tuple[int, ...]:
        """Each sentence's number of real tokens, [CLS] and [SEP] included."""
        return tuple(int(n) for n in self.key_mask.sum(axis=1))

    def trace(self, layer: int, head: int, sentence: int = 0) -> Trace:
        """Head ``head`` of layer ``layer`` (both from 1) on sentence ``sentence`` (from 0), through the core.

        X is the layer's input (``hidden_states[sentence, layer - 1]``); W_q, W_k, W_v (d_model x d_k) and
        b_q, b_k, b_v are the head's slices of the layer's projections; the mask hides [PAD] keys (None
        without padding). It is the same computation the forward pass made: ``trace.weights`` equals
        ``attention[sentence, layer - 1, head - 1]``.
        """
        layer, head = self.model.check_layer(layer), self.model.check_head(head)
        count = len(self.sentences)
        if isinstance(sentence, bool) or not isinstance(sentence, (int, np.integer)):
            raise TypeError(f"sentence must be an integer from 0 to {count - 1}, got {type(sentence).__name__}")
        if not 0 <= sentence < count:
            raise ValueError(f"sentence must be 0 to {count - 1} (an index into the {count} encoded), got {sentence}")
        return head_trace(
            self.hidden_states[sentence, layer - 1],
            self.model.weights.layers[layer - 1].heads[head - 1],
            key_mask_matrix(self.key_mask[sentence]),
            self.tokens[sentence],
        )


def _sentences(sentences) -> tuple[str, ...]:
    if isinstance(sentences, str):
        return (sentences,)
    if not isinstance(sentences, Sequence):
        raise TypeError(f"sentences must be a string or a sequence of strings, got {type(sentences).__name__}")
    if not sentences:
        raise ValueError("no sentences to encode")
    for i, text in enumerate(sentences):
        if not isinstance(text, str):
            raise TypeError(f"sentences[{i}] must be a string, got {type(text).__name__} {text!r}")
    return tuple(sentences)


def load_model(folder: str | Path | None = None) -> PretrainedModel:
    """all-MiniLM-L6-v2 from the installed wheel, or from ``folder`` (a copy of its ``model`` folder).

    Every file is checked against its pinned sha256; a missing or changed model raises ModelError
    (a ValueError) with a one-line message. Cached: one model per folder and process.
    """
    return _load((find_model_folder() if folder is None else Path(folder)).resolve())


@functools.lru_cache(maxsize=2)
def _load(folder: Path) -> PretrainedModel:
    from tokenizers import Tokenizer  # imported here so that `import attention` stays light

    files = read_model_files(folder)
    pooling = {key for key, on in files.pooling.items() if key.startswith("pooling_mode_") and on}
    if pooling != {"pooling_mode_mean_tokens"}:
        raise ModelError(f"the model in {folder} pools with {sorted(pooling)}; only mean pooling is implemented")
    try:
        config = EncoderConfig.from_json(files.config)
        weights = weights_from_tensors(files.tensors, config)
    except (KeyError, ValueError) as exc:
        raise ModelError(f"the model in {folder} does not fit a BERT encoder: {exc}") from None
    tokenizer = Tokenizer.from_file(str(files.tokenizer_file))
    # tokenizer.json pads every input to 128 tokens; keep its [PAD] but pad a batch only to its longest
    # (what sentence-transformers does), and truncate at the model's max_seq_length instead of 128.
    pad = tokenizer.padding
    tokenizer.enable_padding(
        pad_id=pad["pad_id"], pad_type_id=pad["pad_type_id"], pad_token=pad["pad_token"], direction="right"
    )  # right: the real tokens keep positions 0..n-1
    whole_tokenizer = Tokenizer.from_str(tokenizer.to_str())
    whole_tokenizer.no_padding()
    whole_tokenizer.no_truncation()  # tokenizer.json's own truncation (at 128) too
    tokenizer.enable_truncation(max_length=files.max_seq_length)
    return PretrainedModel(
        name=MODEL_NAME,
        folder=folder,
        config=config,
        max_tokens=files.max_seq_length,
        weights=weights,
        tokenizer=tokenizer,
        whole_tokenizer=whole_tokenizer,
    )
