"""Objects kept on disk until they are needed once more: a spool of pickles.

Offline cleaning holds every page of its input until the end (see `core.cleaner`), and then
every record until its turn in input order; kept in memory, both grow with the input. A spool
keeps them in an anonymous temporary file instead (gone when closed, or when the process
ends), each read back by where it was written.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from typing import Any

__all__ = ["Spool"]


class Spool:
    """`put` an object, keep the place it returns, `take` the object back from there."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())

    def put(self, obj: Any) -> tuple[int, int]:
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        offset = self._file.seek(0, os.SEEK_END)
        self._file.write(data)
        return offset, len(data)

    def take(self, place: tuple[int, int]) -> Any:
        self._file.seek(place[0])
        return pickle.loads(self._file.read(place[1]))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
