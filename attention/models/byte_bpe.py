"""A GPT-2-style byte-level BPE tokenizer from a GGUF file's own vocabulary and merges, and readable token labels.

The tokenizer is the ``tokenizers`` library's BPE model (no BPE written here): the vocabulary and
merges are the GGUF's ``tokenizer.ggml.tokens`` and ``tokenizer.ggml.merges``, the pre-tokenizer is
the one llama.cpp runs for the file's ``tokenizer.ggml.pre``, and the control tokens (``<|im_start|>``
and the like) are special tokens, matched whole.

Labels: a byte-level token is text in GPT-2's byte alphabet (a space is "Ġ", a newline "Ċ", the
bytes of a character other than ASCII are spread over several letters such as "Ã©"). ``label``
turns it back into what it stands for, keeping whitespace visible, because in a byte-level
vocabulary " the" and "the" are different tokens: every space is shown as "␣" (so a word's leading
space, the Ġ mark, is "␣" too: "␣cinema"), a newline as "↵", a tab as "⇥", and a byte that is only
part of a UTF-8 character (a character split over several tokens) as its hex value, "⟨E6⟩".
"""

from __future__ import annotations

import codecs
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenizers import Tokenizer

CONTROL = 3  # llama.cpp's token type of a control token (1 is a normal one)
VISIBLE = {" ": "␣", "\n": "↵", "\t": "⇥"}


@functools.cache
def byte_of_letter() -> dict[str, int]:
    """GPT-2's byte alphabet reversed: the letter that stands for each of the 256 bytes, mapped to the byte.

    Printable Latin-1 bytes stand for themselves; the others (controls, space, ...) are shifted to
    U+0100 onwards in order, which is why a space reads "Ġ" (U+0120) and a newline "Ċ".

    Examples
    --------
    >>> byte_of_letter()["Ġ"], byte_of_letter()["a"]
    (32, 97)
    """
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    letters = {b: chr(b) for b in printable}
    shifted = (b for b in range(256) if b not in letters)
    letters |= {b: chr(256 + i) for i, b in enumerate(shifted)}
    return {letter: b for b, letter in letters.items()}


def _hex_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    # a byte of an unfinished (or invalid) UTF-8 character: shown as ⟨E6⟩, decoding goes on after it
    return "".join(f"⟨{b:02X}⟩" for b in error.object[error.start : error.end]), error.end


codecs.register_error("attention-hex", _hex_bytes)


def label(token: str, special: bool = False) -> str:
    """What a byte-level token stands for, readable: spaces as ␣, newline ↵, tab ⇥, part of a character as ⟨XX⟩.

    A special token (``special=True``) is shown as it is.

    Examples
    --------
    >>> label("Ġcinema"), label("Ċ"), label("Ã©"), label("Ġæ")
    ('␣cinema', '↵', 'é', '␣⟨E6⟩')
    """
    if special:
        return token
    table = byte_of_letter()
    text = bytes(table[letter] for letter in token).decode("utf-8", errors="attention-hex")
    return "".join(VISIBLE.get(ch, ch if ch.isprintable() else f"⟨{ord(ch):02X}⟩") for ch in text)


def build_tokenizer(tokens: Sequence[str], merges: Sequence[str], token_types: Sequence[int], pre: str) -> Tokenizer:
    """A byte-level BPE ``tokenizers.Tokenizer`` from a GGUF's vocabulary, merges ("a b" each) and token types.

    ``pre`` is the GGUF's ``tokenizer.ggml.pre``: "smollm" splits every digit off on its own before
    GPT-2's regex, as llama.cpp does for it (and SmolLM2's own tokenizer.json does); "gpt2" is the plain regex.

    Examples
    --------
    >>> tokenizer = build_tokenizer(tokens, merges, types, "smollm")  # doctest: +SKIP
    >>> tokenizer.encode("The capital of France is").tokens  # doctest: +SKIP
    ['The', 'Ġcapital', 'Ġof', 'ĠFrance', 'Ġis']
    """
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    if pre not in ("smollm", "gpt2"):
        raise ValueError(f"the pre-tokenizer {pre!r} is not implemented (only smollm and gpt2)")
    vocab = {token: i for i, token in enumerate(tokens)}
    pairs = [tuple(merge.split(" ")) for merge in merges]
    bad = next((m for m, pair in zip(merges, pairs, strict=True) if len(pair) != 2), None)
    if bad is not None:
        raise ValueError(f"the merge {bad!r} is not two tokens separated by one space")
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=pairs))
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    split = [pre_tokenizers.Digits(individual_digits=True)] if pre == "smollm" else []
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([*split, byte_level])
    tokenizer.decoder = decoders.ByteLevel()
    specials = [t for t, kind in zip(tokens, token_types, strict=True) if kind == CONTROL]
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in specials])
    return tokenizer
