"""What the user asked for, as one frozen value, and every trace a scene draws, derived from it by name.

A ``Request`` holds the sentence (or tokens), the sizes, the mask and the seed, as the caller gave them, and the
source of its traces: the toy model (``toy.TOY``) or a pretrained model it names (``model="minilm", layer=1,
head=3``, see ``models/table.py``). What depends on the source is asked of it (``attention.source.TraceSource``):
the tokens drawn, d, d_k, heads, the layer and head, and the traces. Its methods give the self-attention trace and
its variants (causal, a prefix, a padded batch, several heads, cross-attention, tied keys, the scaling study, a
layer's heads); each is computed once per request and process, and a variant the source cannot give (its declared
``capabilities``) is refused in one line. Scenes read these and never build a generator or pass a seed on.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import kv_cache
from .embedding import Embedding, check_size, tokenize
from .models.table import ModelCard, models_with, source_of
from .online_softmax import OnlineSoftmax, default_block, growing_row, online_row
from .padding import PaddedBatch
from .scaling import DEFAULT_D_KS, ScalingStudy
from .score_functions import ScoreFunctions
from .source import Capability, Sizes, TraceSource, refusal
from .toy import CROSS_TARGET, VIDEO_SENTENCE
from .trace import MultiHeadTrace, Trace
from .validation import check_token_list

SHORT_SENTENCE_WORDS = 3  # how much of the sentence a description quotes


class _AskedOfSource:
    """A field the caller gives and the request's source answers: ``request.d`` is the source's d (the toy model's
    is the caller's, a pretrained model has its own), ``request.given("d")`` the caller's value, kept as given."""

    def __init__(self, default):
        self.default = default

    def __set_name__(self, owner, name: str):
        self.name = name

    def __get__(self, request, owner=None):
        if request is None:  # the class's attribute: the dataclass's default
            return self.default
        return getattr(request.sizes, self.name)

    def __set__(self, request, value):  # only the dataclass's __init__ sets it (the request is frozen)
        request.__dict__[f"given_{self.name}"] = value


@dataclass(frozen=True, eq=False)
class Request:
    """Attention over ``tokens`` with d-wide seeded embeddings and weights, or a pretrained model's head.

    ``d_k``: the query/key width of the single-head trace (default d; d_v follows d_k).
    ``heads``: the number of heads of the multi-head view (each d / heads wide).
    ``mask``: None or "causal". ``sentence``: the text the tokens came from, when given as text.
    ``row``, ``block``: the online softmax's query row (from 1) and keys a block (1 to T); None: the core's
    choice (``online``).
    ``model``, ``layer``, ``head``: a pretrained model's head instead of the toy model (``MODELS``' short or
    published name, layer and head from 1, each 1 by default). With a model the tokens drawn are its tokenizer's
    tokens of the sentence (or of the tokens joined by spaces), d, d_k and heads are the model's, there is no mask,
    and the seed plays no part: requests whose source computes the same traces are equal (one cache entry).

    Building a request checks its fields and does nothing else: no tokenizing, no model weights read
    (``drawn_tokens`` and the traces compute, once per process, when first asked for).

    Examples
    --------
    >>> request = Request.from_sentence("the cat sat", d=4, seed=1)
    >>> request.T, request.trace().weights.shape
    (3, (3, 3))
    >>> bool(abs(request.trace().weights.sum(axis=1) - 1).max() < 1e-12)
    True
    >>> Request.from_sentence("the cat sat", model="minilm", layer=2, head=4).d
    384
    """

    tokens: tuple[str, ...]
    d: int = _AskedOfSource(5)
    d_k: int | None = _AskedOfSource(None)
    heads: int = _AskedOfSource(2)
    mask: str | None = None
    seed: int = 0
    sentence: str | None = None
    model: str | None = None
    layer: int | None = _AskedOfSource(None)
    head: int | None = _AskedOfSource(None)
    row: int | None = None
    block: int | None = None
    steps: int | None = None  # tokens a cached run decodes (the toy: replays), 1 to 8; None: DEFAULT_STEPS
    default_sentence: bool = False  # the video's sentence stands in for one nobody gave (a decode reads its own)

    def __post_init__(self):
        # A list of tokens is kept as the tuple it holds (hashable); the rest is checked, never replaced.
        object.__setattr__(self, "tokens", check_token_list(self.tokens))
        if self.sentence is not None and not isinstance(self.sentence, str):
            raise TypeError(f"sentence must be a string or None, got {type(self.sentence).__name__} {self.sentence!r}")
        self.source.check(self)  # the model's name, then the sizes, layer, head and mask it takes
        for name in ("row", "block"):  # their upper bound is T, known once tokenized: see ``check_online``
            if getattr(self, name) is not None:
                check_size(name, getattr(self, name))
        if self.steps is not None:
            kv_cache.check_steps(self.steps)
        if not isinstance(self.default_sentence, bool):
            raise TypeError(f"default_sentence must be True or False, got {self.default_sentence!r}")

    @classmethod
    def from_sentence(cls, sentence: str | None = None, **sizes) -> Request:
        """The request for ``sentence``, split on white space (None: the video's, marked ``default_sentence``);
        ``sizes``: d, d_k, heads, mask, seed and the other fields."""
        if sentence is None:
            return cls(tokens=tokenize(VIDEO_SENTENCE), sentence=VIDEO_SENTENCE, default_sentence=True, **sizes)
        return cls(tokens=tokenize(sentence), sentence=sentence, **sizes)

    def __eq__(self, other) -> bool:
        return isinstance(other, Request) and (self.source, self.identity) == (other.source, other.identity)

    def __hash__(self) -> int:
        return hash((self.source.key, self.identity))

    # ----- the source, and what it answers ---------------------------------------------------------------------
    @property
    def source(self) -> TraceSource:
        """Where the traces come from: the toy model, or the pretrained model the request names."""
        return source_of(self.model)

    @property
    def capabilities(self) -> Capability:
        """What the source can give (``attention.Capability``)."""
        return self.source.capabilities

    @property
    def sizes(self) -> Sizes:
        """d, d_k, heads, layer and head, as the source resolves them."""
        return self.source.sizes(self)

    @property
    def identity(self) -> tuple:
        """What makes two requests' traces the same: their equality and hash."""
        return (*self.source.identity(self), self.row, self.block)

    def given(self, name: str):
        """The caller's value of a field the source answers (d, d_k, heads, layer, head), as given."""
        return self.__dict__[f"given_{name}"]

    def refusal(self, what: str, needs: Capability) -> str | None:
        """Why ``what`` (a scene), which needs ``needs``, cannot draw this request, in one line; None if it can."""
        return refusal(what, needs, self.source, models_with)

    # ----- facts -------------------------------------------------------------------------------
    @property
    def text(self) -> str:
        """The sentence, or the tokens joined by spaces: what a pretrained model reads."""
        return self.sentence if self.sentence is not None else " ".join(self.tokens)

    @property
    def drawn_tokens(self) -> tuple[str, ...]:
        """The tokens the traces have: the given ones, or the model's tokenizer's pieces of the sentence
        ([CLS] … [SEP] for MiniLM), tokenized once per process and sentence."""
        return self.source.tokens(self)

    @property
    def T(self) -> int:
        return len(self.drawn_tokens)

    @property
    def width(self) -> int:
        """d_k of the single-head trace."""
        return self.d if self.d_k is None else self.d_k

    @property
    def model_name(self) -> str | None:
        """The pretrained model's published name (None for the toy model)."""
        return self.source.name if self.model is not None else None

    @property
    def card(self) -> ModelCard:
        """The named model's card (ValueError for the toy model)."""
        if self.model is None:
            raise ValueError("the toy model has no model card: name a model (e.g. model='minilm')")
        return self.source.card

    def describe(self) -> str:
        """The inputs in a few words, for captions: "'Jane is going …', d = 5, seed 0", or with a model
        "'Jane is going …', all-MiniLM-L6-v2, layer 1, head 3"."""
        words = self.tokens[:SHORT_SENTENCE_WORDS]
        quoted = " ".join(words) + (" \u2026" if len(self.tokens) > len(words) else "")
        return self.source.describe(self, quoted)

    # ----- the traces, by name -----------------------------------------------------------------
    def embedding(self) -> Embedding:
        """E (seeded per token), P (sinusoidal) and X = E + P."""
        return self._able(Capability.SEEDED, "the seeded embedding").embedding(self)

    def trace(self) -> Trace:
        """The self-attention the video shows: one head of width d_k, with the request's mask (with a model:
        its head ``head`` of layer ``layer``, X being that layer's input)."""
        return self.source.trace(self)

    def causal(self) -> Trace:
        """The same self-attention under a causal mask: query i sees keys 1 to i (a decoder's own trace)."""
        return self._able(Capability.CAUSAL, "a causal mask").causal(self)

    def prefix(self, n: int) -> Trace:
        """The causal self-attention of the first ``n`` tokens alone (embedded at the same positions; a decoder
        runs them alone through its blocks)."""
        n = check_size("n", n)
        if n > self.T:
            raise ValueError(f"a prefix of {n} tokens is longer than the {self.T} tokens")
        return self._able(Capability.PREFIX, "a prefix").prefix(self, n)

    def padded_batch(self) -> PaddedBatch:
        """A batch of two sentences: the tokens, and their last T // 2 (at least one), padded to one length."""
        return self._able(Capability.PADDED_BATCH, "a padded batch").padded(self)[0]

    def padded(self) -> Trace:
        """The shorter sentence of ``padded_batch``, pads included, attending under its padding mask (a
        decoder's: under its causal mask too)."""
        return self._able(Capability.PADDED_BATCH, "a padded batch").padded(self)[1]

    def multi_head(self, d: int | None = None) -> MultiHeadTrace:
        """``heads`` heads of width d / heads over the tokens, with the request's mask; ``d`` may replace
        the request's embedding width (a view that needs d divisible by the heads)."""
        source = self._able(Capability.MULTI_HEAD, "the multi-head view")
        d = self.d if d is None else check_size("d", d)
        if d % self.heads:
            raise ValueError(f"d = {d} is not divisible by heads = {self.heads}")
        return source.multi_head(self, d)

    def cross(self, target: str = CROSS_TARGET) -> Trace:
        """Queries from ``target`` (a decoder's tokens so far), keys and values from the request's tokens;
        each embedded from position 0, projected with their own seeded weights. No mask."""
        return self._able(Capability.CROSS, "cross-attention").cross(self, target)

    def tied_keys(self) -> Trace:
        """The self-attention with W_k replaced by W_q (keys = queries), so QK^T = QQ^T is symmetric."""
        return self._able(Capability.SEEDED, "tied keys").tied_keys(self)

    def scaling_study(self, d_ks=DEFAULT_D_KS) -> ScalingStudy:
        """Var(q.k) and the softmax's peak for each d_k, each query against T keys, from the request's seed."""
        return self._able(Capability.SEEDED, "the scaling study").scaling_study(self, d_ks)

    def score_functions(self) -> ScoreFunctions:
        """Additive, multiplicative, dot and scaled dot scores on ``trace()``'s Q and K, with W_1, W_2, v and W
        seeded from the request's seed (a trained head's Q and K beside random score weights would compare
        nothing, so only the toy model gives them)."""
        return self._able(Capability.SEEDED, "the score functions' comparison").score_functions(self)

    def layer_traces(self) -> tuple[Trace, ...]:
        """Every head of the request's layer of its pretrained model, head 1 first (``trace()`` is one of them)."""
        return self._able(Capability.LAYER_HEADS, "a layer's heads").layer_traces(self)

    def check_online(self) -> None:
        """``row`` and ``block`` are within the T tokens (a one-line ValueError if not); tokenizes, computes nothing."""
        for name, value in (("row", self.row), ("block", self.block)):
            if value is not None and value > self.T:
                raise ValueError(f"{name} must be 1 to {self.T} (the {self.T} tokens), got {value}")

    def online_pick(self) -> tuple[int, int]:
        """The online softmax's row (0-based) and keys a block: the given ones, or the core's choice: T / 3 keys a
        block (rounded up) and a row whose maximum grows mid-way (``online_softmax.growing_row``)."""
        self.check_online()
        block = default_block(self.T) if self.block is None else self.block
        row = growing_row(self.trace(), block) if self.row is None else self.row - 1
        return row, block

    def online(self) -> OnlineSoftmax:
        """The online softmax of the trace's row and block size (``online_pick``), block by block."""
        return online_row(self.trace(), *self.online_pick())

    @property
    def decode_steps(self) -> int:
        """How many tokens a cached run decodes (or the toy replays): ``steps``, or ``kv_cache.DEFAULT_STEPS``."""
        return kv_cache.DEFAULT_STEPS if self.steps is None else int(self.steps)

    def decoding(self, steps: int | None = None) -> kv_cache.CachedDecoding:
        """A cached run (``kv_cache.decoding``): a decoder writes ``steps`` (default ``decode_steps``) tokens after
        the sentence (or ``kv_cache.DECODE_PROMPT`` when none was given), the toy model replays it."""
        self._able(Capability.DECODES, "a cached decoding")
        return kv_cache.decoding(self, steps)

    def _able(self, capability: Capability, what: str) -> TraceSource:
        """The source, when it can give ``capability``; a one-line ValueError naming ``what`` otherwise."""
        source = self.source
        if capability in source.capabilities:
            return source
        if capability is Capability.LAYER_HEADS:
            raise ValueError(f"{what} are a pretrained model's: name a model (e.g. model='minilm')")
        raise ValueError(f"{what} is built on the toy model's seeded weights, not on {source.name}'s")


def model_example() -> Request:
    """The video's sentence through all-MiniLM-L6-v2's layer 1, head 3: a previous-token head (each token
    but [CLS] puts nearly all its weight on the one before it), what a scene that needs a model draws when
    nobody chose (plain ``manim``)."""
    return Request.from_sentence(model="minilm", layer=1, head=3)
