"""An unchanged narrated re-render serves the finished movie: no take asked of the voice, no track laid, no mux,
no subtitles conformed, and the very bytes of the first run; a damaged stored movie is made again.

Step2Scale at 320x180, 6 fps, narrated by the tone of test_voice_engines.py (put in the engines' table of a
render.py process, as that module does), with its section clip. The spy run replaces, in render.py's process,
the engine's take, the track's timeline and mux and the timed-text conforming with a function that stops the run.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["Step2Scale", "--sections", "-q", "l", "--resolution", "320,180", "--fps", "6"]
FILES = ("Step2Scale.mp4", "Step2Scale.srt", "sections/Step2Scale/00_step2_scale.mp4")
SPY = (
    "import rendering.voice.track as track, rendering.parallel.assemble as assemble\n"
    "def audio_work(*args, **kwargs):\n"
    "    raise SystemExit('audio work in a served run')\n"
    "track.mux = track.timeline = assemble.conform = t.Tone.take = audio_work\n"
)


def render(cache: Path, out: Path, spy: bool = False) -> subprocess.CompletedProcess:
    """render.py with the tone as the default voice; ``spy``: any audio or subtitle work stops the run."""
    program = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import test_voice_engines as t\n"
        "t.register(default=True)\n"
        + (SPY if spy else "")
        + "from rendering.cli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    env = {**os.environ, "ATTENTION_CACHE": str(cache)}
    command = [sys.executable, "-c", program, *ARGS, "--out", str(out)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def runs(tmp_path_factory, render_cache) -> dict:
    """A cold run, then the same run with the spy (to a new folder, so nothing is reused from the output)."""
    base, cache = tmp_path_factory.mktemp("served"), render_cache()
    cold = render(cache, base / "cold")
    assert cold.returncode == 0, cold.stderr[-4000:]
    spied = render(cache, base / "spied", spy=True)
    return {"base": base, "cache": cache, "cold": cold, "spied": spied}


def test_an_unchanged_narrated_render_does_no_audio_work_and_serves_the_same_bytes(runs):
    spied = runs["spied"]
    assert spied.returncode == 0, spied.stderr[-4000:]
    assert "nothing to render" in spied.stdout
    for name in FILES:
        assert (runs["base"] / "spied" / name).read_bytes() == (runs["base"] / "cold" / name).read_bytes(), name


def test_a_damaged_stored_movie_is_made_again(runs, tmp_path):
    movie = runs["base"] / "cold" / "Step2Scale.mp4"
    blob = runs["cache"] / "outputs" / "blobs" / sha(movie)[:2] / sha(movie)
    blob.write_bytes(b"damaged")
    spied = render(runs["cache"], tmp_path / "spied", spy=True)
    # not served: voiced again, and the spy (no stub) stops that run
    assert spied.returncode != 0 and "audio work in a served run" in spied.stderr
    again = render(runs["cache"], tmp_path / "again")
    assert again.returncode == 0, again.stderr[-4000:]
    for name in FILES:
        assert (tmp_path / "again" / name).read_bytes() == (runs["base"] / "cold" / name).read_bytes(), name
    assert sha(blob) == sha(movie)  # and remembered again
