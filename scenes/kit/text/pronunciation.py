"""How the narration's math is written in subtitles and said aloud: the one pronunciation table.

A scene writes its narration the way a person reads it ("Q times K transposed", "the square root of d k",
"x i"); each row of ``TABLE`` finds one such phrase and gives its written form (Unicode, for the subtitles)
and its spoken form (for the voice). Rows apply in order, so a longer phrase comes before the phrases it
contains. Pure text, no Manim.

Examples
--------
>>> written("Divided by the square root of d k, the scores of Q K transposed.")
'Divided by √dₖ, the scores of QKᵀ.'
>>> spoken("Each token becomes a vector x i.")
'Each token becomes a vector x sub i.'
>>> written("A is T by T, V is T by d.")
'A is T × T, V is T × d.'
>>> spoken("Mask (Opt.).")
'mask, optional.'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUBSCRIPT = str.maketrans("0123456789ijkv", "₀₁₂₃₄₅₆₇₈₉ᵢⱼₖᵥ")


def _sub(text: str) -> str:
    """``text`` in subscript letters where Unicode has them (q, the one it lacks, stays as it is)."""
    return text.translate(SUBSCRIPT)


@dataclass(frozen=True)
class Reading:
    """One phrase of narration: the pattern that finds it, and its written and spoken forms (``re.sub``
    replacements, so they may use the pattern's groups, or be functions of the match)."""

    pattern: str
    written: object
    spoken: object

    def apply(self, text: str, form: str) -> str:
        return re.sub(self.pattern, getattr(self, form), text)


OPERAND = r"(?:h d [kv]|[A-Za-z](?: kv| [kv])?|\d+)"  # a side of "T by d": T, d k, h d v, T kv, 4

TABLE: tuple[Reading, ...] = (
    # "by" first, while its operands are still words: the pattern's lookarounds keep "weighted by row" out
    Reading(rf"(?<![\w'])({OPERAND}) by (?={OPERAND}\b)", r"\1 × ", r"\1 by "),
    Reading(r"\bone over the square root of d k\b", "1/√dₖ", "one over the square root of d k"),
    Reading(r"\bthe square root of d k\b", "√dₖ", "the square root of d k"),
    Reading(r"\bQ ?K transposed\b", "QKᵀ", "Q K transposed"),
    Reading(r"\bQ Q transposed\b", "QQᵀ", "Q Q transposed"),
    Reading(r"\bK transposed\b", "Kᵀ", "K transposed"),
    Reading(r"\bx (\d+|i)\b", lambda m: f"x{_sub(m[1])}", lambda m: f"x sub {m[1]}"),
    Reading(r"\b([qkv]) (\d+|i|j)\b", lambda m: f"{m[1]}{_sub(m[2])}", r"\1 \2"),
    Reading(r"\b(q\S*) dot (k)", r"\1 · \2", r"\1 dot \2"),
    Reading(r"\bT kv\b", "Tₖᵥ", "T k v"),
    Reading(r"\bd (k|v)\b", lambda m: f"d{_sub(m[1])}", lambda m: f"d {m[1]}"),
    Reading(r"\bminus infinity\b", "−∞", "minus infinity"),
    Reading(r" = ", " = ", " equals "),
    Reading(r"(?<=\w) / (?=\w)", " / ", " over "),
    # the block diagram's labels, said as words rather than spelled or read as abbreviations
    Reading(r"\bMask \(Opt\.\)", "Mask (Opt.)", "mask, optional"),
    Reading(r"\bMatMul\b", "MatMul", "mat mul"),
    Reading(r"\bSoftmax\b", "Softmax", "soft max"),
)


def written(text: str) -> str:
    """``text`` as the subtitles show it: its math in Unicode (QKᵀ, √dₖ, xᵢ, T × d)."""
    for reading in TABLE:
        text = reading.apply(text, "written")
    return text


def spoken(text: str) -> str:
    """``text`` as the voice says it: its math in words ("x sub i", "d k equals d over h")."""
    for reading in TABLE:
        text = reading.apply(text, "spoken")
    return text
