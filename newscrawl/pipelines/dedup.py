"""DedupPipeline: one record per article within a run, and within its output file.

The same article reaches a crawler under several URLs (tracking parameters, AMP, www or not,
a canonical link elsewhere) and sometimes under different URLs with identical text. A record
is dropped when its URL key, its canonical URL key or its text fingerprint was already written.

A crawl started again into an output that already holds records (the same `-o`, or the same
run id on the same day, after a crash or a Ctrl-C) reads them back first: their articles are
dropped as `already_in_output`, so re-running a command never doubles a file's records. With
incremental mode on, the seen store does that instead (and writes changed articles again).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.core.record import ArticleKeys
from newscrawl.pipelines.drop import drop
from newscrawl.pipelines.writer import output_path

__all__ = ["DedupPipeline", "read_back_output"]

logger = logging.getLogger(__name__)


def read_back_output(crawler: Crawler) -> Path | None:
    """The output whose articles a crawl does not write again, or None: with dedup and the
    writer on, and not in incremental mode (whose seen store decides, and writes changes)."""
    s = crawler.settings
    if not s.getbool("NEWSCRAWL_DEDUP_ENABLED") or not s.getbool("NEWSCRAWL_WRITER_ENABLED", True):
        return None
    if s.getbool("NEWSCRAWL_INCREMENTAL_ENABLED", False):
        return None
    return output_path(s, getattr(crawler.spidercls, "name", None) or "crawl")


class DedupPipeline:
    """Drop a record whose article was already passed on in this run or is in its output.

    Settings: NEWSCRAWL_DEDUP_ENABLED; NEWSCRAWL_OUTPUT / NEWSCRAWL_OUTPUT_DIR /
    NEWSCRAWL_RUN_ID locate the output read back at open (not in incremental mode).
    Stats: newscrawl/dropped/duplicate_url, newscrawl/dropped/duplicate_content,
    newscrawl/dropped/already_in_output, newscrawl/dedup/in_output (records found at open).
    """

    def __init__(self, stats: Any = None, *, output: Path | None = None) -> None:
        self.stats = stats
        self.output = output
        self._seen = ArticleKeys()  # passed on in this run
        self._written = ArticleKeys()  # in the output before the run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        if not crawler.settings.getbool("NEWSCRAWL_DEDUP_ENABLED"):
            raise NotConfigured("NEWSCRAWL_DEDUP_ENABLED is off")
        return cls(crawler.stats, output=read_back_output(crawler))

    def open_spider(self, spider: Any = None) -> None:
        if self.output is None or not self.output.is_file():
            return
        # A torn last line is the writer's to set aside; its article is written again.
        self._written, count = ArticleKeys.of_file(self.output)
        if count:
            logger.info(
                "%s already holds %d records: their articles are not written again",
                self.output,
                count,
            )
            if self.stats is not None:
                self.stats.set_value("newscrawl/dedup/in_output", count)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, dict) or "fingerprint" not in item:
            return item
        if item in self._written:
            drop(self.stats, "already_in_output", item["url"])
        if self._seen.same_url(item):
            drop(self.stats, "duplicate_url", item["url"])
        if self._seen.same_text(item):
            drop(self.stats, "duplicate_content", item["url"])
        self._seen.add(item)
        return item
