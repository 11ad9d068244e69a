"""What the explainer scenes (why scale, cross-attention, why Q K V) show agrees with the core.

tests/test_scenes.py checks every grid's digits and shading; these check the numbers drawn outside
grids (read off their glyphs, tests/drawing.py) and that each scene drew the trace it says it did.
"""

from __future__ import annotations

import drawing
import numpy as np
import pytest

import attention
from scenes.kit.theme import load_theme
from scenes.scene import Inputs
from scenes.topics.cross_attention import CrossAttention
from scenes.topics.why_qkv import WhyQKV
from scenes.topics.why_scale import WhyScale

SCALING_ROWS = ("score_variance", "scaled_variance", "max_weight_unscaled", "max_weight_scaled")
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
            cache[key] = play_scene(drawing.watched(scene_class), inputs(case, seed))
        return cache[key]

    return get


# ----- why Q, K, V ---------------------------------------------------------------------------------
@pytest.mark.parametrize("case", list(CASES))
def test_mirrored_pair_shows_equal_tied_scores(built, case):
    scene = built(WhyQKV, case)
    trace = scene.trace
    i, j = attention.mirrored_pair(trace)
    assert i != j
    tied = attention.self_attention(trace.X, trace.W_q, trace.W_q, trace.W_v, mask=trace.mask, tokens=trace.tokens)
    assert scene.request.tied_keys().digest() == tied.digest()
    untied_texts = [attention.display_text(trace.scores[i, j]), attention.display_text(trace.scores[j, i])]
    tied_texts = [attention.display_text(tied.scores[i, j]), attention.display_text(tied.scores[j, i])]
    assert tied_texts[0] == tied_texts[1], "W_k = W_q: the mirrored cells must show one value"
    assert untied_texts[0] != untied_texts[1], "the learned W_k gives different mirrored scores"
    # the notes under the two grids: s_ij = ... and s_ji = ..., untied then tied
    drawing.check_run(drawing.seen_texts(scene, outside_grids=True), untied_texts + tied_texts, "mirrored pair")


def test_why_qkv_ends_on_the_two_score_grids(built):
    scene = built(WhyQKV)
    grids = list(scene.grids.values())
    tied = attention.tied_keys(scene.trace)
    np.testing.assert_array_equal(grids[0].values, scene.trace.scores)
    np.testing.assert_array_equal(grids[1].values, tied.scores)
    i, j = attention.mirrored_pair(scene.trace)
    font, text = scene.theme.serif, attention.display_text(tied.scores[i, j])
    assert drawing.reads(grids[1].number(i, j), text, font) and drawing.reads(grids[1].number(j, i), text, font)


def test_relevance_callout_is_the_score(built):
    scene = built(WhyQKV)
    i, j = attention.focus(scene.trace)
    total = attention.display_text(scene.trace.scores[i, j], scene.inputs.decimals)
    assert total in drawing.seen_texts(scene, outside_grids=True), f"q_i . k_j = {total} is not drawn"


# ----- why scale -----------------------------------------------------------------------------------
@pytest.mark.parametrize("case, seed", [("video", 0), ("tiny", 3)])
def test_scaling_table_is_the_core_study(built, case, seed):
    scene = built(WhyScale, case, seed)
    study = attention.scaling_study(attention.scaling.DEFAULT_D_KS, n_keys=scene.trace.T_kv, seed=seed)
    np.testing.assert_array_equal(scene.request.scaling_study().score_variance, study.score_variance)
    dec = scene.inputs.decimals
    rows = [[attention.display_text(v, dec) for v in getattr(study, name)] for name in SCALING_ROWS]
    texts = drawing.seen_texts(scene, outside_grids=True)
    drawing.check_run(texts, [str(d) for d in study.d_ks] + rows[0], "d_k and Var(q.k)")  # drawn together
    for name, row in zip(SCALING_ROWS[1:], rows[1:], strict=True):
        drawing.check_run(texts, row, name)
    grids = list(scene.grids.values())
    np.testing.assert_array_equal(grids[0].values, study.sample_unscaled[-1:])
    np.testing.assert_array_equal(grids[1].values, study.sample_scaled[-1:])


def test_scaling_depends_on_the_seed(built):
    tables = [drawing.seen_texts(built(WhyScale, "video", seed), outside_grids=True) for seed in (0, 5)]
    assert tables[0] != tables[1]


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
