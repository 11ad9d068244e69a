"""Voice benchmark: what narration costs a cold render, in render seconds per second of output, in one run.

Rows, each timed as the wall clock of the real command in a fresh process, from an empty ATTENTION_CACHE of
its own (LaTeX cold too; the narrated one also has piper speak every cue):

    silent    render.py FullVideo -q h --voice none
    narrated  render.py FullVideo -q h --voice joe
    ratio     narrated / silent, each in seconds of rendering per second of video      target <= 1.1x

Narration lengthens the video (each cue waits for its speech), so the two are compared per second of what they
make, not as totals. At 1080p60 it takes about 10 minutes of both cores; ``--quality l`` (480p15) runs the same
rows in a minute or two, to see that it works. The load average before and after is printed: timings taken beside
other work are noisy.

    .venv/bin/python bench/bench_voice.py               # the row of issue #18: 1080p60
    .venv/bin/python bench/bench_voice.py --quality l   # the same at 480p15
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import av

from rendering.cache.codehash import copy_sources

SCENE = "FullVideo"
TARGET = 1.1  # narrated seconds per second of video, at most this many times the silent ones


@dataclass(frozen=True)
class Cold:
    """A cold render: its wall clock, and the length of the video it made."""

    voice: str
    seconds: float
    video: float

    @property
    def rate(self) -> float:
        """Seconds of rendering per second of video."""
        return self.seconds / self.video


def video_seconds(path: Path) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return float(stream.duration * stream.time_base)


def cold(voice: str, quality: str, work: Path, snapshot: Path) -> Cold:
    """render.py FullVideo with ``--voice voice`` from an empty cache, run from the snapshot of the code."""
    out, cache = work / f"out-{voice}", work / f"cache-{voice}"
    command = [sys.executable, str(snapshot / "render.py"), SCENE, "-q", quality, "--voice", voice, "--out", str(out)]
    env = {**os.environ, "ATTENTION_CACHE": str(cache), "PYTHONPATH": str(snapshot)}
    print(f"{voice}: render.py {SCENE} -q {quality} --voice {voice}, empty cache ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=snapshot, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"`{' '.join(command)}` exited with {done.returncode}:\n{tail}")
    made = Cold(voice, seconds, video_seconds(out / f"{SCENE}.mp4"))
    print(f"    {made.seconds:.1f} s for {made.video:.1f} s of video", file=sys.stderr, flush=True)
    return made


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def report(silent: Cold, narrated: Cold, quality: str) -> str:
    ratio = narrated.rate / silent.rate
    verdict = "met" if ratio <= TARGET else f"misses by {ratio - TARGET:.2f}x"
    rows = [
        ("row", "measured", "target", "verdict"),
        *(
            (run.voice, f"{run.seconds:.1f} s / {run.video:.1f} s of video = {run.rate:.3f} s per s", "-", "-")
            for run in (silent, narrated)
        ),
        (f"voice (-q {quality})", f"{narrated.rate:.3f} / {silent.rate:.3f} = {ratio:.3f}x", f"<= {TARGET}x", verdict),
    ]
    widths = [max(len(row[n]) for row in rows) for n in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality", "-q", default="h", choices=("l", "m", "h", "p", "k"), help="Manim's preset")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print it")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench_voice_"))
    print(f"load average before: {load()} (1, 5, 15 min)")
    try:
        snapshot = copy_sources(work / "snapshot")  # edits made meanwhile in the working tree change nothing
        silent = cold("none", args.quality, work, snapshot)
        narrated = cold("joe", args.quality, work, snapshot)
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"load average after:  {load()}")
    print(report(silent, narrated, args.quality))
    return 0


if __name__ == "__main__":
    sys.exit(main())
