"""JOBDIR handling: pending requests on disk by default, and safe to resume after SIGKILL.

`DiskFrontier` gives a crawl without a JOBDIR a temporary one, so Scrapy keeps its request
queue on disk. `JobdirGuard` makes a JOBDIR safe to resume after SIGKILL, not only after a
clean stop.

Scrapy writes a JOBDIR's request queue state and its seen-fingerprints file as it goes but
makes them consistent only on a clean shutdown. After SIGKILL (OOM killer, a pod evicted, a
power cut) `requests.seen` may list requests whose queue entries were never saved: a resumed
crawl would then filter them, and the start requests with them, and lose their articles for
good. The guard leaves a marker file in the JOBDIR while a crawl runs; a marker found at start
means the last process died, and the queue and the seen file are discarded so the crawl
re-seeds from its start URLs. The seen file is discarded after a clean stop too, because the
requests that were in flight at the stop are in it but in no queue. Re-seeding costs little:
the incremental store skips every article already written (see `newscrawl.middlewares`).

It must run before Scrapy's scheduler opens the JOBDIR, so it is an extension (extensions are
built before the engine and its scheduler).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from newscrawl.ops.dupefilter import SEEN_DB

__all__ = ["MARKER", "DiskFrontier", "JobdirGuard", "remove_orphan_frontiers", "reset_jobdir"]

logger = logging.getLogger(__name__)

MARKER = "newscrawl-running"
# Temporary frontiers are "<prefix><pid>-<random>" in the system's temp dir.
FRONTIER_PREFIX = "newscrawl-frontier-"
_QUEUE = "requests.queue"
_SEEN = "requests.seen"
DUPEFILTER = "newscrawl.ops.dupefilter.DiskDupeFilter"


def reset_jobdir(jobdir: Path) -> str | None:
    """Prepare `jobdir` for a restart; return "killed", "stopped" or None (fresh)."""
    marker = jobdir / MARKER
    seen = [jobdir / _SEEN, jobdir / SEEN_DB]  # Scrapy's seen file, DiskDupeFilter's table
    if marker.exists():
        shutil.rmtree(jobdir / _QUEUE, ignore_errors=True)
        for path in seen:
            path.unlink(missing_ok=True)
        marker.unlink()
        return "killed"
    if any(path.exists() for path in seen):
        for path in seen:
            path.unlink(missing_ok=True)
        return "stopped"
    return None


class JobdirGuard:
    """Reset a JOBDIR left by a killed crawl; mark the JOBDIR while a crawl runs.

    Settings: JOBDIR (nothing to do without one), NEWSCRAWL_JOBDIR_GUARD_ENABLED.
    Stats: newscrawl/jobdir/reset/killed, newscrawl/jobdir/reset/stopped.
    """

    def __init__(self, jobdir: Path, crawler: Crawler | None = None) -> None:
        self.jobdir = jobdir
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobdirGuard:
        s = crawler.settings
        if not s.getbool("NEWSCRAWL_JOBDIR_GUARD_ENABLED", True):
            raise NotConfigured  # turned off: no message, so Scrapy logs no warning
        jobdir = s.get("JOBDIR") or ""
        if not jobdir:
            raise NotConfigured  # no JOBDIR (the usual case): nothing to guard, no warning
        guard = cls(Path(jobdir), crawler)
        state = reset_jobdir(guard.jobdir)
        if state is not None:
            logger.warning("JOBDIR %s was left by a %s crawl; re-seeding", jobdir, state)
            assert crawler.stats is not None
            crawler.stats.set_value(f"newscrawl/jobdir/reset/{state}", 1)
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def spider_opened(self, spider: Any = None) -> None:
        self.jobdir.mkdir(parents=True, exist_ok=True)
        (self.jobdir / MARKER).write_text(f"{os.getpid()}\n", encoding="utf-8")

    def spider_closed(self, spider: Any = None, reason: str = "") -> None:
        (self.jobdir / MARKER).unlink(missing_ok=True)


class DiskFrontier:
    """Scrapy add-on: keep the pending requests on disk, in a temporary JOBDIR if none is set.

    Scrapy queues every request a callback yields at once: a sitemap of 50,000 articles is
    50,000 Request objects in memory before the first is fetched, and the crawler grows with
    the frontier. With a JOBDIR, Scrapy's own scheduler keeps its queues on disk (pickled, in
    SCHEDULER_DISK_QUEUE), so memory stays flat however long the crawl. A crawl that sets its
    JOBDIR (scheduled runs, resumable crawls) keeps it; any other gets a fresh temporary
    directory, removed when the add-on is released at the end of the process (and, after a
    SIGKILL, by the next crawl that starts). The seen-request fingerprints go there as well
    (`DiskDupeFilter`), so neither the frontier nor the dupefilter grows in memory. With the
    Redis scale-out both are in Redis, and nothing changes.

    Settings: NEWSCRAWL_DISK_FRONTIER, JOBDIR, NEWSCRAWL_REDIS_URL.
    Sets: JOBDIR (when none is set), DUPEFILTER_CLASS.
    """

    def __init__(self) -> None:
        self.jobdir: Path | None = None

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.getbool("NEWSCRAWL_DISK_FRONTIER", True):
            return
        if settings.get("NEWSCRAWL_REDIS_URL"):
            return
        # The seen fingerprints go to the JOBDIR too (a project's own DUPEFILTER_CLASS wins).
        settings.set("DUPEFILTER_CLASS", DUPEFILTER, priority="addon")
        if settings.get("JOBDIR"):
            return
        remove_orphan_frontiers()
        self.jobdir = Path(tempfile.mkdtemp(prefix=f"{FRONTIER_PREFIX}{os.getpid()}-"))
        # Removed when the crawler releases the add-on, or at interpreter exit at the latest.
        weakref.finalize(self, shutil.rmtree, self.jobdir, ignore_errors=True)
        settings.set("JOBDIR", str(self.jobdir), priority="addon")


def remove_orphan_frontiers(tempdir: Path | None = None) -> int:
    """Delete temporary frontiers whose crawl process is gone; return how many.

    A crawl killed with SIGKILL (or by the OOM killer) cannot remove its own, and a big
    sitemap's queue is hundreds of megabytes. Each directory is named after its process id;
    a directory whose process still runs (or whose id another process now has) is kept.
    """
    removed = 0
    for path in Path(tempdir or tempfile.gettempdir()).glob(f"{FRONTIER_PREFIX}*-*"):
        pid = path.name.removeprefix(FRONTIER_PREFIX).partition("-")[0]
        if not pid.isdigit() or _process_exists(int(pid)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    if removed:
        logger.info("removed %d temporary frontier(s) left by killed crawls", removed)
    return removed


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
