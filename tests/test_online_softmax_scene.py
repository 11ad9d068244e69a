"""The online-softmax scene draws the core's numbers: every block's m, e^(m_old - m_new), l and o, the worked
update, the final row equal to the ordinary softmax row and output row, and the bytes of ``tiling_bytes``; and a
row or block outside the tokens is refused in one line (exit 2, nothing written) wherever it is given.

Every drawn number is read off its glyphs after the scene played (tests/drawing.py); the expected ones are
computed here from the trace with the core's functions, not taken from the scene.
"""

from __future__ import annotations

import drawing
import numpy as np
import pytest

import attention
from attention.online_softmax import online_row, tiling_bytes
from rendering.cli.admission import admit
from rendering.cli.main import main
from rendering.cli.options import admitted
from rendering.errors import UserError
from scenes.kit.text.notation import factor_text
from scenes.kit.theme import load_theme
from scenes.scene import Inputs
from scenes.topics.online_softmax import OnlineSoftmaxScene

TINY = {"pixel_width": 320, "pixel_height": 180}
CASES = {
    "video": {},  # the core's row and block
    "causal": {"mask": "causal", "row": 5, "block": 2, "seed": 3},  # masked keys, blocks of -inf at the end
}


def texts(values) -> list[str]:
    return [attention.display_text(v, 2) for v in values]


@pytest.fixture(scope="module")
def built(play_scene):
    cache: dict = {}

    def get(case: str):
        if case not in cache:
            request = attention.Request.from_sentence(**CASES[case])
            inputs = Inputs(request=request, theme=load_theme("video"), numbers="on")
            cache[case] = play_scene(drawing.watched(OnlineSoftmaxScene), inputs, **TINY)
        return cache[case]

    return get


def expected_run(scene):
    """The row and block asked for (the core's choice by default), run by the core from the trace."""
    request = scene.request
    row, block = request.online_pick()
    if request.row is not None:
        assert (row, block) == (request.row - 1, request.block)
    return row, online_row(request.trace(), row, block)


@pytest.mark.parametrize("case", list(CASES))
def test_every_block_state_drawn_is_the_cores(built, case):
    scene = built(case)
    _, run = expected_run(scene)
    drawn = drawing.seen_texts(scene)
    assert len(run.states) >= 2
    for n, state in enumerate(run.states):
        # m, the factor and l revealed together, then the running output o
        expected = texts([state.maximum, state.rescale, state.total]) + texts(state.output)
        drawing.check_run(drawn, expected, f"block {n + 1}'s state")


@pytest.mark.parametrize("case", list(CASES))
def test_the_worked_factor_is_the_first_growth(built, case):
    scene = built(case)
    _, run = expected_run(scene)
    grown = [n for n, s in enumerate(run.states) if 0 < s.rescale < 1]
    n = grown[0] if grown else 1
    old, new = run.states[n - 1], run.states[n]
    if grown:  # the factor is e^(m_old - m_new), worked from the two maxima
        assert np.isclose(new.rescale, np.exp(old.maximum - new.maximum), rtol=1e-15)
    show = lambda v: attention.display_text(v, 2)  # noqa: E731
    drawn = drawing.seen_texts(scene, outside_grids=True)
    drawing.check_run(
        drawn,
        [
            f"{show(old.maximum)} \u2212 {factor_text(new.maximum, 2)}",
            show(new.rescale),
            f"{show(old.total)} \u00b7 {show(new.rescale)} + {show(float(np.sum(new.exps)))} = {show(new.total)}",
        ],
        "the worked update",
    )


@pytest.mark.parametrize("case", list(CASES))
def test_the_last_state_is_the_ordinary_softmax_row_and_output(built, case):
    scene = built(case)
    row, run = expected_run(scene)
    trace = scene.request.trace()
    ordinary, output = texts(trace.weights[row]), texts(trace.output[row])
    assert texts(run.weights) == ordinary and texts(run.output) == output
    drawn = drawing.seen_texts(scene)
    drawing.check_run(drawn, ordinary + ordinary, "the online weights over the softmax row")
    drawing.check_run(drawn, output + output, "o / l over the output row")
    end = [drawing.read(n, scene.theme.serif) for g in scene.grids.values() for n in g.numbers]
    assert end == ordinary + ordinary + output + output, "the scene ends on the four rows"


def test_the_bytes_shown_are_tiling_bytes(built):
    scene = built("video")
    tiling = tiling_bytes(4096, 128, scene.request.trace().d_v, np.float16)
    grouped = [f"{n:,}".replace(",", "\u2009") for n in (tiling.matrix, tiling.tiles)]
    assert grouped[0] == "33\u2009554\u2009432"  # 4096 x 4096 values of 2 bytes
    drawn = drawing.seen_texts(scene, outside_grids=True)
    drawing.check_run(drawn, ["4096", "128", str(tiling.d_head)], "the case's sizes")
    drawing.check_run(drawn, grouped, "the matrix's and the tiles' bytes")


def test_the_check_sees_another_row(built):
    """The state check can fail: the states of another row are not drawn."""
    scene = built("video")
    row, run = expected_run(scene)
    other = online_row(scene.request.trace(), (row + 1) % run.T, run.block)
    drawn = drawing.seen_texts(scene)
    with pytest.raises(AssertionError, match="is not drawn"):
        for state in other.states:
            drawing.check_run(drawn, texts([state.maximum, state.rescale, state.total]), "another row")


# ----- refusals: one line, exit 2, nothing written ---------------------------------------------------------------
@pytest.mark.parametrize(
    "argv, words",
    [
        (["--row", "12"], "row must be 1 to 11"),
        (["--block", "12"], "block must be 1 to 11"),
        (["--row", "0"], "--row must be 1 to 16, got 0"),
        (["--block", "17"], "--block must be 1 to 16, got 17"),
    ],
    ids=["row-past-T", "block-past-T", "row-0", "block-past-16"],
)
def test_out_of_range_is_one_line_exit_2(capsys, tmp_path, argv, words):
    out = tmp_path / "out"
    code = main(["figures", "online_softmax", *argv, "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and words in err[0] and "Traceback" not in err[0], (code, err)
    assert not out.exists()


def test_a_config_file_and_python_are_refused_alike(capsys, tmp_path):
    config, out = tmp_path / "options.toml", tmp_path / "out"
    config.write_text("row = 14\n", encoding="utf-8")
    code = main(["figures", "online_softmax", "--config", str(config), "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "row must be 1 to 11" in err[0] and not out.exists(), err
    with pytest.raises(UserError, match="block must be 1 to 11"):
        admit("figures", admitted("figures", {"scenes": ["online_softmax"], "block": 13}))
    with pytest.raises(ValueError, match="row must be 1 to 3"):
        OnlineSoftmaxScene.drawing(Inputs(attention.Request.from_sentence("a b c", row=4)))
    with pytest.raises(ValueError, match="block must be at least 1"):
        attention.Request.from_sentence("a b c", block=0)


# ----- the core's choice when nobody chose -------------------------------------------------------------------------
def test_the_default_row_grows_mid_way_and_the_asked_one_is_kept():
    request = attention.Request.from_sentence()  # the video's 11 tokens: blocks of 4, 4 and 3
    row, block = request.online_pick()
    run = request.online()
    assert block == 4 and [(s.start, s.stop) for s in run.states] == [(0, 4), (4, 8), (8, 11)]
    assert 0 < run.states[1].rescale < 1, "the default row's maximum grows in the middle block"
    np.testing.assert_array_equal(run.scores, request.trace().masked[row])
    asked = attention.Request.from_sentence(row=2, block=5)
    assert asked.online_pick() == (1, 5) and asked != request  # a row and a block are part of what is drawn
