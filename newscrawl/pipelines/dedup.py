"""DedupPipeline: one record per article within a run.

The same article reaches a crawler under several URLs (tracking parameters, AMP, www or not,
a canonical link elsewhere) and sometimes under different URLs with identical text. A record
is dropped when its URL key, its canonical URL key or its text fingerprint was already written.
"""

from __future__ import annotations

import hashlib
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.core.urls import url_key
from newscrawl.pipelines.drop import drop

__all__ = ["DedupPipeline"]


def _digest(text: str) -> bytes:
    # 12-byte digests keep a million keys in tens of MB with negligible collision odds.
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).digest()


class DedupPipeline:
    """Drop a record whose article was already passed on in this run.

    Settings: NEWSCRAWL_DEDUP_ENABLED.
    Stats: newscrawl/dropped/duplicate_url, newscrawl/dropped/duplicate_content.
    """

    def __init__(self, stats: Any = None) -> None:
        self.stats = stats
        self._urls: set[bytes] = set()
        self._texts: set[bytes] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        if not crawler.settings.getbool("NEWSCRAWL_DEDUP_ENABLED"):
            raise NotConfigured("NEWSCRAWL_DEDUP_ENABLED is off")
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, dict) or "fingerprint" not in item:
            return item
        keys = {_digest(url_key(item["url"])), _digest(url_key(item["canonical_url"]))}
        if keys & self._urls:
            drop(self.stats, "duplicate_url", item["url"])
        text_key = _digest(item["fingerprint"])
        if text_key in self._texts:
            drop(self.stats, "duplicate_content", item["url"])
        self._urls |= keys
        self._texts.add(text_key)
        return item
