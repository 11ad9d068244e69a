"""Where a run's work happens: worker processes, and a staging folder whose files reach their final paths
only when every job has succeeded (an interrupted or failed run leaves nothing half-written).

A run removes only what it wrote: its own staging folder, and the output folders it made if they are empty
again. Workers die with the run, however it dies (Linux's parent-death signal), and each run removes the
staging folders of runs that died (a live run holds a lock on its folder; a dead run's lock is free), and only
those: a staging folder holds a marker file from its creation, and a folder without it is never removed.
"""

from __future__ import annotations

import ctypes
import fcntl
import multiprocessing
import os
import shutil
import signal
import stat
import sys
import threading
import time
import uuid
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

from rendering.errors import UserError
from rendering.ownership import MARK, STAGING, has_mark, manifest_files, write_mark
from rendering.spec import Written

STAGING_PREFIX = ".run-"
FORMING_PREFIX = ".forming-"  # a staging folder before its lock and marker are in place
SWEPT = (STAGING_PREFIX, FORMING_PREFIX)
ALIVE = ".alive"  # locked by the run that owns the staging folder, for as long as it runs
WATCH_EVERY = 0.25  # seconds between two looks at the workers while a job runs
TERMINATE_GRACE = 2.0  # seconds the workers have to end on SIGTERM before they are killed
EXIT_CODE_WITHIN = 1.0  # seconds an ended worker's exit code may take to be set by the thread that reaped it
REAPED_WITHIN = 10.0  # seconds a dead or terminated worker may take to be gone (a crash dumping its core)
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
# A worker filming 1080p allocates and frees an 8 MB frame many times a second; glibc serves blocks that large
# with mmap and hands them back at once, so every frame costs two thousand page faults (a tenth of the filming's
# time, as system time). Serving them from the heap and keeping it reuses the same pages. Read by glibc when a
# worker starts; a value the user set is kept.
WORKER_MALLOC = {"MALLOC_MMAP_THRESHOLD_": str(128 << 20), "MALLOC_TRIM_THRESHOLD_": str(256 << 20)}
_M_PERTURB, HEAP_FILL = -6, 0x55  # glibc's malloc.h; any fixed byte will do


def fix_heap() -> None:
    """Fill every block glibc's malloc hands out (and takes back) with one fixed byte, in this process.

    libx264, inside PyAV's FFmpeg, reads some memory it never wrote: the same frames then gave a different
    bitstream (a few packets' last bytes, at times a decision that moved 2 pixels) depending on what the heap
    held before, so a render's bytes changed with the cache's state and the load. With a fixed fill the same
    frames give the same bytes. Without glibc this does nothing.
    """
    try:
        ctypes.CDLL(None).mallopt(_M_PERTURB, HEAP_FILL)
    except (OSError, AttributeError):
        pass


def _die_with(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies, and die now if it already has."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent's terminate() still ends the workers
        return
    if os.getppid() != parent:
        os._exit(1)


class WorkerDied(RuntimeError):
    """A worker process ended without finishing its job (killed by a signal, or exited): the run stops."""

    def __init__(self, job: str | None, how: str):
        which = f"the worker rendering {job}" if job else "a worker process, before it began a job,"
        super().__init__(f"{which} {how}, so the run stopped; nothing was left half-written")
        self.job = job
        self.how = how


_RUNNING = None  # in a worker: the shared array of which worker pid runs each call (see run_jobs)


def _start_worker(parent: int, running) -> None:
    global _RUNNING
    _die_with(parent)
    fix_heap()
    for signum in (signal.SIGINT, signal.SIGHUP):  # sent to the whole group: the parent decides, and ends us
        signal.signal(signum, signal.SIG_IGN)
    _RUNNING = running
    from rendering.streams import guard_output

    guard_output()  # a reader of our stdout gone away must not fail the job
    # tqdm (Manim's progress bars) would make a multiprocessing lock, a named semaphore that a terminated
    # worker never unlinks: the resource tracker then warns of a leak after every failed or interrupted run.
    # A thread lock does, since a worker's bars are its own.
    from tqdm import tqdm

    tqdm.set_lock(threading.RLock())


def _call(n: int, function, args):
    """Run one call in a worker, its pid in the shared table while it runs (the parent names a dead worker's job)."""
    _RUNNING[n] = os.getpid()
    try:
        return function(*args)
    finally:
        _RUNNING[n] = 0


def _label(function, args) -> str:
    """What a call renders, in words: its job's label or scene (the first argument), else the function's name."""
    first = args[0] if args else None
    for name in ("label", "scene"):
        if isinstance(getattr(first, name, None), str):
            return getattr(first, name)
    return first if isinstance(first, str) else function.__name__


def _how(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"was killed by {signal.Signals(-exitcode).name}"
    return f"exited with status {exitcode}" if exitcode is not None else "ended"


def _workers(executor: ProcessPoolExecutor) -> dict:
    """pid -> Process of the executor's workers. Python 3.11 to 3.13 have no public accessor (3.14 adds
    terminate_workers but still no exit codes); ``_processes`` has held them since 3.2."""
    return dict(getattr(executor, "_processes", None) or {})


def _dead_worker(executor: ProcessPoolExecutor, running, calls: list, known: dict, broken=False) -> WorkerDied | None:
    """Which call's worker died, and how (None: every worker lives). A worker leaves only when the executor shuts
    down, so one that has ended died. Once it notices, the executor terminates the others (SIGTERM): the dead one
    is the worker that ended otherwise. ``known``: every worker seen so far (pid -> Process), since a broken
    executor's manager thread may already have dropped them from its own table."""
    known.update(_workers(executor))
    if broken:  # the executor saw a worker end; it may not be reaped yet (a core being dumped), nor the others
        for process in known.values():
            process.join(REAPED_WITHIN)
        # The executor's thread reaps the same children: while its waitpid has the status and ours found none,
        # the exit code reads None for a moment, so look again briefly.
        settled = time.monotonic() + EXIT_CODE_WITHIN
        while any(p.exitcode is None for p in known.values()) and time.monotonic() < settled:
            time.sleep(WATCH_EVERY / 10)
    ended = {pid: p.exitcode for pid, p in known.items() if p.exitcode is not None}
    if not ended:
        return None
    pid, exitcode = min(ended.items(), key=lambda item: item[1] == -signal.SIGTERM)
    jobs = [n for n in range(len(calls)) if running[n] == pid]
    return WorkerDied(_label(*calls[jobs[0]]) if jobs else None, _how(exitcode))


def _result(job: Future, executor: ProcessPoolExecutor, running, calls: list, known: dict):
    """``job``'s result, or WorkerDied as soon as any worker has died. The executor notices a dead worker by
    itself too, but not always: on 3.11 a worker spawned while its manager thread waits is not watched until
    the next result arrives, and the job it took is then waited for forever. So the parent looks as well."""
    while True:
        known.update(_workers(executor))
        try:
            return job.result(timeout=WATCH_EVERY)
        except TimeoutError:
            pass
        except BrokenProcessPool:
            raise _dead_worker(executor, running, calls, known, broken=True) or WorkerDied(None, "ended") from None
        died = _dead_worker(executor, running, calls, known)
        if died is not None:
            raise died


def _stop(executor: ProcessPoolExecutor) -> None:
    """End the workers now (an interrupt or a failure: their work is wasted), then the executor. A worker that
    SIGTERM does not end within a moment (stopped with SIGSTOP, say, where the signal waits) is killed."""
    workers = [process for process in _workers(executor).values() if process.is_alive()]
    for process in workers:
        process.terminate()
    deadline = time.monotonic() + TERMINATE_GRACE
    for process in workers:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
    executor.shutdown(wait=True, cancel_futures=True)


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with SIGHUP ignored, as it ignores SIGINT and SIGTERM itself: a
    closed terminal (SIGHUP to the whole group) would kill it, and the workers' semaphores then end in tracebacks.
    An ignored signal stays ignored in the program a process executes."""
    from multiprocessing import resource_tracker

    try:
        previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    except ValueError:  # not the main thread: no signal is ours to handle here
        resource_tracker.ensure_running()
        return
    try:
        resource_tracker.ensure_running()
    finally:
        signal.signal(signal.SIGHUP, previous)


def run_jobs(jobs: int, calls: list, on_result=None) -> list:
    """Run (function, args) pairs in worker processes; results in call order.

    ``on_result(n, result)`` runs in this process as each call's result arrives, in call order (e.g. to keep
    it before a later call fails). On Ctrl-C or SIGTERM the workers are terminated at once and
    KeyboardInterrupt propagates; if this process is killed outright, the workers are killed with it. A worker
    that dies (killed, or crashed) raises WorkerDied naming its job and the signal, as soon as it is noticed: the
    other workers are stopped, since a lost job would otherwise be waited for forever.
    """
    if not calls:
        return []
    context = multiprocessing.get_context("spawn")  # a fresh Manim config in every worker
    for name, value in WORKER_MALLOC.items():
        os.environ.setdefault(name, value)  # inherited by the workers spawned below
    _start_resource_tracker()
    running = context.Array("i", len(calls), lock=False)  # call -> pid of the worker running it (0: none)
    workers = max(1, min(jobs, len(calls)))
    executor = ProcessPoolExecutor(workers, context, initializer=_start_worker, initargs=(os.getpid(), running))
    try:
        pending = [executor.submit(_call, n, function, args) for n, (function, args) in enumerate(calls)]
        results, known = [], {}
        for n, job in enumerate(pending):
            results.append(_result(job, executor, running, calls, known))
            if on_result is not None:
                on_result(n, results[-1])
        executor.shutdown(wait=True)
        return results
    except BaseException:
        _stop(executor)
        raise


def sweep_stale(out: Path) -> list[Path]:
    """Remove the staging folders in ``out`` whose runs are dead (their lock is free); the removed ones.

    Only a folder that holds our staging marker (``ownership``) is ours: any other ``.run-*`` folder, however
    it is named, is a user's and is left, with one line saying so. A marked folder whose lock is held is a
    live run's and is left silently."""
    removed = []
    try:
        candidates = [p for p in out.iterdir() if p.name.startswith(SWEPT) and _is_folder(p)]
    except OSError:
        return removed
    for folder in sorted(candidates):
        if not has_mark(folder, STAGING):
            if folder.name.startswith(FORMING_PREFIX):
                continue  # a run that is making its folder now, or a user's: left either way
            _say(f"left {folder}: not a staging folder of ours (no {MARK} marker), so it is not swept")
            continue
        try:
            # never created here: a marked folder's lock was made before its marker
            lock = os.open(folder / ALIVE, os.O_RDWR | os.O_NOFOLLOW)
        except OSError as exc:
            _say(f"left {folder}: its lock cannot be opened ({exc.strerror}), so its run may be alive")
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free: nobody runs in it
        except BlockingIOError:
            continue  # a live run's
        finally:
            os.close(lock)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)  # a link to a folder is not one of ours
    except OSError:
        return False


def _say(line: str) -> None:
    print(f"render.py: {line}", file=sys.stderr, flush=True)


class Staging:
    """A hidden folder inside the output folder, in the output folder's layout.

    ``work`` is scratch space for the renders; ``publish`` moves the written files to their final
    paths (an atomic rename each, same file system: a file already there is replaced only by a complete
    new one) and removes the rest; ``discard`` removes the staging folder, and the folders this run made
    for the output if nothing else was put in them meanwhile. Neither touches a file another run wrote.
    """

    def __init__(self, out: Path):
        self.out = out
        self.run_id = uuid.uuid4().hex[:12]
        self.made = _missing_folders(out)  # the folders this run makes, deepest first
        out.mkdir(parents=True, exist_ok=True)
        sweep_stale(out)
        # made under another name, locked, marked, then renamed: a sweep never sees a marked folder unlocked
        forming = out / f"{FORMING_PREFIX}{self.run_id}"
        forming.mkdir()
        self._alive = open(forming / ALIVE, "x")  # noqa: SIM115 - held until the run ends
        fcntl.flock(self._alive, fcntl.LOCK_EX)
        write_mark(forming, STAGING)  # after the lock: a marked folder whose lock is free is a dead run's
        self.root = out / f"{STAGING_PREFIX}{self.run_id}"
        forming.rename(self.root)
        self.started = os.lstat(self.root).st_ctime_ns  # on the file system's clock, as the files' times are
        self.work = self.root / ".work"

    def path(self, relative: str | Path) -> Path:
        """Where a file that will end at ``out / relative`` is written now; its folder is made."""
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def publish(self, written: list[Written], force: bool = False) -> list[Written]:
        """Move ``written`` to their final paths; first, unless ``force``, refuse (UserError, nothing moved) if one
        would replace a file that was there before this run began and that no manifest of ours lists (one the
        checks before the work could not name). A file that appeared since is a concurrent run's, whose manifest
        may not be written yet."""
        if not force:
            listed = manifest_files(self.out / "manifest.json") or set()
            for item in written:
                relative = item.path.relative_to(self.root)
                if str(relative) not in listed and self._older(self.out / relative):
                    raise UserError(
                        f"{self.out / relative} is not a file of ours (no manifest of ours lists it), so it is not "
                        f"replaced; move it away, or give --force to replace it"
                    )
        placed = []
        for item in written:
            target = self.out / item.path.relative_to(self.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            item.path.replace(target)
            placed.append(replace(item, path=target))
        self._remove_root()
        if not placed:
            self._remove_made()  # nothing landed: the folders made for it go, never a user's empty folder
        return placed

    def _older(self, path: Path) -> bool:
        """True if something is at ``path`` since before this run began (its inode last changed no later)."""
        try:
            return os.lstat(path).st_ctime_ns <= self.started  # the same tick: taken as earlier, to be safe
        except FileNotFoundError:
            return False

    def discard(self) -> None:
        self._remove_root()
        self._remove_made()

    def _remove_made(self) -> None:
        for folder in self.made:
            try:
                folder.rmdir()  # only if empty: another run may have published into it meanwhile
            except OSError:
                break

    def _remove_root(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        self._alive.close()


def _missing_folders(out: Path) -> list[Path]:
    missing = []
    folder = out
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    return missing
