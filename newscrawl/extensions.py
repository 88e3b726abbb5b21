"""Crawl-wide extensions.

- StatsFile writes `<output>.stats.json` beside the JSONL when a crawl closes. The summary
  answers what people ask of a run first (how many pages, how many articles, what was dropped
  and why, which errors) and keeps Scrapy's full stats beneath for the rest.
- MemoryTrim hands the crawler's freed heap back to the OS every few seconds, so its resident
  size follows what it holds rather than its busiest moment.
- ShortNetworkErrors keeps Scrapy's robots.txt middleware from logging a 60-line traceback
  for every site it cannot reach: the one-line message says what happened.
- ParentWatch stops a crawl started by `newscrawl crawl` when that process is gone (killed
  with SIGKILL, which it cannot pass on), instead of crawling on as an orphan.
- Politeness holds each site to the pace it asks for: robots.txt's Crawl-delay, and the
  Retry-After of a 429 or 503 answer, which Scrapy's own components leave unread.
- OffsiteRedirects keeps the first URLs that redirects sent off the allowed domains, which
  Scrapy's offsite filter drops with a count only, so the summary can say where they went (a
  cookie-consent page, or a domain to allow).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import logging
import os
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    NotConfigured,
)
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import _schedule_coro
from scrapy.utils.url import url_is_from_any_domain
from twisted.internet.error import ConnectError, DNSLookupError, TCPTimedOutError

from newscrawl.pipelines.drop import keep_example
from newscrawl.pipelines.writer import stats_path

__all__ = [
    "MemoryTrim",
    "ParentWatch",
    "Politeness",
    "ShortNetworkErrors",
    "StatsFile",
    "can_trim",
    "malloc_trim",
    "summarize_stats",
]

logger = logging.getLogger(__name__)

# Stats keys counting failures, and the error kind each becomes in the summary.
_ERROR_PREFIXES = {
    "newscrawl/spider/fetch_failed/": "fetch",  # final failures, after retries
    "httperror/response_ignored_status_count/": "http",
    "spider_exceptions/": "spider",
}
# Requests not made by choice (the site's or the crawl's rules), with their summary names.
_SKIPPED = {
    "robotstxt/forbidden": "robots_txt",
    "offsite/filtered": "offsite",
    "newscrawl/incremental/skipped": "unchanged",
    "newscrawl/spider/skipped/before_since": "before_since",
    "newscrawl/spider/skipped/article_part": "article_part",  # joined to its first page instead
    "newscrawl/spider/skipped/already_in_output": "already_in_output",  # a listed page
    "newscrawl/spider/skipped/not_news": "not_news",  # old entries of a "news" sitemap
}


def _error_label(kind: str, name: str) -> str:
    if kind == "fetch":
        return name.replace("http_", "http/") if name.startswith("http_") else f"download/{name}"
    return f"{kind}/{name}" if name else kind


def _under(stats: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The stats named `prefix` + something, by that something, in name order."""
    return {k.removeprefix(prefix): v for k, v in sorted(stats.items()) if k.startswith(prefix)}


def summarize_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """Condense Scrapy stats into the run summary newscrawl documents."""
    errors: dict[str, int] = {}
    for key, value in stats.items():
        for prefix, kind in _ERROR_PREFIXES.items():
            if key.startswith(prefix) and isinstance(value, int):
                label = _error_label(kind, key.removeprefix(prefix).rsplit(".", 1)[-1])
                errors[label] = max(errors.get(label, 0), value)
    chars_in = int(stats.get("newscrawl/clean/chars_out", 0)) + int(
        stats.get("newscrawl/clean/chars_removed", 0)
    )
    return {
        "output": stats.get("newscrawl/writer/path"),
        "finish_reason": stats.get("finish_reason"),
        "start_time": _iso(stats.get("start_time")),
        "finish_time": _iso(stats.get("finish_time")),
        "elapsed_seconds": stats.get("elapsed_time_seconds"),
        "requests": stats.get("downloader/request_count", 0),
        "pages_fetched": stats.get("downloader/response_count", 0),
        "html_pages": stats.get("newscrawl/spider/pages", 0),
        "pages_cut_short": stats.get("newscrawl/spider/cut_short", 0),
        "pages_cleaned": stats.get("newscrawl/clean/pages", 0),
        "articles_written": stats.get("newscrawl/writer/written", 0),
        # The whole file's count: what a resumed run (same output) found there, plus its own.
        "records_in_output": stats.get("newscrawl/writer/written", 0)
        + max(
            stats.get("newscrawl/incremental/resumed", 0), stats.get("newscrawl/dedup/in_output", 0)
        ),
        "dropped": _under(stats, "newscrawl/dropped/"),
        "dropped_examples": _under(stats, "newscrawl/dropped_examples/"),
        "errors": dict(sorted(errors.items())),
        "skipped": {name: stats[key] for key, name in _SKIPPED.items() if stats.get(key)},
        "skipped_examples": _under(stats, "newscrawl/skipped_examples/"),
        # Feeds and news sitemaps found beside the given sources (the spider's `discover`).
        "discovered": _under(stats, "newscrawl/spider/discovered/"),
        "chars_removed": stats.get("newscrawl/clean/chars_removed", 0),
        "chars_kept": stats.get("newscrawl/clean/chars_out", 0),
        "removed_share": round(stats.get("newscrawl/clean/chars_removed", 0) / chars_in, 4)
        if chars_in
        else 0.0,
        "removed_by_rule": _under(stats, "newscrawl/clean/removed/"),
    }


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


class StatsFile:
    """Write the run summary and full stats as JSON next to the output file.

    Settings: NEWSCRAWL_STATS_FILE_ENABLED.
    Stats read: newscrawl/writer/path (set by JsonlWriterPipeline).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StatsFile:
        if not crawler.settings.getbool("NEWSCRAWL_STATS_FILE_ENABLED"):
            raise NotConfigured("NEWSCRAWL_STATS_FILE_ENABLED is off")
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider: Any = None, reason: str = "") -> None:
        assert self.crawler.stats is not None
        stats = dict(self.crawler.stats.get_stats())
        stats.setdefault("finish_reason", reason)
        output = stats.get("newscrawl/writer/path")
        if not output:
            return
        path = stats_path(Path(output))
        payload = {
            "summary": summarize_stats(stats),
            "stats": {k: _iso(v) for k, v in sorted(stats.items())},
        }
        path.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
        logger.info("run summary written to %s", path)


def _load_trim() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):  # no glibc: musl, macOS, Windows
        return None


_TRIM = _load_trim()


def can_trim() -> bool:
    return _TRIM is not None


def malloc_trim() -> None:
    """Return free heap memory to the OS (glibc's `malloc_trim(0)`); a no-op elsewhere.

    glibc keeps freed memory in its heaps for reuse, so a process's resident size creeps up
    to its busiest moment and stays there; the trim hands the free pages back.
    """
    if _TRIM is not None:
        _TRIM(0)


class MemoryTrim:
    """Calls `malloc_trim` every NEWSCRAWL_MEMORY_TRIM_INTERVAL seconds while the spider runs.

    Measured on `bench/crawl.py` (2,000 pages), each trim took the crawler process from about
    280 MB back to 255 MB between bursts, for well under a millisecond of CPU; the peak, set
    by the bursts themselves, did not move. Off without glibc.
    """

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MemoryTrim:
        interval = crawler.settings.getfloat("NEWSCRAWL_MEMORY_TRIM_INTERVAL")
        if interval <= 0:
            raise NotConfigured("NEWSCRAWL_MEMORY_TRIM_INTERVAL is 0")
        if not can_trim():
            raise NotConfigured("this C library has no malloc_trim")
        ext = cls(interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self._loop = create_looping_call(malloc_trim)
        self._loop.start(self.interval, now=False)

    def spider_closed(self, spider: Any) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()


# Exceptions that are the network's doing, not a bug: a traceback explains nothing more.
_NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    DownloadFailedError,
    DownloadCancelledError,
    ConnectError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
# Scrapy components that log network failures with their traceback.
_TRACEBACK_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt",)


class _DropNetworkTracebacks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, _NETWORK_ERRORS):
            record.exc_info, record.exc_text = None, None
        return True


class ShortNetworkErrors:
    """Log network failures in Scrapy's robots.txt middleware as one line, not a traceback.

    Settings: NEWSCRAWL_SHORT_NETWORK_ERRORS.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ShortNetworkErrors:
        if not crawler.settings.getbool("NEWSCRAWL_SHORT_NETWORK_ERRORS", True):
            raise NotConfigured
        for name in _TRACEBACK_LOGGERS:
            target = logging.getLogger(name)
            if not any(isinstance(f, _DropNetworkTracebacks) for f in target.filters):
                target.addFilter(_DropNetworkTracebacks())
        return cls()


class OffsiteRedirects:
    """Note where redirects off the allowed domains go: Scrapy's offsite filter drops them
    when they are scheduled, with a count only.

    Stats: newscrawl/skipped_examples/offsite (the first URLs).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OffsiteRedirects:
        ext = cls(crawler)
        crawler.signals.connect(ext.request_scheduled, signal=signals.request_scheduled)
        return ext

    def request_scheduled(self, request: Any, spider: Any) -> None:
        if "redirect_urls" not in request.meta or request.dont_filter:  # a dict lookup: cheap
            return
        domains = getattr(spider, "allowed_domains", None)
        offsite = domains and not url_is_from_any_domain(request.url, domains)
        if offsite and not request.meta.get("allow_offsite"):
            keep_example(self.stats, "newscrawl/skipped_examples/offsite", request.url)


class ParentWatch:
    """Close the spider (reason `parent_gone`) once the process that started it has exited.

    `newscrawl crawl` passes its pid as NEWSCRAWL_PARENT_PID and forwards the signals it gets;
    only SIGKILL cannot be forwarded, and then the crawl would run on, unseen, writing to a
    file its user believes finished. Settings: NEWSCRAWL_PARENT_PID (0: off, the default).
    """

    interval = 1.0

    def __init__(self, crawler: Crawler, parent: int) -> None:
        self.crawler = crawler
        self.parent = parent
        self.task: Any = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParentWatch:
        parent = crawler.settings.getint("NEWSCRAWL_PARENT_PID", 0)
        if parent <= 0:
            raise NotConfigured
        return cls(crawler, parent)

    def spider_opened(self, spider: Any = None) -> None:
        self.task = create_looping_call(self.check)
        self.task.start(self.interval, now=True)

    def check(self) -> None:
        if os.getppid() == self.parent:
            return
        logger.warning("the newscrawl process that started this crawl is gone: closing")
        self._stop()
        assert self.crawler.engine is not None
        _schedule_coro(self.crawler.engine.close_spider_async(reason="parent_gone"))

    def spider_closed(self, spider: Any = None) -> None:
        self._stop()

    def _stop(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()


class Politeness:
    """Keep each download slot (site) at least as slow as the site asks.

    - robots.txt `Crawl-delay: N` (for our user agent, or `*`): one request per N seconds to
      that site, capped at NEWSCRAWL_CRAWL_DELAY_MAX (a site asking for an hour would never be
      crawled). Read from the parser Scrapy's RobotsTxtMiddleware builds (`robots_parsed`).
    - `Retry-After` on a 429 or 503: the site's requests are spaced by that many seconds
      (capped at NEWSCRAWL_RETRY_AFTER_MAX) until it answers with something else; Scrapy's
      RetryMiddleware re-sends the request itself, now after the wait.

    Each is a floor under the slot's delay, without Scrapy's random spread below it, applied
    whenever a request reaches the downloader (a slot recreated after idling starts at the
    default delay) and again after AutoThrottle adjusts the delay from a response (AutoThrottle
    would lower it). Settings:
    NEWSCRAWL_CRAWL_DELAY_MAX, NEWSCRAWL_RETRY_AFTER_MAX (0 turns either off). Stats:
    newscrawl/politeness/crawl_delay (sites with one), newscrawl/politeness/retry_after (waits).
    """

    def __init__(self, crawler: Crawler, crawl_delay_max: float, retry_after_max: float) -> None:
        self.crawler = crawler
        self.crawl_delay_max = crawl_delay_max
        self.retry_after_max = retry_after_max
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get(
            "USER_AGENT", ""
        )
        self.crawl_delays: dict[str, float] = {}
        self.cooldowns: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Politeness:
        s = crawler.settings
        crawl_delay_max = s.getfloat("NEWSCRAWL_CRAWL_DELAY_MAX")
        retry_after_max = s.getfloat("NEWSCRAWL_RETRY_AFTER_MAX")
        robots_parsed = getattr(signals, "robots_parsed", None)  # Scrapy 2.15+
        if crawl_delay_max <= 0 or robots_parsed is None or not s.getbool("ROBOTSTXT_OBEY"):
            crawl_delay_max = 0.0
        if crawl_delay_max <= 0 and retry_after_max <= 0:
            raise NotConfigured("NEWSCRAWL_CRAWL_DELAY_MAX and NEWSCRAWL_RETRY_AFTER_MAX are 0")
        ext = cls(crawler, crawl_delay_max, retry_after_max)
        if crawl_delay_max > 0:
            crawler.signals.connect(ext.robots_parsed, signal=robots_parsed)
        crawler.signals.connect(ext.request_reached_downloader, signals.request_reached_downloader)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        return ext

    def robots_parsed(self, robotparser: Any, request: Any) -> None:
        reader = getattr(robotparser, "crawl_delay", None)
        try:
            delay = reader(self.user_agent) if reader is not None else None
        except Exception:  # a third-party parser's own failure: no delay is no harm
            delay = None
        if not delay or delay <= 0:
            return
        key = self._slot_key(request)
        self.crawl_delays[key] = min(float(delay), self.crawl_delay_max)
        self._inc("newscrawl/politeness/crawl_delay")
        logger.info("%s asks for %.1f s between requests (robots.txt Crawl-delay)", key, delay)
        self._apply(key)

    def request_reached_downloader(self, request: Any, spider: Any = None) -> None:
        self._apply(self._slot_key(request))

    def response_downloaded(self, response: Any, request: Any, spider: Any = None) -> None:
        key = self._slot_key(request)
        wait = self._retry_after(response) if response.status in (429, 503) else None
        if wait is not None:
            if key not in self.cooldowns:
                logger.info(
                    "%s answered %d with Retry-After %.0f s: spacing its requests by that",
                    key,
                    response.status,
                    wait,
                )
            self.cooldowns[key] = wait
            self._inc("newscrawl/politeness/retry_after")
        elif key in self.cooldowns and response.status not in (429, 503):
            del self.cooldowns[key]
        self._apply(key)

    def floor(self, key: str) -> float:
        """The least delay between two requests to slot `key`, in seconds."""
        return max(self.crawl_delays.get(key, 0.0), self.cooldowns.get(key, 0.0))

    def _retry_after(self, response: Any) -> float | None:
        """Seconds a Retry-After header asks for (a number, or an HTTP date), capped."""
        if self.retry_after_max <= 0:
            return None
        raw = (response.headers.get(b"Retry-After") or b"").decode("latin-1").strip()
        if not raw:
            return None
        if raw.isdigit():
            seconds = float(raw)
        else:
            try:
                when = parsedate_to_datetime(raw)
            except (TypeError, ValueError, IndexError):
                return None
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            seconds = (when - datetime.now(UTC)).total_seconds()
        return min(max(seconds, 0.0), self.retry_after_max) or None

    def _slot_key(self, request: Any) -> str:
        engine = self.crawler.engine
        if engine is None:
            return ""
        downloader: Any = engine.downloader
        # (Public since Scrapy 2.13; a private method before.)
        key_of = getattr(downloader, "get_slot_key", None) or downloader._get_slot_key
        return str(key_of(request))

    def _apply(self, key: str) -> None:
        floor = self.floor(key)
        engine = self.crawler.engine
        slot = engine.downloader.slots.get(key) if engine is not None else None
        if floor and slot is not None and slot.delay < floor:
            slot.delay = floor
            # Scrapy spreads delays over 0.5-1.5 times the delay (RANDOMIZE_DOWNLOAD_DELAY):
            # a floor the site asked for is kept as it is.
            if getattr(slot, "jitter", 0.0):
                slot.jitter = 0.0
            elif getattr(slot, "randomize_delay", False):
                slot.randomize_delay = False

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
