"""One way to drop an item: count the reason in stats, then raise DropItem with it; and the
first examples of each reason (or skip) kept in the stats."""

from __future__ import annotations

from typing import Any, NoReturn

from scrapy.exceptions import DropItem

__all__ = ["DROP_EXAMPLES", "drop", "keep_example"]

# The first pages dropped for each reason are kept in the stats (and so in the run's
# stats file), so "not_article=109" can be checked against real URLs without a debug log.
DROP_EXAMPLES = 10


def drop(stats: Any, reason: str, detail: str = "") -> NoReturn:
    """Count `reason` under newscrawl/dropped/<reason> and drop the item with that reason."""
    stats.inc_value(f"newscrawl/dropped/{reason}")
    stats.inc_value("newscrawl/dropped")
    if detail:
        keep_example(stats, f"newscrawl/dropped_examples/{reason}", detail)
    raise DropItem(f"{reason}: {detail}" if detail else reason)


def keep_example(stats: Any, key: str, detail: str) -> None:
    """Add `detail` to the list under `key` while it holds fewer than DROP_EXAMPLES."""
    examples = stats.get_value(key) or []
    if len(examples) < DROP_EXAMPLES:
        stats.set_value(key, [*examples, detail])
