"""An unchanged narrated re-render serves the finished movie: no take asked of the voice, no track laid, no mux,
no subtitles conformed, and the very bytes of the first run; a damaged stored movie is made again. Another
voice whose takes last as long films nothing and lays its track again; a cue's text changed in the scene's code
speaks that cue alone again.

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
# the tone named: the video exporter reads the default voice when it is imported, before the tone is registered
ARGS = ["Step2Scale", "--sections", "-q", "l", "--resolution", "320,180", "--fps", "6", "--voice", "tone"]
FILES = ("Step2Scale.mp4", "Step2Scale.srt", "sections/Step2Scale/00_step2_scale.mp4")
SPY = (
    "import rendering.voice.track as track, rendering.parallel.assemble as assemble\n"
    "def audio_work(*args, **kwargs):\n"
    "    raise SystemExit('audio work in a served run')\n"
    "track.mux = track.timeline = assemble.conform = t.Tone.take = audio_work\n"
)


# A second voice, "same": the tone under another identity, so its takes last exactly as long (and sound the same)
SAME = "t.choice.ENGINES['same'] = t.choice.Engine(lambda name: t.Tone(name, t.digest_of(['same'])), 'the tone')\n"
MUXED = (  # each mux said on stderr
    "import rendering.voice.track as track\n"
    "def said(*args, mux=track.mux, **kwargs):\n"
    "    print('muxed', file=sys.stderr)\n"
    "    return mux(*args, **kwargs)\n"
    "track.mux = said\n"
)


def render(
    cache: Path, out: Path, spy: bool = False, also: str = "", args: tuple = (), root: Path = ROOT
) -> subprocess.CompletedProcess:
    """render.py (of the project at ``root``) narrated by the tone, ``also`` run first; ``spy``:
    any audio or subtitle work stops the run."""
    program = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import test_voice_engines as t\n"
        "t.register()\n"
        + (SPY if spy else "")
        + also
        + "from rendering.cli.main import main; sys.exit(main(sys.argv[1:]))"
    )
    env = {**os.environ, "ATTENTION_CACHE": str(cache), "PYTHONPATH": str(root)}
    command = [sys.executable, "-c", program, *ARGS, *args, "--out", str(out)]
    return subprocess.run(command, capture_output=True, text=True, cwd=root, env=env, timeout=600)


def takes(cache: Path) -> set[Path]:
    """The takes the speech cache holds."""
    return set((cache / "speech").glob("??/*.wav"))


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


def test_another_voice_whose_takes_last_as_long_films_nothing_and_lays_its_track(runs, tmp_path):
    again = render(runs["cache"], tmp_path, also=SAME + MUXED, args=("--voice", "same"))
    assert again.returncode == 0, again.stderr[-4000:]
    assert "nothing to render" in again.stdout  # the picture waits for the takes' lengths, not for their voice
    assert "speaking 4 take(s) ahead of filming" in again.stdout  # its takes, made before anything is served
    assert again.stderr.count("muxed") >= 1  # the track laid again: the voice's identity names the finished movie
    for name in FILES:  # the same samples under another name: the same bytes
        assert (tmp_path / name).read_bytes() == (runs["base"] / "cold" / name).read_bytes(), name


def test_a_cue_whose_text_changed_is_the_only_one_spoken_again(runs, tmp_path, project_copy):
    copy = project_copy(tmp_path / "project")
    module = copy / "scenes" / "video" / "step_scale.py"
    before = "so a large d k cannot saturate the softmax."
    module.write_text(module.read_text().replace(before, "so a large d k never saturates the softmax."))
    known = takes(runs["cache"])
    edited = render(runs["cache"], tmp_path / "out", root=copy)
    assert edited.returncode == 0, edited.stderr[-4000:]
    assert "nothing to render" not in edited.stdout  # its code changed: filmed again
    assert len(takes(runs["cache"]) - known) == 1


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
