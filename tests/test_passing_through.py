"""A slice of a narrated scene makes no take for the sections it only passes through on its way to its own,
unless asked to speak them ahead for the slice that films them later.

A render worker filming WhyScale's second section builds the first with its animations skipped (each filmed
section starts from what the earlier ones left); nothing of that section is kept, so its cues are timed as if
silent and the voice is never asked for them: a parallel render no longer speaks those takes twice, once in
the slice that films them and once in the one that passes through. A slice asked to speak them ahead
(``SliceJob.speaks_ahead``: another slice films them, later) makes them, and the filming slice finds
them made. Narrated by the tone of test_voice_engines.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import attention
from rendering.parallel.film import film_slice
from rendering.parallel.plan import SliceJob
from rendering.spec import Look, Picture
from scenes.topics.why_scale import WhyScale

sys.path.insert(0, str(Path(__file__).parent))
import test_voice_engines as t  # noqa: E402

PASSED, FILMED, LATER = WhyScale.part.section_names  # variance, softmax, one_row


def test_a_section_passed_through_makes_no_take(tmp_path, render_cache, monkeypatch):
    from rendering.cache import slots

    asked = []
    speak = t.Tone.take
    monkeypatch.setattr(t.Tone, "take", lambda self, cue, text: (asked.append(cue), speak(self, cue, text))[1])
    monkeypatch.setattr(slots, "CACHE", render_cache())
    job = SliceJob("WhyScale", Picture(320, 180, 6, "low_quality"), "mp4", (FILMED,), clips=True, elsewhere=(LATER,))
    result = film_slice(job, attention.Request.from_sentence(), Look(voice=t.tone("tone")), str(tmp_path))
    assert result.filmed == (FILMED,)
    owner = f"{WhyScale.part.name}-"
    assert asked and all(cue.startswith(f"{owner}{FILMED}.") for cue in asked), asked
    # the filmed section's cues, every one spoken and placed on its clip's clock
    spoken = [cue for _, cue, _, section in result.cues if section == FILMED]
    assert spoken and sorted(spoken) == sorted(set(asked))
    begin, end = result.clock[FILMED]
    assert all(begin <= at / 1e6 and (end is None or at / 1e6 < end) for at, *_ in result.cues)


def test_a_slice_speaks_ahead_the_takes_another_films_later(tmp_path, render_cache, monkeypatch):
    # Filming FILMED, the slice passes through PASSED, which another slice films (after its own first section):
    # it makes PASSED's takes, with the ids and words the filming slice then asks for, and keeps no cue of it.
    from rendering.cache import slots

    asked = []
    speak = t.Tone.take
    monkeypatch.setattr(t.Tone, "take", lambda self, cue, text: (asked.append((cue, text)), speak(self, cue, text))[1])
    monkeypatch.setattr(slots, "CACHE", render_cache())
    picture, request, look = (
        Picture(320, 180, 6, "low_quality"),
        attention.Request.from_sentence(),
        Look(voice=t.tone("ahead")),
    )
    ahead = SliceJob("WhyScale", picture, "mp4", (FILMED,), True, elsewhere=(PASSED, LATER), speaks_ahead=(PASSED,))
    passing = film_slice(ahead, request, look, str(tmp_path / "ahead"))
    made = [(cue, text) for cue, text in asked if cue.startswith(f"{WhyScale.part.name}-{PASSED}.")]
    assert passing.filmed == (FILMED,) and {section for *_, section in passing.cues} == {FILMED}
    assert len(made) > 1 and len(set(made)) == len(made)  # each cue numbered in its place, made once

    asked.clear()
    first = SliceJob("WhyScale", picture, "mp4", (PASSED,), True, elsewhere=(FILMED, LATER))
    filming = film_slice(first, request, look, str(tmp_path / "first"))
    assert [(cue, text) for _, cue, text, _ in filming.cues] == made  # the takes it speaks: those made ahead
    assert not asked  # every one found made
