"""Dead-air benchmark (issue #24, item 2): seconds of narration heard over an empty content area in FullVideo.

Renders the default video narrated at -q l with its section clips (a fresh ATTENTION_CACHE in a temporary
folder), then measures it with PyAV (``rendering/inspection``): the seconds of audible speech (louder than
-40 dBFS in 50 ms) while the content area (right of the divider in a step, the whole frame elsewhere) holds
under 0.2 % drawing, where that happens, and how much of its pane each section's fullest frame uses.
Target: at most 1 s of dead air.

    .venv/bin/python bench/bench_dead_air.py                 # render (about 3 minutes on 2 cores), then measure
    .venv/bin/python bench/bench_dead_air.py --out renders   # measure a render already made with --sections
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rendering.inspection.composition import fullest_frames
from rendering.inspection.dead_air import measure, stretches_from_manifest
from scenes.registry import DEFAULT_VIDEO

ROOT = Path(__file__).resolve().parent.parent
VIDEO = DEFAULT_VIDEO.__name__
TARGET = 1.0  # seconds


def render(out: Path, cache: Path) -> float:
    """Render the video into ``out``; the wall-clock seconds it took."""
    env = {**os.environ, "ATTENTION_CACHE": str(cache)}
    command = [sys.executable, str(ROOT / "render.py"), VIDEO, "-q", "l", "--sections", "--out", str(out)]
    began = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - began


def report(out: Path) -> bool:
    stretches = stretches_from_manifest(out / "manifest.json", VIDEO)
    movie = out / f"{VIDEO}.mp4"
    found = measure(movie, stretches)
    met = found.seconds <= TARGET
    print(f"{'row':<10} {'value':>9}  target")
    print(f"{'speech':<10} {found.spoken:>8.1f}s")
    print(f"{'dead air':<10} {found.seconds:>8.1f}s  <= {TARGET:.0f} s: {'met' if met else 'NOT met'}")
    for start, end in found.intervals:
        print(f"  {start:7.2f} - {end:7.2f} s")
    print("fullest frame of each section: time, share of the pane's width and height its drawing spans")
    for section, frame in zip((c.start for c in stretches), fullest_frames(movie, stretches), strict=True):
        edge = ", touches the edge" if frame.touches_edge else ""
        shares = f"{frame.width_share:4.0%} x {frame.height_share:4.0%}"
        print(f"  from {section:6.1f} s: {frame.time:6.1f} s  {shares}{edge}")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="a folder holding a --sections render of the video: measure it")
    args = parser.parse_args(argv)
    if args.out is not None:
        return 0 if report(args.out) else 1
    with tempfile.TemporaryDirectory(prefix="bench-dead-air-") as work:
        seconds = render(Path(work) / "out", Path(work) / "cache")
        print(f"rendered {VIDEO} -q l --sections in {seconds:.0f} s")
        return 0 if report(Path(work) / "out") else 1


if __name__ == "__main__":
    raise SystemExit(main())
