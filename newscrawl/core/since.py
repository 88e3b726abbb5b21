"""`since`: the cut-off of a crawl that wants recent articles only ("7d", "2024-05-01").

The spider skips sitemap and feed entries dated before it (and sitemaps last changed before
it), and the cleaning stage drops records published before it. A date it cannot read never
excludes anything: an undated entry or record is kept.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

__all__ = ["before", "parse_moment", "parse_since"]

_AGE = re.compile(r"^\s*(\d+)\s*([dhw])\s*$", re.IGNORECASE)
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def parse_since(value: str | datetime | None, now: datetime | None = None) -> datetime | None:
    """The cut-off as an aware UTC datetime: an age ("36h", "7d", "2w") back from `now`, or
    an ISO date or datetime. None or "" for no cut-off; ValueError for anything else."""
    if value is None or isinstance(value, datetime):
        return _aware(value) if value is not None else None
    if not value.strip():
        return None
    age = _AGE.match(value)
    if age:
        return (now or datetime.now(UTC)) - int(age[1]) * _UNITS[age[2].lower()]
    moment = parse_moment(value)
    if moment is None:
        raise ValueError(f"since: give an age (7d, 36h, 2w) or a date (2024-05-01), not {value!r}")
    return moment


def before(value: str | None, cutoff: datetime | None) -> bool:
    """True when `value` (an ISO date or datetime, as sitemaps and records give them) is
    readable and earlier than `cutoff`."""
    if cutoff is None or not value:
        return False
    moment = parse_moment(value)
    return moment is not None and moment < cutoff


def parse_moment(value: str) -> datetime | None:
    """An ISO date or datetime as an aware UTC datetime (a date alone: its midnight UTC)."""
    text = value.strip().replace("Z", "+00:00")
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        return None


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
