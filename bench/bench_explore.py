"""Explorer benchmark: the size of the explorer pages and how soon they are ready in headless Chromium.

Two pages of issue #19: the video's sentence on the toy model (d = 5, four states; budget 300 KB) and a
16-token sentence through all-MiniLM-L6-v2 (6 layers x 12 heads; budget 3 MB). For each it prints the time
to build the page in Python, its size, and over several fresh loads (about:blank first) the time from
navigation start to the page saying it is ready (``data-ready``: the payload inflated and parsed, the
controls and every grid of the first state drawn), as the page's own clock measures it. Target: under 1 s.

    .venv/bin/python bench/bench_explore.py               # 5 loads per page, median and worst
    .venv/bin/python bench/bench_explore.py --loads 10
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import attention
from rendering.exporters.explore import write_page
from rendering.inspection.browser import start_chromium, wait

MODEL_SENTENCE = "Jane is going to the cinema to watch a new movie with her friends"  # 16 WordPiece tokens
BUDGETS = {"toy": 300_000, "minilm": 3_000_000}
READY_TARGET = 1.0  # seconds


def ready_seconds(driver, path: Path) -> float:
    driver.get("about:blank")
    driver.get(path.as_uri())
    wait(lambda: driver.execute_script("return document.documentElement.dataset.ready === 'true'"), what="ready")
    return driver.execute_script("return window.explorer.readyAt / 1000")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    requests = {
        "toy": attention.Request.from_sentence(),
        "minilm": attention.Request.from_sentence(MODEL_SENTENCE, model="minilm"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pages = {}
        for name, request in requests.items():
            request.trace()  # the model's forward pass is paid here, not in the page's build time
            start = time.perf_counter()
            pages[name] = write_page(folder / f"{name}.html", request)
            built = time.perf_counter() - start
            size = pages[name].stat().st_size
            verdict = "met" if size < BUDGETS[name] else "MISSED"
            print(
                f"{name}: {request.T} tokens, built in {built:.2f} s, {size / 1000:.0f} KB "
                f"(budget {BUDGETS[name] / 1000:.0f} KB: {verdict})"
            )
        driver = start_chromium(folder / "profile")
        try:
            for name, path in pages.items():
                times = [ready_seconds(driver, path) for _ in range(args.loads)]
                worst = max(times)
                verdict = "met" if worst < READY_TARGET else "MISSED"
                print(
                    f"{name}: ready in {statistics.median(times):.3f} s median, {worst:.3f} s worst of "
                    f"{args.loads} loads (target {READY_TARGET:.1f} s: {verdict})"
                )
        finally:
            driver.quit()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
