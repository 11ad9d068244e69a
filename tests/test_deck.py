"""The lecture-deck writers (rendering/exporters/deck/) on small synthetic clips: the HTML deck in a real headless
Chromium (keys, hash, autoplay, notes, reduced motion, poster match), the PowerPoint deck read back with
python-pptx, and bad input.

Screenshots go to pytest's temporary directory (the path is printed; run with -s to see it) and, when the
environment variable DECK_SCREENS names a folder, are copied there too.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest
from deck_browser import assert_playing, current_slide, difference, open_deck, press, video_state, wait_for_deck
from PIL import Image
from pptx import Presentation
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from rendering.exporters.deck.html import media_folder, write_html
from rendering.exporters.deck.pptx import SLIDE_HEIGHT, SLIDE_WIDTH, write_pptx
from rendering.exporters.deck.slides import DeckError, Slide, extract_poster
from rendering.inspection.browser import start_chromium, wait

WIDTH, HEIGHT, FPS, FRAMES = 320, 180, 15, 36  # 2.4 s clips
# Distinct, moderately saturated colours: they survive yuv420p and the browser's colour conversion recognisably.
COLOURS = [(200, 60, 60), (60, 160, 70), (60, 90, 200), (210, 170, 40)]
TITLES = ["Step 1: Embeddings", "Step 2: Q·Kᵀ", 'Step 3: Softmax <row> & "quotes"', "Step 4: 加权求和 — weighted sum"]
NOTES = [
    "Each token becomes a vector.",
    "Scores are dot products,\nscaled by \\sqrt{d_k}.",
    "Softmax turns each row of scores into weights: e^{s} / Σ e^{s}.\nA <b>row</b> sums to 1 & never < 0.",
    "注意力: the output is a weighted sum of the values.",
]
LABELS = [f"Animation: step {n}, {word}" for n, word in enumerate(("embeddings", "scores", "softmax", "sum"), 1)]
PPTX_THEMES = {"video": ("#FFFFFF", "#1D1E1A"), "dark": ("#15171C", "#ECECEC")}


# ----- clips and slides --------------------------------------------------------------------------------------------
def _write_clip(path: Path, colour: tuple[int, int, int]) -> None:
    """A solid colour with a bar of its complement moving left to right: H.264, yuv420p, in mp4."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"crf": "18", "preset": "veryfast"}
        for index in range(FRAMES):
            frame = np.empty((HEIGHT, WIDTH, 3), np.uint8)
            frame[:] = colour
            x = index * (WIDTH - 24) // (FRAMES - 1)
            frame[:, x : x + 24] = [255 - c for c in colour]  # visible on light and dark pages
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


@pytest.fixture(scope="module")
def slides(tmp_path_factory) -> list[Slide]:
    folder = tmp_path_factory.mktemp("clips")
    made = []
    for number, colour in enumerate(COLOURS, 1):
        clip = folder / f"section{number}.mp4"
        _write_clip(clip, colour)
        poster = extract_poster(clip, folder / f"section{number}.png")
        made.append(
            Slide(title=TITLES[number - 1], clip=clip, poster=poster, notes=NOTES[number - 1], label=LABELS[number - 1])
        )
    return made


@pytest.fixture(scope="module")
def deck(slides, tmp_path_factory) -> Path:
    return write_html(slides, tmp_path_factory.mktemp("deck") / "talk.html", title="Self-Attention, Animated")


# ----- the browser -------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def driver(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    browser = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.quit()


def _show_first_frame(driver) -> dict:
    """Pause the current clip on its first frame; the displayed picture's rect in CSS pixels (object-fit: contain)."""
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const v = document.querySelector('.slide.is-current video');
        const finish = () => requestAnimationFrame(() => requestAnimationFrame(() => {
            const r = v.getBoundingClientRect();
            const scale = Math.min(r.width / v.videoWidth, r.height / v.videoHeight);
            const w = v.videoWidth * scale, h = v.videoHeight * scale;
            done({left: r.left + (r.width - w) / 2, top: r.top + (r.height - h) / 2, width: w, height: h,
                  innerWidth: window.innerWidth, ready: v.readyState, time: v.currentTime});
        }));
        v.pause();
        v.addEventListener('seeked', finish, {once: true});
        v.currentTime = 0;
    """)


# ----- the HTML deck in the browser ---------------------------------------------------------------------------------
def test_third_slide_plays_shows_notes_survives_reload_and_matches_its_poster(driver, deck, slides, screens, tmp_path):
    open_deck(driver, deck.as_uri())
    assert current_slide(driver) == 1
    press(driver, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    wait(lambda: driver.execute_script("return location.hash") == "#3", what="#3")
    assert current_slide(driver) == 3
    assert_playing(driver)
    assert driver.find_element(By.ID, "deck-counter").text == "3 / 4"

    press(driver, "s")
    notes = driver.find_element(By.CSS_SELECTOR, "#deck-notes .deck-notes-text")
    assert notes.is_displayed()
    assert notes.text == NOTES[2]  # escaped in the file, the same text on the page
    assert driver.find_element(By.CSS_SELECTOR, "#deck-notes .deck-notes-next").text == f"Next: {TITLES[3]}"
    screens("notes_open.png", driver.get_screenshot_as_png())
    press(driver, "S")
    assert not notes.is_displayed()

    driver.refresh()
    wait_for_deck(driver, what="reload")
    assert driver.execute_script("return location.hash") == "#3"
    assert current_slide(driver) == 3
    assert driver.find_element(By.CSS_SELECTOR, ".slide.is-current h2").text == TITLES[2]
    assert_playing(driver)

    rect = _show_first_frame(driver)
    assert rect["time"] == 0 and rect["ready"] >= 2, rect
    time.sleep(0.2)  # let the compositor present the seeked frame
    shot = screens("slide3_first_frame.png", driver.get_screenshot_as_png())
    image = Image.open(shot)
    scale = image.width / rect["innerWidth"]  # device pixels per CSS pixel
    box = tuple(
        round(v * scale)
        for v in (rect["left"], rect["top"], rect["left"] + rect["width"], rect["top"] + rect["height"])
    )
    shown = image.crop(box)
    differences = [difference(shown, Image.open(slide.poster)) for slide in slides]
    # the first frame, not a later one: the bar has moved by the last
    last_frame = difference(shown, Image.open(extract_poster(slides[2].clip, tmp_path / "last.png", "last")))
    print(
        f"\nslide 3 on screen vs the posters: {[round(d, 1) for d in differences]}, vs its last frame: {last_frame:.1f}"
    )
    assert differences[2] < 8, differences
    assert all(d > differences[2] + 40 for i, d in enumerate(differences) if i != 2), differences
    assert last_frame > differences[2] + 8, (last_frame, differences)

    # and the clip plays on to its end and holds there (no loop)
    driver.execute_script("const v = document.querySelector('.slide.is-current video'); v.currentTime = 2.2; v.play();")
    wait(lambda: video_state(driver)["ended"], what="the clip to end")
    time.sleep(0.3)
    state = video_state(driver)
    assert state["ended"] and state["paused"] and state["time"] > 2.2, state
    screens("slide3_last_frame.png", driver.get_screenshot_as_png())


def test_keys_move_as_a_clicker_expects(driver, deck):
    open_deck(driver, deck.as_uri())

    def after(key: str) -> int:
        press(driver, key)
        return current_slide(driver)

    assert after(Keys.END) == 4
    assert after(Keys.ARROW_RIGHT) == 4  # no wrap-around
    assert after(Keys.HOME) == 1
    assert after(Keys.ARROW_LEFT) == 1
    assert after(Keys.SPACE) == 2
    assert after(Keys.PAGE_DOWN) == 3
    assert after(Keys.PAGE_UP) == 2
    assert after(Keys.ARROW_LEFT) == 1
    assert driver.execute_script("return location.hash") == "#1"
    assert after(Keys.ARROW_RIGHT) == 2
    assert driver.execute_script("return location.hash") == "#2"
    assert after(Keys.SHIFT + Keys.SPACE) == 1

    # leaving pauses a clip; arriving again plays it from the start
    wait(lambda: video_state(driver)["time"] > 0.6, what="slide 1 to play a while")
    assert after(Keys.PAGE_DOWN) == 2
    assert driver.execute_script("return document.querySelector('#slide-1 video').paused") is True
    assert after(Keys.PAGE_UP) == 1
    assert video_state(driver)["time"] < 0.5
    assert_playing(driver)

    # the notes panel follows the slides while it is open
    press(driver, "s")
    assert after(Keys.END) == 4
    assert driver.find_element(By.CSS_SELECTOR, "#deck-notes .deck-notes-text").text == NOTES[3]
    assert driver.find_element(By.CSS_SELECTOR, "#deck-notes .deck-notes-next").text == "Last slide"
    assert driver.find_element(By.ID, "deck-counter").text == "4 / 4"


def test_hash_opens_a_slide_and_invalid_hashes_fall_back_to_the_first(driver, deck):
    open_deck(driver, deck.as_uri() + "#4")
    assert current_slide(driver) == 4
    assert_playing(driver)
    driver.get(deck.as_uri() + "#2")  # a fragment change in the open page
    wait(lambda: current_slide(driver) == 2, what="hashchange")
    for bad in ("#0", "#5", "#abc", "#2.5", "#-1", "#"):
        open_deck(driver, deck.as_uri() + bad)
        assert current_slide(driver) == 1, bad
        assert driver.execute_script("return location.hash") == "#1", bad


def test_full_screen_toggles(driver, deck):
    open_deck(driver, deck.as_uri())
    press(driver, "f")
    wait(lambda: driver.execute_script("return !!document.fullscreenElement"), what="full screen")
    press(driver, "F")
    wait(lambda: driver.execute_script("return !document.fullscreenElement"), what="leaving full screen")


def test_reduced_motion_does_not_autoplay(driver, deck, screens):
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]}
    )
    try:
        open_deck(driver, deck.as_uri() + "#2")
        assert driver.execute_script("return matchMedia('(prefers-reduced-motion: reduce)').matches")
        time.sleep(1.0)
        state = video_state(driver)
        assert state["paused"] and state["time"] == 0 and state["controls"], state
        screens("reduced_motion.png", driver.get_screenshot_as_png())
        press(driver, Keys.ARROW_RIGHT)
        time.sleep(0.5)
        state = video_state(driver)
        assert state["paused"] and state["time"] == 0, state
        press(driver, "p")  # the viewer starts it
        assert_playing(driver)
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_labels_and_no_remote_references(driver, deck, slides):
    page = deck.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href|poster|action)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link\b", page, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", page, re.I)
    assert page.count("data:video/mp4;base64,") == len(slides)
    assert page.count("data:image/png;base64,") == len(slides)
    assert "<row>" not in page and "&lt;row&gt; &amp; &quot;quotes&quot;" in page
    assert "<b>row</b>" not in page and "\\sqrt{d_k}" in page

    open_deck(driver, deck.as_uri())
    labels = driver.execute_script(
        "return [...document.querySelectorAll('video')].map(v => v.getAttribute('aria-label'))"
    )
    assert labels == LABELS
    titles = driver.execute_script("return [...document.querySelectorAll('.slide h2')].map(h => h.textContent)")
    assert titles == TITLES


def test_beside_media_are_relative_files_that_play(driver, slides, tmp_path, screens):
    target = tmp_path / "my deck" / "talk #1.html"
    write_html(slides, target, media="beside", background="#15171C", text="#ECECEC")
    write_html(slides, target, media="beside", background="#15171C", text="#ECECEC")  # over the old one
    page = target.read_text(encoding="utf-8")
    assert "base64," not in page
    references = re.findall(r'(?:src|poster)="([^"]+)"', page)
    assert len(references) == 2 * len(slides)
    from urllib.parse import unquote

    for reference in references:
        assert not re.match(r"^[a-z]+:|^/", reference), reference
        assert (target.parent / unquote(reference)).is_file(), reference
    assert sorted(p.name for p in media_folder(target).iterdir()) == [
        "01.mp4",
        "01.png",
        "02.mp4",
        "02.png",
        "03.mp4",
        "03.png",
        "04.mp4",
        "04.png",
    ]
    assert sorted(p.name for p in target.parent.iterdir()) == ["talk #1.html", "talk #1_media"]  # no leftovers

    open_deck(driver, target.as_uri())
    assert_playing(driver)
    screens("beside_dark.png", driver.get_screenshot_as_png())


# ----- the PowerPoint deck ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("theme", sorted(PPTX_THEMES))
def test_pptx_has_a_movie_title_and_notes_per_slide(slides, tmp_path, theme, screens):
    background, text = PPTX_THEMES[theme]
    target = write_pptx(slides, tmp_path / "deck" / f"talk-{theme}.pptx", background=background, text=text)
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]

    prs = Presentation(str(target))
    assert (prs.slide_width, prs.slide_height) == (SLIDE_WIDTH, SLIDE_HEIGHT)
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 1e-3
    assert len(prs.slides) == len(slides)
    for slide, section in zip(prs.slides, slides, strict=True):
        media = {
            rel.target_part.partname for rel in slide.part.rels.values() if rel.reltype.endswith(("/video", "/media"))
        }
        assert len(media) == 1, media  # one movie part, under its two relationships (video and media)
        (part,) = {rel.target_part for rel in slide.part.rels.values() if rel.reltype.endswith("/video")}
        assert part.blob == section.clip.read_bytes()
        assert part.content_type == "video/mp4"
        movies = [shape for shape in slide.shapes if shape.shape_type is not None and shape.shape_type.name == "MEDIA"]
        assert len(movies) == 1
        movie = movies[0]
        assert movie._element.nvPicPr.cNvPr.get("descr") == section.label
        poster_rid = movie._element.blipFill.blip.rEmbed
        poster = slide.part.related_part(poster_rid).blob
        assert poster == section.poster.read_bytes()
        assert movie.width / movie.height == pytest.approx(WIDTH / HEIGHT, rel=1e-3)
        assert movie.left + movie.width <= SLIDE_WIDTH and movie.top + movie.height <= SLIDE_HEIGHT

        assert slide.shapes.title.text_frame.text == section.title
        assert {str(run.font.color.rgb) for p in slide.shapes.title.text_frame.paragraphs for run in p.runs} == {
            text[1:].upper()
        }
        assert slide.notes_slide.notes_text_frame.text == section.notes
        assert str(slide.background.fill.fore_color.rgb) == background[1:].upper()
    first = prs.slides[0]
    poster_part = first.part.related_part(
        next(s for s in first.shapes if s.shape_type.name == "MEDIA")._element.blipFill.blip.rEmbed
    )
    screens(f"pptx_{theme}_slide1_poster.png", poster_part.blob)


# ----- posters and bad input ---------------------------------------------------------------------------------------
def test_extract_poster_first_and_last(slides, tmp_path):
    clip = slides[0].clip
    first = np.asarray(Image.open(extract_poster(clip, tmp_path / "first.png")).convert("RGB"), dtype=int)
    last = np.asarray(Image.open(extract_poster(clip, tmp_path / "last.png", which="last")).convert("RGB"), dtype=int)
    assert first.shape == last.shape == (HEIGHT, WIDTH, 3)
    bar = [255 - c for c in COLOURS[0]]
    assert abs(first[:, :20] - bar).mean() < 12 and abs(last[:, -20:] - bar).mean() < 12  # left, then right
    assert abs(first[:, -60:-40] - COLOURS[0]).mean() < 12 and abs(last[:, 20:40] - COLOURS[0]).mean() < 12


@pytest.mark.parametrize("writer", ["html", "beside", "pptx"])
def test_bad_input_writes_nothing(slides, tmp_path, writer, monkeypatch):
    def write(slide_list, target):
        if writer == "pptx":
            return write_pptx(slide_list, target.with_suffix(".pptx"))
        return write_html(slide_list, target, media="embed" if writer == "html" else "beside")

    out = tmp_path / "deck"
    out.mkdir()
    missing = Slide("Missing", tmp_path / "nope.mp4", slides[0].poster, "", "Animation: none")
    no_poster = Slide("No poster", slides[0].clip, tmp_path / "nope.png", "", "Animation: none")
    not_video = tmp_path / "notes.mp4"
    not_video.write_text("subtitles, not a video")
    mov = tmp_path / "alpha.mov"
    shutil.copyfile(slides[0].clip, mov)
    for bad, message in (
        ([], "no slides"),
        ([slides[0], missing], "nope.mp4"),
        ([no_poster], "nope.png"),
        ([Slide("Text", not_video, slides[0].poster, "", "")], "cannot read .*notes.mp4 as a video"),
        ([Slide("Mov", mov, slides[0].poster, "", "")], r"alpha.mov is not one of"),
    ):
        with pytest.raises(DeckError, match=message) as caught:
            write(bad, out / "talk.html")
        assert "\n" not in str(caught.value)
        assert list(out.iterdir()) == []

    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with pytest.raises(DeckError, match="cannot create the folder") as caught:
        write(slides, blocker / "talk.html")
    assert "\n" not in str(caught.value)

    # a failure half-way leaves the previous deck as it was, and no temporary files
    broken_png = tmp_path / "broken.png"
    broken_png.write_bytes(b"not a png")
    with pytest.raises(DeckError, match="broken.png is not a PNG"):
        write(slides[:2] + [Slide("Broken", slides[2].clip, broken_png, "", "")], out / "talk.html")
    assert list(out.iterdir()) == []
    write(slides[1:], out / "talk.html")
    before = _snapshot(out)
    import rendering.exporters.deck.html as deck_html
    import rendering.exporters.deck.slides as deck_slides

    def fail_on_fourth(real):
        calls = []

        def wrapped(*args):
            calls.append(args)
            if len(calls) == 4:
                raise DeckError("disk full (simulated)")
            return real(*args)

        return wrapped

    real_replace = os.replace

    def replace_fails_for_the_deck(source, destination):
        if Path(destination).suffix in (".html", ".pptx"):
            raise OSError(28, "No space left on device (simulated)")
        return real_replace(source, destination)

    failures = [("os.replace", replace_fails_for_the_deck)]
    if writer == "pptx":
        failures.append(("save", None))
    else:
        failures.append(("_copy" if writer == "beside" else "_data_uri", None))
    for what, fake in failures:
        with monkeypatch.context() as patch:
            if what == "os.replace":
                patch.setattr(deck_slides.os, "replace", fake)
            elif what == "save":

                def save(self, path):
                    Path(path).write_bytes(b"PK half a zip")
                    raise OSError(28, "No space left on device (simulated)")

                patch.setattr("pptx.presentation.Presentation.save", save)
            else:
                patch.setattr(deck_html, what, fail_on_fourth(getattr(deck_html, what)))
            with pytest.raises(DeckError, match="simulated") as caught:
                write(slides, out / "talk.html")
            assert "\n" not in str(caught.value)
        assert _snapshot(out) == before, what


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder`, with the files' contents (hashed)."""
    import hashlib

    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
        for p in sorted(folder.rglob("*"))
    }


def test_bad_colours_and_names_are_refused(slides, tmp_path):
    with pytest.raises(DeckError, match="background colour"):
        write_html(slides, tmp_path / "a.html", background="white; } body { display: none")
    with pytest.raises(DeckError, match="text colour"):
        write_pptx(slides, tmp_path / "a.pptx", text="1D1E1A")
    with pytest.raises(DeckError, match=r"\.html"):
        write_html(slides, tmp_path / "a.pptx")
    with pytest.raises(DeckError, match="media"):
        write_html(slides, tmp_path / "a.html", media="zip")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_dark_theme_html_uses_the_colours(driver, slides, tmp_path, screens):
    target = write_html(slides, tmp_path / "dark.html", background="#15171C", text="#ECECEC")
    open_deck(driver, target.as_uri())
    colours = driver.execute_script(
        "const s = getComputedStyle(document.body), h = getComputedStyle(document.querySelector('.is-current h2'));"
        "return [s.backgroundColor, h.color, getComputedStyle(document.documentElement).colorScheme];"
    )
    assert colours == ["rgb(21, 23, 28)", "rgb(236, 236, 236)", "dark"]
    press(driver, "s")
    screens("dark_notes_open.png", driver.get_screenshot_as_png())
