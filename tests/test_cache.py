"""The output cache through render.py: an unchanged run renders nothing and leaves the files in place; a changed
option or scene file renders again; a deleted or altered output is restored from the cache, an altered cache
entry is never served; `render.py --clear-cache` forgets everything.

One small scene at 320x180, 5 fps; the runs happen in order in a module-scoped fixture and the tests read them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import attention
from rendering.cache.keys import movie_key
from rendering.spec import Look, MovieJob, Picture
from scenes.video.full_video import FullVideo

ROOT = Path(__file__).resolve().parent.parent
SCENE = "ShapeTracking"
SMALL = [SCENE, "--resolution", "320,180", "--fps", "5", "--voice", "none"]  # the movie itself is what is cached
MOVIE, SUBTITLES = f"{SCENE}.mp4", f"{SCENE}.srt"


def render(*args, cache: Path, out: Path | None = None, root: Path = ROOT) -> str:
    env = {**os.environ, "ATTENTION_CACHE": str(cache)}
    if root != ROOT:
        env["PYTHONPATH"] = str(root)  # the copy's packages, not the editable install's
    command = [sys.executable, str(root / "render.py"), *args, *(["--out", str(out)] if out else [])]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rendered(log: str) -> bool:
    return "rendering 1 slice(s)" in log and "nothing to render" not in log


@dataclass
class History:
    cache: Path
    out: Path
    logs: dict[str, str] = field(default_factory=dict)
    facts: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def history(tmp_path_factory, render_cache, project_copy) -> History:
    base = tmp_path_factory.mktemp("cache")
    # every run from one snapshot of the code, so that edits made meanwhile in the working tree change nothing
    project = project_copy(base / "project")
    h = History(render_cache(), base / "out")
    logs, facts = h.logs, h.facts

    def run(*args, out: Path | None = h.out, root: Path = project) -> str:
        return render(*args, cache=h.cache, out=out, root=root)

    logs["first"] = run(*SMALL)
    facts["sha"] = {name: sha(h.out / name) for name in (MOVIE, SUBTITLES)}
    facts["before"] = {name: (h.out / name).stat() for name in (MOVIE, SUBTITLES)}
    logs["again"] = run(*SMALL)
    facts["after"] = {name: (h.out / name).stat() for name in (MOVIE, SUBTITLES)}
    logs["seed"] = run(*SMALL, "--seed", "1", out=base / "seed")

    (h.out / MOVIE).unlink()
    logs["deleted"] = run(*SMALL)
    facts["deleted"] = sha(h.out / MOVIE)

    (h.out / MOVIE).write_bytes(b"not the movie")
    logs["altered"] = run(*SMALL)
    facts["altered"] = sha(h.out / MOVIE)

    # the cache's own copy altered: never served, rendered again
    blob = h.cache / "outputs" / "blobs" / facts["sha"][MOVIE][:2] / facts["sha"][MOVIE]
    blob.write_bytes(b"tampered")
    logs["tampered"] = run(*SMALL, out=base / "tampered")
    facts["tampered"] = sha(base / "tampered" / MOVIE)

    copy = shutil.copytree(project, base / "copy", ignore=shutil.ignore_patterns("__pycache__"))
    logs["copy"] = run(*SMALL, out=base / "copy-out", root=copy)
    with open(copy / "scenes" / "video" / "shapes.py", "a") as fh:
        fh.write("# a comment: new code, the same frames\n")
    logs["edited"] = run(*SMALL, out=base / "edited", root=copy)

    logs["clear"] = run("--clear-cache", out=None)
    facts["cleared"] = not (h.cache / "outputs").exists()
    logs["cleared"] = run(*SMALL, out=base / "cleared")
    return h


def test_first_run_renders(history):
    assert rendered(history.logs["first"])


def test_unchanged_run_renders_nothing_and_leaves_the_files(history):
    log = history.logs["again"]
    assert "nothing to render" in log and "rendering" not in log
    for name in (MOVIE, SUBTITLES):
        assert f"reused (unchanged): {history.out / name}" in log
        before, after = history.facts["before"][name], history.facts["after"][name]
        assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)  # not even rewritten
    manifest = json.loads((history.out / "manifest.json").read_text())
    assert {e["file"]: e["sha256"] for e in manifest["files"]} == history.facts["sha"]


def test_a_changed_option_renders(history):
    assert rendered(history.logs["seed"])


def test_a_deleted_output_comes_back_from_the_cache(history):
    log = history.logs["deleted"]
    assert "nothing to render" in log and f"reused (unchanged): {history.out / SUBTITLES}" in log
    assert history.facts["deleted"] == history.facts["sha"][MOVIE]


def test_an_altered_output_is_replaced_not_reused(history):
    log = history.logs["altered"]
    assert "nothing to render" in log and f"reused (unchanged): {history.out / MOVIE}" not in log
    assert history.facts["altered"] == history.facts["sha"][MOVIE]


def test_an_altered_cache_entry_is_never_served(history):
    assert rendered(history.logs["tampered"])
    assert history.facts["tampered"] == history.facts["sha"][MOVIE]  # rendered again, the same bytes


def test_a_copy_of_the_project_hits_and_a_changed_scene_file_misses(history):
    assert "nothing to render" in history.logs["copy"]  # keys name files by their place in the project
    assert rendered(history.logs["edited"])


def test_clear_cache(history):
    assert "cleared the output cache" in history.logs["clear"] and history.facts["cleared"]
    assert rendered(history.logs["cleared"])


def test_a_section_key_names_its_own_code_only(tmp_path, project_copy):
    """Touching step 4's file changes step 4's key alone; what later parts start from is checked by state."""
    script = (
        "import json, attention\n"
        "from rendering.cache.keys import movie_key\n"
        "from rendering.spec import Look, MovieJob, Picture\n"
        "from scenes.video.full_video import FullVideo\n"
        "job = MovieJob('FullVideo', Picture(320, 180, 5, 'q'), 'mp4')\n"
        "request = attention.Request.from_sentence(attention.VIDEO_SENTENCE)\n"
        "print(json.dumps([movie_key(FullVideo, job, s, request, Look(), True) for s in FullVideo.part.section_names]))"
        "\n"
    )
    copy = project_copy(tmp_path / "project")
    with open(copy / "scenes" / "video" / "step_output.py", "a") as fh:
        fh.write("# touched\n")
    env = {**os.environ, "PYTHONPATH": str(copy)}
    done = subprocess.run([sys.executable, "-c", script], cwd=copy, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    job = MovieJob("FullVideo", Picture(320, 180, 5, "q"), "mp4")
    request = attention.Request.from_sentence(attention.VIDEO_SENTENCE)
    here = [movie_key(FullVideo, job, s, request, Look(), True) for s in FullVideo.part.section_names]
    differ = [s for s, a, b in zip(FullVideo.part.section_names, here, json.loads(done.stdout), strict=True) if a != b]
    assert differ == ["step4_output"]


def test_a_section_keys_the_code_of_the_part_it_plays_only():
    """FullVideo's "tokens" section is TokensToQKV's code; EmbeddingScene's own "tokens" section and MultiHeadScene's
    "heads" are not the video part or the model scene that happen to share their names."""
    from rendering.cache.codehash import scene_files
    from scenes.topics.embedding import EmbeddingScene
    from scenes.topics.multi_head import MultiHeadScene

    tokens, heads = ROOT / "scenes" / "video" / "tokens.py", ROOT / "scenes" / "topics" / "model_heads.py"
    assert tokens in scene_files(FullVideo, "tokens") and tokens not in scene_files(FullVideo, "intro")
    assert tokens not in scene_files(EmbeddingScene, "tokens")
    assert heads not in scene_files(MultiHeadScene, "heads")


def test_each_source_is_parsed_once_and_again_when_edited(tmp_path, project_copy):
    """A run reads each source's imports from the cache folder's imports.json once another run has parsed it;
    an edited file is parsed again, and a module file made later counts without a parse."""
    script = (
        "from rendering.cache import codehash\n"
        "from scenes.video.full_video import FullVideo\n"
        "parsed = []\n"
        "original = codehash._imported_names\n"
        "codehash._imported_names = lambda path: parsed.append(path.name) or original(path)\n"
        "files = codehash.scene_files(FullVideo)\n"
        "print(len(parsed), sorted(set(parsed)) if len(parsed) < 5 else '', len(files))\n"
    )
    copy = project_copy(tmp_path / "project")
    env = {**os.environ, "PYTHONPATH": str(copy), "ATTENTION_CACHE": str(tmp_path / "cache")}

    def keys_run() -> list[str]:
        done = subprocess.run([sys.executable, "-c", script], cwd=copy, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    first, again = keys_run(), keys_run()
    assert int(first[0]) > 50 and again[:2] == ["0", "[]"] and again[-1] == first[-1]
    with open(copy / "scenes" / "video" / "step_output.py", "a") as fh:
        fh.write("\n\ndef touched():\n    import attention.not_yet  # a module that has no file yet\n")
    edited = keys_run()
    assert edited[:2] == ["1", "['step_output.py']"] and edited[-1] == first[-1]
    (copy / "attention" / "not_yet.py").write_text("")  # made later: the remembered import now names a file
    added = keys_run()
    assert added[:2] == ["1", "['not_yet.py']"] and int(added[-1]) == int(first[-1]) + 1  # the new file alone
    assert (tmp_path / "cache" / "imports.json").is_file()
