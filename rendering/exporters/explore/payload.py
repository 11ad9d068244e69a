"""An explorer page's numbers: every cell, term, sum and quotient it can show, precomputed from the traces.

What belongs here: turning the traces of ``attention.states.explorer_states`` into one JSON-ready dict. Each
matrix is stored as drawn (folded like the video's grids), its cells as the figures' rounded texts
(``attention.display_text``), their shades (``shading.shade_string``) and their full float64 values; each
state's worked arithmetic as the rounded texts of its terms (matrices as ``cells.py`` lays them out); the
pickers' runs (``runs.py``). The page's script only looks these up.
"""

from __future__ import annotations

import numpy as np

import attention
from attention import worked
from attention.states import explorer_states, head_name, state_name
from attention.trace import Trace
from rendering.exporters.explore.cells import DECIMALS, Pool, kept, texts
from rendering.exporters.explore.runs import NEW_TOKENS, block_runs, decode_steps
from rendering.exporters.explore.shading import GAP_CHAR, MASKED_CHAR, STEP_CHARS, ramp, read_palette
from scenes.kit.limits import FOLD_ABOVE
from scenes.kit.text.labels import short_label

THEMES = ("video", "dark")
PALETTE_KEYS = ("background", "text", "divider", "grid_line", "negative", "masked", "token_highlight")


def projection(trace: Trace, which: str) -> dict:
    """The worked terms of Q (``which`` = "q"), K or V: for each row i and drawn column c, the drawn products
    X[i, m] W[m, c] (m over W's drawn rows), their full sum (X W)[i, c] and the bias b[c] when there is one."""
    X = trace.X if which == "q" else trace.X_kv
    W, bias = getattr(trace, f"W_{which}"), getattr(trace, f"b_{which}")
    _, w_rows, w_cols = attention.fold(W, FOLD_ABOVE)
    ms, cs = kept(w_rows), kept(w_cols)
    xw = X @ W  # the projection before its bias: the core's Q is this plus b_q
    products = [texts(X[i, ms][None, :] * W[np.ix_(ms, cs)].T) for i in range(X.shape[0])]
    return {
        "terms": products,  # row i: for each drawn c, for each drawn m
        "sum": [texts(xw[i, cs]) for i in range(X.shape[0])],
        "bias": None if bias is None else texts(bias[cs]),
        "n": int(W.shape[0]),
    }


def state(trace: Trace, pool: Pool, scaled: bool = True) -> dict:
    """One state: its matrices (by pool id) and the worked arithmetic of every drawn cell; ``scaled``: whether
    its scores were divided by sqrt(d_k) (the trace's scale is 1.0 either way when d_k = 1)."""
    T, T_kv = trace.T, trace.T_kv
    mats = {
        "X": pool.add(trace.X, "X"),
        "Wq": pool.add(trace.W_q, "W"),
        "Wk": pool.add(trace.W_k, "W"),
        "Wv": pool.add(trace.W_v, "W"),
        "Q": pool.add(trace.Q, "Q"),
        "K": pool.add(trace.K, "K"),
        "V": pool.add(trace.V, "V"),
        "S": pool.add(trace.scores, "S"),
        "C": pool.add(trace.scaled, "S"),
        "A": pool.add(trace.weights, "S"),
        "R": pool.add(trace.output, "R"),
    }
    if trace.mask is not None:
        mats["M"] = pool.add(trace.masked, "S")
    dk_cols = kept(attention.folded(trace.d_k, FOLD_ABOVE))
    dv_cols = kept(attention.folded(trace.d_v, FOLD_ABOVE))
    dots = []
    for i in range(T):
        row = [worked.dot_product(trace, i, j).products[dk_cols] for j in range(T_kv)]
        dots.append(texts(np.array(row)))  # for each key j, for each drawn column c
    softmax, wsums = [], []
    for i in range(T):
        sr = worked.softmax_row(trace, i)
        top = float(sr.scaled.max())
        softmax.append(
            {"max": texts(top), "shift": texts(sr.scaled - top), "exp": texts(sr.exps), "sum": texts(sr.total)}
        )
        ws = worked.weighted_sum(trace, i)
        wsums.append(texts(ws.terms[:, dv_cols].T))  # for each drawn column c, for each key j
    return {
        "mats": mats,
        "scale": {
            "on": scaled,
            "factor": texts(trace.scale),
            "sqrt": texts(np.sqrt(trace.d_k)),
        },
        "dot": dots,
        "softmax": softmax,
        "wsum": wsums,
        "proj": {"Q": projection(trace, "q"), "K": projection(trace, "k"), "V": projection(trace, "v")},
    }


def payload(request: attention.Request, theme: str = "video", new_tokens: int = NEW_TOKENS) -> dict:
    """Everything the explorer page of ``request`` shows, in ``theme`` ("video" or "dark") to begin with;
    ``new_tokens``: how many tokens a decoder's cached run writes (its step picker's, ``runs.decode_steps``).

    >>> p = payload(attention.Request.from_sentence("a b c", d=4))
    >>> p["meta"]["states"], p["meta"]["initial"]
    (['mask-off/scale-on', 'mask-off/scale-off', 'mask-on/scale-on', 'mask-on/scale-off'], 'mask-off/scale-on')
    """
    read_palette(theme)  # an unknown theme fails here, before any work
    traces = explorer_states(request)
    pool = Pool()
    states = {name: state(trace, pool, not name.endswith("scale-off")) for name, trace in traces.items()}
    first = next(iter(traces.values()))
    if attention.Capability.LAYER_HEADS in request.capabilities:
        card = request.card
        order = [head_name(layer, head) for layer in range(1, card.layers + 1) for head in range(1, card.heads + 1)]
        extra = {"model": card.name, "layers": card.layers, "heads": card.heads}
        extra |= {"layer": request.layer, "head": request.head}
    else:
        order = [state_name(mask, scale) for mask in (None, "causal") for scale in (True, False)]
        extra = {"model": None}
    meta = {
        "title": "Self-attention, every number worked out",
        "describe": request.describe(),
        "sentence": request.text,
        "tokens": list(first.tokens),
        "labels": [short_label(t) for t in first.tokens],  # as the grids' token labels
        "T": first.T,
        "d": first.d,
        "d_k": first.d_k,
        "d_v": first.d_v,
        "bias": first.b_q is not None,
        "decimals": DECIMALS,
        "theme": theme,
        "states": order,
        "initial": next(iter(traces)),
        "shades": {"steps": STEP_CHARS, "masked": MASKED_CHAR, "gap": GAP_CHAR},  # how to read a matrix's "shade"
        **extra,
    }
    keys = ("X", "W", "Q", "K", "V", "S", "R")
    colours = {
        name: {
            "ramps": {key: ramp(name, key) for key in keys},
            "palette": {key: read_palette(name)[key] for key in PALETTE_KEYS},
        }
        for name in THEMES
    }
    # The block picker follows the toy's mask, its scores scaled as FlashAttention's are (the scale off would
    # double its share of the page); a model's page has it for the request's head alone (every head's would add
    # megabytes), as it has the step picker (a cached run follows one head).
    blocked = {name: trace for name, trace in traces.items() if name.endswith("scale-on")}
    blocked = blocked if extra["model"] is None else dict([next(iter(traces.items()))])
    runs = {"decode": decode_steps(request, pool, new_tokens), "blocks": block_runs(blocked)}
    return {"meta": meta, "themes": colours, "mats": pool.matrices, "states": states, "runs": runs}
