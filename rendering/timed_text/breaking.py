"""A cue's text broken into subtitles of at most two lines of at most 42 characters, at phrase boundaries.

Pure text. The text is cut into atoms (a word with its trailing space; in scripts written without spaces, a
character with the punctuation that clings to it), and every place between two atoms is priced: after a full
stop nothing, after a comma, semicolon, colon or dash little, before a conjunction or a preposition more, after
an article or a preposition much more, and inside a formula's run of tokens (``T × d``, ``R = A V``) almost
never (only when the formula alone is longer than a line). A dynamic programme then picks the cheapest
subtitles: as few as the text allows (or as asked), of even lengths, each cut into its two lines where it costs
least and the lines are balanced. ``textwrap`` cannot price phrase boundaries, so it is only the fallback.

Examples
--------
>>> subtitles("Step 1: multiply the queries Q by the transposed keys Kᵀ, and Q is T × d, Kᵀ is d × T.")
[('Step 1: multiply the queries Q', 'by the transposed keys Kᵀ,'), ('and Q is T × d, Kᵀ is d × T.',)]
"""

from __future__ import annotations

import re
import textwrap
import unicodedata

from rendering.timed_text.rules import LINE, LINES, width

CONJUNCTIONS = frozenset(
    "and or but so because while whereas which that who whose where when then if than nor yet since until unless "
    "although though whether".split()
)
PREPOSITIONS = frozenset(
    "of in on at by for with from to into onto over under between through across per as after before without "
    "within along against about among around up down out off like via".split()
)
# words a line should not end with: the phrase they open is on the next line
OPENERS = frozenset("the a an its their his her our your my this these those each every no".split()) | PREPOSITIONS
OPERATORS = frozenset("×·=+−-/→←↦≤≥<>≈∼~^*∗⊙∘∈")
ENDS = ".!?…。！？"  # a sentence ends after these
PAUSES = ",;:—–、，；："  # a phrase ends after these
CLOSING = "\"'”’»)]}」』）》〉】"  # may follow a sentence's end
CLINGS_BEFORE = "、，；：。！？）」』》〉】.,;:!?%…"  # punctuation that never starts a line
CLINGS_AFTER = "（「『《〈【"  # ... nor ends one

GLUED = 1000.0  # a break inside a formula: only when the formula alone overflows a line
TORN = 500.0  # a break inside a word longer than a line
SUBTITLE = 12.0  # the price of one more subtitle: few, but one more rather than a cut inside a phrase
SHORT_GROUP = 16  # characters of a bracketed group, such as "(1, 5)", kept on one line
SHORT_LINE = 12  # characters under which a line beside a long one looks stranded
BOUNDARY = 3.0  # a boundary between two subtitles weighs this many line breaks (the reader waits there)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF" and unicodedata.category(char).startswith(("L", "P", "S"))


def _bare(token: str) -> str:
    return token.strip().strip(CLOSING + PAUSES + ENDS + "(")


def _operator(token: str) -> bool:
    bare = token.strip().rstrip(PAUSES + ENDS)
    return bool(bare) and all(c in OPERATORS or unicodedata.category(c) == "Sm" for c in bare)


def _math_mark(char: str) -> bool:
    name = unicodedata.name(char, "")
    return "SUBSCRIPT" in name or "SUPERSCRIPT" in name or "MODIFIER LETTER" in name or char in "√∞ᵀ"


def _operand(token: str) -> bool:
    """A single-letter variable (``T``, ``xᵢ``, ``Kᵀ``) or a token carrying math marks (``QKᵀ/√dₖ``, ``−∞``)."""
    bare = token.strip()
    if not bare or bare[-1] in PAUSES + ENDS:  # "Q," ends a phrase
        return False
    core = "".join(c for c in bare if not _math_mark(c))
    return any(_math_mark(c) for c in bare) or (len(core) == 1 and core.isalpha()) or _operator(bare)


def _split_wide(word: str) -> list[str]:
    """A word of a script written without spaces, cut between its characters; punctuation clings to its side."""
    atoms: list[str] = []
    for char in word:
        attach = atoms and (
            char in CLINGS_BEFORE
            or char.isspace()
            or unicodedata.combining(char)
            or atoms[-1][-1] in CLINGS_AFTER
            or not (_wide(char) or _wide(atoms[-1][-1]))  # a Latin run inside CJK text stays whole
        )
        if attach:
            atoms[-1] += char
        else:
            atoms.append(char)
    return atoms


def _torn(atom: str) -> list[str]:
    """An atom wider than a line, cut into pieces that fit (never before a combining mark)."""
    pieces, current = [], ""
    for char in atom:
        if current and width(current.rstrip() + char) > LINE and not unicodedata.combining(char):
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def atoms(text: str) -> tuple[list[str], list[float]]:
    """The atoms of ``text`` (whitespace folded to single spaces) and the price of a break after each one
    (the last one's is 0: the text ends there)."""
    words = re.findall(r"\S+\s*", " ".join(text.split()))
    found: list[str] = []
    prices: list[float] = []
    for word in words:
        pieces = _split_wide(word) if any(_wide(c) for c in word) else [word]
        for piece in pieces:
            torn = _torn(piece) if width(piece.rstrip()) > LINE else [piece]
            found.extend(torn)
            prices.extend([TORN] * (len(torn) - 1) + [0.0])
    for n in range(len(found) - 1):
        if prices[n] == 0.0:
            first = n == 0 or found[n - 1].rstrip().rstrip(CLOSING)[-1:] in ENDS
            prices[n] = price(found[n], found[n + 1], first)
            if prices[n] < 8.0 and _in_list(found, n):
                prices[n] = 8.0 if found[n].rstrip().endswith(",") else 12.0
            elif prices[n] == 8.0 and _ends_list(found, n):  # "Queries, keys and values | come in"
                prices[n] = 3.0
            elif prices[n] == 8.0 and n >= 1 and _bare(found[n - 1]).lower() in ("the", "a", "an"):
                prices[n] = 10.0  # "the row | maximum": inside a noun phrase
    for first, last in _short_groups(found):  # "(1, 5)", "(i, j)": read as one
        for n in range(first, last):
            prices[n] = max(prices[n], GLUED)
    return found, prices


def _in_list(found: list[str], n: int) -> bool:
    """Whether a break after atom n falls inside a short list ("Queries, | keys and values", "Q, K | and V"):
    after a comma that one word before "and"/"or" follows, or before an "and"/"or" that follows such a comma."""
    joins = ("and", "or")
    if found[n].rstrip().endswith(",") and n + 2 < len(found):
        return _bare(found[n + 2]).lower() in joins and "," not in found[n + 1]
    return n >= 1 and _bare(found[n + 1]).lower() in joins and found[n - 1].rstrip().endswith(",")


def _ends_list(found: list[str], n: int) -> bool:
    """Whether atom n is a short list's last item ("Queries, keys and values", "Q, K and V")."""
    joins = ("and", "or")
    return n >= 3 and _bare(found[n - 1]).lower() in joins and found[n - 3].rstrip().endswith(",")


def _short_groups(found: list[str]) -> list[tuple[int, int]]:
    """(first, last atom) of each bracketed group short enough to stay on one line."""
    groups, opened = [], None
    for n, atom in enumerate(found):
        if opened is None and atom.lstrip()[:1] in "([{":
            opened = n
        if opened is not None and atom.rstrip().rstrip(PAUSES + ENDS)[-1:] in ")]}":
            if width("".join(found[opened : n + 1]).strip()) <= SHORT_GROUP:
                groups.append((opened, n))
            opened = None
    return groups


def price(before: str, after: str, first: bool = False) -> float:
    """What a line break between two atoms costs: low at a phrase boundary, prohibitive inside a formula.
    ``first``: ``before`` opens a sentence (there "A" is an article; elsewhere a matrix)."""
    spaced = before[-1:].isspace()
    if _operator(before) or _operator(after) or (spaced and _operand(before) and _operand(after)):
        return GLUED
    tail = before.rstrip().rstrip(CLOSING)
    if tail[-1:] in ENDS:
        return 0.0
    if tail[-1:] in PAUSES or _bare(before) in ("—", "–"):
        return 2.0
    if not spaced:  # between two characters of a script without spaces
        return 6.0
    word, following = _bare(before).lower(), _bare(after).lower()
    if word in OPENERS and (first or _bare(before) != "A"):
        return 25.0
    if following in CONJUNCTIONS:
        return 4.0
    if following in PREPOSITIONS:
        return 5.0
    if following[:1].isdigit():  # "step | 4"
        return 10.0
    return 8.0


class _Text:
    """The atoms of one text with their widths, and the cheapest way to set any run of them as a subtitle."""

    def __init__(self, text: str):
        self.atoms, self.prices = atoms(text)
        self.ends = [0]
        for atom in self.atoms:
            self.ends.append(self.ends[-1] + width(atom))
        self.trailing = [width(atom) - width(atom.rstrip()) for atom in self.atoms]
        self.settings: dict[tuple[int, int], tuple[float, tuple[int, ...]] | None] = {}

    def width(self, i: int, j: int) -> int:
        """The width of atoms i..j-1 set on one line (without the last one's trailing space)."""
        return self.ends[j] - self.ends[i] - self.trailing[j - 1]

    def line(self, i: int, j: int) -> str:
        return "".join(self.atoms[i:j]).strip()

    def setting(self, i: int, j: int) -> tuple[float, tuple[int, ...]] | None:
        """(cost, where its lines break) of atoms i..j-1 as one subtitle, or None if they do not fit."""
        if (i, j) not in self.settings:
            self.settings[(i, j)] = self._setting(i, j)
        return self.settings[(i, j)]

    def _setting(self, i: int, j: int) -> tuple[float, tuple[int, ...]] | None:
        if self.width(i, j) <= LINE:
            return 0.0, ()
        if LINES < 2:
            return None
        best = None
        for k in range(i + 1, j):
            top, bottom = self.width(i, k), self.width(k, j)
            if top > LINE or bottom > LINE:
                continue
            # balanced lines read best, a line of a word or two beside a long one worst ("Queries," alone); a
            # top line longer than the bottom one a little worse than the reverse
            cost = self.prices[k - 1] + 4.0 * abs(top - bottom) / LINE + (1.0 if top > bottom else 0.0)
            cost += 16.0 * max(0, SHORT_LINE - min(top, bottom)) / SHORT_LINE
            if best is None or cost < best[0]:
                best = (cost, (k,))
        return best

    def lines(self, i: int, j: int, cuts: tuple[int, ...]) -> tuple[str, ...]:
        edges = [i, *cuts, j]
        return tuple(self.line(a, b) for a, b in zip(edges, edges[1:], strict=False))


def _cheapest(found: _Text, count: int) -> tuple[float, list[tuple[int, tuple[int, ...]]]] | None:
    """The cheapest setting of all of ``found``'s atoms as exactly ``count`` subtitles: (cost, [(first atom,
    line cuts) of each]), or None if they cannot be set so."""
    n, total = len(found.atoms), found.ends[-1]
    target = total / count
    # table[p][j]: (cost, where the last subtitle starts, its line cuts) of atoms 0..j-1 set as p subtitles
    table: list[dict[int, tuple[float, int, tuple[int, ...]]]] = [{0: (0.0, -1, ())}]
    for _ in range(count):
        row: dict[int, tuple[float, int, tuple[int, ...]]] = {}
        for i, (so_far, _, _) in table[-1].items():
            for j in range(i + 1, n + 1):
                if found.ends[j] - found.ends[i] > LINES * (LINE + 1):
                    break  # wider than a subtitle holds
                setting = found.setting(i, j)
                if setting is None:
                    continue
                cost = so_far + setting[0] + SUBTITLE + 4.0 * ((found.width(i, j) - target) / target) ** 2
                if i:
                    cost += BOUNDARY * found.prices[i - 1]
                if j not in row or cost < row[j][0]:
                    row[j] = (cost, i, setting[1])
        table.append(row)
    if n not in table[-1]:
        return None
    pieces, j = [], n
    for row in reversed(table[1:]):
        _, i, cuts = row[j]
        pieces.append((i, cuts))
        j = i
    return table[-1][n][0], list(reversed(pieces))


def subtitles(text: str, at_least: int = 1) -> list[tuple[str, ...]]:
    """``text`` as consecutive subtitles, each a tuple of at most two lines of at most 42 characters.

    ``at_least``: split into at least this many subtitles (a long take needs more than one), as far as the
    text has atoms. Empty text gives no subtitle.

    Examples
    --------
    >>> subtitles("Then R = A V, as in step 4.", at_least=2)
    [('Then R = A V,',), ('as in step 4.',)]
    """
    found = _Text(text)
    n = len(found.atoms)
    if not n:
        return []
    total = found.ends[-1]
    fewest = min(n, max(1, at_least, -(-total // (LINES * (LINE + 1)))))
    best: tuple[float, list[tuple[int, tuple[int, ...]]]] | None = None
    for count in range(fewest, n + 1):
        if best is not None and count > fewest + 4:
            break  # many more subtitles than the fewest only cost more
        setting = _cheapest(found, count)
        if setting is not None and (best is None or setting[0] < best[0]):
            best = setting
    if best is None:  # cannot happen once every atom fits a line; kept so that no text is ever lost
        wrapped = textwrap.wrap(text, LINE, break_long_words=True)
        return [tuple(wrapped[k : k + LINES]) for k in range(0, len(wrapped), LINES)]
    starts = [i for i, _ in best[1]] + [n]
    return [found.lines(i, j, cuts) for (i, cuts), j in zip(best[1], starts[1:], strict=True)]
