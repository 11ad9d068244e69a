"""manifest.json: every file a run wrote, with what made it and its sha256."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path

from rendering.errors import UserError
from rendering.files import temporary_beside
from rendering.ownership import manifest_files
from rendering.spec import Written
from rendering.timed_text.chapters import read_chapters


def inputs_record(request, look) -> dict:
    """The options that decide the numbers and the look, as the manifest records them."""
    return {
        "sentence": request.sentence,
        "tokens": list(request.drawn_tokens),
        "seed": request.seed,
        "d": request.d,
        "dk": request.d_k,
        "heads": request.heads,
        "mask": request.mask or "none",
        "model": request.model_name,
        "model_weights": (
            f"{request.card.weights_note}: its maps differ slightly from the full-precision model's"
            if request.model is not None and request.card.weights_note
            else None
        ),
        "layer": request.layer,
        "head": request.head,
        "row": request.row,  # the online softmax's, as given (None: the core's choice)
        "block": request.block,
        "steps": request.decode_steps,  # tokens a cached run decodes, the default filled in
        "theme": look.theme,
        "decimals": look.decimals,
        "numbers": look.numbers,
        "transparent": look.transparent,
        "voice": None if look.voice is None else look.voice.about(),
    }


def sha256_of(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def media_duration(path: Path) -> float | None:
    """Seconds of a video file, read with PyAV (which Manim installs)."""
    import av

    try:
        with av.open(str(path)) as container:
            if container.duration is not None:
                return round(container.duration / 1_000_000, 3)
            stream = container.streams.video[0]
            return round(float(stream.duration * stream.time_base), 3) if stream.duration else None
    except (av.FFmpegError, IndexError):
        return None


def entry(item: Written, out: Path, inputs: dict, trace_sha256: str) -> dict:
    record = {
        "file": str(item.path.relative_to(out)),
        "scene": item.scene,
        "part": item.part,
        "section": item.section,
        "step": item.step,
        "kind": item.kind,
        "format": item.format,
        "resolution": list(item.resolution) if item.resolution else None,
        "fps": item.fps,
        "duration": media_duration(item.path) if item.kind in ("video", "section") else None,
        "inputs": inputs,
        "seed": inputs["seed"],
        "trace_sha256": trace_sha256,
        "sha256": sha256_of(item.path),
    }
    if item.kind == "video" and (chapters := read_chapters(item.path)):
        record["chapters"] = chapters  # as the movie carries them (timed_text/chapters.py), read back from it
    if item.caption is not None:
        record["caption"] = item.caption
    if item.units is not None:
        record["units"] = list(item.units)
    return record


def write_manifest(
    out: Path,
    files: list[Written],
    inputs: dict,
    trace_sha256: str,
    versions: dict,
    run_id: str,
    not_drawn: list[dict] | None = None,
    force: bool = False,
) -> Path:
    """Record this run's files in out/manifest.json, keeping the entries of earlier runs whose files
    are still there unchanged; under a lock, so concurrent runs into one folder both get recorded.
    ``not_drawn``: the scenes this run could not draw, each {"scene", "kind", "reason"}.

    Checked again here, since the checks before the work: a file at manifest.json that is not a manifest of ours
    (one put there during the run) is replaced only with ``force``, and a folder never; a UserError otherwise,
    which says that the files already published are complete."""
    target = out / "manifest.json"
    folder = os.open(out, os.O_RDONLY | os.O_DIRECTORY)  # the folder itself is the lock: no file of ours is left
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        _check_replaceable(target, len(files), force)
        records = {record["file"]: record for record in _still_valid(out, target)}
        records.update((r["file"], r) for r in (entry(item, out, inputs, trace_sha256) for item in files))
        document = {**versions, "files": [records[name] for name in sorted(records)]}
        if not_drawn:
            document["not_drawn"] = not_drawn
        partial = temporary_beside(target)  # a new file of ours: never a user's, removed if anything fails
        try:
            partial.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
            _place(partial, target, len(files), force)
        finally:
            partial.unlink(missing_ok=True)
    finally:
        os.close(folder)  # and with it the lock
    return target


def _check_replaceable(target: Path, published: int, force: bool) -> None:
    """A UserError if ``target`` is a folder, or (without ``force``) a file that is not a manifest of ours."""
    if not os.path.lexists(target) or manifest_files(target) is not None:
        return
    folder = os.path.isdir(target) and not os.path.islink(target)
    if folder or not force:
        what = "a folder" if folder else "not a manifest of ours"
        advice = "" if folder else ", or give --force to replace it"
        raise UserError(
            f"{target} is {what} (it appeared during the run), so it is not replaced; the {published} file(s) "
            f"published are complete but not recorded: move it away and run again (they are reused){advice}"
        )


def _place(partial: Path, target: Path, published: int, force: bool) -> None:
    """Put the new manifest at ``target``: where nothing is, by a link, which never replaces a file that appears
    meanwhile (then checked again); else by an atomic rename over the manifest of ours checked just before."""
    if not os.path.lexists(target):
        try:
            os.link(partial, target)
            return
        except FileExistsError:
            _check_replaceable(target, published, force)
    os.replace(partial, target)


def _still_valid(out: Path, manifest: Path) -> list[dict]:
    """The records of an earlier manifest of ours whose files are still there unchanged (none if it is not ours)."""
    if manifest_files(manifest) is None:
        return []
    kept = []
    for record in json.loads(manifest.read_bytes())["files"]:
        try:
            path = out / record["file"]
            if path.is_file() and sha256_of(path) == record["sha256"]:
                kept.append(record)
        except (OSError, KeyError, TypeError):
            continue  # a record damaged by hand: its file is no longer vouched for
    return kept
