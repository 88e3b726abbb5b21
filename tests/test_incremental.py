"""Incremental crawls: a second run fetches and writes only what is new or changed.

The site here is generated per test (so a test can change an article between runs) and
served by a loopback server that speaks ETag / Last-Modified, so conditional requests are
exercised for real. The components are checked alone (built through `get_crawler`) and end
to end in real `scrapy crawl` processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

WORDS = (
    "harbour council ferry budget school river storm market bridge festival museum library "
    "tram station mayor vote plan park rain wind tide boat fish dock crane worker union "
    "season report record museum garden street quarter district hospital nurse doctor pupil "
    "teacher court judge police officer fire brigade volunteer charity concert theatre"
).split()
PROMO = "Subscribe to the Harbour Ledger morning briefing for the stories that matter today."


def article_slug(i: int) -> str:
    return f"news/2024/05/harbour-story-number-{i:03d}-of-the-day.html"


def article_text(i: int, version: int = 0) -> list[str]:
    rng = random.Random(i * 1000 + version)
    paras = []
    for _ in range(4):
        words = [rng.choice(WORDS) for _ in range(40)]
        paras.append(" ".join(words).capitalize() + ".")
    return paras


def article_html(i: int, base: str = "{{BASE}}", version: int = 0) -> str:
    title = f"Harbour story number {i} of the day"
    paras = "\n".join(f"<p>{p}</p>" for p in article_text(i, version))
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | Harbour Ledger</title>
<meta property="og:type" content="article">
<link rel="canonical" href="{base}/{article_slug(i)}">
<meta property="article:published_time" content="2024-05-{1 + i % 28:02d}T08:00:00Z">
</head><body>
<header><nav><a href="/">Home</a></nav></header>
<main><article><h1>{title}</h1>
<p class="byline">By Ada Reporter</p>
{paras}
</article>
<aside><p>{PROMO}</p></aside></main>
<footer><p>Harbour Ledger, 1 Quay Street. All rights reserved.</p></footer>
</body></html>
"""


def index_html(ids: list[int]) -> str:
    links = "\n".join(
        f'<li><a href="/{article_slug(i)}">Harbour story number {i} of the day</a></li>'
        for i in ids
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour Ledger</title></head><body><nav><a href="/">Home</a></nav>
<ul>{links}</ul><footer><p>Harbour Ledger, 1 Quay Street.</p></footer></body></html>
"""


def build_site(root: Path, count: int) -> list[str]:
    """Write a small static news site (for `newscrawl.demo.serve`); return the article paths."""
    ids = list(range(count))
    for i in ids:
        path = root / article_slug(i)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(article_html(i), "utf-8")
    (root / "index.html").write_text(index_html(ids), "utf-8")
    urls = "".join(
        f"<url><loc>{{{{BASE}}}}/{article_slug(i)}</loc><lastmod>2024-05-01</lastmod></url>"
        for i in ids
    )
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
        "utf-8",
    )
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", "utf-8")
    return [article_slug(i) for i in ids]


# --- a loopback site that speaks ETag / Last-Modified -------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: _SiteServer

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.hits[path] += 1
        page = self.server.pages.get(path)
        if page is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body, content_type, modified = page
        etag = '"' + hashlib.md5(body).hexdigest() + '"'
        if self.headers.get("If-None-Match") == etag:
            self.server.not_modified[path] += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read hit counters, not logs."""


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.pages: dict[str, tuple[bytes, str, str]] = {}
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.base = f"http://127.0.0.1:{self.server_address[1]}"


@dataclass
class Site:
    """A mutable news site: articles with versions and sitemap lastmod dates."""

    server: _SiteServer
    versions: dict[int, int]
    lastmod: dict[int, str]

    def publish(self) -> None:
        base = self.server.base
        ids = sorted(self.versions)
        pages = self.server.pages
        modified = formatdate(usegmt=True)
        for i in ids:
            html = article_html(i, base, self.versions[i]).encode()
            old = pages.get("/" + article_slug(i))
            keep = old is not None and old[0] == html
            pages["/" + article_slug(i)] = (
                html,
                "text/html; charset=utf-8",
                old[2] if keep and old else modified,
            )
        pages["/"] = (index_html(ids).encode(), "text/html; charset=utf-8", modified)
        urls = "".join(
            f"<url><loc>{base}/{article_slug(i)}</loc><lastmod>{self.lastmod[i]}</lastmod></url>"
            for i in ids
        )
        sitemap = (
            '<?xml version="1.0" encoding="UTF-8"?><urlset '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
        )
        pages["/sitemap.xml"] = (sitemap.encode(), "application/xml", modified)
        pages["/robots.txt"] = (b"User-agent: *\nAllow: /\n", "text/plain", modified)

    def hits(self, i: int) -> int:
        return self.server.hits["/" + article_slug(i)]


@pytest.fixture
def site() -> Iterator[Site]:
    server = _SiteServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ids = range(6)
    s = Site(server, dict.fromkeys(ids, 0), dict.fromkeys(ids, "2024-05-01T08:00:00+00:00"))
    s.publish()
    try:
        yield s
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- helpers -------------------------------------------------------------------------------

TEST_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "CLOSESPIDER_TIMEOUT": "60",
    "NEWSCRAWL_CLEAN_WORKERS": "1",
    "NEWSCRAWL_CLEAN_HOLD_PAGES": "3",
    "TELNETCONSOLE_ENABLED": "False",
}
CRAWL_TIMEOUT = 90


def ops_settings(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Test settings with the incremental components registered and enabled."""
    from scrapy.settings import Settings

    from newscrawl import settings as project
    from newscrawl.ops.components import missing_component_settings

    settings = Settings()
    settings.setmodule(project)
    return {
        **TEST_SETTINGS,
        **missing_component_settings(settings),
        "NEWSCRAWL_INCREMENTAL_ENABLED": "True",
        "NEWSCRAWL_STATE_DIR": str(tmp_path / "state"),
        **extra,
    }


def crawl_command(spider_args: dict[str, str], settings: dict[str, str]) -> list[str]:
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-L", "INFO"]
    for key, value in spider_args.items():
        cmd += ["-a", f"{key}={value}"]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    return cmd


def crawl_env() -> dict[str, str]:
    return {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def crawl(
    tmp_path: Path, site: Site, name: str, **extra: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One real crawl of `site` with its own output; returns (records, full stats)."""
    output = tmp_path / f"{name}.jsonl"
    args = {
        "start_urls": site.server.base + "/",
        "sitemap_urls": site.server.base + "/sitemap.xml",
        "source": "ledger",
    }
    settings = ops_settings(tmp_path, NEWSCRAWL_OUTPUT=str(output), **extra)
    proc = subprocess.run(
        crawl_command(args, settings),
        cwd=tmp_path,
        env=crawl_env(),
        capture_output=True,
        text=True,
        timeout=CRAWL_TIMEOUT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    stats_file = tmp_path / f"{name}.stats.json"
    stats = json.loads(stats_file.read_text("utf-8"))["stats"]
    return read_jsonl(output), stats


# --- components alone -----------------------------------------------------------------------


def test_disabled_components_raise_not_configured() -> None:
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from newscrawl.middlewares import IncrementalMiddleware, IncrementalSpiderMiddleware
    from newscrawl.pipelines.incremental import IncrementalPipeline
    from newscrawl.spiders.news import NewsSpider

    crawler = get_crawler(NewsSpider, {"NEWSCRAWL_INCREMENTAL_ENABLED": False})
    with pytest.raises(NotConfigured):
        IncrementalMiddleware.from_crawler(crawler)
    with pytest.raises(NotConfigured):
        IncrementalSpiderMiddleware.from_crawler(crawler)
    with pytest.raises(NotConfigured):
        IncrementalPipeline.from_crawler(crawler)


def test_bad_recheck_hours_names_the_setting() -> None:
    from scrapy.utils.test import get_crawler

    from newscrawl.middlewares import IncrementalMiddleware
    from newscrawl.spiders.news import NewsSpider

    crawler = get_crawler(
        NewsSpider,
        {"NEWSCRAWL_INCREMENTAL_ENABLED": True, "NEWSCRAWL_INCREMENTAL_RECHECK_HOURS": -1},
    )
    with pytest.raises(ValueError, match="NEWSCRAWL_INCREMENTAL_RECHECK_HOURS"):
        IncrementalMiddleware.from_crawler(crawler)


def test_corrupt_store_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    from newscrawl.ops.seen import SeenStore

    path = tmp_path / "seen.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = SeenStore(path)
    assert store.rebuilt
    assert store.count() == 0
    store.confirm("s", ["example.org/a"], "fp", None)
    assert store.get("s", "example.org/a") is not None
    store.close()
    assert list(tmp_path.glob("seen.sqlite3.corrupt-*"))


def test_hints_decide_what_changed() -> None:
    from datetime import UTC, datetime

    from newscrawl.ops.seen import SeenEntry, hint_is_newer

    written = datetime(2024, 5, 2, 12, tzinfo=UTC)
    no_hint = SeenEntry("fp", None, None, None, written, written)
    assert not hint_is_newer(None, no_hint)
    assert not hint_is_newer("2024-05-01", no_hint)  # older than the fetch
    assert hint_is_newer("2024-05-03T00:00:00Z", no_hint)
    assert hint_is_newer("Fri, 03 May 2024 10:00:00 GMT", no_hint)  # RSS dates
    hinted = SeenEntry("fp", "2024-05-01", None, None, written, written)
    assert not hint_is_newer("2024-05-01", hinted)
    assert hint_is_newer("2024-05-02", hinted)  # lastmod moved: changed, even before the fetch
    assert not hint_is_newer("2024-04-30", hinted)


def test_pipeline_drops_unchanged_and_marks_updates(tmp_path: Path) -> None:
    from scrapy.exceptions import DropItem
    from scrapy.utils.test import get_crawler

    from newscrawl.pipelines.incremental import IncrementalPipeline
    from newscrawl.spiders.news import NewsSpider

    crawler = get_crawler(
        NewsSpider,
        {"NEWSCRAWL_INCREMENTAL_ENABLED": True, "NEWSCRAWL_STATE_DIR": str(tmp_path)},
    )
    pipe = IncrementalPipeline.from_crawler(crawler)
    spider = NewsSpider(start_urls="http://example.org/", source="ex")
    pipe.open_spider(spider)
    record = {
        "url": "http://example.org/a",
        "canonical_url": "http://example.org/a",
        "fingerprint": "one",
        "fetched_at": "2024-05-01T00:00:00Z",
    }
    assert "is_update" not in pipe.process_item(dict(record))
    pipe.item_scraped(dict(record))
    with pytest.raises(DropItem, match="unchanged"):
        pipe.process_item(dict(record))
    changed = pipe.process_item({**record, "fingerprint": "two"})
    assert changed["is_update"] is True
    pipe.close_spider(spider)
    stats = crawler.stats.get_stats()
    assert stats["newscrawl/incremental/new"] == 1
    assert stats["newscrawl/incremental/updated"] == 1
    assert stats["newscrawl/dropped/unchanged"] == 1


# --- end to end -----------------------------------------------------------------------------


def test_second_run_fetches_and_writes_only_what_changed(tmp_path: Path, site: Site) -> None:
    first, stats = crawl(tmp_path, site, "run1")
    assert len(first) == 6
    assert stats["newscrawl/incremental/new"] == 6
    assert all(site.hits(i) == 1 for i in range(6))
    assert not any(PROMO in r["text"] for r in first)

    second, stats = crawl(tmp_path, site, "run2")
    assert second == []
    # Each article is linked twice (sitemap and home page): two requests skipped per article.
    assert stats["newscrawl/incremental/skipped"] == 2 * 6
    assert all(site.hits(i) == 1 for i in range(6))  # not fetched again
    # Skipped articles never became requests: no failed fetches, no download exceptions.
    assert not [k for k in stats if "fetch_failed" in k or k.startswith("downloader/exception")]
    assert site.server.hits["/"] == 2 and site.server.hits["/sitemap.xml"] == 2

    site.versions[2] = 1  # article 2 is corrected and its sitemap lastmod moves on
    site.lastmod[2] = "2030-01-01T00:00:00+00:00"
    site.versions[6], site.lastmod[6] = 0, "2024-05-01T08:00:00+00:00"  # a new article
    site.publish()
    third, stats = crawl(tmp_path, site, "run3")
    by_url = {r["url"].rsplit("/", 1)[-1]: r for r in third}
    assert sorted(by_url) == sorted(article_slug(i).rsplit("/", 1)[-1] for i in (2, 6))
    assert by_url[article_slug(2).rsplit("/", 1)[-1]]["is_update"] is True
    assert "is_update" not in by_url[article_slug(6).rsplit("/", 1)[-1]]
    assert stats["newscrawl/incremental/hint_changed"] == 1
    # Five unchanged articles twice, and article 2's home-page link (it carries no date).
    assert stats["newscrawl/incremental/skipped"] == 2 * 5 + 1
    assert article_text(2, 1)[0] in by_url[article_slug(2).rsplit("/", 1)[-1]]["text"]


def test_recheck_uses_conditional_requests(tmp_path: Path, site: Site) -> None:
    first, _ = crawl(tmp_path, site, "run1")
    assert len(first) == 6
    site.versions[4] = 1  # silently edited: same lastmod, new body and ETag
    site.publish()
    second, stats = crawl(tmp_path, site, "run2", NEWSCRAWL_INCREMENTAL_RECHECK_HOURS="0")
    assert stats["newscrawl/incremental/conditional"] == 2 * 6  # both links of each article
    assert stats["newscrawl/incremental/not_modified"] == 5
    assert sum(site.server.not_modified.values()) == 5
    assert [r["url"] for r in second] == [f"{site.server.base}/{article_slug(4)}"]
    assert second[0]["is_update"] is True
    third, stats = crawl(tmp_path, site, "run3", NEWSCRAWL_INCREMENTAL_RECHECK_HOURS="0")
    assert third == []
    assert stats["newscrawl/incremental/not_modified"] == 6
