"""LaTeX typeset once for every worker: each typeset SVG also kept in one folder all the processes share.

Manim names a typeset SVG after its ``.tex`` file, itself named by the sha256 of the whole LaTeX source (the
expression in its template, preamble included), and keeps both in its ``tex_dir``: one per worker's private slot
(rendering/cache/slots.py), since processes sharing one crash. So every worker typeset the same expressions
again. Here each SVG a process typesets is copied into the shared folder (written beside under a temporary name,
then renamed: a concurrent writer of the same SVG never leaves half a file there), and a process that lacks an
SVG takes the shared copy, if it loads, instead of running LaTeX. Off until ``share`` names the folder.

Manim internals relied on (0.22): ``tex_file_writing.generate_tex_file`` (writes the ``.tex``, returns its path)
and ``tex_to_svg_file`` (returns the ``.svg`` beside it when it exists; imported by name into ``tex_mobject``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import suppress
from pathlib import Path

from manim.mobject.text import tex_mobject
from manim.utils import tex_file_writing

from scenes.manim_patches.damaged_cache import svg_loads
from scenes.manim_patches.wrapping import wrap_once

_FOLDER: list[Path] = []  # the shared folder, once ``share`` names it
_INSTALLED = "_attention_shared_tex"


def share(folder: Path | None) -> None:
    """Keep and take typeset SVGs in ``folder`` from now on (None: each process typesets its own)."""
    _FOLDER[:] = [] if folder is None else [Path(folder)]


def folder() -> Path | None:
    """The shared folder ``share`` named, or None."""
    return _FOLDER[0] if _FOLDER else None


def place(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target``, which appears only complete (a temporary name beside it, then a rename)."""
    name = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        os.close(handle)
        shutil.copyfile(source, name)
        os.replace(name, target)
    except OSError:  # a full, read-only or missing shared folder costs a typesetting, never the render
        if name is not None:
            with suppress(OSError):
                os.unlink(name)


def _tex_to_svg_file(original):
    def tex_to_svg_file(expression, environment=None, tex_template=None):
        if not _FOLDER:
            return original(expression, environment, tex_template)
        svg = tex_file_writing.generate_tex_file(expression, environment, tex_template).with_suffix(".svg")
        kept = _FOLDER[0] / svg.name
        if not svg.exists() and svg_loads(kept):
            place(kept, svg)
        made = Path(original(expression, environment, tex_template))
        if not svg_loads(kept):  # missing, or damaged: this process's copy replaces it
            place(made, kept)
        return made

    return tex_to_svg_file


def install() -> None:
    """Route Manim's typesetting through the shared folder (idempotent; inactive until ``share``)."""
    wrap_once(tex_file_writing, "tex_to_svg_file", _tex_to_svg_file, _INSTALLED)
    tex_mobject.tex_to_svg_file = tex_file_writing.tex_to_svg_file  # imported there by name
