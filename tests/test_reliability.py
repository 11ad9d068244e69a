"""Nothing lost, nothing left behind, the same bytes every time: concurrent and killed runs, unusable caches,
repeated renders with different cache states."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from rendering.cache import store as cache_store
from rendering.ownership import STAGING, write_mark
from rendering.spec import Written
from rendering.workers.pool import STAGING_PREFIX, Staging, sweep_stale

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--resolution", "320,180", "--fps", "6"]  # fast renders where the pixel size is not under test


def render(*args, env=None, timeout=600) -> subprocess.CompletedProcess:
    command = [sys.executable, str(ROOT / "render.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def environment(cache: Path) -> dict:
    return {**os.environ, "ATTENTION_CACHE": str(cache)}  # the machine's own settings kept (OPENBLAS_* included)


# ----- a run removes only what it wrote ----------------------------------------------------------------------
def test_an_interrupted_run_keeps_the_files_another_run_published(tmp_path):
    out = tmp_path / "made" / "by" / "first"
    first = Staging(out)  # makes the folders
    second = Staging(out)
    written = second.path("figures/kept.png")
    written.write_bytes(b"the second run's figure")
    (placed,) = second.publish([Written(written, "Scene", "part", "figure", "png")])
    first.path("figures/partial.png").write_bytes(b"half")
    first.discard()  # the first run is interrupted after the second published
    assert placed.path.read_bytes() == b"the second run's figure"
    assert sorted(p.name for p in out.iterdir()) == ["figures"], "only the published file's folder is left"
    lonely = Staging(tmp_path / "alone" / "deep")
    lonely.discard()
    assert not (tmp_path / "alone").exists(), "folders a run made for nothing go with it"


def test_a_live_runs_staging_is_never_swept(tmp_path):
    live = Staging(tmp_path / "out")
    dead = tmp_path / "out" / f"{STAGING_PREFIX}deadbeef0000"
    (dead / ".work").mkdir(parents=True)
    (dead / ".alive").write_text("")  # its lock is free: its run is gone
    write_mark(dead, STAGING)  # a staging folder of ours: only those are swept (tests/test_ours.py)
    assert sweep_stale(tmp_path / "out") == [dead]
    assert live.root.is_dir() and not dead.exists()
    live.discard()


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, stack = set(), [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_killed_run_leaves_no_worker_and_the_next_run_sweeps_its_staging(tmp_path, render_cache):
    out, env = tmp_path / "out", environment(render_cache())
    command = [sys.executable, str(ROOT / "render.py"), "Step2Scale", "-q", "l", *SMALL, "--out", str(out)]
    run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and not workers:
        time.sleep(0.2)
        staged = list(out.glob(f"{STAGING_PREFIX}*")) if out.is_dir() else []
        workers = {p for p in _descendants(run.pid) if "spawn_main" in _cmdline(p)} if staged else set()
    assert workers, "the run never started a worker"
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers), "a worker outlived its killed parent"
    assert list(out.glob(f"{STAGING_PREFIX}*")), "the killed run's staging folder is there to sweep"
    after = render("explore", "--out", str(out), env=env)
    assert after.returncode == 0, after.stderr
    assert not list(out.glob(f"{STAGING_PREFIX}*")) and not list(out.glob(".forming-*"))
    assert sorted(p.name for p in out.iterdir()) == ["explore", "manifest.json"]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


# ----- caches that cannot be used ----------------------------------------------------------------------------
def test_a_file_in_the_caches_place_is_one_warning_and_the_run_goes_on(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    env = environment(blocker)
    done = render("figures", "step2_scale", "--width", "320", "--formats", "png", "--out", str(tmp_path / "o"), env=env)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and "cannot be used" in warnings[0] and str(blocker) in warnings[0], warnings
    assert (tmp_path / "o" / "figures" / "step2_scale.png").is_file()
    assert blocker.read_text() == "not a folder", "the file in the way is left as it was"
    cleared = render("--clear-cache", env=env)
    assert cleared.returncode == 2 and len(cleared.stderr.strip().splitlines()) == 1, cleared.stderr


def test_a_full_disk_in_the_cache_is_one_warning_and_no_entry(tmp_path, monkeypatch, capsys):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cache_store, "_copy_hashing", full)
    monkeypatch.setattr(cache_store, "_warned", False)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"frames")
    store = cache_store.Store(tmp_path / "outputs")
    assert store.put("key", {"clip": clip}, {}) is None
    assert store.put("other", {"clip": clip}, {}) is None
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "No space left on device" in err[0], err
    assert store.get("key") is None
    (tmp_path / "outputs" / "entries" / "damaged").mkdir(parents=True)
    (tmp_path / "outputs" / "entries" / "damaged" / "whole.json").write_text("{not json")
    assert store.get("damaged") is None, "damaged contents are a miss, rendered again"


# ----- the same bytes whatever the cache holds --------------------------------------------------------------
def test_a_clip_is_byte_identical_whatever_the_cache_holds(tmp_path, render_cache):
    shared = render_cache()
    states = {
        "cold": environment(render_cache()),
        "another cold": environment(render_cache()),
        "warm Manim, outputs cleared": environment(shared),
        "served from the cache": environment(shared),
    }
    digests = {}
    for n, (state, env) in enumerate(states.items()):
        if state == "warm Manim, outputs cleared":
            assert render("Step1MatMul", "-q", "l", *SMALL, "--out", str(tmp_path / "warmup"), env=env).returncode == 0
            assert render("--clear-cache", env=env).returncode == 0
        out = tmp_path / f"run{n}"
        done = render("Step1MatMul", "-q", "l", *SMALL, "--out", str(out), env=env)
        assert done.returncode == 0, done.stderr
        assert sorted(p.name for p in out.iterdir()) == ["Step1MatMul.mp4", "Step1MatMul.srt", "manifest.json"]
        digests[state] = (sha(out / "Step1MatMul.mp4"), sha(out / "Step1MatMul.srt"))
    assert len(set(digests.values())) == 1, digests
