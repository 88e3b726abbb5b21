"""One way to drop an item: count the reason in stats, then raise DropItem with it."""

from __future__ import annotations

from typing import Any, NoReturn

from scrapy.exceptions import DropItem

__all__ = ["DROP_EXAMPLES", "drop"]

# The first pages dropped for each reason are kept in the stats (and so in the run's
# stats file), so "not_article=109" can be checked against real URLs without a debug log.
DROP_EXAMPLES = 10


def drop(stats: Any, reason: str, detail: str = "") -> NoReturn:
    """Count `reason` under newscrawl/dropped/<reason> and drop the item with that reason."""
    stats.inc_value(f"newscrawl/dropped/{reason}")
    stats.inc_value("newscrawl/dropped")
    if detail:
        key = f"newscrawl/dropped_examples/{reason}"
        examples = stats.get_value(key) or []
        if len(examples) < DROP_EXAMPLES:
            stats.set_value(key, [*examples, detail])
    raise DropItem(f"{reason}: {detail}" if detail else reason)
