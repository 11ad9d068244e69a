"""Numbers composed from glyphs typeset once per font: the digits of grid cells and of worked sums.

A grid shows up to 16x16 numbers. A Text or MathTex per cell costs ~10 ms to build and one
VMobject per glyph to paint every frame; here each distinct character is typeset once (one
Pango call), and a number is a single VMobject whose subpaths are copies of those glyphs. Worked
sums use them too ("(-0.13)·0.92 + ..."): a number typeset by LaTeX is compiled anew for every new
input, which made a first render wait seconds per callout.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from manim import Text, VMobject

ALPHABET = "0123456789.\u2212\u221e()\u00b7\u00d7\u00f7+="  # digits, point, minus, infinity; operators of sums
SPACES = {" ": 0.5, "\u2009": 0.2}  # a space and a thin space: their widths, in slots of "0"
_REFERENCE_SIZE = 48


@lru_cache(maxsize=8)
def _glyphs(font: str) -> dict[str, tuple[np.ndarray, float, float]]:
    """For each character: its outline points (centred on its slot), and its slot width and height.

    Slots are measured from "0c0" triples laid out by Pango, so spacing follows the font's advances.
    """
    triples = " ".join("0" + ch + "0" for ch in ALPHABET)
    laid_out = Text(triples, font=font, font_size=_REFERENCE_SIZE)
    glyphs = laid_out.submobjects
    zero_advance = None
    result = {}
    for n, ch in enumerate(ALPHABET):
        left, mid, right = glyphs[3 * n : 3 * n + 3]
        span = right.get_center()[0] - left.get_center()[0]
        if ch == "0":
            zero_advance = span / 2
        result[ch] = (mid, span)
    out = {}
    for ch, (mid, span) in result.items():
        slot = span - zero_advance
        left = glyphs[3 * ALPHABET.index(ch)]
        slot_left = left.get_center()[0] + zero_advance / 2
        offset = mid.get_center()[0] - (slot_left + slot / 2)
        points = mid.points - mid.get_center() + np.array([offset, 0.0, 0.0])
        # vertical position relative to the baseline box of "0"
        points[:, 1] += mid.get_center()[1] - left.get_center()[1]
        out[ch] = (points, slot, left.height)
    return out


class Numeral(VMobject):
    """The text of one number as a single filled VMobject, ``height`` being the digit height."""

    def __init__(self, text: str, font: str, height: float, color, **kwargs):
        super().__init__(fill_color=color, fill_opacity=1.0, stroke_width=0, **kwargs)
        self.text = text
        glyphs = _glyphs(font)
        unknown = set(text) - set(glyphs) - set(SPACES)
        if unknown or not text:
            raise ValueError(f"cannot draw characters {sorted(unknown)} in a grid cell")
        digit_height = glyphs["0"][2]
        x = 0.0
        pieces = []
        for ch in text:
            if ch in SPACES:
                x += SPACES[ch] * glyphs["0"][1]
                continue
            points, slot, _ = glyphs[ch]
            pieces.append(points + np.array([x + slot / 2, 0.0, 0.0]))
            x += slot
        # centred on the middle of its digits, so that "−∞" and "0.25" share a line
        self.set_points(np.concatenate(pieces) - np.array([x / 2, 0.0, 0.0]))
        self.scale(height / digit_height, about_point=np.zeros(3))
        self.digit_ratio = height / self.height  # digit height per unit of this number's height, whatever its scale

    @property
    def digit_height(self) -> float:
        """The height of its digits now, after any scaling."""
        return self.height * self.digit_ratio


def width_per_height(text: str, font: str) -> float:
    """How wide ``text`` is per unit of digit height, to size digits before building them."""
    glyphs = _glyphs(font)
    return sum(SPACES[ch] * glyphs["0"][1] if ch in SPACES else glyphs[ch][1] for ch in text) / glyphs["0"][2]
