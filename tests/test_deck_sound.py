"""Narrated decks on small synthetic clips with a tone for a voice: the HTML deck in a headless Chromium under
the browser's own autoplay policy (muted until the first key press or click, then the voice; M mutes and
unmutes and a status says which; reduced motion waits to be started), the PowerPoint deck's movies with their
sound, and a silent deck with none of it.

Screenshots go to pytest's temporary directory and, when DECK_SCREENS names a folder, there too.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from deck_browser import current_slide, open_deck, press, sound_state, video_state
from pptx import Presentation
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from rendering.exporters.deck.html import write_html
from rendering.exporters.deck.pptx import write_pptx
from rendering.exporters.deck.slides import Slide, extract_poster
from rendering.inspection.browser import start_chromium, wait

WIDTH, HEIGHT, FPS, FRAMES = 320, 180, 15, 60  # 4 s clips: long enough to be caught playing after a key
RATE = 48000
COLOURS = [(200, 60, 60), (60, 160, 70), (60, 90, 200), (210, 170, 40)]
BLOCKED, ON, MUTED = "Sound off until a key is pressed", "Sound on (M mutes)", "Sound muted (M unmutes)"


def _write_clip(path: Path, colour: tuple[int, int, int], tone: float | None) -> Path:
    """A solid colour with a moving bar, H.264 in mp4; with ``tone`` (Hz), an AAC track of that tone."""
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        audio = container.add_stream("aac", rate=RATE, layout="mono") if tone else None
        for index in range(FRAMES):
            frame = np.empty((HEIGHT, WIDTH, 3), np.uint8)
            frame[:] = colour
            x = index * (WIDTH - 24) // (FRAMES - 1)
            frame[:, x : x + 24] = [255 - c for c in colour]
            container.mux(video.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
        container.mux(video.encode())
        if audio is not None:
            size = 1024
            t = np.arange(int(Fraction(FRAMES, FPS) * RATE)) / RATE
            samples = (0.3 * np.sin(2 * np.pi * tone * t)).astype(np.float32)
            for start in range(0, len(samples), size):
                chunk = av.AudioFrame.from_ndarray(samples[None, start : start + size], format="fltp", layout="mono")
                chunk.sample_rate, chunk.pts = RATE, start
                container.mux(audio.encode(chunk))
            container.mux(audio.encode())
    return path


def _slides(folder: Path, voiced: bool) -> list[Slide]:
    made = []
    for number, colour in enumerate(COLOURS, 1):
        clip = _write_clip(folder / f"section{number}.mp4", colour, 220.0 * number if voiced else None)
        poster = extract_poster(clip, folder / f"section{number}.png", "last")
        title = f"Step {number}"
        made.append(Slide(title=title, clip=clip, poster=poster, notes=f"Said on slide {number}.", label=title))
    return made


@pytest.fixture(scope="module")
def voiced(tmp_path_factory) -> list[Slide]:
    return _slides(tmp_path_factory.mktemp("voiced-clips"), voiced=True)


@pytest.fixture(scope="module")
def silent(tmp_path_factory) -> list[Slide]:
    return _slides(tmp_path_factory.mktemp("silent-clips"), voiced=False)


@pytest.fixture(scope="module")
def deck(voiced, tmp_path_factory) -> Path:
    return write_html(voiced, tmp_path_factory.mktemp("voiced-deck") / "talk.html", title="Narrated")


@pytest.fixture(scope="module")
def strict(tmp_path_factory) -> Iterator:
    """Chromium with its own autoplay policy: sound only once the page has had a key press or a click."""
    browser = start_chromium(tmp_path_factory.mktemp("chromium-strict"), autoplay=False)
    yield browser
    browser.quit()


def playing(driver) -> dict:
    """The current clip's sound, once it plays and Chromium has decoded some of its audio."""
    wait(lambda: not video_state(driver)["paused"] and video_state(driver)["time"] > 0.2, what="the clip to play")
    return sound_state(driver)


# ----- the HTML deck ------------------------------------------------------------------------------------------------
def test_the_page_says_it_has_sound_and_lists_the_mute_key(deck):
    page = deck.read_text(encoding="utf-8")
    assert '<html lang="en" data-deck-sound>' in page
    assert 'id="deck-sound" class="deck-sound" role="status" aria-live="polite"' in page
    assert "· P play/pause · M sound on/off</p>" in page and "P play/pause, M sound on/off. -->" in page


def test_muted_until_the_first_key_then_every_slide_speaks_and_m_mutes(strict, deck, screens):
    open_deck(strict, deck.as_uri())
    before = playing(strict)
    assert before["muted"] and before["status"] == BLOCKED, before  # the browser lets it play only muted

    press(strict, Keys.ARROW_RIGHT)
    assert current_slide(strict) == 2
    wait(lambda: playing(strict)["audio"] > 0, what="slide 2's audio to be decoded")
    state = sound_state(strict)
    assert not state["muted"] and state["volume"] > 0 and state["status"] == ON, state
    screens("sound_on_slide2.png", strict.get_screenshot_as_png())

    press(strict, "m")
    state = sound_state(strict)
    assert state["muted"] and not state["paused"] and state["status"] == MUTED, state
    press(strict, Keys.ARROW_RIGHT)  # muting holds for the next slides
    assert playing(strict)["muted"]
    press(strict, "M")
    state = sound_state(strict)
    assert not state["muted"] and state["status"] == ON, state


def test_the_first_key_that_stays_on_a_slide_starts_its_clip_again_with_its_voice(strict, deck):
    open_deck(strict, deck.as_uri() + "#3")
    wait(lambda: playing(strict)["time"] > 0.8, what="slide 3 to play a while")
    assert sound_state(strict)["muted"]
    press(strict, "s")  # the notes open, and the clip starts again, heard from its first word
    state = sound_state(strict)
    assert not state["muted"] and state["time"] < 0.6 and not state["paused"], state
    assert current_slide(strict) == 3


def test_the_first_click_gives_the_clip_its_voice_without_pausing_it(strict, deck):
    open_deck(strict, deck.as_uri() + "#2")
    assert playing(strict)["muted"]
    strict.find_element(By.CSS_SELECTOR, ".slide.is-current video").click()
    time.sleep(0.3)
    state = sound_state(strict)
    assert not state["muted"] and not state["paused"] and state["status"] == ON, state
    strict.find_element(By.CSS_SELECTOR, ".slide.is-current video").click()  # a later click pauses, as before
    assert sound_state(strict)["paused"]


def test_with_reduced_motion_a_narrated_clip_waits_to_be_started(strict, deck):
    strict.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]}
    )
    try:
        open_deck(strict, deck.as_uri())
        press(strict, Keys.ARROW_RIGHT)  # a gesture: sound is allowed, but the clip still waits
        time.sleep(0.8)
        state = video_state(strict)
        assert state["paused"] and state["time"] == 0 and state["controls"], state
        press(strict, "p")  # the viewer starts it, with its voice
        wait(lambda: playing(strict)["audio"] > 0, what="slide 2's audio")
        assert not sound_state(strict)["muted"]
    finally:
        strict.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_a_silent_deck_has_no_sound_key_or_status(strict, silent, tmp_path):
    deck = write_html(silent, tmp_path / "silent.html")
    page = deck.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and 'id="deck-sound"' not in page and "M sound" not in page
    assert "· S notes · P play/pause</p>" in page and "P play/pause. -->" in page
    open_deck(strict, deck.as_uri())
    before = playing(strict)
    assert before["status"] is None and before["audio"] == 0, before
    press(strict, "m")  # not a key of a silent deck
    assert sound_state(strict)["muted"] == before["muted"]


# ----- the PowerPoint deck ------------------------------------------------------------------------------------------
def test_pptx_movies_carry_their_sound(voiced, tmp_path):
    prs = Presentation(str(write_pptx(voiced, tmp_path / "talk.pptx")))
    for slide, section in zip(prs.slides, voiced, strict=True):
        (part,) = {rel.target_part for rel in slide.part.rels.values() if rel.reltype.endswith("/video")}
        assert part.content_type == "video/mp4" and part.blob == section.clip.read_bytes()
        with av.open(io.BytesIO(part.blob)) as container:
            assert [(s.type, s.codec_context.name) for s in container.streams] == [("video", "h264"), ("audio", "aac")]
        (media,) = slide.element.xpath(".//p:timing//p:cMediaNode")
        assert int(media.get("vol")) > 0 and media.get("mute") in (None, "0", "false")  # played with its sound
