"""The pieces of the score functions' scene that are not grids: an RNN encoder-decoder attending over the encoder's
states, the timeline from Bahdanau (2014) to the Transformer (2017), and the table of parameters and work."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Arrow, Line, Square, VGroup

from scenes.kit.legibility import readable_font_size
from scenes.kit.lens import MathLine, Num, TeX
from scenes.kit.text.baseline import token_word
from scenes.kit.text.labels import short_label
from scenes.kit.text.notation import D
from scenes.kit.theme import Theme

BOX = 0.5  # an RNN state's square
BOX_GAP = 0.3  # between two encoder states: room for the recurrence's arrow
RISE = 2.0  # from the encoder's states up to the decoder's
ROW_GAP = 0.22  # between two lines of the timeline or the table
CELL_GAP = 0.45  # between two columns of the table
DK, DA = rf"{D}_k", rf"{D}_a"
QT, KB = r"\mathbf{q}^{\top}", r"\mathbf{k}"  # a query transposed, a key
PARAMETERS = {
    "additive": rf"2\,{DK}{DA}+{DA}",
    "multiplicative": rf"{DK}^2",
    "dot": r"\text{none}",
    "scaled": r"\text{none}",
}
WORK = {  # self-attention: T queries and T keys
    "additive": rf"2T{DK}{DA}+T^2{DA}",
    "multiplicative": rf"T{DK}^2+T^2{DK}",
    "dot": rf"T^2{DK}",
    "scaled": rf"T^2{DK}+T^2",
}


def state(theme: Theme, key: str, name: str) -> VGroup:
    """One RNN state: a square in the colour of the role it plays (``key``: Q or K), its name inside."""
    box = Square(
        side_length=BOX,
        fill_color=theme.matrix_color(key),
        fill_opacity=theme.fill_opacity,
        stroke_color=theme.grid_line,
        stroke_width=theme.stroke.hairline,
    )
    return VGroup(box, theme.math(name, font_size=theme.size.small).move_to(box))


def encoder_decoder(theme: Theme, tokens) -> dict:
    """The encoder's states h_1 .. h_T over their tokens, chained by the recurrence's arrows, and a decoder state
    s above them, joined to every h_j by a line (the scores it takes); "all" holds everything, for the layout."""
    encoder = VGroup(*[state(theme, "K", rf"\mathbf{{h}}_{{{j + 1}}}") for j in range(len(tokens))])
    encoder.arrange(RIGHT, buff=BOX_GAP)
    words = VGroup()
    for box, token in zip(encoder, tokens, strict=True):
        word = token_word(theme, short_label(token), theme.size.token)
        if word.width > BOX + BOX_GAP * 0.8:  # a long token keeps to its own state's width
            word.scale_to_fit_width(BOX + BOX_GAP * 0.8)
        words.add(word.next_to(box, DOWN, buff=0.12))
    recurrence = VGroup(
        *[
            Arrow(a.get_right(), b.get_left(), buff=0.03, color=theme.arrow, stroke_width=theme.stroke.thin)
            for a, b in zip(encoder, encoder[1:], strict=False)
        ]
    )
    decoder = state(theme, "Q", r"\mathbf{s}").next_to(encoder, UP, buff=RISE)
    attends = VGroup(
        *[
            Line(decoder.get_bottom(), box.get_top(), color=theme.divider, stroke_width=theme.stroke.thin)
            for box in encoder
        ]
    )
    notes = VGroup(
        theme.words("encoder states: the keys", font_size=theme.size.note).next_to(words, DOWN, buff=0.2),
        theme.words("decoder state: the query", font_size=theme.size.note).next_to(decoder, RIGHT, buff=0.3),
    )
    notes[0].set_x(encoder.get_center()[0])
    return {
        "encoder": VGroup(encoder, words, notes[0]),
        "recurrence": recurrence,
        "decoder": VGroup(decoder, notes[1]),
        "attends": attends,
        "all": VGroup(encoder, words, recurrence, decoder, attends, notes),
    }


def timeline(theme: Theme, formulas: dict) -> VGroup:
    """Three lines: 2014 additive (Bahdanau, Cho, Bengio), 2015 multiplicative and dot (Luong, Pham, Manning),
    2017 scaled dot in the Transformer (Vaswani et al.), each with its score's formula."""
    size = theme.size.note

    def line(year: str, *pieces) -> VGroup:
        parts = [theme.words(year, font_size=size, weight="BOLD")]
        for piece in pieces:
            parts.append(theme.math(piece[1], font_size=size) if piece[0] else theme.words(piece[1], font_size=size))
        return VGroup(*parts).arrange(RIGHT, buff=0.15)

    lines = VGroup(
        line(
            "2014",
            (False, "Bahdanau, Cho, Bengio: an RNN decoder scores every encoder state, additive"),
            (True, formulas["additive"]),
        ),
        line(
            "2015",
            (False, "Luong, Pham, Manning: multiplicative"),
            (True, formulas["multiplicative"]),
            (False, "and dot"),
            (True, formulas["dot"]),
        ),
        line(
            "2017",
            (False, "Vaswani et al., the Transformer: no RNN, q and k from the tokens, scaled dot"),
            (True, formulas["scaled"]),
        ),
    )
    return lines.arrange(DOWN, buff=ROW_GAP, aligned_edge=LEFT)


def cost_table(theme: Theme, record, names: dict, formulas: dict) -> dict:
    """A row per kind: its name, score, what it learns (formula and count) and its multiply-adds for all T x T
    scores (formula and count), counts drawn from glyphs; under it, why dot is multiplicative with W = I and why
    the Transformer needs no W. "head", "rows", "answer" and "all" for the animation and the layout."""
    size = readable_font_size(theme)
    params, work = record.parameters(), record.work()
    head = [
        theme.words(text, font_size=theme.size.note) if text else None
        for text in ("", "score", "learns", "", f"multiply-adds, T = {record.T}", "")
    ]
    cells = [head]
    for kind in names:
        cells.append(
            [
                theme.words(names[kind], font_size=size),
                theme.math(formulas[kind], font_size=size),
                theme.math(PARAMETERS[kind], font_size=size),
                MathLine(theme, TeX("="), Num(str(params[kind])), font_size=size),
                theme.math(WORK[kind], font_size=size),
                MathLine(theme, TeX("="), Num(str(work[kind])), font_size=size),
            ]
        )
    widths = [max(row[c].width for row in cells if row[c] is not None) for c in range(len(head))]
    y = 0.0
    rows = []
    for row in cells:
        x = 0.0
        height = max(m.height for m in row if m is not None)
        for c, mobject in enumerate(row):
            if mobject is not None:  # the header's empty cells
                mobject.move_to([x + widths[c] / 2, y, 0]).align_to([x, 0, 0], LEFT)
            x += widths[c] + CELL_GAP
        rows.append(VGroup(*[m for m in row if m is not None]))
        y -= height + ROW_GAP
    sizes = MathLine(
        theme, TeX("T = "), Num(str(record.T)), TeX(rf",\ {DK} = {DA} = "), Num(str(record.d_k)), font_size=size
    )
    projections = MathLine(
        theme,
        TeX(rf"\text{{and }}W_q,\,W_k\text{{ come before any of the four: }}2\,{D}\,{DK} ="),
        Num(str(record.projection_parameters())),
        font_size=size,
    )
    answer = VGroup(
        theme.math(
            rf"\text{{Yes, with a fixed }}W\text{{: }}{QT}{KB} = {QT}I\,{KB},"
            rf"\quad{QT}{KB}/\sqrt{{{DK}}} = {QT}(I/\sqrt{{{DK}}})\,{KB}",
            font_size=size,
        ),
        theme.math(
            r"\text{a learned }W\text{ adds nothing to projected }\mathbf{q},\mathbf{k}\text{: }"
            r"\mathbf{q}_i^{\top}W\mathbf{k}_j = \mathbf{x}_i^{\top}(W_qWW_k^{\top})\,\mathbf{x}_j",
            font_size=size,
        ),
        projections,
    ).arrange(DOWN, buff=ROW_GAP, aligned_edge=LEFT)
    title = theme.words("Is scaled dot-product attention multiplicative?", font_size=theme.size.heading)
    table = VGroup(*rows)
    title.next_to(table, UP, buff=0.5)
    sizes.next_to(table, DOWN, buff=ROW_GAP * 1.5).align_to(table, LEFT)
    answer.next_to(sizes, DOWN, buff=ROW_GAP * 2.5).align_to(table, LEFT)
    return {
        "head": VGroup(title, rows[0]),
        "rows": VGroup(*rows[1:], sizes),
        "answer": answer,
        "all": VGroup(title, table, sizes, answer),
    }
