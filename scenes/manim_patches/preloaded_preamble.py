"""LaTeX's preamble loaded once for every expression: a format file made from it, then each expression typeset on it.

Manim runs ``latex`` once per expression, and each run reads the whole preamble again (the class, babel, the
fonts, amsmath): two thirds of a run's time for a short label, and a cold figure run typesets some 250 labels.
``mylatexformat`` (TeX Live's latex-extra) dumps a preamble into a format file; ``latex -fmt`` starts from it and
skips the preamble it finds in the file. Here a format is made, the first time a preamble is seen, in the folder
the workers share (shared_tex.py) or else beside the ``.tex``, named by the sha256 of the compiler and preamble;
every later run of ``latex`` on a file with that preamble starts from it. The glyphs typeset are the same (only the
order of the font definitions in the SVG changes); if the format cannot be made, LaTeX runs as Manim runs it.

Manim internals relied on (0.22.0, listed in ``internals.py``): ``tex_file_writing.make_tex_compilation_command
(tex_compiler, output_format, tex_file, tex_dir)`` returning ``[compiler, flags..., file]``, called by name from
``compile_tex`` in the same module.
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path

from manim.utils import tex_file_writing

from scenes.manim_patches import shared_tex

COMPILERS = ("latex", "pdflatex")  # pdfTeX's: the engine mylatexformat dumps with
BEGIN = r"\begin{document}"
_FAILED: set[str] = set()  # preambles whose format could not be made in this process: not tried again
_INSTALLED = "_attention_preloaded_preamble"


def format_for(tex_file: Path, compiler: str) -> Path | None:
    """The format file of ``tex_file``'s preamble for ``compiler`` (made if missing), or None when it has none.

    Examples
    --------
    >>> format_for(Path("no/such/file.tex"), "latex") is None
    True
    """
    try:
        head, begins, _ = Path(tex_file).read_text(encoding="utf-8").partition(BEGIN)
    except (OSError, UnicodeDecodeError):
        return None
    if not begins or compiler not in COMPILERS:
        return None
    digest = hashlib.sha256(f"{compiler}\n{head}".encode()).hexdigest()[:16]
    folder = shared_tex.folder() or Path(tex_file).parent
    with suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    made = folder / f"preamble-{digest}.fmt"
    if made.is_file():
        return made
    if digest in _FAILED:
        return None
    with tempfile.TemporaryDirectory(prefix=".preamble-", dir=folder) as work:
        source = Path(work) / "preamble.tex"
        source.write_text(f"{head}{BEGIN}\\end{{document}}\n", encoding="utf-8")
        name = made.stem
        command = ["etex", "-ini", "-interaction=batchmode", "-halt-on-error", f"-jobname={name}"]
        command += [f"-output-directory={work}", f"&{compiler}", "mylatexformat.ltx", str(source)]
        try:
            done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work)
        except OSError:
            done = None
        dumped = Path(work) / f"{name}.fmt"
        if done is None or done.returncode != 0 or not dumped.is_file():
            _FAILED.add(digest)
            return None
        with suppress(OSError):
            shared_tex.place(dumped, made)  # a concurrent maker's copy is as good: renamed in whole
    if not made.is_file():  # an unwritable folder: Manim's way from now on
        _FAILED.add(digest)
        return None
    return made


def install() -> None:
    """Start every ``latex`` run from its preamble's format (idempotent)."""
    original = tex_file_writing.make_tex_compilation_command
    if getattr(original, _INSTALLED, False):
        return

    @functools.wraps(original)
    def from_the_format(tex_compiler, output_format, tex_file, tex_dir):
        command = original(tex_compiler, output_format, tex_file, tex_dir)
        made = format_for(Path(tex_file), tex_compiler)
        if made is None:
            return command
        return [command[0], f"-fmt={made.with_suffix('').as_posix()}", *command[1:]]

    setattr(from_the_format, _INSTALLED, True)
    tex_file_writing.make_tex_compilation_command = from_the_format
