"""render.py end to end at low quality: formats, sections, figures, manifest, and every bad input."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import av
import pytest
from PIL import Image
from pypdf import PdfReader

from attention import Capability
from rendering.files import FILE_MODE
from scenes.registry import ALL_SCENES
from scenes.video.full_video import FullVideo

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--resolution", "320,180", "--fps", "5"]  # fast renders where the pixel size is not under test


@pytest.fixture(scope="module", autouse=True)
def private_cache(render_cache):
    """render.py reuses the outputs it remembers in ATTENTION_CACHE: these tests render into a fresh one (Manim's
    LaTeX warm, see conftest.py), never the user's, so each of them sees its render happen."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ATTENTION_CACHE", str(render_cache()))
        yield


def render(*args, out: Path | None = None, env=None, check=True, timeout=600):
    command = [sys.executable, str(ROOT / "render.py"), *args]
    if out is not None:
        command += ["--out", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def video_facts(path: Path, codec: str | None = None) -> tuple[int, int, int, str]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        if codec:
            decoder = av.CodecContext.create(codec, "r")
            frames = [f for packet in container.demux(stream) for f in decoder.decode(packet)]
        else:
            frames = list(container.decode(stream))
    return frames[0].width, frames[0].height, len(frames), frames[0].format.name


@pytest.fixture(scope="module")
def mp4_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("mp4")
    result = render("ShapeTracking", "-q", "l", out=out)
    return out, result


def test_mp4_has_the_preset_size_and_frames(mp4_run):
    out, result = mp4_run
    width, height, frames, pix = video_facts(out / "ShapeTracking.mp4")
    length = manifest(out)["files"][0]["duration"]
    assert (width, height, pix) == (854, 480, "yuv420p")
    assert abs(frames - length * 15) <= 2
    assert "ShapeTracking" in result.stdout and "%" in result.stdout  # progress lines
    assert (out / "ShapeTracking.srt").read_text().strip()


def test_manifest_lists_exactly_the_files_with_their_hashes(mp4_run):
    out, _ = mp4_run
    document = manifest(out)
    files = {entry["file"]: entry for entry in document["files"]}
    on_disk = {p for p in listing(out) if p != "manifest.json"}
    assert set(files) == on_disk == {"ShapeTracking.mp4", "ShapeTracking.srt"}
    for name, entry in files.items():
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
        assert (out / name).stat().st_mode & 0o777 == FILE_MODE  # as shareable as any file the user makes
        assert entry["scene"] == "ShapeTracking" and entry["part"] == "shapes" and entry["step"] is None
        assert entry["inputs"]["seed"] == 0 and len(entry["trace_sha256"]) == 64
    assert document["manim_version"] == "0.22.0" and document["project_version"]
    assert files["ShapeTracking.mp4"]["resolution"] == [854, 480] and files["ShapeTracking.mp4"]["fps"] == 15


def test_gif(tmp_path):
    render("ShapeTracking", "--format", "gif", *SMALL, out=tmp_path)
    width, height, frames, _ = video_facts(tmp_path / "ShapeTracking.gif")
    assert (width, height) == (320, 180) and frames > 10


def test_transparent_webm_keeps_alpha(tmp_path):
    render("ShapeTracking", "--transparent", "--format", "webm", *SMALL, out=tmp_path)
    path = tmp_path / "ShapeTracking.webm"
    with av.open(str(path)) as container:
        assert container.streams.video[0].metadata.get("alpha_mode") == "1"
    width, height, frames, pix = video_facts(path, codec="libvpx-vp9")
    assert (width, height, pix) == (320, 180, "yuva420p")
    with av.open(str(path)) as container:
        decoder = av.CodecContext.create("libvpx-vp9", "r")
        last = [f for p in container.demux(container.streams.video[0]) for f in decoder.decode(p)][-1]
    alpha = last.to_ndarray(format="rgba")[..., 3]
    assert alpha.min() == 0 and alpha.max() == 255  # a transparent background behind opaque shapes


def test_transparent_mov_is_argb(tmp_path):
    render("ShapeTracking", "--transparent", *SMALL, out=tmp_path)
    assert video_facts(tmp_path / "ShapeTracking.mov")[3] == "argb"


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    render("figures", "step1_matmul", "tokens", "--width", "1200", out=out)
    return out / "figures"


def png_size(path: Path) -> tuple[int, int]:
    with Image.open(path) as image:
        return image.size


def test_figures_png_has_the_asked_width(figures):
    width, height = png_size(figures / "step1_matmul.png")
    entries = {Path(e["file"]).name: e for e in manifest(figures.parent)["files"]}
    assert width == 1200 and 0 < height <= 675  # cropped to its content, at most the 16:9 frame
    assert entries["step1_matmul.png"]["resolution"] == [width, height]


def test_figures_svg_is_vector(figures):
    tree = ET.parse(figures / "step1_matmul.svg")
    tags = {element.tag.rsplit("}", 1)[-1] for element in tree.iter()}
    assert "path" in tags and "image" not in tags


def test_figures_pdf_opens_and_holds_no_raster(figures):
    reader = PdfReader(figures / "step1_matmul.pdf")
    assert len(reader.pages) == 1
    page = reader.pages[0]
    width, height = png_size(figures / "step1_matmul.png")
    assert [float(v) for v in page.mediabox] == [0, 0, width, height]  # the PNG's crop, in points
    assert "/XObject" not in (page.get("/Resources") or {})
    assert len(page.get_contents().get_data()) > 10_000


def test_figures_are_byte_identical_on_a_second_run(tmp_path, render_cache):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):  # each with an empty output cache, so the second is rendered too
        env = {**os.environ, "ATTENTION_CACHE": str(render_cache())}
        render("figures", "step2_scale", "--width", "640", out=out, env=env)
    for name in ("step2_scale.png", "step2_scale.svg", "step2_scale.pdf"):
        assert (first / "figures" / name).read_bytes() == (second / "figures" / name).read_bytes(), name


def test_latex_special_tokens_are_drawn_literally(tmp_path):
    tokens = ["\\input{/etc/hostname}", "$x$", "&", "%", "#", "_a^b", "~", "{}", "caf\u00e9", "\u65e5\u672c"]
    render("figures", "tokens", "--formats", "png", "--width", "960", "--tokens", *tokens, out=tmp_path)
    assert (tmp_path / "figures" / "tokens.png").is_file()
    assert manifest(tmp_path)["files"][0]["inputs"]["tokens"] == tokens


def test_config_file_with_command_line_winning(tmp_path):
    config = tmp_path / "figure.toml"
    config.write_text('d = 3\nseed = 4\ntheme = "dark"\nformats = ["svg"]\nwidth = 640\n')
    out = tmp_path / "out"
    render("figures", "step2_scale", "--config", str(config), "--seed", "5", out=out)
    inputs = manifest(out)["files"][0]["inputs"]
    assert (inputs["d"], inputs["seed"], inputs["theme"]) == (3, 5, "dark")
    assert listing(out / "figures") == ["step2_scale.svg"]


def test_manifest_keeps_earlier_runs_files(tmp_path):
    render("figures", "step2_scale", "--formats", "svg", "--width", "320", out=tmp_path)
    render("figures", "shapes", "--formats", "svg", "--width", "320", out=tmp_path)
    assert [e["file"] for e in manifest(tmp_path)["files"]] == ["figures/shapes.svg", "figures/step2_scale.svg"]
    (tmp_path / "figures" / "shapes.svg").write_text("changed by hand")
    render("figures", "step2_scale", "--formats", "svg", "--width", "320", "--seed", "1", out=tmp_path)
    files = manifest(tmp_path)["files"]
    assert [(e["file"], e["seed"]) for e in files] == [("figures/step2_scale.svg", 1)]


def test_dry_run_writes_nothing(tmp_path):
    out = tmp_path / "never"
    result = render("Step2Scale", "--dry-run", out=out)
    assert "would write" in result.stdout and str(out / "Step2Scale.mp4") in result.stdout
    assert not out.exists()


def test_list_names_every_scene_with_its_length():
    lines = render("--list").stdout.strip().splitlines()
    assert len(lines) == len(ALL_SCENES)
    for cls, line in zip(ALL_SCENES, lines, strict=True):
        assert line.startswith(cls.__name__) and cls.part.description in line
        # a scene of a pretrained model's heads cannot be built without --model: it says so instead of a length
        drawn = Capability.LAYER_HEADS not in cls.part.needs
        assert (" s " in line) == drawn and ("needs --model" in line) != (" s " in line)


def test_two_renders_into_one_folder_at_once(tmp_path):
    command = [sys.executable, str(ROOT / "render.py"), "ShapeTracking", *SMALL, "--out", str(tmp_path)]
    runs = [
        subprocess.Popen(
            [*command, "--seed", str(seed)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for seed in (1, 2)
    ]
    results = [(run.wait(timeout=600), run.stderr.read()) for run in runs]
    assert [code for code, _ in results] == [0, 0], results
    assert (tmp_path / "ShapeTracking.mp4").is_file()


def test_interrupted_run_leaves_no_partial_file(tmp_path):
    run = subprocess.Popen(
        [sys.executable, str(ROOT / "render.py"), FullVideo.__name__, "--out", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    for line in run.stdout:  # wait until it is rendering
        if b"%" in line:
            break
    os.killpg(run.pid, signal.SIGINT)
    assert run.wait(timeout=120) == 128 + signal.SIGINT
    errors = run.stderr.read().decode().strip().splitlines()
    assert errors == ["render.py: interrupted (SIGINT); nothing was left half-written"]  # one line: no leaked semaphore
    assert not any(name.endswith((".mp4", ".srt", ".json")) or name.startswith(".run") for name in listing(tmp_path))


BAD = [
    (["NoSuchScene"], "unknown scene"),
    (["--tokens", *[f"w{i}" for i in range(17)]], "17 tokens"),
    (["--d", "9"], "d = 9"),
    (["--sentence", "   "], "no words"),
    (["--quality", "z"], "must be one of"),
    (["--decimals", "9"], "--decimals"),
    (["--format", "mp4", "--transparent"], "no alpha"),
    (["--resolution", "abc"], "--resolution"),
    (["--jobs", "0"], "--jobs"),
]


@pytest.mark.parametrize("args, message", BAD, ids=[m for _, m in BAD])
def test_bad_input_exits_2_and_leaves_the_folder_unchanged(tmp_path, args, message):
    (tmp_path / "keep.txt").write_text("mine")
    before = listing(tmp_path)
    result = render(*args, out=tmp_path, check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr
    assert listing(tmp_path) == before


def test_unwritable_out(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = render("Step2Scale", out=blocker / "sub", check=False)
    assert result.returncode == 2 and "not a folder" in result.stderr
    assert listing(tmp_path) == ["file"]


def test_unknown_config_key(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("colour = 'red'\n")
    result = render("--config", str(config), out=tmp_path / "o", check=False)
    assert result.returncode == 2 and "unknown option 'colour'" in result.stderr
    assert not (tmp_path / "o").exists()


def test_missing_latex(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no latex, no dvisvgm
    result = render("Step2Scale", out=tmp_path / "o", env=env, check=False)
    assert result.returncode == 2 and "latex is not installed" in result.stderr
    assert not (tmp_path / "o").exists()
