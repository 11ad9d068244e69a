"""What the deck tests do with a headless Chromium: open a deck, press keys, read its clip.

What belongs here: small helpers over a deck page (the browser itself: ``rendering/inspection/browser.py``).
Assertions about decks belong in the test modules.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PIL import Image
from selenium.webdriver.common.by import By

from rendering.inspection.browser import wait


def wait_for_deck(driver, what: str = "the deck") -> None:
    """Until the deck's script has shown a slide (after a load or a reload)."""
    wait(lambda: driver.execute_script("return !!document.querySelector('.slide.is-current')"), what=what)


def open_deck(driver, url: str) -> None:
    driver.get("about:blank")  # a real load each time, not just a fragment change
    driver.get(url)
    wait_for_deck(driver)


def current_slide(driver) -> int:
    return driver.execute_script("return Number(document.querySelector('.slide.is-current').id.split('-')[1])")


def press(driver, *keys: str) -> None:
    body = driver.find_element(By.TAG_NAME, "body")
    for key in keys:
        body.send_keys(key)


def video_state(driver) -> dict:
    return driver.execute_script(
        "const v = document.querySelector('.slide.is-current video');"
        "return {time: v.currentTime, duration: v.duration, paused: v.paused, ended: v.ended, ready: v.readyState,"
        " controls: v.controls, error: v.error && v.error.code};"
    )


def sound_state(driver) -> dict:
    """The current clip's sound: muted, volume, the audio bytes Chromium has decoded (0 without a track), and
    what the deck's sound status says (None in a silent deck)."""
    return driver.execute_script(
        "const v = document.querySelector('.slide.is-current video'), s = document.getElementById('deck-sound');"
        "return {muted: v.muted, volume: v.volume, audio: v.webkitAudioDecodedByteCount, paused: v.paused,"
        " time: v.currentTime, status: s && s.textContent};"
    )


def assert_playing(driver) -> None:
    """The current slide's clip is playing: no error, not paused, and its time advances."""
    wait(lambda: video_state(driver)["time"] > 0, what="the clip to start")
    first = video_state(driver)["time"]
    time.sleep(0.4)
    state = video_state(driver)
    assert state["error"] is None, state
    assert not state["paused"] and state["time"] > first, state


def play_to_end(driver) -> dict:
    """Seek the current clip to half a second before its end, let it end (it holds its last frame); where the
    picture is on the page, in CSS pixels (the clip as large as fits in the video element's box)."""
    driver.execute_script(
        "const v = document.querySelector('.slide.is-current video');"
        "v.currentTime = Math.max(0, v.duration - 0.5); v.play();"
    )
    wait(lambda: video_state(driver)["ended"], what="the clip to end")
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const v = document.querySelector('.slide.is-current video');
        requestAnimationFrame(() => requestAnimationFrame(() => {
            const r = v.getBoundingClientRect();
            const scale = Math.min(r.width / v.videoWidth, r.height / v.videoHeight);
            const w = v.videoWidth * scale, h = v.videoHeight * scale;
            done({left: r.left + (r.width - w) / 2, top: r.top + (r.height - h) / 2, width: w, height: h,
                  innerWidth: window.innerWidth, paused: v.paused, ended: v.ended});
        }));
    """)


def crop(screenshot: Path, rect: dict) -> Image.Image:
    """The part of a screenshot that ``rect`` (CSS pixels, from play_to_end) covers."""
    image = Image.open(screenshot)
    scale = image.width / rect["innerWidth"]  # device pixels per CSS pixel
    edges = (rect["left"], rect["top"], rect["left"] + rect["width"], rect["top"] + rect["height"])
    return image.crop(tuple(round(v * scale) for v in edges))


def difference(a: Image.Image, b: Image.Image, size: tuple[int, int] = (128, 72)) -> float:
    """Mean absolute RGB difference (0-255) of two pictures brought to one small size: scaling cancels out."""
    a = np.asarray(a.convert("RGB").resize(size, Image.BILINEAR), dtype=float)
    b = np.asarray(b.convert("RGB").resize(size, Image.BILINEAR), dtype=float)
    return float(np.abs(a - b).mean())
