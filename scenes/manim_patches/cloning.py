"""A fast copy of mobjects: Manim's ``Mobject.copy`` and deep copy, and the typesetting cache in theme.py.

Manim deep-copies a mobject attribute by attribute, and most of that time went to values nothing changes after
they are made: every glyph keeps the parsed SVG path it was drawn from (an svgelements ``Path``, the costliest to
copy), its joint and cap styles (enums) and its colours. A clone copies what drawing and animating change in
place (point and colour arrays, lists and dictionaries, the mobjects of the family) and shares values that are
never changed in place (numbers, strings, enums, colours, functions, paths, parsed SVG shapes and frozen
dataclasses such as a ``Theme``); anything else is deep-copied, with the same memo, so references within a
family (a Text's ``chars``, an array two attributes hold) point into the clone, as with a deep copy. Copying the
mobjects a transform or a fade begins with took an eighth of a filmed slice's main thread (13.7 of 114 s,
profiled); a clone of a built scene's mobjects takes about a sixth of a deep copy's time.

Manim's SVGMobject keeps every SVG it parsed (``SVG_HASH_TO_MOB_MAP``) and deep-copies it for each later label
of the same text, and once more to keep it: ``install`` makes both copies clones, and every ``Mobject`` deep
copy (``Mobject.copy`` is one) a clone.

Manim internals relied on (0.22.0, listed in ``internals.py``): a mobject's state is its ``__dict__``, and a copy
carries ``original_id`` (which Manim's play hashing leaves out); ``Mobject.__deepcopy__(self, memo)``;
``SVGMobject.init_svg_mobject(self, use_svg_cache)``, ``hash_seed``, ``generate_mobject``, ``id_to_vgroup_dict``
and the module's ``SVG_HASH_TO_MOB_MAP`` and ``hash_obj``.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import functools
import pathlib
import types

import numpy as np
import svgelements
from manim import Mobject
from manim.mobject.svg import svg_mobject
from manim.utils.color import ManimColor

from scenes.manim_patches.wrapping import wrap_once

# Values no code changes in place once made: a clone shares them.
UNCHANGED = (
    int, float, complex, str, bytes, bool, type(None), range, frozenset, type, np.generic,
    types.FunctionType, types.BuiltinFunctionType, types.MethodType, functools.partial,
    enum.Enum, pathlib.PurePath, ManimColor, svgelements.Shape,
)  # fmt: skip
SHARED, MOBJECT, ARRAY, LIST, DICT, TUPLE, OTHER = range(7)
_KINDS: dict[type, int] = {}


def _kind(kind: type) -> int:
    frozen = dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen
    found = (
        SHARED
        if issubclass(kind, UNCHANGED) or frozen
        else MOBJECT
        if issubclass(kind, Mobject)
        else {np.ndarray: ARRAY, list: LIST, dict: DICT, tuple: TUPLE}.get(kind, OTHER)
    )
    _KINDS[kind] = found
    return found


def clone(mobject: Mobject, memo: dict | None = None) -> Mobject:
    """A copy of ``mobject`` and its family, as ``copy.deepcopy`` makes it but sharing values never changed in
    place; ``memo`` is a deep copy's (what was copied already, by id).

    Examples
    --------
    >>> from manim import Square, VGroup
    >>> group = VGroup(Square())
    >>> copied = clone(group)
    >>> copied[0] is group[0], copied[0].points is group[0].points, bool((copied[0].points == group[0].points).all())
    (False, False, True)
    >>> copied[0].joint_type is group[0].joint_type  # an enum: shared
    True
    """
    made = {} if memo is None else memo

    def copied(value):
        kind = _KINDS.get(type(value))
        if kind is None:
            kind = _kind(type(value))
        if kind == SHARED:
            return value
        found = made.get(id(value))
        if found is not None:
            return found
        if kind == MOBJECT:
            new = object.__new__(type(value))
            made[id(value)] = new
            state = new.__dict__
            for key, item in value.__dict__.items():
                state[key] = copied(item)
            new.original_id = str(id(value))
            return new
        if kind == ARRAY and value.dtype != object:
            new = made[id(value)] = value.copy()
            return new
        if kind == LIST:
            new = made[id(value)] = []
            new.extend([copied(item) for item in value])
            return new
        if kind == DICT:
            new = made[id(value)] = {}
            for key, item in value.items():
                new[copied(key)] = copied(item)
            return new
        if kind == TUPLE:
            return tuple([copied(item) for item in value])
        return copy.deepcopy(value, made)  # keeps the memo: what it copies is copied once

    return copied(mobject)


def _deep_copy(original):
    def __deepcopy__(self, memo):
        return clone(self, memo)

    return __deepcopy__


def _svg_cache(original):
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

    return init_svg_mobject


def install() -> None:
    """Copy mobjects, and Manim's parsed SVGs, by ``clone`` instead of a deep copy (idempotent)."""
    wrap_once(Mobject, "__deepcopy__", _deep_copy, "_clones")
    wrap_once(svg_mobject.SVGMobject, "init_svg_mobject", _svg_cache, "_clones")
