"""Crash-safe JSON Lines files: whole-line appends, tail recovery, tolerant reading.

Each record is serialised first and written with one `write` of the complete line followed by
a flush, so a killed process leaves at most one unterminated tail. On open, a tail without
its newline (or a last line that is not valid JSON) is moved aside to `<file>.partial-<time>`
and the file truncated to its last complete line: every line in the file is valid JSON.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "JsonlWriter",
    "OutputBusyError",
    "dumps_line",
    "iter_jsonl",
    "output_busy",
    "recover_tail",
]

logger = logging.getLogger(__name__)

# How far back from the end a truncated tail is searched for; a record is rarely above 1 MB.
TAIL_SCAN_BYTES = 8 * 1024 * 1024


def dumps_line(record: dict[str, Any]) -> bytes:
    """One record as one UTF-8 JSON line (compact, non-ASCII kept readable)."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def recover_tail(path: Path) -> Path | None:
    """Make `path` end on a complete, valid JSON line; return where a bad tail was moved.

    Only the end of the file is inspected: earlier lines were complete when written.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    size = path.stat().st_size
    start = max(0, size - TAIL_SCAN_BYTES)
    with path.open("rb") as fh:
        fh.seek(start)
        chunk = fh.read()
    if chunk.endswith(b"\n"):
        last_start = chunk.rfind(b"\n", 0, len(chunk) - 1) + 1
        try:
            json.loads(chunk[last_start:])
            return None
        except ValueError:
            cut = last_start
    else:
        cut = chunk.rfind(b"\n") + 1  # 0 when the window holds no newline at all
        if cut == 0 and start > 0:
            raise OSError(f"{path}: no line break in the last {TAIL_SCAN_BYTES} bytes")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.partial-{stamp}")
    aside.write_bytes(chunk[cut:])
    with path.open("r+b") as fh:
        fh.truncate(start + cut)
    logger.warning(
        "%s ended in an incomplete line (%d bytes); moved it to %s", path, len(chunk) - cut, aside
    )
    return aside


class OutputBusyError(OSError):
    """Another process holds the JSONL file open for writing."""


def _lock(fh: Any, path: Path) -> None:
    """Take the file's exclusive advisory lock, or raise OutputBusyError at once."""
    if fcntl is None:  # not POSIX: no lock, as before
        return
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise OutputBusyError(f"{path} is being written by another process") from None


def output_busy(path: Path) -> bool:
    """Whether another process is writing `path` now (holds its writer's lock)."""
    if fcntl is None or not Path(path).is_file():
        return False
    with Path(path).open("rb") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    return False


class JsonlWriter:
    """Append records to a JSONL file, one complete line per write, flushed each time.

    The writer holds an exclusive lock on the file while it is open: two crawls appending
    to one output would each read it back as it was at their start and write the same
    articles twice, so the second one is refused (OutputBusyError).
    """

    def __init__(self, path: Path, *, fsync_every: int = 0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("ab")
        _lock(self._fh, self.path)  # before the tail check: another writer may be mid-line
        self.set_aside = recover_tail(self.path)
        self._fsync_every = fsync_every
        self.written = 0

    def write(self, record: dict[str, Any]) -> None:
        self._fh.write(dumps_line(record))
        self._fh.flush()
        self.written += 1
        if self._fsync_every and self.written % self._fsync_every == 0:
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()

    def __enter__(self) -> JsonlWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def iter_jsonl(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """Yield (line number, parsed object or None, error message or None) for every line."""
    with Path(path).open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                yield number, json.loads(raw), None
            except (ValueError, UnicodeDecodeError) as exc:
                yield number, None, f"not valid JSON: {exc}"
