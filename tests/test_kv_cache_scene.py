"""The KV-cache scene draws the core's cached run: SmolLM2 writing after a short count, read off the glyphs drawn.

The scene is played once for the module (animations skipped, 854 x 480) under ``drawing.watched``, so every number
it showed, in every step, can be read after the run. What it must show is computed here apart from the scene: the
cached run from ``cached_decode`` itself, the cache's size from the GGUF file's own metadata (not the model's
config, which the scene's numbers come from). SmolLM2 is loaded once per process (``smollm2.load_model``).
"""

from __future__ import annotations

import numpy as np
import pytest
from drawing import check_run, numerals, read, seen_texts, watched  # tests/, on pytest's path
from gguf import GGUFReader

import attention
from attention.models import smollm2
from rendering.cli.main import main
from scenes.kit.theme import load_theme
from scenes.scene import Inputs
from scenes.topics.kv_cache import KVCacheScene

PROMPT, STEPS, LAYER, HEAD = "1, 2, 3,", 2, 2, 5


@pytest.fixture(scope="module")
def model() -> smollm2.DecoderModel:
    return smollm2.load_model()


@pytest.fixture(scope="module")
def scene(play_scene):
    request = attention.Request.from_sentence(PROMPT, model="smollm2", layer=LAYER, head=HEAD, steps=STEPS)
    inputs = Inputs(request=request, theme=load_theme("video"))
    return play_scene(watched(KVCacheScene), inputs, pixel_width=854, pixel_height=480)


@pytest.fixture(scope="module")
def run(model):
    return attention.cached_decode(model, PROMPT, STEPS, LAYER, HEAD)


def texts(values) -> list[str]:
    return [attention.display_text(v) for v in values]


def test_each_steps_weights_and_work_are_the_cached_runs(scene, run):
    drawn = seen_texts(scene)
    assert run.picked == ("\u2423", "4"), run.picked  # a count: the model goes on with it (a space, then 4)
    for step in run.last(STEPS):
        n, width = step.position + 1, step.keys.shape[1]
        check_run(drawn, texts(step.weights), f"the weights of position {n}")
        check_run(drawn, texts(step.query[:2]), f"the first entries of q at position {n}")  # folded: 2 … 1
        assert f"2 × {n} × {width} = {2 * n * width}" in drawn
        assert f"2 × {n} × {n} × {width} = {2 * n * n * width}" in drawn
        assert abs(step.weights.sum() - 1) < 1e-12


def test_the_last_steps_grids_are_its_cache_and_rows(scene, run):
    last = run.last(1)[0]
    keys, values = scene.grids["K"], scene.grids["V"]
    np.testing.assert_array_equal(keys.source, last.keys)
    np.testing.assert_array_equal(values.source, last.values)
    np.testing.assert_array_equal(scene.grids["q"].source[0], last.query)
    for name, drawn in (("a", last.weights), ("K", last.keys[:, [0, 1, -1]]), ("V", last.values[:, [0, 1, -1]])):
        grid = scene.grids[name]  # a column beside the cache's rows, digits readable at 480p; K and V folded
        assert [read(n, scene.theme.serif) for n in numerals(grid.numbers)] == texts(drawn.ravel()), name


def test_the_cache_size_shown_is_the_gguf_metadatas(scene, model):
    fields = GGUFReader(model.path).fields

    def number(key: str) -> int:
        return int(fields[f"llama.{key}"].contents())

    layers, kv_heads, heads = number("block_count"), number("attention.head_count_kv"), number("attention.head_count")
    d_head = number("embedding_length") // heads
    drawn = seen_texts(scene, outside_grids=True)
    grouped = 2 * layers * kv_heads * d_head * 2  # 2 bytes a value: 16 bits
    assert f"2 × {layers} × {kv_heads} × {d_head} × 2 = {grouped}" in drawn, drawn
    assert f"2 × {layers} × {heads} × {d_head} × 2 = {2 * layers * heads * d_head * 2}" in drawn, drawn
    assert any("16 bits" in caption for caption in (f.caption for f in scene.figures))


REFUSED = [
    (["KVCacheScene", "--model", "minilm"], "is an encoder, it does not decode"),
    (["figures", "kv_cache", "--steps", "0"], "--steps must be 1 to 8, got 0"),
    (["KVCacheScene", "--steps", "9"], "--steps must be 1 to 8, got 9"),
    (["KVCacheScene", "--config", "steps = 9"], "steps must be 1 to 8, got 9"),  # a TOML file saying it
    (["KVCacheScene", "--sentence", "a b", "--steps", "3"], "replays the sentence's 2 tokens, so at most 2 steps"),
    (["KVCacheScene", "--model", "smollm2", "--sentence", "1, 2, 3, 4, 5, ", "--steps", "3"], "cache of 17 rows"),
]


@pytest.mark.parametrize(("argv", "message"), REFUSED, ids=[m for _, m in REFUSED])
def test_what_it_cannot_draw_is_one_line_and_exit_2(tmp_path, capsys, argv, message):
    out, config = tmp_path / "out", tmp_path / "kv.toml"
    if "--config" in argv:  # the text after it is the file's
        config.write_text(argv[-1] + "\n")
        argv = [*argv[:-1], str(config)]
    assert main([*argv, "--dry-run", "--out", str(out)]) == 2  # a dry run: nothing filmed if it were admitted
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not out.exists()


def test_steps_out_of_range_from_python():
    for steps in (0, 9):
        with pytest.raises(ValueError, match=f"steps must be 1 to 8 \\(new tokens a step each\\), got {steps}"):
            attention.Request.from_sentence(steps=steps)
