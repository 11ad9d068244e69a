"""Takes made ahead of filming, spread over the workers: the voice off the picture's critical path.

The pictures wait for the takes' lengths (a cached section is served only if its takes last as long as when it
was filmed: rendering/cache/timing.py), so every take a run already knows it may need (the cues the cache lists
for the pieces of its movies) and the speech cache lacks is made first, in as many worker processes as the run
has, each take measured and normalised once as it is made (speech.py). A take the run could not know about (a
section never filmed before) is made by the worker that films it, at the cue that speaks it.
"""

from __future__ import annotations

from rendering.voice import cache


def _speak(voice, pairs: list[tuple[str, str]]) -> int:
    """Make (measure, normalise and keep) the takes of ``pairs`` in ``voice``, in a worker."""
    from rendering.voice.speech import Speech

    speech = Speech(voice)
    for cue, text in pairs:
        speech.length(cue, text)
    return len(pairs)


def missing(voice, pairs) -> list[tuple[str, str]]:
    """The (cue id, text) of ``pairs`` whose take the speech cache has not measured in ``voice``, sorted."""
    return sorted((cue, text) for cue, text in set(pairs) if cache.known_length(voice.identity, cue, text) is None)


def speak_ahead(speech, pairs, jobs: int) -> int:
    """Make the takes of ``pairs`` (cue id, text) that the speech cache lacks in ``speech``'s voice, in up to
    ``jobs`` workers (longest texts first, dealt in turn, so the workers finish together); how many were made.

    Examples
    --------
    >>> speak_ahead(None, [("intro.00", "Hello.")], 2)  # silent: nothing to speak
    0
    """
    if speech is None:
        return 0
    todo = sorted(missing(speech.voice, pairs), key=lambda pair: -len(pair[1]))
    if not todo:
        return 0
    from rendering.workers.pool import run_jobs

    workers = max(1, min(jobs, len(todo)))
    calls = [(_speak, (speech.voice, todo[n::workers])) for n in range(workers)]
    print(f"speaking {len(todo)} take(s) ahead of filming with {workers} job(s)", flush=True)
    return sum(run_jobs(workers, calls))
