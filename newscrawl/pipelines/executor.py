"""Where page-local extraction runs: inline on the reactor thread, or in worker processes.

Scrapy runs on one thread and extraction is CPU work (tens of milliseconds a page), so inline
extraction caps a crawl at what one core can parse while downloads sit idle. `PoolExecutor`
sends each page to a `pebble.ProcessPool` instead and awaits the result through
`asyncio.wrap_future`, so the reactor keeps fetching while the workers parse. Only
`extract_page` goes to the pool (through `newscrawl.core.worker`): it needs nothing but the
page and returns a small picklable `PageExtraction` without HTML. The site-level template
model (`Cleaner`) is stateful and cheap and stays in the main process, where every page of a
site meets the same model.

A worker that dies or runs past the timeout is replaced by pebble and only its page fails; that
page comes back as a `PageExtraction` with `error="worker_crashed"` or `"worker_timeout"`, so
the cleaning pipeline counts it under `newscrawl/dropped/<reason>` instead of losing it.
In-flight tasks are capped with a semaphore: pages beyond the cap wait in `extract` (and hold
their Scrapy scraper slot), so the pool's queue and memory stay bounded however fast Scrapy
fetches. Workers are spawned (never a fork of the running reactor), import only the
extraction core, and are recycled after `MAX_TASKS_PER_WORKER` pages.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import TimeoutError as FutureTimeoutError
from datetime import datetime
from typing import Any, Protocol

from pebble import ProcessExpired, ProcessPool

from newscrawl.core import worker
from newscrawl.core.types import ArticlePart, PageExtraction

__all__ = ["Executor", "InlineExecutor", "PoolExecutor", "cpu_count", "make_executor"]

logger = logging.getLogger(__name__)

# Pages a worker extracts before pebble replaces it, so caches and allocator fragmentation
# cannot grow a worker without bound; measured workers level off after the first ~200 pages.
MAX_TASKS_PER_WORKER = 5000
# In-flight tasks per worker: two keep every worker busy while the next page is pickled and
# the last result travels back; more would only queue HTML (and memory) in the pool.
IN_FLIGHT_PER_WORKER = 2
# "spawn" starts each worker as a fresh interpreter, never a fork of the running Twisted
# reactor (with its threads, sockets and event loop). A forkserver would start workers faster
# (a fork instead of a ~0.5 s import, paid once per worker life of MAX_TASKS_PER_WORKER pages)
# but is one more resident process of ~50 MB for the whole crawl. Spawned workers import only
# what unpickling their task names (`newscrawl.core.worker.extract`, then lxml, trafilatura and
# the pure core), never this module, whose package pulls in Scrapy; the crawler, in turn, never
# imports trafilatura. Language detection runs in the crawler process, on the clean text.
START_METHOD = "spawn"
# How long `close` waits for queued pages before it kills the workers: by the time the
# pipeline closes every page has been awaited, so this only bounds a shutdown gone wrong.
CLOSE_GRACE_SECONDS = 5.0

TIMEOUT_REASON = "worker_timeout"
CRASH_REASON = "worker_crashed"
ERROR_REASON = "worker_error"


class Executor(Protocol):
    async def extract(
        self,
        html: str | bytes,
        url: str,
        fetched_at: datetime | None,
        encoding: str | None = None,
        parts: Sequence[ArticlePart] = (),
    ) -> PageExtraction: ...

    def close(self) -> None: ...


class InlineExecutor:
    """Extract on the calling thread: simplest, and right for one core or for tests."""

    async def extract(
        self,
        html: str | bytes,
        url: str,
        fetched_at: datetime | None,
        encoding: str | None = None,
        parts: Sequence[ArticlePart] = (),
    ) -> PageExtraction:
        return worker.extract(html, url, fetched_at=fetched_at, encoding=encoding, parts=parts)

    def close(self) -> None:
        pass


class PoolExecutor:
    """Extract in a pebble process pool, with at most `max_in_flight` pages submitted at once.

    `peak_in_flight` records the most tasks ever submitted and unfinished together; `failures`
    counts failed tasks by reason.
    """

    def __init__(
        self,
        workers: int,
        timeout: float,
        *,
        max_tasks: int = MAX_TASKS_PER_WORKER,
        max_in_flight: int | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be >= 1: {workers}")
        if timeout <= 0:
            raise ValueError(f"timeout must be > 0: {timeout}")
        self.workers = workers
        self.timeout = timeout
        self.max_in_flight = max_in_flight or IN_FLIGHT_PER_WORKER * workers
        self.in_flight = 0
        self.peak_in_flight = 0
        self.failures: dict[str, int] = {}
        self._slots = asyncio.Semaphore(self.max_in_flight)
        self._pool = ProcessPool(
            max_workers=workers,
            max_tasks=max_tasks,
            initializer=worker.start,
            context=multiprocessing.get_context(START_METHOD),
        )

    async def extract(
        self,
        html: str | bytes,
        url: str,
        fetched_at: datetime | None,
        encoding: str | None = None,
        parts: Sequence[ArticlePart] = (),
    ) -> PageExtraction:
        # Bytes travel as they are (a copy, not an encode) and are decoded in the worker.
        kwargs = {"fetched_at": fetched_at, "encoding": encoding, "parts": parts}
        page: PageExtraction = await self.run(worker.extract, html, url, url=url, kwargs=kwargs)
        return page

    async def run(
        self,
        function: Callable[..., Any],
        *args: Any,
        url: str,
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        """Run a module-level `function(*args, **kwargs)` in the pool under the in-flight cap.

        A timeout or a dead worker becomes a `PageExtraction(url, error=<reason>)`. This is the
        path `extract` takes; tests submit their own hanging or crashing functions through it.
        """
        async with self._slots:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            try:
                future = self._pool.schedule(
                    function, args=args, kwargs=kwargs or {}, timeout=self.timeout
                )
                return await asyncio.wrap_future(future)
            except FutureTimeoutError:
                return self._failed(url, TIMEOUT_REASON, f"over {self.timeout:g} s")
            except ProcessExpired as exc:
                return self._failed(url, CRASH_REASON, f"exit code {exc.exitcode}")
            except Exception as exc:  # an exception raised in the worker, re-raised here
                return self._failed(url, ERROR_REASON, repr(exc))
            finally:
                self.in_flight -= 1

    def _failed(self, url: str, reason: str, detail: str) -> PageExtraction:
        self.failures[reason] = self.failures.get(reason, 0) + 1
        logger.warning("extraction of %s failed in a worker (%s: %s)", url, reason, detail)
        return PageExtraction(url=url, error=reason)

    def close(self) -> None:
        """Let queued pages finish (briefly), then stop the workers and pebble's threads."""
        self._pool.close()  # type: ignore[no-untyped-call]
        deadline = time.monotonic() + CLOSE_GRACE_SECONDS
        try:
            self._pool.join(timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            logger.warning(
                "extraction workers still busy after %s s; stopping them", CLOSE_GRACE_SECONDS
            )
            self._pool.stop()  # type: ignore[no-untyped-call]
            self._pool.join()


def cpu_count() -> int:
    """Cores this process may run on (its affinity mask, which containers narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def make_executor(workers: int, timeout: float) -> Any:
    """The executor for NEWSCRAWL_CLEAN_WORKERS (0: one worker per core, 1: inline)."""
    if workers < 0:
        raise ValueError(f"NEWSCRAWL_CLEAN_WORKERS must be >= 0: {workers}")
    count = workers or cpu_count()
    if count <= 1:
        return InlineExecutor()
    return PoolExecutor(count, timeout)
