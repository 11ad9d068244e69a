"""One way every patch of this folder replaces a Manim function by a wrapper of it, once.

Each patch names its own marker, so that two patches of one function (damaged_cache and shared_tex both wrap
``tex_to_svg_file``) stack, and installing a patch twice wraps nothing again.
"""

from __future__ import annotations

import functools


def wrap_once(owner, name: str, make, marker: str) -> None:
    """Replace ``owner.name`` by ``make(original)``, unless a wrapper marked ``marker`` is there already.

    Examples
    --------
    >>> import types
    >>> owner = types.SimpleNamespace(twice=lambda x: 2 * x)
    >>> wrap_once(owner, "twice", lambda original: lambda x: original(x) + 1, "_example")
    >>> wrap_once(owner, "twice", lambda original: lambda x: original(x) + 1, "_example")
    >>> owner.twice(5)
    11
    """
    original = getattr(owner, name)
    if getattr(original, marker, False):
        return
    patched = functools.wraps(original)(make(original))
    setattr(patched, marker, True)
    setattr(owner, name, patched)
