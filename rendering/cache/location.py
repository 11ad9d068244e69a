"""Where the cache folder is, and whether it can be used (a probe file is written and removed).

``ATTENTION_CACHE``, else ``$XDG_CACHE_HOME/self-attention-animated`` (``~/.cache/...``).
"""

from __future__ import annotations

import os
from pathlib import Path

CONFIGURED = Path(
    os.environ.get("ATTENTION_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "self-attention-animated"
).expanduser()


def unusable(folder: Path) -> str | None:
    """Why ``folder`` cannot hold the cache (made if missing), or None if it can."""
    if folder.exists() and not folder.is_dir():
        return "it is a file, not a folder"
    probe = folder / f".probe-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"probe")
        probe.unlink()
    except OSError as exc:
        return exc.strerror or str(exc)
    return None
