"""Every example (``>>>``) in the project's docstrings runs and shows what it says.

The modules are found, not listed: every module of attention/, scenes/ and rendering/ whose source holds an
example, so a new one is run as soon as it is written.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import re
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


ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("attention", "scenes", "rendering")
# a file path from the top of the repository, a bare module file name, a dotted name in one of our packages
_PATH = re.compile(r"(?<![\w./-])((?:attention|scenes|rendering|tests|bench|assets)/[\w./-]*\w)")
_MODULE_FILE = re.compile(r"(?<![\w./-])(\w+\.py)\b")
_WHEEL_ONLY = "scenes/_assets"  # where the wheel puts assets/ (pyproject.toml): in no checkout
_DOTTED = re.compile(r"(?<![\w./-])((?:attention|scenes|rendering)(?:\.\w+)+)")


def _sources() -> list[Path]:
    """The project's Python files: its packages, the tests, the benchmarks and the entry scripts."""
    found = [p for top in (*PACKAGES, "tests", "bench") for p in (ROOT / top).rglob("*.py")]
    return [*found, ROOT / "render.py", ROOT / "video.py"]


def _texts() -> list[tuple[str, str]]:
    """(where, text) of every docstring in the project's Python files, and of the READMEs."""
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                if text := ast.get_docstring(node, clean=False):
                    found.append((f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 1)}", text))
    return found + [(name, (ROOT / name).read_text(encoding="utf-8")) for name in ("README.md", "bench/README.md")]


def _top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def _missing_dotted(dotted: str) -> bool:
    # the longest prefix that is a module of ours, then the next name must be defined there (or be a submodule)
    names = dotted.split(".")
    for end in range(len(names), 0, -1):
        base = ROOT.joinpath(*names[:end])
        module = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
        if module.is_file():
            return end < len(names) and names[end] not in _top_level_names(module)
    return True


def stale_in(text: str, module_files: set[str]) -> list[str]:
    """The paths, module files (``module_files``: the tree's file names) and dotted modules that ``text`` names
    and the tree does not have."""
    paths = [p for p in _PATH.findall(text) if not p.startswith(_WHEEL_ONLY)]
    stale = [p for p in paths if not (ROOT / p).exists()]
    stale += [name for name in _MODULE_FILE.findall(text) if name not in module_files]
    return stale + [name for name in _DOTTED.findall(text) if _missing_dotted(name)]


def test_a_renamed_module_is_seen_as_stale():
    old = "Planned by parts.py (rendering/parts.py), filmed by rendering.part_jobs.film and rendering.spec.Nope."
    now = "Planned by plan.py (rendering/parallel/plan.py), filmed by rendering.parallel.film.film_slice."
    files = {path.name for path in _sources()}
    assert stale_in(old, files) == ["rendering/parts.py", "parts.py", "rendering.part_jobs.film", "rendering.spec.Nope"]
    assert stale_in(now, files) == []


def test_docstrings_name_only_modules_that_exist():
    files = {path.name for path in _sources()}
    stale = [f"{where}: {name}" for where, text in _texts() for name in stale_in(text, files)]
    assert not stale, "named but not in the tree:\n" + "\n".join(stale)
