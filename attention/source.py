"""What a source of attention traces is: the interface the toy model and every pretrained model implement, the
capabilities each declares, and the one check of whether a part that needs some of them can draw a request.

What belongs here: ``Capability`` (what a source can do, as declared flags), ``Sizes`` (the widths and the layer
and head a request resolves to), the ``TraceSource`` protocol, and ``refusal``, the one-line reason a part cannot
draw a source's traces. The toy model is ``toy.py``'s; the pretrained families and their table are under ``models/``.
"""

from __future__ import annotations

import enum
from typing import NamedTuple, Protocol

from .padding import PaddedBatch
from .trace import Trace


class Capability(enum.Flag):
    """What a trace source can give beyond one head's self-attention (which every source gives).

    ``CAUSAL``: traces under a causal mask (the toy's mask, or a decoder's own heads). ``CAUSAL_ONLY``: every trace
    it gives is causal (a decoder). ``PREFIX``: the first n tokens run alone. ``PADDED_BATCH``: a batch of two texts
    padded to one length. ``MULTI_HEAD``: several heads concatenated and projected by W_o. ``CROSS``: queries from
    another text. ``SEEDED``: seeded weights at the caller's sizes (d, d_k, heads, seed), with their embedding
    E + P, tied keys and the scaling study. ``LAYER_HEADS``: layers of heads, every head of a layer drawn side by
    side. ``OWN_TOKENIZER``: it reads a sentence with a tokenizer of its own (not split on white space). ``DECODES``:
    it reads tokens one at a time with a key/value cache (a decoder writing, the toy model replaying its tokens).
    """

    CAUSAL = enum.auto()
    CAUSAL_ONLY = enum.auto()
    PREFIX = enum.auto()
    PADDED_BATCH = enum.auto()
    MULTI_HEAD = enum.auto()
    CROSS = enum.auto()
    SEEDED = enum.auto()
    LAYER_HEADS = enum.auto()
    OWN_TOKENIZER = enum.auto()
    DECODES = enum.auto()


NOTHING = Capability(0)  # what a part that draws any source's trace needs


class Sizes(NamedTuple):
    """What a request resolves to with its source: d, d_k of the single-head trace (None: d), heads, and the
    layer and head drawn (None for a source without layers)."""

    d: int
    d_k: int | None
    heads: int
    layer: int | None = None
    head: int | None = None


class TraceSource(Protocol):
    """A source of attention traces for a request (``attention.Request``), which passes itself to each method.

    ``key``: the command line's short name ("toy" for the toy model); ``name``: the name people read;
    ``capabilities``: what it can give. ``check`` refuses a request the source cannot compute (one line, nothing
    read from disk); ``sizes`` and ``tokens`` are what the request draws; ``identity`` is what makes two requests'
    traces equal (their equality and hash); ``describe`` puts the inputs in a few words after the ``quoted`` text.
    A method below a capability is implemented by the sources that declare it, and called only then (the request
    refuses in one line otherwise).
    """

    key: str
    name: str
    capabilities: Capability

    def check(self, request) -> None: ...
    def sizes(self, request) -> Sizes: ...
    def identity(self, request) -> tuple: ...
    def tokens(self, request) -> tuple[str, ...]: ...
    def describe(self, request, quoted: str) -> str: ...
    def trace(self, request) -> Trace: ...

    # CAUSAL, PREFIX, PADDED_BATCH: the causal trace, the first n tokens alone, a batch and its shorter text's trace
    def causal(self, request) -> Trace: ...
    def prefix(self, request, n: int) -> Trace: ...
    def padded(self, request) -> tuple[PaddedBatch, Trace]: ...

    # LAYER_HEADS: every head of the request's layer, and any head of any layer (the explorer); ``card`` its sizes
    def layer_traces(self, request) -> tuple[Trace, ...]: ...
    def head_trace(self, text: str, layer: int, head: int) -> Trace: ...

    # SEEDED, MULTI_HEAD, CROSS (the toy model's): embedding(request), tied_keys(request), score_functions(request),
    # scaling_study(request, d_ks), multi_head(request, d), cross(request, target); see ``toy.ToyModel``.


def refusal(what: str, needs: Capability, source: TraceSource, asking=lambda capability: "") -> str | None:
    """Why ``what`` (a scene, e.g. "MaskingScene (masking)"), which needs ``needs``, cannot draw ``source``'s
    traces, in one line; None when it can. ``asking(capability)``: how to ask for the sources that give a
    capability (e.g. "--model smollm2", from the table of models), named in the refusal.

    Examples
    --------
    >>> from attention.toy import TOY
    >>> refusal("MaskingScene (masking)", Capability.CAUSAL, TOY) is None
    True
    >>> refusal("LayerHeads (heads)", Capability.LAYER_HEADS, TOY, lambda capability: "--model minilm")
    "LayerHeads (heads) shows a pretrained model's heads: add --model minilm (and --layer, --head)"
    """
    missing = needs & ~source.capabilities
    if not missing:
        return None
    if Capability.LAYER_HEADS in missing:
        return f"{what} shows a pretrained model's heads: add {asking(Capability.LAYER_HEADS)} (and --layer, --head)"
    if missing & (Capability.SEEDED | Capability.MULTI_HEAD | Capability.CROSS):
        return (
            f"{what} is built on the toy model's own seeded weights and cannot show {source.name}'s heads; "
            "leave out --model for it"
        )
    if missing & (Capability.CAUSAL | Capability.PREFIX | Capability.PADDED_BATCH):
        return (
            f"{what} shows masks: the toy model's or a decoder's own ({asking(Capability.CAUSAL_ONLY)}); "
            f"{source.name} is an encoder, its heads look both ways"
        )
    if Capability.DECODES in missing:
        return (
            f"{what} shows a decoder writing token by token: the toy model's or {asking(Capability.CAUSAL_ONLY)}; "
            f"{source.name} is an encoder, it does not decode"
        )
    return f"{what} needs {missing.name}, which {source.name} cannot give"
