"""A pretrained model on screen: the Request's model source, folded grids and sums, the layer's heads scene,
and `render.py --model` end to end (its errors, its figures, its manifest).

The model is loaded once per process (``attention.load_model`` and the request's encodings are cached); the
scenes are built with their animations skipped, and one `render.py figures` run at a small width is shared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import drawing
import numpy as np
import pytest

import attention
from attention.models import files as model_files
from rendering.cache import keys
from rendering.cli.main import main
from rendering.manifest import inputs_record
from rendering.spec import Look, StillJob
from scenes.catalog import SCENES, VIDEO_PARTS
from scenes.kit.lens import ValueStrip
from scenes.kit.matrix_grid import MatrixGrid
from scenes.kit.text.notation import factor_text
from scenes.kit.theme import load_theme
from scenes.scene import Inputs, SourceError
from scenes.topics.model_heads import LayerHeads
from scenes.video.step_matmul import Step1MatMul
from scenes.video.tokens import TokensToQKV

ROOT = Path(__file__).resolve().parent.parent
JANE = attention.VIDEO_SENTENCE
PIECES = "Transformers revolutionized natural language processing"  # "revolution ##ized"
WIDTH = 320  # pixels: the figures' drawing is looked at by people, here their names, captions and records


def minilm(sentence: str = JANE, layer: int = 1, head: int = 3) -> attention.Request:
    return attention.Request.from_sentence(sentence, model="minilm", layer=layer, head=head)


@pytest.fixture(scope="module")
def model() -> attention.PretrainedModel:
    return attention.load_model()


# ----- the request -------------------------------------------------------------------------------------------
def test_tokens_are_the_models_wordpieces(model):
    request = minilm(PIECES)
    pieces = request.drawn_tokens
    assert pieces == model.run(PIECES).tokens[0]
    assert pieces[0] == "[CLS]" and pieces[-1] == "[SEP]" and "##ized" in pieces
    assert request.sentence == PIECES and request.model == "minilm" and (request.layer, request.head) == (1, 3)
    assert (request.d, request.width, request.heads) == (384, 32, 12)
    # the tokens given one by one are read as the sentence they spell
    assert attention.Request(tokens=tuple(PIECES.split()), model="minilm").drawn_tokens == request.drawn_tokens


def test_building_a_model_request_does_no_model_work(monkeypatch):
    from attention.models import pretrained

    def refuse(*args):
        raise AssertionError("a Request's construction tokenized or ran the model")

    monkeypatch.setattr(pretrained, "loaded", refuse)  # every model's tokenizer and forward pass go through it
    request = attention.Request.from_sentence("a sentence nobody tokenized yet", model="minilm", layer=2, head=4)
    assert (request.model, request.layer, request.head, request.d) == ("minilm", 2, 4, 384)


@pytest.mark.parametrize(("layer", "head"), [(1, 3), (2, 9), (6, 12)])
def test_trace_is_the_models_head(model, layer, head):
    expected = model.run(JANE).trace(layer, head)
    trace = minilm(JANE, layer, head).trace()
    assert trace.digest() == expected.digest()
    np.testing.assert_array_equal(trace.weights, expected.weights)
    assert trace.b_q is not None and trace.W_q.shape == (384, 32)


def test_layer_traces_are_every_head_of_the_layer(model):
    request = minilm(JANE, 2, 9)
    traces = request.layer_traces()
    assert len(traces) == 12 and traces[8].digest() == request.trace().digest()
    encoding = model.run(JANE)
    for h, trace in enumerate(traces):
        np.testing.assert_array_equal(trace.weights, encoding.attention[0, 1, h])


def test_defaults_and_description():
    request = attention.Request.from_sentence(JANE, model="all-MiniLM-L6-v2")
    assert (request.source.key, request.layer, request.head) == ("minilm", 1, 1)
    # the fields stay as given, what depends on the source is asked of it
    assert (request.model, request.given("d"), request.given("layer"), request.d) == ("all-MiniLM-L6-v2", 5, None, 384)
    assert minilm(JANE, 2, 9).describe() == "'Jane is going \u2026', all-MiniLM-L6-v2, layer 2, head 9"
    assert attention.Request.from_sentence(JANE).describe() == "'Jane is going \u2026', d = 5, seed 0"
    # the toy's sizes and seed play no part: equal requests, one cache entry
    assert attention.Request.from_sentence(JANE, model="minilm", d=4, seed=3) == request


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"model": "gpt2"}, "unknown model 'gpt2'; known models: minilm"),
        ({"model": "minilm", "layer": 7}, "layer must be 1 to 6"),
        ({"model": "minilm", "layer": 0}, "layer must be 1 to 6"),
        ({"model": "minilm", "head": 13}, "head must be 1 to 12"),
        ({"layer": 2}, "name the model too"),
        ({"head": 2}, "name the model too"),
        ({"model": "minilm", "mask": "causal"}, "have no mask"),
    ],
)
def test_bad_model_source_is_one_line(arguments, message):
    with pytest.raises(ValueError, match=message) as info:
        attention.Request.from_sentence(JANE, **arguments)
    assert "\n" not in str(info.value)


def test_toy_only_traces_refuse_a_model():
    request = minilm()
    for method in (request.causal, request.multi_head, request.cross, request.embedding, request.scaling_study):
        with pytest.raises(ValueError, match="toy model's seeded weights"):
            method()
    with pytest.raises(ValueError, match="pretrained model"):
        attention.Request.from_sentence(JANE).layer_traces()


def test_keys_and_manifest_inputs_tell_heads_apart():
    look, job = Look(), StillJob("Step1MatMul", WIDTH, ("png",))
    requests = [minilm(JANE, 1, 3), minilm(JANE, 1, 4), minilm(JANE, 2, 3), attention.Request.from_sentence(JANE)]
    assert len({keys.stills_key(Step1MatMul, job, request, look) for request in requests}) == len(requests)
    assert len({request.trace().digest() for request in requests}) == len(requests)
    record = inputs_record(requests[2], look)
    assert (record["model"], record["layer"], record["head"]) == ("all-MiniLM-L6-v2", 2, 3)
    assert record["tokens"] == list(requests[2].drawn_tokens)
    toy = inputs_record(requests[3], look)
    assert (toy["model"], toy["layer"], toy["head"]) == (None, None, None)
    asked = inputs_record(attention.Request.from_sentence(JANE, row=2, block=3, steps=5), look)
    assert (asked["row"], asked["block"], asked["steps"], toy["row"], toy["steps"]) == (2, 3, 5, None, 3)


# ----- folded grids and sums ---------------------------------------------------------------------------------
def tex_of(mobject) -> str:
    return "".join(part.tex_string for part in mobject.get_family() if hasattr(part, "tex_string"))


def test_a_wide_grid_is_folded_with_its_true_shape(manim_dirs):
    theme, trace = load_theme("video"), minilm().trace()
    x = MatrixGrid(trace.X, "X", theme, cell_size=0.3, label="X", numbers="on")
    assert x.shape == (13, 384) and (x.n_rows, x.n_cols) == (13, 7)
    assert x.col_index == (0, 1, 2, 3, None, 382, 383) and x.row_index == tuple(range(13))
    assert r"13\times 384" in tex_of(x.label)
    assert x.ellipsis_texts() == ["\u22ef"] * 13
    # the first and the right edge's values, read off their glyphs; the ellipsis column draws none
    drawing.check_grid_digits(x, attention.fold(trace.X, x.fold_above)[0], x.decimals, theme.serif, "X")
    assert x.peak == pytest.approx(np.abs(trace.X).max())  # shaded on the whole matrix's scale
    w = MatrixGrid(trace.W_q, "W", theme, cell_size=0.3, label="W", numbers="on")
    assert (w.n_rows, w.n_cols) == (7, 7) and r"384\times 32" in tex_of(w.label)
    assert sorted(set(w.ellipsis_texts())) == ["\u22ee", "\u22ef", "\u22f1"]
    assert drawing.reads(w.number(6, 6), attention.display_text(trace.W_q[-1, -1]), theme.serif)
    a = MatrixGrid(trace.weights, "S", theme, label="A")
    assert a.shape == (a.n_rows, a.n_cols) == (13, 13) and not a.ellipses  # A is drawn whole


def test_a_long_vector_is_one_folded_strip(manim_dirs):
    values = minilm().trace().X[0]
    strip = ValueStrip(load_theme("video"), values, "X", r"\mathbf{x}_1 =", max_width=13)
    assert len(strip.grids) == 1
    texts = [drawing.read(n, load_theme("video").serif) for n in strip.grids[0].numbers]
    assert texts == [attention.display_text(v) for v in values[:4]] + [None] + [
        attention.display_text(v) for v in values[-2:]
    ]
    assert strip.grids[0].ellipsis_texts() == ["\u22ef"]


@pytest.fixture(scope="module")
def built_model(play_scene):
    cache = {}

    def get(scene_class, request=None):
        request = request or minilm()
        key = (scene_class, request)
        if key not in cache:
            inputs = Inputs(request=request, theme=load_theme("video"), numbers="auto")
            cache[key] = play_scene(drawing.watched(scene_class), inputs, pixel_width=854, pixel_height=480)
        return cache[key]

    return get


def test_the_dot_product_of_32_terms_is_abbreviated(built_model):
    scene = built_model(Step1MatMul)
    trace = scene.trace
    i, j = attention.focus(trace)
    products = [factor_text(p, 2) for p in (trace.Q[i] * trace.K[j])[[0, 1, 2, 30, 31]]]
    total = f"= {attention.display_text(trace.scores[i, j])}"
    # the first three and last two products drawn one after the other (an ellipsis, typeset, between them)
    drawing.check_run(drawing.seen_texts(scene, outside_grids=True), [*products, total], "the worked sum")
    assert any(r"\cdots" in getattr(m, "tex_string", "") for m in scene.seen.values())
    assert scene.grids["K^T"].shape == (32, 13) and scene.grids["Q"].n_cols == 7


def test_the_projections_show_every_matrix_with_its_true_shape(built_model):
    scene = built_model(TokensToQKV)
    sizes = {name: grid.label.sizes.tex_string for name, grid in scene.grids.items()}
    assert sizes["X"] == r"(13\times 384)" and sizes["W^q"] == r"(384\times 32)" and sizes["V"] == r"(13\times 32)"
    assert "plus their biases" in scene.figures[0].caption


def test_the_layers_heads(built_model):
    scene = built_model(LayerHeads, minilm(JANE, 1, 3))
    assert scene.log.played == ["layer", "head"]
    assert [f.name for f in scene.figures] == ["heads-layer", "heads-head"]
    assert "all 12 heads of layer 1" in scene.figures[0].caption and "head 3 framed" in scene.figures[0].caption
    assert scene.figures[1].caption.startswith("Head 3 of layer 1 of all-MiniLM-L6-v2")
    grid = scene.grids["A"]  # the chosen head alone, with its tokens along both sides
    np.testing.assert_array_equal(grid.source, scene.trace.weights)
    assert [word.text for word in grid.row_labels] == list(scene.trace.tokens)
    assert len(grid.col_labels) == scene.trace.T


def test_layer_1_head_3_looks_at_the_previous_token():
    """What the heads figure shows framed: each token's weight sits on the token before it."""
    weights = minilm(JANE, 1, 3).trace().weights
    assert np.all(np.argmax(weights[1:], axis=1) == np.arange(len(weights) - 1))


def test_sources_are_refused_with_one_line():
    with pytest.raises(SourceError, match="add --model minilm"):
        LayerHeads.check_inputs(Inputs(request=attention.Request.from_sentence(JANE), theme=load_theme("video")))
    masking = next(scene for scene in SCENES if scene.part.name == "masking")
    with pytest.raises(SourceError, match="is an encoder, its heads look both ways"):
        masking.check_inputs(Inputs(request=minilm(), theme=load_theme("video")))
    for part_scene in VIDEO_PARTS:
        part_scene.check_inputs(Inputs(request=minilm(), theme=load_theme("video")))


# ----- a new model family through the interface alone ----------------------------------------------------------
class StandInRun:
    """What the stand-in's forward pass computed for one text: the toy model's two heads (d = 4) over its words."""

    def __init__(self, words: tuple[str, ...]):
        self.heads = attention.example(tokens=words, d=4, heads=2).heads

    def trace(self, layer: int, head: int) -> attention.Trace:
        return self.heads[head - 1]


class StandInEncoder:
    """A stand-in model family with the encoder's model API (``tokens``, ``max_tokens``, ``run``), on the toy
    model's seeded weights: one layer of two heads, its tokens the sentence's words."""

    name, layers, heads, d_model, max_tokens = "stand-in", 1, 2, 4, 16

    def tokens(self, text: str) -> tuple[str, ...]:
        return tuple(text.split())

    def run(self, text: str) -> StandInRun:
        return StandInRun(self.tokens(text))


@pytest.fixture
def stand_in(monkeypatch) -> attention.Request:
    """A request of the stand-in family, registered by one table entry and nothing else."""
    from attention.models import table

    card = table.ModelCard("standin", "stand-in", layers=1, heads=2, d_model=4, load=StandInEncoder)
    monkeypatch.setitem(table.MODELS, "standin", card)
    return attention.Request.from_sentence("the cat sat on the mat", model="standin", head=2)


def test_a_stand_in_family_plugs_in_through_the_table(stand_in):
    expected = attention.example(tokens=stand_in.tokens, d=4, heads=2).heads
    assert stand_in.drawn_tokens == stand_in.tokens and (stand_in.d, stand_in.width, stand_in.heads) == (4, 2, 2)
    assert stand_in.trace().digest() == expected[1].digest()
    assert [t.digest() for t in stand_in.layer_traces()] == [t.digest() for t in expected]
    assert stand_in.describe() == "'the cat sat \u2026', stand-in, layer 1, head 2"
    assert stand_in == attention.Request(tokens=stand_in.tokens, model="stand-in", head=2, seed=7)
    theme = load_theme("video")
    for scene in (*VIDEO_PARTS, LayerHeads):  # what any source draws, and a pretrained layer's heads
        scene.check_inputs(Inputs(request=stand_in, theme=theme))


def test_a_part_needing_causal_refuses_a_non_causal_source_in_one_line(stand_in, capsys, tmp_path):
    masking = next(scene for scene in SCENES if scene.part.name == "masking")
    with pytest.raises(SourceError) as info:
        masking.check_inputs(Inputs(request=stand_in, theme=load_theme("video")))
    assert str(info.value) == (
        "MaskingScene (masking) shows masks: the toy model's or a decoder's own (--model smollm2); "
        "stand-in is an encoder, its heads look both ways"
    )
    with pytest.raises(ValueError, match="a causal mask is built on the toy model's seeded weights, not on stand-in"):
        stand_in.causal()
    out = tmp_path / "out"
    assert main(["figures", "masking", "--model", "standin", "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and str(info.value) in lines[0], lines  # the same line from the command line
    assert not out.exists()


# ----- the command line ------------------------------------------------------------------------------------
SEVENTEEN = "Unbelievably, the transformer architecture revolutionized computational linguistics overnight"
BAD = [
    (["--model", "minilm", "--layer", "7"], "layer must be 1 to 6"),
    (["figures", "--model", "minilm", "--head", "0"], "head must be 1 to 12"),
    (["--model", "nosuch"], "unknown model 'nosuch'"),
    (["figures", "--model", "minilm", "--sentence", SEVENTEEN], "17 tokens cannot be drawn"),
    (["--model", "minilm", "--sentence", SEVENTEEN], "17 WordPiece tokens"),
    (["figures", "masking", "--model", "minilm"], "is an encoder"),
    (["MultiHeadScene", "--model", "minilm"], "toy model's own seeded weights"),
    (["deck", "WhyScale", "--model", "minilm"], "toy model's own seeded weights"),
    (["figures", "heads"], "add --model minilm"),
    (["--layer", "2"], "name the model too"),
]


@pytest.mark.parametrize(("argv", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_model_options_exit_2_with_one_line(tmp_path, capsys, argv, message):
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not out.exists()


def test_a_missing_model_names_the_install_command(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(model_files, "DISTRIBUTION", "gt-no-such-model")
    out = tmp_path / "out"
    # a sentence no other test encodes: the encodings are cached per process
    assert main(["--model", "minilm", "--sentence", "a model that is not there", "--out", str(out)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "bash setup.sh install" in lines[0] and "gt-no-such-model" in lines[0]
    assert not out.exists()


def test_the_config_file_takes_the_model(tmp_path, capsys):
    config = tmp_path / "model.toml"
    config.write_text('model = "minilm"\nlayer = 9\n')
    assert main(["figures", "--config", str(config), "--out", str(tmp_path / "out")]) == 2
    assert "layer must be 1 to 6" in capsys.readouterr().err


@pytest.fixture(scope="module")
def model_figures(tmp_path_factory, render_cache):
    out = tmp_path_factory.mktemp("model-figures")
    command = [sys.executable, str(ROOT / "render.py"), "figures", "--model", "minilm", "--layer", "1", "--head", "3"]
    command += ["--width", str(WIDTH), "--formats", "png", "--out", str(out)]
    env = {**os.environ, "ATTENTION_CACHE": str(render_cache()), "OPENBLAS_NUM_THREADS": "1"}
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    return out, result, json.loads((out / "manifest.json").read_text())


def test_figures_with_a_model_are_the_videos_and_the_heads(model_figures):
    out, result, manifest = model_figures
    assert "cannot be drawn" not in result.stderr and "not_drawn" not in manifest
    # the online softmax runs on any pretrained head; the other topics are the toy model's (the KV cache: a decoder's)
    expected = {scene.__name__ for scene in VIDEO_PARTS} | {"LayerHeads", "OnlineSoftmaxScene"}
    assert {entry["scene"] for entry in manifest["files"]} == expected
    names = {Path(entry["file"]).stem for entry in manifest["files"]}
    assert {"heads-layer", "heads-head", "tokens", "step1_matmul", "step4_output"} <= names
    for entry in manifest["files"]:
        assert (out / entry["file"]).is_file()
        if entry["part"] != "intro":  # the paper's title block shows no trace
            assert "layer 1" in entry["caption"] and "head 3" in entry["caption"].lower(), entry["file"]


def test_the_manifest_records_the_model_layer_and_head(model_figures):
    _, _, manifest = model_figures
    request = minilm(JANE, 1, 3)
    for entry in manifest["files"]:
        inputs = entry["inputs"]
        assert (inputs["model"], inputs["layer"], inputs["head"]) == ("all-MiniLM-L6-v2", 1, 3)
        assert inputs["tokens"] == list(request.drawn_tokens) and inputs["sentence"] == JANE
        assert entry["trace_sha256"] == request.trace().digest()
