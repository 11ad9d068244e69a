"""Every render a run needs: served by the output cache when its inputs are unchanged, otherwise made by the
workers in balanced slices, remembered as it arrives, and assembled into what the exporters take.

What belongs here: looking each job's pieces up in the cache, handing the missing ones to the planner
(parallel/plan.py) and the workers (workers/pool.py, parallel/film.py), keeping what they made and measured
(cache/store.py, parallel/costs.py), and the results by each job's identity for ``Results``.

A movie of several sections is remembered section by section, each under its own code's key (cache/keys.py)
and the digest of the state it starts from (film.state_digest): the first section starts from its scene's
set-up, each next one from the state the previous entry ended in. Following that chain serves every section up
to the first one whose code or starting state changed; from there slices are rendered, and a slice films on
past its planned sections until it reaches a section the cache holds for the state it now starts from. So a
change to one part of FullVideo renders that part again, and later parts only if what they start from changed.

The finished movie (joined, its track laid and muxed, its .srt conformed, its clips; a movie of parts with its
chapters marked and listed and its transcripts) is itself one cached output, keyed on its pieces' bytes and cues,
the voice and the assembly's code (keys.finished_key): an unchanged run serves it, every file checked by its
sha256, and does no audio work at all. A narrated piece is kept by its takes' lengths, not by its voice
(cache/timing.py): a new voice films only the pieces whose takes changed length.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

import attention
from rendering.cache import timing
from rendering.cache.keys import finished_key, movie_key, stills_key
from rendering.cache.stills import stills_for_cache, stills_from_cache
from rendering.cache.store import Entry, Store
from rendering.manifest import sha256_of
from rendering.parallel import assemble
from rendering.parallel.assemble import SectionClip
from rendering.parallel.costs import Costs
from rendering.parallel.film import START, SliceResult, film_slice
from rendering.parallel.plan import SliceJob, in_sections, plan, sections_of, spoken_ahead, whole_clips
from rendering.spec import Look, Movie, MovieJob, StillJob
from rendering.timed_text.chapters import story_of
from rendering.voice.ahead import speak_ahead
from rendering.workers.pool import run_jobs
from rendering.workers.scene_jobs import render_stills

TRACK_MODULE = "rendering.voice.track"  # what laying a narrated movie's track imports (scipy's signal: about 1 s)


@dataclass(frozen=True)
class _Whole:
    """A movie rendered in one piece (served or made): its file, its subtitles, Manim's clip of each section."""

    movie: Path
    subtitles: Path | None
    clips: dict[str, Path]
    cues: tuple = ()  # the spoken cues, on the movie's own clock: (start µs, id, text, section)
    drawn: tuple = ()  # the figures marked, on the same clock: (start µs, name, caption, section)


@dataclass
class _Movie:
    """One movie job on its way: the keys of its pieces, and each piece once served or rendered."""

    job: MovieJob
    scene: type
    folder: Path
    keys: dict[str | None, str]  # section (None: the whole movie) -> its cache key
    sections: dict = field(default_factory=dict)  # section -> SectionClip, along the chain of states
    whole: _Whole | None = None
    fresh: dict = field(default_factory=dict)  # (section, start state) -> SectionClip rendered in this run
    rendered: list = field(default_factory=list)  # sections filmed in this run, in order
    speech: object = None  # the run's takes (None: silent), whose lengths choose the pieces served (timing.py)

    @property
    def split(self) -> bool:
        return None not in self.keys

    @property
    def names(self) -> tuple[str, ...]:
        return sections_of(self.scene)


def _section_clip(name: str, clip: Path | None, facts: dict) -> SectionClip:
    subcaptions = tuple((int(a), int(b), str(text)) for a, b, text in facts["subcaptions"])
    told = (tuple((int(a), str(b), str(c), str(d)) for a, b, c, d in facts.get(k, ())) for k in ("cues", "drawn"))
    return SectionClip(name, clip, facts["clock_start"], facts["clock_end"], subcaptions, facts["state_out"], *told)


def _whole_names(movie: _Movie, entry: Entry) -> dict[str, str]:
    fmt = movie.job.format
    names = {"movie": f"{movie.job.scene}.{fmt}"}
    if "srt" in entry.files:
        names["srt"] = f"{movie.job.scene}.srt"
    clips = [name for name in entry.files if name.startswith("clip:")]
    names.update({name: f"clips/{name.removeprefix('clip:')}.{fmt}" for name in clips})
    return names


def _serve_whole(store: Store, movie: _Movie) -> bool:
    variant = timing.serving(store, movie.keys[None], "whole", movie.speech)
    entry = variant and store.get(movie.keys[None], variant)
    files = entry and store.restore(entry, movie.folder, _whole_names(movie, entry))
    if files:
        clips = {name.removeprefix("clip:"): path for name, path in files.items() if name.startswith("clip:")}
        cues, drawn = (tuple(tuple(c) for c in entry.facts.get(k, ())) for k in ("cues", "drawn"))
        movie.whole = _Whole(files["movie"], files.get("srt"), clips, cues, drawn)
    return bool(files)


def _section(store: Store, movie: _Movie, name: str, state: str) -> SectionClip | None:
    """Section ``name`` starting from ``state``: rendered in this run, or from the cache (its clip checked)."""
    if (name, state) in movie.fresh:
        return movie.fresh[(name, state)]
    variant = timing.serving(store, movie.keys[name], state, movie.speech)
    entry = variant and store.get(movie.keys[name], variant)
    if entry is None:
        return None
    if not entry.files:  # a section that films nothing
        return _section_clip(name, None, entry.facts)
    # linked, not copied: the clip is only read (joined, or copied as a section's clip)
    files = store.restore(entry, movie.folder / "cached", {"clip": f"{name}.{movie.job.format}"}, link=True)
    return _section_clip(name, files["clip"], entry.facts) if files else None


def _follow(store: Store, movie: _Movie) -> tuple[list[str], str | None]:
    """Take the sections along the chain of states; (the sections still to render, the state the first starts
    from)."""
    state: str | None = START
    for n, name in enumerate(movie.names):
        if name not in movie.sections:
            found = _section(store, movie, name, state)
            if found is None:
                return list(movie.names[n:]), state
            movie.sections[name] = found
        state = movie.sections[name].state_out
    return [], None


def _keep(store: Store, movie: _Movie, slice_job: SliceJob, result: SliceResult, expected: dict) -> None:
    """Remember what ``slice_job`` rendered of ``movie``, and take it for assembling. ``expected``: section -> the
    state the chain says it starts from, where known (a digest a hair off is then remembered under both)."""
    if slice_job.play is None:
        files = {"movie": result.movie, **({"srt": result.subtitles} if result.subtitles else {})}
        files.update({f"clip:{name}": path for name, path in result.clips.items()})
        spoken = timing.spoken_in(result.cues, None)
        facts = {"cues": result.cues, "drawn": result.drawn}
        timing.remember(store, movie.keys[None], "whole", files, facts, spoken, movie.speech)
        movie.whole = _Whole(result.movie, result.subtitles, result.clips, tuple(result.cues), tuple(result.drawn))
        movie.rendered += list(movie.names)
        return
    names = movie.names
    for section in result.filmed:
        following = names[names.index(section) + 1] if section != names[-1] else None
        start, end = result.clock[section]
        facts = {
            "clock_start": start,
            "clock_end": end,
            "subcaptions": result.subcaptions,
            "state_out": result.states.get(following) if following else None,
            "cues": result.cues,
            "drawn": result.drawn,
        }
        clip = result.clips.get(section)  # none if the section films nothing (Manim drops empty sections)
        # the chain's expected state too, should the digest here come out a hair different
        for state in {result.states[section], expected.get(section) or result.states[section]}:
            files = {"clip": clip} if clip else {}
            spoken = timing.spoken_in(result.cues, section)
            timing.remember(store, movie.keys[section], state, files, facts, spoken, movie.speech)
            movie.fresh[(section, state)] = _section_clip(section, clip, facts)
        movie.rendered.append(section)


def _label(scene: str, sections) -> str:
    return f"{scene} [{', '.join(sections)}]" if sections else scene


def _lookup(store: Store, renders: list, request, look, work: Path, speech, jobs: int):
    """Serve what the cache holds; (results so far, movies, stills still to render, what was served). The takes
    its pieces are checked against are made first, over ``jobs`` workers (voice/ahead.py)."""
    from scenes.registry import by_name

    results, movies, stills, served = {}, [], [], []
    for n, job in enumerate(renders):
        scene, folder = by_name(job.scene), work / f"{n:02d}"
        if isinstance(job, StillJob):
            key = stills_key(scene, job, request, look)
            entry = store.get(key)
            files = entry and store.restore(entry, folder, {name: name for name in entry.files})
            if files is not None and entry is not None:
                results[job.identity] = stills_from_cache(entry.facts, files)
                served.append(f"{job.scene} (stills)")
            else:
                stills.append((job, key, folder))
            continue
        if in_sections(job, scene):
            keys = {s: movie_key(scene, job, s, request, look, clips=True) for s in sections_of(scene)}
        else:
            keys = {None: movie_key(scene, job, None, request, look, clips=whole_clips(job, scene))}
        movies.append(_Movie(job, scene, folder, keys, speech=speech))
    speak_ahead(speech, timing.cues_kept(store, {key for movie in movies for key in movie.keys.values()}), jobs)
    for movie in movies:
        if not movie.split:
            if _serve_whole(store, movie):
                served.append(movie.job.scene)
            continue
        todo, _ = _follow(store, movie)
        if len(todo) < len(movie.names):
            served.append(_label(movie.job.scene, list(movie.sections) if todo else None))
    return results, movies, stills, served


def _slices(store: Store, movies: list[_Movie], costs: Costs, jobs: int, first: bool) -> tuple[list, dict]:
    """This round's slice jobs, and the state each planned section starts from where the chain knows it."""
    missing, expected = [], {}
    for movie in movies:
        if not movie.split:
            if first and movie.whole is None:
                missing.append((movie.scene, movie.job, None))
            continue
        todo, state = _follow(store, movie)
        if not todo:
            continue
        expected[id(movie)] = {todo[0]: state}
        # the first starts from a known state the cache lacks; a later one is planned if the cache has nothing
        # for its code, else it is checked against what it starts from once the render gets there
        planned = [todo[0], *(s for s in todo[1:] if not timing.states(store, movie.keys[s], movie.speech))]
        missing.append((movie.scene, movie.job, planned))
    slices = plan(missing, costs, jobs)
    by_identity = {m.job.identity: m for m in movies}
    finished = []
    for slice_job in slices:
        movie = by_identity[slice_job.identity]
        if slice_job.play is not None:
            plays = [p.play for p in slices if p is not slice_job and p.play and by_identity[p.identity] is movie]
            others = {s for play in plays for s in play}
            cached = {
                s: sorted(timing.states(store, movie.keys[s], movie.speech) | {st for n, st in movie.fresh if n == s})
                for s in movie.names
            }
            ahead = spoken_ahead(movie.names, slice_job.play, plays)
            slice_job = replace(slice_job, elsewhere=tuple(sorted(others)), cached=cached, speaks_ahead=ahead)
        finished.append((slice_job, movie))
    return finished, expected


@dataclass
class _Run:
    """What every round of one run's renders shares: the cache, the learned costs, what to draw, where, how many
    workers, and the renders still on their way."""

    store: Store
    costs: Costs
    request: attention.Request
    look: Look
    work: Path
    jobs: int
    movies: list[_Movie]
    stills: list  # (job, key, folder) of the still jobs the cache lacks
    results: dict  # identity -> result, as each arrives


def _round(run: _Run, number: int) -> bool:
    """Plan and run one round of slice jobs (and, in the first, the stills); False if nothing was left to do."""
    store, costs, request, look, work = run.store, run.costs, run.request, run.look, run.work
    slices, expected = _slices(store, run.movies, costs, run.jobs, first=number == 0)
    stills = run.stills if number == 0 else []
    calls = [
        (film_slice, (slice_job, request, look, str(work / f"slice-{number}-{n:02d}")))
        for n, (slice_job, _) in enumerate(slices)
    ]
    calls += [(render_stills, (job, request, look, str(folder))) for job, _, folder in stills]
    if not calls:
        return False
    labels = [slice_job.label for slice_job, _ in slices] + [f"{job.scene} (stills)" for job, _, _ in stills]
    what = [f"{len(slices)} slice(s)"] * bool(slices) + [f"stills of {len(stills)} scene(s)"] * bool(stills)
    print(f"rendering {' and '.join(what)} with {min(run.jobs, len(calls))} job(s): {', '.join(labels)}", flush=True)

    def arrived(n: int, result) -> None:  # kept as each arrives: an interrupted run keeps the finished slices
        if n < len(slices):
            slice_job, movie = slices[n]
            print(f"  slice {slice_job.label}: filmed {', '.join(result.filmed)} in {result.seconds:.1f} s", flush=True)
            _keep(store, movie, slice_job, result, expected.get(id(movie), {}))
            costs.learn(slice_job.identity, result.timings, result.lengths)
            costs.save()
        else:
            job, key, _ = stills[n - len(slices)]
            store.put(key, *stills_for_cache(result))
            run.results[job.identity] = result

    run_jobs(run.jobs, calls, on_result=arrived)
    return True


def render_all(renders: list, request: attention.Request, look: Look, work: Path, jobs: int) -> dict:
    """The result of each job of ``renders`` by its key: a ``Movie`` for a MovieJob, {format: path} for a
    StillJob; files under ``work``. Prints what the cache served and what is rendered, in how many jobs."""
    store, costs = Store(), Costs.load()
    speech = look.speech()  # the takes' lengths choose the pieces served; the track is laid from the takes
    results, movies, stills, served = _lookup(store, renders, request, look, work, speech, jobs)
    if served:
        print(f"from the cache: {', '.join(served)}", flush=True)
    # Each round films at least the first section the chain lacks, so the rounds end; a second round happens
    # only when a slice stopped at a section the cache held, and the chain then lacks a later one.
    rounds = 0
    if speech is not None and movies:  # the track's modules load while the workers film, not after them
        threading.Thread(target=importlib.import_module, args=(TRACK_MODULE,), daemon=True).start()
    run = _Run(store, costs, request, look, work, jobs, movies, stills, results)
    while _round(run, rounds):
        rounds += 1
        if rounds > 1 + max((len(m.names) for m in movies), default=0):
            raise RuntimeError("the sections' starting states do not settle: clear the cache (--clear-cache)")
    if not rounds and renders:
        print("nothing to render: every output is in the cache", flush=True)
    for movie in movies:
        key = finished_key(movie.job, _pieces(movie), request, look)
        served_movie = _serve_finished(store, movie, key)
        if served_movie is None:
            served_movie = _assembled(movie, speech)
            _keep_finished(store, key, served_movie)
        _say_rendered(movie)
        results[movie.job.identity] = served_movie
    return results


def _pieces(movie: _Movie) -> list:
    """What ``movie`` is made of, for its finished key: each piece's bytes (sha256) and what is laid on it, and
    its story (the chapters' titles)."""
    story = story_of(movie.scene)
    if movie.split:
        return [
            [s.name, s.clip and sha256_of(s.clip), s.clock_start, s.clock_end, s.subcaptions, s.cues, s.drawn]
            for s in (movie.sections[name] for name in movie.names)
        ] + [story]
    whole = movie.whole
    files = {"movie": whole.movie, "srt": whole.subtitles, **{f"clip:{n}": p for n, p in whole.clips.items()}}
    return [movie.names, {name: path and sha256_of(path) for name, path in files.items()}, whole.cues, story]


def _assembled(movie: _Movie, speech) -> Movie:
    """The finished movie made from its pieces: joined or taken whole, its .srt conformed, its track laid."""
    if not movie.split:
        whole = movie.whole
        return assemble.whole(movie.job, movie.names, whole.movie, whole.subtitles, whole.clips, speech, whole.cues)
    pieces = [movie.sections[s] for s in movie.names]
    return assemble.joined(movie.job, [p for p in pieces if p.clip], movie.folder, speech, story_of(movie.scene))


def _say_rendered(movie: _Movie) -> None:
    if movie.split and movie.rendered:
        again = [s for s in movie.names if s in movie.rendered]
        kept = [s for s in movie.names if s not in movie.rendered]
        print(
            f"{movie.job.scene}: rendered {', '.join(again)}; from the cache: {', '.join(kept) or 'nothing'}",
            flush=True,
        )


def _serve_finished(store: Store, movie: _Movie, key: str) -> Movie | None:
    """The finished movie the cache holds for ``key``, each file checked by its sha256 (None: make it). Served
    into a folder of its own, so a damaged file found half-way leaves the pieces to assemble untouched."""
    entry = store.get(key)
    if entry is None:
        return None
    job, sections = movie.job, [tuple(pair) for pair in entry.facts.get("sections", ())]
    names = {"movie": f"{job.scene}.{job.format}"}
    if "srt" in entry.files:
        names["srt"] = f"{job.scene}.srt"
    names.update({f"clip:{n}": f"sections/{clip}" for n, (_, clip) in enumerate(sections)})
    names.update({name: name.removeprefix("beside:") for name in entry.files if name.startswith("beside:")})
    files = store.restore(entry, movie.folder / "finished", names)
    if files is None:
        return None
    clips = tuple((name, files[f"clip:{n}"]) for n, (name, _) in enumerate(sections))
    beside = tuple(path for name, path in sorted(files.items()) if name.startswith("beside:"))
    return Movie(files["movie"], files.get("srt"), clips, beside)


def _keep_finished(store: Store, key: str, finished: Movie) -> None:
    """Remember the finished movie, its .srt and its clips (by their names, in order) under ``key``."""
    files = {"movie": finished.path, **({"srt": finished.subtitles} if finished.subtitles else {})}
    files.update({f"clip:{n}": path for n, (_, path) in enumerate(finished.sections)})
    files.update({f"beside:{path.name}": path for path in finished.beside})  # its chapter list, its transcripts
    store.put(key, files, {"sections": [[name, path.name] for name, path in finished.sections]})
