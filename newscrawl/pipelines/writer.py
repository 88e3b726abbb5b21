"""JsonlWriterPipeline: append records to the run's JSONL file, crash-safe.

The file handling (whole-line writes, tail recovery) lives in `newscrawl.core.jsonl`; this
module decides where the file goes and enforces the article cap.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from newscrawl.core.jsonl import JsonlWriter
from newscrawl.pipelines.drop import drop

__all__ = [
    "JsonlWriterPipeline",
    "article_cap",
    "dated_path",
    "output_path",
    "run_id",
    "stats_path",
]

logger = logging.getLogger(__name__)


def run_id(settings: BaseSettings, now: datetime | None = None) -> str:
    """The run id: NEWSCRAWL_RUN_ID, or the UTC start time (sortable, filename-safe)."""
    explicit = settings.get("NEWSCRAWL_RUN_ID") or ""
    if explicit:
        if "/" in explicit or "\\" in explicit or explicit.startswith("."):
            raise ValueError(f"NEWSCRAWL_RUN_ID must be a plain file name: {explicit!r}")
        return str(explicit)
    return default_run_id(now)


def default_run_id(now: datetime | None = None) -> str:
    """A run id from the UTC time: sortable and filename-safe."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def dated_path(root: Path, name: str, run: str, now: datetime | None = None) -> Path:
    """The output layout every crawl uses: <root>/<name>/<YYYY-MM-DD>/<run-id>.jsonl."""
    return root / name / (now or datetime.now(UTC)).strftime("%Y-%m-%d") / f"{run}.jsonl"


def stats_path(output: Path) -> Path:
    """Where the run summary of an output file goes: <same name>.stats.json beside it."""
    return output.with_name(f"{output.name.removesuffix('.jsonl')}.stats.json")


def output_path(settings: BaseSettings, spider_name: str, now: datetime | None = None) -> Path:
    """NEWSCRAWL_OUTPUT, or <NEWSCRAWL_OUTPUT_DIR>/<spider>/<YYYY-MM-DD>/<run-id>.jsonl."""
    explicit = settings.get("NEWSCRAWL_OUTPUT") or ""
    if explicit:
        return Path(explicit)
    now = now or datetime.now(UTC)
    root = Path(settings.get("NEWSCRAWL_OUTPUT_DIR") or "output")
    return dated_path(root, spider_name, run_id(settings, now), now)


def article_cap(crawler: Crawler | None, spider: Any, default: int) -> int:
    """This crawl's max_articles: the spider's argument, else `default` (the setting)."""
    spider = spider or getattr(crawler, "spider", None)
    cap = getattr(spider, "max_articles", None)
    return default if cap is None else int(cap)


class JsonlWriterPipeline:
    """Write records as JSON Lines (UTF-8, one object per line), flushing every line.

    Settings: NEWSCRAWL_WRITER_ENABLED, NEWSCRAWL_OUTPUT, NEWSCRAWL_OUTPUT_DIR,
    NEWSCRAWL_RUN_ID, NEWSCRAWL_MAX_ARTICLES (a spider's ``max_articles`` wins).
    Stats: newscrawl/writer/path, newscrawl/writer/written, newscrawl/writer/recovered_tail,
    newscrawl/dropped/max_articles.
    """

    def __init__(
        self, path: Path, *, crawler: Crawler | None = None, max_articles: int = 0
    ) -> None:
        self.path = path
        self.crawler = crawler
        self.stats: Any = crawler.stats if crawler is not None else None
        self.max_articles = max_articles
        self.written = 0
        self._writer: JsonlWriter | None = None
        self._closing = False
        self._close_task: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonlWriterPipeline:
        s = crawler.settings
        if not s.getbool("NEWSCRAWL_WRITER_ENABLED"):
            raise NotConfigured("NEWSCRAWL_WRITER_ENABLED is off")
        max_articles = s.getint("NEWSCRAWL_MAX_ARTICLES")
        if max_articles < 0:
            raise ValueError(f"NEWSCRAWL_MAX_ARTICLES must be >= 0: {max_articles}")
        spider_name = getattr(crawler.spidercls, "name", None) or "crawl"
        return cls(output_path(s, spider_name), crawler=crawler, max_articles=max_articles)

    def open_spider(self, spider: Any = None) -> None:
        self.max_articles = article_cap(self.crawler, spider, self.max_articles)
        self._writer = JsonlWriter(self.path)
        if self._writer.set_aside is not None and self.stats is not None:
            self.stats.set_value("newscrawl/writer/recovered_tail", str(self._writer.set_aside))
        if self.stats is not None:
            self.stats.set_value("newscrawl/writer/path", str(self.path))

    def close_spider(self, spider: Any = None) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, dict):
            return item
        if self.max_articles and self.written >= self.max_articles:
            self._close_when_capped()
            drop(self.stats, "max_articles", item.get("url", ""))
        self.write(item)
        if self.max_articles and self.written >= self.max_articles:
            self._close_when_capped()
        return item

    def write(self, record: dict[str, Any]) -> None:
        """Append one record as one complete line and push it to the OS."""
        assert self._writer is not None, "writer is not open"
        self._writer.write(record)
        self.written += 1
        if self.stats is not None:
            self.stats.inc_value("newscrawl/writer/written")

    def _close_when_capped(self) -> None:
        engine = getattr(self.crawler, "engine", None)
        if engine is None or engine.spider is None or self._closing:
            return
        self._closing = True
        self._close_task = asyncio.ensure_future(engine.close_spider_async(reason="max_articles"))
