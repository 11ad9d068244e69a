"""Shared test set-up for the scenes: pytest options for frame regression, one LaTeX/text cache
per session, and a fixture that builds and plays a scene with its animations skipped.

Nothing here writes into the repository except the persistent SVG store under
``.pytest_cache/`` (git-ignored); every Manim output goes to pytest's temporary directory.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from manim import tempconfig
from manim.utils.testing import frames_comparison as _frames_comparison_module

from rendering.cache.codehash import copy_sources
from rendering.ownership import CACHE as CACHE_MARK
from rendering.ownership import write_mark
from rendering.workers.pool import fix_heap

# Tests that film in their own process (tests/test_join.py) encode as a render worker does: with its fixed heap.
fix_heap()

# frames_comparison skips every Cairo test when cairo < 1.18 (MIN_CAIRO_VERSION = 11800), because
# cairo 1.17.8 changed antialiasing and manim's own control data is made with 1.18. This machine
# has cairo 1.16, and our control data (tests/control_data/) is generated here with it, so the
# comparison is like for like. Regenerate the control data if the machine's cairo changes.
_frames_comparison_module.MIN_CAIRO_VERSION = 0


def pytest_addoption(parser):
    # The two options manim.utils.testing.frames_comparison reads; manim's own conftest defines
    # them, a third-party suite must do so itself.
    parser.addoption(
        "--show_diff",
        action="store_true",
        default=False,
        help="Show a visual comparison when a frame regression test fails.",
    )
    parser.addoption(
        "--set_test",
        action="store_true",
        default=False,
        help="Write the control data (tests/control_data/) of every frame test that runs.",
    )


# ----- one LaTeX/text cache per session ------------------------------------------------------------
@dataclass(frozen=True)
class ManimDirs:
    tex: Path  # MathTex/Tex: .tex -> .dvi -> .svg
    text: Path  # Text/MarkupText: .svg per string and font
    media: Path  # anything else Manim might decide to write


# Manim deletes every non-SVG file of tex_dir after each compilation (tex_file_writing.delete_nonsvg_files),
# including another process's half-made .tex/.dvi: two processes sharing one tex_dir crash at random.
# So each session compiles in its own directory, seeded from and merged back into a persistent store
# of finished SVGs (keyed by content hash, so any copy of a name is as good as any other).
_STORE_KINDS = ("tex", "text")


def _store_root(config) -> Path | None:
    cache = getattr(config, "cache", None)  # absent with -p no:cacheprovider
    return cache.mkdir("manim_svg") if cache is not None else None


def _copy_svgs(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for svg in source.glob("*.svg"):
        if svg.name.endswith("_.svg") or (target / svg.name).exists():  # "<hash>_.svg": Manim's temporary
            continue
        partial = target / f".{svg.name}.{os.getpid()}.part"
        shutil.copyfile(svg, partial)
        os.replace(partial, target / svg.name)  # atomic: a concurrent session never sees half a file


@pytest.fixture(scope="session")
def manim_dirs(tmp_path_factory, pytestconfig) -> ManimDirs:
    """Session-wide tex_dir/text_dir/media_dir, so LaTeX is compiled once per string, not per test."""
    base = tmp_path_factory.mktemp("manim")
    dirs = ManimDirs(tex=base / "tex", text=base / "text", media=base / "media")
    for d in (dirs.tex, dirs.text, dirs.media):  # tex and text must be siblings: see delete_nonsvg_files
        d.mkdir()
    store = _store_root(pytestconfig)
    if store is not None:
        for kind in _STORE_KINDS:
            _copy_svgs(store / kind, getattr(dirs, kind))
    yield dirs
    if store is not None:
        for kind in _STORE_KINDS:
            _copy_svgs(getattr(dirs, kind), store / kind)


def manim_test_config(dirs: ManimDirs) -> dict:
    """The tempconfig of every scene built by the tests: no output files, quiet, shared caches."""
    return {
        "dry_run": True,  # no movie, no image, no partial files
        "disable_caching": True,  # no hashing of every play call
        "tex_dir": dirs.tex,
        "text_dir": dirs.text,
        "media_dir": dirs.media,
        "progress_bar": "none",
        "verbosity": "WARNING",
    }


# ----- build and play a scene cheaply --------------------------------------------------------------
@pytest.fixture(scope="session")
def play_scene(manim_dirs):
    """``play_scene(SceneClass, inputs=None, **config)`` builds the scene and runs its construct()
    with every animation skipped (``Scene(skip_animations=True)``): the mobjects reach their final
    state, subcaptions are recorded, but no frame is interpolated or written.

    ``config`` overrides the Manim config (pixel_width, ...) for this one scene.
    """

    def play(scene_class, inputs=None, **config):
        with tempconfig({**manim_test_config(manim_dirs), **config}):
            scene = scene_class.drawing(inputs, skip_animations=True)
            scene.render()
        return scene

    return play


# ----- render.py in a subprocess: a private cache folder, LaTeX warm -------------------------------
RENDER_SLOTS = 4  # Manim slots (rendering/cache/slots.py) shared by the tests' runs: more than any test's --jobs
_SLOT_FOLDERS = {"tex": "Tex", "text": "texts"}  # the SVG store's kinds, as a slot names its folders


@pytest.fixture(scope="session")
def render_slots(tmp_path_factory, pytestconfig) -> Path:
    """Manim slots for every render.py the tests run, their LaTeX and text SVGs seeded from the persistent
    store above and merged back into it at the end, so LaTeX is compiled once, not once per cache folder."""
    base = tmp_path_factory.mktemp("render-slots")
    store = _store_root(pytestconfig)
    for n in range(RENDER_SLOTS):
        for kind, folder in _SLOT_FOLDERS.items():
            if store is not None:
                _copy_svgs(store / kind, base / f"slot-{n}" / folder)
            else:
                (base / f"slot-{n}" / folder).mkdir(parents=True)
    yield base
    if store is not None:
        for n in range(RENDER_SLOTS):
            for kind, folder in _SLOT_FOLDERS.items():
                _copy_svgs(base / f"slot-{n}" / folder, store / kind)


@pytest.fixture(scope="session")
def render_cache(render_slots, manim_dirs, tmp_path_factory):
    """``render_cache()`` makes a new ATTENTION_CACHE folder for render.py: no remembered renders, lengths or
    timings (render.py reuses unchanged outputs, so a test that must see a render needs its own), but the
    session's Manim slots, linked in."""

    def make() -> Path:
        # what any slot or the scene tests (manim_dirs) compiled so far, every slot gets: LaTeX compiled once
        for kind, folder in _SLOT_FOLDERS.items():
            for source in [getattr(manim_dirs, kind), *render_slots.glob(f"slot-*/{folder}")]:
                for target in render_slots.glob(f"slot-*/{folder}"):
                    if target != source:
                        _copy_svgs(source, target)
        folder = tmp_path_factory.mktemp("attention-cache")
        write_mark(folder, CACHE_MARK)  # made here as a cache of ours: render.py takes no unmarked folder with links
        for slot in sorted(render_slots.iterdir()):
            (folder / slot.name).symlink_to(slot, target_is_directory=True)
        return folder

    return make


@pytest.fixture(scope="session")
def project_copy():
    """``project_copy(folder)`` copies the project's code and assets into ``folder`` and returns it: run
    render.py there with PYTHONPATH=folder to try a change to the code without touching the repository."""
    return copy_sources


@pytest.fixture(scope="module")
def screens(request, tmp_path_factory):
    """save(name, png): keeps a browser screenshot under pytest's temporary directory, named after the test
    module (and in $DECK_SCREENS if set), to look at after a run."""
    folder = tmp_path_factory.mktemp(f"{request.module.__name__}_screens")
    print(f"\nscreenshots: {folder}")
    extra = Path(os.environ["DECK_SCREENS"]) if os.environ.get("DECK_SCREENS") else None

    def save(name: str, png: bytes) -> Path:
        path = folder / name
        path.write_bytes(png)
        if extra is not None:
            extra.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, extra / name)
        return path

    return save


# ----- the default video at -q l, rendered once per session -------------------------------------------------------
@pytest.fixture(scope="session")
def full_video_low(render_cache, tmp_path_factory) -> Path:
    """FullVideo rendered by render.py at -q l (480p15), narrated by the bundled voice, with its section clips,
    .srt and manifest beside it (about 2-4 minutes on two cores): the path of the movie. Tests that measure the
    default video share it, across pytest-xdist's workers too: the first to need it renders it under a lock in
    the run's shared temporary folder, the others wait for it and read it."""
    import fcntl
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    shared = tmp_path_factory.getbasetemp().parent  # the same folder for every xdist worker of this run
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        shared = tmp_path_factory.getbasetemp()
    out, movie = shared / "full-video-low", shared / "full-video-low" / "FullVideo.mp4"
    with open(shared / "full-video-low.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "manifest.json").is_file():
            command = [sys.executable, str(root / "render.py"), "FullVideo", "-q", "l", "--sections", "--out", str(out)]
            env = {**os.environ, "ATTENTION_CACHE": str(render_cache())}
            result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=1800)
            assert result.returncode == 0, result.stderr[-4000:]
    return movie
