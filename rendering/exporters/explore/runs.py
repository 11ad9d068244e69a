"""The explorer's two pickers: attention as it runs, every state one the core computed.

What belongs here: the payload of the step picker (``decode_steps``: a cached run, ``attention.kv_cache``, each
step's new query row against the cached keys and values, its row of weights and the token that follows; a
decoder writes ``NEW_TOKENS`` greedy tokens after the sentence, the toy model replays its own tokens) and of the
block picker (``block_runs``: ``attention.online_softmax``'s running m, l and o after each block of keys, for
every query row and block size offered, with the ordinary softmax row and output row beside the last state).
Matrices go into the page's ``Pool``; the short rows as the figures' rounded texts.
"""

from __future__ import annotations

import numpy as np

import attention
from attention import arith
from attention.kv_cache import cached_decode, replay
from attention.models.pretrained import loaded
from attention.online_softmax import online_row
from attention.trace import Trace
from rendering.exporters.explore.cells import DECIMALS, Pool, texts
from scenes.kit.limits import FOLD_ABOVE
from scenes.kit.text.labels import short_label

NEW_TOKENS = 4  # greedy tokens a decoder writes after the sentence when --steps is not given
TOKEN_LIMIT = FOLD_ABOVE + NEW_TOKENS  # a decode's token dimension is drawn whole up to this many tokens
ALL_BLOCKS_UP_TO = 16  # every block size 1..T when T is at most this; beyond, 1, 2, 4, 8, ... and T
ROW_LIMIT = 16  # every query row up to this many tokens; beyond, the first and last ones (attention.folded)


def decode_steps(request: attention.Request, pool: Pool, new_tokens: int = NEW_TOKENS) -> dict | None:
    """The step picker's payload for ``request``: its cached run, step by step (None for an encoder, which reads
    the sentence whole and never decodes).

    The toy model replays its tokens (``kv_cache.replay``); a decoder reads the sentence and writes
    ``new_tokens`` tokens greedily (``kv_cache.cached_decode``) at the request's layer and head. Each step holds
    pool ids of its q row, its K and V caches (the rows before ``cached`` reused), its scaled scores, weights
    and output row (texts and shades: no cell of theirs is pointed at), and the token that follows it.

    >>> run = decode_steps(attention.Request.from_sentence("a b c", d=4), Pool())
    >>> [(s["label"], s["cached"], s["next"]) for s in run["steps"]], run["new"]
    ([('a', 0, 'b'), ('b', 1, 'c'), ('c', 2, None)], 0)
    """
    capabilities = request.capabilities
    if attention.Capability.LAYER_HEADS not in capabilities:
        run, kv_head = replay(request), None
    elif attention.Capability.CAUSAL_ONLY in capabilities:
        model = loaded(request.card)
        run = cached_decode(model, request.text, new_tokens, request.layer, request.head)
        kv_head = model.config.kv_head_of(request.head - 1) + 1  # the key/value head it reads, from 1
    else:
        return None
    steps = []
    for step in run.steps:
        steps.append(
            {
                "position": step.position,
                "token": step.token,
                "label": short_label(step.token),
                "cached": step.cached,
                "next": None if step.next_token is None else short_label(step.next_token),
                "next_token": step.next_token,
                "id": step.token_id,  # the model's token ids (None for the toy model)
                "next_id": step.next_id,
                "picked": step.picked,
                "q": pool.add(step.query[None, :], "Q", TOKEN_LIMIT, full=False),
                "K": pool.add(step.keys, "K", TOKEN_LIMIT, full=False),
                "V": pool.add(step.values, "V", TOKEN_LIMIT, full=False),
                "scores": pool.add(step.scores[None, :], "S", TOKEN_LIMIT, full=False),
                "weights": pool.add(step.weights[None, :], "S", TOKEN_LIMIT, full=False),
                "output": pool.add(step.output[None, :], "R", TOKEN_LIMIT, full=False),
            }
        )
    return {
        "tokens": list(run.tokens),
        "labels": [short_label(t) for t in run.tokens],
        "prompt": run.prompt_length,
        "new": len(run.picked),
        "layer": run.layer,
        "head": run.head,
        "kv_head": kv_head,
        "steps": steps,
    }


def offered_blocks(T: int) -> list[int]:
    """The block sizes the block picker offers for T keys: all of them for a short row, else doublings and T.

    >>> offered_blocks(5), offered_blocks(40)
    ([1, 2, 3, 4, 5], [1, 2, 4, 8, 16, 32, 40])
    """
    if T <= ALL_BLOCKS_UP_TO:
        return list(range(1, T + 1))
    return sorted({2**k for k in range(T.bit_length()) if 2**k < T} | {T})


def difference(a, b) -> str:
    """The largest |a - b| as a short text: "0" when equal to the last bit, else e.g. "2.2e-16".

    >>> difference([1.0, 2.0], [1.0, 2.0]), difference([1.0], [1.0 + 2**-52])
    ('0', '2.2e-16')
    """
    gap = float(np.max(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))))
    return "0" if gap == 0 else f"{gap:.1e}"


def _drawn(values, cols) -> str:
    """The texts of ``values`` at the drawn columns ``cols`` (None: the ellipsis)."""
    return " ".join("\u22ef" if c is None else attention.display_text(values[c], DECIMALS) for c in cols)


BLOCK_FIELDS = ("stop", "shift", "r", "e", "sum", "m", "l", "o")  # a block's state, as a list in this order


def blocks_of(trace: Trace, row: int, block: int, cols) -> dict:
    """The block picker's states for row ``row`` of ``trace`` in blocks of ``block`` keys (``online_row``).

    ``states``: per block, ``BLOCK_FIELDS``: its keys' end (each block starts where the one before stopped),
    m_old - m_new and the rescale e^(m_old - m_new) (both None when m did not change, or when m_old is -inf
    as before the first block: l and o are still 0), its keys' e^(x - m_new) and their sum, the running m, l
    and o (at V's drawn columns ``cols``); then the last state's weights e^(x - m) / l and output o / l (None when their
    texts are the ordinary softmax's) and how far each is from the ordinary softmax's (``difference``).

    >>> run = blocks_of(attention.example(sentence="a b c", d=4), 2, 2, [0, 1, 2, 3])
    >>> [state[0] for state in run["states"]], run["dA"]
    ([2, 3], '0')
    """
    run = online_row(trace, row, block)
    states, before = [], -np.inf
    for s in run.states:
        # m unchanged (shift 0, rescale 1: a third of the states) or nothing before (m_old -inf): None
        grew = before not in (s.maximum, -np.inf)
        shift = texts(before - s.maximum) if grew else None
        rescale = texts(s.rescale) if grew else None
        e, total = texts(s.exps), texts(arith.total(s.exps))  # what the block adds to l
        states.append([s.stop, shift, rescale, e, total, texts(s.maximum), texts(s.total), _drawn(s.output, cols)])
        before = s.maximum
    weights, output = texts(run.weights), _drawn(run.output, cols)
    return {
        "states": states,
        # None where the rounded texts are the ordinary softmax's own (A's row, R's row): most of them
        "weights": None if weights == texts(trace.weights[row]) else weights,
        "output": None if output == _drawn(trace.output[row], cols) else output,
        "dA": difference(run.weights, trace.weights[row]),
        "dR": difference(run.output, trace.output[row]),
    }


def block_runs(traces: dict[str, Trace]) -> dict:
    """The block picker's payload: for each state of ``traces`` (by name) and each offered query row, the row's
    scaled (masked) scores ``x``, its ordinary softmax ``A`` and output ``R``, and per offered block size
    ``blocks_of``'s run, keyed by the block size.

    >>> runs = block_runs({"mask-on/scale-on": attention.example(sentence="a b c", d=4, mask="causal")})
    >>> runs["rows"], runs["blocks"], len(runs["states"]["mask-on/scale-on"]["2"]["runs"]["1"]["states"])
    ([0, 1, 2], [1, 2, 3], 3)
    """
    first = next(iter(traces.values()))
    cols = list(attention.folded(first.d_v, FOLD_ABOVE))
    rows = [i for i in attention.folded(first.T, ROW_LIMIT) if i is not None]
    blocks = offered_blocks(first.T_kv)

    def row_of(trace: Trace, i: int) -> dict:
        runs = {str(b): blocks_of(trace, i, b, cols) for b in blocks}
        x = texts(online_row(trace, i, first.T_kv).scores)  # the row's scores, as the blocks read them
        return {"x": x, "A": texts(trace.weights[i]), "R": _drawn(trace.output[i], cols), "runs": runs}

    states = {name: {str(i): row_of(trace, i) for i in rows} for name, trace in traces.items()}
    return {"rows": rows, "blocks": blocks, "cols": cols, "fields": BLOCK_FIELDS, "states": states}
