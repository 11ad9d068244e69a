"""Model benchmark: a cold load of all-MiniLM-L6-v2 plus one 16-token forward pass, against a 2 s target.

Each run is a fresh ``python`` process that does what a scene or the CLI does the first time:

    import attention; model = attention.load_model(); model.run(SENTENCE)

so the interpreter start, the imports (NumPy, safetensors, tokenizers, scipy.special), reading the
90 MB of weights, their sha256 check, the float64 conversion and the forward pass are all paid for
real. The child reports its split; the total is wall clock from launching the process to the
embedding being ready. The default sentence is 16 WordPiece tokens, [CLS] and [SEP] included.

The BLAS thread count matters: on a small, busy machine OpenBLAS's worker threads cost far more
than they save on these small products, so by default the run compares the environment as it is
with OPENBLAS_NUM_THREADS=1.

    .venv/bin/python bench/bench_model.py                           # 3 fresh processes per setting, medians
    .venv/bin/python bench/bench_model.py --runs 5 --blas-threads inherit
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from blas_threads import add_blas_option, environment  # bench/, beside this script

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "Jane is going to the cinema to watch a new movie with her friends"
TOKENS = 16

CHILD = """\
import json, sys, time
t0 = time.time()
import attention

t1 = time.time()
model = attention.load_model()
t2 = time.time()
encoding = model.run(sys.argv[1])
t3 = time.time()
model.run(sys.argv[1])
t4 = time.time()
print(json.dumps({"start": t0, "imported": t1, "loaded": t2, "encoded": t3, "warm": t4 - t3,
                  "tokens": list(encoding.tokens[0])}))
"""


def run_once(sentence: str, env: dict) -> dict:
    """One fresh process; times in seconds from its launch."""
    launched = time.time()  # wall clock, comparable with the child's time.time()
    done = subprocess.run([sys.executable, "-c", CHILD, sentence], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-10:])
        raise SystemExit(f"the benchmark process exited with {done.returncode}:\n{tail}")
    child = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "start + import attention": child["imported"] - launched,
        "load_model()": child["loaded"] - child["imported"],
        "first encode": child["encoded"] - child["loaded"],
        "total": child["encoded"] - launched,
        "warm encode": child["warm"],
        "tokens": child["tokens"],
    }


STEPS = ("start + import attention", "load_model()", "first encode", "total", "warm encode")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per setting (default 3); medians reported")
    parser.add_argument("--sentence", default=SENTENCE, help=f"the sentence to encode (default: {SENTENCE!r})")
    parser.add_argument("--target", type=float, default=2.0, help="target seconds for load + first forward (default 2)")
    add_blas_option(parser)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    results: dict[str, list[dict]] = {setting: [] for setting in args.blas_threads}
    for _ in range(args.runs):  # settings interleaved, so a change in the machine's load hits them alike
        for setting in args.blas_threads:
            env = environment(setting)
            results[setting].append(run_once(args.sentence, env))

    tokens = results[args.blas_threads[0]][0]["tokens"]
    print(f"sentence: {args.sentence!r} -> {len(tokens)} WordPiece tokens: {' '.join(tokens)}")
    if len(tokens) != TOKENS:
        print(f"warning: the target is stated for {TOKENS} tokens, this sentence has {len(tokens)}")
    print(
        f"{args.runs} fresh process(es) per setting; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
        "median seconds per step; total = from launching the process to the embedding"
    )
    head = ("BLAS threads", *STEPS)
    rows = [
        (setting, *(f"{statistics.median(run[step] for run in runs):.3f}" for step in STEPS))
        for setting, runs in results.items()
    ]
    widths = [max(len(row[i]) for row in (head, *rows)) for i in range(len(head))]
    for row in (head, *rows):
        print(
            "  ".join(
                cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    for setting, runs in results.items():
        total = statistics.median(run["total"] for run in runs)
        how = "BLAS threads as inherited" if setting == "inherit" else f"OPENBLAS_NUM_THREADS={setting}"
        print(
            f"load + {len(tokens)}-token forward: {total:.2f} s (target ≤ {args.target:g} s: "
            f"{'met' if total <= args.target else 'missed'}) with {how}"
        )
    print(
        "load_model() includes reading and sha256-checking the weights; the first encode includes importing "
        "scipy.special; warm encode = the same sentence again in the same process"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
