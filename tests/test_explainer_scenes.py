"""What the explainer scenes (why scale, cross-attention, why Q K V) show agrees with the core.

tests/test_scenes.py checks every grid's digits and shading; these check the numbers shown outside
grids (scene.shown) and that each scene drew the trace it says it did.
"""

from __future__ import annotations

import numpy as np
import pytest

import attention
from scenes.kit.text.notation import tex_number
from scenes.kit.theme import load_theme
from scenes.scene import Inputs
from scenes.topics.cross_attention import CrossAttention
from scenes.topics.why_qkv import WhyQKV
from scenes.topics.why_scale import WhyScale

CASES = {"video": {}, "tiny": {"sentence": "a b c", "d": 3}, "causal": {"mask": "causal", "seed": 2}}


def inputs(case: str, seed: int | None = None) -> Inputs:
    arguments = {**CASES[case], **({} if seed is None else {"seed": seed})}
    return Inputs(request=attention.Request.from_sentence(**arguments), theme=load_theme("video"), numbers="on")


@pytest.fixture(scope="module")
def built(play_scene):
    cache: dict = {}

    def get(scene_class, case="video", seed=None):
        key = (scene_class, case, seed)
        if key not in cache:
            cache[key] = play_scene(scene_class, inputs(case, seed))
        return cache[key]

    return get


# ----- why Q, K, V ---------------------------------------------------------------------------------
@pytest.mark.parametrize("case", list(CASES))
def test_mirrored_pair_shows_equal_tied_scores(built, case):
    scene = built(WhyQKV, case)
    trace, shown = scene.trace, scene.shown["mirrored_pair"]
    i, j = shown["i"], shown["j"]
    assert (i, j) == attention.mirrored_pair(trace) and i != j
    tied = attention.self_attention(trace.X, trace.W_q, trace.W_q, trace.W_v, mask=trace.mask, tokens=trace.tokens)
    assert scene.request.tied_keys().digest() == tied.digest()
    assert shown["tied"][0] == shown["tied"][1], "W_k = W_q: the mirrored cells must show one value"
    assert list(shown["tied"]) == [attention.display_text(tied.scores[i, j]), attention.display_text(tied.scores[j, i])]
    assert list(shown["untied"]) == [
        attention.display_text(trace.scores[i, j]),
        attention.display_text(trace.scores[j, i]),
    ]
    assert shown["untied"][0] != shown["untied"][1], "the learned W_k gives different mirrored scores"


def test_why_qkv_ends_on_the_two_score_grids(built):
    scene = built(WhyQKV)
    grids = list(scene.grids.values())
    tied = attention.tied_keys(scene.trace)
    np.testing.assert_array_equal(grids[0].values, scene.trace.scores)
    np.testing.assert_array_equal(grids[1].values, tied.scores)
    i, j = scene.shown["mirrored_pair"]["i"], scene.shown["mirrored_pair"]["j"]
    texts = grids[1].displayed_texts()
    assert texts[i, j] == texts[j, i] == scene.shown["mirrored_pair"]["tied"][0]


def test_relevance_callout_is_the_score(built):
    scene = built(WhyQKV)
    shown = scene.shown["relevance"]
    assert shown["total"] == tex_number(scene.trace.scores[shown["i"], shown["j"]], scene.inputs.decimals)


# ----- why scale -----------------------------------------------------------------------------------
@pytest.mark.parametrize("case, seed", [("video", 0), ("tiny", 3)])
def test_scaling_table_is_the_core_study(built, case, seed):
    scene = built(WhyScale, case, seed)
    study = attention.scaling_study(attention.scaling.DEFAULT_D_KS, n_keys=scene.trace.T_kv, seed=seed)
    np.testing.assert_array_equal(scene.request.scaling_study().score_variance, study.score_variance)
    dec = scene.inputs.decimals
    shown = scene.shown["scaling"]
    assert shown["d_k"] == [str(d) for d in study.d_ks]
    for name in ("score_variance", "scaled_variance", "max_weight_unscaled", "max_weight_scaled"):
        assert shown[name] == [tex_number(v, dec) for v in getattr(study, name)], name
    grids = list(scene.grids.values())
    np.testing.assert_array_equal(grids[0].values, study.sample_unscaled[-1:])
    np.testing.assert_array_equal(grids[1].values, study.sample_scaled[-1:])


def test_scaling_depends_on_the_seed(built):
    assert built(WhyScale, "video", 0).shown["scaling"] != built(WhyScale, "video", 5).shown["scaling"]


# ----- cross-attention -----------------------------------------------------------------------------
@pytest.mark.parametrize("case", ["video", "tiny"])
def test_cross_attention_draws_the_core_cross_trace(built, case):
    scene = built(CrossAttention, case)
    base = scene.trace
    expected = attention.cross_example(
        source_tokens=base.tokens, target=attention.CROSS_TARGET, d=base.d, d_k=base.d_k, seed=scene.request.seed
    )
    assert scene.request.cross().digest() == expected.digest()
    g = scene.grids
    for name, values in (
        ("Q", expected.Q),
        ("K", expected.K),
        ("V", expected.V),
        ("A", expected.weights),
        ("R", expected.output),
    ):
        np.testing.assert_array_equal(g[name].values, values)
    assert g["A"].values.shape == (len(expected.tokens), len(expected.kv_tokens))
    assert [w.text for w in g["A"].row_labels] == list(expected.tokens)
    assert [w.text for w in g["A"].col_labels] == list(expected.kv_tokens)
    assert [w.text for w in g["K"].row_labels] == list(expected.kv_tokens)
    assert [w.text for w in g["Q"].row_labels] == list(expected.tokens)


def test_cross_attention_shape_labels(built):
    g = built(CrossAttention).grids
    expected = {
        "Q": ("Q", "T_q"),
        "K": ("K", "T_{kv}"),
        "V": ("V", "T_{kv}"),
        "A": ("A", "T_q\\times T_{kv}"),
        "R": ("R", "T_q"),
    }
    for name, parts in expected.items():
        tex = g[name].label.tex_string
        assert all(part in tex for part in parts), (name, tex)
