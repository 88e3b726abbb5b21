"""IncrementalPipeline: write an article again only when it is new or its text changed.

The middleware (`newscrawl.middlewares.IncrementalMiddleware`) keeps unchanged articles from
being fetched where it can tell; whatever is fetched anyway (no date hint, no validators, a
re-check) arrives here, and its content fingerprint decides: the same text as last written is
dropped as `unchanged`, different text is written again with `"is_update": true`. Only records
that made it through every stage (Scrapy's `item_scraped`) are committed to the store, so a
record dropped later (say by the article cap) is not remembered as written.

It is also what makes a killed crawl resumable: on open, the run's existing JSONL output is
read back and every record in it committed to the store, so a restart with the same output
(NEWSCRAWL_OUTPUT or NEWSCRAWL_RUN_ID) re-crawls from the seeds but writes nothing twice.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.core.jsonl import iter_jsonl
from newscrawl.core.urls import url_key
from newscrawl.middlewares import store_path
from newscrawl.ops.seen import SeenStore, parse_date
from newscrawl.pipelines.drop import drop
from newscrawl.pipelines.writer import output_path

__all__ = ["IncrementalPipeline"]

logger = logging.getLogger(__name__)


def _keys(record: dict[str, Any]) -> list[str]:
    urls = [record.get("url"), record.get("canonical_url")]
    return list(dict.fromkeys(url_key(u) for u in urls if u))


class IncrementalPipeline:
    """Drop unchanged articles, mark updated ones, remember what was written.

    Settings: NEWSCRAWL_INCREMENTAL_ENABLED, NEWSCRAWL_INCREMENTAL_STORE, NEWSCRAWL_STATE_DIR;
    NEWSCRAWL_OUTPUT / NEWSCRAWL_OUTPUT_DIR / NEWSCRAWL_RUN_ID locate the output to resume.
    Stats: newscrawl/incremental/new, newscrawl/incremental/updated,
    newscrawl/incremental/resumed (records found in the output at open),
    newscrawl/dropped/unchanged.
    """

    def __init__(
        self, path: Path, *, crawler: Crawler | None = None, output: Path | None = None
    ) -> None:
        self.path = path
        self.crawler = crawler
        self.stats: Any = crawler.stats if crawler is not None else None
        self.output = output
        self.store: SeenStore | None = None
        self.source = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalPipeline:
        s = crawler.settings
        if not s.getbool("NEWSCRAWL_INCREMENTAL_ENABLED", False):
            raise NotConfigured  # off by default: no message, so Scrapy logs no warning
        output = output_path(s, getattr(crawler.spidercls, "name", None) or "crawl")
        pipe = cls(store_path(s), crawler=crawler, output=output)
        crawler.signals.connect(pipe.item_scraped, signal=signals.item_scraped)
        return pipe

    def open_spider(self, spider: Spider | None = None) -> None:
        spider = spider or getattr(self.crawler, "spider", None)
        self.source = str(getattr(spider, "source", None) or getattr(spider, "name", "news"))
        self.store = SeenStore(self.path)
        if self.output is not None and self.output.exists():
            resumed = self._resume(self.output)
            if resumed:
                logger.info("resuming %s: %d records already written", self.output, resumed)
                self._inc("newscrawl/incremental/resumed", resumed)

    def _resume(self, output: Path) -> int:
        assert self.store is not None
        count = 0
        for _, record, error in iter_jsonl(output):
            # A bad (truncated) last line is the writer's to set aside; its article is re-crawled.
            if error is not None or not isinstance(record, dict) or "fingerprint" not in record:
                continue
            written = parse_date(record.get("fetched_at"))
            self.store.confirm(self.source, _keys(record), record["fingerprint"], written)
            count += 1
        return count

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, dict) or "fingerprint" not in item or self.store is None:
            return item
        keys = _keys(item)
        fingerprint = item["fingerprint"]
        prior = None
        for key in keys:
            entry = self.store.get(self.source, key)
            if entry is not None and entry.written:
                prior = entry
                break
        if (prior is not None and prior.fingerprint == fingerprint) or (
            prior is None and self.store.has_fingerprint(self.source, fingerprint)
        ):
            self.store.confirm(self.source, keys, fingerprint, None)
            drop(self.stats, "unchanged", item.get("url", ""))
        if prior is not None:
            item["is_update"] = True
            self._inc("newscrawl/incremental/updated")
        else:
            self._inc("newscrawl/incremental/new")
        return item

    def item_scraped(self, item: Any, response: Any = None, spider: Spider | None = None) -> None:
        """The record is written: commit it (and its validators) to the store."""
        if not isinstance(item, dict) or "fingerprint" not in item or self.store is None:
            return
        written = parse_date(item.get("fetched_at"))
        self.store.confirm(self.source, _keys(item), item["fingerprint"], written)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None and count:
            self.stats.inc_value(key, count)
