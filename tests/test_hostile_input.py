"""Input a careless or hostile user might give, refused in one line before any work (issue #23, item 5): recorded
takes of non-finite or silent samples, sentences past a model's length, blank or path-like names, and the Python
API (``Request``'s fields, ``main``'s argument). Each case is a variant of the issue's example, not the example.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import attention
from rendering.voice.takes import SILENCE_DBFS, take_fault

ROOT = Path(__file__).resolve().parent.parent
RATE = 22050


def _float_wav(path: Path, samples: np.ndarray, bits: int = 32) -> Path:
    """A WAV of IEEE float samples (frames x channels), which may hold NaN and infinities (PCM cannot)."""
    frames = np.asarray(samples, f"<f{bits // 8}")
    frames = frames.reshape(len(frames), -1) if frames.size else frames.reshape(0, 1)
    channels, data = frames.shape[1], frames.tobytes()
    fmt = struct.pack("<HHIIHH", 3, channels, RATE, RATE * channels * bits // 8, channels * bits // 8, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def _tone(seconds: float = 1.0, level_dbfs: float = -10.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return 10 ** (level_dbfs / 20) * np.sin(2 * np.pi * 220 * t)


def _render(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ATTENTION_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, str(ROOT / "render.py"), *args], capture_output=True, text=True, cwd=ROOT, env=env
    )


# ----- recorded takes ------------------------------------------------------------------------------------------------
def _with(samples: np.ndarray, index: int, value: float) -> np.ndarray:
    samples = samples.copy()
    samples[index] = value
    return samples


@pytest.mark.parametrize(
    ("samples", "bits", "fault"),
    [
        (_with(_tone(), -1, np.nan), 32, "non-finite"),  # the last sample only
        (_with(_tone(), 0, -np.inf), 64, "non-finite"),  # 64-bit float, the first sample
        (_with(np.stack([_tone(), _tone()], axis=1), (500, 1), np.inf), 32, "non-finite"),  # one channel of two
        (_tone(level_dbfs=SILENCE_DBFS - 1), 32, "silent"),
        (_tone(level_dbfs=SILENCE_DBFS + 1), 32, None),  # quiet, but not silence
        (np.zeros(RATE), 64, "silent"),
        (np.zeros(0), 32, "unreadable"),
    ],
    ids=["nan-last", "minus-inf-f64", "inf-one-channel", "below-60-dbfs", "above-60-dbfs", "zeros", "empty"],
)
def test_a_takes_samples_are_judged_as_decoded(tmp_path, samples, bits, fault):
    assert take_fault(_float_wav(tmp_path / "take.wav", samples, bits)) == fault


def test_non_finite_takes_are_refused_before_filming_naming_cue_and_file(tmp_path, render_cache):
    takes = tmp_path / "takes"
    takes.mkdir()
    for n in range(4):
        _float_wav(takes / f"step2_scale.{n:02d}.wav", _tone(1.5))
    _float_wav(takes / "step2_scale.01.wav", _with(_tone(1.5), 7000, np.inf))
    _float_wav(takes / "step2_scale.03.wav", _tone(1.5, level_dbfs=-75))
    out = tmp_path / "out"
    result = _render("Step2Scale", "-q", "l", "--voice", str(takes), "--out", str(out), cache=render_cache())
    assert result.returncode == 2 and not out.exists()  # nothing filmed, nothing written
    warning, refusal = result.stderr.strip().split("\n")
    assert "warning" in warning and "step2_scale.03" in warning and "dBFS" in warning
    assert "step2_scale.01 (step2_scale.01.wav)" in refusal and "infinite" in refusal
    assert "step2_scale.00" not in refusal and "step2_scale.03" not in refusal and "avcodec" not in result.stderr


# ----- names ---------------------------------------------------------------------------------------------------------
BAD_NAMES = ["\u3000", "\u200b\u2060", "\u0301", "..", "a/b", "a\\b", "x\udcff", "x\u202ey", " week3", "week3\u00a0"]


@pytest.mark.parametrize("flag", ["--name", "--deck-name"])
@pytest.mark.parametrize("name", BAD_NAMES, ids=[ascii(name) for name in BAD_NAMES])
def test_a_blank_hidden_or_path_like_name_is_one_line(tmp_path, capsys, flag, name):
    from rendering.cli.main import main

    command = ["explore"] if flag == "--name" else ["deck", "Step2Scale"]
    assert main([*command, flag, name, "--out", str(tmp_path / "out")]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"render.py: {flag} ") and repr(name) in line
    assert not (tmp_path / "out").exists()


def test_a_blank_name_in_a_config_file_is_refused_too(tmp_path, capsys):
    from rendering.cli.main import main

    config = tmp_path / "explore.toml"
    config.write_text('name = "\\u2003"\n', encoding="utf-8")  # an em space
    assert main(["explore", "--config", str(config), "--out", str(tmp_path / "out")]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "explore.toml" in line and "name is blank" in line and not (tmp_path / "out").exists()


# ----- the Python API ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "error", "words"),
    [
        ({"tokens": ["a", None]}, TypeError, "tokens[1] must be a string"),
        ({"tokens": b"a b"}, TypeError, "tuple or list of strings"),
        ({"tokens": iter(["a", "b"])}, TypeError, "tuple or list of strings"),
        ({"tokens": ("a", "\u3000")}, ValueError, "tokens[1] '\\u3000' is blank"),
        ({"tokens": ("a",) * 1025}, ValueError, "1025 tokens: the core computes at most 1024"),
        ({"tokens": ("a", "b"), "d_k": 2**40}, ValueError, "d_k must be at most 1024"),
        ({"tokens": ("a", "b"), "heads": 10**6}, ValueError, "heads must be at most 1024"),
        ({"tokens": ("a", "b"), "d": 4.0}, TypeError, "d must be an integer"),
        ({"tokens": ("a", "b"), "sentence": b"a b"}, TypeError, "sentence must be a string"),
        ({"tokens": ("a", "b"), "mask": ["causal"]}, ValueError, 'mask must be None or "causal"'),
    ],
)
def test_a_request_checks_its_fields_when_built(fields, error, words):
    with pytest.raises(error) as raised:
        attention.Request(**fields)
    message = str(raised.value)
    assert words in message and "\n" not in message


def test_a_request_keeps_plain_ints_and_computes_at_its_largest_sizes():
    request = attention.Request(tokens=["a", "b"], d=np.int64(1024), d_k=np.int32(3))
    assert (type(request.d), type(request.width), request.tokens) == (int, int, ("a", "b"))
    assert request.trace().weights.shape == (2, 2) and request.trace().Q.shape == (2, 3)


@pytest.mark.parametrize(
    "argv",
    ["explore --out x", b"explore", [b"explore"], ["explore", 3], ("explore", None), None],
    ids=["str", "bytes", "list-of-bytes", "list-with-int", "tuple-with-none", "none"],
)
def test_main_says_it_takes_a_list_of_strings(tmp_path, capsys, monkeypatch, argv):
    from rendering.cli.main import main

    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "main takes a list of strings" in line
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the default output folder


# Past what the core computes, the command line names what can be drawn (the narrower limit) and the Python API the
# core's: a size the scenes never show is not "too big to compute" to someone drawing it.
@pytest.mark.parametrize(
    ("args", "drawn", "computed"),
    [
        (["--d", "4096"], "d = 4096 cannot be drawn: scenes show d from 2 to 8", "d must be at most 1024"),
        (["--dk", str(2**31)], f"d_k = {2**31} cannot be drawn", "d_k must be at most 1024"),
        (["--tokens", *["w"] * 1500], "1500 tokens cannot be drawn: scenes show 2 to 16", "1500 tokens: the core"),
        (["--sentence", " ".join(["w"] * 1030)], "1030 tokens cannot be drawn", "1030 tokens: the core"),
    ],
    ids=["d", "dk", "tokens", "sentence"],
)
def test_past_the_cores_sizes_the_cli_gives_the_drawing_limit_and_the_api_the_cores(
    tmp_path, capsys, args, drawn, computed
):
    from rendering.cli.main import main

    with_tokens = [] if args[0] in ("--tokens", "--sentence") else ["--tokens", "a", "b"]
    assert main(["explore", *with_tokens, *args, "--out", str(tmp_path / "out")]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert drawn in line and "core" not in line
    assert not (tmp_path / "out").exists()
    fields = {"--d": "d", "--dk": "d_k"}
    with pytest.raises(ValueError, match="core") as raised:
        if args[0] == "--tokens":
            attention.Request(tokens=tuple(args[1:]))
        elif args[0] == "--sentence":
            attention.Request.from_sentence(args[1])
        else:
            attention.Request(tokens=("a", "b"), **{fields[args[0]]: int(args[1])})
    assert computed in str(raised.value)


# ----- model inputs past a model's length ----------------------------------------------------------------------------
# "word" is one token to both tokenizers (" word" too, to SmolLM2's): n words are n tokens, plus MiniLM's [CLS], [SEP].
# 1100 words: past the toy model's 1024 tokens too, which a model's request does not count (its tokenizer's do).
@pytest.mark.parametrize(("model", "words", "specials"), [("minilm", 1100, 2), ("smollm2", 300, 0)])
def test_a_sentence_past_a_models_length_is_refused_with_its_real_count(tmp_path, capsys, model, words, specials):
    from rendering.cli.main import main

    sentence = " ".join(["word"] * words)
    request = attention.Request.from_sentence(sentence, model=model)
    tokens = request.drawn_tokens
    assert len(tokens) == words + specials and tokens.count("word") + tokens.count("\u2423word") == words
    assert main(["explore", "--model", model, "--sentence", sentence, "--out", str(tmp_path / "out")]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert f"{words + specials} tokens cannot be drawn" in line and not (tmp_path / "out").exists()


def test_an_encoder_trace_past_the_models_length_is_refused_not_cut():
    request = attention.Request.from_sentence(" ".join(["word"] * 300), model="minilm")
    with pytest.raises(ValueError, match=r"302 WordPiece tokens long .* reads at most 256"):
        request.trace()
