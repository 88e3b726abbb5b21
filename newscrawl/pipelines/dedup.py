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

import hashlib
import logging
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.core.jsonl import iter_jsonl
from newscrawl.core.urls import url_key
from newscrawl.pipelines.drop import drop
from newscrawl.pipelines.writer import output_path

__all__ = ["DedupPipeline"]

logger = logging.getLogger(__name__)


def _digest(text: str) -> bytes:
    # 12-byte digests keep a million keys in tens of MB with negligible collision odds.
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).digest()


def _url_keys(record: dict[str, Any]) -> set[bytes]:
    urls = (record.get("url"), record.get("canonical_url"))
    return {_digest(url_key(u)) for u in urls if isinstance(u, str) and u}


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
        self._urls: set[bytes] = set()
        self._texts: set[bytes] = set()
        self._written_urls: set[bytes] = set()
        self._written_texts: set[bytes] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        s = crawler.settings
        if not s.getbool("NEWSCRAWL_DEDUP_ENABLED"):
            raise NotConfigured("NEWSCRAWL_DEDUP_ENABLED is off")
        output = None
        if s.getbool("NEWSCRAWL_WRITER_ENABLED", True) and not s.getbool(
            "NEWSCRAWL_INCREMENTAL_ENABLED", False
        ):
            output = output_path(s, getattr(crawler.spidercls, "name", None) or "crawl")
        return cls(crawler.stats, output=output)

    def open_spider(self, spider: Any = None) -> None:
        if self.output is None or not self.output.is_file():
            return
        count = 0
        for _, record, error in iter_jsonl(self.output):
            # A torn last line is the writer's to set aside; its article is written again.
            if error is not None or not isinstance(record, dict) or "fingerprint" not in record:
                continue
            self._written_urls |= _url_keys(record)
            self._written_texts.add(_digest(str(record["fingerprint"])))
            count += 1
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
        keys = _url_keys(item)
        text_key = _digest(item["fingerprint"])
        if keys & self._written_urls or text_key in self._written_texts:
            drop(self.stats, "already_in_output", item["url"])
        if keys & self._urls:
            drop(self.stats, "duplicate_url", item["url"])
        if text_key in self._texts:
            drop(self.stats, "duplicate_content", item["url"])
        self._urls |= keys
        self._texts.add(text_key)
        return item
