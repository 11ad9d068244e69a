"""What the project reads from, and asks of, Manim's renderer beyond its documented API, behind named functions.

The movie a render wrote, its section clips and subtitles, ending a scene early and drawing onto a Cairo context
of our own live in Manim's renderer, file writer and camera, which are not public and change between releases.
Every module outside ``scenes/manim_patches/`` goes through these functions instead of reaching into them, so a
Manim upgrade is checked here; tests/test_manim_adapter.py verifies the internals against the installed Manim and
fails on a use outside this folder. (Manim's clock is public: ``Scene.time``.)

Manim internals relied on (0.22.0, its Cairo renderer: the project never uses OpenGL; each is listed in
``internals.py``): ``Scene.renderer.file_writer`` with ``movie_file_path``, ``gif_file_path``,
``sections_output_dir``, ``sections`` (``Section.name``, ``.video``) and ``subcaptions``; ``EndSceneEarlyException``
caught by Manim's scene manager; ``Camera.get_cairo_context(pixel_array)`` asked for each vectorized mobject.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import NoReturn

from manim import config
from manim.utils.exceptions import EndSceneEarlyException

MICROSECOND = datetime.timedelta(microseconds=1)


def end_early() -> NoReturn:
    """End the scene being rendered now, as if its ``construct`` had returned: Manim closes the last section and
    writes the movie of what was filmed (``EndSceneEarlyException``, caught by Manim's scene manager)."""
    raise EndSceneEarlyException()


def movie_path(scene) -> Path:
    """The movie file a finished render wrote (the GIF when the configured format is "gif")."""
    writer = scene.renderer.file_writer
    return Path(writer.gif_file_path if config.format == "gif" else writer.movie_file_path)


def section_clips(scene) -> dict[str, Path]:
    """The clip Manim saved of each section (with ``save_sections``), by section name in the order played;
    sections without a clip (skipped or empty) are left out."""
    writer = scene.renderer.file_writer
    folder = Path(writer.sections_output_dir)
    return {section.name: folder / section.video for section in writer.sections if section.video is not None}


def subcaptions_of(scene) -> list[tuple[int, int, str]]:
    """Every subtitle of the scene so far, as (start, end in microseconds of Manim's clock, text), in the order
    added (Manim holds them as ``srt.Subtitle`` with timedelta bounds in ``file_writer.subcaptions``)."""
    return [(s.start // MICROSECOND, s.end // MICROSECOND, s.content) for s in scene.renderer.file_writer.subcaptions]


def capture_into(camera, mobjects, context) -> None:
    """Draw ``mobjects`` with ``camera`` onto the Cairo ``context`` given (a vector surface, say) instead of the
    camera's own pixel array: Manim's Cairo camera asks ``get_cairo_context`` for where to draw each
    vectorized mobject, so answering with ``context`` draws there with Manim's strokes and fills unchanged.
    The context's matrix must already map scene units to the surface."""
    camera.get_cairo_context = lambda pixel_array: context
    try:
        camera.capture_mobjects(mobjects)
    finally:
        del camera.get_cairo_context  # the camera draws into its pixels again
