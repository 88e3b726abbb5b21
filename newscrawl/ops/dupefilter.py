"""DiskDupeFilter: Scrapy's request dupefilter with its seen set on disk instead of in memory.

Scrapy's RFPDupeFilter keeps every request fingerprint ever seen in a Python set (about 120
bytes a URL), also with a JOBDIR, where it only mirrors the set to `requests.seen`: a crawl
of a few million URLs holds hundreds of megabytes for it. This filter keeps the fingerprints
in an SQLite table in the JOBDIR (8 bytes of each fingerprint as the table's integer key, so
a collision needs ~4 billion URLs), with a bounded page cache: memory stays flat however long
the crawl. Per request it is one indexed INSERT OR IGNORE, a few microseconds.

The table is a scratch file, rebuilt when lost: no journal and no fsync. `JobdirGuard`
discards it with `requests.seen` when a crawl restarts in the same JOBDIR, for the same
reason (requests in flight at the stop are in it but in no queue); with the guard turned off
it is kept, as Scrapy keeps `requests.seen`. Without a JOBDIR (NEWSCRAWL_DISK_FRONTIER off)
the filter is Scrapy's, in memory. `DiskFrontier` selects this class.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.dupefilters import RFPDupeFilter
from scrapy.utils.job import job_dir

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request
    from scrapy.utils.request import RequestFingerprinterProtocol

__all__ = ["SEEN_DB", "DiskDupeFilter"]

logger = logging.getLogger(__name__)

SEEN_DB = "newscrawl-seen.sqlite3"
# Inserts per transaction: commits cost a write each, and a lost tail only re-fetches a page.
COMMIT_EVERY = 1000
# SQLite's page cache for the table, in KiB: the index's hot pages, not the whole set.
CACHE_KIB = 4096


class DiskDupeFilter(RFPDupeFilter):
    """RFPDupeFilter whose seen fingerprints live in `<JOBDIR>/newscrawl-seen.sqlite3`.

    Settings: JOBDIR, DUPEFILTER_DEBUG. Stats: dupefilter/filtered (as Scrapy's).
    """

    def __init__(
        self,
        path: str | None = None,
        debug: bool = False,
        *,
        fingerprinter: RequestFingerprinterProtocol | None = None,
    ) -> None:
        # The parent without a path: its in-memory set stays empty unless there is no JOBDIR.
        super().__init__(None, debug, fingerprinter=fingerprinter)
        self.db_path = Path(path, SEEN_DB) if path else None
        self._db: sqlite3.Connection | None = None
        self._pending = 0
        if self.db_path is not None:
            self._db = _open(self.db_path)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(
            job_dir(crawler.settings),
            crawler.settings.getbool("DUPEFILTER_DEBUG"),
            fingerprinter=crawler.request_fingerprinter,
        )

    def request_seen(self, request: Request) -> bool:
        if self._db is None:
            return super().request_seen(request)
        key = int.from_bytes(self._fingerprint(request)[:8], "big", signed=True)
        if not self._pending:
            self._db.execute("BEGIN")
        cursor = self._db.execute("INSERT OR IGNORE INTO seen (fp) VALUES (?)", (key,))
        self._pending += 1
        if self._pending >= COMMIT_EVERY:
            self._commit()
        return cursor.rowcount == 0

    def seen_count(self) -> int:
        """How many distinct requests the filter has seen."""
        if self._db is None:
            return len(self._fingerprints)
        return int(self._db.execute("SELECT count(*) FROM seen").fetchone()[0])

    def close(self, reason: str) -> None:
        if self._db is not None:
            self._commit()
            self._db.close()
            self._db = None
        super().close(reason)

    def _commit(self) -> None:
        assert self._db is not None
        if self._pending:
            self._db.execute("COMMIT")
            self._pending = 0


def _open(path: Path) -> sqlite3.Connection:
    """The seen table at `path`; a file that is no SQLite database (a crash) is replaced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _connect(path)
    except sqlite3.DatabaseError:
        logger.warning("%s is damaged; starting it afresh", path)
        path.unlink(missing_ok=True)
        return _connect(path)


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        db.execute("CREATE TABLE IF NOT EXISTS seen (fp INTEGER PRIMARY KEY)")
        db.execute("SELECT count(*) FROM seen").fetchone()
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db
