"""A slice of a narrated scene makes no take for the sections it only passes through on its way to its own.

A render worker filming WhyScale's second section builds the first with its animations skipped (each filmed
section starts from what the earlier ones left); nothing of that section is kept, so its cues are timed as if
silent and the voice is never asked for them: a parallel render no longer speaks those takes twice, once in
the slice that films them and once in the one that passes through. Narrated by the tone of test_voice_engines.py.
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
