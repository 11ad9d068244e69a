"""LaTeX's preamble loaded once for every expression: a format file made from it, then each expression typeset on it.

Manim runs ``latex`` once per expression, and each run reads the whole preamble again (the class, babel, the
fonts, amsmath): two thirds of a run's time for a short label, and a cold figure run typesets some 250 labels.
``mylatexformat`` (TeX Live's latex-extra) dumps a preamble into a format file; ``latex -fmt`` starts from it and
skips the preamble it finds in the file. Here a format is made, the first time a preamble is seen, in the folder
the workers share (shared_tex.py) or else beside the ``.tex``, named by the sha256 of LaTeX's own format (where
it is and when it was made: a TeX Live update makes a new one) and the preamble;
every later run of ``latex`` on a file with that preamble starts from it. The glyphs typeset are the same (only the
order of the font definitions in the SVG changes); if the format cannot be made, LaTeX runs as Manim runs it.

The format is kept uncompressed. TeX Live writes formats gzipped, and inflating this one (18 MB) was most of
each later run: 110 ms from the gzipped format, 62 ms from the uncompressed copy. zlib reads a file that is not
gzipped as it stands, so ``latex`` loads either; the copy is kept only once ``latex`` has loaded it.

Manim internals relied on (0.22.0, listed in ``internals.py``): ``tex_file_writing.make_tex_compilation_command
(tex_compiler, output_format, tex_file, tex_dir)`` returning ``[compiler, flags..., file]``, called by name from
``compile_tex`` in the same module.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path

from manim.utils import tex_file_writing

from scenes.manim_patches import shared_tex
from scenes.manim_patches.wrapping import wrap_once

COMPILER = "latex"  # the project's (Manim's default): pdfTeX writing DVI, the engine mylatexformat dumps with
BEGIN = r"\begin{document}"
_FAILED: set[str] = set()  # preambles whose format could not be made in this process: not tried again
_INSTALLED = "_attention_preloaded_preamble"


@functools.cache
def _base_format() -> str | None:
    """Where LaTeX's own format is, and when it was made: a TeX Live update remakes it, and a format dumped on top
    of the old one would no longer load, so it is part of every format's name (None: no LaTeX found)."""
    try:
        found = subprocess.run(
            ["kpsewhich", "-engine=pdftex", f"{COMPILER}.fmt"], capture_output=True, text=True, check=True
        ).stdout.strip()
        return f"{found} {Path(found).stat().st_mtime_ns}"
    except (OSError, subprocess.CalledProcessError):
        return None


def _dump(head: str, made: Path) -> bool:
    """Dump the preamble ``head`` into the format ``made`` (written whole or not at all); whether it is there."""
    try:
        with tempfile.TemporaryDirectory(prefix=".preamble-", dir=made.parent) as work:
            source = Path(work) / "preamble.tex"
            source.write_text(f"{head}{BEGIN}\\end{{document}}\n", encoding="utf-8")
            command = ["etex", "-ini", "-interaction=batchmode", "-halt-on-error", f"-jobname={made.stem}"]
            command += [f"-output-directory={work}", f"&{COMPILER}", "mylatexformat.ltx", str(source)]
            done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work)
            dumped = Path(work) / f"{made.stem}.fmt"
            if done.returncode == 0 and dumped.is_file():
                shared_tex.place(_inflated(dumped, source), made)  # a concurrent maker's is as good: renamed whole
    except OSError:  # no etex, or an unwritable folder: Manim's way
        return False
    return made.is_file()


def _inflated(dumped: Path, source: Path) -> Path:
    """``dumped`` uncompressed beside it, if ``latex`` typesets ``source`` from that copy; else ``dumped``."""
    raw = dumped.with_name(f"raw-{dumped.name}")
    try:
        with gzip.open(dumped) as packed, raw.open("wb") as out:
            while chunk := packed.read(1 << 20):
                out.write(chunk)
    except (OSError, EOFError):  # not gzipped (a TeX built without zlib): it is already as fast as it gets
        return dumped
    command = [COMPILER, f"-fmt={raw.with_suffix('').as_posix()}", "-interaction=batchmode", "-halt-on-error"]
    command += [f"-output-directory={source.parent}", "-jobname=check", str(source)]
    checked = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=source.parent)
    return raw if checked.returncode == 0 else dumped


def format_for(tex_file: Path, compiler: str) -> Path | None:
    """The format file of ``tex_file``'s preamble for ``compiler`` (made if missing), or None when it has none.

    Examples
    --------
    >>> format_for(Path("no/such/file.tex"), "latex") is None
    True
    """
    if compiler != COMPILER:
        return None
    try:
        head, begins, _ = Path(tex_file).read_text(encoding="utf-8").partition(BEGIN)
    except (OSError, UnicodeDecodeError):
        return None
    base = _base_format()
    if not begins or base is None:
        return None
    digest = hashlib.sha256(f"{base}\n{head}".encode()).hexdigest()[:16]
    made = (shared_tex.folder() or Path(tex_file).parent) / f"preamble-{digest}.fmt"
    if made.is_file():
        return made
    if digest in _FAILED:
        return None
    with suppress(OSError):
        made.parent.mkdir(parents=True, exist_ok=True)
    if not _dump(head, made):
        _FAILED.add(digest)
        return None
    return made


def _from_the_format(original):
    def from_the_format(tex_compiler, output_format, tex_file, tex_dir):
        command = original(tex_compiler, output_format, tex_file, tex_dir)
        made = format_for(Path(tex_file), tex_compiler)
        if made is None:
            return command
        return [command[0], f"-fmt={made.with_suffix('').as_posix()}", *command[1:]]

    return from_the_format


def install() -> None:
    """Start every ``latex`` run from its preamble's format (idempotent)."""
    wrap_once(tex_file_writing, "make_tex_compilation_command", _from_the_format, _INSTALLED)
