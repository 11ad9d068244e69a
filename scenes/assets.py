"""Where the project's assets are: the palettes, the LaTeX preamble and the page files of the deck and the explorer.

They live in ``assets/`` at the top of the repository (beside ``scenes/``, ``rendering/`` and ``tests/``). The
wheel carries that folder inside this package, as ``scenes/_assets`` (a package-dir mapping in pyproject.toml:
never a top-level ``assets`` in site-packages, which another project could own). Both are found the same way,
through this package with ``importlib.resources``: its ``_assets`` when installed, else the checkout's
``assets/`` beside it. Every reader takes its folder from ``ASSETS``. No Manim import: the explorer reads the
palettes too.

Examples
--------
>>> sorted(path.name for path in ASSETS.iterdir())
['deck', 'explore', 'latex', 'palettes']
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DRAWN = ("palettes", "latex")  # what the scenes read; deck/ and explore/ are pages around the renders


def _folder() -> Path:
    package = Path(str(resources.files(__package__))).resolve()
    installed = package / "_assets"  # where pyproject.toml puts assets/ in the wheel
    if installed.is_dir():
        return installed
    checkout = package.parent / "assets"
    if not checkout.is_dir():
        raise FileNotFoundError(f"the project's assets are missing: neither {installed} nor {checkout} exists")
    return checkout


ASSETS = _folder()
