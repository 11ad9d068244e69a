"""Where the cache folder is, whether it can be used (a probe file is written and removed), and whether it is ours.

``ATTENTION_CACHE``, else ``$XDG_CACHE_HOME/self-attention-animated`` (``~/.cache/...``). A cache folder of ours
holds a marker file (``ownership``) written when it is made; a folder without one is taken as a cache only if it
is empty or every entry in it is in the cache's layout (``layout``: a cache an earlier version made), and then
marked, once, with one line saying so.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rendering.cache.layout import strangers
from rendering.ownership import CACHE, MARK, has_mark, write_mark

CONFIGURED = Path(
    os.environ.get("ATTENTION_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "self-attention-animated"
).expanduser()


def unusable(folder: Path) -> str | None:
    """Why ``folder`` cannot hold the cache (made if missing), or None if it can."""
    if folder.exists() and not folder.is_dir():
        return "it is a file, not a folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = os.open(folder / f".probe-{os.getpid()}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(probe)
        os.unlink(folder / f".probe-{os.getpid()}")  # made by the line above (O_EXCL): never a file of someone else
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def refusal(folder: Path) -> str | None:
    """Why the usable folder ``folder`` is not taken as our cache (one line), or None once it is ours: it has our
    marker, or it is empty or an earlier version's cache and is marked now (the latter said in one line)."""
    if has_mark(folder, CACHE):
        return None
    try:
        foreign = strangers(folder)
        if foreign:
            more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
            return (
                f"the cache folder {folder} holds files that are not a cache's ({foreign[0]}{more}) and no {MARK} "
                f"marker, so it is not used; set ATTENTION_CACHE to an empty or new folder"
            )
        earlier = any(folder.iterdir())
        write_mark(folder, CACHE)
    except FileExistsError:  # a concurrent run marked it a moment ago, or a file of that name is not our marker
        return None if has_mark(folder, CACHE) else f"the cache folder {folder} holds a {MARK} that is not our marker"
    except OSError as exc:
        return f"the cache folder {folder} cannot be checked ({exc.strerror or exc})"
    if earlier:
        print(
            f"render.py: adopted the cache folder {folder}, made by an earlier version (every entry in it is in the "
            f"cache's layout); marked it as ours",
            file=sys.stderr,
            flush=True,
        )
    return None
