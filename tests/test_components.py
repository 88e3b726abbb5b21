"""Scrapy components: built from settings, disabled -> NotConfigured, bad values -> ValueError."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler
from sitegen import make_site

from newscrawl.extensions import (
    MemoryTrim,
    ParentWatch,
    ShortNetworkErrors,
    StatsFile,
    summarize_stats,
)
from newscrawl.items import RawPage
from newscrawl.pipelines import (
    CleaningPipeline,
    DedupPipeline,
    JsonlWriterPipeline,
    ValidationPipeline,
)
from newscrawl.pipelines.writer import output_path
from newscrawl.spiders.news import NewsSpider

SETTINGS_MODULE = "newscrawl.settings"


def crawler_with(settings: dict[str, Any] | None = None) -> Any:
    from scrapy.settings import Settings

    base = Settings()
    base.setmodule(SETTINGS_MODULE)
    base.setdict({"TWISTED_REACTOR_ENABLED": False, **(settings or {})}, priority="cmdline")
    return get_crawler(Spider, base.copy_to_dict())


@pytest.mark.parametrize(
    ("component", "setting"),
    [
        (CleaningPipeline, "NEWSCRAWL_CLEAN_ENABLED"),
        (DedupPipeline, "NEWSCRAWL_DEDUP_ENABLED"),
        (ValidationPipeline, "NEWSCRAWL_VALIDATE_ENABLED"),
        (JsonlWriterPipeline, "NEWSCRAWL_WRITER_ENABLED"),
        (StatsFile, "NEWSCRAWL_STATS_FILE_ENABLED"),
        (MemoryTrim, "NEWSCRAWL_MEMORY_TRIM_INTERVAL"),
        (ShortNetworkErrors, "NEWSCRAWL_SHORT_NETWORK_ERRORS"),
        (ParentWatch, "NEWSCRAWL_PARENT_PID"),
    ],
)
def test_disabled_component_is_not_configured(component: Any, setting: str) -> None:
    with pytest.raises(NotConfigured):
        component.from_crawler(crawler_with({setting: False}))


def test_politeness_is_off_only_when_both_caps_are_zero() -> None:
    from newscrawl.extensions import Politeness

    with pytest.raises(NotConfigured):
        Politeness.from_crawler(
            crawler_with({"NEWSCRAWL_CRAWL_DELAY_MAX": 0, "NEWSCRAWL_RETRY_AFTER_MAX": 0})
        )
    assert Politeness.from_crawler(crawler_with({"NEWSCRAWL_CRAWL_DELAY_MAX": 0}))


def test_retry_after_is_read_as_seconds_or_a_date_and_capped() -> None:
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    from scrapy.http import Response

    from newscrawl.extensions import Politeness

    polite = Politeness.from_crawler(crawler_with({"NEWSCRAWL_RETRY_AFTER_MAX": 60}))

    def wait(value: str) -> float | None:
        return polite._retry_after(Response("https://ex.com/", 429, {"Retry-After": value}))

    assert wait("20") == 20
    assert wait("3600") == 60  # capped
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (wait(soon) or 0) <= 30
    assert wait("Wed, 21 Oct 2015 07:28:00 GMT") is None  # past: no wait
    assert wait("soon") is None and wait("") is None


def test_memory_trim_returns_freed_heap_on_glibc() -> None:
    """On glibc (this project's Linux target) freed heap goes back: resident size falls."""
    import psutil

    from newscrawl.extensions import can_trim, malloc_trim

    assert can_trim()
    before = psutil.Process().memory_info().rss
    blocks = [bytearray(64 * 1024) for _ in range(2000)]  # ~128 MB in heap-sized pieces
    grown = psutil.Process().memory_info().rss
    del blocks
    malloc_trim()
    after = psutil.Process().memory_info().rss
    assert grown - before > 100 * 2**20
    assert after < grown - 64 * 2**20
    ext = MemoryTrim.from_crawler(crawler_with({"NEWSCRAWL_MEMORY_TRIM_INTERVAL": 2.0}))
    assert ext.interval == 2.0


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("NEWSCRAWL_CLEAN_HOLD_PAGES", -1),
        ("NEWSCRAWL_CLEAN_MAX_SITES", 0),
        ("NEWSCRAWL_CLEAN_TIMEOUT", 0),
        ("NEWSCRAWL_CLEAN_WORKERS", -2),
    ],
)
def test_bad_cleaning_values_name_the_setting(setting: str, value: Any) -> None:
    with pytest.raises(ValueError, match=setting):
        CleaningPipeline.from_crawler(crawler_with({setting: value}))


def test_bad_writer_values_name_the_setting() -> None:
    with pytest.raises(ValueError, match="NEWSCRAWL_MAX_ARTICLES"):
        JsonlWriterPipeline.from_crawler(crawler_with({"NEWSCRAWL_MAX_ARTICLES": -1}))
    with pytest.raises(ValueError, match="NEWSCRAWL_RUN_ID"):
        JsonlWriterPipeline.from_crawler(crawler_with({"NEWSCRAWL_RUN_ID": "../x"}))


def test_default_output_layout() -> None:
    crawler = crawler_with({"NEWSCRAWL_RUN_ID": "run1"})
    path = output_path(crawler.settings, "news", datetime(2026, 5, 1, tzinfo=UTC))
    assert path == Path("output/news/2026-05-01/run1.jsonl")


def test_cleaning_pipeline_turns_raw_pages_into_records(tmp_path: Path) -> None:
    crawler = crawler_with(
        {
            "NEWSCRAWL_STATE_DIR": str(tmp_path),
            "NEWSCRAWL_CLEAN_HOLD_PAGES": 0,
            "NEWSCRAWL_CLEAN_WORKERS": 1,
        }
    )
    pipe = CleaningPipeline.from_crawler(crawler)
    pages = make_site(pages=4)

    async def go() -> list[Any]:
        pipe.open_spider()
        out = []
        for p in pages:
            item = RawPage(url=p.url, html=p.html, fetched_at=datetime.now(UTC), source="t")
            out.append(await pipe.process_item(item))
        with pytest.raises(DropItem, match="not_article"):
            listing = "<html><body>" + "<p><a href='/x'>A headline link</a></p>" * 50
            await pipe.process_item(
                RawPage(url="https://news.example.com/tag/x/", html=listing + "</body></html>")
            )
        await pipe.close_spider()
        return out

    records = asyncio.run(go())
    assert [r["url"] for r in records] == [p.url for p in pages]
    assert all(r["source"] == "t" and r["text"] for r in records)
    assert crawler.stats.get_value("newscrawl/dropped/not_article") == 1


def test_dedup_drops_same_article_under_another_url_or_same_text() -> None:
    pipe = DedupPipeline.from_crawler(crawler_with())
    rec = {
        "url": "https://ex.com/a.html?utm_source=x",
        "canonical_url": "https://ex.com/a.html",
        "fingerprint": "f1",
    }
    pipe.process_item(rec)
    with pytest.raises(DropItem, match="duplicate_url"):
        pipe.process_item(dict(rec, url="https://www.ex.com/a.amp.html", fingerprint="f2"))
    with pytest.raises(DropItem, match="duplicate_content"):
        pipe.process_item(dict(rec, url="https://ex.com/b", canonical_url="https://ex.com/b"))


def test_dedup_reads_back_the_output_it_appends_to(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    old = {"url": "https://ex.com/a", "canonical_url": "https://ex.com/a", "fingerprint": "f1"}
    out.write_text(json.dumps(old) + "\n" + '{"url": "https://ex.com/torn', "utf-8")
    pipe = DedupPipeline.from_crawler(crawler_with({"NEWSCRAWL_OUTPUT": str(out)}))
    pipe.open_spider()
    with pytest.raises(DropItem, match="already_in_output"):
        pipe.process_item(dict(old, url="https://ex.com/a?utm_source=feed"))
    with pytest.raises(DropItem, match="already_in_output"):
        pipe.process_item(dict(old, url="https://ex.com/b", canonical_url="https://ex.com/b"))
    torn = {"url": "https://ex.com/torn", "canonical_url": "https://ex.com/torn"}
    assert pipe.process_item({**torn, "fingerprint": "f3"})
    assert pipe.stats.get_value("newscrawl/dedup/in_output") == 1
    # In incremental mode the seen store reads the output back and may write an update.
    incremental = {"NEWSCRAWL_OUTPUT": str(out), "NEWSCRAWL_INCREMENTAL_ENABLED": True}
    pipe = DedupPipeline.from_crawler(crawler_with(incremental))
    pipe.open_spider()
    assert pipe.process_item(dict(old)) == old


def test_stats_summary_groups_drops_and_errors() -> None:
    summary = summarize_stats(
        {
            "newscrawl/dropped/not_article": 3,
            "newscrawl/spider/fetch_failed/ConnectionRefusedError": 2,
            "httperror/response_ignored_status_count/404": 1,
            "newscrawl/clean/chars_removed": 25,
            "newscrawl/clean/chars_out": 75,
            "robotstxt/forbidden": 4,
            "offsite/filtered": 1,
        }
    )
    assert summary["dropped"] == {"not_article": 3}
    assert summary["errors"] == {"download/ConnectionRefusedError": 2, "http/404": 1}
    assert summary["skipped"] == {"robots_txt": 4, "offsite": 1}  # rules kept, no failure
    assert summary["removed_share"] == 0.25


def test_spider_arguments_are_checked() -> None:
    with pytest.raises(ValueError, match="start_urls"):
        NewsSpider()
    with pytest.raises(ValueError, match="not an http"):
        NewsSpider(start_urls="ftp://ex.com/")
    with pytest.raises(ValueError, match="max_articles"):
        NewsSpider(start_urls="https://ex.com/", max_articles="-1")
    spider = NewsSpider(start_urls="https://www.ex.com/,https://other.org/x")
    assert spider.allowed_domains == ["ex.com", "other.org"]


def test_addon_registers_pipelines_and_defaults_without_overriding() -> None:
    from scrapy.settings import Settings

    from newscrawl.addon import NewscrawlAddon

    settings = Settings({"NEWSCRAWL_CLEAN_HOLD_PAGES": 3})
    NewscrawlAddon().update_settings(settings)
    assert "newscrawl.pipelines.CleaningPipeline" in settings.getdict("ITEM_PIPELINES")
    assert settings.getint("NEWSCRAWL_CLEAN_HOLD_PAGES") == 3
    assert settings.getint("NEWSCRAWL_CLEAN_MAX_SITES") == 256


def test_disk_frontier_gives_a_temporary_jobdir_only_to_crawls_without_one(tmp_path) -> None:
    import gc

    from scrapy.settings import Settings

    from newscrawl.ops.jobdir import DiskFrontier

    addon = DiskFrontier()
    settings = Settings()
    addon.update_settings(settings)
    jobdir = Path(settings.get("JOBDIR"))
    assert jobdir.is_dir() and jobdir.name.startswith("newscrawl-frontier-")
    del addon
    gc.collect()
    assert not jobdir.exists(), "released with the add-on, at the end of the crawl process"

    for given in (
        {"JOBDIR": str(tmp_path / "job")},  # a resumable or scheduled crawl keeps its own
        {"NEWSCRAWL_REDIS_URL": "redis://127.0.0.1:6379/0"},  # the frontier is in Redis
        {"NEWSCRAWL_DISK_FRONTIER": False},
    ):
        settings = Settings(given)
        DiskFrontier().update_settings(settings)
        assert settings.get("JOBDIR") == given.get("JOBDIR"), given


def test_a_frontier_left_by_a_killed_crawl_is_removed_by_the_next(tmp_path) -> None:
    import os
    import subprocess
    import sys

    from newscrawl.ops.jobdir import FRONTIER_PREFIX, remove_orphan_frontiers

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead = tmp_path / f"{FRONTIER_PREFIX}{gone.stdout.strip()}-x1"
    alive = tmp_path / f"{FRONTIER_PREFIX}{os.getpid()}-x2"
    other = tmp_path / "unrelated-dir"
    for path in (dead, alive, other):
        (path / "requests.queue").mkdir(parents=True)
    assert remove_orphan_frontiers(tmp_path) == 1
    assert not dead.exists() and alive.exists() and other.exists()


def test_meta_refresh_is_followed_without_decoding_other_pages() -> None:
    from scrapy import Request
    from scrapy.http import HtmlResponse

    from newscrawl.middlewares import MetaRefreshMiddleware

    mw = MetaRefreshMiddleware.from_crawler(get_crawler(Spider, {"METAREFRESH_ENABLED": True}))
    url = "https://news.example/old/story.html"
    refresh = b'<html><head><META HTTP-EQUIV="Refresh" CONTENT="0; URL=/new/story.html">'
    redirected = mw.process_response(Request(url), HtmlResponse(url, body=refresh))
    assert isinstance(redirected, Request)
    assert redirected.url == "https://news.example/new/story.html"
    plain = HtmlResponse(url, body=b"<html><head><title>Story</title></head><body>x</body>")
    assert mw.process_response(Request(url), plain) is plain
