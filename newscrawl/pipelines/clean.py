"""CleaningPipeline: RawPage items in, article records out (the cleaning core, wired to Scrapy).

Extraction runs through an executor (inline, or a pool of worker processes); the site-level
`Cleaner` may hold a new site's first pages back until its template model is ready, so
`process_item` awaits a future that the cleaner resolves when the page's verdict is known.
A watchdog releases held pages when the crawl has nothing left that could add evidence, so a
small site never stalls the engine.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.core.cleaner import Cleaner, CleanResult
from newscrawl.core.record import build_record
from newscrawl.core.since import before
from newscrawl.items import RawPage
from newscrawl.pipelines.drop import drop
from newscrawl.pipelines.executor import make_executor
from newscrawl.pipelines.writer import article_cap

__all__ = ["CleaningPipeline"]

logger = logging.getLogger(__name__)

# How often the watchdog checks whether held pages can still gain evidence.
WATCHDOG_INTERVAL = 0.25
# The engine must look idle on this many checks in a row before held pages are released:
# a spider callback that is still yielding links can leave the queue empty for a moment.
IDLE_CHECKS = 3
# Held pages are released after this long even while the crawl goes on: a site that yields one
# article a minute must not keep its first records waiting for a dozen minutes.
MAX_HOLD_SECONDS = 60.0


class CleaningPipeline:
    """Clean RawPage items into article records.

    Settings: NEWSCRAWL_CLEAN_ENABLED, NEWSCRAWL_CLEAN_HOLD_PAGES, NEWSCRAWL_CLEAN_MAX_HELD,
    NEWSCRAWL_CLEAN_MAX_SITES, NEWSCRAWL_CLEAN_PERSIST, NEWSCRAWL_CLEAN_AUDIT,
    NEWSCRAWL_CLEAN_MIN_WORDS, NEWSCRAWL_CLEAN_WORKERS, NEWSCRAWL_CLEAN_TIMEOUT,
    NEWSCRAWL_STATE_DIR, NEWSCRAWL_MAX_ARTICLES (a spider's ``max_articles`` wins: held pages
    are released once they and the written records reach it), the spider's ``since``
    (records published before it are dropped as ``before_since``).
    Stats: newscrawl/clean/pages, newscrawl/clean/articles, newscrawl/clean/chars_in,
    newscrawl/clean/chars_removed, newscrawl/clean/removed/<rule>, newscrawl/dropped/<reason>,
    newscrawl/clean/truncated (pages longer than extraction reads, cut),
    newscrawl/clean/text_from_json_ld (script-built pages whose declared articleBody was taken),
    newscrawl/clean/article_parts_joined (further pages of split articles, joined).
    """

    def __init__(
        self,
        *,
        crawler: Crawler | None = None,
        state_dir: Path | None = None,
        hold_pages: int = 12,
        max_held: int = 400,
        max_sites: int = 256,
        audit: bool = False,
        min_words: int = 30,
        workers: int = 1,
        timeout: float = 60.0,
        max_articles: int = 0,
    ) -> None:
        self.crawler = crawler
        self.stats: Any = crawler.stats if crawler is not None else None
        self.state_dir = state_dir
        self.hold_pages = hold_pages
        self.max_held = max_held
        self.max_sites = max_sites
        self.audit = audit
        self.min_words = min_words
        self.workers = workers
        self.timeout = timeout
        self.max_articles = max_articles
        self.since: datetime | None = None  # the spider's `since`: older records are dropped
        self.cleaner: Cleaner | None = None
        self.executor: Any = None
        self._waiting = 0
        self._held_since: dict[int, float] = {}
        self._watchdog: asyncio.Task[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleaningPipeline:
        s = crawler.settings
        if not s.getbool("NEWSCRAWL_CLEAN_ENABLED"):
            raise NotConfigured("NEWSCRAWL_CLEAN_ENABLED is off")
        values = {
            "hold_pages": s.getint("NEWSCRAWL_CLEAN_HOLD_PAGES"),
            "max_held": s.getint("NEWSCRAWL_CLEAN_MAX_HELD"),
            "max_sites": s.getint("NEWSCRAWL_CLEAN_MAX_SITES"),
            "min_words": s.getint("NEWSCRAWL_CLEAN_MIN_WORDS"),
            "workers": s.getint("NEWSCRAWL_CLEAN_WORKERS"),
        }
        for name, value in values.items():
            minimum = 1 if name == "max_sites" else 0
            if value < minimum:
                raise ValueError(f"NEWSCRAWL_CLEAN_{name.upper()} must be >= {minimum}: {value}")
        timeout = s.getfloat("NEWSCRAWL_CLEAN_TIMEOUT")
        if timeout <= 0:
            raise ValueError(f"NEWSCRAWL_CLEAN_TIMEOUT must be > 0: {timeout}")
        state_dir = (
            Path(s.get("NEWSCRAWL_STATE_DIR")) if s.getbool("NEWSCRAWL_CLEAN_PERSIST") else None
        )
        pipe = cls(
            crawler=crawler,
            state_dir=state_dir,
            audit=s.getbool("NEWSCRAWL_CLEAN_AUDIT"),
            timeout=timeout,
            max_articles=max(0, s.getint("NEWSCRAWL_MAX_ARTICLES")),
            **values,
        )
        crawler.signals.connect(pipe.spider_idle, signal=signals.spider_idle)
        return pipe

    def open_spider(self, spider: Any = None) -> None:
        self.max_articles = article_cap(self.crawler, spider, self.max_articles)
        self.since = getattr(spider or getattr(self.crawler, "spider", None), "since", None)
        self.cleaner = Cleaner(
            state_dir=self.state_dir,
            hold_pages=self.hold_pages,
            max_held=self.max_held,
            max_sites=self.max_sites,
        )
        self.executor = make_executor(self.workers, self.timeout)
        self._watchdog = None

    async def close_spider(self, spider: Any = None) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        if self.cleaner is not None:
            self._resolve(self.cleaner.flush())
            self.cleaner.close()
            self._inc("newscrawl/clean/templates_loaded", self.cleaner.models.loaded_from_disk)
            self._inc("newscrawl/clean/templates_corrupt", self.cleaner.models.corrupt_files)
        if self.executor is not None:
            self.executor.close()
            self.executor = None

    def spider_idle(self, spider: Any = None) -> None:
        """Nothing left to fetch: held pages cannot gain more evidence, so decide them now."""
        if self.cleaner is not None and self.cleaner.held:
            self._resolve(self.cleaner.flush())

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, RawPage):
            return item
        assert self.cleaner is not None and self.executor is not None
        self._inc("newscrawl/clean/pages")
        self._waiting += 1
        try:
            page = await self.executor.extract(
                item.html, item.url, item.fetched_at, item.encoding, parts=item.parts
            )
            if page.parts_joined:
                self._inc("newscrawl/clean/article_parts_joined", page.parts_joined)
            if page.truncated_from:
                self._inc("newscrawl/clean/truncated")
                logger.warning(
                    "%s: a page of %d characters, more than extraction reads: only its "
                    "beginning was cleaned",
                    item.url,
                    page.truncated_from,
                )
            if page.text_source == "json_ld":
                self._inc("newscrawl/clean/text_from_json_ld")
            # Bytes as fetched (characters for text input); raw HTML is not kept past extraction.
            html_size = len(item.html) + sum(len(part[1]) for part in item.parts)
            item.html, item.parts = "", []
            self._inc("newscrawl/clean/html_size", html_size)
            loop = asyncio.get_running_loop()
            future: asyncio.Future[CleanResult] = loop.create_future()
            results = self.cleaner.add(page, token=future, fetched_at=item.fetched_at)
            self._resolve(results)
            if not future.done() and self._cap_in_hand():
                # Enough articles are held to reach max_articles: waiting for more evidence
                # would only fetch pages the writer then drops.
                self._inc("newscrawl/clean/early_release")
                self._resolve(self.cleaner.flush())
            if not future.done():
                self._held_since[id(future)] = loop.time()
                self._ensure_watchdog()
            result = await future
        finally:
            self._waiting -= 1
        return self._to_record(result, item)

    def _to_record(self, result: CleanResult, item: RawPage) -> dict[str, Any]:
        page = result.record_page
        for entry in result.removed:
            self._inc(f"newscrawl/clean/removed/{entry['rule']}")
        self._inc("newscrawl/clean/chars_removed", result.chars_removed)
        if not result.ok or page is None:
            drop(self.stats, result.drop_reason or "extraction_empty", item.url)
        record = build_record(
            page,
            result.kept,
            fetched_at=result.fetched_at or item.fetched_at,  # type: ignore[arg-type]
            source=item.source or "newscrawl",
            removed=result.removed if self.audit else None,
        )
        if item.listed_url:
            record["listed_url"] = item.listed_url
        if record["word_count"] < self.min_words:
            drop(self.stats, "too_short", f"{record['word_count']} words: {item.url}")
        if before(record["published"], self.since):
            drop(self.stats, "before_since", f"{record['published']}: {item.url}")
        self._inc("newscrawl/clean/articles")
        self._inc("newscrawl/clean/chars_out", len(record["text"]))
        return record

    def _resolve(self, results: list[CleanResult]) -> None:
        for result in results:
            future = result.token
            self._held_since.pop(id(future), None)
            if isinstance(future, asyncio.Future) and not future.done():
                future.set_result(result)

    def _ensure_watchdog(self) -> None:
        if self._watchdog is None or self._watchdog.done():
            self._watchdog = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        idle_checks = 0
        while self.cleaner is not None and self.cleaner.held:
            await asyncio.sleep(WATCHDOG_INTERVAL)
            if self.cleaner is None or not self.cleaner.held:
                break
            all_held = self._waiting == self.cleaner.held
            idle_checks = idle_checks + 1 if all_held and self._engine_has_no_work() else 0
            oldest = min(self._held_since.values(), default=loop.time())
            if (
                idle_checks >= IDLE_CHECKS
                or self._engine_closing()
                or (all_held and self._scraper_full())
                or loop.time() - oldest > MAX_HOLD_SECONDS
            ):
                self._inc("newscrawl/clean/early_release")
                self._resolve(self.cleaner.flush())

    def _cap_in_hand(self) -> bool:
        """Articles written plus articles held reach max_articles (when one is set)."""
        if not self.max_articles or self.cleaner is None or self.stats is None:
            return False
        written = int(self.stats.get_value("newscrawl/writer/written", 0))
        return written + self.cleaner.held >= self.max_articles

    def _engine_closing(self) -> bool:
        """The crawl is stopping (Ctrl-C, max_articles, CloseSpider): no more evidence comes,
        and the engine waits for every held item before it can close."""
        engine = getattr(self.crawler, "engine", None)
        slot = getattr(engine, "_slot", None)
        return getattr(slot, "closing", None) is not None

    def _scraper_full(self) -> bool:
        """Held responses fill the scraper: the engine has paused downloads for them."""
        engine = getattr(self.crawler, "engine", None)
        slot = getattr(getattr(engine, "scraper", None), "slot", None)
        return bool(slot is not None and slot.needs_backout())

    def _engine_has_no_work(self) -> bool:
        engine = getattr(self.crawler, "engine", None)
        if engine is None:
            return True
        if engine.downloader.active:
            return False
        scraper_slot = getattr(engine.scraper, "slot", None)
        if scraper_slot is not None and getattr(scraper_slot, "queue", None):
            return False  # responses still waiting for their callbacks
        slot = getattr(engine, "_slot", None)
        scheduler = getattr(slot, "scheduler", None)
        return not (scheduler is not None and scheduler.has_pending_requests())

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None and count:
            self.stats.inc_value(key, count)
