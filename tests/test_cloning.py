"""Mobjects are copied by ``clone`` (scenes/manim_patches/cloning.py): as a deep copy would copy them, sharing only
values nothing changes in place, so an animation drawn from a clone draws the same pixels as from Manim's own copy.

Manim's own ``__deepcopy__`` is kept as the patch's ``__wrapped__``; each test that compares runs the same steps
once with it and once with the clone.
"""

from __future__ import annotations

import copy
import enum

import numpy as np
import pytest
from conftest import manim_test_config
from manim import BLUE, DOWN, RED, RIGHT, UP, Camera, FadeIn, MathTex, Mobject, Square, Transform, VGroup, tempconfig

import scenes.manim_patches  # noqa: F401  (installs the clone as Mobject's deep copy)


@pytest.fixture
def typesetting(manim_dirs):
    """The session's LaTeX folders, so each formula is typeset once."""
    with tempconfig(manim_test_config(manim_dirs)):
        yield


@pytest.fixture
def manims_own_copy(monkeypatch):
    """Within the test, ``Mobject.__deepcopy__`` as Manim wrote it."""
    patched = Mobject.__deepcopy__
    assert patched._clones, "cloning.install() did not replace Mobject.__deepcopy__"
    monkeypatch.setattr(Mobject, "__deepcopy__", patched.__wrapped__)


def _group() -> VGroup:
    formula = MathTex(r"\frac{q k^T}{\sqrt{d_k}}", color=BLUE)
    return VGroup(Square(side_length=2, fill_opacity=0.5), formula).arrange()


def _drawn() -> list[np.ndarray]:
    """The pixels of three frames of a transform and of a fade, each begun (so copied) as Manim plays it."""
    camera = Camera(pixel_width=320, pixel_height=180)
    start, end = _group(), _group().set_color(RED).shift(RIGHT + 0.5 * UP)
    faded = MathTex(r"\mathrm{softmax}(x)_i").shift(2 * DOWN)
    animations = [Transform(start, end), FadeIn(faded, shift=UP)]
    frames = []
    for animation in animations:
        animation.begin()
    for alpha in (0.0, 0.4, 1.0):
        for animation in animations:
            animation.interpolate(alpha)
        camera.reset()
        camera.capture_mobjects([start, faded])
        frames.append(camera.pixel_array.copy())
    return frames


def test_an_animation_draws_the_same_pixels_from_a_clone(typesetting, request):
    cloned = _drawn()
    request.getfixturevalue("manims_own_copy")
    deep = _drawn()
    assert all(frame[..., :3].any() for frame in cloned), "nothing was drawn"
    assert not np.array_equal(cloned[0], cloned[1])  # the frames differ: the copies were used to draw them
    for ours, manims in zip(cloned, deep, strict=True):
        assert np.array_equal(ours, manims)


def test_a_clone_is_independent_where_drawing_changes_it(typesetting):
    group = _group()
    twin = group.copy()
    assert [type(m) for m in twin.get_family()] == [type(m) for m in group.get_family()]
    for original, copied in zip(group.get_family(), twin.get_family(), strict=True):
        assert copied is not original and np.array_equal(copied.points, original.points)
        assert copied.points is not original.points or len(original.points) == 0
        assert copied.submobjects is not original.submobjects
    before = group.get_all_points().copy()
    twin.shift(3 * RIGHT).set_color(RED)
    twin[1][0][0].points[0] += 1  # changed in place, as a transform does
    assert np.array_equal(group.get_all_points(), before)
    assert {tuple(m.get_fill_color().to_rgb()) for m in group[1].family_members_with_points()} == {
        tuple(MathTex("x", color=BLUE).get_fill_color().to_rgb())
    }


def test_references_within_a_family_point_into_the_clone():
    square = Square()
    group = VGroup(square)
    group.favourite = square  # a second reference to a member, as a Text's chars are
    group.both = [square.points, square.points]  # one array held twice
    twin = copy.deepcopy({"group": group, "again": group})
    assert twin["group"] is twin["again"]
    assert twin["group"].favourite is twin["group"][0]
    assert twin["group"].both[0] is twin["group"].both[1] is not square.points


class Mood(enum.Enum):
    CALM = 1


class Box:
    """A mutable value of a type the clone does not know."""

    def __init__(self):
        self.items = [1]


def test_only_unchanging_values_are_shared():
    square = Square()
    square.mood, square.box, square.seen = Mood.CALM, Box(), {1, 2}
    twin = square.copy()
    assert twin.mood is Mood.CALM and twin.joint_type is square.joint_type  # enums: shared
    assert twin.box is not square.box and twin.box.items == [1] and twin.box.items is not square.box.items
    assert twin.seen == {1, 2} and twin.seen is not square.seen
    assert twin.original_id == str(id(square))
