"""Plays that nothing films, finished at once.

A dry run (the tests, `--list`, figures) builds a scene with every animation skipped, yet Manim still begins
each animation (deep copies of every mobject it moves: half of a build's time), draws a still frame per play
and one for every wait. None of that is seen. Here a skipped play jumps to its end state directly: an
introduced mobject is simply on screen, a transformed one becomes its target, an ``.animate`` call applies its
methods; Manim's own scene bookkeeping (what is added, replaced and removed, the clock, the subcaptions) runs
as in a real play. Only dry runs take this path: a filmed render, even one skipping some sections, plays
every animation Manim's way, so its frames stay those of a single render.

Manim internals relied on (0.22.0, listed in ``internals.py``): the renderer's ``_original_skipping_status``,
``time``, ``num_plays``, ``animations_hashes`` and ``file_writer.add_partial_movie_file``; ``_MethodAnimation``
and its ``methods``; ``Animation._setup_scene``; ``Scene.compile_animations``, ``get_run_time`` and
``add_mobjects_from_animations``.
"""

from __future__ import annotations

import numpy as np
from manim import (
    AnimationGroup,
    Create,
    FadeIn,
    FadeOut,
    FadeTransform,
    GrowArrow,
    Transform,
    VMobject,
    Wait,
    Write,
    config,
)
from manim.animation.transform import _MethodAnimation

# Animations whose end state is the mobject as it stands (introducers) or gone (removers): nothing to compute.
AS_THEY_STAND = (FadeIn, FadeOut, Create, Write, GrowArrow, Wait)


def can_finish_at_once(animation) -> bool:
    if isinstance(animation, AnimationGroup):
        return all(can_finish_at_once(a) for a in animation.animations)
    if isinstance(animation, FadeTransform):  # its clean-up needs what begin() saved
        return False
    return isinstance(animation, (*AS_THEY_STAND, Transform))


def _end_state(animation) -> None:
    """Put ``animation``'s mobject in the state its last frame shows."""
    if isinstance(animation, AnimationGroup):
        for part in animation.animations:
            _end_state(part)
    elif isinstance(animation, AS_THEY_STAND):  # FadeIn and FadeOut are Transforms too: check them first
        return
    elif isinstance(animation, _MethodAnimation):
        for item in animation.methods:
            item.method.__func__(animation.mobject, *item.args, **item.kwargs)
    elif isinstance(animation, Transform) and type(animation).__name__ != "TransformFromCopy":
        # TransformFromCopy ends on its target untouched (its mobject is the target, played backwards)
        become(animation.mobject, animation.target_mobject)


def _same_tree(mobject, target) -> bool:
    """Whether the two families are vector mobjects of the same shape, member for member."""
    family, targets = mobject.get_family(), target.get_family()
    return len(family) == len(targets) and all(
        isinstance(a, VMobject) and isinstance(b, VMobject) and len(a.submobjects) == len(b.submobjects)
        for a, b in zip(family, targets, strict=True)
    )


def become(mobject, target) -> None:
    """``mobject.become(target)``, without Manim's alignment of every curve when the families match.

    Manim's ``become`` first subdivides the curves of both so that their points pair up, which a transform needs
    for the frames between and a jump to the end does not: the same curves are drawn either way. Its alignment
    was a tenth of the Python time of building the figures (9.5 of 107 s, profiled). Families of another shape
    still go through ``become``.

    Examples
    --------
    >>> from manim import Circle, Square
    >>> square, circle = Square(), Circle(radius=2, color="#ff0000")
    >>> become(square, circle)
    >>> bool((square.points == circle.points).all()), square.get_stroke_color() == circle.get_stroke_color()
    (True, True)
    """
    if not _same_tree(mobject, target):
        mobject.become(target)
        return
    for member, model in zip(mobject.get_family(), target.get_family(), strict=True):
        member.points = np.array(model.points)
        member.align_rgbas(model)  # colour arrays of one length, as the interpolation below needs
        member.interpolate_color(member, model, 1)


def _clean_up(scene, animation) -> None:
    """What a finished animation does to the scene: a remover's mobject leaves, a replacing transform swaps its
    mobject for its target (Manim's own clean-ups assume begin() ran, so they are not called)."""
    if isinstance(animation, AnimationGroup):
        for part in animation.animations:
            if animation.remover:
                part.remover = True
            _clean_up(scene, part)
        return
    if animation.is_remover():
        scene.remove(animation.mobject)
    if getattr(animation, "replace_mobject_with_target_in_scene", False):
        scene.replace(animation.mobject, animation.target_mobject)


def finish_at_once(
    scene, animations, subcaption=None, subcaption_duration=None, subcaption_offset=0.0, **kwargs
) -> bool:
    """Play ``animations`` to their end without a frame, if this is a dry run and they allow it; False if not
    (the caller then plays them Manim's way)."""
    renderer = scene.renderer
    if not (config.dry_run and getattr(renderer, "_original_skipping_status", False)):
        return False
    compiled = scene.compile_animations(*animations, **kwargs)
    if not all(can_finish_at_once(a) for a in compiled):
        return False
    duration = scene.get_run_time(compiled)
    scene.add_mobjects_from_animations(compiled)
    for animation in compiled:
        animation._setup_scene(scene)
    for animation in compiled:
        _end_state(animation)
        _clean_up(scene, animation)
    # the clock and the writer's books, as a skipped play keeps them
    renderer.file_writer.add_partial_movie_file(None)
    renderer.animations_hashes.append(None)
    renderer.time += duration
    renderer.num_plays += 1
    if subcaption:
        scene.add_subcaption(
            content=subcaption,
            duration=duration if subcaption_duration is None else subcaption_duration,
            offset=-duration + subcaption_offset,
        )
    return True
