"""When a source is due: fixed intervals ("30m", "6h", "1d") or 5-field cron expressions.

Cron is parsed here rather than with a library because the subset sources need (numbers,
`*`, lists, ranges, steps, month and weekday names) is small and a dependency for it would
be the only one the scheduler has. Times are UTC throughout, so a schedule means the same on
every host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = ["CronSchedule", "IntervalSchedule", "Schedule", "parse_schedule"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_INTERVAL = re.compile(r"^(?:\d+[smhdw])+$")
_PART = re.compile(r"(\d+)([smhdw])")
# Shorter intervals would hammer a site between its own updates and overlap running crawls.
MIN_INTERVAL_SECONDS = 60
# A cron expression that never matches (e.g. Feb 30) must fail loudly, not loop forever.
CRON_SEARCH_DAYS = 366 * 5
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


@dataclass(frozen=True)
class IntervalSchedule:
    """Run every `seconds`, counted from the start of the previous run."""

    text: str
    seconds: int

    def next_after(self, moment: datetime) -> datetime:
        return moment + timedelta(seconds=self.seconds)


@dataclass(frozen=True)
class CronSchedule:
    """Run at the minutes a standard 5-field cron expression matches (UTC)."""

    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday
    any_day: bool
    any_weekday: bool

    def _day_matches(self, moment: datetime) -> bool:
        dom = moment.day in self.days
        dow = (moment.isoweekday() % 7) in self.weekdays
        # Vixie cron: when both day fields are restricted, either one matching is enough.
        if self.any_day or self.any_weekday:
            return dom and dow
        return dom or dow

    def next_after(self, moment: datetime) -> datetime:
        """The first matching minute strictly after `moment`."""
        t = moment.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = t + timedelta(days=CRON_SEARCH_DAYS)
        while t < limit:
            if t.month not in self.months or not self._day_matches(t):
                t = (t + timedelta(days=1)).replace(hour=0, minute=0)
                continue
            if t.hour not in self.hours:
                t = (t + timedelta(hours=1)).replace(minute=0)
                continue
            if t.minute not in self.minutes:
                t += timedelta(minutes=1)
                continue
            return t
        raise ValueError(f"cron expression {self.text!r} never matches")


Schedule = IntervalSchedule | CronSchedule


def parse_schedule(text: str) -> Schedule:
    """Parse "30m", "1h30m", "1d" or a 5-field cron expression; ValueError says what is wrong."""
    value = text.strip().lower()
    if _INTERVAL.match(value):
        seconds = sum(int(n) * _UNITS[u] for n, u in _PART.findall(value))
        if seconds < MIN_INTERVAL_SECONDS:
            raise ValueError(f"interval {text!r} is shorter than {MIN_INTERVAL_SECONDS}s")
        return IntervalSchedule(text.strip(), seconds)
    fields = value.split()
    if len(fields) != 5:
        raise ValueError(
            f"{text!r} is neither an interval like '30m', '6h', '1d' nor a 5-field cron expression"
        )
    minutes = _field(fields[0], 0, 59, [], "minute")
    hours = _field(fields[1], 0, 23, [], "hour")
    days = _field(fields[2], 1, 31, [], "day of month")
    months = _field(fields[3], 1, 12, _MONTHS, "month", name_base=1)
    weekdays = frozenset(d % 7 for d in _field(fields[4], 0, 7, _DAYS, "day of week"))
    schedule = CronSchedule(
        text.strip(),
        minutes,
        hours,
        days,
        months,
        weekdays,
        any_day=fields[2] == "*",
        any_weekday=fields[4] == "*",
    )
    schedule.next_after(datetime(2000, 1, 1, tzinfo=UTC))  # reject expressions that never match
    return schedule


def _field(
    text: str, low: int, high: int, names: list[str], what: str, name_base: int = 0
) -> frozenset[int]:
    def number(token: str) -> int:
        if token in names:
            return names.index(token) + name_base
        if not token.isdigit():
            raise ValueError(f"bad cron {what} {token!r}")
        n = int(token)
        if not low <= n <= high:
            raise ValueError(f"cron {what} {n} is outside {low}-{high}")
        return n

    out: set[int] = set()
    for item in text.split(","):
        base, _, step_text = item.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) < 1:
                raise ValueError(f"bad cron {what} step {step_text!r}")
            step = int(step_text)
        if base == "*":
            start, end = low, high
        elif "-" in base:
            a, _, b = base.partition("-")
            start, end = number(a), number(b)
            if start > end:
                raise ValueError(f"bad cron {what} range {base!r}")
        else:
            start = number(base)
            end = high if step_text else start
        out.update(range(start, end + 1, step))
    return frozenset(out)
