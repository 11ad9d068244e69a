"""What every figure caption is made of: sizes, rounded numbers, and the inputs in a few words.

Each scene writes its own figures' captions (one sentence each, built from the request and the trace it shows:
the alt text an author pastes) beside its code, from these pieces. Numbers are the core's, rounded by
``attention.display_text`` like everything on screen.
"""

from __future__ import annotations

import attention

TIMES = "\u00d7"


def size(rows: int, cols: int) -> str:
    return f"{rows} {TIMES} {cols}"


def number(value: float, decimals: int = 2) -> str:
    return attention.display_text(value, decimals)


def of(request: attention.Request) -> str:
    return f"for {request.describe()}"
