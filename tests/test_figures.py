"""`render.py figures` as an article author uses it: one figure per meaningful state, cropped to its content,
named after scene and section, captioned in the manifest; and every ordinary sentence draws in every scene."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from attention import Capability, Request
from rendering.spec import Look, StillJob
from rendering.workers.pool import run_jobs
from rendering.workers.scene_jobs import render_stills
from rendering.workers.stills import MARGIN
from scenes.catalog import SCENES as ALL_SCENES

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 480  # pixels: small, since the drawing is not what is under test here
# Without --model the figures are the toy model's: every scene but the pretrained model's heads
SCENES = [scene for scene in ALL_SCENES if Capability.LAYER_HEADS not in scene.part.needs]


def figures(*args, out: Path, env=None) -> subprocess.CompletedProcess:
    command = [sys.executable, str(ROOT / "render.py"), "figures", *args, "--out", str(out)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=900)


@pytest.fixture(scope="module")
def video_figures(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    result = figures("--width", str(WIDTH), out=out)
    assert result.returncode == 0, result.stderr
    return out, json.loads((out / "manifest.json").read_text())


def test_every_scene_has_its_figures_named_after_part_and_section(video_figures):
    out, manifest = video_figures
    names = {Path(entry["file"]).stem for entry in manifest["files"]}
    for scene in SCENES:
        part = scene.part
        expected = {part.name} if not part.sections else {f"{part.name}-{s}" for s in part.section_names}
        mine = {name for name in names if name == part.name or name.startswith(part.name + "-")}
        assert mine, f"{scene.__name__} wrote no figure"
        assert mine <= expected | {f"{e}-{v}" for e in expected for v in ("batch",)}, (scene.__name__, mine)
    # the states the issue names: the causal and the padding mask, every head's map and the concat, all W's
    for name in ("masking-causal_mask", "masking-padding_mask", "multi_head-heads", "multi_head-concat", "tokens"):
        assert name in names
    for entry in manifest["files"]:
        assert (out / entry["file"]).is_file()
        assert entry["kind"] == "figure" and entry["format"] in ("png", "svg", "pdf")


def test_captions_describe_the_trace(video_figures):
    _, manifest = video_figures
    captions = {Path(e["file"]).stem: e["caption"] for e in manifest["files"]}
    assert captions["step3_softmax"].startswith("Step 3") and "11 \u00d7 11" in captions["step3_softmax"]
    assert "'Jane is going \u2026', d = 5, seed 0" in captions["step3_softmax"]
    assert "each row sums to 1" in captions["step3_softmax"]
    for name, caption in captions.items():
        assert caption.endswith(".") and "\n" not in caption and len(caption) < 400, name


def blank_margins(path: Path) -> tuple[int, int, int, int]:
    """Pixels of background between the content and each edge: left, right, top, bottom."""
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    background = pixels[0, 0]
    ink = np.argwhere(np.abs(pixels - background).sum(axis=2) > 24)
    top, left = ink.min(axis=0)
    bottom, right = ink.max(axis=0)
    height, width = pixels.shape[:2]
    return left, width - 1 - right, top, height - 1 - bottom


def test_figures_are_cropped_to_their_content_with_an_even_margin(video_figures):
    out, manifest = video_figures
    pngs = [out / e["file"] for e in manifest["files"] if e["format"] == "png"]
    assert pngs
    for png in pngs:
        with Image.open(png) as image:
            width, height = image.size
        margin = MARGIN * width / json_width(manifest, png, out)  # the margin in pixels at this figure's scale
        sides = blank_margins(png)
        # no side is emptier than the margin (plus antialiasing and the widest stroke)
        assert max(sides) <= margin + 3, (png.name, sides, round(margin, 1))
        assert width == WIDTH


def json_width(manifest: dict, png: Path, out: Path) -> float:
    """The figure's width in Manim units, from its pixel size and the frame's pixels per unit at this width."""
    entry = next(e for e in manifest["files"] if out / e["file"] == png)
    return entry["units"][0]


def test_crop_frame_keeps_the_16_9_frame(tmp_path):
    result = figures("step2_scale", "--crop", "frame", "--formats", "png", "--width", "320", out=tmp_path)
    assert result.returncode == 0, result.stderr
    with Image.open(tmp_path / "figures" / "step2_scale.png") as image:
        assert image.size == (320, 180)


# ----- every ordinary sentence draws ------------------------------------------------------------------------
# (sentence, d): long words, German compounds, attached punctuation, CJK, Cyrillic, French elisions, a 40-character
# token, 2 to 16 tokens, and every d from 2 to 8.
SENTENCES = [
    ("Jane is going to the cinema to watch a new movie", 5),
    (
        "Der Bundesverfassungsgerichtspräsident kritisierte die Datenschutzgrundverordnung wegen "
        "unverhältnismäßiger Dokumentationspflichten für Kleinunternehmen",
        8,
    ),
    (
        "Internationalization and characterization of electroencephalographically measured responsiveness "
        "remains extraordinarily counterintuitive",
        2,
    ),
    ('Wait, what?! She said: "no" (twice) — and left...', 3),
    ("我们 今天 晚上 去 电影院 看 一部 新 电影", 4),
    ("The quick brown fox jumps over the lazy dog while the old cat sleeps soundly", 6),
    ("Attention lets every token look at every other token and decide how much each one matters", 7),
    ("Rechtsschutzversicherungsgesellschaften übernehmen Anwaltskosten", 5),
    ("Supercalifragilisticexpialidocious-forty is long", 4),
    ("A cat and a dog and a bird sat on the warm roof day", 2),
    ("L'attention est tout ce dont vous avez besoin, n'est-ce pas ?", 6),
    ("Привет мир, это проверка механизма внимания", 3),
    ("Hello world", 2),
    ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen", 8),
]


@pytest.fixture(scope="module")
def sentence_figures(tmp_path_factory, render_cache) -> dict:
    """Every scene's figures (PNG, 160 px) for every sentence, as ``render.py figures`` draws them
    (rendering.workers.scene_jobs.render_stills), in one pool of two workers: each worker builds many scenes, so
    Manim starts and LaTeX is loaded twice in all, not once per sentence. {(sentence, scene): Stills}."""
    work = tmp_path_factory.mktemp("sentences")
    pairs = [(sentence, d, scene.__name__) for sentence, d in SENTENCES for scene in SCENES]
    calls = []
    for n, (sentence, d, scene) in enumerate(pairs):
        request = Request.from_sentence(sentence, d=d)
        calls.append((render_stills, (StillJob(scene, 160, ("png",), "content"), request, Look(), str(work / f"{n}"))))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ATTENTION_CACHE", str(render_cache()))  # the workers' Manim slots: the session's
        results = run_jobs(2, calls)
    return {(sentence, scene): stills for (sentence, _, scene), stills in zip(pairs, results, strict=True)}


@pytest.mark.parametrize(("sentence", "d"), SENTENCES, ids=[f"{len(s.split())}w-d{d}" for s, d in SENTENCES])
def test_every_scene_draws_an_ordinary_sentence(sentence_figures, sentence, d):
    for scene in SCENES:
        stills = sentence_figures[(sentence, scene.__name__)]
        assert stills.error is None, (scene.__name__, stills.error)
        assert stills.figures, f"{scene.__name__} marked no figure"
        for still in stills.figures:
            with Image.open(still.files["png"]) as image:
                assert image.width == 160 and image.height > 0, (still.name, image.size)


def test_a_scene_that_cannot_draw_is_named_and_the_others_are_written(tmp_path):
    """Eight heads of 16 x 16 weights do not fit side by side: the multi-head scene is left out, not the rest."""
    sixteen = SENTENCES[-1][0]
    scenes = ("step3_softmax", "multi_head")
    result = figures(
        *scenes, "--sentence", sixteen, "--d", "8", "--heads", "8", "--formats", "png", "--width", "160", out=tmp_path
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "MultiHeadScene" in lines[0] and "heatmaps" in lines[0], lines
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [e["scene"] for e in manifest["not_drawn"]] == ["MultiHeadScene"]
    assert {e["scene"] for e in manifest["files"]} == {"Step3Softmax"}
    assert manifest["files"][0]["inputs"]["tokens"] == sixteen.split()  # whole tokens, however they are drawn


def test_nothing_drawable_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    sixteen = SENTENCES[-1][0]
    result = figures("multi_head", "--sentence", sixteen, "--d", "8", "--heads", "8", out=out)
    assert result.returncode == 2
    assert not out.exists()


# ----- digits in a figure: legible at the figure's own size, or not drawn ---------------------------------------
def grid_digit_pixels(job: StillJob, request: Request, work: Path, monkeypatch) -> list[float]:
    """The height, in pixels of the figure written, of every digit a grid drawing its numbers "auto" shows in the
    figures of ``job``: the mobjects each still is drawn from, measured as the exporter draws them."""
    from rendering.workers import stills
    from scenes.kit.matrix_grid import MatrixGrid

    heights: list[float] = []
    draw = stills.write_still

    def measured(kind, mobjects, box, width, *args):
        per_unit = box.pixels(width)[0] / box.width
        for part in (p for m in mobjects for p in m.get_family()):
            if isinstance(part, MatrixGrid) and part.numbers_mode == "auto":
                heights.extend(n.digit_height * per_unit for n in part.numbers if hasattr(n, "digit_height"))
        draw(kind, mobjects, box, width, *args)

    monkeypatch.setattr(stills, "write_still", measured)
    result = render_stills(job, request, Look(), str(work))
    assert result.error is None and result.figures, result.error
    return heights


@pytest.mark.parametrize("crop", ["content", "frame"])
def test_grid_digits_in_a_figure_are_legible_at_its_width_or_not_drawn(tmp_path, monkeypatch, crop):
    """Step 4's A, V and R at 1280 px: digits at least READABLE_PIXELS tall in the PNG written, or none; at
    3840 px the same grids do draw theirs (the rule is the figure's size, not a blanket "off")."""
    from scenes.kit.legibility import READABLE_PIXELS

    request = Request.from_sentence("Jane is going to the cinema to watch a new movie", d=5)
    small = grid_digit_pixels(StillJob("Step4Output", 1280, ("png",), crop), request, tmp_path / "1280", monkeypatch)
    assert all(h >= READABLE_PIXELS for h in small), f"digits {min(small):.1f} px tall at 1280 px"
    large = grid_digit_pixels(StillJob("Step4Output", 3840, ("png",), crop), request, tmp_path / "3840", monkeypatch)
    assert large and min(large) >= READABLE_PIXELS, "at 3840 px the grids' digits are legible and drawn"


def test_a_text_is_typeset_the_same_for_a_figure_a_few_hundred_pixels_wide(tmp_path):
    # Manim lays a Text out on a canvas of the frame's pixels: in a 160-pixel figure a long line wrapped, grew, and
    # the scene holding it was refused (scenes/manim_patches/text_canvas.py)
    from manim import Text, tempconfig

    line = "Deeper layers take the previous layer's output as their X, not embeddings."
    sizes = []
    for width, height in ((854, 480), (160, 90)):
        with tempconfig({"pixel_width": width, "pixel_height": height, "media_dir": str(tmp_path / str(width))}):
            text = Text(line, font_size=24)
            sizes.append((round(text.width, 6), round(text.height, 6), len(text.submobjects)))
    assert sizes[0] == sizes[1]
