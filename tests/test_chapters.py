"""A movie of parts tells where its parts are (issue 26, items 3 and 4): chapters in the file, a chapter list a
video site accepts, and a transcript of its narration by chapter with what is drawn.

The default video (``full_video_low``: narrated, at -q l, with its section clips and manifest) is read back:
its chapters with PyAV, its clips' lengths from the clips themselves, its cues from a dry build of the scene (the
cue ids are places, not lengths: every take stands at one second), its subtitles from its .srt.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import av
import pytest
import srt

from rendering.parallel.join import probe_video
from rendering.timed_text.chapters import SHORTEST, Chapter, Story, chapter_list, chapters_of
from rendering.timed_text.transcript import Line, transcript_html
from rendering.voice.cues import OneSecondEach
from scenes.scene import Inputs
from scenes.video.full_video import FullVideo

STAMP = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d\d) (\S.*)$")  # "0:00 Title", "1:02:05 Title"
MILLISECOND = Fraction(1, 1000)


def seconds(line: str) -> int:
    hours, minutes, secs, _ = STAMP.fullmatch(line).groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)


@pytest.fixture(scope="module")
def video(full_video_low) -> Path:
    return full_video_low


@pytest.fixture(scope="module")
def chapters(video) -> list[dict]:
    """The chapters as a player reads them from the movie: (start, end in seconds, title)."""
    with av.open(str(video)) as container:
        found = container.chapters()
    return [
        {"start": c["start"] * c["time_base"], "end": c["end"] * c["time_base"], "title": c["metadata"]["title"]}
        for c in found
    ]


@pytest.fixture(scope="module")
def clips(video) -> list[tuple[str, Fraction, Fraction]]:
    """(section, start, end) of each --sections clip on the movie's timeline, from the clips' own frames."""
    records = json.loads((video.parent / "manifest.json").read_text())["files"]
    files = sorted(r["file"] for r in records if r["kind"] == "section" and r["scene"] == FullVideo.__name__)
    made, at = [], Fraction(0)
    for name in files:
        length = probe_video(video.parent / name).duration
        made.append((Path(name).stem.split("_", 1)[1], at, at + length))
        at += length
    return made


# ----- chapters --------------------------------------------------------------------------------------------------
def test_the_movies_chapters_are_its_parts_where_its_clips_start(video, chapters, clips):
    assert len(chapters) >= 3  # a video site lists chapters from three on
    starts = {section: start for section, start, _ in clips}
    for chapter, following in zip(chapters, [*chapters[1:], None], strict=True):
        spanned = [c for c in clips if chapter["start"] - MILLISECOND <= c[1] < chapter["end"] - MILLISECOND]
        assert spanned, chapter
        first = spanned[0][0]
        assert abs(chapter["start"] - starts[first]) <= MILLISECOND, (chapter, starts[first])  # mp4 keeps ms
        assert chapter["title"] in [FullVideo.part.section_title(section) for section, _, _ in spanned]
        if len(spanned) > 1:  # merged: only where a part is too short to stand alone
            assert min(end - start for _, start, end in spanned) < SHORTEST, chapter
        if following is not None:
            assert chapter["end"] == following["start"]
    assert chapters[0]["start"] == 0
    with av.open(str(video)) as container:  # mp4 keeps chapters as a text track, a "data" stream to a demuxer ...
        assert [stream.type for stream in container.streams] == ["video", "audio", "data"]
    assert abs(chapters[-1]["end"] - probe_video(video).duration) <= MILLISECOND  # ... which join.py leaves alone
    if len(chapters) == len(clips):  # none merged: one a clip, titled as its part in the catalog
        assert [c["title"] for c in chapters] == [s.owner.part.title for s in FullVideo.part.sections]
    record = next(r for r in json.loads((video.parent / "manifest.json").read_text())["files"] if r["kind"] == "video")
    assert [(c["title"], round(c["start"], 3)) for c in record["chapters"]] == [
        (c["title"], round(float(c["start"]), 3)) for c in chapters
    ]


def test_the_chapter_list_follows_the_video_sites_rules(video, chapters):
    lines = (video.parent / f"{FullVideo.__name__}.chapters.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(chapters)  # one line a chapter
    assert all(STAMP.fullmatch(line) for line in lines), lines
    assert lines[0].startswith("0:00 ")
    stamps = [seconds(line) for line in lines] + [int(probe_video(video).duration)]
    assert all(b - a >= SHORTEST for a, b in zip(stamps, stamps[1:], strict=False)), lines
    for line, chapter in zip(lines, chapters, strict=True):
        assert seconds(line) == int(chapter["start"])
        assert STAMP.fullmatch(line).group(4) == chapter["title"]


def test_a_short_part_is_merged_into_its_shorter_neighbour():
    story = Story("V", tuple((name, name.upper()) for name in "abcde"))
    starts = [("a", Fraction(0)), ("b", Fraction(30)), ("c", Fraction(62)), ("d", Fraction(65)), ("e", Fraction(90))]
    made = chapters_of(story, starts, Fraction(96))  # c is 3 s long, e 6 s
    # c (3 s) joins d (25 s), the shorter of its neighbours, and keeps d's title; then e (6 s) joins them
    assert [(c.start, c.end, c.title, c.sections) for c in made] == [
        (0, 30, "A", ("a",)),
        (30, 62, "B", ("b",)),
        (62, 96, "D", ("c", "d", "e")),
    ]
    assert chapter_list(made).splitlines() == ["0:00 A", "0:30 B", "1:02 D"]


def test_a_part_of_several_sections_is_one_chapter():
    """The lecture's parts play several sections each: one chapter a part, titled as the part, from its first
    section's start; the same part again later (not in a row) is a chapter of its own."""
    story = Story("V", (("a-1", "A"), ("a-2", "A"), ("b-1", "B"), ("a-3", "A")))
    starts = [("a-1", Fraction(0)), ("a-2", Fraction(20)), ("b-1", Fraction(41)), ("a-3", Fraction(70))]
    made = chapters_of(story, starts, Fraction(90))
    assert [(c.start, c.end, c.title, c.sections) for c in made] == [
        (0, 41, "A", ("a-1", "a-2")),
        (41, 70, "B", ("b-1",)),
        (70, 90, "A", ("a-3",)),
    ]


# ----- transcript ------------------------------------------------------------------------------------------------
class Page(HTMLParser):
    """What a browser would read of the transcript: elements open and closed, the language, the chapters'
    headings, each sentence said (its cue id and text) and each description of what is drawn."""

    VOID = {"meta", "br", "img", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.lang = [], [], None
        self.headings, self.said, self.drawn, self.tags = [], [], [], []
        self._into = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag not in self.VOID:
            self.stack.append(tag)
        if tag == "h2":
            self.headings.append("")
            self._into = self.headings
        elif tag == "p" and attrs.get("class") == "said":
            self.said.append([attrs.get("id"), ""])
            self._into = self.said
        elif tag == "p" and attrs.get("class") == "drawn":
            self.drawn.append("")
            self._into = self.drawn

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()
        if tag in ("h2", "p"):
            self._into = None

    def handle_data(self, data):
        if self._into is self.said:
            self.said[-1][1] += data
        elif self._into is not None:
            self._into[-1] += data


def read_page(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def test_the_transcript_holds_every_cue_once_in_order_by_chapter(video, chapters, play_scene):
    page = read_page((video.parent / f"{FullVideo.__name__}.transcript.html").read_text(encoding="utf-8"))
    assert page.problems == [] and page.stack == [] and page.lang == "en"
    listed = (video.parent / f"{FullVideo.__name__}.chapters.txt").read_text(encoding="utf-8").splitlines()
    assert [" ".join(h.split()) for h in page.headings] == listed  # a heading a chapter, as the list says
    # the cues as the scene speaks them, from a build of its own (every take one second: the ids are places)
    cues = play_scene(FullVideo, Inputs(speech=OneSecondEach())).log.cues
    assert [ident for ident, _ in page.said] == [f"cue-{cue}" for _, cue, _, _ in cues]
    # each sentence is its cue's subtitle whole: the .srt's pieces from its start to the next cue's, joined
    subtitles = list(srt.parse(video.with_suffix(".srt").read_text(encoding="utf-8")))
    words = " ".join(" ".join(s.content.split()) for s in subtitles).split()
    said = " ".join(text for _, text in page.said).split()
    assert said == words  # every subtitle's words once, in order, and nothing else said
    assert len(page.drawn) >= len(FullVideo.part.sections) - 1  # what is drawn: a figure's caption a part
    assert all(len(d.split()) >= 6 and d.strip().startswith("On screen:") for d in page.drawn), page.drawn
    text = (video.parent / f"{FullVideo.__name__}.transcript.txt").read_text(encoding="utf-8")
    assert " ".join(text.split()).count(" ".join(page.said[0][1].split())) == 1


HOSTILE = '</p><script>window.pwned=1</script><img src=x onerror=alert(1)> & "quoted" \'s <!--'


def test_the_html_transcript_escapes_a_hostile_sentence():
    chapter = Chapter(Fraction(0), Fraction(20), HOSTILE, ("a",))
    lines = [Line(Fraction(1), HOSTILE, f"a.00{HOSTILE}", section="a"), Line(Fraction(2), HOSTILE, drawn=True)]
    page = read_page(transcript_html(Story(HOSTILE, (("a", HOSTILE),)), HOSTILE, [chapter], lines))
    assert page.problems == [] and page.stack == []
    assert "script" not in page.tags and "img" not in page.tags
    assert page.said == [[f"cue-a.00{HOSTILE}", HOSTILE]]
    assert page.headings == [f"0:00 {HOSTILE}"] and page.drawn == [f"On screen: {HOSTILE}"]
