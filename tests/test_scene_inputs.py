"""The choices the embedding and multi-head scenes make from their inputs, before anything is drawn."""

import pytest

import attention
from scenes.kit.layout import LayoutError
from scenes.kit.theme import load_theme
from scenes.scene import Inputs
from scenes.topics.embedding import repeated_token
from scenes.topics.multi_head import MultiHeadScene, multi_head_width


@pytest.mark.parametrize(
    "d, heads, width",
    [
        (6, 2, 6),
        (8, 4, 8),
        (5, 2, 6),
        (3, 2, 4),
        (7, 2, 8),
        (8, 3, 6),
        (5, 5, 5),
        (2, 2, 2),
    ],
)
def test_multi_head_width_keeps_d_or_takes_the_nearest_multiple(d, heads, width):
    assert multi_head_width(d, heads) == width
    assert width % heads == 0


@pytest.mark.parametrize("d, heads", [(5, 1), (5, 9), (8, 0)])
def test_multi_head_width_refuses_what_cannot_be_drawn(d, heads):
    with pytest.raises(LayoutError, match="heads"):
        multi_head_width(d, heads)


def test_too_many_heatmaps_are_refused_before_drawing():
    request = attention.Request.from_sentence(" ".join(["w"] * 16), d=8, heads=8)
    with pytest.raises(LayoutError, match="heatmaps"):
        MultiHeadScene.check_inputs(Inputs(request=request, theme=load_theme("video")))


def test_repeated_token():
    assert repeated_token(attention.VIDEO_SENTENCE.split()) == (3, 6)  # "to"
    assert repeated_token(["a", "b"]) is None
