"""Pages safe for any text (issue #23, item 4): the explorer and the HTML deck, built from tokens, a sentence and
slide texts that try to end or change the page's markup, opened in a real headless Chromium from file://.

A page that a token breaks shows no grid (the explorer's script never runs) or loses slides (the deck's markup is
cut short); so each test counts what was drawn, reads the hostile texts back from the DOM as text, and checks that
nothing they hold ran as script.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import av
import numpy as np
import pytest
from deck_browser import wait_for_deck

import attention
from rendering.exporters.deck.html import write_html
from rendering.exporters.deck.slides import Slide, extract_poster
from rendering.exporters.explore import page as explore_page
from rendering.exporters.explore import write_page
from rendering.inspection.browser import start_chromium, wait
from scenes.kit.text.labels import short_label

# Each tries another way out of a <script> element, an attribute or the page's template; none holds a control
# character, so each is a legal token. The sentence joins them with U+2028 and U+2029, which split
# words like any white space and end lines in older JavaScript.
HOSTILE = (
    "-->",  # first: after "<!--" it would close the comment-like state again and hide the fault
    "<!--",
    "<script>",
    "</script>",
    "]]>",
    "&amp;",
    '"',
    "'",
    "<img src=x onerror=window.pwned=1>",
    "{{payload}}",
)
SENTENCE = "\u2028".join(HOSTILE[:5]) + "\u2029" + "\u2028".join(HOSTILE[5:])
# Whether any hostile text ran or became an element
INJECTED = "window.pwned === 1 || document.querySelector('img') !== null"  # neither page has an image of its own
PLAIN = tuple(f"w{n}" for n in range(len(HOSTILE)))  # the same length, nothing to escape: the grids to expect


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


def _open(driver, path: Path, ready: str) -> None:
    driver.get("about:blank")
    driver.get(path.as_uri())
    wait(lambda: driver.execute_script(ready), what=f"{path.name} to be drawn")


def _explorer(driver, path: Path) -> dict:
    """What the explorer drew: its grids, the column tokens of QKᵀ, its caption, the tokens of its step and block
    pickers, and whether any text ran."""
    _open(driver, path, "return document.documentElement.dataset.ready === 'true'")
    return driver.execute_script(
        "const score = document.querySelector('#grids table[data-role=\"S\"]');"
        "return {grids: document.querySelectorAll('#grids table.grid').length,"
        " columns: [...score.querySelectorAll('thead th.tok')].map((th) => th.title),"
        " caption: document.getElementById('caption').textContent,"
        " steps: [...document.querySelectorAll('#decode-steps button')].map((b) => b.title),"
        " rows: [...document.querySelectorAll('#block-row option')].map((o) => o.textContent),"
        f" title: document.title, pwned: {INJECTED}}};"
    )


@pytest.mark.parametrize("compressed", [False, True], ids=["json", "gzip"])
def test_hostile_tokens_draw_every_grid_of_the_explorer(browser, tmp_path, monkeypatch, compressed):
    if compressed:  # the payload of a model's page: gzip and base64, inflated by the browser
        monkeypatch.setattr(explore_page, "COMPRESS_ABOVE", 0)
    plain = _explorer(browser, write_page(tmp_path / "plain.html", attention.Request(tokens=PLAIN)))
    hostile = attention.Request(tokens=HOSTILE, sentence=SENTENCE)
    path = write_page(tmp_path / "hostile.html", hostile)
    drawn = _explorer(browser, path)
    assert plain["grids"] >= 10 and drawn["grids"] == plain["grids"]
    assert drawn["columns"] == list(HOSTILE)  # every token reached the page as text, unchanged
    assert SENTENCE in drawn["caption"] and drawn["title"].startswith("Self-attention") and HOSTILE[1] in drawn["title"]
    assert not drawn["pwned"]
    assert drawn["steps"] == list(HOSTILE)  # the buttons' titles, the rows' options (short labels) as the grids'
    assert [row.split(": ", 1)[1] for row in drawn["rows"]] == [short_label(t) for t in HOSTILE]
    image = HOSTILE.index("<img src=x onerror=window.pwned=1>")
    # the pickers write the tokens into their markup too: the step of the image, and the block table's keys
    browser.execute_script(f"document.querySelector('#decode-steps button[data-step=\"{image}\"]').click()")
    wait(lambda: browser.execute_script("return document.getElementById('decode-body').dataset.step") == str(image))
    shown = browser.execute_script("return document.getElementById('decode').textContent")
    keys = browser.execute_script("return document.querySelector('#blocks-body table.blocks').textContent")
    assert short_label(HOSTILE[image]) in shown and HOSTILE[image + 1] in shown and HOSTILE[0] in keys
    assert not browser.execute_script(f"return {INJECTED}")
    for role in ("A", "X"):  # the worked panel writes the tokens into its markup: as text, escaped by the page
        browser.execute_script(
            "document.querySelector(`#grids table[data-role='${arguments[0]}'] td[data-r='${arguments[1]}']`).focus()",
            role,
            image,
        )
        wait(lambda r=role: browser.execute_script("return document.getElementById('worked-body').dataset.role") == r)
        panel = browser.execute_script("return document.getElementById('worked-body').textContent")
        assert HOSTILE[image] in panel and not browser.execute_script(f"return {INJECTED}")
    page = path.read_text(encoding="utf-8")
    assert page.count("</script>") == 2 and page.count("<script") == 2  # the page's own two elements
    assert "\u2028" not in page and "\u2029" not in page


def test_the_embedded_data_holds_no_markup_and_reads_back_unchanged(tmp_path):
    request = attention.Request(tokens=HOSTILE, sentence=SENTENCE)
    text = write_page(tmp_path / "explore.html", request).read_text(encoding="utf-8")
    data = re.search(r'<script id="explore-data"[^>]*>(.*?)</script>', text, re.S).group(1)
    assert not set(data) & set("<>&\u2028\u2029")
    meta = json.loads(data)["meta"]
    assert meta["sentence"] == SENTENCE and tuple(meta["tokens"]) == HOSTILE


# ----- the deck ----------------------------------------------------------------------------------------------------
def _clip(path: Path) -> Path:
    """Six frames of grey at 160x90: enough for a slide's clip and poster."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 160, 90, "yuv420p"
        for _ in range(6):
            frame = av.VideoFrame.from_ndarray(np.full((90, 160, 3), 128, np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def test_hostile_titles_and_notes_keep_every_slide_of_the_deck(browser, tmp_path):
    clip = _clip(tmp_path / "clip.mp4")
    poster = extract_poster(clip, tmp_path / "clip.png")
    texts = [" ".join(HOSTILE[:5]) + "\u2028@@SLIDES@@", "\u2029".join(HOSTILE[5:]) + " @@JS@@"]
    slides = [Slide(title=t, clip=clip, poster=poster, notes=t[::-1], label=t) for t in texts]
    deck = write_html(slides, tmp_path / "deck" / "talk.html", title="</title><!--<script>")
    browser.get("about:blank")
    browser.get(deck.as_uri())
    wait_for_deck(browser)
    drawn = browser.execute_script(
        "return {slides: document.querySelectorAll('section.slide').length,"
        " titles: [...document.querySelectorAll('.slide-title')].map((e) => e.textContent),"
        " notes: [...document.querySelectorAll('.slide-notes')].map((e) => e.textContent),"
        " labels: [...document.querySelectorAll('video')].map((e) => e.getAttribute('aria-label')),"
        f" title: document.title, pwned: {INJECTED}}};"
    )
    assert drawn["slides"] == 2 and drawn["titles"] == texts and drawn["labels"] == texts
    assert drawn["notes"] == [t[::-1] for t in texts] and drawn["title"] == "</title><!--<script>"
    assert not drawn["pwned"]
