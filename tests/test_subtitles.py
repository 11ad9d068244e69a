"""Subtitles to timed-text rules (issue 24, item 4): the line breaker on hostile texts, a long cue split where its
take pauses, and every subtitle of the default video's .srt checked against the rules.

The rules are checked here with plain counting, not with the module's own helpers: at most 42 characters a
line, at most two lines, from 5/6 s to 7 s on screen, at most 17 characters a second, two frames between two.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import srt

from rendering.timed_text.breaking import subtitles
from rendering.timed_text.writer import Take, timed

FORMULAS = ("T × d", "d × T", "QKᵀ/√dₖ", "R = A V", "q₁ · k₅", "d = 4")


def seen(text: str) -> int:
    """Characters a line shows: a non-spacing mark takes no room, a wide character two."""
    room = {"Mn": 0, "Me": 0, "Cf": 0}
    return sum(
        room.get(unicodedata.category(c), 2 if unicodedata.east_asian_width(c) in "WF" else 1) for c in text.strip()
    )


def words(text: str) -> list[str]:
    return text.split()


def broken_text(pieces: list[tuple[str, ...]], joiner: str = " ") -> str:
    return joiner.join(line for piece in pieces for line in piece)


def problems(subs: list[srt.Subtitle], fps: float) -> list[str]:
    """Every way ``subs`` break the timed-text rules, one line each."""
    found = []
    for n, sub in enumerate(subs):
        lines = sub.content.split("\n")
        shown = (sub.end - sub.start).total_seconds()
        name = f"#{sub.index} {sub.content!r}"
        if len(lines) > 2:
            found.append(f"{name}: {len(lines)} lines")
        found += [f"{name}: a line of {seen(line)} characters" for line in lines if seen(line) > 42]
        if not 5 / 6 - 0.001 <= shown <= 7:
            found.append(f"{name}: on screen {shown:.3f} s")
        cps = len(sub.content.replace("\n", " ")) / shown if shown > 0 else float("inf")
        if cps > 17 + 1e-9:
            found.append(f"{name}: {cps:.1f} characters a second")
        for formula in FORMULAS:
            if formula in sub.content.replace("\n", " ") and formula not in lines[0] + "|".join(lines):
                found.append(f"{name}: {formula} broken across lines")
        if n + 1 < len(subs):
            gap = (subs[n + 1].start - sub.end).total_seconds()
            if gap < 2 / fps - 1e-9:
                found.append(f"{name}: {gap:.3f} s before the next (two frames at {fps} fps: {2 / fps:.3f})")
    return found


@pytest.mark.parametrize("name", ["rules", "breaking", "pauses"])
def test_the_modules_examples_run(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"rendering.timed_text.{name}"))
    assert result.attempted > 0 and result.failed == 0


# ----- the line breaker ------------------------------------------------------------------------------------------
HOSTILE = [
    "Pneumonoultramicroscopicsilicovolcanoconiosis and Supercalifragilisticexpialidociousness together "
    "make a line that cannot hold them both.",
    "https://example.org/a/very/long/address/that/has/no/spaces/at/all/anywhere/in/it/whatsoever",
    "Step 1: multiply the queries Q by the transposed keys Kᵀ, so that Q is T × d and Kᵀ is d × T and QKᵀ is T × T.",
    "The scaled scores are QKᵀ/√dₖ, and then R = A V is T × d: every row of A weighs the rows of V.",
    "注意力机制让每个词都关注句子中的其他词，并根据它们的相关程度分配权重。这就是缩放点积注意力的核心思想。",
    "自己注意機構では、各単語が文中のほかのすべての単語を見て、その関連の強さに応じて重みを配ります。",
    "Внимание позволяет каждому слову смотреть на все остальные слова предложения, взвешивая их по важности.",
    "الانتباه يسمح لكل كلمة بأن تنظر إلى جميع الكلمات الأخرى في الجملة، وتزنها بحسب أهميتها.",
    "नमस्ते दुनिया, ध्यान तंत्र हर शब्द को वाक्य के बाकी सभी शब्दों को देखने देता है और उन्हें तौलता है।",
    (
        "The queries meet the keys, the scores are scaled by one over √dₖ, softmax turns each row into weights, "
        "and the weights mix the values into the output R = A V. " * 3
    ).strip(),
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: t[:16])
def test_the_breaker_keeps_two_lines_of_42_and_every_word(text):
    pieces = subtitles(text)
    assert pieces
    for piece in pieces:
        assert 1 <= len(piece) <= 2, piece
        assert all(0 < seen(line) <= 42 for line in piece), piece
    if " " in text.strip(" ।。"):
        # nothing lost or reordered; a word longer than a line is the only one cut
        assert "".join(broken_text(pieces).split()) == "".join(text.split())
        long = [w for w in words(text) if seen(w) > 42]
        assert [w for w in words(broken_text(pieces)) if w not in words(text)] == [] or long
    else:
        assert broken_text(pieces, "") == text


def test_a_300_character_cue_is_several_subtitles_of_two_lines():
    text = HOSTILE[-1]
    assert len(text) >= 300
    pieces = subtitles(text)
    assert len(pieces) >= len(text) // 84
    assert sum(len(p) for p in pieces) >= 2 * len(pieces) - 1  # full subtitles, not a line each
    # each subtitle ends where a phrase ends: after a comma or a full stop, or before a conjunction or preposition
    for piece, following in zip(pieces, pieces[1:], strict=False):
        ends = re.search(r"[,.:;]$", piece[-1])
        opens = following[0].split()[0] in ("and", "or", "so", "into", "by", "of", "to", "with")
        assert ends or opens, (piece, following)
    lines = [line for piece in pieces for line in piece]
    assert not [line for line in lines if line.split()[-1] in ("the", "a", "an", "of", "by", "into", "over")]


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_is_never_broken_wherever_it_falls(formula):
    for filler in range(1, 14):  # the formula crosses the 42nd column at every place
        text = " ".join(["word"] * filler + ["and", formula, "is", "what", "the", "step", "draws", "on", "screen."])
        text = "Then " + "x" * (filler % 5) + " " + text
        for piece in subtitles(text):
            assert all(seen(line) <= 42 for line in piece)
        lines = [line for piece in subtitles(text) for line in piece]
        assert any(formula in line for line in lines), (formula, lines)


def test_lines_break_at_phrase_boundaries():
    text = "The scaled scores: QKᵀ over √dₖ, so that every score shrinks by the same factor before the softmax."
    pieces = subtitles(text)
    lines = [line for piece in pieces for line in piece]
    assert lines[0].endswith("√dₖ,")  # after the comma, not inside the formula
    assert not any(line.split()[-1] in ("the", "a", "of", "by") for line in lines[:-1])
    assert subtitles("Each row of A sums to one.") == [("Each row of A sums to one.",)]  # a short cue stays one line


def test_a_long_formula_alone_is_cut_only_because_it_cannot_fit():
    formula = " × ".join("ABCDEFGHIJKLMNOPQRSTU")  # 81 characters with no other place to break
    pieces = subtitles(f"The product {formula} is long.")
    assert all(seen(line) <= 42 for piece in pieces for line in piece)
    assert "".join(broken_text(pieces).split()) == "".join(f"The product {formula} is long.".split())


# ----- timing: pauses, reading time, gaps ------------------------------------------------------------------------
RATE = 16000


def tone(seconds: float) -> np.ndarray:
    return 0.5 * np.sin(2 * np.pi * 220 * np.arange(round(seconds * RATE)) / RATE)


def subtitle(start: float, end: float, text: str) -> srt.Subtitle:
    return srt.Subtitle(0, datetime.timedelta(seconds=start), datetime.timedelta(seconds=end), text)


LONG = "The queries meet the keys in one product, and every score is divided by the square root of d k."


def test_a_long_cue_is_split_where_its_take_pauses():
    # the speech: 3.0 s, a 0.3 s pause, 2.0 s; by its text alone the split would fall near 2.5 s into the take
    silence = np.zeros(RATE // 10)
    take = np.concatenate([silence, tone(3.0), np.zeros(round(0.3 * RATE)), tone(2.0), silence])
    start = 10.0
    cue = subtitle(start, start + len(take) / RATE, LONG)
    heard = timed([cue], 30, takes=lambda at: Take(take, RATE) if at == Fraction(10) else None, end=Fraction(30))
    silent = timed([cue], 30, end=Fraction(30))
    assert len(heard) == len(silent) == 2
    resumes = start + 0.1 + 3.0 + 0.3 - 0.04  # a little before the speech takes up again
    assert heard[1].start.total_seconds() == pytest.approx(resumes, abs=0.03)  # where speech takes up again
    assert (heard[1].start - heard[0].end).total_seconds() == pytest.approx(2 / 30, abs=0.002)
    assert abs(silent[1].start.total_seconds() - resumes) > 0.1  # the text alone would not have found it
    assert heard[0].start.total_seconds() == start
    assert problems(heard, 30) == []


def test_a_short_subtitle_is_held_to_its_reading_time_where_the_next_allows():
    cues = [
        subtitle(1.0, 1.3, "Gone."),  # 0.3 s: held to 5/6 s, the next is far
        subtitle(3.0, 4.0, "A cue read far too fast for its one second on the screen."),
        subtitle(7.0, 9.0, "Then the last one."),
    ]
    made = timed(cues, 15, end=Fraction(20))
    assert [s.content for s in made] == [
        "Gone.",
        "A cue read far too fast\nfor its one second on the screen.",
        "Then the last one.",
    ]
    assert made[0].end.total_seconds() == pytest.approx(1 + 5 / 6, abs=0.002)
    assert made[1].end.total_seconds() >= 3.0 + len("A cue read far too fast for its one second on the screen.") / 17
    assert problems(made, 15) == []


def test_subtitles_keep_two_frames_apart_and_seven_seconds_at_most():
    cues = [subtitle(0.0, 9.5, "A long animation with a short caption."), subtitle(9.55, 11.0, "Next one here.")]
    for fps in (15, 30, 60):
        made = timed(cues, fps, end=Fraction(12))
        assert made[0].end.total_seconds() == 7.0
        assert made[1].start.total_seconds() == 9.55
        assert problems(made, fps) == []


# ----- the default video's .srt ----------------------------------------------------------------------------------
def test_the_videos_srt_follows_the_timed_text_rules(full_video_low):
    movie: Path = full_video_low
    subs = list(srt.parse(movie.with_suffix(".srt").read_text(encoding="utf-8")))
    assert len(subs) > 30
    assert problems(subs, 15) == []


def test_the_videos_split_cues_change_subtitle_where_the_voice_pauses(full_video_low):
    import av

    movie: Path = full_video_low
    subs = list(srt.parse(movie.with_suffix(".srt").read_text(encoding="utf-8")))
    with av.open(str(movie)) as container:
        rate = container.streams.audio[0].rate
        track = np.concatenate([f.to_ndarray()[0] for f in container.decode(container.streams.audio[0])])

    def level(a: float, b: float) -> float:
        chunk = track[round(a * rate) : round(b * rate)]
        return float(10 * np.log10(np.mean(chunk**2) + 1e-12))

    # every cue of the video ends a sentence: a subtitle after one that does not continues the same take
    continued = [b for a, b in zip(subs, subs[1:], strict=False) if not a.content.rstrip().endswith((".", "?", "!"))]
    assert len(continued) >= 5
    for sub in continued:
        at = sub.start.total_seconds()
        assert level(at - 0.1, at) < -45, sub.content  # the voice pauses just before it ...
        assert level(at, at + 0.3) > -25, sub.content  # ... and speaks it


def test_a_take_longer_than_seven_seconds_is_shown_in_pieces_of_seven_at_most():
    text = "Every score shrinks by the same factor, so a large dₖ cannot saturate the softmax."  # two lines' worth
    take = np.concatenate([tone(4.5), np.zeros(round(0.4 * RATE)), tone(4.5)])  # 9.4 s of slow speech
    cue = subtitle(2.0, 2.0 + len(take) / RATE, text)
    made = timed([cue], 30, takes=lambda at: Take(take, RATE), end=Fraction(20))
    assert [s.content for s in made] == [
        "Every score shrinks by the same factor,",
        "so a large dₖ cannot saturate the softmax.",
    ]
    assert made[1].start.total_seconds() == pytest.approx(2.0 + 4.9 - 0.04, abs=0.03)
    assert problems(made, 30) == []


@pytest.mark.parametrize("text", [HOSTILE[-1], HOSTILE[4], HOSTILE[1]], ids=["300 characters", "Chinese", "address"])
def test_a_hostile_silent_cue_is_timed_to_the_rules_with_every_word(text):
    made = timed([subtitle(1.0, 1.0 + len(text) / 17, text), subtitle(40.0, 41.0, "Next.")], 24, end=Fraction(45))
    assert len(made) >= 2
    assert problems(made, 24) == []
    shown = "".join(s.content for s in made[:-1]).replace("\n", "").replace(" ", "")
    assert shown == text.replace(" ", "")
