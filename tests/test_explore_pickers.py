"""The explorer's step and block pickers (rendering/exporters/explore/runs.py, assets/explore/pickers.js).

The payload's states are recomputed with the core (``kv_cache.replay`` and ``cached_decode``, the full causal
pass, ``online_softmax.online_row``) and compared text for text; then, in a real headless Chromium, a picked
step's weights and a picked block's running m, l and o are read back from the DOM. Screenshots of both pickers
at desktop and phone width go to /tmp/explorer-shots/ (pickers-*.png).
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from test_explore import DESKTOP, PHONE, open_page, snap, texts  # tests/, on pytest's path

import attention
from attention.kv_cache import replay
from attention.models import smollm2
from attention.online_softmax import online_row
from attention.states import explorer_states
from attention.toy import TOY
from rendering.exporters.explore.cells import Pool
from rendering.exporters.explore.page import render
from rendering.exporters.explore.payload import payload
from rendering.exporters.explore.runs import BLOCK_FIELDS, decode_steps, difference
from rendering.inspection.browser import start_chromium, wait

SENTENCE = "the cat sat on the mat because it was warm"  # 10 tokens: every block size 1..10 offered
COUNTING = "1, 2,"  # a decoder's obvious continuation: " 3", a space and a digit (SmolLM2 splits digits)


def drawn(data: dict, pool_id: str) -> list[str]:
    """The texts of a payload matrix, ellipses left out (none here: the toy's are never folded)."""
    return [t for t in data["mats"][pool_id]["text"].split(" ") if t not in ("\u22ee", "\u22ef", "\u22f1")]


@pytest.fixture(scope="module")
def request_() -> attention.Request:
    return attention.Request.from_sentence(SENTENCE, d=6, seed=3)


@pytest.fixture(scope="module")
def data(request_) -> dict:
    return payload(request_)


# ----- the payload: each state is the core's --------------------------------------------------------------------
def test_the_toys_decode_steps_are_its_replay_and_its_causal_rows(request_, data):
    run, causal = replay(request_), TOY.causal(request_)
    steps = data["runs"]["decode"]["steps"]
    assert len(steps) == request_.T == len(run.steps) and data["runs"]["decode"]["new"] == 0
    for shown, step in zip(steps, run.steps, strict=True):
        t = step.position
        assert shown["cached"] == t and shown["token"] == request_.tokens[t] and not shown["picked"]
        assert shown["next_token"] == (request_.tokens[t + 1] if t + 1 < request_.T else None)
        assert drawn(data, shown["K"]) == texts(step.keys) == texts(causal.K[: t + 1])
        assert drawn(data, shown["V"]) == texts(causal.V[: t + 1])
        assert drawn(data, shown["q"]) == texts(causal.Q[t])
        assert drawn(data, shown["scores"]) == texts(causal.scaled[t, : t + 1])
        assert drawn(data, shown["weights"]) == texts(causal.weights[t, : t + 1])
        assert drawn(data, shown["output"]) == texts(causal.output[t])


def test_a_decoders_steps_are_its_greedy_tokens_and_its_full_causal_rows():
    request = attention.Request.from_sentence(COUNTING, model="smollm2", layer=2, head=5)
    pool = Pool()
    shown = decode_steps(request, pool, new_tokens=2)
    model = smollm2.load_model()
    prompt = list(model.token_ids(COUNTING))
    assert shown["kv_head"] == 2 and shown["prompt"] == len(prompt)  # query heads 4-6 share key/value head 2
    assert shown["tokens"][len(prompt) :] == ["\u2423", "3"]  # greedy: the count goes on
    read = [step["id"] for step in shown["steps"]]
    assert read[: len(prompt)] == prompt and len(read) == len(prompt) + 1
    trace = model.run_ids(read, layers=2).trace(2, 5)  # the full causal pass over what the decode read
    data = {"mats": pool.matrices}
    for step in shown["steps"]:
        t = step["position"]
        assert step["cached"] == t and step["picked"] == (t + 1 >= len(prompt))
        assert drawn(data, step["weights"]) == texts(trace.weights[t, : t + 1])
        assert drawn(data, step["scores"]) == texts(trace.scaled[t, : t + 1])
        assert drawn(data, step["K"])[-2:] == texts(trace.K[t])[-2:]  # the new row's last columns (folded)


def test_the_block_states_are_the_online_softmax_of_each_row_and_block_size(request_, data):
    blocks = data["runs"]["blocks"]
    assert blocks["blocks"] == list(range(1, request_.T + 1)) and blocks["rows"] == list(range(request_.T))
    assert sorted(blocks["states"]) == ["mask-off/scale-on", "mask-on/scale-on"]
    field = {name: k for k, name in enumerate(BLOCK_FIELDS)}
    for name in blocks["states"]:
        trace = explorer_states(request_)[name]
        for i in blocks["rows"]:
            row = blocks["states"][name][str(i)]
            assert row["A"].split(" ") == texts(trace.weights[i])
            for b in blocks["blocks"]:
                shown, run = row["runs"][str(b)], online_row(trace, i, b)
                assert [s[field["stop"]] for s in shown["states"]] == [s.stop for s in run.states]
                for s, state in zip(shown["states"], run.states, strict=True):
                    assert s[field["m"]] == texts(state.maximum)[0] and s[field["l"]] == texts(state.total)[0]
                    assert s[field["o"]].split(" ") == texts(state.output)
                    assert s[field["e"]].split(" ") == texts(state.exps)
                    assert s[field["r"]] in (None, texts(state.rescale)[0])
                assert shown["dA"] == difference(run.weights, trace.weights[i])
                assert (shown["weights"] or row["A"]).split(" ") == texts(run.weights)


def test_an_encoder_has_no_decode_steps():
    assert decode_steps(attention.Request.from_sentence("a b", model="minilm"), Pool()) is None


# ----- the page ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def page(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("pickers") / "explore.html"
    path.write_text(render(data), encoding="utf-8")  # write_page's page, from the payload built once
    return path


def cells(driver, selector: str) -> list[str]:
    return driver.execute_script(f"return [...document.querySelectorAll('{selector}')].map((e) => e.textContent)")


def test_a_picked_step_shows_its_weights_and_its_reused_rows(browser, page, request_, tmp_path):
    open_page(browser, page)
    run = replay(request_)
    button = browser.find_element(By.CSS_SELECTOR, '#decode-steps button[data-step="4"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    wait(lambda: browser.execute_script("return document.getElementById('decode-body').dataset.step") == "4")
    assert cells(browser, "#decode-body table[data-role=weights] td[data-r]") == texts(run.steps[4].weights)
    assert cells(browser, "#decode-body table[data-role=K] tr.reused th") == list(request_.tokens[:4])
    assert cells(browser, "#decode-body table[data-role=K] tr.new th") == [request_.tokens[4]]
    assert cells(browser, "#decode-body [data-part=next]") == [request_.tokens[5]]
    snap(browser, tmp_path, "pickers-decode-desktop")
    button.send_keys(Keys.ARROW_RIGHT)  # the keyboard moves to the next step
    wait(lambda: browser.execute_script("return document.getElementById('decode-body').dataset.step") == "5")
    assert cells(browser, "#decode-body table[data-role=weights] td[data-r]") == texts(run.steps[5].weights)
    assert browser.execute_script("return document.activeElement.dataset.step") == "5"


def test_a_picked_row_and_block_size_show_the_running_states(browser, page, request_, tmp_path):
    open_page(browser, page)
    browser.find_element(By.ID, "mask").click()  # the causal mask: the block picker follows it
    Select(browser.find_element(By.ID, "block-row")).select_by_value("7")
    Select(browser.find_element(By.ID, "block-size")).select_by_value("3")
    wait(lambda: browser.execute_script("return document.getElementById('blocks-body').dataset.block") == "3")
    run = online_row(explorer_states(request_)["mask-on/scale-on"], 7, 3)
    assert cells(browser, "#blocks-body table.blocks [data-part=m]") == [texts(s.maximum)[0] for s in run.states]
    assert cells(browser, "#blocks-body table.blocks [data-part=l]") == [texts(s.total)[0] for s in run.states]
    assert cells(browser, "#blocks-body table.blocks [data-part=o]") == texts([s.output for s in run.states])
    browser.execute_script("document.getElementById('blocks').scrollIntoView()")
    snap(browser, tmp_path, "pickers-blocks-desktop")


def test_the_pickers_fit_a_phone(browser, page, tmp_path):
    open_page(browser, page, PHONE)
    for section in ("decode", "blocks"):
        browser.execute_script(f"document.getElementById('{section}').scrollIntoView()")
        width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1] < DESKTOP[0]  # no sideways scrolling: a wide table scrolls in its own box
        snap(browser, tmp_path, f"pickers-{section}-phone")
    # the running states are a card a block, each line labelled: nothing of them hidden to the right
    table = "document.querySelector('#blocks-body table.blocks')"
    widths = browser.execute_script(f"return [{table}.scrollWidth, {table}.parentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    labels = browser.execute_script(
        f"return [...{table}.querySelectorAll('tbody tr:first-child > *')]"
        ".map((c) => getComputedStyle(c, '::before').content)"
    )
    assert labels[:4] == ['"block"', '"keys"', '"x (scores)"', '"m"'], labels
