"""Every scene of the catalog, built and played with its animations skipped: it runs, it narrates,
and what it draws agrees with the core (digits, shading, worked callouts).

Parametrized over ``scenes.registry.ALL_SCENES``, so a new scene is checked as soon as it is listed; a scene
that shows only a pretrained model's heads is checked with the model in tests/test_model_scenes.py.
"""

from __future__ import annotations

import drawing
import numpy as np
import pytest
from manim import ManimColor, config

import attention
from scenes.kit import grid_cells
from scenes.kit.layout import MAX_TOKENS, LayoutError
from scenes.kit.legibility import READABLE_PIXELS, digit_heights
from scenes.kit.lens import STRUT, ValueStrip
from scenes.kit.matrix_grid import MatrixGrid
from scenes.kit.text.notation import factor_text
from scenes.kit.theme import load_theme
from scenes.registry import ALL_SCENES
from scenes.scene import Inputs
from scenes.video.full_video import FullVideo
from scenes.video.intro import IntroScene
from scenes.video.lecture import Lecture
from scenes.video.shapes import ShapeTracking
from scenes.video.step_matmul import Step1MatMul
from scenes.video.step_output import Step4Output
from scenes.video.step_scale import Step2Scale
from scenes.video.step_softmax import Step3Softmax

FILL_OF = grid_cells.fill_of  # the fill function as shipped, for the test that swaps it
# every scene that draws the toy model; the lecture plays the catalog's parts, each checked here, and its bridges are
# filmed in tests/test_lecture.py (one dry build of it takes about a minute)
SCENES = [
    scene for scene in ALL_SCENES if attention.Capability.LAYER_HEADS not in scene.part.needs and scene is not Lecture
]
SCENE_IDS = [scene.__name__ for scene in SCENES]
WORDS = ("the cat sat on a mat while one dog ran past it and then sat down too with us all").split()
assert len(WORDS) > MAX_TOKENS


def sentence(n: int) -> str:
    return " ".join(WORDS[:n])


# Manim's two smallest presets, where legibility is at stake: 480p15 (the default) and 720p30 (lecturers')
PRESETS = {"480p": (854, 480), "720p": (1280, 720)}
# name -> (request arguments, digit mode, preset); built lazily, once per scene and case
CASES = {
    "video": ({}, "on", "480p"),  # the video's example, every digit drawn
    "video-720p": ({}, "auto", "720p"),  # the same at the lecturers' preset, digits where legible
    "tiny": ({"sentence": "a b c", "d": 3}, "on", "720p"),
    "largest": ({"sentence": sentence(MAX_TOKENS), "d": 8}, "auto", "480p"),  # 16 tokens, d = 8: the limit
}
# The worked callouts each scene shows, read off what it drew and checked against the core; the whole video shows its
# steps' callouts. A scene not listed shows none of these.
STEP_CALLOUTS = {
    Step1MatMul: {"dot_product"},
    Step2Scale: {"scale"},
    Step3Softmax: {"softmax_row"},
    Step4Output: {"weighted_sum"},
}
CALLOUTS = {**STEP_CALLOUTS, FullVideo: set().union(*STEP_CALLOUTS.values())}
# Scenes that end on no matrix: the paper intro, the shapes only, and the video (which ends on the shapes).
NO_GRIDS = {IntroScene, ShapeTracking, FullVideo}
# Scenes that only chain other scenes' parts (which the custom cases check one by one): built on the
# video's example only, since one build plays the whole video (~15 s).
COMPOSITES = {FullVideo}
# Scenes that explain no computed number: the paper's title and diagram, and the shapes only.
NO_NUMBERS = {IntroScene, ShapeTracking}


def make_inputs(case: str) -> Inputs:
    request_args, numbers, _ = CASES[case]
    request = attention.Request.from_sentence(**request_args)
    return Inputs(request=request, theme=load_theme("video"), decimals=2, numbers=numbers)


@pytest.fixture(scope="module")
def built(play_scene):
    """``built(SceneClass, case)``: the scene after construct() at the case's preset, played once per module."""
    cache: dict = {}

    def get(scene_class, case: str = "video"):
        key = (scene_class, case)
        if key not in cache:
            width, height = PRESETS[CASES[case][2]]
            watched = drawing.watched(scene_class)
            cache[key] = play_scene(watched, make_inputs(case), pixel_width=width, pixel_height=height)
        return cache[key]

    return get


scene_param = pytest.mark.parametrize("scene_class", SCENES, ids=SCENE_IDS)
PAIRS = [
    pytest.param(scene, case, id=f"{case}-{scene.__name__}")
    for case in CASES
    for scene in SCENES
    if case == "video" or scene not in COMPOSITES
]
scene_case_param = pytest.mark.parametrize(("scene_class", "case"), PAIRS)
grid_case_param = pytest.mark.parametrize(
    ("scene_class", "case"), [pair for pair in PAIRS if pair.values[0] not in NO_GRIDS]
)


# ----- the scene runs ------------------------------------------------------------------------------
@scene_param
def test_declares_its_part(scene_class):
    part = scene_class.part
    assert part.description.strip() and part.title.strip(), f"{scene_class.__name__}: part description, title"
    assert all(section.title.strip() for section in part.sections), f"{scene_class.__name__}: section titles"
    assert part.name and part.name == part.name.lower() and " " not in part.name
    assert part.step in (None, 1, 2, 3, 4)


def test_part_names_are_unique():
    names = [scene.part.name for scene in SCENES]
    assert len(set(names)) == len(names), names


@scene_case_param
def test_plays_its_declared_sections(built, scene_class, case):
    assert built(scene_class, case).log.played == list(scene_class.part.section_names)


@scene_case_param
def test_builds_and_plays(built, scene_class, case):
    scene = built(scene_class, case)
    renderer = scene.renderer
    assert renderer.num_plays > 0 and renderer.time > 0, "construct() played nothing"
    assert scene.mobjects, "nothing is on screen at the end"
    subcaptions = renderer.file_writer.subcaptions
    assert subcaptions and all(s.content.strip() for s in subcaptions), "the scene wrote no subcaption"


@scene_param
def test_grids_are_on_screen_at_the_end(built, scene_class):
    scene = built(scene_class)
    assert isinstance(scene.grids, dict)
    assert bool(scene.grids) == (scene_class not in NO_GRIDS), f"{scene_class.__name__}: {list(scene.grids)}"
    on_screen = {id(m) for m in scene.get_mobject_family_members()}
    gone = [name for name, grid in scene.grids.items() if id(grid.cells) not in on_screen]
    assert not gone, f"scene.grids holds grids that are no longer on screen: {gone}"


@scene_param
def test_too_many_tokens_is_refused(scene_class):
    request = attention.Request.from_sentence(sentence(MAX_TOKENS + 1), d=4)
    with pytest.raises(LayoutError):
        scene_class.drawing(Inputs(request=request, theme=load_theme("video")))


# ----- the grids agree with the core ---------------------------------------------------------------
def grids_of(built, scene_class, case):
    scene = built(scene_class, case)
    assert scene.grids, f"{scene_class.__name__} ends on no matrix"
    return scene, scene.grids.items()


# The video's steps draw the trace's own matrices, by grid name; other scenes' grids are checked against the
# values they were given (their traces are checked in test_explainer_scenes.py and test_model_scenes.py).
STEP_MATRICES = {
    "Q": lambda t: t.Q,
    "K^T": lambda t: t.K.T,
    "QK^T": lambda t: t.scores,
    "scaled": lambda t: t.masked,
    "A": lambda t: t.weights,
    "V": lambda t: t.V,
    "R": lambda t: t.output,
}


def shown_values(scene_class, scene, name: str, grid) -> np.ndarray:
    """The values grid ``name`` must show, as drawn (folded where it folds)."""
    if scene_class not in STEP_CALLOUTS:
        return grid.values
    values = STEP_MATRICES[name](scene.trace)
    return values if grid.fold_above is None else attention.fold(values, grid.fold_above)[0]


@grid_case_param
def test_grid_digits_are_the_core_display_text(built, scene_class, case):
    """Every number a grid draws reads, glyph for glyph, as the core's display text of its value."""
    scene, grids = grids_of(built, scene_class, case)
    on_screen = drawing.on_screen(scene)
    for name, grid in grids:
        if not len(grid.numbers):
            assert scene.inputs.numbers != "on", f"grid {name}: numbers='on' but no digits are drawn"
            continue
        assert all(id(n) in on_screen for n in grid.numbers), f"grid {name}: digits not on screen"
        values = shown_values(scene_class, scene, name, grid)
        drawing.check_grid_digits(grid, values, grid.decimals, scene.theme.serif, f"grid {name}")


@grid_case_param
def test_grid_shading_follows_the_values(built, scene_class, case):
    """Every cell on screen is filled with the palette colour its value's shade maps to (read off the drawn
    rectangles, against the rule written out in tests/drawing.py)."""
    scene, grids = grids_of(built, scene_class, case)
    on_screen = drawing.on_screen(scene)
    for name, grid in grids:
        assert all(id(cell) in on_screen for cell in grid.cells), f"grid {name}: cells not on screen"
        drawing.check_grid_fills(grid, shown_values(scene_class, scene, name, grid), f"grid {name}")


def test_the_shading_check_sees_a_blank_or_wrong_cell(manim_dirs, monkeypatch):
    """The shading check can fail: with the fill function drawing every cell blank, or one shade in the
    wrong colour, a grid of the video's weights is refused."""
    theme, trace = load_theme("video"), attention.example()
    drawing.check_grid_fills(MatrixGrid(trace.weights, "S", theme, numbers="off"), trace.weights)  # as drawn: passes
    monkeypatch.setattr(grid_cells, "fill_of", lambda theme, key, shade: ManimColor(theme.background))
    with pytest.raises(AssertionError, match="is filled"):
        drawing.check_grid_fills(MatrixGrid(trace.weights, "S", theme, numbers="off"), trace.weights)
    odd, peak = float(trace.weights[2, 3]), float(trace.weights.max())
    monkeypatch.setattr(  # one cell, (2, 3), in the full colour
        grid_cells, "fill_of", lambda theme, key, shade: FILL_OF(theme, key, 1.0 if shade == odd / peak else shade)
    )
    with pytest.raises(AssertionError, match=r"cell \(2, 3\)"):
        drawing.check_grid_fills(MatrixGrid(trace.weights, "S", theme, numbers="off"), trace.weights)


def test_the_digit_check_sees_a_wrong_number(manim_dirs):
    """The digit check can fail: a cell whose glyphs say another number than its value is refused."""
    theme, trace = load_theme("video"), attention.example()
    grid = MatrixGrid(trace.weights[:3, :3], "S", theme, numbers="on")
    drawing.check_grid_digits(grid, trace.weights[:3, :3], grid.decimals, theme.serif)  # as drawn: passes
    wrong = trace.weights[:3, :3].copy()
    wrong[1, 2] += 0.01
    with pytest.raises(AssertionError, match=r"cell \(1, 2\)"):
        drawing.check_grid_digits(grid, wrong, grid.decimals, theme.serif)
    # the outline tracer, for numbers a transform re-cut, tells a digit from its neighbours too
    number, text = grid.number(1, 2), attention.display_text(trace.weights[1, 2])
    assert drawing.same_outline(number, text, theme.serif)
    for other in {attention.display_text(trace.weights[1, 2] + step) for step in (-0.02, -0.01, 0.01, 0.02)}:
        assert not drawing.same_outline(number, other, theme.serif), other


@grid_case_param
def test_every_grid_has_a_label(built, scene_class, case):
    _, grids = grids_of(built, scene_class, case)
    unlabelled = [name for name, grid in grids if grid.label is None]
    assert not unlabelled, f"grids without a label: {unlabelled}"


# ----- the worked callouts show the core's numbers -------------------------------------------------
# What each step's worked callout must draw, computed from the trace; each check reads the glyphs of the
# numbers the scene drew over its run (tests/drawing.py). The whole video draws its steps' callouts.
THIN_TIMES = "\u2009\u00b7\u2009"


def check_dot_product(trace, drawn, dec):
    """q_i . k_j = the factors term by term, then their products and the total."""
    work = attention.dot_product(trace, *attention.focus(trace))
    terms = range(len(work.products))
    factors = [f"{factor_text(work.q[n], dec)}{THIN_TIMES}{factor_text(work.k[n], dec)}" for n in terms]
    products = [factor_text(work.products[n], dec) for n in terms]
    total = f"= {attention.display_text(work.total, dec)}"
    drawing.check_run(drawn.outside_grids, [*factors, *products, total], "dot product")


def check_softmax_row(trace, drawn, dec):
    """Row i's scaled scores, their exponentials, "÷ their sum" and the weights, then the weights' sum, near 1."""
    row = attention.softmax_row(trace, attention.focus(trace)[0])
    display = [attention.display_text(v, dec) for v in (*row.scaled, *row.exps)]
    weights = [attention.display_text(w, dec) for w in row.weights]
    shown_sum = float(attention.display(row.weights, dec).sum())
    tolerance = len(weights) * 0.5 * 10.0**-dec + 1e-12
    assert abs(shown_sum - 1) <= tolerance, f"the weights shown add up to {shown_sum}"
    expected = [*display, f"\u00f7 {attention.display_text(row.total, dec)}", *weights]
    expected.append(attention.display_text(shown_sum, dec))
    drawing.check_run(drawn.everywhere, expected, "softmax row")


def check_weighted_sum(trace, drawn, dec):
    """r_i = the weights of row i (times v_j, typeset), then row i of R."""
    work = attention.weighted_sum(trace, attention.focus(trace)[0])
    expected = [attention.display_text(v, dec) for v in (*work.weights, *work.output)]
    drawing.check_run(drawn.everywhere, expected, "weighted sum")


def check_scale(trace, drawn, dec):
    """1/sqrt(d_k), then one score times it. 1/sqrt(d_k) may be written with more decimals than the grids:
    it must be rounded right at its own."""
    i, j = attention.focus(trace)
    texts = drawn.outside_grids
    for places in range(dec, dec + 4):
        scale = attention.display_text(trace.scale, places)
        worked = (
            f"{factor_text(trace.scores[i, j], dec)} \u00d7 {scale} = {attention.display_text(trace.scaled[i, j], dec)}"
        )
        if scale in texts and worked in texts:
            return
    raise AssertionError(f"1/sqrt(d_k) = {trace.scale} and a score times it are not drawn (drawn: {texts})")


CHECKS = {
    "dot_product": check_dot_product,
    "softmax_row": check_softmax_row,
    "weighted_sum": check_weighted_sum,
    "scale": check_scale,
}


@scene_case_param
def test_callouts_show_the_core_numbers(built, scene_class, case):
    scene = built(scene_class, case)
    drawn = drawing.Drawn.of(scene)
    for name in CALLOUTS.get(scene_class, set()):
        CHECKS[name](scene.trace, drawn, scene.inputs.decimals)


def test_the_callout_check_sees_a_wrong_number(built):
    """The callout check can fail: Step 2's worked cell read against another trace's scale is refused."""
    scene = built(Step2Scale, "tiny")
    drawn = drawing.Drawn.of(scene)
    check_scale(scene.trace, drawn, scene.inputs.decimals)
    other = built(Step2Scale, "video").trace  # d = 5, not 3: another 1/sqrt(d_k)
    with pytest.raises(AssertionError, match="are not drawn"):
        check_scale(other, drawn, scene.inputs.decimals)


# ----- legible numbers at every preset --------------------------------------------------------------
LEGIBLE = [
    pytest.param(scene, case, id=f"{case}-{scene.__name__}")
    for case in ("video", "video-720p", "largest")
    for scene in SCENES
    if scene not in NO_NUMBERS and scene not in COMPOSITES
]


@pytest.mark.parametrize(("scene_class", "case"), LEGIBLE)
def test_explained_numbers_are_legible_at_the_preset(built, scene_class, case):
    """While a scene explains numbers, they are drawn at least READABLE_PIXELS tall at 480p and at 720p:
    digit heights measured on the explaining mobjects, in units, times the preset's pixels per unit."""
    scene = built(scene_class, case)
    width, _ = PRESETS[CASES[case][2]]
    pixels_per_unit = width / config.frame_width
    assert scene.explained, f"{scene_class.__name__} explains no number on screen"
    unseen = [type(m).__name__ for m in scene.explained if any(id(n) not in scene.seen for n in drawing.numerals(m))]
    assert not unseen, f"{scene_class.__name__} explains numbers it never draws: {unseen}"
    for mobject in scene.explained:
        heights = digit_heights(mobject)
        assert heights, f"{scene_class.__name__}: an explaining mobject ({type(mobject).__name__}) shows no digit"
        smallest = min(heights) * pixels_per_unit
        assert smallest >= READABLE_PIXELS, (
            f"{scene_class.__name__} at {CASES[case][2]}: digits {smallest:.1f} px tall in {type(mobject).__name__}"
        )


@pytest.mark.parametrize("scene_class", sorted(NO_NUMBERS, key=lambda s: s.__name__), ids=lambda s: s.__name__)
def test_scenes_without_numbers_explain_none(built, scene_class):
    assert not built(scene_class).explained


def test_a_strip_over_several_lines_has_one_shade_scale(manim_dirs):
    """e^(x - max x) of a peaked row is 1 and then values near 0: wrapped over several lines, the later lines'
    tiny values must look tiny too, shaded against the whole strip's peak and not their own line's."""
    values = np.array([1.0] + [1e-6 * k for k in range(1, 12)])
    strip = ValueStrip(load_theme("video"), values, "S", max_width=4.0)
    assert len(strip.grids) > 1
    assert {grid.peak for grid in strip.grids} == {1.0}
    cells = [cell for grid in strip.grids for cell in grid.cells]
    drawing.check_fills(cells, values[None, :], 1.0, strip.grids[0].theme, "S", "strip")  # as drawn, on one scale
    palest = drawing.expected_fills(np.zeros((1, 1)), 1.0, strip.grids[0].theme, "S")[0, 0]
    tiny = np.array([cell.get_fill_color().to_rgb() for cell in cells[1:]])
    assert np.abs(tiny - palest).max() < drawing.COLOUR_TOLERANCE, "a tiny value is not drawn as pale as 0"


# ----- the steps, as drawn ---------------------------------------------------------------------------
def ink_of(grid) -> float:
    """How far, on average, a grid's cell fills are from the background (0: blank, about 1.7: full colour)."""
    background = np.array(ManimColor(grid.theme.background).to_rgb())
    fills = np.array([cell.get_fill_color().to_rgb() for cell in grid.cells])
    return float(np.linalg.norm(fills - background, axis=1).mean())


def test_step2_shows_every_score_shrinking(built):
    """The scores are shaded on one scale before and after scaling: the scaled grid is visibly paler than
    Step 1's QK^T (by about the factor 1/sqrt(d_k) = 0.45), not the same picture with other numbers."""
    before = built(Step1MatMul).grids["QK^T"]
    after = built(Step2Scale).grids["scaled"]
    scale = built(Step2Scale).trace.scale
    assert before.values.shape == after.values.shape
    ratio = ink_of(after) / ink_of(before)
    assert ratio < 0.8, f"the scaled scores are shaded {ratio:.2f} as strongly as the scores"
    assert ratio > scale / 2, f"the scaled scores are shaded {ratio:.2f} as strongly: paler than the scale"


def piece_text(math_line) -> str:
    """What the first piece of a MathLine says: a LaTeX piece's source (its strut left out) or a numeral's glyphs."""
    piece = math_line[0]
    return drawing.read(piece, load_theme("video").serif) or piece.tex_string.replace(STRUT, "")


def lead_text(line) -> str:
    """What a worked sum's line opens with."""
    return piece_text(line[0])


def test_step1_worked_sum_reads_row_by_row(built):
    """q_i . k_j = the factors (wrapped lines opening with "+"), then "=" the products (the same), the total
    last; the k-th factor right above the k-th product, every line's lead ending on one edge."""
    callout = built(Step1MatMul).explained[0]
    factors, products = (list(row) for row in callout.rows)
    assert lead_text(factors[0]).rstrip().endswith("=") and lead_text(products[0]).strip() == "="
    assert all(lead_text(line) == "+" for line in factors[1:] + products[1:])
    lines = factors + products
    tops = [line.get_top()[1] for line in lines]
    assert tops == sorted(tops, reverse=True), "the lines are not in reading order: factors, then products"
    edges = [line[0].get_right()[0] for line in lines]
    assert max(edges) - min(edges) < 1e-6, "the leads (q.k =, =, +) do not end on one edge"
    for above, below in zip(factors, products, strict=True):
        terms_above, terms_below = above[1::2], below[1::2]  # the terms, between the "+" signs
        assert len(terms_above) == len(terms_below)
        for a, b in zip(terms_above, terms_below, strict=True):
            assert abs(a.get_x() - b.get_x()) < 1e-6, "a product is not under its factors"
    assert piece_text(products[-1][-1]).startswith("= ")  # the total closes the last line, and only it
    assert all(not piece_text(line[-1]).startswith("= ") for line in lines[:-1])


@pytest.mark.parametrize(
    ("scene_class", "case"),
    [pytest.param(s, c, id=f"{c}-{s.__name__}") for c in ("video-720p", "largest") for s in STEP_CALLOUTS],
)
def test_grid_digits_are_legible_or_not_drawn(built, scene_class, case):
    """With --numbers auto, a grid's digits are at least READABLE_PIXELS tall at the preset or absent."""
    scene = built(scene_class, case)
    width, _ = PRESETS[CASES[case][2]]
    pixels_per_unit = width / config.frame_width
    grids = [m for m in scene.get_mobject_family_members() if isinstance(m, MatrixGrid)]
    assert grids
    for grid in grids:
        heights = digit_heights(grid.numbers)
        if heights:
            assert min(heights) * pixels_per_unit >= READABLE_PIXELS, f"{scene_class.__name__}: grid digits too small"


def test_a_grid_turns_into_its_transpose_cell_by_cell(manim_dirs):
    """K handed over as K^T: every cell moves onto the cell that shows its value, so the colours match one to one."""
    theme, trace = load_theme("video"), attention.example()
    k = MatrixGrid(trace.K, "K", theme, numbers="off")
    kt = MatrixGrid(trace.K.T, "K", theme, numbers="off", cell_size=0.2)
    moving = k.turn_into(kt)[0]
    sources = [cell.get_fill_color().to_hex() for cell in moving.mobject]
    targets = [cell.get_fill_color().to_hex() for cell in moving.target_mobject]
    assert sources == targets
    assert sources != [cell.get_fill_color().to_hex() for cell in k.cells]  # not the cells in their own order


# ----- Step 3: one continuous drawing ------------------------------------------------------------------------------
class WatchedStep3(Step3Softmax):
    """Step 3 noting, after each play, the mobjects it draws (the families on screen, as Cairo draws them)."""

    def setup(self):
        super().setup()
        self.drawn_after_plays: list[list] = []

    def play(self, *animations, **kwargs):
        super().play(*animations, **kwargs)
        self.drawn_after_plays.append(
            [m for m in self.get_mobject_family_members() if m.has_points() and m.get_fill_opacity() > 0]
        )


@pytest.mark.parametrize("case", ["video", "largest"])
def test_step3_works_its_row_beside_the_scores_which_never_leave(play_scene, case):
    """From the moment the scores are handed over, every cell of the scaled-scores grid is drawn after every
    play; while the softmax row is worked, its readable digits stand beside that grid, not over it, and the
    drawing spans at least 60 % of the pane's width."""
    from scenes.kit.layout import RIGHT_PANEL
    from scenes.kit.text.numerals import Numeral

    width, height = PRESETS[CASES[case][2]]
    scene = play_scene(WatchedStep3, make_inputs(case), pixel_width=width, pixel_height=height)
    cells = list(scene.grids["scaled"].cells)
    for n, drawn in enumerate(scene.drawn_after_plays):
        on_screen = {id(m) for m in drawn}
        assert all(id(c) in on_screen for c in cells), f"the scores are not drawn after play {n + 1}"
    grid_right = scene.grids["scaled"].cells.get_right()[0]
    readable = READABLE_PIXELS / (width / config.frame_width)
    worked = [
        [m for m in drawn if isinstance(m, Numeral) and m.digit_height >= readable and m.get_x() > grid_right]
        for drawn in scene.drawn_after_plays
    ]
    fullest = max(range(len(worked)), key=lambda n: len(worked[n]))
    assert len(worked[fullest]) >= 3 * scene.trace.T_kv, "no worked row of readable digits beside the scores"
    digits_left = min(m.get_left()[0] for m in worked[fullest])
    assert digits_left > grid_right, "the worked row overlaps the scores"
    drawn = [m for m in scene.drawn_after_plays[fullest] if m.get_x() > RIGHT_PANEL.left]
    span = max(m.get_right()[0] for m in drawn) - min(m.get_left()[0] for m in drawn)
    assert span >= 0.6 * RIGHT_PANEL.width, f"the drawing spans {span / RIGHT_PANEL.width:.0%} of the pane"
