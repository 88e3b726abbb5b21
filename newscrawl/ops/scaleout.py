"""Redis scale-out: several crawl processes share one frontier and one dupefilter.

One process crawls one site politely at a few requests a second; a large source list needs
more processes, on one host or several. With `NEWSCRAWL_REDIS_URL` set, this add-on swaps in
scrapy-redis's scheduler and dupefilter, so every process pops requests from one shared
priority queue and each URL is fetched once across all of them. Keys are namespaced per job
(`newscrawl:<job>:requests`, `newscrawl:<job>:dupefilter`) and persist after a process
closes: with several workers, the first to finish must not wipe the queue and dupefilter
the others still use (scrapy-redis's default). Delete the keys, or use a new job name, to
crawl from scratch.

A worker whose share of the queue is momentarily empty would close at once while another
worker is still discovering links; `RedisIdleWait` keeps it open until the shared queue has
stayed empty for `NEWSCRAWL_REDIS_IDLE_SECONDS`.
"""

from __future__ import annotations

import re
import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import BaseSettings

__all__ = ["RedisIdleWait", "RedisScaleOut", "redis_keys"]

# Long enough for another worker to turn a listing page into new requests, short enough
# that the last workers of a finished crawl exit promptly.
DEFAULT_IDLE_SECONDS = 10.0
_JOB = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")


def redis_keys(settings: BaseSettings, spider_name: str) -> dict[str, str]:
    """The queue and dupefilter keys of this crawl's job (validated NEWSCRAWL_REDIS_JOB)."""
    job = settings.get("NEWSCRAWL_REDIS_JOB") or spider_name
    if not _JOB.match(job):
        raise ValueError(
            f"NEWSCRAWL_REDIS_JOB must be letters, digits and '_.:-' (at most 128): {job!r}"
        )
    return {
        "SCHEDULER_QUEUE_KEY": f"newscrawl:{job}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"newscrawl:{job}:dupefilter",
    }


class RedisScaleOut:
    """Scrapy add-on: share the frontier and dupefilter through Redis (scrapy-redis).

    Settings: NEWSCRAWL_REDIS_URL (empty: off), NEWSCRAWL_REDIS_JOB (key namespace; default
    the spider name), NEWSCRAWL_REDIS_IDLE_SECONDS (see RedisIdleWait).
    Sets: SCHEDULER, DUPEFILTER_CLASS, REDIS_URL, SCHEDULER_PERSIST, SCHEDULER_QUEUE_CLASS,
    SCHEDULER_QUEUE_KEY, SCHEDULER_DUPEFILTER_KEY, and registers RedisIdleWait.
    """

    def __init__(self, spider_name: str = "news") -> None:
        self.spider_name = spider_name

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisScaleOut:
        return cls(getattr(crawler.spidercls, "name", None) or "news")

    def update_settings(self, settings: BaseSettings) -> None:
        url = settings.get("NEWSCRAWL_REDIS_URL") or ""
        if not url:
            return  # single-process mode; no warning, since the add-on is always registered
        if not str(url).startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"NEWSCRAWL_REDIS_URL must be a redis:// URL: {url!r}")
        values: dict[str, Any] = {
            "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
            "SCHEDULER_PERSIST": True,
            "REDIS_URL": url,
            **redis_keys(settings, self.spider_name),
        }
        for name, value in values.items():
            settings.set(name, value, priority="addon")
        settings.set_in_component_priority_dict("EXTENSIONS", RedisIdleWait, 500)


class RedisIdleWait:
    """Keep an idle worker open while the shared queue may still fill.

    Settings: NEWSCRAWL_REDIS_URL (off when empty), NEWSCRAWL_REDIS_IDLE_SECONDS.
    Stats: newscrawl/redis/idle_waits.
    """

    def __init__(self, crawler: Crawler, idle_seconds: float = DEFAULT_IDLE_SECONDS) -> None:
        self.crawler = crawler
        self.idle_seconds = idle_seconds
        self._idle_since: float | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisIdleWait:
        s = crawler.settings
        if not s.get("NEWSCRAWL_REDIS_URL"):
            raise NotConfigured("NEWSCRAWL_REDIS_URL is empty")
        idle = s.getfloat("NEWSCRAWL_REDIS_IDLE_SECONDS", DEFAULT_IDLE_SECONDS)
        if idle < 0:
            raise ValueError(f"NEWSCRAWL_REDIS_IDLE_SECONDS must be >= 0: {idle}")
        ext = cls(crawler, idle)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(ext.request_scheduled, signal=signals.response_received)
        return ext

    def request_scheduled(self, *args: Any, **kwargs: Any) -> None:
        self._idle_since = None

    def spider_idle(self, spider: Any = None) -> None:
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_seconds:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("newscrawl/redis/idle_waits")
            raise DontCloseSpider("waiting for other workers to fill the shared queue")
