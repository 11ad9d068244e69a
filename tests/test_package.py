"""The project as a Python package: the wheel `pip install .` builds declares Manim and the runtime libraries,
gives the `attention-render` console script, and carries the assets (palettes, LaTeX preamble, deck page)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rendering.cache.codehash import copy_sources

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


def test_the_assets_ship_inside_the_packages(wheel):
    names = set(wheel.namelist())
    for asset in (
        "scenes/assets/palettes/video.toml",
        "scenes/assets/palettes/dark.toml",
        "scenes/assets/latex/preamble.tex",
        "rendering/exporters/deck/assets/deck.js",
        "rendering/exporters/deck/assets/template.html",
        "rendering/exporters/explore/assets/explore.js",
    ):
        assert asset in names, asset
    assert not any(name.startswith(("tests/", "bench/", "assets/")) for name in names)
