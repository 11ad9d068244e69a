"""The project as a Python package: the wheel `pip install .` builds declares Manim and the runtime libraries,
gives the `attention-render` console script, and carries the assets (palettes, LaTeX preamble, the deck's and the
explorer's page files) inside its own package, where an installed copy finds them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rendering.cache.codehash import copy_sources
from rendering.exporters.explore.page import asset

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    # built from a copy of the sources, so that no build/ folder is left in the checkout
    source = copy_sources(tmp_path_factory.mktemp("source"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = folder.glob("self_attention_animated-*.whl")
    return zipfile.ZipFile(built)


def _member(wheel: zipfile.ZipFile, suffix: str) -> str:
    (name,) = [n for n in wheel.namelist() if n.endswith(suffix)]
    return wheel.read(name).decode()


def test_the_wheel_declares_manim_and_the_runtime_libraries(wheel):
    requires = [
        line.split(":", 1)[1].strip()
        for line in _member(wheel, "METADATA").splitlines()
        if line.startswith("Requires-Dist:")
    ]
    names = {
        r.split(";")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower()
        for r in requires
        if "extra ==" not in r
    }
    assert {"manim", "numpy", "av", "safetensors", "tokenizers", "python-pptx", "srt"} <= names
    assert all(any(op in r for op in (">=", "<", "~=")) for r in requires), requires  # ranges, not pins
    assert "License-Expression: MIT" in _member(wheel, "METADATA")


def test_the_console_script_is_the_command_line(wheel):
    entry_points = _member(wheel, "entry_points.txt")
    assert "attention-render = rendering.cli:run" in entry_points
    from rendering.cli import run
    from rendering.cli.main import run as command_line

    assert run is command_line


def test_the_assets_ship_inside_our_package(wheel):
    # every file of the top-level assets/ as scenes/_assets/..., and nothing of ours at the top of site-packages
    names = set(wheel.namelist())
    shipped = sorted(path.relative_to(ROOT / "assets").as_posix() for path in (ROOT / "assets").rglob("*.*"))
    assert {"palettes/video.toml", "latex/preamble.tex", "deck/deck.js", "explore/explore.js"} <= set(shipped)
    assert [name for name in shipped if f"scenes/_assets/{name}" not in names] == []
    assert not any(name.startswith(("assets/", "tests/", "bench/")) for name in names)
    assert _member(wheel, "top_level.txt").split() == ["attention", "rendering", "scenes"]


def test_every_module_of_the_checkout_is_in_the_wheel(wheel):
    # pyproject.toml lists the packages (a search cannot name scenes._assets): a new package must be listed too
    names = set(wheel.namelist())
    modules = sorted(
        path.relative_to(ROOT).as_posix()
        for package in ("attention", "scenes", "rendering")
        for path in (ROOT / package).rglob("*.py")
    )
    assert [module for module in modules if module not in names] == []


def test_an_installed_wheel_finds_its_assets(wheel, tmp_path):
    # a pure-Python wheel installed is its files unpacked into a folder on the path; run from another folder
    site = tmp_path / "site-packages"
    wheel.extractall(site)
    show = (
        "from scenes.assets import ASSETS; from scenes.kit.palette import read_palette;"
        "from rendering.exporters.deck.html import PAGE_FILES as deck;"
        "from rendering.exporters.explore.page import PAGE_FILES as explore, asset;"
        "print(ASSETS, deck, explore, read_palette('video')['matrix']['Q'], len(asset('explore.js')), sep='\\n')"
    )
    environment = {**os.environ, "PYTHONPATH": str(site)}
    shown = subprocess.run(
        [sys.executable, "-c", show], cwd=tmp_path, env=environment, capture_output=True, text=True, check=True
    ).stdout.split()
    assets = site / "scenes" / "_assets"
    assert shown == [
        str(assets),
        str(assets / "deck"),
        str(assets / "explore"),
        "#FF8313",
        str(len(asset("explore.js"))),
    ]
