"""Log formatter: dropped items are logged by reason and URL, never as a whole item dump.

Scrapy's default prints the entire item on every drop; for pages that is the full HTML or
article text, hundreds of times per crawl.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

__all__ = ["NewscrawlLogFormatter"]

# Drops that are the pipeline working as designed are debug noise; the rest deserve a look.
_QUIET_REASONS = (
    "not_article",
    "duplicate_url",
    "duplicate_content",
    "already_in_output",
    "max_articles",
    "unchanged",
)


class NewscrawlLogFormatter(LogFormatter):
    def dropped(
        self, item: Any, exception: BaseException, response: Any, spider: Any
    ) -> LogFormatterResult:
        message = str(exception)
        level = getattr(exception, "log_level", None)
        if level is None:
            level = logging.DEBUG if message.startswith(_QUIET_REASONS) else logging.INFO
        if isinstance(level, str):
            level = getattr(logging, level)
        return {"level": level, "msg": "Dropped: %(exception)s", "args": {"exception": message}}
