"""End to end: the real `news` spider crawls sites served on 127.0.0.1 through every pipeline.

The demo site's gold file says exactly which articles exist and what their text is, so the
crawl is checked for the expected articles, no listing pages, no template clutter, a valid
schema and no duplicates. A second, hostile site checks that bad pages are counted, not fatal.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import CrawlRun, run_crawl
from sitegen import make_site

from newscrawl.core.record import validate_record
from newscrawl.demo import DemoServer, load_gold

CLUTTER = [
    "No time to read",
    "Get a summary",
    "Previous Article",
    "Next Article",
    "cookie",
    "newsletter",
    "Share on",
    "Related",
    "Advertisement",
    "All rights reserved",
]


@pytest.fixture(scope="module")
def demo_crawl(demo_server: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlRun:
    tmp = tmp_path_factory.mktemp("demo")
    return run_crawl(
        tmp,
        {"start_urls": demo_server.url("/"), "sitemap_urls": demo_server.url("/robots.txt")},
        {"NEWSCRAWL_CLEAN_AUDIT": "True"},
    )


def test_demo_crawl_writes_every_article_once_and_nothing_else(demo_crawl: CrawlRun) -> None:
    assert demo_crawl.returncode == 0, demo_crawl.log[-3000:]
    gold = {g["path"]: g for g in load_gold()}
    paths = [urlsplit(r["url"]).path for r in demo_crawl.records]
    assert sorted(paths) == sorted(gold), "exactly the articles, no listing pages"
    assert len({r["fingerprint"] for r in demo_crawl.records}) == len(paths)


def test_demo_records_hold_the_article_text_and_no_clutter(demo_crawl: CrawlRun) -> None:
    gold = {g["path"]: g for g in load_gold()}
    for record in demo_crawl.records:
        expected = gold[urlsplit(record["url"]).path]
        assert record["text"] == expected["text"], record["url"]
        for phrase in CLUTTER:
            if phrase.lower() not in expected["text"].lower():
                assert phrase.lower() not in record["text"].lower(), (phrase, record["url"])


def test_demo_records_have_clean_metadata(demo_crawl: CrawlRun) -> None:
    gold = {g["path"]: g for g in load_gold()}
    for record in demo_crawl.records:
        assert validate_record(record) == []
        expected = gold[urlsplit(record["url"]).path]
        assert record["title"] == expected["title"]
        assert record["authors"] == expected["authors"]
        assert record["published"][:10] == expected["published"][:10]
        assert record["language"] == "en"
        assert record["canonical_url"].startswith("http://127.0.0.1:")
        assert record["removed"] is not None  # audit trail was asked for


def test_demo_stats_file_summarises_the_run(demo_crawl: CrawlRun) -> None:
    summary = demo_crawl.stats["summary"]
    assert summary["articles_written"] == len(demo_crawl.records)
    assert summary["finish_reason"] == "finished"
    assert summary["dropped"].get("not_article", 0) > 0
    examples = summary["dropped_examples"]["not_article"]
    assert len(examples) == 10 and all(u.startswith("http://127.0.0.1:") for u in examples)
    assert summary["chars_removed"] > 0


def test_a_crawl_without_a_twisted_reactor_gives_the_same_records(
    demo_server: DemoServer, demo_crawl: CrawlRun, tmp_path: Path
) -> None:
    """`-s TWISTED_REACTOR_ENABLED=False` (Scrapy's asyncio-only mode, with its aiohttp
    download handler) runs every newscrawl component: worker pool, periodic extensions,
    disk frontier, pipelines; and writes what the default mode writes."""
    run = run_crawl(
        tmp_path,
        {"start_urls": demo_server.url("/"), "sitemap_urls": demo_server.url("/robots.txt")},
        {
            "TWISTED_REACTOR_ENABLED": "False",
            "NEWSCRAWL_CLEAN_WORKERS": "2",
            "NEWSCRAWL_MEMORY_TRIM_INTERVAL": "0.2",
            "NEWSCRAWL_PARENT_PID": str(os.getpid()),
        },
    )
    assert run.returncode == 0, run.log[-3000:]
    assert "Not using a Twisted reactor" in run.log or "AiohttpDownloadHandler" in run.log
    assert " ERROR: " not in run.log, run.log[-3000:]
    texts = {r["url"]: r["text"] for r in run.records}
    assert texts == {r["url"]: r["text"] for r in demo_crawl.records}
    assert run.stats["summary"]["finish_reason"] == "finished"


def test_max_articles_stops_the_crawl(demo_server: DemoServer, tmp_path: Path) -> None:
    # Without discovery: the front page's feed would queue its 20 articles at once, and how
    # many of them are in flight at the close depends on the machine's speed.
    args = {"start_urls": demo_server.url("/"), "max_articles": "5", "discover": "false"}
    # Fetched at a pace the one cleaning worker keeps up with even on a loaded machine: at
    # full speed, how many pages are fetched before the cap is reached depends on how busy
    # the cores are (16 on a quiet machine, 24 seen under CI's load).
    run = run_crawl(tmp_path, args, {"DOWNLOAD_DELAY": "0.05"})
    assert run.returncode == 0
    assert len(run.records) == 5
    assert run.stats["summary"]["finish_reason"] == "max_articles"
    # Held pages are released once they reach the cap, instead of waiting for a dozen pages of
    # template evidence: fewer articles are fetched only to be dropped (28 before, at this
    # pace; what is left is the pages already fetched at the close).
    assert run.stats["summary"]["dropped"]["max_articles"] < 24


def test_a_crawl_run_again_into_its_output_adds_only_articles_not_in_it(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    """The same command twice (say after Ctrl-C) never doubles a record of the file."""
    args = {"start_urls": demo_server.url("/"), "max_articles": "5"}
    first = run_crawl(tmp_path, args)
    again = run_crawl(tmp_path, args)
    assert first.returncode == again.returncode == 0
    urls = [r["url"] for r in again.records]
    assert len(urls) == 10 and len(set(urls)) == 10  # five more, none of the first five again
    assert len({r["fingerprint"] for r in again.records}) == 10
    assert again.stats["summary"]["dropped"]["already_in_output"] >= 5


def test_feed_only_crawl(demo_server: DemoServer, tmp_path: Path) -> None:
    run = run_crawl(tmp_path, {"feed_urls": demo_server.url("/feed.xml"), "follow_links": "false"})
    assert run.returncode == 0
    assert 10 <= len(run.records) <= 20


def test_pending_requests_wait_on_disk_in_a_temporary_jobdir(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    """Without a JOBDIR the frontier and the seen requests are on disk all the same (a
    temporary JOBDIR, gone when the crawl ends), and it crawls what the in-memory queue
    crawls."""
    args = {"start_urls": demo_server.url("/"), "sitemap_urls": demo_server.url("/robots.txt")}
    (tmp_path / "disk").mkdir()
    (tmp_path / "memory").mkdir()
    (tmp_path / "tmp").mkdir()
    disk = run_crawl(tmp_path / "disk", args, env={"TMPDIR": str(tmp_path / "tmp")})
    memory = run_crawl(tmp_path / "memory", args, {"NEWSCRAWL_DISK_FRONTIER": "False"})
    assert disk.returncode == memory.returncode == 0, disk.log[-3000:]
    on_disk, in_memory = disk.stats["stats"], memory.stats["stats"]
    assert on_disk["scheduler/enqueued/disk"] == on_disk["scheduler/enqueued"] > 20
    assert "scheduler/enqueued/memory" not in on_disk
    assert in_memory["scheduler/enqueued/memory"] == in_memory["scheduler/enqueued"]
    assert sorted(r["url"] for r in disk.records) == sorted(r["url"] for r in memory.records)
    assert str(tmp_path / "tmp" / "newscrawl-frontier-") in disk.log  # the JOBDIR it used
    # The seen requests were on disk too, and filtered what Scrapy's in-memory set filters.
    assert "newscrawl.ops.dupefilter.DiskDupeFilter" in disk.log
    assert "DiskDupeFilter" not in memory.log
    assert on_disk["dupefilter/filtered"] == in_memory["dupefilter/filtered"] > 0
    assert not list((tmp_path / "tmp").glob("newscrawl-frontier-*"))


# --- a hostile site: duplicates under other URLs, bad pages, errors -------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def hostile_site() -> Iterator[str]:
    pages = make_site(base="http://placeholder", pages=12)
    routes: dict[str, tuple[int, str, bytes]] = {}
    links = []
    for p in pages:
        path = urlsplit(p.url).path
        routes[path] = (200, "text/html; charset=utf-8", p.html.encode("utf-8"))
        links.append(path)
    first = urlsplit(pages[0].url).path
    # The same article again under tracking parameters, www-less AMP and a copy URL.
    routes[first.replace(".html", ".amp.html")] = routes[first]
    routes["/copy-of-first.html"] = routes[first]
    links += [
        first + "?utm_source=feed&utm_medium=rss",
        first.replace(".html", ".amp.html"),
        "/copy-of-first.html",
    ]
    bad = {
        "/2026/05/binary-page-one-two.html": (200, "text/html", b"\x00\x01\x02\xff" * 5000),
        "/2026/05/empty-page-one-two.html": (200, "text/html", b""),
        "/2026/05/server-error-one-two.html": (500, "text/html", b"<html>boom</html>"),
        "/2026/05/missing-one-two.html": (404, "text/html", b"<html>gone</html>"),
        "/2026/05/an-image-without-extension": (200, "image/jpeg", b"\xff\xd8\xff" + b"0" * 100),
        "/2026/05/huge-page-one-two.html": (
            200,
            "text/html",
            b"<html><body>" + b"<p>lorem ipsum</p>" * 700_000,
        ),
        "/2026/05/latin1-page-one-two.html": (
            200,
            "text/html; charset=iso-8859-1",
            pages[5].html.replace("Example News", "Exampl\u00e9 News").encode("latin-1", "replace"),
        ),
    }
    routes.update(bad)
    links += [*bad, "http://127.0.0.1:1/dead-server-link.html"]
    routes["/"] = (
        200,
        "text/html",
        (
            "<html><body>"
            + "".join(f'<p><a href="{link}">link {i}</a></p>' for i, link in enumerate(links))
            + "</body></html>"
        ).encode(),
    )
    port = _free_port()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            status, ctype, body = routes.get(path, (404, "text/plain", b"not found"))
            body = body.replace(b"http://placeholder", f"http://127.0.0.1:{port}".encode())
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The crawler hangs up on an oversized body, as it should.
            with contextlib.suppress(ConnectionError):
                self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_bad_pages_are_counted_and_duplicates_written_once(
    hostile_site: str, tmp_path: Path
) -> None:
    run = run_crawl(
        tmp_path,
        {"start_urls": hostile_site, "allowed_domains": "127.0.0.1"},
        {"DOWNLOAD_MAXSIZE": str(5 * 1024 * 1024), "RETRY_TIMES": "0"},
    )
    assert run.returncode == 0, run.log[-3000:]
    urls = [urlsplit(r["url"]).path for r in run.records]
    assert len(run.records) == 12, urls
    assert len(set(urls)) == 12
    for line in run.output.read_text("utf-8").splitlines():
        assert validate_record(json.loads(line)) == []
    summary = run.stats["summary"]
    assert (
        summary["dropped"].get("duplicate_url", 0) + summary["dropped"].get("duplicate_content", 0)
        >= 1
    )
    errors = summary["errors"]
    assert errors.get("http/500") and errors.get("http/404")
    assert any(k.startswith("download/") for k in errors), errors
    assert run.stats["stats"].get("newscrawl/spider/skipped/non_html", 0) >= 1
    # Scrapy's robots.txt middleware logs its own tracebacks for dead hosts; ours must not.
    ours = [
        line
        for line in run.log.splitlines()
        if line.strip().startswith("File ") and "/newscrawl/" in line
    ]
    assert not ours, ours
    assert "Spider error processing" not in run.log


def test_sigterm_to_newscrawl_crawl_stops_the_crawl_it_started(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    """A service manager stops `newscrawl crawl` with SIGTERM: the crawl stops with it,
    cleanly, and the file holds only whole records."""
    import signal

    import psutil

    out = tmp_path / "out.jsonl"
    proc = _slow_cli_crawl(demo_server, tmp_path, out, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_records(proc, out, 2)
        crawl = psutil.Process(proc.pid).children(recursive=True)
        assert crawl, "the crawl runs in a child process"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "interrupted: the output holds every record so far; the same command again" in err
    _, alive = psutil.wait_procs(crawl, timeout=10)
    assert alive == []
    lines = out.read_text("utf-8").splitlines()
    assert 2 <= len(lines) < 34  # stopped part-way
    assert all(json.loads(line)["text"] for line in lines)


def test_crawl_reports_progress_while_it_runs(
    demo_server: DemoServer, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    import re

    from newscrawl.cli.crawl import run_crawl as cli_run_crawl

    out = tmp_path / "out.jsonl"
    settings = {
        "DOWNLOAD_DELAY": "0.1",
        "AUTOTHROTTLE_ENABLED": "False",
        "NEWSCRAWL_STATE_DIR": str(tmp_path / "state"),
    }
    outcome = cli_run_crawl(
        {"start_urls": demo_server.url("/"), "max_articles": "10"},
        settings,
        output=out,
        progress_every=0.5,
    )
    assert outcome.returncode == 0
    lines = [line for line in capfd.readouterr().err.splitlines() if "written to" in line]
    counts = [int(m.group(1)) for line in lines if (m := re.search(r"\] (\d+) article", line))]
    assert len(counts) >= 2 and counts == sorted(counts)  # one line every half second, growing
    assert counts[-1] <= len(out.read_text("utf-8").splitlines())


def test_a_crawl_whose_newscrawl_process_was_killed_stops_by_itself(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    """SIGKILL cannot be passed on: the crawl notices its parent is gone and closes."""
    import signal

    import psutil

    out = tmp_path / "out.jsonl"
    proc = _slow_cli_crawl(demo_server, tmp_path, out)
    crawl: list[psutil.Process] = []
    try:
        _wait_for_records(proc, out, 1)
        crawl = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        _, alive = psutil.wait_procs(crawl, timeout=60)
        assert alive == [], "the crawl went on as an orphan"
    finally:
        for child in crawl:
            if child.is_running():
                child.kill()
    stats = json.loads(out.with_name("out.stats.json").read_text("utf-8"))
    assert stats["summary"]["finish_reason"] == "parent_gone"
    lines = out.read_text("utf-8").splitlines()
    assert 1 <= len(lines) < 34 and all(json.loads(line)["text"] for line in lines)


def _slow_cli_crawl(
    demo_server: DemoServer, tmp_path: Path, out: Path, **popen: Any
) -> subprocess.Popen[Any]:
    """`newscrawl crawl` of the demo site into `out`, slowed down to be stopped part-way."""
    cmd = [sys.executable, "-m", "newscrawl.cli", "crawl", demo_server.url("/"), "-o", str(out)]
    cmd += ["-s", "DOWNLOAD_DELAY=0.5", "-s", "AUTOTHROTTLE_ENABLED=False", "--log-level", "ERROR"]
    cmd += ["-s", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
    return subprocess.Popen(cmd, cwd=tmp_path, env=env, **popen)


def _wait_for_records(proc: subprocess.Popen[Any], out: Path, count: int) -> None:
    deadline = time.monotonic() + 90
    while not (out.exists() and out.read_bytes().count(b"\n") >= count):
        assert proc.poll() is None and time.monotonic() < deadline, "no records written"
        time.sleep(0.2)


# --- a site that asks for a pace: robots.txt Crawl-delay, 429 with Retry-After -------------


@pytest.fixture
def paced_site() -> Iterator[tuple[str, list[tuple[float, str, int]]]]:
    """Four articles; robots.txt asks for 1 s between requests, and the second article's
    first request is answered 429 with Retry-After: 2. Yields (url, request log)."""
    pages = make_site(base="http://placeholder", pages=4)
    paths = [urlsplit(p.url).path for p in pages]
    routes = {path: p.html.encode("utf-8") for path, p in zip(paths, pages, strict=True)}
    index = "".join(f'<p><a href="{path}">story {i}</a></p>' for i, path in enumerate(paths))
    routes["/"] = f"<html><body>{index}</body></html>".encode()
    robots = b"User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n"
    log: list[tuple[float, str, int]] = []
    limited = {paths[1]}
    port = _free_port()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            status, body, headers = 200, routes.get(path, b""), {}
            if path == "/robots.txt":
                body = robots
            elif path in limited:
                limited.discard(path)
                status, body, headers = 429, b"slow down", {"Retry-After": "2"}
            elif path not in routes:
                status, body = 404, b"not found"
            log.append((time.monotonic(), path, status))
            body = body.replace(b"http://placeholder", f"http://127.0.0.1:{port}".encode())
            self.send_response(status)
            for name, value in {"Content-Type": "text/html", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}/", log
    finally:
        server.shutdown()
        server.server_close()


def test_a_site_is_crawled_at_the_pace_it_asks_for(
    paced_site: tuple[str, list[tuple[float, str, int]]], tmp_path: Path
) -> None:
    url, log = paced_site
    run = run_crawl(tmp_path, {"start_urls": url})  # test settings: no delay, no AutoThrottle
    assert run.returncode == 0, run.log[-3000:]
    assert len(run.records) == 4, [r["url"] for r in run.records]  # the 429 page too, retried
    pages = [(at, path, status) for at, path, status in log if path != "/robots.txt"]
    gaps = [later[0] - earlier[0] for earlier, later in itertools.pairwise(pages)]
    assert len(pages) >= 6 and min(gaps) >= 0.9, (gaps, pages)  # Crawl-delay: 1
    limited = next(at for at, _, status in pages if status == 429)
    retried = next(at for at, path, status in pages if status == 200 and at > limited)
    assert retried - limited >= 1.9  # Retry-After: 2
    stats = run.stats["stats"]
    assert stats["newscrawl/politeness/crawl_delay"] == 1
    assert stats["newscrawl/politeness/retry_after"] == 1
