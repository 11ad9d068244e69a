"""Never touch what is not ours: the sweep of dead runs' staging, --clear-cache and publishing remove or replace
only what carries our mark (a marker file, a manifest of ours), and every path that cannot be written is one line
and exit 2 before any work, with nothing half-written (issue #23, items 1 and 5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rendering.cli.main import main
from rendering.errors import UserError
from rendering.exporters.deck.slides import DeckError, atomic_folder
from rendering.ownership import MARK, STAGING, write_mark
from rendering.spec import Written
from rendering.workers.pool import Staging

ROOT = Path(__file__).resolve().parent.parent
TINY = ["explore", "--tokens", "a", "b", "--d", "2"]  # the fastest output: one page, no render


def run(*args, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ATTENTION_CACHE": str(cache)}
    command = [sys.executable, str(ROOT / "render.py"), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` (hidden ones too) with its bytes, None for a folder or a link."""
    found = {}
    for path in sorted(folder.rglob("*")):
        plain = path.is_file() and not path.is_symlink()
        found[str(path.relative_to(folder))] = path.read_bytes() if plain else None
    return found


def refused(capsys, *args) -> str:
    """Run ``args`` in this process; it must exit 2 with one line on stderr, which is returned."""
    assert main([*args]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in lines[0], lines
    return lines[0]


# ----- the sweep of dead runs' staging ------------------------------------------------------------------------
def test_a_users_run_folder_survives_and_only_a_marked_dead_staging_is_swept(tmp_path, capsys):
    out = tmp_path / "out"
    drafts = out / ".run-drafts"  # a user's, named like our staging folders, even with a lock file of that name
    (drafts / "deep").mkdir(parents=True)
    (drafts / "deep" / "plan.txt").write_text("my plan")
    (drafts / ".alive").write_text("mine too")
    dead = out / ".run-0123456789ab"  # a run of ours that died: its marker, its lock free
    (dead / ".work").mkdir(parents=True)
    (dead / ".alive").write_text("")
    write_mark(dead, STAGING)
    before = tree(drafts)
    assert main([*TINY, "--out", str(out)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert tree(drafts) == before, "the user's folder is left byte for byte"
    assert not dead.exists(), "the dead run's marked staging folder is swept"
    assert [line for line in err if str(drafts) in line] == [
        f"render.py: left {drafts}: not a staging folder of ours (no {MARK} marker), so it is not swept"
    ]
    assert sorted(p.name for p in out.iterdir()) == [".run-drafts", "explore", "manifest.json"]


def test_a_link_named_like_staging_is_never_followed(tmp_path, capsys):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work")
    write_mark(precious, STAGING)  # even a marked folder is not swept through a link
    out = tmp_path / "out"
    out.mkdir()
    (out / ".run-aaaaaaaaaaaa").symlink_to(precious, target_is_directory=True)
    assert main([*TINY, "--out", str(out)]) == 0
    capsys.readouterr()
    assert (precious / "thesis.tex").read_text() == "years of work"
    assert (out / ".run-aaaaaaaaaaaa").is_symlink()


# ----- the cache ------------------------------------------------------------------------------------------------
def _older_cache(folder: Path) -> None:
    """A cache in the layout an earlier version wrote, without the marker."""
    key, sha = "ab" * 32, "cd" * 32
    (folder / "outputs" / "entries" / key).mkdir(parents=True)
    (folder / "outputs" / "entries" / key / "whole.json").write_text(json.dumps({"files": {"m": sha}, "facts": {}}))
    (folder / "outputs" / "blobs" / sha[:2]).mkdir(parents=True)
    (folder / "outputs" / "blobs" / sha[:2] / sha).write_bytes(b"a movie")
    (folder / "slot-0" / "Tex").mkdir(parents=True)
    (folder / "slot-0" / ".lock").write_text("")
    (folder / "timings.json").write_text("{}")


def test_an_older_cache_is_adopted_once_and_cleared_around_a_users_file(tmp_path):
    cache = tmp_path / "cache"
    _older_cache(cache)
    first = run(*TINY, "--out", str(tmp_path / "out"), cache=cache)
    assert first.returncode == 0, first.stderr
    assert [line for line in first.stderr.splitlines() if "adopted" in line] == [
        f"render.py: adopted the cache folder {cache}, made by an earlier version (every entry in it is in the "
        f"cache's layout); marked it as ours"
    ]
    (cache / "outputs" / "README.md").write_text("my note about this cache")  # a user's file in an adopted cache
    (cache / "budget.ods").write_bytes(b"numbers")
    cleared = run("--clear-cache", cache=cache)
    assert cleared.returncode == 0 and "render.py: adopted" not in cleared.stderr, cleared.stderr
    assert "cleared the output cache" in cleared.stdout and "1 render(s)" in cleared.stdout
    assert cleared.stderr.strip().splitlines() == [
        f"render.py: left {cache / 'outputs' / 'README.md'}: not a file of the output cache's layout, so not ours"
    ]
    assert tree(cache / "outputs") == {"README.md": b"my note about this cache"}
    assert (cache / "budget.ods").read_bytes() == b"numbers" and (cache / "timings.json").exists()


@pytest.mark.parametrize("command", [["--clear-cache"], TINY])
def test_a_folder_that_is_no_cache_is_refused_and_untouched(tmp_path, command):
    cache = tmp_path / "home"
    (cache / "outputs").mkdir(parents=True)
    (cache / "outputs" / "q3.csv").write_text("a user's outputs folder")
    (cache / "slot-9").mkdir()
    (cache / "slot-9" / "photo.jpg").write_bytes(b"\xff\xd8")
    before = tree(cache)
    done = run(*command, "--out", str(tmp_path / "out"), cache=cache) if command == TINY else run(*command, cache=cache)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "not a cache's" in lines[0] and str(cache) in lines[0], lines
    assert tree(cache) == before, "not even a marker or a probe is left in it"
    assert not (tmp_path / "out").exists()


# ----- outputs: a user's file is never replaced silently --------------------------------------------------------
def test_a_users_json_manifest_is_refused_then_replaced_with_force(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    theirs = json.dumps({"files": [{"file": "explore/explore.html"}], "tool": "another"})  # JSON, not ours
    (out / "manifest.json").write_text(theirs)
    line = refused(capsys, *TINY, "--out", str(out))
    assert "manifest.json is not a manifest of ours" in line and "--force" in line
    assert tree(out) == {"manifest.json": theirs.encode()}, "nothing written, nothing left"
    assert main([*TINY, "--out", str(out), "--force"]) == 0
    capsys.readouterr()
    written = json.loads((out / "manifest.json").read_text())
    assert written["project"] == "self-attention-animated"
    assert [record["file"] for record in written["files"]] == ["explore/explore.html"]
    assert main([*TINY, "--out", str(out)]) == 0, "our own manifest and page are ours to replace"


def test_a_users_page_at_an_outputs_name_is_refused_but_our_listed_page_is_replaced(tmp_path, capsys):
    out = tmp_path / "out"
    assert main([*TINY, "--out", str(out), "--name", "ours"]) == 0
    (out / "explore" / "ours.html").write_text("edited, but listed by our manifest")
    (out / "explore" / "lecture.html").write_text("a user's page")
    line = refused(capsys, *TINY, "--out", str(out), "--name", "lecture")
    assert str(out / "explore" / "lecture.html") in line and "no manifest of ours lists it" in line
    assert (out / "explore" / "lecture.html").read_text() == "a user's page"
    assert main([*TINY, "--out", str(out), "--name", "ours"]) == 0
    capsys.readouterr()
    assert (out / "explore" / "ours.html").read_text().startswith("<!DOCTYPE html>")


def test_publishing_refuses_a_users_file_the_plan_could_not_name(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "Talk.srt").write_text("my own subtitles")  # e.g. put there after the checks before the work
    staging = Staging(out)
    movie, subtitles = staging.path("Talk.mp4"), staging.path("Talk.srt")
    movie.write_bytes(b"frames")
    subtitles.write_text("ours")
    written = [Written(movie, "Talk", "part", "video", "mp4"), Written(subtitles, "Talk", "part", "subtitles", "srt")]
    with pytest.raises(UserError, match="Talk.srt is not a file of ours"):
        staging.publish(written)
    staging.discard()
    assert tree(out) == {"Talk.srt": b"my own subtitles"}, "refused before the first file was moved"
    forced = Staging(out)
    forced.path("Talk.srt").write_text("ours")
    forced.publish([Written(forced.root / "Talk.srt", "Talk", "part", "subtitles", "srt")], force=True)
    assert tree(out) == {"Talk.srt": b"ours"}


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]], ids=["run", "dry-run"])
def test_a_users_subtitles_beside_a_movie_are_refused_before_filming(tmp_path, dry_run):
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    (out / "Step3Softmax.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nmy own translation\n")
    before = tree(out)
    done = run("Step3Softmax", "-q", "l", "--format", "webm", "--sections", *dry_run, "--out", str(out), cache=cache)
    assert done.returncode == 2 and done.stdout == "", done.stdout
    (line,) = done.stderr.strip().splitlines()
    assert "Step3Softmax.srt is not a file of ours" in line and "--force" in line
    assert tree(out) == before, "no staging folder, no movie"
    assert sorted(p.name for p in cache.iterdir()) == [MARK], "no render made, nothing cached"


def test_a_dry_run_lists_every_file_a_video_run_writes_beside_its_movie(tmp_path, render_cache):
    out = tmp_path / "out"
    done = run("Step2Scale", "-q", "l", "--sections", "--dry-run", "--out", str(out), cache=render_cache())
    assert done.returncode == 0, done.stderr
    listed = done.stdout.split("would write:")[1].split()
    assert listed == [
        str(out / name)
        for name in ("Step2Scale.mp4", "Step2Scale.srt", "sections/Step2Scale/00_step2_scale.mp4", "manifest.json")
    ]
    assert not out.exists()


@pytest.mark.parametrize(
    ("users", "refused_name"),
    [
        (["step3_softmax-mine.svg", "step3_softmax_v2.svg/", "step3_softmax.png"], None),  # like ours, not ours
        (["step3_softmax-mine.svg", "step3_softmax.svg"], "step3_softmax.svg"),  # the very name the run writes
    ],
    ids=["near-names-kept", "exact-name-refused"],
)
def test_figures_are_checked_against_the_very_names_a_run_writes(tmp_path, render_cache, users, refused_name):
    out = tmp_path / "out"
    (out / "figures").mkdir(parents=True)
    for name in users:  # a name ending in "/" is a folder
        if name.endswith("/"):
            (out / "figures" / name / "inside.txt").mkdir(parents=True)
        else:
            (out / "figures" / name).write_text(f"my {name}")
    before = tree(out)
    done = run(
        "figures",
        "Step3Softmax",
        "--width",
        "16",
        "--formats",
        "svg",
        "--dry-run",
        "--out",
        str(out),
        cache=render_cache(),
    )
    if refused_name is None:
        assert done.returncode == 0 and "would write:" in done.stdout, done.stderr
    else:
        assert done.returncode == 2, done.stdout
        (line,) = done.stderr.strip().splitlines()
        assert f"figures/{refused_name} is not a file of ours" in line
    assert tree(out) == before


def test_a_file_a_concurrent_run_published_meanwhile_is_not_taken_for_a_users(tmp_path):
    out = tmp_path / "out"
    ours = Staging(out)
    ours.path("Talk.srt").write_text("this run's")
    other = out / "Talk.srt"  # another run of ours published it after this one began, its manifest not yet written
    for _ in range(100_000):  # until the file system's clock has ticked past this run's start
        other.write_text("the other run's")
        if os.lstat(other).st_ctime_ns > ours.started:
            break
        other.unlink()
    else:
        pytest.fail("the file system's clock never ticked")
    (placed,) = ours.publish([Written(ours.root / "Talk.srt", "Talk", "part", "subtitles", "srt")])
    assert placed.path.read_text() == "this run's"


def test_a_run_that_places_nothing_keeps_a_users_empty_folder_and_removes_its_own(tmp_path):
    users = tmp_path / "mine"
    users.mkdir()  # made by the user, empty, before the run
    assert Staging(users).publish([]) == []
    made = tmp_path / "made" / "here"
    assert Staging(made).publish([]) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"] and list(users.iterdir()) == []


def test_a_decks_media_folder_holding_a_users_file_is_not_replaced(tmp_path):
    media = tmp_path / "talk_media"
    media.mkdir()
    (media / "01.mp4").write_bytes(b"an older deck's clip")
    (media / "speaker-notes.md").write_text("mine")
    with pytest.raises(DeckError, match="speaker-notes.md"), atomic_folder(media) as (_, commit):
        commit()
    assert tree(tmp_path) == {
        "talk_media": None,
        "talk_media/01.mp4": b"an older deck's clip",
        "talk_media/speaker-notes.md": b"mine",
    }
    (media / "speaker-notes.md").unlink()
    with atomic_folder(media) as (folder, commit):  # an older deck's media alone: replaced as before
        (folder / "01.mp4").write_bytes(b"the new clip")
        commit()
    assert tree(tmp_path) == {"talk_media": None, "talk_media/01.mp4": b"the new clip"}


@pytest.mark.parametrize(
    ("appears", "force", "kept"),
    [("notes", [], True), ("notes", ["--force"], False), ("folder", ["--force"], True)],
    ids=["users-file", "users-file-forced", "folder-forced"],
)
def test_a_manifest_that_appears_during_the_run_is_checked_again_when_written(
    tmp_path, capsys, monkeypatch, appears, force, kept
):
    import rendering.run

    out = tmp_path / "out"
    manifest = out / "manifest.json"
    execute = rendering.run.execute

    def users_file_meanwhile(*args, **kwargs):  # after the checks and the publishing, before the manifest
        placed = execute(*args, **kwargs)
        if appears == "folder":
            (manifest / "inside").mkdir(parents=True)
        else:
            manifest.write_text("my notes, not JSON")
        return placed

    monkeypatch.setattr(rendering.run, "execute", users_file_meanwhile)
    code = main([*TINY, "--out", str(out), "--name", "page", *force])
    page = (out / "explore" / "page.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>"), "published whole"
    left = [path.name for path in out.iterdir()]
    assert sorted(left) == ["explore", "manifest.json"], "no temporary manifest left"
    if kept:
        (line,) = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and "manifest.json is " in line and "1 file(s) published are complete" in line
        assert manifest.is_dir() if appears == "folder" else manifest.read_text() == "my notes, not JSON"
    else:
        assert code == 0
        assert [r["file"] for r in json.loads(manifest.read_text())["files"]] == ["explore/page.html"]


# ----- paths that cannot be written: one line, exit 2, nothing half-written --------------------------------------
def test_links_that_lead_nowhere_are_one_line(tmp_path, capsys):
    (tmp_path / "gone").symlink_to(tmp_path / "never" / "made")
    assert "is a link to" in refused(capsys, *TINY, "--out", str(tmp_path / "gone" / "deeper"))
    (tmp_path / "ping").symlink_to(tmp_path / "pong")
    (tmp_path / "pong").symlink_to(tmp_path / "ping")
    assert "loop of links" in refused(capsys, *TINY, "--out", str(tmp_path / "pong"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gone", "ping", "pong"]


def test_a_manifest_folder_is_refused_before_any_file_is_published(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "manifest.json" / "inside").mkdir(parents=True)
    before = tree(out)
    assert "it is a folder" in refused(capsys, *TINY, "--out", str(out), "--force")
    assert tree(out) == before, "no page published, no temporary manifest left"


def test_over_long_names_and_paths_are_one_short_line(tmp_path, capsys):
    long_name = "é" * 130  # 260 bytes in UTF-8, 130 characters
    line = refused(capsys, *TINY, "--out", str(tmp_path / long_name))
    assert "255 bytes" in line and long_name not in line and len(line) < 300
    deep = tmp_path.joinpath(*["folder" * 20] * 40)  # names that fit, a path that does not
    line = refused(capsys, *TINY, "--out", str(deep))
    assert "4096" in line and str(deep) not in line and len(line) < 300
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_on_the_way_is_one_line(tmp_path, capsys):
    out = tmp_path / "out"
    (out / "explore").mkdir(parents=True)
    locked = subprocess.run(["chattr", "+i", str(out / "explore")], capture_output=True)  # binds root too
    if locked.returncode != 0:
        pytest.skip("chattr +i is not available on this file system")
    try:
        line = refused(capsys, *TINY, "--out", str(out))
        assert "not writable" in line and str(out / "explore") in line
        assert tree(out) == {"explore": None}
    finally:
        subprocess.run(["chattr", "-i", str(out / "explore")], check=True)
