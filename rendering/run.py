"""One run of some exporters: their renders (cached or made in worker processes), their files staged, then
published together; a file whose bytes are already at its final path is left there and reported reused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import attention
from rendering import interrupts
from rendering.exporters import Exporter, Results
from rendering.manifest import sha256_of
from rendering.renders import render_all
from rendering.spec import Look, MovieJob, StillJob, Written
from rendering.workers.pool import Staging


def merged_jobs(exporters: list[Exporter]) -> list[MovieJob | StillJob]:
    """Every render the exporters ask for, once: a movie asked with and without sections is one render with."""
    by_identity: dict = {}
    for exporter in exporters:
        for job in exporter.render_jobs():
            known = by_identity.get(job.identity)
            if known is None:
                by_identity[job.identity] = job
            elif isinstance(job, MovieJob) and job.sections and not known.sections:
                by_identity[job.identity] = replace(known, sections=True)
    return list(by_identity.values())


def _unchanged(item: Written, staging: Staging) -> Path | None:
    """The final path of ``item`` if the file there already has its very bytes (compared by sha256)."""
    target = staging.out / item.path.relative_to(staging.root)
    try:
        same = target.is_file() and target.stat().st_size == item.path.stat().st_size
        return target if same and sha256_of(target) == sha256_of(item.path) else None
    except OSError:
        return None


def execute(
    exporters: list[Exporter], request: attention.Request, look: Look, out: Path, jobs: int, force: bool = False
) -> tuple[list[Written], str]:
    """Render what the exporters need and write their files into ``out``; (the files, the run's id).

    Files already at their final path with the same bytes are not rewritten: they come back with ``reused``.
    Nothing reaches ``out`` unless every job succeeds; on any error or interrupt the staging folder goes. A file
    there that no manifest of ours lists is replaced only with ``force``.
    """
    staging = Staging(out)
    try:
        results = Results(render_all(merged_jobs(exporters), request, look, staging.work, jobs))
        written = [item for exporter in exporters for item in exporter.write(results, staging)]
        kept = {id(item): _unchanged(item, staging) for item in written}
        reused = [replace(item, path=kept[id(item)], reused=True) for item in written if kept[id(item)]]
        interrupts.begin_publishing()  # from here a signal no longer stops the run: it completes
        placed = staging.publish([item for item in written if not kept[id(item)]], force)
        return placed + reused, staging.run_id
    except BaseException:
        staging.discard()
        raise
