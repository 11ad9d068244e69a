"""Render benchmark: render.py against Manim's own floor, each row of issue #10 measured in one run.

Rows, each timed as a wall clock of the real command in a fresh process:

    floor      a blank Manim scene as long as FullVideo, 1080p60, one `manim render` process
    cold       render.py FullVideo -q h, empty ATTENTION_CACHE (LaTeX cold too)       target <= 1.0x floor
    unchanged  the same command again                                               target <= 0.05x cold
    one scene  a comment added to one scene's file (in a copy of the project, never the repository's
               files), the same command again from the copy: which sections rendered    target: that scene's only
    jobs       the 7 video scenes at -q m, --jobs 2 against --jobs 1 (LaTeX warm, no outputs cached)
                                                                                    target >= 1.7x
    figures    render.py figures --width 3840 (PNG, SVG, PDF of every scene), empty cache   target <= 30 s
    cold_single  (only with --rows cold_single) the cold render with --jobs 1: what the parallel parts gain

It takes 10 to 15 minutes on the 2-core machine; the load average before and after is printed, since timings
taken beside other work are noisy.

    .venv/bin/python bench/bench_render.py                        # every row
    .venv/bin/python bench/bench_render.py --rows cold unchanged  # some rows (floor comes with cold)
    .venv/bin/python bench/bench_render.py --touch scenes/video/intro.py
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import av

from rendering.cache.codehash import copy_sources
from scenes.catalog import VIDEO_PARTS  # imports manim: ~2 s, once
from scenes.registry import DEFAULT_VIDEO

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
MANIM = ROOT / ".venv" / "bin" / "manim"
FULL_VIDEO = DEFAULT_VIDEO.__name__
ROWS = ("cold", "unchanged", "one_scene", "jobs", "figures")
EXTRA_ROWS = ("cold_single",)  # on request: the cold render in one process, to show what the parts gain

BLANK_SCENE = """\
import os

from manim import Scene


class Blank(Scene):
    def construct(self):
        self.wait(float(os.environ["BENCH_SECONDS"]))
"""


@dataclass
class Timed:
    seconds: float
    log: str
    cpu: float = 0.0  # seconds of CPU (user and system) the command and every process it started used


@dataclass
class Row:
    name: str
    measured: str  # the ratio or figure, as printed
    target: str
    verdict: str


def run(command: list[str], env: dict | None = None, cwd: Path = ROOT) -> Timed:
    start, before = time.perf_counter(), os.times()
    done = subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    seconds, after = time.perf_counter() - start, os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    if done.returncode:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"`{' '.join(command)}` exited with {done.returncode}:\n{tail}")
    return Timed(seconds, done.stdout, cpu)


def render_py(args: list[str], cache: Path, out: Path, root: Path) -> Timed:
    env = {"ATTENTION_CACHE": str(cache), "PYTHONPATH": str(root)}  # the copy's packages, not the editable install's
    timed = run([str(PYTHON), str(root / "render.py"), *args, "--out", str(out)], env, cwd=root)
    summary = re.compile(r"^(from the cache|rendering|  part|nothing to render|done in|\w+: rendered)")
    for line in timed.log.splitlines():
        if summary.match(line):
            print(f"    {line}", file=sys.stderr)
    print(f"    ({timed.seconds:.1f} s)", file=sys.stderr, flush=True)
    return timed


def video_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return float(stream.duration * stream.time_base)


def floor(seconds: float, work: Path) -> Timed:
    """A blank scene of ``seconds`` at 1080p60 in one Manim process: process start, import and encoding."""
    blank = work / "blank_scene.py"
    blank.write_text(BLANK_SCENE)
    media = work / "floor-media"
    command = [str(MANIM), "render", "-qh", "--disable_caching", "--media_dir", str(media), "--progress_bar", "none"]
    return run([*command, "-v", "WARNING", str(blank), "Blank"], {"BENCH_SECONDS": repr(seconds)})


def warm_cache(source: Path, target: Path) -> Path:
    """A new cache folder with the LaTeX and text SVGs of ``source``'s Manim slots, and nothing else."""
    for slot in source.glob("slot-*"):
        for folder in ("Tex", "texts"):
            if (slot / folder).is_dir():
                shutil.copytree(slot / folder, target / slot.name / folder, ignore=shutil.ignore_patterns("*_.svg"))
    target.mkdir(parents=True, exist_ok=True)
    return target


def part_seconds(log: str) -> list[tuple[str, float]]:
    return [(label, float(s)) for label, s in re.findall(r"slice (.+?): filmed .* in ([\d.]+) s", log)]


def verdict(met: bool, by: str, because: str) -> str:
    return "met" if met else f"misses by {by} because {because}"


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def bench(rows: tuple[str, ...], touch: str, work: Path) -> list[Row]:
    table: list[Row] = []
    video_cmd = [FULL_VIDEO, "-q", "h"]
    cache, out = work / "cache", work / "out"
    # every row runs a snapshot of the code taken now: edits made meanwhile in the working tree change nothing
    snapshot = copy_sources(work / "snapshot")
    cold = unchanged = None
    if {"cold", "unchanged", "one_scene"} & set(rows):
        print("cold: render.py FullVideo -q h, empty cache ...", file=sys.stderr, flush=True)
        cold = render_py(video_cmd, cache, out, snapshot)
        length = video_seconds(out / f"{FULL_VIDEO}.mp4")
        print(f"floor: a blank scene of {length:.1f} s at 1080p60 ...", file=sys.stderr, flush=True)
        blank = floor(length, work)
        ratio = cold.seconds / blank.seconds
        parts = part_seconds(cold.log)
        slowest = max(parts, key=lambda p: p[1]) if parts else ("-", 0.0)
        table.append(Row("floor", f"{blank.seconds:.1f} s for {length:.1f} s of video", "-", "-"))
        table.append(
            Row(
                "cold",
                f"{cold.seconds:.1f} s = {ratio:.2f}x floor",
                "<= 1.0x floor",
                verdict(
                    ratio <= 1.0,
                    f"{cold.seconds - blank.seconds:.1f} s",
                    f"its slowest part ({slowest[0]}) took {slowest[1]:.1f} s, building the sections it skips "
                    f"as well as filming its own, and the parts share 2 cores",
                ),
            )
        )
    if "cold_single" in rows and cold is not None:
        print("cold, one process: render.py FullVideo -q h --jobs 1, empty cache ...", file=sys.stderr, flush=True)
        single = render_py([*video_cmd, "--jobs", "1"], work / "cache-single", work / "out-single", snapshot)
        table.append(
            Row(
                "cold, 1 job",
                f"{single.seconds:.1f} s = {single.seconds / blank.seconds:.2f}x floor",
                "-",
                f"the parts make the cold render {single.seconds / cold.seconds:.2f}x faster",
            )
        )
    if "unchanged" in rows:
        print("unchanged: the same command again ...", file=sys.stderr, flush=True)
        unchanged = render_py(video_cmd, cache, out, snapshot)
        ratio = unchanged.seconds / cold.seconds
        imports = run([str(PYTHON), "-c", "import rendering.cli.main, scenes.registry"]).seconds
        table.append(
            Row(
                "unchanged",
                f"{unchanged.seconds:.1f} s = {ratio:.3f}x cold",
                "<= 0.05x cold",
                verdict(
                    ratio <= 0.05,
                    f"{unchanged.seconds - 0.05 * cold.seconds:.1f} s",
                    f"starting Python and importing Manim and the scenes alone takes {imports:.1f} s",
                ),
            )
        )
    if "one_scene" in rows:
        copy = copy_sources(work / "project", snapshot)
        with open(copy / touch, "a") as fh:
            fh.write("# bench: a comment, new code, the same frames\n")
        module = Path(touch).with_suffix("").as_posix().replace("/", ".")
        touched = next((scene.part.name for scene in VIDEO_PARTS if scene.__module__ == module), Path(touch).stem)
        print(f"one scene: {touch} touched in a copy of the project, FullVideo again ...", file=sys.stderr, flush=True)
        changed = render_py(video_cmd, cache, out, root=copy)
        found = re.search(rf"{FULL_VIDEO}: rendered (.*?); from the cache", changed.log)
        again = found.group(1).split(", ") if found else []
        table.append(
            Row(
                "one scene",
                f"{changed.seconds:.1f} s = {changed.seconds / cold.seconds:.2f}x cold; rendered: {', '.join(again)}",
                f"only {touched}",
                verdict(
                    again == [touched],
                    f"{len(again) - 1} section(s)",
                    "what the later sections start from changed (the state digest differs), so they were filmed too",
                ),
            )
        )
    if "jobs" in rows:
        scenes = [scene.__name__ for scene in VIDEO_PARTS]
        seeded = cache if cache.is_dir() else None
        timed = {}
        for jobs in (1, 2):
            print(f"jobs: {len(scenes)} video scenes -q m --jobs {jobs} ...", file=sys.stderr, flush=True)
            fresh = warm_cache(seeded, work / f"cache-jobs{jobs}") if seeded else work / f"cache-jobs{jobs}"
            timed[jobs] = render_py(
                [*scenes, "-q", "m", "--jobs", str(jobs)], fresh, work / f"out-jobs{jobs}", snapshot
            )
        speedup = timed[1].seconds / timed[2].seconds
        table.append(
            Row(
                "jobs",
                f"--jobs 1 {timed[1].seconds:.1f} s / --jobs 2 {timed[2].seconds:.1f} s = {speedup:.2f}x",
                ">= 1.7x",
                verdict(speedup >= 1.7, f"{1.7 - speedup:.2f}x", "the scenes are unequal, the last one runs alone"),
            )
        )
    if "figures" in rows:
        print("figures: render.py figures --width 3840, empty cache ...", file=sys.stderr, flush=True)
        figures = render_py(["figures", "--width", "3840"], work / "cache-figures", work / "out-figures", snapshot)
        table.append(
            Row(
                "figures",
                f"{figures.seconds:.1f} s",
                "<= 30 s",
                verdict(
                    figures.seconds <= 30,
                    f"{figures.seconds - 30:.1f} s",
                    "each scene is built whole (animations skipped) and drawn at 3840 px, PNG, SVG and PDF",
                ),
            )
        )
    return table


def print_table(table: list[Row]) -> None:
    head = ("row", "measured", "target", "verdict")
    lines = [(r.name, r.measured, r.target, r.verdict) for r in table]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=True)]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--rows",
        nargs="+",
        choices=ROWS + EXTRA_ROWS,
        default=list(ROWS),
        help="rows to measure (default: all but cold_single, the cold render in one process)",
    )
    parser.add_argument(
        "--touch", default="scenes/video/step_output.py", help="the scene file the one-scene row changes (in a copy)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print it")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench_render_"))
    print(f"load average before: {load()} (1, 5, 15 min; 2 cores)")
    try:
        table = bench(tuple(args.rows), args.touch, work)
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"load average after:  {load()}")
    print_table(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
