"""The scheduler's run history: one SQLite row per crawl run, read by `newscrawl status`.

SQLite because the history must survive the scheduler (a crash, a reboot, cron starting
`schedule --once` every few minutes) and be readable while a scheduler writes it; WAL mode
lets `status` read without blocking. A run row is written when the crawl starts, so a
scheduler killed mid-run leaves a `running` row behind that the next scheduler marks
`interrupted` and resumes under the same run id.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["RUNS_DB", "Run", "RunStore"]

logger = logging.getLogger(__name__)

RUNS_DB = "schedule.sqlite3"
# Seconds a writer waits for another process's lock (status reading while a run finishes).
BUSY_TIMEOUT_MS = 10_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    run_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT NOT NULL,
    returncode INTEGER,
    articles INTEGER NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '{}',
    finish_reason TEXT,
    output TEXT NOT NULL,
    pid INTEGER
);
CREATE INDEX IF NOT EXISTS runs_source ON runs (source, id);
"""


@dataclass
class Run:
    """One crawl run of one source, as recorded."""

    id: int
    source: str
    run_id: str
    started_at: datetime
    output: str
    outcome: str = "running"  # running, ok, failed, interrupted
    finished_at: datetime | None = None
    returncode: int | None = None
    articles: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    finish_reason: str | None = None
    pid: int | None = None


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class RunStore:
    """Run rows in `<state_dir>/schedule.sqlite3`; a corrupt file is moved aside and rebuilt."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / RUNS_DB
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{_stamp()}")
            logger.warning("run history %s is unreadable (%s); moved to %s", self.path, exc, aside)
            self.path.rename(aside)
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
        return db

    def close(self) -> None:
        self._db.close()

    def start(self, source: str, run_id: str, output: Path, pid: int | None = None) -> Run:
        now = datetime.now(UTC)
        cur = self._db.execute(
            "INSERT INTO runs (source, run_id, started_at, outcome, output, pid)"
            " VALUES (?, ?, ?, 'running', ?, ?)",
            (source, run_id, _iso(now), str(output), pid),
        )
        return Run(int(cur.lastrowid or 0), source, run_id, now, str(output), pid=pid)

    def set_pid(self, run: Run, pid: int) -> None:
        run.pid = pid
        self._db.execute("UPDATE runs SET pid = ? WHERE id = ?", (pid, run.id))

    def finish(self, run: Run) -> None:
        run.finished_at = run.finished_at or datetime.now(UTC)
        self._db.execute(
            "UPDATE runs SET finished_at = ?, outcome = ?, returncode = ?, articles = ?,"
            " errors = ?, finish_reason = ? WHERE id = ?",
            (
                _iso(run.finished_at),
                run.outcome,
                run.returncode,
                run.articles,
                json.dumps(run.errors, sort_keys=True),
                run.finish_reason,
                run.id,
            ),
        )

    def mark_stale_running(self) -> int:
        """Runs still `running` when no scheduler holds the lock died with it: `interrupted`."""
        cur = self._db.execute(
            "UPDATE runs SET outcome = 'interrupted', finish_reason = 'scheduler_died'"
            " WHERE outcome = 'running'"
        )
        return cur.rowcount

    def last(self, source: str) -> Run | None:
        row = self._db.execute(
            "SELECT * FROM runs WHERE source = ? ORDER BY id DESC LIMIT 1", (source,)
        ).fetchone()
        return _row(row) if row else None

    def last_completed(self, source: str) -> Run | None:
        """The latest run that ran to an end (ok or failed), for status's 'last run'."""
        row = self._db.execute(
            "SELECT * FROM runs WHERE source = ? AND outcome IN ('ok', 'failed')"
            " ORDER BY id DESC LIMIT 1",
            (source,),
        ).fetchone()
        return _row(row) if row else None

    def sources(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT DISTINCT source FROM runs ORDER BY 1")]


def _row(row: sqlite3.Row) -> Run:
    data: dict[str, Any] = dict(row)
    return Run(
        id=data["id"],
        source=data["source"],
        run_id=data["run_id"],
        started_at=_parse(data["started_at"]) or datetime.now(UTC),
        output=data["output"],
        outcome=data["outcome"],
        finished_at=_parse(data["finished_at"]),
        returncode=data["returncode"],
        articles=data["articles"],
        errors=json.loads(data["errors"] or "{}"),
        finish_reason=data["finish_reason"],
        pid=data["pid"],
    )


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
