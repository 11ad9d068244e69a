"""A skipped transform jumps to its end without Manim's curve alignment, and draws what Manim's ``become`` draws."""

from __future__ import annotations

import numpy as np
from manim import Camera, MathTex, Square, VGroup, VMobject

from scenes.manim_patches.skipping import become


def drawn(mobject) -> np.ndarray:
    camera = Camera(pixel_width=320, pixel_height=180)
    camera.capture_mobjects([mobject])
    return camera.pixel_array.astype(int)


def test_a_skipped_transform_ends_on_its_target_without_aligning_curves(monkeypatch):
    source, target = MathTex(r"1.86").scale(3), MathTex(r"3.72").scale(3).set_color("#ff8800")
    expected = source.copy().become(target.copy())
    aligned = []
    original = VMobject.align_points
    monkeypatch.setattr(VMobject, "align_points", lambda self, other: aligned.append(self) or original(self, other))
    jumped = source.copy()
    become(jumped, target.copy())
    assert not aligned  # the families pair up member for member: no curve is subdivided
    assert len(jumped.get_family()) == len(expected.get_family())
    # the same glyphs in the same colour; edge pixels may differ by a little antialiasing
    difference = np.abs(drawn(jumped) - drawn(expected)).max(axis=2)
    assert drawn(jumped).max() > 0 and (difference > 64).sum() == 0 and (difference > 0).mean() < 0.01


def test_families_of_another_shape_go_through_manims_become():
    two, three = VGroup(Square(), Square()), VGroup(Square(), Square(), Square().shift(2))
    become(two, three)
    assert len(two.get_family()) == len(three.get_family())
    assert np.allclose(two.get_critical_point([1, 0, 0]), three.get_critical_point([1, 0, 0]))
