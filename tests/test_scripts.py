"""Tokens in every script are drawn, or refused before any work in one line naming the character.

Right-to-left tokens (Arabic, Hebrew) have their glyphs, right to left; emoji are outlines, not Pango's
hex boxes; clusters are never cut; control characters are refused by the core and the command line; an
``_`` keeps its place under the line. The glyph checks typeset through the grids' own token labels.
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import tempconfig

import attention
from rendering.cli.main import main
from scenes.kit.matrix_grid import MatrixGrid
from scenes.kit.text.baseline import token_word
from scenes.kit.text.coverage import check_glyphs
from scenes.kit.text.graphemes import clusters
from scenes.kit.text.labels import ELLIPSIS, short_label
from scenes.kit.theme import load_theme
from tests.conftest import manim_test_config

HEBREW = ("החתול", "ישב", "על", "השטיח")
ARABIC = ("القطة", "جلست", "على", "الحصيرة")
ALEF, TEH_MARBUTA = "\u0627", "\u0629"
EMOJI = ("🐈", "👍🏽", "🇫🇷", "👨\u200d👩\u200d👧")
TOFU = "\U0010fffd"  # a private-use character no font has: Pango draws its hex box
CONTROLS = ("\n", "\r", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u202e")


@pytest.fixture(scope="module")
def typeset(manim_dirs):
    """``typeset(token)``: the token as a grid's row label draws it (a Text, or glyphs and a strut)."""
    theme = load_theme()
    with tempconfig(manim_test_config(manim_dirs)):
        yield lambda token: token_word(theme, token, theme.size.token)


@pytest.fixture(scope="module")
def row_labels(manim_dirs):
    """``row_labels(tokens)``: the row labels of a grid of those tokens."""
    theme = load_theme()
    with tempconfig(manim_test_config(manim_dirs)):
        yield lambda tokens: MatrixGrid(np.zeros((len(tokens), 2)), "X", theme, row_labels=tokens).row_labels


def glyphs(mobject) -> list:
    """The drawn outlines of a label, left to right (an invisible strut has no fill)."""
    drawn = [m for m in mobject.family_members_with_points() if m.get_fill_opacity() > 0]
    return sorted(drawn, key=lambda m: m.get_center()[0])


def outline(glyph) -> np.ndarray:
    return glyph.points - glyph.get_center()


def same_outline(a, b) -> bool:
    return a.points.shape == b.points.shape and np.allclose(outline(a), outline(b), atol=1e-6)


def drawn_code_points(token: str) -> int:
    """Characters that need a glyph of their own (joiners and variation selectors draw nothing)."""
    return sum(1 for ch in token if ch not in "\u200d\ufe0f")


# ----- right to left --------------------------------------------------------------------------------------
@pytest.mark.parametrize("tokens", [HEBREW, ARABIC], ids=["hebrew", "arabic"])
def test_right_to_left_labels_have_their_glyphs(row_labels, tokens):
    for token, label in zip(tokens, row_labels(tokens), strict=True):
        assert label.width > 0.1, f"{token!r} drawn {label.width} wide"
        assert len(glyphs(label)) >= len(clusters(token)), f"{token!r}: {len(glyphs(label))} glyphs"


def test_hebrew_runs_right_to_left(typeset):
    word = glyphs(typeset("החתול"))
    first, last = glyphs(typeset("ה"))[0], glyphs(typeset("ל"))[0]
    assert same_outline(word[-1], first), "the first letter is not the rightmost glyph"
    assert same_outline(word[0], last), "the last letter is not the leftmost glyph"


def test_arabic_runs_right_to_left_and_is_shaped(typeset):
    word = glyphs(typeset("القطة"))
    assert same_outline(word[-1], glyphs(typeset(ALEF))[0]), "the opening alef is not the rightmost glyph"
    # the closing teh marbuta joins the letter before it: its final form, not the letter drawn alone
    assert not same_outline(word[0], glyphs(typeset(TEH_MARBUTA))[0]), "the letters are not joined"


# ----- emoji ------------------------------------------------------------------------------------------------
def test_a_missing_glyph_is_a_hex_box_here(typeset):
    """The failure the emoji test guards against is visible: Pango's box for U+10FFFD is a box and 6 digits."""
    assert len(glyphs(typeset(TOFU))) > drawn_code_points(TOFU)


@pytest.mark.parametrize("token", EMOJI, ids=["cat", "thumb-skin-tone", "flag", "family"])
def test_emoji_are_outlines_not_hex_boxes(row_labels, token):
    (label,) = row_labels((token,))
    assert label.width > 0.1
    # a hex box is a frame and four to six digits per character: one glyph per character is an outline
    assert len(glyphs(label)) == drawn_code_points(token), f"{token!r}: {len(glyphs(label))} glyphs"


def test_every_figure_token_can_be_drawn():
    check_glyphs((*HEBREW, *ARABIC, *EMOJI, "ok", "_", "e\u0301"))


# ----- clusters kept whole --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cluster", [*EMOJI, "e\u0301", "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"]
)
def test_a_long_token_is_cut_between_clusters(cluster):
    assert clusters(cluster) == [cluster]
    label = short_label(cluster * 20)
    assert label.endswith(ELLIPSIS)
    assert label[: -len(ELLIPSIS)] == cluster * (len(clusters(label)) - 1)


# ----- an underscore reads as one ---------------------------------------------------------------------------
def test_an_underscore_sits_as_in_a_word(row_labels):
    alone, word = row_labels(("_", "A_B"))
    row_gap = alone.get_center()[1] - word.get_center()[1]  # the rows' centres are this far apart
    lows = [min(glyphs(label), key=lambda g: g.get_top()[1]) for label in (alone, word)]  # the underscores
    assert abs(lows[0].get_top()[1] - lows[1].get_top()[1] - row_gap) < 0.01, "the lone _ is not on the baseline"
    assert lows[0].get_top()[1] < alone.get_center()[1] - 0.02, "the lone _ is centred, it reads as a dash"


# ----- control characters refused in one line -----------------------------------------------------------------
@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_the_core_refuses_a_control_character(char):
    with pytest.raises(ValueError) as caught:
        attention.Request(tokens=(f"a{char}b", "c"))
    message = str(caught.value)
    assert "\n" not in message and f"U+{ord(char):04X}" in message and "tokens[0]" in message, message


def test_a_sentence_still_splits_on_its_white_space():
    assert attention.Request.from_sentence("the\tcat\nsat\r\non").tokens == ("the", "cat", "sat", "on")


def refused(capsys, argv: list[str], out) -> str:
    code = main([*argv, "--out", str(out), "--dry-run"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "Traceback" not in err[0], err
    assert not out.exists()
    return err[0]


def test_the_command_line_refuses_a_control_character(capsys, tmp_path):
    line = refused(capsys, ["figures", "tokens", "--tokens", "a\nb", "c"], tmp_path / "out")
    assert "U+000A" in line


def test_a_nul_from_a_file_is_one_line_naming_it(capsys, tmp_path):
    config = tmp_path / "options.toml"
    config.write_text('tokens = ["a\\u0000b", "c"]\n', encoding="utf-8")
    line = refused(capsys, ["figures", "tokens", "--config", str(config)], tmp_path / "out")
    assert "U+0000" in line, line


def test_a_character_no_font_draws_is_refused_before_any_work(capsys, tmp_path):
    line = refused(capsys, ["figures", "tokens", "--tokens", "ok", f"x{TOFU}"], tmp_path / "out")
    assert "U+10FFFD" in line and "tokens[1]" in line, line
