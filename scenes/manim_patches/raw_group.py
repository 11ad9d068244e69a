"""An expression's SVG converted without dvisvgm's special handlers, its one raw group written back by us.

Manim wraps every part of a MathTex in ``\\special{dvisvgm:raw <g id='unique000'>}`` ... ``</g>`` so that the
SVG groups the glyphs of each part. dvisvgm processes specials only with its handlers on, and turning them on
starts Ghostscript (for PostScript specials, whether or not the file has any): 60 of the 85 ms a conversion
takes, some 250 times in a cold figure run. Nearly every expression the scenes typeset has one part: besides the
preview package's specials (which draw nothing), its DVI holds two, that group's opening and closing, with every
glyph and rule of the page between them. Such a DVI is converted with ``--no-specials`` and the group is written
around the page's content, where dvisvgm writes it: the same SVG but for the order of the glyph definitions (which
Manim's parser does not depend on). Any other DVI (several parts, colour or other specials, something drawn outside
the group, a file that cannot be read) is converted as Manim converts it.

Manim internals relied on (0.22.0, listed in ``internals.py``): ``tex_file_writing.convert_to_svg(dvi_file,
extension, page)`` returning the ``.svg`` beside the DVI, called by name from ``tex_to_svg_file`` in the same
module.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from manim.utils import tex_file_writing

from scenes.manim_patches.wrapping import wrap_once

OPENING = re.compile(rb"dvisvgm:raw <g id='(\w+)'>")
CLOSING = b"dvisvgm:raw </g>"
# what LaTeX's preview package (standalone's ``preview`` option) writes on every page: PostScript header code that
# defines procedures, the file of l3backend's, and the tight page's extents: nothing that draws
QUIET = re.compile(rb"!.*|header=[\w.-]+|ps::-?\d+(?: -?\d+){6}", re.DOTALL)
PAGE = re.compile(r"(<g id='page\d+'>\n)(.*)(</g>\n</svg>\n?)\Z", re.DOTALL)
_INSTALLED = "_attention_raw_group"

# DVI opcodes (TeX: The Program, part 31) and the bytes of parameters each has after it
SET_CHAR_LAST, SET1, SET_RULE, PUT1, PUT_RULE = 127, 128, 132, 133, 137
NOP, BOP, EOP, XXX1, FNT_DEF1, PRE = 138, 139, 140, 239, 243, 247
DRAWS = {SET_RULE, PUT_RULE, *range(SET1, SET1 + 4), *range(PUT1, PUT1 + 4)}
FIXED = {
    SET_RULE: 8,
    PUT_RULE: 8,
    NOP: 0,
    BOP: 44,
    EOP: 0,
    141: 0,  # push
    142: 0,  # pop
    147: 0,  # w0
    152: 0,  # x0
    161: 0,  # y0
    166: 0,  # z0
    **{
        op: op - first + 1
        for first in (SET1, PUT1, 143, 148, 153, 157, 162, 167, 235)
        for op in range(first, first + 4)
    },
    **dict.fromkeys(range(171, 235), 0),  # fnt_num_0..63
}


def page_marks(dvi: bytes, page: int = 1) -> list[bytes | None] | None:
    """What page ``page`` of a DVI file does, in order: None for each glyph or rule drawn, the text of each special.

    None for the whole when ``dvi`` is not a DVI file this reads (a truncated file, an unknown opcode, no such
    page).

    Examples
    --------
    >>> page_marks(b"not a dvi") is None
    True
    """
    at, pages, marks = 0, 0, []
    try:
        while at < len(dvi):
            op = dvi[at]
            at += 1
            if op <= SET_CHAR_LAST or op in DRAWS:
                at += FIXED.get(op, 0)
                if pages == page:
                    marks.append(None)
            elif op in FIXED:
                at += FIXED[op]
                if op == BOP:
                    pages += 1
                elif op == EOP and pages == page:
                    return marks
            elif XXX1 <= op < XXX1 + 4:
                size = op - XXX1 + 1
                length = int.from_bytes(dvi[at : at + size], "big")
                at += size + length
                if pages == page:
                    marks.append(dvi[at - length : at])
            elif FNT_DEF1 <= op < FNT_DEF1 + 4:
                at += op - FNT_DEF1 + 1 + 12
                at += 2 + dvi[at] + dvi[at + 1]  # a, l, then the font's area and name
            elif op == PRE:
                at += 13
                at += 1 + dvi[at]  # k, then the comment
            else:  # post: the pages are over; anything else is not a DVI file this reads
                return None
    except IndexError:
        return None
    return None


def lone_group(dvi: bytes, page: int = 1) -> str | None:
    """The id of the one raw group around everything page ``page`` draws, if its only specials are that group's.

    Examples
    --------
    >>> lone_group(b"") is None
    True
    """
    marks = page_marks(dvi, page)
    if marks is None:
        return None
    specials = [n for n, mark in enumerate(marks) if mark is not None and not QUIET.fullmatch(mark)]
    if len(specials) != 2 or marks[specials[1]] != CLOSING:
        return None
    first, last = specials
    opening = OPENING.fullmatch(marks[first])
    drawn_inside = any(mark is None for mark in marks[first:last])
    drawn_outside = any(mark is None for mark in marks[:first] + marks[last + 1 :])
    if opening is None or not drawn_inside or drawn_outside:
        return None
    return opening[1].decode()


def grouped(svg: str, group: str) -> str | None:
    """``svg`` (dvisvgm's, one page) with the page's content inside ``<g id='group'>``; None if not dvisvgm's."""
    page = PAGE.search(svg)
    if page is None:
        return None
    return f"{svg[: page.start()]}{page[1]}<g id='{group}'>\n{page[2]}</g>\n{page[3]}"


def _convert_to_svg(original):
    def convert_to_svg(dvi_file, extension=".dvi", page=1):
        dvi_file = Path(dvi_file)
        result = dvi_file.with_suffix(".svg")
        if result.exists() or extension != ".dvi":
            return original(dvi_file, extension, page)
        try:
            group = lone_group(dvi_file.read_bytes(), page)
        except OSError:
            group = None
        if group is None:
            return original(dvi_file, extension, page)
        partial = result.with_name(f".{result.stem}.{os.getpid()}.svg")
        command = ["dvisvgm", f"--page={page}", "--no-fonts", "--no-specials", "--verbosity=0"]
        command += [f"--output={partial.as_posix()}", dvi_file.as_posix()]
        try:
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            svg = grouped(partial.read_text(encoding="utf-8"), group)
            if svg is not None:
                partial.write_text(svg, encoding="utf-8")
                os.replace(partial, result)  # whole or not at all: a cut-short SVG would be trusted later
        except (OSError, subprocess.CalledProcessError, UnicodeDecodeError):
            pass
        finally:
            partial.unlink(missing_ok=True)
        return result if result.exists() else original(dvi_file, extension, page)

    return convert_to_svg


def install() -> None:
    """Convert a lone group's DVI without Ghostscript (idempotent)."""
    wrap_once(tex_file_writing, "convert_to_svg", _convert_to_svg, _INSTALLED)
