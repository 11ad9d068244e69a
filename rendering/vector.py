"""Vector stills: Manim's Cairo camera drawing into an SVG or PDF surface instead of a bitmap.

Every mobject of the project is a VMobject (text included: Pango and LaTeX glyphs are outlines),
so the files hold paths only, no embedded raster.
"""

from __future__ import annotations

from pathlib import Path

import cairo
from manim import ManimColor

# Fixed PDF dates, so that the same figure is the same bytes on every run.
PDF_DATE = "2017-06-12T00:00:00Z"


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


def write_vector(scene, kind: str, path: Path, transparent: bool) -> None:
    """Draw ``scene``'s mobjects, as they stand, into ``path`` (kind "svg" or "pdf")."""
    camera = scene.renderer.camera
    width, height = camera.pixel_width, camera.pixel_height
    surface = _surface(kind, path, width, height)
    ctx = cairo.Context(surface)
    if not transparent:
        ctx.set_source_rgb(*ManimColor(camera.background_color).to_rgb())
        ctx.paint()
    fw, fh = camera.frame_width, camera.frame_height
    cx, cy = camera.frame_center[:2]
    # the same world-to-page transform as Camera.get_cairo_context uses for bitmaps
    ctx.set_matrix(
        cairo.Matrix(width / fw, 0, 0, -(height / fh), width / 2 - cx * width / fw, height / 2 + cy * height / fh)
    )
    original = camera.get_cairo_context
    camera.get_cairo_context = lambda pixel_array: ctx
    try:
        camera.capture_mobjects(scene.mobjects)
    finally:
        camera.get_cairo_context = original
    surface.finish()
