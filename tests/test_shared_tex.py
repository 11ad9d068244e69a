"""LaTeX is typeset once for every worker: an expression one slot typeset is drawn in another slot from the shared
folder, with LaTeX never run there, and draws the same outlines; a damaged shared copy is typeset again. A
one-part expression is converted to SVG without Ghostscript and draws what Manim's own conversion draws."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from manim import MathTex, tempconfig
from manim.utils import tex_file_writing

from scenes.manim_patches import shared_tex

EXPRESSION = r"\sqrt{d_k} \cdot 7"  # typeset nowhere else in the tests: the first slot must run LaTeX


def typeset(slot, *expressions, **config) -> MathTex:
    with tempconfig({"tex_dir": slot / "Tex", "text_dir": slot / "texts", "media_dir": slot / "media", **config}):
        return MathTex(*expressions)


def outlines(slot, **config) -> np.ndarray:
    return typeset(slot, EXPRESSION, **config).get_all_points()


@pytest.fixture
def shared(tmp_path):
    shared_tex.share(tmp_path / "typeset")
    yield tmp_path / "typeset"
    shared_tex.share(None)


def latex_forbidden(*args, **kwargs):
    raise AssertionError("LaTeX ran in a slot whose expression was typeset already")


def test_a_slot_draws_what_another_typeset_without_running_latex(tmp_path, shared, monkeypatch):
    first = outlines(tmp_path / "slot-0")
    assert len(list(shared.glob("*.svg"))) == 1
    monkeypatch.setattr(tex_file_writing, "compile_tex", latex_forbidden)
    second = outlines(tmp_path / "slot-1")
    assert len(second) > 0 and np.array_equal(first, second)


def test_a_damaged_shared_copy_is_typeset_again(tmp_path, shared):
    first = outlines(tmp_path / "slot-0")
    (kept,) = shared.glob("*.svg")
    kept.write_text("<svg")  # cut short
    ran = []
    original = tex_file_writing.compile_tex

    def counted(*args, **kwargs):
        ran.append(args)
        return original(*args, **kwargs)

    tex_file_writing.compile_tex = counted
    try:
        again = outlines(tmp_path / "slot-1")
    finally:
        tex_file_writing.compile_tex = original
    assert len(ran) == 1 and np.array_equal(first, again)
    assert kept.read_text().rstrip().endswith("</svg>")  # and the shared copy made whole again


def test_latex_starts_from_the_preamble_format_and_typesets_the_same(tmp_path, shared, monkeypatch):
    from scenes.manim_patches import preloaded_preamble

    commands = []
    original = tex_file_writing.subprocess.run

    def recorded(command, *args, **kwargs):
        commands.append(list(command))
        return original(command, *args, **kwargs)

    monkeypatch.setattr(tex_file_writing.subprocess, "run", recorded)
    formatted = outlines(tmp_path / "slot-0")
    (made,) = shared.glob("preamble-*.fmt")  # made once, in the folder the workers share
    assert made.read_bytes()[:2] != b"\x1f\x8b"  # kept uncompressed: LaTeX does not inflate it on every run
    latex = [c for c in commands if c[0] == "latex" and "slot-0" in c[-1]]  # not the format's own check
    assert len(latex) == 1 and latex[0][1] == f"-fmt={made.with_suffix('').as_posix()}"
    monkeypatch.setattr(preloaded_preamble, "format_for", lambda *args: None)  # Manim's own command
    shared_tex.share(None)
    plain = outlines(tmp_path / "slot-1")
    assert [c for c in commands if c[0] == "latex"][-1][1] == "-interaction=batchmode"
    assert len(plain) > 0 and np.array_equal(formatted, plain)


def test_an_unusable_shared_folder_costs_the_sharing_never_the_typesetting(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    shared_tex.share(blocked / "typeset")  # cannot be made: no format, no shared copy
    try:
        drawn = outlines(tmp_path / "slot-0")
    finally:
        shared_tex.share(None)
    assert len(drawn) > 0 and blocked.read_text() == "not a folder"


@pytest.fixture
def commands(monkeypatch) -> list[list[str]]:
    """Every command run from now on (the module the patch and Manim's converter both call)."""
    ran = []
    original = subprocess.run

    def recorded(command, *args, **kwargs):
        ran.append(list(command))
        return original(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", recorded)
    return ran


def test_a_one_part_expression_is_converted_without_ghostscript_and_draws_the_same(tmp_path, commands, monkeypatch):
    from manim.mobject.text.tex_mobject import MathTexPart

    from scenes.manim_patches import raw_group

    expression = r"\mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{\mathsf{d}_k}}\right)_{3\times 3}"  # rules, glyphs
    one_part = typeset(tmp_path / "slot-0", expression)
    converted = [c for c in commands if c[0] == "dvisvgm"]
    assert len(converted) == 1 and "--no-specials" in converted[0]
    (svg,) = (tmp_path / "slot-0" / "Tex").glob("*.svg")
    assert svg.read_text().count("<g id='unique000'>") == 1  # the group MathTex splits its parts by, written back

    monkeypatch.setattr(raw_group, "lone_group", lambda *args: None)  # Manim's own conversion, Ghostscript on
    manims = typeset(tmp_path / "slot-1", expression)
    assert "--no-specials" not in [c for c in commands if c[0] == "dvisvgm"][-1]
    assert [type(part) for part in one_part] == [type(part) for part in manims] == [MathTexPart]
    assert len(one_part.get_all_points()) > 0
    assert np.array_equal(one_part.get_all_points(), manims.get_all_points())


def test_an_expression_of_several_parts_is_converted_as_manim_converts_it(tmp_path, commands):
    from scenes.manim_patches import raw_group

    parts = typeset(tmp_path / "slot-0", "T", r"\times", "T")
    (converted,) = [c for c in commands if c[0] == "dvisvgm"]
    assert "--no-specials" not in converted  # its groups need dvisvgm's own handling
    assert len(parts) == 3 and [len(part) for part in parts] == [1, 1, 1]  # a glyph in each part's group
    assert raw_group.page_marks(b"\xf7\x02") is None  # a DVI cut short in its preamble is not read
