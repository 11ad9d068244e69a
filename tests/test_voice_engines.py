"""A voice engine is one module plus one entry in the engines' table (rendering/voice/choice.py): an engine
defined here, a tone whose takes' lengths follow their texts, is put in the table of a render.py process (no
project file edited) and narrates the script and a render; an unknown voice is one line and exit 2, whether it
comes from the command line or a TOML file, and the refusal names the table's voices."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest

from rendering.cli.main import main
from rendering.voice import choice
from rendering.voice.engine import Synthesizer, digest_of

ROOT = Path(__file__).resolve().parent.parent
RATE = 16000  # the tone's sample rate: not the bundled voice's 22.05 kHz
PITCH = 330.0  # Hz
TINY = ["-q", "l", "--resolution", "320,180", "--fps", "6"]


def tone_seconds(text: str) -> float:
    """How long the tone speaks ``text``: 0.4 s and 30 ms a character, to the sample."""
    return round((0.4 + 0.03 * len(text)) * RATE) / RATE


@dataclass(frozen=True)
class Tone(Synthesizer):
    """A stand-in voice: a sine at ``PITCH`` as long as ``tone_seconds`` says, faded in and out."""

    kind = "tone"
    licence = "a test tone, no licence"

    def speak(self, text: str, target: Path) -> None:
        t = np.arange(round(tone_seconds(text) * RATE)) / RATE
        fade = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.01)
        samples = (0.3 * np.sin(2 * np.pi * PITCH * t) * fade * 32767).astype(np.int16)
        with wave.open(str(target), "wb") as take:
            take.setnchannels(1), take.setsampwidth(2), take.setframerate(RATE)
            take.writeframes(samples.tobytes())


def tone(name: str) -> Tone:
    return Tone(name, digest_of(["tone", PITCH, RATE, "0.4 s + 30 ms a character"]))


def register(default: bool = False) -> None:
    """Put the tone in this process's table (``default``: as the narrated commands' and the script's voice)."""
    choice.ENGINES["tone"] = choice.Engine(tone, "a test tone")
    if default:
        choice.DEFAULT_VOICE = "tone"


def render_with_tone(*args: str, cache: Path, out: Path, default: bool = False) -> subprocess.CompletedProcess:
    """render.py in a process whose table holds the tone: the workers get the engine with the run's look."""
    program = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import {Path(__file__).stem} as t; "
        f"t.register(default={default}); from rendering.cli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    command = [sys.executable, "-c", program, *args, "--out", str(out)]
    env = {**os.environ, "ATTENTION_CACHE": str(cache)}
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def script(tmp_path_factory, render_cache) -> Path:
    """render.py script Step2Scale with the tone as the default voice."""
    out = tmp_path_factory.mktemp("tone-script")
    render_with_tone("script", "Step2Scale", cache=render_cache(), out=out, default=True)
    return out


def test_the_script_lists_the_take_lengths_of_the_engine_in_the_table(script):
    with open(script / "script" / "Step2Scale.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4 and rows[0]["cue"] == "step2_scale.00"
    for row in rows:
        assert float(row["seconds"]) == pytest.approx(tone_seconds(row["text"]), abs=0.0005), row


def test_voice_names_an_engine_of_the_table_and_it_narrates_the_render(script, tmp_path, render_cache):
    render_with_tone("Step2Scale", *TINY, "--voice", "tone", cache=render_cache(), out=tmp_path)
    with av.open(str(tmp_path / "Step2Scale.mp4")) as container:
        audio = container.streams.audio[0]
        rate = audio.rate
        samples = np.concatenate([frame.to_ndarray()[0] for frame in container.decode(audio)])
    with open(script / "script" / "Step2Scale.csv", encoding="utf-8", newline="") as handle:
        spoken = sum(tone_seconds(row["text"]) for row in csv.DictReader(handle))
    # the track is the tone's takes: as long as they are together (20 ms windows above -40 dB), and at its pitch
    windows = samples[: len(samples) // 320 * 320].reshape(-1, 320)
    loud = windows[10 * np.log10(np.mean(windows**2, axis=1) + 1e-12) > -40]
    assert len(loud) * 320 / rate == pytest.approx(spoken, abs=0.15)  # a window or two at each take's ends
    spectrum = np.abs(np.fft.rfft(loud.ravel()))
    assert np.fft.rfftfreq(loud.size, 1 / rate)[np.argmax(spectrum)] == pytest.approx(PITCH, abs=2)


@pytest.mark.parametrize("how", ["command line", "toml"])
def test_an_unknown_voice_is_one_line_naming_the_tables_voices(capsys, monkeypatch, tmp_path, how):
    monkeypatch.setitem(choice.ENGINES, "tone", choice.Engine(tone, "a test tone"))
    out = tmp_path / "out"
    if how == "toml":
        config = tmp_path / "options.toml"
        config.write_text('voice = "no-such-voice"\n', encoding="utf-8")
        argv = ["Step2Scale", "--config", str(config)]
    else:
        argv = ["Step2Scale", "--voice", "no-such-voice"]
    assert main([*argv, "--out", str(out), "--dry-run"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "no-such-voice" in line and "give none, joe, tone, or a folder" in line and "Traceback" not in line, line
    assert not out.exists()


@pytest.mark.parametrize("blank", ["", "   "])
def test_an_empty_voice_is_one_line_not_the_current_folder_read_as_takes(capsys, tmp_path, blank):
    out = tmp_path / "out"
    assert main(["Step2Scale", "--voice", blank, "--out", str(out), "--dry-run"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "--voice is empty" in line and "Traceback" not in line, line
    assert not out.exists()
