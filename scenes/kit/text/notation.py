"""The video's notation as LaTeX: T italic, d upright sans, transpose as \\top; numbers for MathTex."""

from __future__ import annotations

import attention

D = r"\mathsf{d}"
# The scale is written 1/sqrt(d_k) everywhere, as in the paper; the video's d_k equals d, which Step 2 says.
SQRT_DK = rf"\sqrt{{{D}_k}}"


def dim(trace, which: str) -> str:
    """'T' -> T, 'd' -> d, 'k' -> d (or d_k when it differs from d), 'v' likewise, 'kv' -> T_kv."""
    if which == "T":
        return "T"
    if which == "kv":
        return "T_{kv}" if trace.is_cross else "T"
    if which == "d":
        return D
    size = trace.d_k if which == "k" else trace.d_v
    return D if size == trace.d else rf"{D}_{which}"


def shape(trace, rows: str, cols: str) -> str:
    return rf"{dim(trace, rows)}\times {dim(trace, cols)}"


def labelled(symbol: str, trace, rows: str, cols: str) -> str:
    return rf"{symbol}_{{{shape(trace, rows, cols)}}}"


def bias(trace, which: str, style: str) -> str:
    """The bias term of a projection, e.g. `` + \\mathbf{b}^q`` (``style``: the bold command), when the trace's
    projections have biases (a pretrained model's); empty for the toy model's bias-free ones."""
    return rf" + {style}{{b}}^{which}" if trace.b_q is not None else ""


def tex_number(value: float, decimals: int) -> str:
    """A displayed value for MathTex: ASCII minus, \\infty for a masked score."""
    text = attention.display_text(value, decimals)
    return text.replace("\u2212", "-").replace("\u221e", r"\infty")


def factor_text(value: float, decimals: int) -> str:
    """A displayed value as a factor in a product drawn from glyphs: true minus, parenthesised when negative."""
    text = attention.display_text(value, decimals)
    return f"({text})" if text.startswith("\u2212") else text


def tex_factor(value: float, decimals: int) -> str:
    """A number as a factor in a product, parenthesised when negative."""
    text = tex_number(value, decimals)
    return f"({text})" if text.startswith("-") else text
