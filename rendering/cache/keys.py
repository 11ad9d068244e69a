"""The key a render is remembered by: everything its output depends on, hashed.

What belongs here: composing the key of a movie piece (a section of a scene, or the whole scene) and of a
scene's stills from the job's options, the look, the request and its trace digest, the digest of the code and
assets that draw it (codehash.py) and the library versions. A section's key names its own code only; the cache
files it under this key and the digest of the state it starts from (see renders.py), and two renders that
agree on both draw the same frames, so the cache may serve the earlier one's. A finished movie's key names what
it is assembled from (its pieces' bytes, cues and clocks), the voice, and the code that assembles it.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

import attention
from rendering.cache import codehash
from rendering.cache.timing import keyed_look
from rendering.spec import Look, MovieJob, StillJob

LAYOUT = 1  # bump when what a cache entry holds changes
# The worker-side code of each kind of render (the project modules they import follow).
MOVIE_WORKER = ("rendering.parallel.film",)
STILLS_WORKER = ("rendering.workers.scene_jobs", "rendering.workers.stills")
# The code that makes a finished movie from its pieces: the join, the track and mux, the timed-text rules.
ASSEMBLY = ("rendering.parallel.assemble",)


@cache
def _code(scene: type, section: str | None, worker: tuple[str, ...]) -> str:
    return codehash.digest(codehash.scene_files(scene, section) | codehash.walk(worker))


@cache
def _trace(request: attention.Request) -> str:
    return request.trace().digest()


def _key(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, default=repr).encode()).hexdigest()


def _common(request: attention.Request, look: Look) -> dict:
    return {
        "layout": LAYOUT,
        "request": repr(request),
        "trace": _trace(request),
        "look": repr(look),
        "versions": codehash.versions(),
    }


def movie_key(
    scene: type, job: MovieJob, section: str | None, request: attention.Request, look: Look, clips: bool
) -> str:
    """The key of ``scene``'s section ``section`` (None: the whole movie, with Manim's clips if ``clips``): the
    voice only as "voiced", its takes' lengths being in the variant the piece is kept under (timing.py)."""
    return _key(
        {
            **_common(request, keyed_look(look)),
            "piece": "section" if section is not None else "whole",
            "scene": scene.__name__,
            "sections": scene.part.section_names,
            "section": section,
            "movie": job.identity.picture_format,
            "clips": clips,
            "code": _code(scene, section, MOVIE_WORKER),
        }
    )


def stills_key(scene: type, job: StillJob, request: attention.Request, look: Look) -> str:
    code = _code(scene, None, STILLS_WORKER)
    return _key({**_common(request, look), "piece": "stills", "job": repr(job), "code": code})


def finished_key(job: MovieJob, pieces, request: attention.Request, look: Look) -> str:
    """The key of ``job``'s finished movie (joined, voiced, its .srt and clips): ``pieces`` says what it is made
    of (each piece's sha256 and its clock, subtitles and cues, with their texts), the look names the voice and its
    takes (the engine's identity), and the assembly's code its timed-text rules, track and mux."""
    return _key(
        {
            **_common(request, look),
            "piece": "finished",
            "job": repr(job),
            "pieces": pieces,
            "code": _code_of(ASSEMBLY),
        }
    )


@cache
def _code_of(modules: tuple[str, ...]) -> str:
    return codehash.digest(codehash.walk(modules))
