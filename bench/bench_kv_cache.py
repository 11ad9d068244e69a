"""KV-cache benchmark: SmolLM2 writes N tokens greedily with the cache, against recomputing the full pass each step.

One process, one row: the model is loaded and every block dequantised first (a full pass over the prompt), so
neither side pays for reading the file. Then, timed each:

- **cached**: ``attention.cached_decode(model, prompt, N)``: every token (the prompt's too) one row per block
  against the block's cache;
- **recomputed**: N times ``model.run_ids(ids).next_token_logits()``, the whole causal pass over the prompt and the
  tokens so far, then the token with the highest logit appended.

It prints both in seconds, their ratio, and whether the two wrote the same tokens (they must: the cached rows are
the full pass's to the last bit). Both run our float64 NumPy code (``arith``'s fixed-order products, not BLAS), so
the ratio is the work saved, not what an inference engine's kernels would take.

    .venv/bin/python bench/bench_kv_cache.py                  # 8 tokens after the default prompt
    .venv/bin/python bench/bench_kv_cache.py --tokens 4 --prompt "The capital of France is"
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from attention import cache_size, cached_decode
from attention.models import smollm2

PROMPT = "Monday, Tuesday, Wednesday, Thursday,"


def recomputed(model, prompt: str, tokens: int) -> tuple[str, ...]:
    """Greedy tokens, each from a full causal pass over everything so far (no cache)."""
    ids = list(model.token_ids(prompt))
    for _ in range(tokens):
        ids.append(int(np.argmax(model.run_ids(np.array(ids)).next_token_logits())))
    return model.labels(ids[-tokens:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompt", default=PROMPT)
    parser.add_argument("--tokens", type=int, default=8)
    args = parser.parse_args()
    model = smollm2.load_model()
    start = time.perf_counter()
    model.run(args.prompt)  # dequantises every block once, for both sides
    warm = time.perf_counter() - start
    prompt_tokens = len(model.token_ids(args.prompt))

    start = time.perf_counter()
    cached = cached_decode(model, args.prompt, args.tokens).picked
    with_cache = time.perf_counter() - start
    start = time.perf_counter()
    full = recomputed(model, args.prompt, args.tokens)
    without_cache = time.perf_counter() - start

    size = cache_size(model.config)
    total = prompt_tokens + args.tokens
    print(f"{model.name} {model.quantisation}, prompt {args.prompt!r} ({prompt_tokens} tokens), {args.tokens} new")
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, load avg {os.getloadavg()[0]:.2f}")
    print(f"warm-up (load + dequantise + one pass): {warm:.2f} s")
    print(f"cached decode      : {with_cache:7.2f} s  {''.join(cached)!r}")
    print(f"recompute each step: {without_cache:7.2f} s  {''.join(full)!r}")
    print(f"ratio (recompute / cached): {without_cache / with_cache:.2f}x; same tokens: {cached == full}")
    print(
        f"cache at 16-bit: {size.per_token} bytes a token, {size.per_token * total} for {total} tokens "
        f"({size.per_token_without_grouping} a token without grouped-query heads)"
    )


if __name__ == "__main__":
    main()
