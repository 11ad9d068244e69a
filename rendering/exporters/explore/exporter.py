"""The explorable figure as an output kind: ``render.py explore`` writes explore/<NAME>.html (default name
"explore"), one self-contained page of the request's traces.

It needs no Manim render: ``render_jobs()`` is empty and ``write`` builds the page from the core's traces alone.
"""

from __future__ import annotations

import re

import attention
from rendering.errors import UserError
from rendering.exporters.base import Exporter, Results
from rendering.exporters.explore.page import write_page
from rendering.exporters.explore.runs import NEW_TOKENS
from rendering.file_names import name_problem
from rendering.option import Option
from rendering.spec import Look, Written
from rendering.workers.pool import Staging

DEFAULT_NAME = "explore"
NAME_MAX = 255  # bytes in a file name
_NAME = re.compile(r"[^/\\\x00-\x1f]+")  # as a deck's name: no folder, no control character


class ExploreExporter(Exporter):
    """explore/<name>.html for ``request``, in ``theme`` ("video" or "dark"; the page can switch)."""

    command = "explore"
    kind = "explore"
    summary = "an explorable figure: one offline HTML page where every number of the trace can be pointed at"
    options = (
        Option(
            "name",
            "str",
            None,
            "file name of the page (default: explore, for explore/explore.html)",
            check=name_problem,
        ),
    )
    default_scenes = "none"
    renders = False

    def __init__(self, request: attention.Request, theme: str = "video", name: str | None = None):
        super().__init__(())  # it draws no scene
        self.request, self.theme, self.name = request, theme, DEFAULT_NAME if name is None else name

    @classmethod
    def from_options(cls, scenes, options, request) -> list[Exporter]:
        if scenes:
            raise UserError("the explorer shows the request's trace, not a scene: leave out the scene names")
        return [cls(request, options["theme"], options["name"])]

    def check(self, look: Look) -> None:
        if look.transparent:
            raise UserError("--transparent does not apply to the explorer: its page has the theme's background")
        if look.decimals != 2:
            raise UserError("the explorer rounds as the figures do by default (2 decimals); drop --decimals")
        if not _NAME.fullmatch(self.name) or self.name.startswith(".") or self.name.lower().endswith((".html", ".htm")):
            raise UserError(
                f"--name takes a plain name without folder or suffix, e.g. week3 (for explore/week3.html), "
                f"got {self.name!r}"
            )
        if len(self.name.encode()) + len(".html") > NAME_MAX:
            raise UserError(f"--name is {len(self.name.encode())} bytes long, past the file system's limit")

    def plan(self) -> list[str]:
        return [f"explore/{self.name}.html"]

    def render_jobs(self) -> list:
        return []  # built from the traces, no render

    def write(self, results: Results, staging: Staging) -> list[Written]:
        relative = self.plan()[0]
        print(f"  explore {self.name}: {self.request.describe()} ...", flush=True)
        steps = self.request.steps or NEW_TOKENS  # --steps sets the step picker's run too
        path = write_page(staging.path(relative), self.request, self.theme, steps)
        layers = attention.Capability.LAYER_HEADS in self.request.capabilities
        what = "every head of every layer" if layers else "the causal mask and scale on and off"
        decodes = not layers or attention.Capability.CAUSAL_ONLY in self.request.capabilities  # not an encoder
        runs = "its online softmax block by block" + (" and a cached run step by step" if decodes else "")
        caption = f"An explorable figure of self-attention over {self.request.describe()}, {what}, with {runs}"
        return [Written(path, scene="explore", part=self.name, kind="explore", format="html", caption=caption)]
