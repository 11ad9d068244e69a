"""A still job's figures as the output cache keeps them: their files by file name and the facts to rebuild them.

What belongs here: the two directions of that record (``stills_for_cache``, ``stills_from_cache``), so the cache
of renders (rendering/renders.py) stores and serves figures without knowing a ``Still``'s fields.
"""

from __future__ import annotations

from pathlib import Path

from rendering.spec import Still, Stills


def stills_for_cache(stills: Stills) -> tuple[dict[str, Path], dict]:
    """A still job's files (by their file names) and facts (names, captions, sizes, or the error) to remember."""
    files = {path.name: path for still in stills.figures for path in still.files.values()}
    facts = {
        "error": stills.error,
        "figures": [
            {
                "name": s.name,
                "caption": s.caption,
                "size": list(s.size),
                "units": list(s.units),
                "files": {k: p.name for k, p in s.files.items()},
            }
            for s in stills.figures
        ],
    }
    return files, facts


def stills_from_cache(facts: dict, files: dict[str, Path]) -> Stills:
    """The figures ``stills_for_cache`` recorded, their files found by name in ``files``."""
    figures = tuple(
        Still(
            f["name"],
            f["caption"],
            {kind: files[name] for kind, name in f["files"].items()},
            tuple(f["size"]),
            tuple(f["units"]),
        )
        for f in facts["figures"]
    )
    return Stills(figures, facts.get("error"))
