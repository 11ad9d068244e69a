"""A damaged working file in Manim's caches is a miss: it is discarded and made again, never a failed render.

Manim keeps three kinds of working files between runs and trusts any file that exists: the typeset SVG of a
Tex or MathTex (``tex_file_writing.tex_to_svg_file``, beside the ``.tex`` it was compiled from), the SVG Pango
made for a Text or MarkupText (``Text._text2svg``, ``MarkupText._text2svg``), and a play's partial movie
(``SceneFileWriter.is_already_cached``, when Manim's own caching is on, as in plain ``manim`` runs). A file cut
short (a full disk, a killed process) then failed every later render ("ParseError: unclosed token") until the
cache was cleared by hand. Here each is checked where Manim looks it up; one that does not load is removed
(only files in Manim's configured tex, text and media folders) and Manim makes it again.

Manim internals relied on (0.22): ``tex_file_writing.generate_tex_file`` and ``tex_to_svg_file`` (imported by
name into ``tex_mobject``), ``Text._text2svg`` and ``MarkupText._text2svg`` returning the SVG's path, and
``SceneFileWriter.is_already_cached`` / ``output_plan.segment_path``.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import av
from manim import config
from manim.mobject.text import tex_mobject, text_mobject
from manim.scene.scene_file_writer import SceneFileWriter
from manim.utils import tex_file_writing

from scenes.manim_patches.wrapping import wrap_once

_INSTALLED = "_attention_damaged_cache"  # set on each patched function, so that installing twice does nothing


_WHOLE: set[tuple[str, int, int]] = set()  # SVGs found whole in this process: (path, size, mtime), not parsed again


def svg_loads(path: Path) -> bool:
    """Whether ``path`` is a whole SVG document (XML that parses, with an <svg> root)."""
    try:
        info = os.stat(path)
        seen = (str(path), info.st_size, info.st_mtime_ns)
        if seen in _WHOLE:
            return True
        whole = ET.parse(path).getroot().tag.rpartition("}")[2] == "svg"
    except (ET.ParseError, OSError, ValueError):
        return False
    if whole:
        _WHOLE.add(seen)
    return whole


def movie_loads(path: Path) -> bool:
    """Whether ``path`` is a movie whose every video packet can be read (a file cut short fails to open or to
    demux, or holds no frame)."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            packets = sum(1 for packet in container.demux(stream) if packet.size)
        return packets > 0 and (not stream.frames or packets == stream.frames)
    except (av.FFmpegError, OSError, IndexError, ValueError):
        return False


def _inside(path: Path, folder_key: str) -> bool:
    """Whether ``path`` lies in the folder Manim's config names ``folder_key`` (Manim's own working files)."""
    try:
        return Path(path).resolve().is_relative_to(config.get_dir(folder_key).resolve())
    except (OSError, ValueError, KeyError):
        return False


class NotAWorkingFile(ValueError):
    """A folder (or anything but a file) sits where Manim keeps a working file: not ours to remove, so the render
    stops with one line naming it."""


def _discard(*paths: Path) -> None:
    for path in map(Path, paths):
        if path.is_dir() and not path.is_symlink():
            raise NotAWorkingFile(
                f"{path} is a folder where Manim keeps one of its working files; move it away and render again"
            )
        path.unlink(missing_ok=True)


def _patch(owner, name: str, make) -> None:
    wrap_once(owner, name, make, _INSTALLED)


def _tex_to_svg_file(original):
    def tex_to_svg_file(expression, environment=None, tex_template=None):
        # The .tex goes too: one cut short would compile into a LaTeX error rather than the expression.
        tex = tex_file_writing.generate_tex_file(expression, environment, tex_template)
        svg = tex.with_suffix(".svg")
        if not svg_loads(svg) and _inside(tex, "tex_dir"):
            _discard(svg, tex)
        return original(expression, environment, tex_template)

    return tex_to_svg_file


def _text2svg(original):
    def text2svg(self, *args, **kwargs):
        svg = Path(original(self, *args, **kwargs))
        if svg_loads(svg) or not _inside(svg, "text_dir"):
            return str(svg)
        _discard(svg)  # Manim makes the file again when it is missing
        return original(self, *args, **kwargs)

    return text2svg


def _is_already_cached(original):
    def is_already_cached(self, hash_invocation):
        if not original(self, hash_invocation):
            return False
        movie = Path(self.output_plan.segment_path(hash_invocation))
        if movie_loads(movie) or not _inside(movie, "media_dir"):
            return True
        _discard(movie)  # a miss: the play is filmed again
        return False

    return is_already_cached


def install() -> None:
    """Check each of Manim's cached working files where Manim looks it up (idempotent)."""
    _patch(tex_file_writing, "tex_to_svg_file", _tex_to_svg_file)
    tex_mobject.tex_to_svg_file = tex_file_writing.tex_to_svg_file  # imported there by name
    _patch(text_mobject.Text, "_text2svg", _text2svg)
    _patch(text_mobject.MarkupText, "_text2svg", _text2svg)
    _patch(SceneFileWriter, "is_already_cached", _is_already_cached)
