"""Manim's side of a run, in a worker process: build a scene, render its stills, measure its length.

Each render works in a private cache slot (see slots.py) and copies what it made into the run's work
folder; the exporters take their files from there. Movies are filmed in slices by parallel/film.py.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attention
from rendering.cache import codehash
from rendering.cache.slots import CACHE, Slot, cache_slot
from rendering.spec import Look, Still, StillJob, Stills

LENGTHS = CACHE / "lengths.json"
TYPESET = "typeset"  # the folder beside the slots where every worker keeps and takes typeset LaTeX (shared_tex.py)


def _manim_config(slot: Slot, **settings) -> dict:
    return {
        "media_dir": str(slot.media),
        "tex_dir": str(slot.tex),
        "text_dir": str(slot.text),
        "progress_bar": "none",
        "verbosity": "WARNING",
        **settings,
    }


def _checked(config, wanted: dict) -> None:
    """tempconfig silently drops keys it does not know: make sure each setting took effect."""
    for key, value in wanted.items():
        actual = config[key]
        if (str(actual) if isinstance(value, str) else actual) != value:
            raise RuntimeError(f"Manim ignored the setting {key}={value!r} (it has {actual!r})")


@contextmanager
def configured(slot: Slot, **settings) -> Iterator[None]:
    """Manim's configuration for one render in ``slot`` (its media, tex and text folders, no progress bar, only
    warnings) with ``settings`` on top, each checked to have taken effect; the previous one is back on exit.

    Parameters
    ----------
    slot : Slot
        The private cache slot the render works in (``cache_slot``).
    **settings
        Keys of Manim's ``config`` ("pixel_width", "format", "dry_run"...) and their values for this render.

    Raises
    ------
    RuntimeError
        When Manim did not take one of ``settings`` (``tempconfig`` drops the keys it does not know).
    """
    from manim import config, tempconfig

    from scenes.manim_patches import shared_tex

    shared_tex.share(slot.root.parent / TYPESET)  # LaTeX typeset once for every slot
    with tempconfig(_manim_config(slot, **settings)):
        _checked(config, settings)
        yield


def build(scene_name: str, request: attention.Request, look: Look, then=None, before=None, **settings):
    """The scene with its animations skipped: every mobject in its final state, no video written.

    ``before(scene)`` runs before it plays, ``then(scene)`` after, while the scene's configuration
    (``settings``) is still in force.
    """
    from scenes.registry import by_name

    cls = by_name(scene_name)
    with cache_slot() as slot, configured(slot, dry_run=True, disable_caching=True, **settings):
        scene = cls.drawing(look.inputs(request), skip_animations=True)
        if before is not None:
            before(scene)
        scene.render()
        if then is not None:
            then(scene)
    return scene


# ----- scene lengths, remembered per scene, inputs and code -----------------------------------
def _length_key(scene_name: str, request: attention.Request, look: Look) -> str:
    from scenes.registry import by_name

    code = codehash.digest(codehash.scene_files(by_name(scene_name)))  # the scene's own code, as the cache keys
    text = json.dumps([scene_name, repr(request), repr(look), code], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _known_lengths() -> dict:
    try:
        return json.loads(LENGTHS.read_text())
    except (OSError, ValueError):
        return {}


def cached_length(scene_name: str, request: attention.Request, look: Look) -> float | None:
    """The remembered length of a scene for these inputs and this version of the code, if any."""
    return _known_lengths().get(_length_key(scene_name, request, look))


def scene_length(scene_name: str, request: attention.Request, look: Look) -> float:
    """Seconds of video the scene plays; building it also proves its inputs can be drawn.

    Remembered per scene, inputs and version of the code that draws it (the key changes whenever one of the
    scene's source files or the assets does, see codehash.scene_files), so `--list` is quick the second time.
    """
    length = float(build(scene_name, request, look).time)
    known = _known_lengths()
    known[_length_key(scene_name, request, look)] = length
    LENGTHS.parent.mkdir(parents=True, exist_ok=True)
    partial = LENGTHS.with_name(f".{LENGTHS.name}.{os.getpid()}")
    partial.write_text(json.dumps(known))
    os.replace(partial, LENGTHS)
    return length


def figure_names(scene_name: str, request: attention.Request, look: Look) -> list[str]:
    """The names of the figures the scene marks for these inputs (each file is ``<name>.<format>``), found by
    building it with its animations skipped and nothing drawn; none if it cannot draw the request."""
    names = []

    def watch(scene) -> None:
        scene.on_figure = lambda _, figure: names.append(figure.name)

    try:
        build(scene_name, request, look, before=watch, transparent=look.transparent)
    except (ValueError, TypeError):  # the run leaves this scene out, and writes none of its figures
        return []
    return names


# ----- stills -----------------------------------------------------------------------------------
def render_stills(job: StillJob, request: attention.Request, look: Look, work: str) -> Stills:
    """Build the scene once; at each state it marks as a figure, draw that state in every format of ``job``.

    A scene that cannot draw the request gives ``Stills(error=...)`` and no figure: the other scenes of the
    run still get theirs.
    """
    from rendering.workers.stills import build_resolution, content_box, frame_box, write_still
    from scenes.kit.theme import load_theme

    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    background = load_theme(look.theme).background
    figures = []

    def draw(scene, figure) -> None:
        mobjects = list(scene.mobjects)
        box = content_box(list(figure.extent) or mobjects) if job.crop == "content" else frame_box()
        files = {}
        for kind in job.formats:
            files[kind] = work / f"{figure.name}.{kind}"
            write_still(kind, mobjects, box, job.width, background, look.transparent, files[kind])
        units = (round(box.width, 4), round(box.height, 4))
        figures.append(Still(figure.name, figure.caption, files, box.pixels(job.width), units))

    def watch(scene) -> None:
        scene.on_figure = draw

    try:
        # built at the figure's resolution: a grid draws its digits where they are legible in the figure
        build(
            job.scene,
            request,
            look,
            before=watch,
            transparent=look.transparent,
            **build_resolution(job.width, job.crop),
        )
    except (ValueError, TypeError) as exc:  # a layout that does not fit: this scene only
        return Stills(error=str(exc))
    return Stills(tuple(figures))
