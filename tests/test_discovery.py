"""Source discovery: the feeds a start page declares and the news sitemaps of robots.txt."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import CrawlRun, run_crawl

from newscrawl.demo import serve
from newscrawl.spiders.links import feed_links

STORY = (
    "The harbour board approved the new ferry timetable on Tuesday after a long debate, and "
    "the {name} story explains what changes for the passengers of the northern route."
)


def _article(name: str) -> str:
    paragraphs = "".join(f"<p>{STORY.format(name=f'{name} {i}')}</p>" for i in range(3))
    return (
        f"<html lang='en'><head><title>The {name} story</title></head><body><article>"
        f"<h1>The {name} story</h1>{paragraphs}</article></body></html>"
    )


def _urlset(*urls: str, lastmod: dict[str, str] | None = None) -> str:
    dates = lastmod or {}
    entries = "".join(
        f"<url><loc>{u}</loc>" + (f"<lastmod>{dates[u]}</lastmod>" if u in dates else "") + "</url>"
        for u in urls
    )
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</urlset>"
    )


def _site(root: Path, *, robots: bool = True) -> Path:
    """A front page that links to no article: its feed and its robots.txt's news sitemap
    list one each, and an archive sitemap lists an old one."""
    site = root / "site"
    (site / "2024" / "05").mkdir(parents=True)
    (site / "2019" / "01").mkdir(parents=True)
    (site / "index.html").write_text(
        "<html><head><title>Harbour News</title>"
        '<link rel="alternate" type="application/rss+xml" title="Harbour News" href="/feed.xml">'
        '<link rel="alternate" hreflang="de" href="/de/">'
        "</head><body><a href='/about.html'>About us</a></body></html>",
        "utf-8",
    )
    (site / "about.html").write_text("<html><body><p>We report.</p></body></html>", "utf-8")
    for path in ("2024/05/feed-story.html", "2024/05/news-story.html", "2019/01/old-story.html"):
        (site / path).write_text(_article(path.rsplit("/", 1)[-1].split("-")[0]), "utf-8")
    (site / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
        "<item><title>Feed story</title><link>/2024/05/feed-story.html</link></item>"
        "</channel></rss>",
        "utf-8",
    )
    if robots:
        (site / "robots.txt").write_text(
            "User-agent: *\nAllow: /\nSitemap: {base}/sitemap-news.xml\n"
            "Sitemap: {base}/sitemap-archive.xml\n",
            "utf-8",
        )
    return site


def _serve_crawl(root: Path, site: Path, spider_args: dict[str, str]) -> CrawlRun:
    with serve(site) as server:
        base = server.url("/").rstrip("/")
        robots = site / "robots.txt"
        if robots.exists():
            robots.write_text(robots.read_text("utf-8").replace("{base}", base), "utf-8")
            # Only its name says it is a news sitemap: an entry older than a news sitemap
            # holds is an archive's, and is not fetched.
            old = f"{base}/2019/01/old-story.html"
            news = _urlset(f"{base}/2024/05/news-story.html", old, lastmod={old: "2019-01-02"})
            (site / "sitemap-news.xml").write_text(news)
            (site / "sitemap-archive.xml").write_text(_urlset(f"{base}/2019/01/old-story.html"))
        run = run_crawl(root, {"start_urls": f"{base}/", **spider_args})
    assert run.returncode == 0, run.log[-2000:]
    return run


def _paths(run: CrawlRun) -> list[str]:
    return sorted(urlsplit(r["url"]).path for r in run.records)


def test_feed_links_reads_the_feeds_a_head_declares() -> None:
    body = (
        b"<html><head><link rel='alternate' type='application/rss+xml' href='/rss'>"
        b'<LINK REL="alternate" TYPE="application/atom+xml" HREF="https://a.example/atom">'
        b'<link rel="alternate" hreflang="de" href="/de/">'
        b'<link rel="stylesheet" type="text/css" href="/s.css">'
        b"<link rel='alternate' type='application/rss+xml' href='/rss'></head>"
        b"<body><link rel='alternate' type='application/rss+xml' href='/late'></body></html>"
    )
    assert feed_links(body, "https://a.example/x/") == [
        "https://a.example/rss",
        "https://a.example/atom",
    ]
    assert feed_links(b"<html><head></head><body>rss+xml</body></html>", "https://a") == []


def test_a_crawl_reads_the_front_pages_feed_and_the_news_sitemap(tmp_path: Path) -> None:
    """Nothing on the front page links to an article; its feed and robots.txt's news sitemap
    name two, and the archive sitemap, which robots.txt lists too, is left alone."""
    run = _serve_crawl(tmp_path, _site(tmp_path), {})
    assert _paths(run) == ["/2024/05/feed-story.html", "/2024/05/news-story.html"]
    stats = run.stats["stats"]
    assert stats["newscrawl/spider/discovered/feeds"] == 1
    assert stats["newscrawl/spider/discovered/news_sitemaps"] == 1
    assert run.stats["summary"]["discovered"] == {"feeds": 1, "news_sitemaps": 1}
    assert run.stats["summary"]["skipped"]["not_news"] == 1  # the old entry


def test_discover_false_reads_only_what_was_given(tmp_path: Path) -> None:
    run = _serve_crawl(tmp_path, _site(tmp_path), {"discover": "false"})
    assert _paths(run) == []
    assert not any(key.startswith("newscrawl/spider/discovered/") for key in run.stats["stats"])


def test_a_site_without_robots_txt_is_no_fetch_error(tmp_path: Path) -> None:
    run = _serve_crawl(tmp_path, _site(tmp_path, robots=False), {})
    assert _paths(run) == ["/2024/05/feed-story.html"]
    assert run.stats["summary"]["errors"] == {}
    assert run.stats["stats"]["newscrawl/spider/discovery_failed"] == 1


def test_newscrawl_crawl_names_what_it_discovered_and_no_discover_reads_none(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from newscrawl.cli import main

    site = _site(tmp_path, robots=False)
    out, off = tmp_path / "o.jsonl", tmp_path / "off.jsonl"
    with serve(site) as server:
        argv = ["crawl", server.url("/"), "-s", "DOWNLOAD_DELAY=0"]
        assert main([*argv, "-o", str(out)]) == 0
        assert "read beside the given sources: feeds=1" in capfd.readouterr().out
        assert main([*argv, "--no-discover", "-o", str(off)]) == 0
    assert len(out.read_text("utf-8").splitlines()) == 1
    assert off.read_text("utf-8") == ""  # the feed's article was not read


def test_a_crawl_that_follows_no_links_discovers_nothing_unless_asked(tmp_path: Path) -> None:
    """`--no-follow` on one article's URL fetches that article, not its site's feed."""
    site = _site(tmp_path, robots=False)
    (site / "2024" / "05" / "given.html").write_text(
        _article("given").replace(
            "</head>", '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
        ),
        "utf-8",
    )
    (tmp_path / "alone").mkdir()
    (tmp_path / "asked").mkdir()
    with serve(site) as server:
        base = server.url("/").rstrip("/")
        start = {"start_urls": f"{base}/2024/05/given.html", "follow_links": "false"}
        alone = run_crawl(tmp_path / "alone", start)
        asked = run_crawl(tmp_path / "asked", {**start, "discover": "true"})
    assert _paths(alone) == ["/2024/05/given.html"]
    assert _paths(asked) == ["/2024/05/feed-story.html", "/2024/05/given.html"]


def test_a_feed_the_site_keeps_on_another_host_is_read(tmp_path: Path) -> None:
    """bbc.co.uk declares its feeds on feeds.bbci.co.uk: here 127.0.0.1 declares one on
    localhost, whose entries point back at 127.0.0.1 and are fetched; an entry elsewhere is
    not."""
    site = _site(tmp_path, robots=False)
    with serve(site) as server:
        base = server.url("/").rstrip("/")
        other = base.replace("127.0.0.1", "localhost")
        front = (site / "index.html").read_text("utf-8")
        (site / "index.html").write_text(
            front.replace('href="/feed.xml"', f'href="{other}/feed.xml"')
        )
        (site / "feed.xml").write_text(
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>'
            f"<item><link>{base}/2024/05/feed-story.html</link></item>"
            f"<item><link>{other}/2024/05/news-story.html</link></item>"
            "</channel></rss>",
            "utf-8",
        )
        run = run_crawl(tmp_path, {"start_urls": f"{base}/"})
    assert run.returncode == 0, run.log[-2000:]
    assert [r["url"] for r in run.records] == [f"{base}/2024/05/feed-story.html"]
    assert run.stats["summary"]["discovered"] == {"feeds": 1}


def test_a_sitemap_found_by_its_name_adds_what_a_news_sitemap_may_list() -> None:
    """Newest first, none older than a news sitemap holds unless its news block dates it, and
    at most as many as one may list; an index's old children are not read either."""
    from datetime import UTC, datetime, timedelta

    from scrapy.utils.test import get_crawler

    from newscrawl.spiders.discovery import Entry
    from newscrawl.spiders.news import NEWS_SITEMAP_MAX_URLS, NewsSpider

    crawler = get_crawler(NewsSpider)
    spider = NewsSpider.from_crawler(crawler, start_urls="https://a.example/")
    crawler.stats.open_spider()
    today = datetime.now(UTC).date().isoformat()
    old = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    entries = [
        Entry("https://a.example/old", lastmod=old),
        Entry("https://a.example/old-but-news", lastmod=old, published=old),
        Entry("https://a.example/today", lastmod=today),
        *(Entry(f"https://a.example/undated/{i}") for i in range(NEWS_SITEMAP_MAX_URLS)),
    ]
    kept = spider._news_window(spider._recent_first(entries), "urlset")
    assert [e.url for e in kept[:2]] == [
        "https://a.example/today",
        "https://a.example/old-but-news",
    ]
    assert len(kept) == NEWS_SITEMAP_MAX_URLS
    assert "https://a.example/old" not in {e.url for e in kept}
    children = [
        Entry("https://a.example/news/s1.xml", lastmod=old),  # an archive's month
        Entry("https://a.example/sitemaps/news-sitemap-2.xml", lastmod=old),  # a stale date
    ]
    index = spider._news_window(children, "sitemapindex")
    assert [e.url for e in index] == ["https://a.example/sitemaps/news-sitemap-2.xml"]
    # The old entry, the two past the cap, the old child.
    assert crawler.stats.get_value("newscrawl/spider/skipped/not_news") == 4
