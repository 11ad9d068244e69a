"""Text on screen: token labels and the notation, in any script the fonts cover.

What belongs here: labels shortened between whole characters (``labels``, ``graphemes``), right-to-left and
fallback-font handling (``scripts``), what is said for what is written (``pronunciation``), which characters
the installed outline fonts draw (``coverage``), marks seated on the baseline (``baseline``), digits composed
from typeset glyphs (``numerals``) and the video's LaTeX notation (``notation``).
"""
