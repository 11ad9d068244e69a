"""Checks on the core's inputs, each raising an error that names the problem."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np

# Characters a token cannot hold: C0/C1 controls (a newline or carriage return breaks the line, a NUL ends C
# strings), line and paragraph separators, lone surrogates (not text), and the bidirectional embeddings,
# overrides and isolates, which reorder whatever is drawn after them.
_REFUSED_CATEGORIES = ("Cc", "Cs", "Zl", "Zp")
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# What the core computes for a request, far past what is drawn (16 tokens, d up to 8): every T x T and T x d matrix
# of a trace stays within 8 MB. Without a bound, Request(d=10**9) would ask for gigabytes when first traced.
MAX_TOKENS = 1024
MAX_WIDTH = 1024


def frozen(array) -> np.ndarray:
    """``array`` as a read-only NumPy array (the same object when it already is one), so a trace cannot change."""
    array = np.asarray(array)
    array.setflags(write=False)
    return array


def as_array(name: str, value, ndim: int) -> np.ndarray:
    """A finite ``ndim``-D float64 read-only copy of ``value``."""
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numeric array: {exc}") from None
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(f"{name} has a non-finite value {array[bad]} at {bad if ndim > 1 else bad[0]}")
    return frozen(array)


def as_matrix(name: str, value) -> np.ndarray:
    """A finite, non-empty 2-D float64 read-only copy of ``value``."""
    array = as_array(name, value, 2)
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}); a sequence needs at least one token")
    return array


def check_rows(name: str, matrix: np.ndarray, rows: int, what: str) -> None:
    if matrix.shape[0] != rows:
        raise ValueError(f"{name} has {matrix.shape[0]} rows but {what} is {rows}")


def control_character(text: str) -> str | None:
    """The first character of ``text`` that a token cannot hold (see ``_REFUSED_CATEGORIES``), or None."""
    for char in text:
        if unicodedata.category(char) in _REFUSED_CATEGORIES or char in _BIDI_CONTROLS:
            return char
    return None


def char_name(char: str) -> str:
    """``U+000A LINE FEED``-style name of one character (controls have no Unicode name, only an alias)."""
    name = unicodedata.name(char, "") or _CONTROL_NAMES.get(char, "")
    return f"U+{ord(char):04X} {name}".rstrip()


_CONTROL_NAMES = {"\0": "NULL", "\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\x1b": "ESCAPE"}


def check_tokens(tokens, T: int, name: str = "tokens") -> tuple[str, ...]:
    """Token labels as a tuple of strings, one per row; default t1..tT. A token holding a control character
    (see ``control_character``) is a ValueError naming it: it would be drawn as a box or break the line.

    Examples
    --------
    >>> check_tokens(("a\\nb", "c"), 2)
    Traceback (most recent call last):
    ...
    ValueError: tokens[0] 'a\\nb' holds the control character U+000A LINE FEED; a token cannot hold one
    """
    if tokens is None:
        return tuple(f"t{i + 1}" for i in range(T))
    if isinstance(tokens, str) or not isinstance(tokens, Sequence):
        raise TypeError(f"{name} must be a sequence of strings, got {type(tokens).__name__}")
    for i, token in enumerate(tokens):
        if not isinstance(token, str):
            raise TypeError(f"{name}[{i}] must be a string, got {type(token).__name__} {token!r}")
        char = control_character(token)
        if char is not None:
            what = f"the control character {char_name(char)}"
            raise ValueError(f"{name}[{i}] {token!r} holds {what}; a token cannot hold one")
    if len(tokens) != T:
        raise ValueError(f"{len(tokens)} {name} for {T} rows")
    return tuple(tokens)


def check_token_list(tokens, name: str = "tokens") -> tuple[str, ...]:
    """A request's ``tokens``: a non-empty tuple or list of strings, none blank, none holding a control character
    (see ``check_tokens``), as a tuple; a TypeError or ValueError naming the first problem.

    Examples
    --------
    >>> check_token_list(["the", "cat"])
    ('the', 'cat')
    >>> check_token_list(None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: tokens must be a tuple or list of strings such as ('the', 'cat'), got NoneType None (...)
    >>> check_token_list(("", "b"))
    Traceback (most recent call last):
    ...
    ValueError: tokens[0] '' is blank; a token needs a visible character
    """
    if not isinstance(tokens, (tuple, list)):
        raise TypeError(
            f"{name} must be a tuple or list of strings such as ('the', 'cat'), got {type(tokens).__name__} "
            f"{tokens!r:.60} (Request.from_sentence splits a sentence into tokens)"
        )
    tokens = check_tokens(tokens, len(tokens), name)
    if not tokens:
        raise ValueError("the sequence is empty; give at least one token")
    for i, token in enumerate(tokens):
        if not token.strip():
            raise ValueError(f"{name}[{i}] {token!r} is blank; a token needs a visible character")
    return tokens


def check_mask(mask, T_q: int, T_kv: int) -> np.ndarray | None:
    """None, "causal" or a boolean T_q x T_kv array, as a read-only boolean array."""
    if mask is None:
        return None
    if isinstance(mask, str):
        if mask != "causal":
            raise ValueError(f'mask must be None, "causal" or a boolean array, got {mask!r}')
        result = np.tril(np.ones((T_q, T_kv), dtype=bool))
    else:
        result = np.asarray(mask)
        if result.dtype != np.bool_:
            raise TypeError(f"a mask array must be boolean (True = may attend), got dtype {result.dtype}")
        if result.shape != (T_q, T_kv):
            raise ValueError(f"mask has shape {result.shape}, expected {(T_q, T_kv)}")
        result = result.copy()
    empty = np.flatnonzero(~result.any(axis=1))
    if empty.size:
        raise ValueError(f"mask row {int(empty[0])} forbids every position; softmax of that row is undefined")
    result.setflags(write=False)
    return result
