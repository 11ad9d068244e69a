"""A narrated movie's transcript, the media alternative of WCAG 1.2.3: its narration by chapter, each sentence
once and in order, with what is drawn at each step, as plain text and as an HTML page.

What belongs here: the transcript's lines from what the movie itself was made of (each cue's subtitle as Manim
held it, before the timed-text rules cut it into pieces, with its cue id when a voice spoke it, and each figure
the scenes marked, whose caption is one sentence saying what is on screen: the figures' alt text), grouped by
the movie's chapters (chapters.py), and the two files. Every text reaches the page escaped
(rendering/html_safety.py): a sentence or a token is text, never markup.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from rendering.html_safety import html_text
from rendering.timed_text.chapters import Chapter, Story

NEAR = Fraction(2, 1000)  # seconds: a cue and its subtitle start together (a .srt keeps milliseconds)
WIDTH = 88  # characters a line of the plain-text transcript holds at most
STYLE = (
    "body{font:1.05rem/1.55 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}"
    "h2{margin-top:2rem;font-size:1.25rem}.time{font-variant-numeric:tabular-nums;color:#555;margin-right:.5em}"
    ".drawn{border-left:4px solid #8a8a8a;padding-left:.75rem;color:#333;font-style:italic}"
)


SUBSCRIPT = str.maketrans("0123456789ijkv", "₀₁₂₃₄₅₆₇₈₉ᵢⱼₖᵥ")  # as the subtitles write xᵢ, dₖ


def readable(caption: str) -> str:
    """A figure's caption (its alt text, math in ASCII) as the subtitles write math: ``K^T`` as Kᵀ, ``q_1`` as
    q₁, a size "5 × 5" held on one line.

    >>> readable("Q (11 × 5) times K^T gives QK^T; q_1 = x_1 W^q, d_k = 5")
    'Q (11\xa0×\xa05) times Kᵀ gives QKᵀ; q₁ = x₁ W^q, dₖ = 5'
    """
    caption = re.sub(r"\^T\b", "ᵀ", caption)
    caption = re.sub(r"(?<=[A-Za-z])_([0-9ijkv])\b", lambda m: m.group(1).translate(SUBSCRIPT), caption)
    return caption.replace(" × ", "\u00a0×\u00a0")


@dataclass(frozen=True)
class Line:
    """One line of the transcript: where it starts in the movie, its text, and what it is: a sentence said
    (``cue``: its cue id, None in a silent movie) or a description of what is drawn (``drawn``). ``section``:
    the section it belongs to, where known (else its time says which chapter holds it)."""

    start: Fraction
    text: str
    cue: str | None = None
    drawn: bool = False
    section: str | None = None


def lines_of(subtitles: Sequence, cues: Sequence = (), drawn: Sequence = ()) -> list[Line]:
    """The transcript's lines, in time order, a figure's description before a sentence said at the same time.

    ``subtitles``: one ``srt.Subtitle`` a narrated sentence, on the movie's timeline; ``cues``: the voice's cues,
    each (start, cue id, section), none if silent; ``drawn``: each figure marked, (start, caption, section).

    >>> import datetime, srt
    >>> said = [srt.Subtitle(1, datetime.timedelta(seconds=2), datetime.timedelta(seconds=4), "Q times K.")]
    >>> [(line.text, line.cue) for line in lines_of(said, [(Fraction(2), "step1.00", "step1")])]
    [('Q times K.', 'step1.00')]
    """
    lines = [Line(Fraction(at), readable(" ".join(text.split())), drawn=True, section=part) for at, text, part in drawn]
    for subtitle in subtitles:
        start = Fraction(subtitle.start.total_seconds()).limit_denominator(1_000_000)
        cue = min(cues, key=lambda c: abs(Fraction(c[0]) - start), default=None)
        if cue is not None and abs(Fraction(cue[0]) - start) > NEAR:
            cue = None
        text = " ".join(subtitle.content.split())  # a subtitle's line breaks are the screen's, not the text's
        lines.append(Line(start, text, cue and cue[1], section=cue and cue[2]))
    return sorted(lines, key=lambda line: (line.start, not line.drawn))


def by_chapter(chapters: Sequence[Chapter], lines: Sequence[Line]) -> list[tuple[Chapter, list[Line]]]:
    """Each chapter with its lines: a line goes to the chapter of its section, or else to the one it starts in."""
    grouped: list[tuple[Chapter, list[Line]]] = [(chapter, []) for chapter in chapters]
    for line in lines:
        home = next((k for k, c in enumerate(chapters) if line.section in c.sections), None)
        if home is None:
            home = max([0, *(k for k, c in enumerate(chapters) if c.start <= line.start + NEAR)])
        grouped[home][1].append(line)
    return grouped


def _shown(line: Line) -> str:
    return f"On screen: {line.text}" if line.drawn else line.text


def transcript_text(story: Story, movie: str, chapters: Sequence[Chapter], lines: Sequence[Line]) -> str:
    """The plain-text transcript: the title, then each chapter's time and title and its lines, wrapped."""
    out = [story.title, f"Transcript of {movie}: the narration by chapter, with what is drawn on screen.", ""]
    for chapter, held in by_chapter(chapters, lines):
        out += [f"{chapter.stamp} {chapter.title}", ""]
        for line in held:
            indent = "    " if line.drawn else "  "
            out += [*textwrap.wrap(_shown(line), WIDTH, initial_indent=indent, subsequent_indent=indent), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def transcript_html(story: Story, movie: str, chapters: Sequence[Chapter], lines: Sequence[Line]) -> str:
    """The transcript as one HTML page (lang, a heading a chapter, no script, nothing fetched), every text escaped.

    >>> page = transcript_html(Story("<b>", ()), "v.mp4", [Chapter(Fraction(0), Fraction(20), "A & B", ("a",))],
    ...                        [Line(Fraction(1), "x < y </p>", "a.00", section="a")])
    >>> "<b>" in page, "x &lt; y &lt;/p&gt;" in page, '<html lang="en">' in page
    (False, True, True)
    """
    title = html_text(story.title)
    about = f"Transcript of {html_text(movie)}: the narration by chapter, with what is drawn on screen."
    body = [f"<h1>{title}</h1>", f"<p>{about}</p>"]
    for n, (chapter, held) in enumerate(by_chapter(chapters, lines), start=1):
        heading = f'<span class="time">{html_text(chapter.stamp)}</span> {html_text(chapter.title)}'
        body += [f'<section aria-labelledby="chapter-{n}">', f'<h2 id="chapter-{n}">{heading}</h2>']
        for line in held:
            at = f' data-start="{float(line.start):.3f}"'
            if line.drawn:
                body.append(f'<p class="drawn"{at}><strong>On screen:</strong> {html_text(line.text)}</p>')
            else:
                ident = f' id="cue-{html_text(line.cue)}"' if line.cue else ""
                body.append(f'<p class="said"{ident}{at}>{html_text(line.text)}</p>')
        body.append("</section>")
    head = '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
    head += f"<title>{title}: transcript</title><style>{STYLE}</style>"
    page = "\n".join(["<!DOCTYPE html>", '<html lang="en">', f"<head>{head}</head>", "<body><main>", *body])
    return page + "\n</main></body>\n</html>\n"


def write_transcripts(folder: Path, scene: str, movie: str, story: Story, chapters, lines) -> tuple[Path, Path]:
    """``<scene>.transcript.txt`` and ``<scene>.transcript.html`` in ``folder`` (made for the run's work
    folder: the exporter moves them beside the movie)."""
    folder.mkdir(parents=True, exist_ok=True)
    text, page = folder / f"{scene}.transcript.txt", folder / f"{scene}.transcript.html"
    text.write_text(transcript_text(story, movie, chapters, lines), encoding="utf-8")
    page.write_text(transcript_html(story, movie, chapters, lines), encoding="utf-8")
    return text, page
