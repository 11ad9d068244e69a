"""A fast copy of a typeset mobject (Text, MathTex) for the typesetting cache in theme.py.

Manim's ``Mobject.copy`` deep-copies every attribute of every glyph (colours, styles, dictionaries): about
40 ms for a word, which made copying cached labels the largest cost of building a scene. A clone copies
what drawing and animating change in place (point and colour arrays, lists of submobjects) and shares the
rest, which Manim only ever replaces (colours, fonts, strings); references between the mobjects of one
family (a Text's ``chars``, say) point into the clone, as with a deep copy.

Manim's SVGMobject keeps every SVG it parsed (``SVG_HASH_TO_MOB_MAP``) and deep-copies it for each later label
of the same text, and once more to keep it: ``install`` makes both copies clones (a figure run builds some 500).

Manim internals relied on (0.22.0, listed in ``internals.py``): a mobject's state is its ``__dict__``, and a copy
carries ``original_id`` (which Manim's play hashing leaves out); ``SVGMobject.init_svg_mobject(self,
use_svg_cache)``, ``hash_seed``, ``generate_mobject``, ``id_to_vgroup_dict`` and the module's
``SVG_HASH_TO_MOB_MAP`` and ``hash_obj``.
"""

from __future__ import annotations

import functools

import numpy as np
from manim import Mobject
from manim.mobject.svg import svg_mobject


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


def install() -> None:
    """Copy Manim's parsed SVGs by ``clone`` instead of a deep copy (idempotent)."""
    original = svg_mobject.SVGMobject.init_svg_mobject
    if getattr(original, "clones", False):
        return

    @functools.wraps(original)
    def init_svg_mobject(self, use_svg_cache: bool):
        if not use_svg_cache:
            return original(self, use_svg_cache)
        key = svg_mobject.hash_obj(self.hash_seed)
        kept = svg_mobject.SVG_HASH_TO_MOB_MAP.get(key)
        if kept is None:
            self.generate_mobject()
            svg_mobject.SVG_HASH_TO_MOB_MAP[key] = clone(self)
            return self
        made = clone(kept)  # as Manim: the kept mobject's parts become this one's, with their groups by id
        self.add(*made)
        self.id_to_vgroup_dict = made.id_to_vgroup_dict
        return self

    init_svg_mobject.clones = True
    svg_mobject.SVGMobject.init_svg_mobject = init_svg_mobject
