"""The paper intro: the title block of "Attention Is All You Need" and its diagram, built up."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, Line, VGroup, Write

from scenes.kit.block_diagram import BLOCKS, BlockDiagram
from scenes.kit.narration import narrate
from scenes.scene import AttentionScene, Part

PAPER_TITLE = "Attention Is All You Need"
PAPER_AUTHORS = (
    "Ashish Vaswani, Noam Shazeer, Niki Parmar, Jakob Uszkoreit,",
    "Llion Jones, Aidan N. Gomez, \u0141ukasz Kaiser, Illia Polosukhin",
    "NeurIPS 2017",
)


def play_intro(scene: AttentionScene) -> None:
    theme = scene.theme
    top_rule = Line(LEFT * 3.3, RIGHT * 3.3, stroke_width=theme.stroke.rule, color=theme.text)
    title = theme.words(PAPER_TITLE, font_size=theme.size.title, weight="BOLD")
    bottom_rule = Line(LEFT * 3.3, RIGHT * 3.3, stroke_width=theme.stroke.hairline, color=theme.text)
    authors = VGroup(*[theme.words(line, font_size=theme.size.small) for line in PAPER_AUTHORS])
    authors.arrange(DOWN, buff=0.15)
    paper = VGroup(top_rule, title, bottom_rule, authors).arrange(DOWN, buff=0.45)
    paper.scale_to_fit_width(min(paper.width, 6.9)).move_to([0, 0.6, 0]).to_edge(LEFT, buff=0.4)
    diagram = BlockDiagram(theme, with_mask=True)
    diagram.scale_to_fit_height(6.0).move_to([4.6, 0, 0])
    # the title is drawn before the voice names it, so no word is said over an empty frame
    scene.play(Create(top_rule), Write(title), Create(bottom_rule), run_time=0.8)
    narrate(
        scene,
        "Scaled dot-product attention, from Attention Is All You Need.",
        FadeIn(authors, shift=UP * 0.2),
        run_time=1,
    )
    narrate(scene, "Queries, keys and values come in at the bottom.", FadeIn(diagram.inputs), run_time=0.8)
    for key, title_text in BLOCKS:
        narrate(scene, f"{title_text}.", FadeIn(diagram.block(key), shift=UP * 0.15), run_time=0.5)
    scene.play(Create(diagram.arrows), run_time=1.2)
    scene.add(diagram)
    scene.wait(2)
    scene.figure(caption_intro())


def caption_intro() -> str:
    return (
        'The title block of "Attention Is All You Need" and its scaled dot-product attention diagram: '
        "Q and K into MatMul, Scale, an optional Mask, Softmax, then MatMul with V."
    )


class IntroScene(AttentionScene):
    part = Part(
        "intro",
        "Attention Is All You Need",
        "The paper intro: title block and the scaled dot-product attention diagram, built up",
        in_video=True,
    )
    play_part = staticmethod(play_intro)
