"""`render.py deck` end to end, as a lecturer runs it: the HTML deck in a real headless Chromium (keys, URL hash,
playing clip, notes, reload, poster on screen), the PowerPoint deck read back with python-pptx, the light and
dark themes, a narrated deck (--voice joe: its slides' voice after a key press, M), the manifest, and bad input.

One render of each deck is shared by the module, at a tiny size (320x180 at 5 fps; DECK_RESOLUTION=1280,720 for
sharper screenshots). Screenshots go to pytest's temporary directory and, if DECK_SCREENS names a folder, there too;
docs/deck.png is deck_slide3_end_notes.png of a run at 1280,720, reduced to 256 colours.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import srt
from deck_browser import (
    assert_playing,
    crop,
    current_slide,
    difference,
    open_deck,
    play_to_end,
    press,
    sound_state,
    wait_for_deck,
)
from PIL import Image
from pptx import Presentation
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from rendering.inspection.browser import start_chromium, wait
from scenes.topics.embedding import EmbeddingScene
from scenes.video.shapes import ShapeTracking

ROOT = Path(__file__).resolve().parent.parent
SIZE = os.environ.get("DECK_RESOLUTION", "320,180")
PICTURE = ["--resolution", SIZE, "--fps", "5"]
SCENE = EmbeddingScene  # four sections, 45 s of video: a short scene with enough slides to go to the third
DARK = ShapeTracking  # one section, 10 s
DARK_NAME = "week 3"  # a name with a space: the clips beside it are referenced by quoted URLs


def render(*args: str, out: Path, check: bool = True) -> subprocess.CompletedProcess:
    command = [sys.executable, str(ROOT / "render.py"), *args, "--out", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=600)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def manifest(out: Path) -> dict:
    return {entry["file"]: entry for entry in json.loads((out / "manifest.json").read_text())["files"]}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """{name: (output folder, stdout)} of three renders run at once: the light deck, the dark deck (clips
    beside it, a name of its own), and the scene's video with its section clips, to check the deck against."""
    root = tmp_path_factory.mktemp("deck_cli")
    commands = {
        "light": ["deck", SCENE.__name__, *PICTURE],
        "dark": [
            "deck",
            DARK.__name__,
            "--theme",
            "dark",
            "--deck-media",
            "beside",
            "--deck-name",
            DARK_NAME,
            *PICTURE,
        ],
        "reference": [SCENE.__name__, "--sections", *PICTURE],
    }
    started = {
        name: subprocess.Popen(
            [sys.executable, str(ROOT / "render.py"), *args, "--out", str(root / name), "--jobs", "1"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, args in commands.items()
    }
    done = {}
    for name, run in started.items():
        stdout, stderr = run.communicate(timeout=600)
        assert run.returncode == 0, f"{name}: {stderr}"
        done[name] = (root / name, stdout)
    # the narrated deck after the reference, which is narrated too (a video's default voice): the same render,
    # which the output cache serves, so its section clips are the reference's
    voiced = root / "voiced"
    done["voiced"] = (
        voiced,
        render("deck", SCENE.__name__, "--voice", "joe", *PICTURE, "--jobs", "1", out=voiced).stdout,
    )
    return done


def words(text: str) -> str:
    """``text`` with its line breaks and runs of spaces as single spaces: the narrated reference's .srt splits a
    long cue where the voice pauses (rendering/timed_text), a silent deck's does not, with the same words."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def narration(runs) -> list[str]:
    """Each section's narration, from the reference render: the .srt lines whose middle falls in the section's
    stretch of the movie (the section clips are consecutive; their lengths are frames / frame rate)."""
    out, _ = runs["reference"]
    ends, at = [], Fraction(0)
    for section in SCENE.part.section_names:
        (clip,) = (out / "sections" / SCENE.__name__).glob(f"*_{section}.mp4")
        with av.open(str(clip)) as container:
            stream = container.streams.video[0]
            at += Fraction(stream.frames) / Fraction(stream.average_rate)
        ends.append(at)
    texts: list[list[str]] = [[] for _ in ends]
    for subtitle in srt.parse((out / f"{SCENE.__name__}.srt").read_text(encoding="utf-8")):
        middle = Fraction((subtitle.start + subtitle.end).total_seconds()) / 2
        texts[next((n for n, end in enumerate(ends) if middle < end), len(ends) - 1)].append(subtitle.content)
    return ["\n".join(lines) for lines in texts]


@pytest.fixture(scope="module")
def driver(tmp_path_factory) -> Iterator:
    browser = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.quit()


@pytest.fixture(scope="module")
def strict(tmp_path_factory) -> Iterator:
    """Chromium under its own autoplay policy: sound only once the page has had a key press or a click."""
    browser = start_chromium(tmp_path_factory.mktemp("chromium-strict"), autoplay=False)
    yield browser
    browser.quit()


def _data(uri: str) -> bytes:
    return base64.b64decode(uri.split(",", 1)[1])


def _frames(clip: bytes) -> tuple[Image.Image, Image.Image]:
    """The first and last frame of an mp4 given as bytes."""
    with av.open(io.BytesIO(clip)) as container:
        frames = [frame.to_image() for frame in container.decode(container.streams.video[0])]
    return frames[0], frames[-1]


# ----- the light deck: files, manifest, progress ------------------------------------------------------------------
def test_writes_the_html_and_pptx_and_records_them(runs):
    out, stdout = runs["light"]
    name = SCENE.part.name
    assert listing(out) == ["deck", f"deck/{name}.html", f"deck/{name}.pptx", "manifest.json"]
    entries = manifest(out)
    assert set(entries) == {f"deck/{name}.html", f"deck/{name}.pptx"}
    for file, entry in entries.items():
        assert (entry["kind"], entry["format"], entry["scene"], entry["part"]) == (
            "deck",
            file[-4:],
            SCENE.__name__,
            name,
        )
        assert entry["resolution"] == [int(v) for v in SIZE.split(",")] and entry["fps"] == 5
    # progress: the render's lines (or that the output cache served it), then the deck's
    assert SCENE.__name__ in stdout and ("%" in stdout or "cache" in stdout), stdout
    assert f"deck {name}: 4 slide(s)" in stdout, stdout


# ----- the HTML deck in the browser ---------------------------------------------------------------------------------
def test_third_slide_plays_shows_its_notes_survives_a_reload_and_holds_its_poster(runs, narration, driver, screens):
    out, _ = runs["light"]
    deck = out / "deck" / f"{SCENE.part.name}.html"
    titles = [SCENE.part.section_title(s) for s in SCENE.part.section_names]
    open_deck(driver, deck.as_uri())
    assert current_slide(driver) == 1
    assert driver.title == SCENE.part.title

    press(driver, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    wait(lambda: driver.execute_script("return location.hash") == "#3", what="#3")
    assert current_slide(driver) == 3
    assert driver.find_element(By.CSS_SELECTOR, ".slide.is-current h2").text == titles[2]
    assert_playing(driver)

    press(driver, "s")
    notes = driver.find_element(By.CSS_SELECTOR, "#deck-notes .deck-notes-text")
    assert notes.is_displayed()
    assert words(notes.text) == words(narration[2]) and narration[2].count("\n") >= 1
    assert driver.find_element(By.CSS_SELECTOR, "#deck-notes .deck-notes-next").text == f"Next: {titles[3]}"
    screens("deck_slide3_notes.png", driver.get_screenshot_as_png())
    press(driver, "s")
    assert not notes.is_displayed()

    driver.refresh()
    wait_for_deck(driver, what="the reload")
    assert driver.execute_script("return location.hash") == "#3"
    assert current_slide(driver) == 3
    assert_playing(driver)

    # played to its end the clip holds its last frame, which is the slide's poster (scaled up on the page)
    rect = play_to_end(driver)
    assert rect["ended"] and rect["paused"], rect
    shot = screens("deck_slide3_end.png", driver.get_screenshot_as_png())
    shown = crop(shot, rect)
    video = driver.execute_script(
        "const v = document.querySelector('.slide.is-current video'); return [v.src, v.poster]"
    )
    poster = Image.open(io.BytesIO(_data(video[1])))
    first, last = _frames(_data(video[0]))
    assert poster.size == first.size == tuple(int(v) for v in SIZE.split(","))
    to_poster, to_first = difference(shown, poster), difference(shown, first)
    print(f"\nslide 3 on screen vs its poster: {to_poster:.2f}, vs its clip's first frame: {to_first:.2f}")
    assert difference(poster, last) < 0.5  # the poster is the clip's last frame
    assert to_poster < 2.0 and to_first > 2 * to_poster, (to_poster, to_first)
    press(driver, "s")  # the lecturer's view: the section's result beside its narration (docs/deck.png)
    notes = driver.find_element(By.CSS_SELECTOR, "#deck-notes .deck-notes-text")  # the page was reloaded
    assert notes.is_displayed() and words(notes.text) == words(narration[2])
    screens("deck_slide3_end_notes.png", driver.get_screenshot_as_png())


def test_every_slide_has_its_title_label_and_notes(runs, narration, driver):
    out, _ = runs["light"]
    open_deck(driver, (out / "deck" / f"{SCENE.part.name}.html").as_uri())
    titles = [SCENE.part.section_title(s) for s in SCENE.part.section_names]
    found = driver.execute_script(
        "return [...document.querySelectorAll('.slide')].map(s => [s.querySelector('h2').textContent,"
        " s.querySelector('video').getAttribute('aria-label'), s.querySelector('.slide-notes').textContent])"
    )
    found = [[title, label, words(notes)] for title, label, notes in found]
    assert found == [[t, f"Animation: {t}", words(n)] for t, n in zip(titles, narration, strict=True)]
    press(driver, Keys.END)
    assert current_slide(driver) == len(titles)
    assert_playing(driver)


# ----- the PowerPoint deck ------------------------------------------------------------------------------------------
def test_pptx_has_a_slide_per_section_with_its_movie_title_and_notes(runs, narration):
    out, _ = runs["light"]
    prs = Presentation(str(out / "deck" / f"{SCENE.part.name}.pptx"))
    assert len(prs.slides) == len(SCENE.part.section_names)
    for slide, section, notes in zip(prs.slides, SCENE.part.section_names, narration, strict=True):
        videos = {rel.target_part for rel in slide.part.rels.values() if rel.reltype.endswith("/video")}
        assert len(videos) == 1 and next(iter(videos)).content_type == "video/mp4"
        movies = [shape for shape in slide.shapes if shape.shape_type is not None and shape.shape_type.name == "MEDIA"]
        assert len(movies) == 1
        assert slide.shapes.title.text_frame.text == SCENE.part.section_title(section)
        assert words(slide.notes_slide.notes_text_frame.text) == words(notes)
        assert str(slide.background.fill.fore_color.rgb) == "FFFFFF"
        # its poster is its clip's last frame, not its first (which shows the section before)
        poster = Image.open(io.BytesIO(slide.part.related_part(movies[0]._element.blipFill.blip.rEmbed).blob))
        first, last = _frames(next(iter(videos)).blob)
        assert difference(poster, last) < 0.5
    assert prs.core_properties.title == SCENE.part.title


# ----- the narrated deck ---------------------------------------------------------------------------------------------
def _embedded_clips(html: Path) -> list[bytes]:
    return [base64.b64decode(uri) for uri in re.findall(r'src="data:video/mp4;base64,([^"]+)"', html.read_text())]


def _streams(clip: bytes) -> list[tuple[str, str]]:
    with av.open(io.BytesIO(clip)) as container:
        return [(stream.type, stream.codec_context.name) for stream in container.streams]


def _loudest(clip: bytes) -> float:
    """The clip's loudest half second, in dB of its mean square (speech is far above -40, silence far below)."""
    with av.open(io.BytesIO(clip)) as container:
        audio = container.streams.audio[0]
        samples = np.concatenate([frame.to_ndarray()[0] for frame in container.decode(audio)])
    half = audio.rate // 2
    blocks = samples[: len(samples) // half * half].reshape(-1, half)
    return float(10 * np.log10(np.max(np.mean(blocks**2, axis=1)) + 1e-12))


def test_a_narrated_decks_clips_are_the_narrated_section_clips_html_and_pptx(runs):
    out, stdout = runs["voiced"]
    reference, _ = runs["reference"]
    name = SCENE.part.name
    sections = sorted((reference / "sections" / SCENE.__name__).glob("*.mp4"))
    html = _embedded_clips(out / "deck" / f"{name}.html")
    assert html == [clip.read_bytes() for clip in sections] and len(html) == 4  # the clips that carry their voice
    prs = Presentation(str(out / "deck" / f"{name}.pptx"))
    for slide, clip in zip(prs.slides, html, strict=True):
        (part,) = {rel.target_part for rel in slide.part.rels.values() if rel.reltype.endswith("/video")}
        assert part.content_type == "video/mp4" and part.blob == clip
    for clip in html:
        assert _streams(clip) == [("video", "h264"), ("audio", "aac")]
        assert _loudest(clip) > -40  # each slide's stretch of the narration speaks
    assert manifest(out)[f"deck/{name}.html"]["inputs"]["voice"]["name"] == "joe"
    light, _ = runs["light"]  # the default deck stays silent
    assert all(_streams(clip) == [("video", "h264")] for clip in _embedded_clips(light / "deck" / f"{name}.html"))


def test_a_narrated_deck_speaks_after_a_key_press_and_m_mutes(runs, strict, screens):
    out, _ = runs["voiced"]
    open_deck(strict, (out / "deck" / f"{SCENE.part.name}.html").as_uri())
    assert "M sound on/off" in strict.find_element(By.CSS_SELECTOR, ".deck-notes-keys").get_attribute("textContent")
    wait(lambda: sound_state(strict)["time"] > 0, what="slide 1 to play")
    assert sound_state(strict)["muted"]  # before any key: only muted autoplay is allowed
    press(strict, Keys.ARROW_RIGHT)
    assert current_slide(strict) == 2
    assert_playing(strict)
    wait(lambda: sound_state(strict)["audio"] > 0, what="slide 2's audio to be decoded")
    state = sound_state(strict)
    assert not state["muted"] and state["volume"] > 0 and state["status"] == "Sound on (M mutes)", state
    screens("deck_narrated_slide2.png", strict.get_screenshot_as_png())
    press(strict, "m")
    state = sound_state(strict)
    assert state["muted"] and not state["paused"] and state["status"] == "Sound muted (M unmutes)", state


# ----- the dark deck, its clips beside it ---------------------------------------------------------------------------
def test_dark_theme_deck_with_clips_beside_it(runs, driver, screens):
    out, _ = runs["dark"]
    media = f"deck/{DARK_NAME}_media"
    written = [f"deck/{DARK_NAME}.html", f"deck/{DARK_NAME}.pptx", f"{media}/01.mp4", f"{media}/01.png"]
    assert set(manifest(out)) == set(written)
    assert {entry["kind"] for entry in manifest(out).values()} == {"deck"}
    assert listing(out) == sorted(["deck", media, "manifest.json", *written])

    open_deck(driver, (out / written[0]).as_uri())
    colours = driver.execute_script(
        "const s = getComputedStyle(document.body), h = getComputedStyle(document.querySelector('.is-current h2'));"
        "return [s.backgroundColor, h.color, document.querySelector('video').getAttribute('src')];"
    )
    assert colours == ["rgb(21, 23, 28)", "rgb(236, 236, 236)", "week%203_media/01.mp4"]
    assert_playing(driver)
    press(driver, "s")
    screens("deck_dark_notes.png", driver.get_screenshot_as_png())

    prs = Presentation(str(out / written[1]))
    (slide,) = prs.slides
    assert str(slide.background.fill.fore_color.rgb) == "15171C"
    assert {str(r.font.color.rgb) for p in slide.shapes.title.text_frame.paragraphs for r in p.runs} == {"ECECEC"}
    assert slide.shapes.title.text_frame.text == DARK.part.title
    assert slide.notes_slide.notes_text_frame.text.strip()


# ----- bad input --------------------------------------------------------------------------------------------------
BAD = [
    (["NoSuchScene"], "unknown scene"),
    (["ShapeTracking", "--transparent"], "--transparent does not apply to a deck"),
    (["ShapeTracking", "--format", "webm"], "a deck's clips are mp4"),
    (["ShapeTracking", "--deck-name", "../elsewhere"], "--deck-name takes a plain name"),
    (["ShapeTracking", "--deck-media", "zip"], "must be one of"),
]


@pytest.mark.parametrize("args, message", BAD, ids=[m for _, m in BAD])
def test_bad_input_exits_2_and_leaves_the_folder_unchanged(tmp_path, args, message):
    (tmp_path / "keep.txt").write_text("mine")
    before = listing(tmp_path)
    result = render("deck", *args, out=tmp_path, check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr, result.stderr
    assert listing(tmp_path) == before


@pytest.mark.parametrize("blocked", ["out", "deck", "html"])
def test_unwritable_output_exits_2_and_writes_nothing(tmp_path, blocked):
    out = tmp_path / "out"
    if blocked == "out":
        out.write_text("a file where the output folder would be")
    elif blocked == "deck":
        out.mkdir()
        (out / "deck").write_text("a file where the deck folder would be")
    else:
        (out / "deck" / f"{DARK.part.name}.html").mkdir(parents=True)  # a folder where the deck would be
    before = listing(tmp_path)
    result = render("deck", DARK.__name__, *PICTURE, out=out, check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and ("not a folder" in lines[0] or "it is a folder" in lines[0]), result.stderr
    assert listing(tmp_path) == before
