"""A narrated piece is served by its takes' lengths, not by its voice (rendering/cache/timing.py): another voice
whose takes last as long is served the same clip, a voice whose take of one cue is longer films again only the
section that speaks it, a silent run never sees a narrated piece, and the takes a run will be checked against
are made ahead of filming. Lengths are read from the speech cache, never by decoding a take."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pytest

from rendering.cache import timing
from rendering.cache.store import Store
from rendering.voice import ahead, cache


@dataclass
class Lengths:
    """A stand-in for a voice's takes: each cue lasts what ``lengths`` says (1 s if unsaid)."""

    lengths: dict

    def length(self, cue: str, text: str) -> Fraction:
        return Fraction(self.lengths.get(cue, 1))


CUES = {  # section -> the cues it speaks (start µs, id, text, section)
    "one": [(0, "part-one.00", "Q times K transposed.", "one"), (2_000_000, "part-one.01", "Scaled.", "one")],
    "two": [(5_000_000, "part-two.00", "The softmax.", "two")],
}


@pytest.fixture
def kept(tmp_path):
    """Each section remembered (its clip, from state "start") as a voice of 1 s takes filmed it."""
    store, clip = Store(tmp_path / "outputs"), tmp_path / "clip.mp4"
    filmed = Lengths({})
    for section, cues in CUES.items():
        clip.write_bytes(f"the frames of {section}".encode())
        spoken = timing.spoken_in(cues, section)
        timing.remember(store, f"key-{section}", "start", {"clip": clip}, {"cues": cues}, spoken, filmed)
    return store


def served(store: Store, section: str, speech) -> bytes | None:
    """The clip the cache serves for ``section`` in ``speech``'s timing (None: filmed again)."""
    variant = timing.serving(store, f"key-{section}", "start", speech)
    entry = variant and store.get(f"key-{section}", variant)
    files = entry and store.restore(entry, store.root.parent / "served", {"clip": f"{section}.mp4"})
    return files and files["clip"].read_bytes()


def test_a_voice_whose_takes_last_as_long_is_served_the_same_clips(kept):
    for section in CUES:
        assert served(kept, section, Lengths({})) == f"the frames of {section}".encode()
        assert timing.states(kept, f"key-{section}", Lengths({})) == {"start"}


def test_a_longer_take_films_again_only_the_section_that_speaks_it(kept):
    longer = Lengths({"part-one.01": Fraction(3, 2)})
    assert served(kept, "one", longer) is None
    assert timing.states(kept, "key-one", longer) == set()
    assert served(kept, "two", longer) == b"the frames of two"


def test_a_silent_run_is_served_no_narrated_piece(kept):
    assert served(kept, "one", None) is None
    assert timing.states(kept, "key-one", None) == set()


def test_the_cues_a_run_is_checked_against_are_listed_and_made_ahead(kept, tmp_path, monkeypatch):
    listed = timing.cues_kept(kept, ["key-one", "key-two"])
    assert listed == {(cue, text) for cues in CUES.values() for _, cue, text, _ in cues}
    monkeypatch.setattr(cache, "folder", lambda: tmp_path / "speech")

    @dataclass(frozen=True)
    class Voice:
        identity: str = "a voice"

    cache.keep_length("a voice", "part-two.00", "The softmax.", Fraction(1))
    assert ahead.missing(Voice(), listed) == sorted(listed - {("part-two.00", "The softmax.")})
