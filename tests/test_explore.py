"""The explorable figure (rendering/exporters/explore/) in a real headless Chromium, opened from file://.

Pages are built from Python (no render.py): the video's sentence on the toy model (light and dark) and a
16-token sentence through all-MiniLM-L6-v2. Cells of QKᵀ, A and R are pointed at (a hover, and keyboard
focus), and the worked arithmetic the page shows is read back from the DOM and checked against the core's
traces; the mask and scale toggles and the head picker must show exactly the core's traces; the page must
fetch nothing and stay under its size budget.

At a phone's width (390×844) grids too wide for the screen must fold into blocks of columns, with no sideways
scrolling and digits clear of the cell borders, the docked panel stay within a third of the screen, and a tap
(touch events) bring the cell's sources into sight, framed (read from the screenshot's pixels), never leaving
the cell under the panel.

Screenshots (1280×720 and 390×844, light and dark) go to pytest's temporary directory (the path is
printed; run with -s to see it) and are copied to /tmp/explorer-shots/.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import attention
from attention import worked
from attention.states import explorer_states
from rendering.exporters.explore import write_page
from rendering.exporters.explore.payload import DECIMALS
from rendering.inspection.browser import start_chromium, wait

TOY_BUDGET, MODEL_BUDGET = 300_000, 3_000_000  # bytes, from issue #19
MODEL_SENTENCE = "Jane is going to the cinema to watch a new movie with her friends"  # 16 WordPiece tokens
SHOTS_COPY = Path("/tmp/explorer-shots")
DESKTOP, PHONE = (1280, 720), (390, 844)


def text(value) -> str:
    return attention.display_text(value, DECIMALS)


def texts(values) -> list[str]:
    return [text(v) for v in np.ravel(values)]


def number(shown: str) -> float:
    """A shown text back as a float, for the comparisons made with NumPy."""
    return float(shown.replace("\u2212", "-").replace("\u221e", "inf"))


# ----- pages and browser --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("explore")
    toy = attention.Request.from_sentence()
    model = attention.Request.from_sentence(MODEL_SENTENCE, model="minilm")
    return {
        "toy": (toy, write_page(folder / "explore.html", toy)),
        "toy-dark": (toy, write_page(folder / "explore-dark.html", toy, theme="dark")),
        "model": (model, write_page(folder / "explore-minilm.html", model)),
    }


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("explore-shots")
    print(f"\nexplorer screenshots: {folder} (copies in {SHOTS_COPY})")
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


def viewport(driver, size: tuple[int, int]) -> None:
    width, height = size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def open_page(driver, path: Path, size: tuple[int, int] = DESKTOP) -> None:
    viewport(driver, size)
    driver.get("about:blank")
    driver.get(path.as_uri())
    wait(lambda: driver.execute_script("return document.documentElement.dataset.ready === 'true'"), what="the page")


def snap(driver, shots: Path, name: str) -> None:
    path = shots / f"{name}.png"
    driver.save_screenshot(str(path))
    SHOTS_COPY.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS_COPY / path.name)


def cell(driver, role: str, r: int, c: int):
    return driver.find_element(By.CSS_SELECTOR, f'#grids table[data-role="{role}"] td[data-r="{r}"][data-c="{c}"]')


def hover(driver, role: str, r: int, c: int) -> None:
    target = cell(driver, role, r, c)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
    ActionChains(driver).move_to_element(target).perform()
    wait(lambda: driver.execute_script("return document.getElementById('worked-body').dataset.role") == role)


def parts(driver, name: str) -> list[str]:
    """The texts of the worked panel's parts called ``name``, in order."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#worked-body [data-part=\"' + arguments[0] + '\"]')]"
        ".map(e => e.textContent)",
        name,
    )


def grid_texts(driver, role: str) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('#grids table[data-role=\"' + arguments[0] + '\"] td[data-r]')]"
        ".map(e => e.textContent)",
        role,
    )


# ----- the toy model --------------------------------------------------------------------------------------
def test_the_page_is_small_and_fetches_nothing(browser, pages):
    request, path = pages["toy"]
    assert request.trace().digest() == attention.example().digest()  # the video's trace
    assert path.stat().st_size < TOY_BUDGET, path.stat().st_size
    assert pages["model"][1].stat().st_size < MODEL_BUDGET, pages["model"][1].stat().st_size
    open_page(browser, path)
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".concat([...document.querySelectorAll('[src], link[href]')].map(e => e.src || e.href))"
        ".filter(url => !url.startsWith('data:'))"
    )
    assert fetched == []
    policy = browser.execute_script(
        "return document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content"
    )
    assert "default-src 'none'" in policy  # so nothing could be fetched even by mistake
    assert browser.get_log("browser") == []  # no script error, no blocked request


def test_a_score_cell_shows_its_dot_product_term_by_term(browser, pages):
    request, path = pages["toy"]
    trace = request.trace()
    open_page(browser, path)
    i, j = 2, 5
    hover(browser, "S", i, j)
    dot = worked.dot_product(trace, i, j)
    assert parts(browser, "term") == texts(dot.products)
    np.testing.assert_allclose([number(t) for t in parts(browser, "term")], dot.products, atol=0.005)
    assert parts(browser, "total") == [text(trace.scores[i, j])]
    assert float(parts(browser, "full")[0]) == trace.scores[i, j]  # the full value, to the last bit
    highlighted = browser.execute_script(
        "return ['Q', 'K'].map(r => [...document.querySelectorAll('#grids table[data-role=\"' + r + '\"] td.src')]"
        ".map(td => Number(td.dataset.r)))"
    )
    assert highlighted == [[i] * trace.d_k, [j] * trace.d_k]  # row i of Q and row j of K
    hover(browser, "C", i, j)  # the scaled score: the division by sqrt(d_k)
    assert parts(browser, "score") == [text(trace.scores[i, j])] * 2
    assert parts(browser, "sqrt") == [text(np.sqrt(trace.d_k))]
    assert parts(browser, "total") == [text(trace.scaled[i, j])]


def test_keyboard_focus_on_a_weight_shows_its_row_softmax(browser, pages, shots):
    request, path = pages["toy"]
    trace = request.trace()
    open_page(browser, path)
    body = browser.find_element(By.TAG_NAME, "body")
    body.click()
    focused_grid = "const t = document.activeElement.closest('table'); return t && t.dataset.role"
    for _ in range(40):  # Tab from the top until a cell of A has the focus
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if browser.execute_script(focused_grid) == "A":
            break
    else:
        pytest.fail("Tab never reached the grid of A")
    i, j = 4, 2
    ActionChains(browser).send_keys(*[Keys.ARROW_DOWN] * i, *[Keys.ARROW_RIGHT] * j).perform()
    active = browser.execute_script("const a = document.activeElement; return [a.dataset.r, a.dataset.c]")
    assert active == [str(i), str(j)]
    row = worked.softmax_row(trace, i)
    assert parts(browser, "x") == texts(row.scaled)
    assert parts(browser, "shift") == texts(row.scaled - row.scaled.max())
    assert parts(browser, "exp") == texts(row.exps) + [text(row.exps[j])]
    assert parts(browser, "sum") == [text(row.total)] * 2
    assert parts(browser, "weight") == texts(row.weights)
    assert parts(browser, "total") == [text(trace.weights[i, j])]
    np.testing.assert_allclose([number(t) for t in parts(browser, "weight")], trace.weights[i], atol=0.005)
    snap(browser, shots, "toy-desktop-light-A")


def test_a_result_cell_shows_its_weighted_sum_of_values(browser, pages):
    request, path = pages["toy"]
    trace = request.trace()
    open_page(browser, path)
    i, c = 3, 2
    hover(browser, "R", i, c)
    ws = worked.weighted_sum(trace, i)
    assert parts(browser, "weight") == texts(trace.weights[i])
    assert parts(browser, "value") == texts(trace.V[:, c])
    assert parts(browser, "term") == texts(ws.terms[:, c])
    assert parts(browser, "total") == [text(trace.output[i, c])]
    assert float(parts(browser, "full")[0]) == trace.output[i, c]


def test_the_mask_and_scale_toggles_show_the_cores_traces(browser, pages, shots):
    request, path = pages["toy"]
    states = explorer_states(request)
    open_page(browser, path)
    assert grid_texts(browser, "A") == texts(request.trace().weights)
    browser.find_element(By.ID, "mask").click()
    causal = request.causal()
    assert grid_texts(browser, "A") == texts(causal.weights)  # rows re-normalised over the keys they see
    assert grid_texts(browser, "M") == texts(causal.masked)
    assert "\u2212\u221e" in grid_texts(browser, "M")
    hover(browser, "A", 3, 1)
    assert parts(browser, "x") == texts(causal.masked[3])  # the softmax is of the masked row, -inf included
    snap(browser, shots, "toy-desktop-light-mask")
    browser.find_element(By.ID, "scale").click()
    unscaled = states["mask-on/scale-off"]
    assert unscaled.scale == 1.0 and np.array_equal(unscaled.scaled, causal.scores)
    assert grid_texts(browser, "A") == texts(unscaled.weights)
    assert grid_texts(browser, "A") != texts(causal.weights)  # without the scale the softmax saturates more
    assert unscaled.weights.max(axis=1).mean() > causal.weights.max(axis=1).mean()
    browser.find_element(By.ID, "mask").click()
    assert grid_texts(browser, "A") == texts(states["mask-off/scale-off"].weights)
    assert browser.find_elements(By.CSS_SELECTOR, '#grids table[data-role="M"]') == []


def test_the_toy_page_at_phone_width_and_in_the_dark(browser, pages, shots):
    for name in ("toy", "toy-dark"):
        _, path = pages[name]
        theme = "dark" if name.endswith("dark") else "light"
        for size, where in ((DESKTOP, "desktop"), (PHONE, "phone")):
            open_page(browser, path, size)
            width = browser.execute_script("return document.documentElement.scrollWidth")
            assert width <= size[0], f"{name} at {size}: the page is {width} px wide"  # wide grids scroll alone
            snap(browser, shots, f"toy-{where}-{theme}")
            hover(browser, "S", 2, 5)
            snap(browser, shots, f"toy-{where}-{theme}-S")
    viewport(browser, DESKTOP)


def test_accessibility_reduced_motion_and_print(browser, pages):
    _, path = pages["toy"]
    open_page(browser, path)
    labels = browser.execute_script(
        "return [...document.querySelectorAll('#grids td[data-r]')].every(td => td.getAttribute('aria-label'))"
    )
    assert labels and browser.find_element(By.ID, "caption").text.startswith("Scaled dot-product self-attention")
    assert browser.find_element(By.ID, "worked-body").get_attribute("aria-live") == "polite"
    transition = "return getComputedStyle(document.querySelector('#grids td[data-r]')).transitionDuration"
    assert browser.execute_script(transition) != "0s"
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]}
    )
    assert browser.execute_script(transition) == "0s"
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert browser.execute_script("return getComputedStyle(document.getElementById('controls')).display") == "none"
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})


# ----- at a phone's width ----------------------------------------------------------------------------------
def tap(driver, role: str, r: int, c: int, top: int | None = None) -> None:
    """A finger's tap on a cell (touch pointer events, as a phone sends them), the cell first scrolled to
    mid-screen (or its top to ``top`` px); returns when the panel explains that cell and the page has stopped
    scrolling."""
    target = cell(driver, role, r, c)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
    if top is not None:
        move = "window.scrollBy(0, arguments[0].getBoundingClientRect().top - arguments[1])"
        driver.execute_script(move, target, top)
    finger = ActionBuilder(driver, mouse=PointerInput(interaction.POINTER_TOUCH, "finger"))
    finger.pointer_action.move_to(target).pointer_down().pointer_up()
    finger.perform()
    wait(lambda: driver.execute_script("return document.getElementById('worked-body').dataset.role") == role)
    settle(driver)


def settle(driver) -> None:
    """Until the page's scroll position is the same on three looks in a row (a smooth scroll has ended)."""
    seen = []

    def still() -> bool:
        seen.append(driver.execute_script("return window.scrollY"))
        return len(seen) >= 3 and len(set(seen[-3:])) == 1

    wait(still, what="the page to stop scrolling")


def boxes(driver, selector: str) -> list[dict]:
    """Screen boxes (CSS px) of the elements ``selector`` picks."""
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.getBoundingClientRect().toJSON())", selector
    )


def framed(shot: np.ndarray, box: dict) -> float:
    """The share of a cell's inner frame (2 to 3 px inside its box) drawn near-black: a source's mark."""
    top, left, bottom, right = (round(box[k]) for k in ("top", "left", "bottom", "right"))
    inner = shot[top + 2 : bottom - 2, left + 2 : right - 2]
    ring = np.concatenate([inner[:1].ravel(), inner[-1:].ravel(), inner[:, :1].ravel(), inner[:, -1:].ravel()])
    return float(np.mean(ring < 70))


def screen(driver) -> np.ndarray:
    """The screen's luminance, one value a CSS pixel (the device scale factor is 1)."""
    return np.asarray(Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("L"), dtype=float)


def test_at_phone_width_the_grids_fit_or_fold_with_legible_digits(browser, pages, shots):
    request, path = pages["toy"]
    assert request.T == 11  # the video's sentence: 11x11 grids
    trace = request.trace()
    open_page(browser, path, PHONE)
    sideways = browser.execute_script("return document.scrollingElement.scrollWidth - innerWidth")
    assert sideways <= 0, f"the page scrolls {sideways} px sideways"
    overflowing = browser.execute_script(
        "return [...document.querySelectorAll('#grids .scroll')].filter(b => b.scrollWidth > b.clientWidth)"
        ".map(b => b.firstChild.dataset.role)"
    )
    assert overflowing == []  # no grid scrolls inside its box either: it fits or is folded
    folded = browser.execute_script("return document.querySelectorAll('#grids table[data-role=\"S\"]').length")
    assert folded >= 2  # 11 columns of QKᵀ do not fit 371 px: folded into blocks one under the other
    assert sorted(grid_texts(browser, "S")) == sorted(texts(trace.scores))  # every number still drawn
    # digits clear of the cell's borders, at a readable size
    worst = browser.execute_script(
        "const range = document.createRange(); let worst = 99, size = 99;"
        "for (const td of document.querySelectorAll('#grids td[data-r]')) {"
        "  range.selectNodeContents(td); const t = range.getBoundingClientRect(), b = td.getBoundingClientRect();"
        "  worst = Math.min(worst, t.left - b.left, b.right - t.right, t.top - b.top, b.bottom - t.bottom);"
        "  size = Math.min(size, parseFloat(getComputedStyle(td).fontSize)); }"
        "return [worst, size]"
    )
    assert worst[0] >= 2 and worst[1] >= 12, worst
    snap(browser, shots, "toy-phone-light-folded")
    # the keys cross from one block to the next as within one table
    last = browser.execute_script(
        "return Number([...document.querySelectorAll('#grids table[data-role=\"S\"]')][0]"
        ".querySelector('tbody tr').lastChild.dataset.c)"
    )
    browser.execute_script("arguments[0].focus()", cell(browser, "S", 0, last))
    ActionChains(browser).send_keys(Keys.ARROW_RIGHT).perform()
    active = (
        "const a = document.activeElement;"
        "return [a.closest('table') === a.closest('figure').querySelector('table'), a.dataset.c]"
    )
    assert browser.execute_script(active) == [False, str(last + 1)]
    viewport(browser, DESKTOP)  # the same page made wide: unfolded again, as a desktop draws it
    blocks = "return document.querySelectorAll('#grids table[data-role=\"S\"]').length"
    wait(lambda: browser.execute_script(blocks) == 1, what="the grids to unfold")


def test_at_phone_width_a_tap_shows_its_sources_and_the_panel_never_covers_the_cell(browser, pages, shots):
    _, path = pages["toy"]
    open_page(browser, path, PHONE)
    height = browser.execute_script("return innerHeight")
    # W^q[5, 2], tapped low on the screen, where the panel rises when it explains it: moved above the panel
    (hint,) = boxes(browser, "#worked")
    tap(browser, "Wq", 4, 1, top=round(hint["top"]) - 30)
    (panel,) = boxes(browser, "#worked")
    (pointed,) = boxes(browser, "#grids td.pointed")
    assert 0 <= pointed["top"] and pointed["bottom"] <= panel["top"], (pointed, panel)
    # QKᵀ[a, new]: its sources, row 9 of Q and row 10 of K, are two grids further up than fits with the cell
    tap(browser, "S", 8, 9)
    (panel,) = boxes(browser, "#worked")
    assert panel["height"] <= height / 3 + 0.5, panel  # at most a third of the screen
    sources = boxes(browser, "#grids td.src")
    assert len(sources) == 10
    assert all(0 <= b["top"] and b["bottom"] <= panel["top"] for b in sources), (sources, panel)
    (pointed,) = boxes(browser, "#grids td.pointed")
    assert pointed["bottom"] <= panel["top"] or pointed["top"] >= height  # in sight, or off screen: never under
    shot = screen(browser)
    plain = boxes(browser, "#grids table[data-role='K'] td[data-r]:not(.src)")
    assert min(framed(shot, b) for b in sources) > 0.8  # each source framed in black
    assert max(framed(shot, b) for b in plain if 0 <= b["top"] and b["bottom"] <= panel["top"]) < 0.3
    snap(browser, shots, "toy-phone-light-tap-S")
    browser.find_element(By.XPATH, "//p[@class='jumps']/button[.='the cell pointed at']").click()
    settle(browser)
    (pointed,) = boxes(browser, "#grids td.pointed")
    assert 0 <= pointed["top"] and pointed["bottom"] <= panel["top"], pointed
    # A[new, going]: the softmax's long panel still a third; the cell and the nearest block of its row of
    # the scaled scores in sight together, a button for each source brings all of it into sight
    tap(browser, "A", 9, 2)
    (panel,) = boxes(browser, "#worked")
    assert panel["height"] <= height / 3 + 0.5, panel
    (pointed,) = boxes(browser, "#grids td.pointed")
    assert 0 <= pointed["top"] and pointed["bottom"] <= panel["top"], (pointed, panel)
    sources = boxes(browser, "#grids td.src")
    assert any(0 <= b["top"] and b["bottom"] <= panel["top"] for b in sources)
    snap(browser, shots, "toy-phone-light-tap-A")
    browser.find_element(By.XPATH, "//p[@class='jumps']/button[starts-with(., 'row 10 of')]").click()
    settle(browser)
    sources = boxes(browser, "#grids td.src")
    assert len(sources) == 11 and all(0 <= b["top"] and b["bottom"] <= panel["top"] for b in sources)
    viewport(browser, DESKTOP)


# ----- a pretrained model -------------------------------------------------------------------------------------
def test_switching_a_model_head_shows_that_heads_trace(browser, pages, shots):
    request, path = pages["model"]
    assert request.T == 16
    open_page(browser, path)
    snap(browser, shots, "model-desktop-light")
    first = request.source.head_trace(request.text, 1, 1)
    assert grid_texts(browser, "A") == texts(first.weights)
    browser.find_element(By.CSS_SELECTOR, '#heads button[data-state="L3/H5"]').click()
    trace = request.source.head_trace(request.text, 3, 5)
    assert grid_texts(browser, "A") == texts(trace.weights)
    assert browser.find_element(By.ID, "layer").get_attribute("value") == "3"
    # a sum of 32 terms, written with its first four and last two terms and its total
    i, j = 5, 7
    hover(browser, "S", i, j)
    dot = worked.dot_product(trace, i, j)
    assert parts(browser, "term") == texts(dot.products[[0, 1, 2, 3, 30, 31]])
    assert parts(browser, "total") == [text(trace.scores[i, j])]
    snap(browser, shots, "model-desktop-light-S")
    # a projection: row i of X (384 wide, folded) times a column of W^q, plus the bias
    hover(browser, "Q", i, 5)  # drawn column 5 is source column 30
    products = trace.X[i] * trace.W_q[:, 30]
    assert parts(browser, "term") == texts(products[[0, 1, 2, 3, 382, 383]])
    assert parts(browser, "sum") == [text((trace.X @ trace.W_q)[i, 30])]
    assert parts(browser, "total") == [text(trace.Q[i, 30])]
    # the picker: layer 6, head 12
    for name, value in (("layer", "6"), ("head", "12")):
        select = browser.find_element(By.ID, name)
        browser.execute_script(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'))", select, value
        )
    last = request.source.head_trace(request.text, 6, 12)
    assert grid_texts(browser, "A") == texts(last.weights)
    hover(browser, "R", 2, 0)
    assert parts(browser, "term") == texts(worked.weighted_sum(last, 2).terms[:, 0])
    open_page(browser, path, PHONE)
    snap(browser, shots, "model-phone-light")
    widths = "const e = arguments[0]; return [e.scrollWidth, e.clientWidth]"
    page_width, screen_width = browser.execute_script(widths, browser.find_element(By.TAG_NAME, "html"))
    heads_width, heads_room = browser.execute_script(widths, browser.find_element(By.ID, "heads"))
    assert page_width <= screen_width and heads_width <= heads_room  # 72 thumbnails, 16x16 grids: all fit or fold
    hover(browser, "A", 4, 2)
    snap(browser, shots, "model-phone-light-A")
    browser.find_element(By.ID, "theme").click()
    snap(browser, shots, "model-phone-dark-A")
    viewport(browser, DESKTOP)


# ----- the command line -------------------------------------------------------------------------------------
def test_render_py_explore_writes_one_page_without_a_render(tmp_path, capsys):
    import json

    from rendering.cli.main import main

    out = tmp_path / "out"
    argv = ["explore", "--sentence", "a small example", "--d", "3", "--theme", "dark", "--name", "week3"]
    assert main([*argv, "--out", str(out)]) == 0
    page = out / "explore" / "week3.html"
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    (entry,) = json.loads((out / "manifest.json").read_text())["files"]
    assert (entry["file"], entry["kind"], entry["format"]) == ("explore/week3.html", "explore", "html")
    assert sorted(p.name for p in out.iterdir()) == ["explore", "manifest.json"]
    capsys.readouterr()
    for bad in (["--name", "../x"], ["--name", "x.html"], ["--name", ".hidden"], ["--theme", "sepia"], ["Step1MatMul"]):
        assert main(["explore", *bad, "--out", str(tmp_path / "bad")]) == 2, bad
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
        assert not (tmp_path / "bad").exists()
