"""One way to drop an item: count the reason in stats, then raise DropItem with it."""

from __future__ import annotations

from typing import Any, NoReturn

from scrapy.exceptions import DropItem

__all__ = ["drop"]


def drop(stats: Any, reason: str, detail: str = "") -> NoReturn:
    """Count `reason` under newscrawl/dropped/<reason> and drop the item with that reason."""
    stats.inc_value(f"newscrawl/dropped/{reason}")
    stats.inc_value("newscrawl/dropped")
    raise DropItem(f"{reason}: {detail}" if detail else reason)
