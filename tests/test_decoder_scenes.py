"""A real decoder on screen (SmolLM2-135M-Instruct, Q4_1): its causal mask lit and drawn, its rotated queries and
keys and shared key/value heads said, its layer's 9 heads, and its own masks in the masking scene."""

from __future__ import annotations

import numpy as np
import pytest

import attention
from rendering.cli.main import main
from scenes.kit.theme import load_theme
from scenes.scene import Inputs
from scenes.topics.masking import MaskingScene
from scenes.topics.model_heads import LayerHeads
from scenes.video.step_softmax import Step3Softmax
from scenes.video.tokens import TokensToQKV

SENTENCE = "The quick brown fox jumps over the lazy dog"


def smollm2(layer: int = 2, head: int = 4) -> attention.Request:
    return attention.Request.from_sentence(SENTENCE, model="smollm2", layer=layer, head=head)


@pytest.fixture(scope="module")
def built(play_scene):
    cache = {}

    def get(scene_class, request=None):
        request = request or smollm2()
        if (scene_class, request) not in cache:
            inputs = Inputs(request=request, theme=load_theme("video"), numbers="auto")
            cache[(scene_class, request)] = play_scene(scene_class, inputs, pixel_width=854, pixel_height=480)
        return cache[(scene_class, request)]

    return get


def said(scene) -> list[str]:
    return [subtitle.content for subtitle in scene.renderer.file_writer.subcaptions]


def test_the_tokens_scene_says_q_and_k_are_rotated_and_which_kv_head_is_read(built):
    scene = built(TokensToQKV)
    lines = said(scene)
    assert any("X times W q, each row then rotated by its position, gives Q" in line for line in lines), lines
    assert any("X times W v gives V." in line for line in lines), lines
    assert any("Head 4 reads key/value head 2" in line and "shared by 3 query heads" in line for line in lines)
    assert "rotated by position" in scene.figures[0].caption and "4-bit Q4_1" in scene.figures[0].caption


def test_the_mask_box_is_lit_and_the_softmax_step_shows_minus_infinity_above_the_diagonal(built):
    scene = built(Step3Softmax)
    assert "mask" in scene.panel.diagram.blocks, "the diagram's Mask (Opt.) box"
    trace = scene.trace
    scores = scene.grids["scaled"]
    upper = np.triu(np.ones((trace.T, trace.T), dtype=bool), k=1)
    assert np.all(np.isneginf(np.asarray(scores.values)[upper])), "every key after the query is masked"
    np.testing.assert_array_equal(trace.weights[upper], 0.0)
    np.testing.assert_allclose(trace.weights.sum(axis=1), 1.0, atol=1e-12)


def test_the_layers_nine_heads(built):
    scene = built(LayerHeads, smollm2(2, 3))
    assert "its 9 heads" in " ".join(said(scene)) or "9 heads" in scene.figures[0].caption
    assert [f.name for f in scene.figures] == ["heads-layer", "heads-head"]


def test_the_masking_scene_draws_the_decoders_own_masks(built):
    request = smollm2()
    scene = built(MaskingScene, request)
    assert scene.log.played == ["causal_mask", "causal_output", "padding_mask"]
    whole, alone = request.causal(), request.prefix(4)
    assert whole is request.trace()
    np.testing.assert_array_equal(alone.output, whole.output[:4])  # causal: a later token never reaches an earlier
    padded, batch = request.padded(), request.padded_batch()
    causal = np.tril(np.ones((batch.length, batch.length), dtype=bool))
    np.testing.assert_array_equal(padded.mask, causal & batch.key_mask[1][None, :])
    assert "as do later tokens (causal)" in scene.figures[-1].caption


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--model", "smollm2", "--layer", "31"], "layer must be 1 to 30"),
        (["--model", "smollm2", "--head", "10"], "head must be 1 to 9"),
        (["--model", "smollm2", "--mask", "causal"], "a causal mask of their own"),
        (["MaskingScene", "--model", "minilm"], "is an encoder"),
    ],
)
def test_bad_decoder_options_exit_2_with_one_line(tmp_path, capsys, argv, message):
    assert main([*argv, "--out", str(tmp_path / "out"), "--dry-run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0], err
    assert not (tmp_path / "out").exists()
