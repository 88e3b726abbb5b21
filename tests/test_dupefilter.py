"""DiskDupeFilter: seen requests on disk in the JOBDIR, flat memory, Scrapy's semantics."""

from __future__ import annotations

import logging
import tracemalloc
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.settings import Settings

from newscrawl.ops.dupefilter import SEEN_DB, DiskDupeFilter
from newscrawl.ops.jobdir import DUPEFILTER, DiskFrontier, reset_jobdir


def _requests(count: int, start: int = 0) -> list[Request]:
    return [Request(f"https://news.example/story/{i}.html") for i in range(start, start + count)]


def test_filters_repeats_and_keeps_them_in_the_jobdir(tmp_path: Path) -> None:
    seen = DiskDupeFilter(str(tmp_path))
    first = _requests(2500)
    assert [seen.request_seen(r) for r in first] == [False] * 2500
    assert all(seen.request_seen(r) for r in _requests(2500))  # same URLs, new objects
    # Scrapy's canonical form: a reordered query string is the same request, POST is not.
    assert not seen.request_seen(Request("https://news.example/q?a=1&b=2"))
    assert seen.request_seen(Request("https://news.example/q?b=2&a=1"))
    assert not seen.request_seen(Request("https://news.example/q?a=1&b=2", method="POST"))
    assert seen.seen_count() == 2502
    seen.close("finished")
    assert (tmp_path / SEEN_DB).is_file()
    again = DiskDupeFilter(str(tmp_path))  # as Scrapy keeps requests.seen in a JOBDIR
    assert again.request_seen(first[7]) and not again.request_seen(_requests(1, 9000)[0])
    again.close("finished")


def test_memory_does_not_grow_with_the_requests_seen(tmp_path: Path) -> None:
    def growth(dupefilter: RFPDupeFilter) -> int:
        """Python memory added by the second 20,000 requests (the first warm the caches)."""
        tracemalloc.start()
        sizes = []
        for half in (0, 20_000):
            for start in range(half, half + 20_000, 5_000):
                for request in _requests(5_000, start):
                    dupefilter.request_seen(request)
            sizes.append(tracemalloc.get_traced_memory()[0])
        tracemalloc.stop()
        dupefilter.close("finished")
        return sizes[1] - sizes[0]

    on_disk = growth(DiskDupeFilter(str(tmp_path)))
    in_memory = growth(RFPDupeFilter())
    assert in_memory > 1_000_000  # Scrapy's set: ~100 bytes a request
    assert on_disk < 100_000, (on_disk, in_memory)


def test_without_a_jobdir_it_is_scrapys_filter_in_memory() -> None:
    seen = DiskDupeFilter(None)
    assert not seen.request_seen(Request("https://news.example/a"))
    assert seen.request_seen(Request("https://news.example/a"))
    assert seen.seen_count() == 1 and seen.db_path is None
    seen.close("finished")


def test_a_damaged_table_is_started_afresh(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / SEEN_DB).write_bytes(b"not a database, a crash left this" * 100)
    with caplog.at_level(logging.WARNING):
        seen = DiskDupeFilter(str(tmp_path))
    assert "damaged" in caplog.text
    assert not seen.request_seen(Request("https://news.example/a"))
    seen.close("finished")


def test_a_restart_discards_the_table_with_scrapys_seen_file(tmp_path: Path) -> None:
    seen = DiskDupeFilter(str(tmp_path))
    seen.request_seen(Request("https://news.example/a"))
    seen.close("finished")
    assert reset_jobdir(tmp_path) == "stopped"
    assert not (tmp_path / SEEN_DB).exists()
    assert reset_jobdir(tmp_path) is None


def test_disk_frontier_selects_the_filter_unless_redis_or_the_project_chose() -> None:
    settings = Settings({"JOBDIR": "/nonexistent/job"})
    DiskFrontier().update_settings(settings)
    assert settings.get("DUPEFILTER_CLASS") == DUPEFILTER
    redis = Settings({"NEWSCRAWL_REDIS_URL": "redis://127.0.0.1:1"})
    DiskFrontier().update_settings(redis)
    assert redis.get("DUPEFILTER_CLASS") != DUPEFILTER
    own = Settings({"JOBDIR": "/nonexistent/job"})
    own.set("DUPEFILTER_CLASS", "myproject.MyFilter", priority="project")
    DiskFrontier().update_settings(own)
    assert own.get("DUPEFILTER_CLASS") == "myproject.MyFilter"
    off = Settings({"NEWSCRAWL_DISK_FRONTIER": False})
    DiskFrontier().update_settings(off)
    assert off.get("DUPEFILTER_CLASS") != DUPEFILTER
