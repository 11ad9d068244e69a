"""A filmed piece remembered by the lengths of the takes that time it, not by the voice that speaks them.

What belongs here: the look a movie piece's key sees (the voice reduced to "voiced": the picture waits for the
voice's takes, it never hears them), and the variant a piece is remembered under: the state it starts from and,
with a voice, a digest of the (cue, text, length) of every take it speaks. Which cues a piece speaks depends on
its code and starting state alone, so it is remembered beside it (the variant ``<state>.cues``); a later run
reads that list, measures those cues' takes in its own voice (from the lengths the speech cache keeps, no take
decoded) and serves the piece only if they last as long. So a changed cue's text re-films its own section, a
new voice re-films only the sections whose takes changed length, and the track is laid again either way
(``keys.finished_key`` names the voice).

Examples
--------
>>> variant("start", [], None)
'start'
>>> class Second:
...     def length(self, cue, text):
...         return 1
>>> variant("start", [("intro.00", "Hello.")], Second()) == variant("start", [("intro.00", "Hi.")], Second())
False
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from fractions import Fraction

VOICED = "voiced"  # what a movie piece's key says of any voice
LISTED = ".cues"  # the suffix of the variant that lists the cues a piece speaks


def keyed_look(look):
    """``look`` as a movie piece's key sees it: any voice is "voiced" (its takes' lengths are in the variant)."""
    return look if look.voice is None else replace(look, voice=VOICED)


def spoken_in(cues, section: str | None) -> list[tuple[str, str]]:
    """(cue id, text) of the cues of ``cues`` (start µs, id, text, section) that ``section`` speaks (None: all)."""
    return [(cue, text) for _, cue, text, where in cues if section is None or where == section]


def variant(state: str, cues, speech) -> str:
    """The variant a piece starting from ``state`` and speaking ``cues`` (id, text) is remembered under: the
    state alone when silent, else the state and a digest of each cue's take length in ``speech``."""
    if speech is None:
        return state
    record = [[cue, text, str(Fraction(speech.length(cue, text)))] for cue, text in cues]
    return f"{state}.{hashlib.sha256(json.dumps(record).encode()).hexdigest()[:32]}"


def listed(state: str) -> str:
    """The variant naming the cues a piece starting from ``state`` speaks."""
    return f"{state}{LISTED}"


def serving(store, key: str, state: str, speech) -> str | None:
    """The variant of ``key`` to serve for ``state`` in ``speech``'s voice (None: no list of its cues kept)."""
    if speech is None:
        return state
    entry = store.get(key, listed(state))
    if entry is None:
        return None
    return variant(state, [tuple(pair) for pair in entry.facts.get("cues", ())], speech)


def remember(store, key: str, state: str, files: dict, facts: dict, cues, speech) -> None:
    """Remember a piece starting from ``state`` under its timed variant (and, voiced, the list of its cues)."""
    if speech is not None:
        store.put(key, {}, {"cues": [list(pair) for pair in cues]}, variant=listed(state))
    store.put(key, files, facts, variant=variant(state, cues, speech))


def states(store, key: str, speech) -> set[str]:
    """The states ``key`` is remembered for, in ``speech``'s timing."""
    found = store.variants(key)
    if speech is None:
        return {v for v in found if "." not in v}
    starts = {v.removesuffix(LISTED) for v in found if v.endswith(LISTED)}
    return {s for s in starts if serving(store, key, s, speech) in found}


def cues_kept(store, keys) -> set[tuple[str, str]]:
    """Every (cue id, text) listed for any state of ``keys``: the takes a run may need before it films."""
    found = set()
    for key in keys:
        for name in store.variants(key):
            if name.endswith(LISTED):
                entry = store.get(key, name)
                found.update(tuple(pair) for pair in (entry.facts.get("cues", ()) if entry else ()))
    return found
