"""One sentence per figure, built from the request and the trace it shows: the alt text an author pastes.

Numbers are the core's, rounded by ``attention.display_text`` like everything on screen.
"""

from __future__ import annotations

import attention

TIMES = "\u00d7"


def size(rows: int, cols: int) -> str:
    return f"{rows} {TIMES} {cols}"


def number(value: float, decimals: int = 2) -> str:
    return attention.display_text(value, decimals)


def of(request: attention.Request) -> str:
    return f"for {request.describe()}"


def intro() -> str:
    return (
        'The title block of "Attention Is All You Need" and its scaled dot-product attention diagram: '
        "Q and K into MatMul, Scale, an optional Mask, Softmax, then MatMul with V."
    )


def tokens(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"X ({size(trace.T, trace.d)}) {of(request)} times W^q, W^k and W^v ({size(trace.d, trace.d_k)} each)"
        f"{' plus their biases' if trace.b_q is not None else ''} gives Q, K and V ({size(trace.T, trace.d_k)} each); "
        f"row 1 worked out as q_1 = x_1 W^q{' + b^q' if trace.b_q is not None else ''}."
    )


def step1(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"Step 1: Q ({size(trace.T, trace.d_k)}) times K^T ({size(trace.d_k, trace.T_kv)}) gives the scores "
        f"QK^T ({size(trace.T, trace.T_kv)}) {of(request)}."
    )


def step2(request: attention.Request, trace: attention.Trace, i: int, j: int, scale: str) -> str:
    return (
        f"Step 2: the scores QK^T ({size(trace.T, trace.T_kv)}) {of(request)} times 1/\u221a{trace.d_k} = "
        f"{scale}; entry ({i + 1}, {j + 1}): {number(trace.scores[i, j])} {TIMES} {scale} = "
        f"{number(trace.scaled[i, j])}."
    )


def step3(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"Step 3: a softmax on each row of QK^T/\u221ad_k gives the attention weights A "
        f"({size(trace.T, trace.T_kv)}) {of(request)}; each row sums to 1."
    )


def step4(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"Step 4: the weights A ({size(trace.T, trace.T_kv)}) times the values V ({size(trace.T_kv, trace.d_v)}) "
        f"give the output R ({size(trace.T, trace.d_v)}) {of(request)}."
    )


def shapes(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"The shapes through scaled dot-product attention for T = {trace.T}, d = {trace.d}"
        f"{f', d_k = {trace.d_k}' if trace.d_k != trace.d else ''} ({request.describe()}): X, Q, K^T, QK^T, "
        "A, V and R."
    )


def layer_heads(request: attention.Request, traces) -> str:
    return (
        f"The attention weights of all {len(traces)} heads of layer {request.layer} of {request.model_name} "
        f"({size(request.T, request.T)} each) for '{request.sentence}', head {request.head} framed; "
        "each row sums to 1."
    )


def chosen_head(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"Head {request.head} of layer {request.layer} of {request.model_name}: its attention weights A "
        f"({size(trace.T, trace.T_kv)}) for '{request.sentence}', row i being how much token i attends to each token."
    )


def why_scale(study: attention.ScalingStudy) -> str:
    return (
        f"Why divide by \u221ad_k, measured on {study.n_queries} queries of {study.n_keys} keys (seed "
        f"{study.seed}): Var(q\u00b7k) grows like d_k ({number(study.score_variance[0])} at d_k = "
        f"{int(study.d_ks[0])}, {number(study.score_variance[-1])} at {int(study.d_ks[-1])}), scaled it stays "
        f"near 1, and the unscaled softmax turns one-hot."
    )


def cross(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"Cross-attention: queries from '{' '.join(trace.tokens)}' ({trace.T} tokens), keys and values from "
        f"{request.describe()} ({trace.T_kv} tokens); weights A ({size(trace.T, trace.T_kv)}) and output R "
        f"({size(trace.T, trace.d_v)})."
    )


def qkv_content(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"Q, K and V ({size(trace.T, trace.d_k)} each), three projections of one X {of(request)}, beside the "
        f"attention weights A ({size(trace.T, trace.T)})."
    )


def tied_keys(request: attention.Request, trace: attention.Trace, tied: attention.Trace, i: int, j: int) -> str:
    return (
        f"Scores QK^T beside QQ^T (W_k = W_q) {of(request)}: s_{i + 1},{j + 1} = {number(trace.scores[i, j])} "
        f"differs from s_{j + 1},{i + 1} = {number(trace.scores[j, i])}, but with tied keys both are "
        f"{number(tied.scores[i, j])}."
    )


def embedding(request: attention.Request, t: int) -> str:
    return (
        f"X = E + P ({size(request.T, request.d)}) {of(request)}: token embeddings plus sinusoidal position "
        f"encodings; row {t + 1} worked out."
    )


def causal_mask(request: attention.Request, trace: attention.Trace) -> str:
    return (
        f"A causal mask on the scaled scores {of(request)}: minus infinity above the diagonal, so the weights A "
        f"({size(trace.T, trace.T)}) are exactly 0 there and each row still sums to 1."
    )


def causal_output(request: attention.Request, n: int) -> str:
    return (
        f"Under a causal mask, rows 1 to {n} of R {of(request)} equal those of its first {n} tokens attended "
        "alone: row i depends only on tokens 1 to i."
    )


def padding_mask(request: attention.Request, batch: attention.PaddedBatch) -> str:
    return (
        f"A padding mask for a batch of two sentences ({batch.lengths[0]} and {batch.lengths[1]} tokens, padded "
        f"to {batch.length}) {of(request)}: keys that are pads get weight exactly 0, rows sum to 1."
    )


def multi_head_split(request: attention.Request, multi: attention.MultiHeadTrace) -> str:
    return (
        f"X ({size(multi.T, multi.d)}) {of(request)} projected by {multi.h} heads, each with its own Q, K and V "
        f"({size(multi.T, multi.d_k)})."
    )


def multi_head_heads(request: attention.Request, multi: attention.MultiHeadTrace) -> str:
    return (
        f"The attention weights of {multi.h} heads ({size(multi.T, multi.T)} each) {of(request)}; each row sums to 1."
    )


def multi_head_concat(request: attention.Request, multi: attention.MultiHeadTrace) -> str:
    width = multi.h * multi.d_v
    return (
        f"The {multi.h} heads' outputs concatenated ({size(multi.T, width)}) times W^o ({size(width, multi.d)}) "
        f"give the multi-head output ({size(multi.T, multi.d)}) {of(request)}."
    )
