"""Decoding with a KV cache gives the full causal pass's rows to the last bit, and the model's greedy tokens.

Why bit-equal, not within a bound: the cached row and the full pass use the same arith products, exp and sums,
and each of those sums a row's entries in a fixed order whatever the number of rows or of masked keys beside it
(a masked key adds e^-inf = 0 and 0 x V = 0 at the end, which changes no bit). SmolLM2 is loaded once for the
module (``smollm2.load_model`` is cached per process, and test_smollm2.py's ``OBVIOUS`` prompts are reused).
"""

from __future__ import annotations

import numpy as np
import pytest
from gguf import GGUFReader
from test_online_softmax import output_bound, weights_bound  # tests/, on pytest's path, as test_smollm2
from test_smollm2 import OBVIOUS  # the expectations of test_greedy_next_token

import attention
from attention.kv_cache import cache_size, cached_decode, replay
from attention.models import smollm2
from attention.online_softmax import online_row
from attention.toy import TOY

LAYER, HEAD = 2, 5  # a query head of the second key/value group, past the first block
COUNTING = "1, 2, 3, 4, "


def assert_rows_equal(run, full) -> None:
    """Every step of ``run`` is row ``position`` of the full causal ``full`` trace, bit for bit."""
    assert len(run.steps) <= full.T
    for step in run.steps:
        t = step.position
        assert step.cached == t and step.keys.shape == (t + 1, full.d_k)
        assert np.array_equal(step.query, full.Q[t])
        assert np.array_equal(step.keys, full.K[: t + 1]) and np.array_equal(step.values, full.V[: t + 1])
        assert np.array_equal(step.scores, full.scaled[t, : t + 1])
        assert np.array_equal(step.weights, full.weights[t, : t + 1]) and not full.weights[t, t + 1 :].any()
        assert np.array_equal(step.output, full.output[t])


# ----- the toy model: its tokens replayed one at a time --------------------------------------------------------
@pytest.mark.parametrize(
    "sizes", [{}, {"d": 7, "d_k": 3, "seed": 4}, {"sentence": "a b a b c d e f g h i j k l m n", "d": 8}]
)
def test_replay_rows_are_the_causal_trace_rows(sizes):
    request = attention.Request.from_sentence(**sizes)
    run = replay(request)
    assert run.tokens == request.tokens and len(run.steps) == request.T
    assert_rows_equal(run, TOY.causal(request))


def test_replay_reuses_the_cached_rows():
    run = replay(attention.Request.from_sentence())
    for before, step in zip(run.steps, run.steps[1:], strict=False):
        assert np.array_equal(step.keys[:-1], before.keys) and np.array_equal(step.values[:-1], before.values)
        assert step.token == before.next_token and not step.picked
    assert run.steps[-1].next_token is None and run.picked == ()


def test_replay_is_the_toy_models():
    with pytest.raises(ValueError, match="replay is the toy model's"):
        replay(attention.Request.from_sentence("the cat", model="smollm2"))


# ----- SmolLM2 writing ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def model() -> smollm2.DecoderModel:
    return smollm2.load_model()


@pytest.fixture(scope="module")
def counting(model):
    return cached_decode(model, COUNTING, 3, layer=LAYER, head=HEAD)


@pytest.fixture(scope="module")
def full(model, counting):
    """The full causal pass over every token the decode read (the prompt and the picks but the last)."""
    return model.run_ids(np.array(counting.ids[:-1]), layers=LAYER).trace(LAYER, HEAD)


def test_cached_decode_rows_equal_the_full_causal_pass(model, counting, full):
    assert full.kv_head == model.config.kv_head_of(HEAD - 1) + 1
    assert len(counting.steps) == full.T
    assert_rows_equal(counting, full)


def test_cached_decode_picks_from_the_prompts_last_token(model, counting):
    prompt = model.tokens(COUNTING)
    assert counting.prompt_length == len(prompt) and counting.tokens[: len(prompt)] == prompt
    assert [step.picked for step in counting.steps] == [t >= len(prompt) - 1 for t in range(len(counting.steps))]
    assert tuple(step.next_token for step in counting.steps[len(prompt) - 1 :]) == counting.picked
    assert len(counting.picked) == 3 and counting.picked[0] == "5"


def test_online_softmax_of_a_decoder_head(full):
    # the decoder's rotated, causal rows in key blocks: the bound of test_online_softmax.py
    for row in (0, full.T // 2, full.T - 1):
        for block in (1, 2, 3, full.T):
            run = online_row(full, row, block)
            assert np.array_equal(run.scores, full.masked[row])
            assert np.abs(run.weights - full.weights[row]).max() <= weights_bound(full.T)
            assert np.abs(run.output - full.output[row]).max() <= output_bound(full.T, full.V)


@pytest.mark.parametrize(("prompt", "expected"), OBVIOUS)
def test_greedy_tokens_are_the_full_passes(model, prompt, expected):
    assert cached_decode(model, prompt, 1).picked == (expected,)


def test_cache_size_is_the_gguf_metadata(model):
    fields = GGUFReader(model.path).fields

    def number(key: str) -> int:
        return int(fields[f"llama.{key}"].contents())

    layers, kv_heads, heads = number("block_count"), number("attention.head_count_kv"), number("attention.head_count")
    d_head = number("embedding_length") // heads
    sixteen_bits = np.dtype(np.float16).itemsize
    size = cache_size(model.config)
    assert size.per_token == 2 * layers * kv_heads * d_head * sixteen_bits
    assert size.per_token_without_grouping == 2 * layers * heads * d_head * sixteen_bits
    assert size.per_token_without_grouping // size.per_token == heads // kv_heads > 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"layer": 31}, "layer must be 1 to 30"), ({"head": 0}, "head must be 1 to 9"), ({"new_tokens": 0}, "at least 1")],
)
def test_decode_refuses_what_the_model_has_not(model, arguments, message):
    with pytest.raises(ValueError, match=message):
        cached_decode(model, COUNTING, **{"new_tokens": 1, **arguments})


def test_the_own_prompt_stands_in_only_for_a_sentence_nobody_gave():
    """With no sentence (the command line's default too) a decode reads its count; the video's sentence typed out
    is read as given, like any other."""
    from attention.kv_cache import DECODE_PROMPT, prompted
    from rendering.cli.admission import request_of
    from rendering.cli.options import parse

    options = parse(["KVCacheScene"])[1]
    typed = parse(["KVCacheScene", "--sentence", attention.VIDEO_SENTENCE])[1]
    assert prompted(request_of(options)).sentence == DECODE_PROMPT
    assert prompted(attention.Request.from_sentence()).sentence == DECODE_PROMPT
    assert prompted(request_of(typed)).tokens == tuple(attention.VIDEO_SENTENCE.split())
    assert prompted(attention.Request.from_sentence(attention.VIDEO_SENTENCE)).sentence == attention.VIDEO_SENTENCE
