"""Stills of what a scene shows, for print: PNG from Manim's Cairo camera, SVG and PDF from the same camera
drawing into Cairo's vector surfaces (paths only: Pango and LaTeX glyphs are outlines), cropped to the
content with an even margin or kept at the 16:9 frame.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import cairo
import numpy as np
from manim import Camera, ManimColor, Mobject, config

from scenes.kit.layout import Panel
from scenes.manim_patches.adapter import capture_into

# Fixed PDF dates, so that the same figure is the same bytes on every run.
PDF_DATE = "2017-06-12T00:00:00Z"
MARGIN = 0.25  # units around the content of a cropped figure, on every side


@dataclass(frozen=True)
class Box(Panel):
    """A region of the scene, in Manim units: its edges, width, height and centre as for a layout's panel."""

    def pixels(self, width: int) -> tuple[int, int]:
        """The pixel size of this box drawn ``width`` pixels wide (height rounded, at least 1)."""
        return width, max(1, round(width * self.height / self.width))


def frame_box() -> Box:
    return Box(-config.frame_width / 2, config.frame_width / 2, -config.frame_height / 2, config.frame_height / 2)


def build_resolution(width: int, crop: str) -> dict:
    """The Manim pixel size to build a scene at for figures ``width`` pixels wide, so that its grids decide
    whether to draw their digits (the legibility rule: scenes/kit/legibility.py) at the figure's output size.

    A frame figure has the frame's pixels per unit; a content figure has at least as many (its box is at most
    the frame and its margins), so digits drawn are at least READABLE_PIXELS tall in either."""
    frame = frame_box()
    widest = frame.width if crop == "frame" else frame.width + 2 * MARGIN
    pixel_width = max(1, math.floor(width * frame.width / widest))
    return {"pixel_width": pixel_width, "pixel_height": max(1, round(pixel_width * frame.height / frame.width))}


def content_box(mobjects: list[Mobject], margin: float = MARGIN) -> Box:
    """The smallest box around everything drawn (strokes included), grown by ``margin`` on every side."""
    points = [m for top in mobjects for m in top.get_family() if m.has_points()]
    if not points:
        return frame_box()
    lows = np.min([m.get_critical_point(np.array([-1, -1, 0])) for m in points], axis=0)
    highs = np.max([m.get_critical_point(np.array([1, 1, 0])) for m in points], axis=0)
    # half of the widest stroke sticks out of the points' box (stroke widths are hundredths of a unit)
    stroke = max((m.get_stroke_width() for m in points if hasattr(m, "get_stroke_width")), default=0.0) / 200
    return Box(
        lows[0] - stroke - margin, highs[0] + stroke + margin, lows[1] - stroke - margin, highs[1] + stroke + margin
    )


@functools.lru_cache(maxsize=1)  # one figure's PNG, SVG and PDF share it: at 3840 px a camera's pixels take 50 ms
def _camera(box: Box, width: int, background, transparent: bool) -> Camera:
    pixel_width, pixel_height = box.pixels(width)
    return Camera(
        pixel_width=pixel_width,
        pixel_height=pixel_height,
        frame_width=box.width,
        frame_height=box.height,
        frame_center=box.center,
        background_color=ManimColor(background),
        background_opacity=0.0 if transparent else 1.0,
    )


def write_png(mobjects: list[Mobject], box: Box, width: int, background, transparent: bool, path: Path) -> None:
    camera = _camera(box, width, background, transparent)
    camera.reset()  # the background alone: a camera shared with an earlier figure holds its pixels
    camera.capture_mobjects(mobjects)
    image = camera.get_image()
    (image if transparent else image.convert("RGB")).save(path, format="PNG")


def _surface(kind: str, path: Path, width: float, height: float):
    if kind == "svg":
        surface = cairo.SVGSurface(str(path), width, height)
        surface.set_document_unit(cairo.SVGUnit.PX)
        return surface
    surface = cairo.PDFSurface(str(path), width, height)
    surface.set_metadata(cairo.PDFMetadata.CREATE_DATE, PDF_DATE)
    surface.set_metadata(cairo.PDFMetadata.MOD_DATE, PDF_DATE)
    surface.set_metadata(cairo.PDFMetadata.CREATOR, "self-attention-animated")
    return surface


def write_vector(
    kind: str, mobjects: list[Mobject], box: Box, width: int, background, transparent: bool, path: Path
) -> None:
    """``mobjects`` inside ``box`` as an SVG or PDF page of ``width`` (px or pt) by the box's proportion."""
    camera = _camera(box, width, background, transparent)
    pixel_width, pixel_height = box.pixels(width)
    surface = _surface(kind, path, pixel_width, pixel_height)
    ctx = cairo.Context(surface)
    if not transparent:
        ctx.set_source_rgb(*ManimColor(background).to_rgb())
        ctx.paint()
    scale_x, scale_y = pixel_width / box.width, pixel_height / box.height
    cx, cy = box.center[:2]
    # the same world-to-page transform as Camera.get_cairo_context uses for bitmaps
    ctx.set_matrix(
        cairo.Matrix(scale_x, 0, 0, -scale_y, pixel_width / 2 - cx * scale_x, pixel_height / 2 + cy * scale_y)
    )
    capture_into(camera, mobjects, ctx)
    surface.finish()


def write_still(
    kind: str, mobjects: list[Mobject], box: Box, width: int, background, transparent: bool, path: Path
) -> None:
    """One still of ``mobjects``: "png", "svg" or "pdf"."""
    if kind == "png":
        write_png(mobjects, box, width, background, transparent, path)
    else:
        write_vector(kind, mobjects, box, width, background, transparent, path)
        if kind == "svg":
            number_surfaces(path)


def number_surfaces(path: Path) -> None:
    """Cairo names an SVG's surfaces by a counter of every surface the process made so far (Pango's text
    rendering makes some when a label is not cached yet): renumber them from 1 in order of appearance, so that
    a figure is the same bytes however warm the caches were."""
    text = path.read_text(encoding="utf-8")
    numbers: dict[str, str] = {}
    renumbered = re.sub(r"surface\d+", lambda m: numbers.setdefault(m[0], f"surface{len(numbers) + 1}"), text)
    path.write_text(renumbered, encoding="utf-8")
