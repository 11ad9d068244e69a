"""Which source files draw a render, and one digest of them: what a cached render's key says of the code.

What belongs here: walking the project's imports with ``ast`` (packages ``attention``, ``scenes``,
``rendering``; imports inside functions count too), the files of one scene up to one of its sections, and the
versions of the libraries that draw and encode, and copying those sources elsewhere (to try a change to them).
No Manim import: keys are computed before any render starts.

Parsing the project's hundred-odd files took 0.7 s of every run, most of a run the cache serves whole, so each
file's imports are remembered in the cache folder (``imports.json``) by its path and sha256: an edited file is
parsed again, and the entries of files changed or gone are dropped when it is written.
"""

from __future__ import annotations

import ast
import hashlib
import json
import platform
import shutil
from contextlib import suppress
from functools import cache
from importlib import metadata
from pathlib import Path

from rendering.files import replacing
from scenes.assets import ASSETS, DRAWN

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("attention", "scenes", "rendering")
SOURCES = (*PACKAGES, "assets", "render.py", "video.py")  # what a copy of the project needs to render
# Hashed but not followed: they import every scene, so following them would make each scene depend on all others.
# A scene that plays other scenes' parts declares them as its sections' owners (see ``scene_files``).
NOT_FOLLOWED = frozenset({"scenes.catalog", "scenes.registry"})
LIBRARIES = ("manim", "numpy", "av", "pycairo", "manimpango", "pillow", "scipy", "srt")


def module_file(module: str) -> Path | None:
    """The project file of a dotted module name (a package's __init__.py), or None outside the project."""
    if module.split(".")[0] not in PACKAGES:
        return None
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(path: Path) -> str:
    name = _module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


IMPORTS = "imports.json"  # in the cache folder: {"<path>:<sha256>": [names it imports in the project's packages]}
_REMEMBERED: dict[str, list[str]] = {}
_UNSAVED: list[bool] = [False]  # whether this process parsed a file that imports.json lacks


def _memo_file() -> Path | None:
    """The cache folder's imports.json (None when no cache folder can be used)."""
    try:
        from rendering.cache.slots import CACHE  # the usable cache folder, checked once per process
    except (ImportError, OSError):
        return None
    return CACHE / IMPORTS


@cache
def _load_memo() -> None:
    memo = _memo_file()
    with suppress(OSError, ValueError, TypeError, AttributeError):
        known = json.loads(memo.read_text(encoding="utf-8"))
        _REMEMBERED.update(
            {k: v for k, v in known.items() if isinstance(v, list) and all(isinstance(m, str) for m in v)}
        )


def _memo_key(path: Path) -> str:
    return f"{path.relative_to(ROOT)}:{_file_digest(path)}"


def _save_memo() -> None:
    """Write the remembered imports of the files as they are now (in whole: a temporary name, then a rename)."""
    memo = _memo_file()
    if not _UNSAVED[0] or memo is None:
        return
    current = {}
    for key, modules in _REMEMBERED.items():
        relative = key.rpartition(":")[0]
        with suppress(OSError, ValueError):
            if (ROOT / relative).is_file() and _memo_key(ROOT / relative) == key:
                current[key] = modules
    try:
        with replacing(memo) as partial:
            partial.write_text(json.dumps(current, sort_keys=True), encoding="utf-8")
        _UNSAVED[0] = False
    except OSError:  # a full or read-only cache folder: parsed again next time
        pass


@cache
def imports_of(path: Path) -> tuple[str, ...]:
    """Project modules that ``path`` imports anywhere in its code (absolute and relative, ``from x import sub``)."""
    _load_memo()
    key = _memo_key(path)
    if key not in _REMEMBERED:
        _REMEMBERED[key] = list(_imported_names(path))
        _UNSAVED[0] = True
    # which names are project files is asked now: a module file added or removed since the parse counts
    return tuple(m for m in _REMEMBERED[key] if module_file(m) is not None)


def _imported_names(path: Path) -> tuple[str, ...]:
    """Every dotted name ``path`` imports under the project's packages, whether or not a file has that name."""
    found = []
    for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = _package(path).split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names]  # a submodule, if one has that name
    modules = []
    for name in found:
        # importing a.b.c runs a/__init__.py and a/b/__init__.py too
        pieces = name.split(".")
        modules += [".".join(pieces[: n + 1]) for n in range(len(pieces))]
    return tuple(dict.fromkeys(m for m in modules if m.split(".")[0] in PACKAGES))


def walk(modules) -> set[Path]:
    """The files of ``modules`` and of every project module they import, transitively."""
    seen: set[Path] = set()
    stack = [m for m in modules if module_file(m) is not None]
    done: set[str] = set()
    while stack:
        module = stack.pop()
        if module in done:
            continue
        done.add(module)
        path = module_file(module)
        seen.add(path)
        if module not in NOT_FOLLOWED:
            stack += [m for m in imports_of(path) if m not in done]
    _save_memo()
    return seen


def assets() -> set[Path]:
    """The asset files the scenes read (palettes, the LaTeX preamble): a render's key counts them."""
    return {p for folder in DRAWN for p in (ASSETS / folder).rglob("*") if p.is_file()}


@cache
def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest(files) -> str:
    """sha256 over the files' paths (relative to the project) and contents, in path order."""
    total = hashlib.sha256()
    for path in sorted(files):
        total.update(str(path.relative_to(ROOT)).encode() + b"\0" + _file_digest(path).encode() + b"\n")
    return total.hexdigest()


def scene_files(scene: type, section: str | None = None) -> set[Path]:
    """The files whose code draws ``scene``'s section ``section`` (None: every section), and the assets.

    A section whose declared owner is another scene plays that scene's code (FullVideo plays the video's parts),
    so that scene's module counts for that section only. The earlier parts' code is not counted: what a part
    starts from is checked instead, as a digest of what is on screen when it begins (film.state_digest,
    which keys the cache entry beside this code). So a change to one part re-renders that part, and a later
    part only if the change reaches what it starts from (FullVideo carries the step panel from step to step).
    """
    names = scene.part.section_names if section is None else (section,)
    owners = [scene.part.section_owner(name) for name in names]
    modules = [scene.__module__, *(owner.__module__ for owner in owners if owner is not None)]
    return walk(modules) | assets()


@cache
def versions() -> tuple[tuple[str, str], ...]:
    """The Python and library versions that draw and encode a render."""
    found = [("python", platform.python_version())]
    for library in LIBRARIES:
        try:
            found.append((library, metadata.version(library)))
        except metadata.PackageNotFoundError:
            found.append((library, "absent"))
    return tuple(found)


def copy_sources(target: Path, root: Path = ROOT) -> Path:
    """Copy the project's code and assets (``SOURCES``) from ``root`` into ``target`` and return it: render.py
    run there with PYTHONPATH=target tries a change to the code without touching the repository."""
    for name in SOURCES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target
