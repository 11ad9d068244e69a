"""One run of some exporters: their renders in worker processes, their files staged, then published together."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import attention

from .exporters import Exporter, Results
from .manim_jobs import render_movie, render_stills
from .pool import Staging, run_jobs
from .spec import Look, MovieJob, StillJob, Written


def merged_jobs(exporters: list[Exporter]) -> list[MovieJob | StillJob]:
    """Every render the exporters ask for, once: a movie asked with and without sections is one render with."""
    by_key: dict = {}
    for exporter in exporters:
        for job in exporter.jobs():
            known = by_key.get(job.key)
            if known is None:
                by_key[job.key] = job
            elif isinstance(job, MovieJob) and job.sections and not known.sections:
                by_key[job.key] = replace(known, sections=True)
    return list(by_key.values())


def _call(job, request: attention.Request, look: Look, work: Path):
    function = render_movie if isinstance(job, MovieJob) else render_stills
    return function, (job, request, look, str(work))


def execute(
    exporters: list[Exporter], request: attention.Request, look: Look, out: Path, jobs: int
) -> tuple[list[Written], str]:
    """Render what the exporters need and write their files into ``out``; (the files written, the run's id).

    Nothing reaches ``out`` unless every job succeeds; on any error or interrupt the staging folder goes.
    """
    staging = Staging(out)
    try:
        renders = merged_jobs(exporters)
        calls = [_call(job, request, look, staging.work / f"{n:02d}") for n, job in enumerate(renders)]
        print(f"rendering {len(calls)} scene(s) with {min(jobs, len(calls))} job(s) ...", flush=True)
        results = Results({job.key: result for job, result in zip(renders, run_jobs(jobs, calls), strict=True)})
        written = [item for exporter in exporters for item in exporter.write(results, staging)]
        return staging.publish(written), staging.run_id
    except BaseException:
        staging.discard()
        raise
