"""Where a run's work happens: worker processes, and a staging folder whose files reach their final paths
only when every job has succeeded (an interrupted or failed run leaves nothing half-written)."""

from __future__ import annotations

import multiprocessing
import shutil
import signal
import threading
import uuid
from dataclasses import replace
from pathlib import Path

from rendering.spec import Written


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides, and terminates the workers
    # tqdm (Manim's progress bars) would make a multiprocessing lock, a named semaphore that a terminated
    # worker never unlinks: the resource tracker then warns of a leak after every failed or interrupted run.
    # A thread lock does, since a worker's bars are its own.
    from tqdm import tqdm

    tqdm.set_lock(threading.RLock())


def run_jobs(jobs: int, calls: list, on_result=None) -> list:
    """Run (function, args) pairs in worker processes; results in call order.

    ``on_result(n, result)`` runs in this process as each call's result arrives, in call order (e.g. to keep
    it before a later call fails). On Ctrl-C or SIGTERM the workers are terminated at once and
    KeyboardInterrupt propagates.
    """
    if not calls:
        return []
    context = multiprocessing.get_context("spawn")  # a fresh Manim config in every worker
    pool = context.Pool(max(1, min(jobs, len(calls))), initializer=_start_worker)
    try:
        pending = [pool.apply_async(function, args) for function, args in calls]
        results = []
        for n, job in enumerate(pending):
            results.append(job.get())
            if on_result is not None:
                on_result(n, results[-1])
        pool.close()
        return results
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


class Staging:
    """A hidden folder inside the output folder, in the output folder's layout.

    ``work`` is scratch space for the renders; ``publish`` moves the written files to their final
    paths (an atomic rename each, same file system) and removes the rest; ``discard`` removes
    everything, and the output folder too if this run created it.
    """

    def __init__(self, out: Path):
        self.out = out
        self.run_id = uuid.uuid4().hex[:12]
        self.made_out = not out.exists()
        out.mkdir(parents=True, exist_ok=True)
        self.root = out / f".run-{self.run_id}"
        self.root.mkdir()
        self.work = self.root / ".work"

    def path(self, relative: str | Path) -> Path:
        """Where a file that will end at ``out / relative`` is written now; its folder is made."""
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def publish(self, written: list[Written]) -> list[Written]:
        placed = []
        for item in written:
            target = self.out / item.path.relative_to(self.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            item.path.replace(target)
            placed.append(replace(item, path=target))
        shutil.rmtree(self.root, ignore_errors=True)
        return placed

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        if self.made_out:
            shutil.rmtree(self.out, ignore_errors=True)
