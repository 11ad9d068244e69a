"""Decoder benchmark: a cold load of SmolLM2-135M-Instruct (Q4_1 GGUF) plus one 16-token run, against a 3 s target.

Each run is a fresh ``python`` process that does what a scene or the CLI does the first time it shows
a decoder head of layer L:

    from attention.models import smollm2; model = smollm2.load_model(); model.run(SENTENCE, layers=L).trace(L, 1)

so the interpreter start, the imports (NumPy, gguf, tokenizers), reading the 98 MB file, its sha256
check, parsing the GGUF metadata, building the tokenizer from its vocabulary and merges, dequantising
blocks 1..L and the run through them are all paid for real. Layer 30 is the worst case (every block
dequantised and run), layer 1 the best. The child reports its split; the total is wall clock from
launching the process to the trace being ready. The default sentence is 16 tokens.

The BLAS thread count matters on a small, busy machine (see bench_model.py), so by default the run
compares the environment as it is with OPENBLAS_NUM_THREADS=1.

    .venv/bin/python bench/bench_decoder.py                          # 3 fresh processes per setting and layer
    .venv/bin/python bench/bench_decoder.py --runs 5 --layers 30 --blas-threads 1
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
SENTENCE = "Jane is going to the cinema to watch a new movie with her two friends tonight"
TOKENS = 16

CHILD = """\
import json, sys, time
t0 = time.time()
from attention.models import smollm2

t1 = time.time()
model = smollm2.load_model()
t2 = time.time()
layer = int(sys.argv[2])
decoding = model.run(sys.argv[1], layers=layer)
trace = decoding.trace(layer, 1)
t3 = time.time()
model.run(sys.argv[1], layers=layer).trace(layer, 1)
t4 = time.time()
print(json.dumps({"start": t0, "imported": t1, "loaded": t2, "ran": t3, "warm": t4 - t3,
                  "tokens": list(decoding.tokens)}))
"""

STEPS = ("start + import", "load_model()", "first run + trace", "total", "warm run")


def run_once(sentence: str, layer: int, env: dict) -> dict:
    """One fresh process; times in seconds from its launch."""
    launched = time.time()  # wall clock, comparable with the child's time.time()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, sentence, str(layer)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-10:])
        raise SystemExit(f"the benchmark process exited with {done.returncode}:\n{tail}")
    child = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "start + import": child["imported"] - launched,
        "load_model()": child["loaded"] - child["imported"],
        "first run + trace": child["ran"] - child["loaded"],
        "total": child["ran"] - launched,
        "warm run": child["warm"],
        "tokens": child["tokens"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per setting and layer (default 3)")
    parser.add_argument("--sentence", default=SENTENCE, help=f"the sentence to run (default: {SENTENCE!r})")
    parser.add_argument("--layers", type=int, nargs="+", default=[30, 1], help="layers to trace (default: 30 1)")
    parser.add_argument("--target", type=float, default=3.0, help="target seconds for load + first run (default 3)")
    add_blas_option(parser)
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if any(not 1 <= layer <= 30 for layer in args.layers):
        parser.error("--layers must be 1 to 30")

    cases = [(layer, setting) for layer in args.layers for setting in args.blas_threads]
    results: dict[tuple[int, str], list[dict]] = {case: [] for case in cases}
    for _ in range(args.runs):  # cases interleaved, so a change in the machine's load hits them alike
        for layer, setting in cases:
            env = environment(setting)
            results[layer, setting].append(run_once(args.sentence, layer, env))

    tokens = results[cases[0]][0]["tokens"]
    print(f"sentence: {args.sentence!r} -> {len(tokens)} tokens: {' '.join(tokens)}")
    if len(tokens) != TOKENS:
        print(f"warning: the target is stated for {TOKENS} tokens, this sentence has {len(tokens)}")
    print(
        f"{args.runs} fresh process(es) per case; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
        "median seconds per step; total = from launching the process to the trace"
    )
    head = ("layer", "BLAS threads", *STEPS)
    rows = [
        (str(layer), setting, *(f"{statistics.median(run[step] for run in runs):.3f}" for step in STEPS))
        for (layer, setting), runs in results.items()
    ]
    widths = [max(len(row[i]) for row in (head, *rows)) for i in range(len(head))]
    for row in (head, *rows):
        cells = enumerate(zip(row, widths, strict=True))
        print("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in cells))
    for (layer, setting), runs in results.items():
        total = statistics.median(run["total"] for run in runs)
        how = "BLAS threads as inherited" if setting == "inherit" else f"OPENBLAS_NUM_THREADS={setting}"
        print(
            f"layer {layer}: load + {len(tokens)}-token run: {total:.2f} s (target ≤ {args.target:g} s: "
            f"{'met' if total <= args.target else 'missed'}) with {how}"
        )
    print(
        "load_model() includes reading, sha256-checking and parsing the file and building the tokenizer; the first "
        "run dequantises blocks 1..L; warm run = the same sentence again in the same process"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
