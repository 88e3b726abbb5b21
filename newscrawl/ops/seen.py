"""The incremental store: which article URLs a source already wrote, with what content.

A scheduled crawl revisits the same sites every few minutes or hours; without memory it would
fetch and write every article again. This store keeps, per source and article (`url_key`), the
content fingerprint last written, the freshness hint it came with (sitemap `lastmod`, news
publication date, feed date) and the HTTP validators (ETag, Last-Modified), so the next run
can skip what has not changed, ask the server with a conditional request, or write an updated
article again. It is SQLite on disk, never a Python set, so memory stays flat however many
articles a source has; WAL mode and autocommit make every write durable against SIGKILL and
let several crawl processes share the file.

Validators seen on a response are kept as *pending* until the record is written (or found
unchanged): a crash between the two must not make the next run believe it already has an
article it never wrote.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

__all__ = ["SEEN_DB", "SeenEntry", "SeenStore", "freshness_hint", "hint_is_newer", "parse_date"]

logger = logging.getLogger(__name__)

SEEN_DB = "seen.sqlite3"
# Several crawl processes (Redis scale-out) may write at once; SQLite serialises writers.
BUSY_TIMEOUT_SECONDS = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    source TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT,
    hint TEXT,
    etag TEXT,
    last_modified TEXT,
    written_at TEXT,
    checked_at TEXT,
    p_hint TEXT,
    p_etag TEXT,
    p_last_modified TEXT,
    PRIMARY KEY (source, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pages_fingerprint ON pages (source, fingerprint);
"""


@dataclass(frozen=True)
class SeenEntry:
    """What the store knows about one article of one source."""

    fingerprint: str | None
    hint: str | None
    etag: str | None
    last_modified: str | None
    written_at: datetime | None
    checked_at: datetime | None

    @property
    def written(self) -> bool:
        return self.fingerprint is not None


def parse_date(text: str | None) -> datetime | None:
    """ISO 8601 (sitemaps, Atom) or RFC 822 (RSS, HTTP) as an aware UTC datetime, else None."""
    if not text:
        return None
    value = text.strip()
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def freshness_hint(hints: dict[str, Any] | None) -> str | None:
    """The date that says an article changed: `lastmod` (or Atom `updated`), else published."""
    if not hints:
        return None
    value = hints.get("lastmod") or hints.get("published")
    return str(value).strip() if value else None


def hint_is_newer(new: str | None, entry: SeenEntry) -> bool:
    """True when a discovery hint says the article changed since it was written.

    Compared with the hint stored at the last write when there is one (a changed `lastmod`
    means a changed article), otherwise with the time the article was fetched.
    """
    if not new:
        return False
    new_date = parse_date(new)
    if entry.hint:
        if new == entry.hint:
            return False
        old_date = parse_date(entry.hint)
        if new_date is None or old_date is None:
            return True  # unparsable but different: fetch and let the fingerprint decide
        return new_date > old_date
    if new_date is None or entry.written_at is None:
        return False
    return new_date > entry.written_at


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class SeenStore:
    """Per-source article memory in one SQLite file (see the module docstring).

    A corrupt file is logged, moved aside and rebuilt empty: the cost is one full re-crawl,
    which is what the first run did anyway.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.rebuilt = False
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
            logger.warning("seen store %s is unreadable (%s); moved to %s", self.path, exc, aside)
            self.path.rename(aside)
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._db = self._open()
            self.rebuilt = True

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode loses nothing when a process is killed, only on power loss.
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        db.execute("SELECT count(*) FROM pages WHERE 0").fetchone()
        return db

    def close(self) -> None:
        self._db.close()

    def get(self, source: str, key: str) -> SeenEntry | None:
        row = self._db.execute(
            "SELECT fingerprint, hint, etag, last_modified, written_at, checked_at"
            " FROM pages WHERE source = ? AND key = ?",
            (source, key),
        ).fetchone()
        if row is None:
            return None
        return SeenEntry(row[0], row[1], row[2], row[3], parse_date(row[4]), parse_date(row[5]))

    def has_fingerprint(self, source: str, fingerprint: str) -> bool:
        row = self._db.execute(
            "SELECT 1 FROM pages WHERE source = ? AND fingerprint = ? LIMIT 1",
            (source, fingerprint),
        ).fetchone()
        return row is not None

    def note_response(
        self,
        source: str,
        key: str,
        *,
        hint: str | None,
        etag: str | None,
        last_modified: str | None,
    ) -> None:
        """Remember what a fetched page came with, pending until its record is confirmed."""
        self._db.execute(
            "INSERT INTO pages (source, key, p_hint, p_etag, p_last_modified)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, key) DO UPDATE SET"
            " p_hint = excluded.p_hint, p_etag = excluded.p_etag,"
            " p_last_modified = excluded.p_last_modified",
            (source, key, hint, etag, last_modified),
        )

    def confirm(
        self, source: str, keys: list[str], fingerprint: str, written_at: datetime | None
    ) -> None:
        """The article behind `keys` is written (or unchanged) with this content: commit it.

        Pending hint and validators become the confirmed ones; `written_at` None keeps the
        previous write time (an unchanged article was not written again).
        """
        now = _iso(datetime.now(UTC))
        written = _iso(written_at) if written_at else None
        with self._db:
            self._db.execute("BEGIN")
            for key in dict.fromkeys(keys):
                self._db.execute(
                    "INSERT INTO pages (source, key, fingerprint, written_at, checked_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, key) DO UPDATE SET"
                    " fingerprint = excluded.fingerprint,"
                    " written_at = COALESCE(?, written_at),"
                    " checked_at = excluded.checked_at,"
                    " hint = COALESCE(p_hint, hint), etag = COALESCE(p_etag, etag),"
                    " last_modified = COALESCE(p_last_modified, last_modified),"
                    " p_hint = NULL, p_etag = NULL, p_last_modified = NULL",
                    (source, key, fingerprint, written or now, now, written),
                )

    def touch(self, source: str, key: str) -> None:
        """The server said 304 Not Modified: the article was checked now and is unchanged."""
        self._db.execute(
            "UPDATE pages SET checked_at = ? WHERE source = ? AND key = ?",
            (_iso(datetime.now(UTC)), source, key),
        )

    def count(self, source: str | None = None) -> int:
        if source is None:
            row = self._db.execute("SELECT count(*) FROM pages WHERE fingerprint IS NOT NULL")
        else:
            row = self._db.execute(
                "SELECT count(*) FROM pages WHERE source = ? AND fingerprint IS NOT NULL",
                (source,),
            )
        return int(row.fetchone()[0])
