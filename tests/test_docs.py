"""The examples in the public building blocks' docstrings run and show what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "attention.request",
    "attention.trace",
    "attention.validation",
    "rendering.option",
    "rendering.html_safety",
    "rendering.file_names",
    "rendering.exporters.base",
    "scenes.assets",
    "scenes.kit.shading",
    "scenes.kit.palette",
    "scenes.kit.text.graphemes",
    "scenes.kit.text.labels",
    "scenes.kit.text.scripts",
    "scenes.kit.text.coverage",
    "scenes.kit.matrix_grid",
    "scenes.scene",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no example"
    assert result.failed == 0, f"{name}: {result.failed} example(s) failed"
