"""The four score functions: each equals a NumPy recomputation from its record (Q, K, W_1, W_2, v, W), the counts
equal their formulas, and the ScoreFunctions scene draws the record's own numbers (read off the glyphs)."""

from __future__ import annotations

import drawing
import numpy as np
import pytest

import attention
from attention.score_functions import parameter_counts, score_functions, work_counts
from scenes.kit.matrix_grid import MatrixGrid
from scenes.kit.theme import load_theme
from scenes.scene import Inputs
from scenes.topics.score_functions import ScoreFunctions

REQUESTS = {
    "video": attention.Request.from_sentence(),
    "causal, d_k 3": attention.Request.from_sentence("the cat sat on the mat", d=4, d_k=3, mask="causal", seed=7),
}


def recomputed(record) -> dict[str, np.ndarray]:
    """The four scores from the record's inputs and parameters alone, with NumPy's own tanh and products."""
    Q, K = record.Q, record.K
    additive = np.array([[record.v @ np.tanh(record.W_1.T @ q + record.W_2.T @ k) for k in K] for q in Q])
    return {
        "additive": additive,
        "multiplicative": np.array([[q @ record.W @ k for k in K] for q in Q]),
        "dot": Q @ K.T,
        "scaled": Q @ K.T / np.sqrt(Q.shape[1]),
    }


@pytest.mark.parametrize("name", REQUESTS)
def test_the_four_scores_equal_a_numpy_recomputation_on_the_traces_q_and_k(name):
    request = REQUESTS[name]
    record, trace = request.score_functions(), request.trace()
    assert record.Q is trace.Q and record.K is trace.K  # the same queries and keys as the request's attention
    expected = recomputed(record)
    for kind in attention.SCORE_KINDS:
        np.testing.assert_allclose(record.scores(kind), expected[kind], rtol=0, atol=1e-12, err_msg=kind)
        logits = expected[kind] if trace.mask is None else np.where(trace.mask, expected[kind], -np.inf)
        weights = np.exp(logits - logits.max(axis=1, keepdims=True))
        np.testing.assert_allclose(record.weights[kind], weights / weights.sum(axis=1, keepdims=True), atol=1e-12)
    np.testing.assert_array_equal(record.scaled, trace.scaled)  # the Transformer's own scores, bit for bit
    np.testing.assert_allclose(record.weights["scaled"], trace.weights, atol=1e-15)


def test_the_parameters_are_seeded_apart_from_every_other_weight():
    request = REQUESTS["video"]
    record = request.score_functions()
    again = score_functions(request.trace(), seed=request.seed)
    other = score_functions(request.trace(), seed=request.seed + 1)
    np.testing.assert_array_equal(record.W, again.W)
    assert not np.allclose(record.W, other.W)
    drawn = [record.W_1, record.W_2, record.W, request.trace().W_q, request.trace().W_k, request.trace().W_v]
    firsts = {round(float(m[0, 0]), 12) for m in drawn}
    assert len(firsts) == len(drawn)  # no two matrices share a stream
    assert record.W_1.shape == record.W_2.shape == (record.d_k, record.d_a) and record.v.shape == (record.d_a,)
    with pytest.raises(ValueError, match="toy model"):
        attention.Request.from_sentence("a b", model="minilm").score_functions()


def test_parameter_and_work_counts_equal_their_formulas():
    record = REQUESTS["causal, d_k 3"].score_functions()
    T, d, d_k, d_a = record.T, record.d, record.d_k, record.d_a
    assert (T, d, d_k, d_a) == (6, 4, 3, 3)
    assert record.parameters() == {"additive": 2 * 3 * 3 + 3, "multiplicative": 9, "dot": 0, "scaled": 0}
    assert record.work() == {
        "additive": 2 * 6 * 3 * 3 + 36 * 3,  # W_1 q and W_2 k per token, then v . tanh(...) per pair
        "multiplicative": 6 * 9 + 36 * 3,  # q W per query, then q W . k per pair
        "dot": 36 * 3,
        "scaled": 36 * 3 + 36,
    }
    assert record.projection_parameters() == 2 * 4 * 3
    # counted, not just formulas: the multiply-adds of the additive score, one product at a time
    macs = record.query_part.size * d_k + record.key_part.size * d_k + record.hidden.size
    assert work_counts(T, T, d_k, d_a)["additive"] == macs
    assert parameter_counts(d_k, d_a)["additive"] == record.W_1.size + record.W_2.size + record.v.size


# ----- what the scene draws --------------------------------------------------------------------------------------
def reading(scene_class, T: int):
    """``scene_class`` keeping, as each section begins (and at each ``snapshot()``), a copy of the T x T grids then
    on screen (a grid turned into the next one later looks like that one) and of the explained numbers on screen."""

    class Reading(scene_class):
        def setup(self):
            super().setup()
            self.shown: list[tuple[list, list]] = []
            self.lens_numbers: list = []

        def next_section(self, name="unnamed", *args, **kwargs):
            self.snapshot()
            super().next_section(name, *args, **kwargs)

        def snapshot(self):
            for grid in {id(m): m for m in self.get_mobject_family_members() if isinstance(m, MatrixGrid)}.values():
                if len(grid.cells) == T * T:
                    self.shown.append(([n.copy() for n in grid.numbers], [c.copy() for c in grid.cells]))
            on_screen = drawing.on_screen(self)
            numbers = [n for m in self.explained for n in drawing.numerals(m) if id(n) in on_screen]
            self.lens_numbers += [n.copy() for n in numbers]

    Reading.__name__ = Reading.__qualname__ = scene_class.__name__
    return Reading


def test_the_scene_draws_the_records_scores_and_weights(play_scene):
    request = attention.Request.from_sentence("the cat sat on the mat today", d=4, seed=3)
    inputs = Inputs(request=request, theme=load_theme("video"), numbers="on")
    record, font = request.score_functions(), inputs.theme.serif
    scene = play_scene(reading(ScoreFunctions, record.T), inputs)
    scene.snapshot()  # the end: the weights
    assert len(scene.shown) == 8  # four grids of scores as the weights begin, four of weights at the end
    # the four grids of a row share one shade scale: the largest |value| of the four
    peaks = [
        max(np.abs(record.scores(kind)).max() for kind in attention.SCORE_KINDS),
        max(weights.max() for weights in record.weights.values()),
    ]
    for n, kind in enumerate(attention.SCORE_KINDS):
        for values, peak, (numbers, cells) in (
            (record.scores(kind), peaks[0], scene.shown[n]),
            (record.weights[kind], peaks[1], scene.shown[4 + n]),
        ):
            assert len(numbers) == values.size, kind
            for number, value in zip(numbers, values.ravel(), strict=True):
                drawing.check_reads(number, attention.display_text(value), font, kind)
            drawing.check_fills(cells, values, peak, inputs.theme, "S", kind)
    # the lens under the grids: the focus query's row of each kind, readable at 480p
    i, _ = attention.focus(request.trace())
    texts = [drawing.read(n, font) for n in scene.lens_numbers]
    for kind in attention.SCORE_KINDS:
        for values in (record.scores(kind), record.weights[kind]):
            drawing.check_run(texts, [attention.display_text(v) for v in values[i]], kind)
