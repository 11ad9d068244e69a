"""Narration cues: each subcaption held until it is read and, with a voice, until it is spoken.

A cue is one ``narrate`` call. Its text is written the way a person reads it; the subtitles show it with its
math in Unicode and the voice says it in words (``pronunciation.py``). Without a voice (``Inputs.speech`` is
None) a cue lasts as long as its animation or the time to read it (5/6 s at least), whichever is longer. With
one, it lasts the longest of its animation, its speech, one second and the time to read it; the speech starts
with the cue's subtitle, which lasts as long as the speech, one second or the reading, whichever is longest. A
section a render only passes through (``AttentionScene.passing_through``) is timed as a silent one: nothing of it
is kept. Its takes are made only where the worker filming it reaches it later (``speaking_ahead``): that worker
then finds them made.
Either way a gap follows (``gap()``: at least two frames), so that the next cue never overlaps it.
"""

from __future__ import annotations

import datetime

from scenes.kit.text.pronunciation import spoken, written

READING_SPEED = 17.0  # characters per second, the usual ceiling for subtitles
GAP = 0.1  # seconds between two subcaptions: more than a frame at 15 fps, so rounding never makes them overlap
GAP_FRAMES = 2  # timed-text rules: at least two frames between two subtitles
SHORTEST = 1.0  # seconds a spoken cue's subtitle stays at least
SHORTEST_SILENT = 5 / 6  # seconds a silent cue's subtitle stays at least (timed-text rules)


def cue_owner(scene, section: str) -> str:
    """The name a section's cues are numbered under: the part that plays it, its declared ``Section.owner``
    (so FullVideo's cues and each video part's own scene share their ids), with the section when the scene's own
    part has several. A sequence (scenes/video/sequence.py) names an owned section so already."""
    if scene.part.section_owner(section) is not None:
        return section
    if section == scene.part.name:
        return section
    return f"{scene.part.name}-{section}"


def cue_id(scene) -> str:
    """The id of the next cue: its owner and its place in its section ("step1_matmul.03"), not its text."""
    log = scene.log
    section = log.played[-1] if log.played else scene.part.name
    owner = cue_owner(scene, section)
    numbered = [ident for _, ident, _, at in log.cues if at == section] + [i for i, at in log.ahead if at == section]
    place = sum(1 for ident in numbered if ident.startswith(f"{owner}."))  # not a bridge's
    return f"{owner}.{place:02d}"


def gap() -> float:
    """Seconds between a cue's subtitle and the next cue: ``GAP``, or, at 30 fps and under, two frames, one more
    (a static wait is filmed in whole frames, rounded down) and two milliseconds (a .srt keeps milliseconds), so
    the timed-text writer (rendering/timed_text) need not cut a subtitle short of its reading time to keep two
    frames between subtitles."""
    from manim import config

    return max(GAP, (GAP_FRAMES + 1) / config.frame_rate + 0.002)


def narrate(scene, text: str, *animations, run_time: float = 1.0, cue: str | None = None, **kwargs) -> None:
    """Play ``animations`` (if any) with ``text`` as their subcaption, then wait until it has been read (and,
    with a voice, spoken). ``text`` is written as it is read aloud ("Q times K transposed"). ``cue``: the cue's
    id, for a cue not of the section's own part (a lecture's bridge); None numbers it in its section.

    Examples
    --------
    >>> from scenes.kit.text.pronunciation import written
    >>> written("The scaled scores: Q K transposed over the square root of d k.")
    'The scaled scores: QKᵀ over √dₖ.'
    """
    speech = getattr(scene.inputs, "speech", None)
    if speech is not None and scene.passing_through():
        if scene.speaking_ahead():  # the worker that films it finds the take made, later
            ident = cue or cue_id(scene)
            speech.length(ident, spoken(text))
            scene.log.ahead.append((ident, scene.log.played[-1]))
        speech = None  # a section skipped to reach the filmed ones: timed as if silent, no take waited for
    shown = written(text)
    animation_time = run_time if animations else 0.0
    if speech is None:
        # as before voices: the source text's length sets the reading time, so a silent render keeps its timing
        subtitle = max(animation_time, len(text) / READING_SPEED, SHORTEST_SILENT)
    else:
        ident = cue or cue_id(scene)
        said = spoken(text)
        seconds = speech.seconds(ident, said)
        subtitle = max(seconds, SHORTEST, len(shown) / READING_SPEED)
        section = scene.log.played[-1] if scene.log.played else scene.part.name
        # Manim's clock where the cue (its subtitle and its speech) begins, in microseconds as its subtitle
        start = datetime.timedelta(seconds=scene.time) // datetime.timedelta(microseconds=1)  # as Manim's
        scene.log.cues.append((start, ident, said, section))
    duration = max(animation_time, subtitle) + gap()
    if animations:
        scene.play(*animations, run_time=run_time, subcaption=shown, subcaption_duration=subtitle, **kwargs)
    else:
        scene.add_subcaption(shown, duration=subtitle)
    rest = duration - animation_time
    if rest > 1e-6:
        scene.wait(rest)
