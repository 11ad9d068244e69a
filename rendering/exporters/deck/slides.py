"""What both lecture-deck writers share: the Slide record, checking a slide list, poster frames, atomic writes.

The writers themselves live in html.py (one self-contained HTML file) and pptx.py (PowerPoint);
this module knows nothing about either format.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rendering.files import FOLDER_MODE, temporary_beside

# MIME types of the clip containers the project writes (Manim: mp4, or webm when transparent), and the codecs
# in them that browsers and PowerPoint play. Manim's .mov (ProRes/qtrle, for transparency) plays in neither.
VIDEO_MIME = {".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm"}
_PLAYABLE = {"video/mp4": {"h264"}, "video/webm": {"vp8", "vp9", "av1"}}
_PLAYABLE_PIX_FMT = {"h264": {"yuv420p", "yuvj420p"}}  # H.264 4:4:4 or 10-bit: most players refuse it
_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


MEDIA_NAMES = re.compile(r"[0-9]{2,}\.[A-Za-z0-9]+")  # what a deck's media folder holds: 01.mp4, 01.png, ...


class DeckError(Exception):
    """A deck cannot be written; the message is one line meant for the person running the command."""


@dataclass(frozen=True)
class Slide:
    title: str  # from the section, e.g. "Step 3: Softmax"
    clip: Path  # an mp4 (H.264) or webm clip of that section, with its stretch of the narration if narrated
    poster: Path  # a PNG of one frame of the clip (see extract_poster; render.py deck uses the last)
    notes: str  # the narration text (subtitle lines joined with newlines)
    label: str  # accessible label of the video, e.g. "Animation: Step 3, softmax on each row"


def check_slides(slides: Sequence[Slide]) -> list[Slide]:
    """The slides as a list, or DeckError if there are none, or a clip or poster is missing or unusable
    (a clip must be H.264 yuv420p mp4 or VP8/VP9/AV1 webm, a poster a PNG)."""
    slides = list(slides)
    if not slides:
        raise DeckError("no slides to write: the deck needs at least one section")
    for number, slide in enumerate(slides, 1):
        for what, path in (("clip", slide.clip), ("poster", slide.poster)):
            if not Path(path).is_file():
                raise DeckError(f"slide {number} ({slide.title!r}): {what} {path} does not exist")
        if Path(slide.clip).suffix.lower() not in VIDEO_MIME:
            raise DeckError(
                f"slide {number} ({slide.title!r}): clip {slide.clip} is not one of {', '.join(sorted(VIDEO_MIME))}"
            )
        codec, pix_fmt = probe_clip(slide.clip)
        mime = video_mime(slide.clip)
        if codec not in _PLAYABLE[mime] or pix_fmt not in _PLAYABLE_PIX_FMT.get(codec, {pix_fmt}):
            raise DeckError(
                f"slide {number} ({slide.title!r}): clip {slide.clip} is {codec} {pix_fmt}; a deck needs "
                "H.264 yuv420p in mp4, or VP8/VP9/AV1 in webm"
            )
        if _image_format(slide.poster) != "PNG":
            raise DeckError(f"slide {number} ({slide.title!r}): poster {slide.poster} is not a PNG")
    return slides


def probe_clip(clip: Path) -> tuple[str, str]:
    """(codec, pixel format) of the clip's first video stream, from its header (nothing is decoded)."""
    import av  # imported here: only the checks and poster extraction need it

    try:
        with av.open(str(clip)) as container:
            stream = container.streams.video[0]
            return stream.codec_context.name, stream.codec_context.format.name if stream.codec_context.format else "?"
    except (av.FFmpegError, IndexError) as exc:
        raise DeckError(f"cannot read {clip} as a video: {_one_line(exc)}") from None


def has_sound(clip: Path) -> bool:
    """Whether the clip carries an audio track (a narrated render's section clip does), from its header."""
    import av

    try:
        with av.open(str(clip)) as container:
            return bool(container.streams.audio)
    except av.FFmpegError as exc:
        raise DeckError(f"cannot read {clip} as a video: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def video_mime(clip: Path) -> str:
    return VIDEO_MIME[Path(clip).suffix.lower()]


def check_colour(value: str, what: str) -> str:
    """A CSS/PowerPoint hex colour (#RGB or #RRGGBB), normalised to #RRGGBB upper case."""
    if not isinstance(value, str) or not _HEX_COLOUR.fullmatch(value):
        raise DeckError(f"{what} colour must look like #1D1E1A, not {value!r}")
    digits = value[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper()


# ----- poster frames ---------------------------------------------------------------------------------------------
def extract_poster(clip: Path, png: Path, which: Literal["first", "last"] = "first") -> Path:
    """Write the first (or last) frame of `clip` to `png` with PyAV; returns `png`."""
    import av

    clip, png = Path(clip), Path(png)
    if not clip.is_file():
        raise DeckError(f"clip {clip} does not exist")
    if which not in ("first", "last"):
        raise DeckError(f"which must be 'first' or 'last', not {which!r}")
    chosen = None
    try:
        with av.open(str(clip)) as container:
            # "last" decodes the whole clip: seeking near the end is unreliable with B-frames, and sections are short
            for frame in container.decode(container.streams.video[0]):
                chosen = frame
                if which == "first":
                    break
            image = chosen.to_image() if chosen is not None else None  # RGB
    except (av.FFmpegError, IndexError) as exc:
        raise DeckError(f"cannot read a frame of {clip}: {_one_line(exc)}") from None
    if image is None:
        raise DeckError(f"{clip} has no video frames")
    with atomic_file(png) as tmp:
        image.save(tmp, format="PNG")
    return png


def image_size(png: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(png) as image:
        return image.size


def _image_format(path: Path) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.format
    except (OSError, UnidentifiedImageError):
        return None


# ----- writing safely -------------------------------------------------------------------------------------------
def _prepare_folder(target: Path) -> Path:
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeckError(f"cannot create the folder {folder}: {exc.strerror or exc}") from None
    return folder


@contextmanager
def atomic_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to `target`; on success it becomes `target`, on any error it is removed.

    The temporary file is in the same folder so that os.replace is a rename on one file system.
    """
    target = Path(target)
    folder = _prepare_folder(target)
    if target.is_dir():
        raise DeckError(f"cannot write {target}: it is a folder")
    try:
        tmp = temporary_beside(target)
    except OSError as exc:
        raise DeckError(f"cannot write in {folder}: {exc.strerror or exc}") from None
    try:
        yield tmp
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DeckError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_folder(target: Path, ours: re.Pattern = MEDIA_NAMES) -> Iterator[tuple[Path, Callable[[], None]]]:
    """Yield (temporary folder, commit); commit() swaps it in for `target`, replacing an older one.

    An older one is replaced (and removed) only if it holds nothing but plain files named as ``ours`` (a deck's
    media); otherwise DeckError before anything is written, and it is left as it was. Without commit(), or on any
    error, the temporary folder is removed and `target` is left as it was.
    """
    target = Path(target)
    folder = _prepare_folder(target)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise DeckError(f"cannot write {target}: something that is not a folder of ours is in its place")
    if target.is_dir():
        foreign = [p for p in target.iterdir() if p.is_symlink() or not p.is_file() or not ours.fullmatch(p.name)]
        if foreign:
            raise DeckError(f"{target} holds {foreign[0].name}, which is not a deck's media, so it is not replaced")
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=folder))
    except OSError as exc:
        raise DeckError(f"cannot write in {folder}: {exc.strerror or exc}") from None
    old: Path | None = None
    committed = False

    def commit() -> None:
        nonlocal old, committed
        os.chmod(tmp, FOLDER_MODE)
        if target.exists():
            # os.replace cannot replace a non-empty folder: move the old one aside first
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=folder))
            os.replace(target, old / target.name)
        os.replace(tmp, target)
        committed = True

    try:
        yield tmp, commit
    except BaseException:
        if committed:
            shutil.rmtree(target, ignore_errors=True)  # what it belonged with never landed
        if old is not None:
            os.replace(old / target.name, target)  # so the previous media are back
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
