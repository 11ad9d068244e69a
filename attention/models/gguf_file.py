"""Reading a GGUF file (llama.cpp's format) with the ``gguf`` package: metadata, and tensors dequantised in NumPy.

The file is parsed from the very bytes whose sha256 was checked, never re-read from disk, so the
weights used are the weights checked. ``gguf`` is imported only when a file is read, so that
``import attention`` stays light.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .files import ModelError

if TYPE_CHECKING:
    from gguf import GGUFReader


def parse(path: Path, contents: bytes, what: str) -> GGUFReader:
    """A ``gguf.GGUFReader`` over ``contents``, the file at ``path`` already in memory; ModelError if it is no GGUF.

    Examples
    --------
    >>> reader = parse(path, path.read_bytes(), "the model")  # doctest: +SKIP
    >>> reader.fields["general.architecture"].contents()  # doctest: +SKIP
    'llama'
    """
    from gguf import GGUFReader

    class BytesReader(GGUFReader):
        # GGUFReader maps the file itself (np.memmap) and slices it ~250,000 times while parsing the
        # vocabulary; over a plain array of the checked bytes the same parse takes a third of the time.
        # Its __init__ still opens ``path`` (np.memmap is lazy: nothing is read), then parses ``data``.
        data = property(lambda self: self._contents, lambda self, _mapped: None)

        def __init__(self, array: np.ndarray) -> None:
            self._contents = array
            super().__init__(path)

    try:
        return BytesReader(np.frombuffer(contents, dtype=np.uint8))
    except (ValueError, KeyError, IndexError) as exc:
        raise ModelError(f"{what} is not a readable GGUF file ({exc})") from None


class GGUFTensors:
    """The tensors of a parsed GGUF file by name, dequantised to float32 on request (a ``llama.TensorSource``)."""

    def __init__(self, reader: GGUFReader, what: str) -> None:
        self.what = what
        self.tensors = {t.name: t for t in reader.tensors}
        self.fields = reader.fields

    def has(self, name: str) -> bool:
        return name in self.tensors

    def _tensor(self, name: str):
        try:
            return self.tensors[name]
        except KeyError:
            raise ModelError(f"{self.what} lacks the tensor {name}") from None

    def matrix(self, name: str) -> np.ndarray:
        """Tensor ``name`` dequantised (Q4_1, Q8_0, F32, ...), rows as stored: a linear layer's out x in."""
        from gguf.quants import dequantize

        tensor = self._tensor(name)
        return dequantize(tensor.data, tensor.tensor_type)

    def rows(self, name: str, ids: np.ndarray) -> np.ndarray:
        """Rows ``ids`` of tensor ``name``: each row is whole quantisation blocks, so only those are dequantised."""
        from gguf.quants import dequantize

        tensor = self._tensor(name)
        return dequantize(tensor.data[np.asarray(ids)], tensor.tensor_type)

    @cached_property
    def types(self) -> dict[str, int]:
        """How many tensors of each storage type (Q4_1, F32, ...)."""
        counts: dict[str, int] = {}
        for tensor in self.tensors.values():
            counts[tensor.tensor_type.name] = counts.get(tensor.tensor_type.name, 0) + 1
        return counts

    def field(self, key: str, default: Any = ModelError) -> Any:
        """The metadata value ``key`` (a number, string or list); ModelError when absent and no default is given."""
        if key in self.fields:
            return self.fields[key].contents()
        if default is ModelError:
            raise ModelError(f"{self.what} lacks the metadata {key}")
        return default
