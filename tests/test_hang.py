"""Never hang, never lose the files to a stream: dead workers, SIGTERM, configs that are no files, damaged Manim
caches, closed and ASCII-only output streams (issue 23, items 2, 3 and 5)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from manim import MathTex, Scene, Square, Text, config, tempconfig

import scenes.manim_patches  # noqa: F401 - the patches every scene has (damaged caches are misses)
from rendering.ownership import CACHE as CACHE_MARK
from rendering.ownership import write_mark
from rendering.workers.pool import STAGING_PREFIX

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["-q", "l", "--resolution", "320,180", "--fps", "6", "--voice", "none"]
HANG = 120  # seconds after which a run that should have ended is a hang (a guard, not a measurement)


def render(*args, env=None, **kwargs) -> subprocess.CompletedProcess:
    command = [sys.executable, str(ROOT / "render.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=HANG, **kwargs)


def environment(cache: Path, **extra) -> dict:
    return {**os.environ, "ATTENTION_CACHE": str(cache), **extra}


def _private_cache(folder: Path, render_slots: Path) -> Path:
    """A cache folder with its own copy of the session's LaTeX and text SVGs: a run killed in this test may
    leave one cut short, and that must not reach the session's shared slots."""
    for kind in ("Tex", "texts"):
        shutil.copytree(render_slots / "slot-0" / kind, folder / "slot-0" / kind)
    write_mark(folder, CACHE_MARK)  # made here as a cache of ours, so the run does not stop to adopt it
    return folder


def _workers(pid: int) -> list[int]:
    """The render worker processes of ``pid`` (its children running multiprocessing's spawn_main)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid and b"spawn_main" in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def _started(out: Path, env: dict, *scenes: str) -> subprocess.Popen:
    """render.py filming ``scenes`` into ``out``, returned once a part has begun filming (its first progress
    line), so that every worker holds a job."""
    command = [sys.executable, "-u", str(ROOT / "render.py"), *scenes, *SMALL, "--out", str(out)]
    run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in run.stdout:
        if line.startswith(f"  {scenes[0]} "):
            return run
    raise AssertionError(f"the run ended before filming: {run.wait()} {run.stderr.read()}")


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _left_in(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir()) if out.exists() else []


# ----- a dead worker, SIGTERM ---------------------------------------------------------------------------------
def test_a_worker_that_crashes_ends_the_run_with_its_scene_and_signal(tmp_path, render_slots):
    out = tmp_path / "out"
    run = _started(out, environment(_private_cache(tmp_path / "cache", render_slots)), "Step2Scale")
    (worker,) = _workers(run.pid)
    os.kill(worker, signal.SIGSEGV)  # a crash, as a fault in a native library leaves it
    _, stderr = run.communicate(timeout=HANG)  # before the fix the parent waited forever for the lost job
    assert run.returncode == 1, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Step2Scale" in lines[0] and "SIGSEGV" in lines[0], stderr
    assert not _left_in(out), "nothing half-written is left"


def test_sigterm_ends_a_run_as_ctrl_c_does(tmp_path, render_slots):
    out = tmp_path / "deeper" / "out"
    run = _started(out, environment(_private_cache(tmp_path / "cache", render_slots)), "Step2Scale")
    workers = _workers(run.pid)
    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=HANG)
    assert run.returncode == 128 + signal.SIGTERM, stderr
    assert stderr.strip() == "render.py: interrupted (SIGTERM); nothing was left half-written"
    assert not (tmp_path / "deeper").exists(), "the folders the run made go with it"
    assert workers and not any(_alive(pid) for pid in workers), "no worker outlives the run"


_SIGNAL_WHILE_PUBLISHING = """
import os, signal, sys
import rendering.manifest as manifest
from rendering.cli.main import run
original = manifest.write_manifest
def interrupted_then_written(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)  # the files are in place, the manifest not yet
    return original(*args, **kwargs)
manifest.write_manifest = interrupted_then_written
sys.argv = ["render.py", *sys.argv[1:]]
run()
"""


def test_a_signal_once_the_files_are_published_completes_the_run(tmp_path, render_cache):
    out = tmp_path / "out"
    command = [sys.executable, "-c", _SIGNAL_WHILE_PUBLISHING, "explore", "--d", "3", "--out", str(out)]
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env=environment(render_cache()), timeout=HANG
    )
    assert done.returncode == 0, done.stderr
    assert "SIGINT" in done.stderr and "are complete" in done.stderr and "Traceback" not in done.stderr
    assert _left_in(out) == ["explore", "manifest.json"]
    assert (out / "explore" / "explore.html").stat().st_size > 0


# ----- configs that are no files ------------------------------------------------------------------------------
def test_a_fifo_as_config_is_one_line_not_a_wait(tmp_path, render_cache):
    fifo = tmp_path / "options.toml"
    os.mkfifo(fifo)  # no writer: reading it would wait for good
    done = render("explore", "--config", str(fifo), "--out", str(tmp_path / "o"), env=environment(render_cache()))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "not a regular file" in done.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("kind", ["device", "folder", "large"])
def test_a_config_that_is_no_short_file_is_one_line(kind, tmp_path, capsys):
    from rendering.cli.main import main

    path = {"device": Path("/dev/urandom"), "folder": tmp_path}.get(kind, tmp_path / "big.toml")
    if kind == "large":
        with open(path, "wb") as fh:  # sparse: 3 MB that cost no disk
            fh.truncate(3 << 20)
    assert main(["explore", "--config", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err, err
    assert not (tmp_path / "o").exists()


# ----- damaged Manim working files ----------------------------------------------------------------------------
def _shape(mobject) -> np.ndarray:
    """What is drawn: every glyph's outline points, in order."""
    return np.concatenate([m.points for m in mobject.family_members_with_points()])


def _cut(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize(
    "make, folder", [(lambda: MathTex(r"\sqrt{d_k} + 7"), "tex_dir"), (lambda: Text("Tž"), "text_dir")]
)
def test_a_typeset_svg_cut_short_is_made_again(make, folder, tmp_path):
    with tempconfig({"tex_dir": tmp_path / "tex", "text_dir": tmp_path / "text", "media_dir": tmp_path / "m"}):
        whole = _shape(make())
        (svg,) = [p for p in config.get_dir(folder).glob("*.svg")]
        _cut(svg)
        if folder == "tex_dir":  # the .tex it was compiled from, too: a cut one is a LaTeX error
            _cut(svg.with_suffix(".tex"))
        again = _shape(make())
    assert np.allclose(again, whole)
    assert svg.read_bytes().rstrip().endswith(b"</svg>"), "the SVG in the cache is whole again"


@pytest.mark.parametrize(
    "make, folder", [(lambda: MathTex(r"\sqrt{d_k} - 3"), "tex_dir"), (lambda: Text("Qž"), "text_dir")]
)
def test_a_folder_where_a_typeset_svg_belongs_is_named_and_left(make, folder, tmp_path):
    from scenes.manim_patches.damaged_cache import NotAWorkingFile

    with tempconfig({"tex_dir": tmp_path / "tex", "text_dir": tmp_path / "text", "media_dir": tmp_path / "m"}):
        make()
        (svg,) = [p for p in config.get_dir(folder).glob("*.svg")]
        svg.unlink()
        svg.mkdir()
        (svg / "mine.txt").write_text("a user's note")
        with pytest.raises(NotAWorkingFile) as refused:
            make()
    assert str(svg) in str(refused.value) and "\n" not in str(refused.value)
    assert (svg / "mine.txt").read_text() == "a user's note", "the folder is not ours: it stays as it was"


class _Tiny(Scene):
    def construct(self):
        square = Square(color="#ff0000", fill_opacity=1)
        self.play(square.animate.shift(2 * np.array([1.0, 0.0, 0.0])), run_time=1)


def _film(media: Path) -> Path:
    settings = {"media_dir": media, "pixel_width": 160, "pixel_height": 90, "frame_rate": 6, "disable_caching": False}
    with tempconfig({**settings, "progress_bar": "none", "verbosity": "ERROR", "output_file": "Tiny"}):
        scene = _Tiny()
        scene.render()
        return Path(scene.renderer.file_writer.movie_file_path)


def test_a_partial_movie_cut_short_is_filmed_again(tmp_path):
    import av

    def frames(movie: Path) -> list[np.ndarray]:
        with av.open(str(movie)) as container:
            return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]

    movie = _film(tmp_path)
    whole = frames(movie)
    (partial,) = [p for p in tmp_path.rglob("partial_movie_files/**/*.mp4")]
    _cut(partial)  # Manim's cache would reuse it by its name alone
    again = frames(_film(tmp_path))
    assert len(again) == len(whole) and all(np.array_equal(a, b) for a, b in zip(again, whole, strict=True))


def test_a_render_over_damaged_caches_draws_what_an_intact_one_does(tmp_path, render_slots):
    cache = _private_cache(tmp_path / "cache", render_slots)  # the damage stays in this test
    args = ["figures", "step2_scale", "--width", "320", "--formats", "png", "--out"]
    first = render(*args, str(tmp_path / "a"), env=environment(cache))
    assert first.returncode == 0, first.stderr
    damaged = [p for p in (cache / "slot-0").rglob("*") if p.suffix in (".svg", ".tex")]
    for path in damaged:
        _cut(path)
    shutil.rmtree(cache / "outputs")  # no remembered figure: Manim's working files are read again
    second = render(*args, str(tmp_path / "b"), env=environment(cache))
    assert second.returncode == 0, second.stderr
    assert len(damaged) > 5
    png = Path("figures") / "step2_scale.png"
    assert (tmp_path / "b" / png).read_bytes() == (tmp_path / "a" / png).read_bytes()


# ----- output streams -----------------------------------------------------------------------------------------
def test_a_closed_stdout_keeps_the_files_and_says_so(tmp_path, render_cache):
    out = tmp_path / "out"
    command = [sys.executable, str(ROOT / "render.py"), "explore", "--d", "3", "--out", str(out)]
    reader, writer = os.pipe()
    os.close(reader)  # nobody reads: the first line printed meets a closed pipe
    try:
        done = subprocess.run(
            command, stdout=writer, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=environment(render_cache())
        )
    finally:
        os.close(writer)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "stdout was closed" in lines[0] and "complete" in lines[0], done.stderr
    assert _left_in(out) == ["explore", "manifest.json"]


def test_an_ascii_stdout_prints_a_non_ascii_out_as_escapes(tmp_path, render_cache):
    out = tmp_path / "año" / "✓"
    env = environment(render_cache(), PYTHONIOENCODING="ascii", LC_ALL="C")
    done = render("explore", "--d", "3", "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "a\\xf1o/\\u2713/manifest.json" in done.stdout
    assert "cannot show some characters" in done.stderr and "Traceback" not in done.stderr
    assert _left_in(out) == ["explore", "manifest.json"]
    assert not list(out.glob(f"{STAGING_PREFIX}*"))
