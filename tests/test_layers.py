"""The project's modules import each other without a cycle, the imports inside functions included.

Each ``.py`` under the project's packages is parsed with `ast` (never imported), each ``import`` and
``from ... import`` (relative ones too, wherever they sit) is resolved to the project module it loads, and
the strongly connected components of that graph are the cycles. An import deferred into a function still
makes its module depend on the other: a cycle hidden that way is a cycle all the same. Imports by a computed
name (``importlib.import_module(f"...")``) cannot be read statically and are not counted.
"""

from __future__ import annotations

import ast
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("attention", "scenes", "rendering")


@dataclass(frozen=True)
class Import:
    """One import statement of one module, resolved to the project module it loads."""

    source: str
    target: str
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.text}"


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Every project module's dotted name and its file (a package is its ``__init__.py``)."""
    files = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join(parts)] = path
    return files


def _is_package(name: str, files: dict[str, Path]) -> bool:
    return files[name].name == "__init__.py"


def _deepest_module(dotted: str, files: dict[str, Path]) -> str | None:
    # `import a.b.c` or `from a.b import c` loads the longest prefix that is a module of ours
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in files:
            return name
    return None


def _targets(node: ast.Import | ast.ImportFrom, module: str, files: dict[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        return [t for alias in node.names if (t := _deepest_module(alias.name, files))]
    base = node.module or ""
    if node.level:
        package = module if _is_package(module, files) else module.rpartition(".")[0]
        anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    # `from pkg import name`: name is a submodule when there is one, otherwise something defined in pkg
    return [t for alias in node.names if (t := _deepest_module(f"{base}.{alias.name}", files))]


def imports(files: dict[str, Path]) -> list[Import]:
    """Every import between two project modules, at any depth of the importing file (functions too)."""
    found = []
    for module, path in files.items():
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source, filename=str(path))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                text = " ".join(ast.get_source_segment(source, node).split())
                for target in dict.fromkeys(_targets(node, module, files)):
                    if target != module or not _is_package(module, files):
                        found.append(Import(module, target, path, node.lineno, text))
    return found


def cycles(edges: list[Import]) -> list[list[Import]]:
    """One shortest cycle, as its import statements, in each strongly connected component of the graph
    (more than one module, or a module importing itself)."""
    after = defaultdict(dict)
    for edge in edges:
        after[edge.source].setdefault(edge.target, edge)

    def tree(start: str) -> dict[str, Import]:
        # breadth first: each module reached from start, by the import that reached it first
        came: dict[str, Import] = {}
        todo = deque([start])
        while todo:
            for nxt, edge in after[todo.popleft()].items():
                if nxt not in came:
                    came[nxt] = edge
                    todo.append(nxt)
        return came

    def shortest_loop(start: str) -> list[Import]:
        came, steps = trees[start], [trees[start][start]]
        while steps[0].source != start:
            steps.insert(0, came[steps[0].source])
        return steps

    trees = {module: tree(module) for module in list(after)}
    found, seen = [], set()
    for module in sorted(m for m in trees if m in trees[m]):
        if module in seen:
            continue
        component = {m for m in trees[module] if module in trees.get(m, {})}
        seen |= component
        found.append(min((shortest_loop(m) for m in sorted(component)), key=len))
    return found


def test_the_graph_sees_imports_inside_functions(tmp_path):
    # a two-module package whose cycle is hidden in a function and a relative import must be reported
    package = tmp_path / "attention"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("def f():\n    from attention.high import g\n    return g\n")
    (package / "high.py").write_text("from .low import f\n\ng = f\n")
    files = {k: v for k, v in module_files(tmp_path).items() if k.startswith("attention")}
    edges = imports(files)
    assert {(e.source, e.target) for e in edges} == {
        ("attention.low", "attention.high"),
        ("attention.high", "attention.low"),
    }
    (cycle,) = cycles(edges)
    assert [(e.source, e.target, e.line) for e in cycle] == [
        ("attention.high", "attention.low", 1),
        ("attention.low", "attention.high", 2),
    ]


def test_no_import_cycles():
    files = module_files()
    found = cycles(imports(files))
    report = "\n\n".join(
        " -> ".join([cycle[0].source, *(e.target for e in cycle)]) + "\n" + "\n".join(f"  {e}" for e in cycle)
        for cycle in found
    )
    if found:
        pytest.fail(f"{len(found)} import cycle(s):\n{report}", pytrace=False)


MAX_LINES = 400


def test_no_module_is_over_400_lines():
    # the project's code (its packages, the entry scripts, the benchmarks); test modules are not counted
    code = [p for top in (*PACKAGES, "bench") for p in (ROOT / top).rglob("*.py")]
    code += [ROOT / "render.py", ROOT / "video.py"]
    lines = {path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines()) for path in code}
    long = {name: count for name, count in sorted(lines.items()) if count > MAX_LINES}
    assert not long, f"over {MAX_LINES} lines, split by role: {long}"
