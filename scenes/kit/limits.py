"""What the scenes can draw at all, without Manim: the command line, the explorer and the layout share these.

Examples
--------
>>> MIN_TOKENS <= 11 <= MAX_TOKENS, FOLD_ABOVE
(True, 16)
"""

MAX_TOKENS = 16
MIN_TOKENS = 2
MIN_WIDTH, MAX_WIDTH = 2, 8
FOLD_ABOVE = MAX_TOKENS  # a dimension longer than the most tokens drawn is folded (A and the scores never are)
