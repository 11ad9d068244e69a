"""A fast copy of a typeset mobject (Text, MathTex) for the typesetting cache in theme.py.

Manim's ``Mobject.copy`` deep-copies every attribute of every glyph (colours, styles, dictionaries): about
40 ms for a word, which made copying cached labels the largest cost of building a scene. A clone copies
what drawing and animating change in place (point and colour arrays, lists of submobjects) and shares the
rest, which Manim only ever replaces (colours, fonts, strings); references between the mobjects of one
family (a Text's ``chars``, say) point into the clone, as with a deep copy.

Manim internals relied on (0.22.0, listed in ``internals.py``): a mobject's state is its ``__dict__``, and a copy
carries ``original_id`` (which Manim's play hashing leaves out).
"""

from __future__ import annotations

import numpy as np
from manim import Mobject


def clone(mobject: Mobject) -> Mobject:
    """A copy of ``mobject`` and its family whose arrays and lists are its own."""
    made: dict[int, Mobject] = {}

    def copied(value):
        if isinstance(value, Mobject):
            return one(value)
        if isinstance(value, np.ndarray):
            return value.copy()
        if isinstance(value, list):
            return [copied(item) for item in value]
        if isinstance(value, tuple):
            return tuple(copied(item) for item in value)
        if isinstance(value, dict):
            return {key: copied(item) for key, item in value.items()}
        return value

    def one(original: Mobject) -> Mobject:
        if id(original) in made:
            return made[id(original)]
        new = object.__new__(type(original))
        made[id(original)] = new
        new.__dict__.update({key: copied(value) for key, value in original.__dict__.items()})
        new.original_id = str(id(original))
        return new

    return one(mobject)
