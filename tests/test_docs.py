"""Every example (``>>>``) in the project's docstrings runs and shows what it says.

The modules are found, not listed: every module of attention/, scenes/ and rendering/ whose source holds an
example, so a new one is run as soon as it is written.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("attention", "scenes", "rendering")


def modules_with_examples() -> list[str]:
    """The dotted names of the project's modules whose source holds a ``>>>`` example."""
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if ">>>" in path.read_text(encoding="utf-8"):
                parts = path.relative_to(ROOT).with_suffix("").parts
                names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = modules_with_examples()


def test_examples_are_found():
    assert {"attention.request", "scenes.kit.matrix_grid", "rendering.option"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    examples = sum(len(test.examples) for test in doctest.DocTestFinder().find(module))
    assert examples > 0, f"{name} has '>>>' in its source but no example doctest finds"
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # an example marked +SKIP is not attempted
    assert result.failed == 0, f"{name}: {result.failed} example(s) failed"
