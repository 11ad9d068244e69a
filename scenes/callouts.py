"""Long sums typeset over several lines, so worked examples stay legible for d or T up to 16."""

from __future__ import annotations

from manim import DOWN, LEFT, VGroup

from scenes.theme import Theme


def wrapped_sum(
    theme: Theme, head: str, terms: list[str], tail: str, per_line: int, font_size: float | None = None
) -> VGroup:
    """``head terms[0] + terms[1] + ... tail``, ``per_line`` terms to a line, lines left-aligned."""
    chunks = [" + ".join(terms[k : k + per_line]) for k in range(0, len(terms), per_line)]
    lines = [chunk + (" +" if n < len(chunks) - 1 else "") for n, chunk in enumerate(chunks)]
    lines[0] = head + lines[0]
    lines[-1] += tail
    return VGroup(*[theme.math(line, font_size=font_size or theme.size.body) for line in lines]).arrange(
        DOWN, aligned_edge=LEFT, buff=0.12
    )
