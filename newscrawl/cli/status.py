"""Show each source's last run (when, outcome, articles written, errors) and its next run.

Reads the scheduler's run history under the state directory; safe to run while a scheduler
is working (SQLite in WAL mode lets readers in).
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

from newscrawl.cli.schedule import common_arguments, load, state_dir
from newscrawl.ops.scheduler import Scheduler

__all__ = ["add_arguments", "run", "status_rows"]

COLUMNS = (
    "source",
    "schedule",
    "last run (UTC)",
    "outcome",
    "articles",
    "errors",
    "next run (UTC)",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common_arguments(parser)
    parser.add_argument("--json", action="store_true", help="one JSON object per source")


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def status_rows(scheduler: Scheduler, now: datetime | None = None) -> list[dict[str, Any]]:
    """One dict per source: its last run and when it runs next."""
    assert scheduler.runs is not None
    now = now or datetime.now(UTC)
    rows = []
    for source in scheduler.sources:
        last = scheduler.runs.last(source.name)
        if last is not None and last.outcome == "running":
            next_run = None
        else:
            next_run = max(scheduler.next_run(source, now), now)
        rows.append(
            {
                "source": source.name,
                "schedule": source.schedule.text,
                "last_run": last.started_at.isoformat() if last else None,
                "finished": last.finished_at.isoformat() if last and last.finished_at else None,
                "outcome": last.outcome if last else None,
                "finish_reason": last.finish_reason if last else None,
                "articles": last.articles if last else 0,
                "errors": last.errors if last else {},
                "output": last.output if last else None,
                "next_run": next_run.isoformat() if next_run else None,
            }
        )
    return rows


def run(args: argparse.Namespace) -> int:
    from newscrawl.ops.state import RunStore

    sources = load(args, None)
    scheduler = Scheduler(sources, state_dir=state_dir(args), output_dir=state_dir(args))
    # Read-only: no scheduler lock, so status works while a scheduler runs.
    scheduler.runs = RunStore(state_dir(args))
    try:
        rows = status_rows(scheduler)
    finally:
        scheduler.runs.close()
    if args.json:
        for row in rows:
            print(json.dumps(row, sort_keys=True))
        return 0
    table = [COLUMNS]
    for row in rows:
        last = datetime.fromisoformat(row["last_run"]) if row["last_run"] else None
        nxt = datetime.fromisoformat(row["next_run"]) if row["next_run"] else None
        table.append(
            (
                row["source"],
                row["schedule"],
                _when(last),
                row["outcome"] or "never run",
                str(row["articles"]),
                str(sum(row["errors"].values())),
                "running now" if row["outcome"] == "running" else _when(nxt),
            )
        )
    widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
    for r in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    return 0
