"""ValidationPipeline: every record must match the JSON Schema before it is written."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.core.record import validate_record
from newscrawl.pipelines.drop import drop

__all__ = ["ValidationPipeline"]

logger = logging.getLogger(__name__)


class ValidationPipeline:
    """Drop records that violate the record schema (a bug upstream, never silent).

    Settings: NEWSCRAWL_VALIDATE_ENABLED.
    Stats: newscrawl/dropped/invalid_record.
    """

    def __init__(self, stats: Any = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidationPipeline:
        if not crawler.settings.getbool("NEWSCRAWL_VALIDATE_ENABLED"):
            raise NotConfigured("NEWSCRAWL_VALIDATE_ENABLED is off")
        return cls(crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, dict):
            return item
        errors = validate_record(item)
        if errors:
            logger.error("invalid record for %s: %s", item.get("url"), "; ".join(errors))
            drop(self.stats, "invalid_record", "; ".join(errors))
        return item
