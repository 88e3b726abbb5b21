"""`since` and newest-first discovery: recent articles only, and the latest ones first."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import run_crawl
from scrapy.utils.test import get_crawler

from newscrawl.cli import main
from newscrawl.core.since import before, parse_since
from newscrawl.demo import serve
from newscrawl.exceptions import ConfigError
from newscrawl.ops.sources import parse_sources
from newscrawl.spiders.discovery import Entry
from newscrawl.spiders.news import NewsSpider

NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)


def test_parse_since_ages_and_dates() -> None:
    assert parse_since("7d", NOW) == datetime(2024, 5, 3, 12, 0, tzinfo=UTC)
    assert parse_since("36h", NOW) == datetime(2024, 5, 9, 0, 0, tzinfo=UTC)
    assert parse_since("2w", NOW) == datetime(2024, 4, 26, 12, 0, tzinfo=UTC)
    assert parse_since("2024-05-01", NOW) == datetime(2024, 5, 1, tzinfo=UTC)
    assert parse_since("2024-05-01T12:00:00+02:00") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_since("", NOW) is None
    with pytest.raises(ValueError, match="give an age"):
        parse_since("last week", NOW)


def test_before_keeps_what_it_cannot_read() -> None:
    cutoff = datetime(2024, 5, 1, tzinfo=UTC)
    assert before("2024-04-30T23:59:59Z", cutoff)
    assert not before("2024-05-01T00:00:00Z", cutoff)
    assert before("2024-04-30", cutoff)
    assert before("2024-05-01T01:00:00+02:00", cutoff) is not False  # 23:00 UTC the day before
    assert not before("yesterday", cutoff)
    assert not before(None, cutoff)
    assert not before("2020-01-01", None)


def _spider(**kwargs: str) -> NewsSpider:
    crawler = get_crawler(NewsSpider)
    spider = NewsSpider.from_crawler(crawler, start_urls="https://example.com/", **kwargs)
    crawler.spider = spider
    crawler.stats.open_spider()
    return spider


def test_entries_come_newest_first_undated_last() -> None:
    entries = [
        Entry("https://example.com/a", lastmod="2024-01-05"),
        Entry("https://example.com/b"),
        Entry("https://example.com/c", lastmod="2024-01-01", published="2024-03-01T08:00:00Z"),
        Entry("https://example.com/d", lastmod="2024-02-01"),
        Entry("https://example.com/e"),
    ]
    order = [e.url[-1] for e in _spider()._recent_first(entries)]
    assert order == ["c", "d", "a", "b", "e"]


def test_entries_before_since_are_skipped_and_counted() -> None:
    spider = _spider(since="2024-02-01")
    entries = [
        Entry("https://example.com/old", lastmod="2024-01-05"),
        Entry("https://example.com/new", published="2024-02-02"),
        Entry("https://example.com/undated"),
    ]
    assert [e.url for e in spider._recent_first(entries)] == [
        "https://example.com/new",
        "https://example.com/undated",
    ]
    assert spider.crawler.stats.get_value("newscrawl/spider/skipped/before_since") == 1


def test_bad_since_is_refused_by_the_spider_and_the_sources_file() -> None:
    with pytest.raises(ValueError, match="since"):
        _spider(since="soon")
    data = {"sources": {"x": {"start_urls": ["https://example.com/"], "since": "soon"}}}
    with pytest.raises(ConfigError, match=r"source 'x'.*since"):
        parse_sources(data)
    data["sources"]["x"]["since"] = "2d"
    assert parse_sources(data)[0].spider_args()["since"] == "2d"


PARAGRAPH = (
    "The harbour board met on {day} to discuss the new ferry timetable, which adds two "
    "crossings on weekdays and one on Sundays, after a year of complaints from commuters "
    "who said the last boat left too early for anyone working a late shift in the city."
)


def _article(title: str, published: str) -> str:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title}
    ld["datePublished"] = published
    body = "".join(f"<p>{PARAGRAPH.format(day=published)} ({i})</p>" for i in range(3))
    return f"""<html lang="en"><head><title>{title}</title>
    <script type="application/ld+json">{json.dumps(ld)}</script></head>
    <body><article><h1>{title}</h1>{body}</article></body></html>"""


def _urlset(*entries: tuple[str, str | None, str | None]) -> str:
    items = []
    for path, lastmod, published in entries:
        extra = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        if published:
            extra += (
                f"<news:news><news:publication_date>{published}</news:publication_date></news:news>"
            )
        items.append(f"<url><loc>{{base}}{path}</loc>{extra}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        + "".join(items)
        + "</urlset>"
    )


def test_crawl_since_fetches_and_writes_recent_articles_only(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "news").mkdir(parents=True)
    pages = {
        "/news/ferry-timetable-changes-approved-2020.html": "2020-06-01T09:00:00Z",
        "/news/ferry-fares-frozen-for-winter-2020.html": "2020-11-01T09:00:00Z",
        "/news/harbour-board-adds-sunday-crossing.html": "2024-05-02T09:00:00Z",
        "/news/late-ferry-trial-starts-in-june.html": "2024-05-03T09:00:00Z",
        "/news/old-story-listed-in-a-new-sitemap.html": "2023-01-01T09:00:00Z",
        "/news/undated-entry-of-an-old-story.html": "2019-03-01T09:00:00Z",
    }
    for path, published in pages.items():
        (site / path.lstrip("/")).write_text(_article(path.rsplit("/", 1)[1], published), "utf-8")
    old = _urlset(*((p, "2020-12-31", None) for p in list(pages)[:2]))
    new = _urlset(
        ("/news/harbour-board-adds-sunday-crossing.html", None, "2024-05-02"),
        ("/news/late-ferry-trial-starts-in-june.html", "2024-05-03", None),
        ("/news/old-story-listed-in-a-new-sitemap.html", "2023-01-01", None),
        ("/news/undated-entry-of-an-old-story.html", None, None),
    )
    with serve(site) as server:
        base = server.url("/").rstrip("/")
        (site / "sitemap-2020.xml").write_text(old.replace("{base}", base), "utf-8")
        (site / "sitemap-2024.xml").write_text(new.replace("{base}", base), "utf-8")
        (site / "sitemap.xml").write_text(
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{base}/sitemap-2020.xml</loc><lastmod>2020-12-31</lastmod></sitemap>"
            f"<sitemap><loc>{base}/sitemap-2024.xml</loc><lastmod>2024-05-03</lastmod></sitemap>"
            "</sitemapindex>",
            "utf-8",
        )
        run = run_crawl(
            tmp_path,
            {"sitemap_urls": f"{base}/sitemap.xml", "follow_links": "false", "since": "2024-01-01"},
        )
    assert run.returncode == 0, run.log[-2000:]
    assert sorted(r["published"][:10] for r in run.records) == ["2024-05-02", "2024-05-03"]
    summary = run.stats["summary"]
    # The 2020 sitemap (last changed before since) and one dated entry were never fetched.
    assert summary["skipped"]["before_since"] == 2
    assert summary["html_pages"] == 3
    # The undated entry was fetched; its page says 2019.
    assert summary["dropped"] == {"before_since": 1}


def test_cli_refuses_a_bad_since(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "--since", "soon", "http://127.0.0.1:9/"]) == 2
    assert "--since: give an age" in capsys.readouterr().err
