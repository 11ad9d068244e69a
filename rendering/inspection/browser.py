"""A headless Chromium to open the project's pages in, for the tests and the benchmarks.

What belongs here: starting the browser the way every page test and the explorer benchmark do (Debian's
chromium and chromedriver, given explicitly so that Selenium Manager never runs and nothing is downloaded;
autoplay with sound allowed, or the browser's own policy: sound only after a key press or click; a fixed
viewport), and waiting for a condition on a page. Needs Selenium (the ``test`` extra), not the runtime; helpers
about one kind of page belong beside its tests (``tests/deck_browser.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
VIEWPORT = (1280, 720)  # CSS pixels; a screenshot is this size (device scale factor 1)


def start_chromium(profile: Path, autoplay: bool = True) -> webdriver.Chrome:
    """A headless Chromium with its profile in ``profile``; ``autoplay=False`` keeps the browser's autoplay
    policy, under which a clip plays with sound only after the page has had a key press or a click."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    arguments = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
    ]
    if autoplay:
        arguments.append("--autoplay-policy=no-user-gesture-required")
    for arg in arguments:
        options.add_argument(arg)
    browser = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    # --window-size sizes the window, toolbar included: set the page's viewport itself
    width, height = VIEWPORT
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    browser.set_script_timeout(20)
    return browser


def wait(condition: Callable[[], object], timeout: float = 10.0, what: str = "condition") -> object:
    """The first true value of ``condition()``, polled every 50 ms; AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
