"""The newscrawl command: exact output and exit codes of demo, clean and inspect."""

from __future__ import annotations

import gzip
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sitegen import make_site

from newscrawl.cli import main
from newscrawl.core.record import validate_record


def write_site(root: Path, pages: int = 12) -> list[str]:
    site = make_site(pages=pages)
    for i, page in enumerate(site):
        (root / f"page{i:02d}.html").write_text(page.html, "utf-8")
    return [p.url for p in site]


def test_clean_directory_of_html_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "site").mkdir()
    urls = write_site(tmp_path / "site")
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(tmp_path / "site"), "-o", str(out), "--audit"]) == 0
    assert capsys.readouterr().out == f"12 record(s) from 12 page(s) written to {out}\n"
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(r["url"] for r in records) == sorted(urls)
    for record in records:
        assert validate_record(record) == []
        assert "No time to read" not in record["text"]
        assert record["source"] == "clean"
        assert any(r["rule"] == "site_template" for r in record["removed"])


def test_clean_reads_a_mirror_whose_pages_keep_their_urls_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`wget --mirror` without --adjust-extension: "article.php?id=3", "index", "story.aspx";
    beside them images, scripts and feeds, which are no pages whatever they hold."""
    site = make_site(pages=6)
    mirror = tmp_path / "news.example.com"
    (mirror / "2026").mkdir(parents=True)
    names = ["index", "article.php?id=1", "story.aspx", "2026/page", "2026/p.php?id=4", "x.HTML"]
    for name, page in zip(names, site, strict=True):
        (mirror / name).write_text(page.html, "utf-8")
    (mirror / "feed.xml").write_text('<?xml version="1.0"?><rss><channel/></rss>', "utf-8")
    (mirror / "app.js").write_text("document.write('<html><body>x</body></html>')", "utf-8")
    (mirror / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (mirror / "robots").write_text("User-agent: *\nAllow: /\n", "utf-8")
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(mirror), "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"6 record(s) from 6 page(s) written to {out}\n"
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(r["url"] for r in records) == sorted(page.url for page in site)


def test_clean_again_replaces_the_output_and_append_adds_only_new_articles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import gzip

    site = make_site(pages=12, seed=5)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for i, page in enumerate(site):  # the first 8 as .html, the last 4 gzipped elsewhere
        if i < 8:
            (tmp_path / "a" / f"p{i}.html").write_text(page.html, "utf-8")
        else:
            (tmp_path / "b" / f"p{i}.html.gz").write_bytes(gzip.compress(page.html.encode()))
    out = tmp_path / "out.jsonl"
    for _ in range(2):
        assert main(["clean", str(tmp_path / "a"), "-o", str(out)]) == 0
        assert len(out.read_text("utf-8").splitlines()) == 8
    capsys.readouterr()
    both = [str(tmp_path / "a"), str(tmp_path / "b")]
    assert main(["clean", *both, "-o", str(out), "--append"]) == 0
    assert capsys.readouterr().out == (
        f"4 record(s) from 12 page(s) written to {out}\ndropped: already_in_output=8\n"
    )
    urls = [json.loads(line)["url"] for line in out.read_text("utf-8").splitlines()]
    assert sorted(urls) == sorted(p.url for p in site)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_clean_without_any_page_in_the_inputs_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.csv").write_text("no,html,here", "utf-8")
    assert main(["clean", str(tmp_path), "-o", str(tmp_path / "o.jsonl")]) == 1
    assert "no pages in the inputs: looked for *.html, *.htm, *.html.gz" in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()


def test_clean_in_parallel_gives_the_same_records(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    write_site(tmp_path / "site")
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}.jsonl"
        assert main(["clean", str(tmp_path / "site"), "-o", str(out), "--workers", workers]) == 0
        records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        outputs.append([{k: v for k, v in r.items() if k != "fetched_at"} for r in records])
    assert outputs[0] == outputs[1]


def test_clean_jsonl_input_same_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(pages=12, seed=11)
    src = tmp_path / "pages.jsonl"
    lines = [json.dumps({"url": p.url, "html": p.html}) for p in site]
    src.write_text("\n".join([*lines, "not json", json.dumps({"url": 1})]) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(src), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"{src}:13: not valid JSON" in captured.err
    assert f"{src}:14: needs string fields url and html" in captured.err
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(records) == 12
    assert all("No time to read" not in r["text"] for r in records)


def test_clean_missing_input_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["clean", str(tmp_path / "nope.html"), "-o", str(tmp_path / "o.jsonl")])
    assert code == 1
    assert (
        capsys.readouterr().err
        == f"newscrawl clean: no such file or directory: {tmp_path / 'nope.html'}\n"
    )


def test_inspect_summary_show_and_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "site").mkdir()
    write_site(tmp_path / "site")
    out = tmp_path / "clean.jsonl"
    main(["clean", str(tmp_path / "site"), "-o", str(out), "--audit"])
    capsys.readouterr()

    assert main(["inspect", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "records: 12 in 1 file(s)"
    assert lines[1] == "domains: news.example.com 12"
    assert lines[2] == "languages: en 12"
    assert lines[3].startswith("published: 2026-05-")
    assert lines[5] == "with authors: 100%   with published date: 100%"

    assert main(["inspect", str(out), "--show", "2", "--removed"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"# record at {out}:2\n")
    assert "# raw text -> clean text:" in shown
    assert "- [site_template] No time to read? Get a summary" in shown

    assert main(["inspect", str(out), "--validate"]) == 0
    assert capsys.readouterr().out == "12 of 12 line(s) valid\n"

    with out.open("a", encoding="utf-8") as fh:
        fh.write('{"url": "https://x.example/a"}\nnot json\n')
    assert main(["inspect", str(out), "--validate"]) == 1
    report = capsys.readouterr().out
    assert f"{out}:13: (record): 'canonical_url' is a required property" in report
    assert f"{out}:14: not valid JSON" in report
    assert report.endswith("12 of 14 line(s) valid\n")


def test_inspect_names_the_largest_domains_and_json_gives_them_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A crawl of many sites: the summary stays one readable line; --json is for scripts."""
    from newscrawl.cli.inspect import SUMMARY_TOP

    out = tmp_path / "many.jsonl"
    sites = [f"site{i:02d}.example" for i in range(SUMMARY_TOP + 5)]
    records = [{"url": f"https://{d}/a", "text": "Text.", "domain": d} for d in sites]
    records += [{"url": "https://site00.example/b", "text": "More.", "domain": "site00.example"}]
    out.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    assert main(["inspect", str(out)]) == 0
    domains = capsys.readouterr().out.splitlines()[1]
    assert domains.startswith("domains: site00.example 2, site01.example 1, ")
    assert domains.endswith(" and 5 more (5 records)")
    assert main(["inspect", str(out), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["records"] == len(records) and len(summary["domains"]) == len(sites)


def test_inspect_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(tmp_path / "none.jsonl")]) == 1
    assert "no such file or directory" in capsys.readouterr().err
    assert main(["inspect"]) == 2
    path = tmp_path / "x.jsonl"
    path.write_text("", "utf-8")
    assert main(["inspect", str(path), "--show", "0"]) == 2
    assert main(["inspect", str(path), "--removed"]) == 2


def test_crawl_needs_something_to_crawl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl"]) == 2
    assert (
        capsys.readouterr().err
        == "newscrawl crawl: give at least one URL, --sitemap, --feed or --urls\n"
    )


def test_demo_runs_offline_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("demo site: http://127.0.0.1:")
    files = list((tmp_path / "output" / "news").glob("*/*.jsonl"))
    assert len(files) == 1
    assert f"output: {files[0].relative_to(tmp_path)}" in out
    assert "articles written: 34" in out
    assert "records: 34 in 1 file(s)" in out


def test_audit_diff_rebuilds_the_raw_block_order() -> None:
    from newscrawl.cli.inspect import audit_diff

    removed = [
        {"index": 0, "text": "Promo", "rule": "site_template"},
        {"index": 3, "text": "Next: Other story", "rule": "teaser_link"},
    ]
    assert audit_diff("One\n\nTwo", removed) == [
        "- [site_template] Promo",
        "  One",
        "  Two",
        "- [teaser_link] Next: Other story",
    ]


def test_crawl_command_writes_and_summarises(
    demo_server: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "c.jsonl"
    code = main(
        [
            "crawl",
            demo_server.url("/"),
            "-o",
            str(out),
            "--max-articles",
            "3",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "DOWNLOAD_DELAY=0",
            "--log-level",
            "WARNING",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"output: {out}\nstats:  {tmp_path / 'c.stats.json'}\n")
    assert "articles written: 3  finish: max_articles" in printed
    assert len(out.read_text("utf-8").splitlines()) == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["127.0.0.1:8811"], "URL: not an http(s) URL: '127.0.0.1:8811' (did you mean http://"),
        (["--feed", "ftp://x.example/feed"], "--feed: not an http(s) URL: 'ftp://x.example/feed'"),
        (
            ["http://x.example/", "-s", "NEWSCRAWL_MAX_ARTICLE=1"],
            "'NEWSCRAWL_MAX_ARTICLE' is not a newscrawl setting (did you mean "
            "NEWSCRAWL_MAX_ARTICLES?)",
        ),
        (
            ["http://x.example/", "-s", "NEWSCRAWL_CLEAN_WORKERS=abc"],
            "'NEWSCRAWL_CLEAN_WORKERS' must be an integer, got 'abc'",
        ),
        (
            ["http://x.example/", "-s", "NEWSCRAWL_DEDUP_ENABLED=yes"],
            "'NEWSCRAWL_DEDUP_ENABLED' must be True or False, got 'yes'",
        ),
        (["http//x.example/"], "URL: not an http(s) URL: 'http//x.example/'\n"),
        (
            ["http://x.example/", "--allowed-domain", "http://x.example/"],
            "--allowed-domain: give a domain like example.com, not 'http://x.example/'",
        ),
    ],
)
def test_crawl_rejects_bad_urls_and_settings_before_starting(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["crawl", *argv, "-o", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newscrawl crawl: ") and message in err
    assert "Traceback" not in err and not (tmp_path / "o.jsonl").exists()


def test_crawl_of_a_dead_server_fails_with_the_reason_and_no_traceback(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    out = tmp_path / "o.jsonl"
    argv = ["crawl", f"http://127.0.0.1:{port}/", "-o", str(out)]
    assert main([*argv, "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_DELAY=0"]) == 1
    err = capfd.readouterr().err
    assert "no HTML page was fetched (download/DownloadConnectionRefusedError=" in err
    assert "Connection was refused" in err and "Traceback" not in err


class _Quiet(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def _crawl_that_fails(tmp_path: Path, handler: type[BaseHTTPRequestHandler]) -> None:
    """Crawl a loopback site served by `handler`, which must fetch no HTML page."""
    with _loopback(handler) as url:
        out = tmp_path / "o.jsonl"
        assert main(["crawl", url, "-o", str(out), "-s", "DOWNLOAD_DELAY=0"]) == 1


@contextmanager
def _loopback(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A server on 127.0.0.1 answering with `handler`; yields its root URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _crawl_redirected_start(tmp_path: Path, target_path: str) -> None:
    """Crawl a start page on 127.0.0.1 that redirects to `target_path` on localhost."""

    class Redirect(_Quiet):
        def do_GET(self) -> None:
            port = self.server.server_address[1]
            self.send_response(404 if self.path == "/robots.txt" else 301)
            self.send_header("Location", f"http://localhost:{port}{target_path or self.path}")
            self.send_header("Content-Length", "0")
            self.end_headers()

    _crawl_that_fails(tmp_path, Redirect)


def test_a_start_page_redirecting_to_another_host_says_to_allow_it(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    _crawl_redirected_start(tmp_path, "")
    err = capfd.readouterr().err
    assert "no HTML page was fetched (offsite=1)" in err
    assert "allowed domains (to localhost)" in err
    assert "--allowed-domain" in err
    stats = json.loads((tmp_path / "o.stats.json").read_text("utf-8"))
    assert stats["summary"]["skipped_examples"]["offsite"][0].startswith("http://localhost:")


def test_a_redirect_to_a_consent_page_is_named_as_such(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    _crawl_redirected_start(tmp_path, "/consent?sessionId=abc&lang=en")
    err = capfd.readouterr().err
    assert "cookie-consent page" in err
    assert "--allowed-domain" not in err


def _crawl_answering(tmp_path: Path, robots: bytes, status: int) -> None:
    """Crawl a loopback site whose robots.txt is `robots` and whose pages answer `status`."""

    class Site(_Quiet):
        def do_GET(self) -> None:
            robots_txt = self.path == "/robots.txt"
            body = robots if robots_txt else b"<html><body><p>Access denied</p></body></html>"
            self.send_response(200 if robots_txt else status)
            self.send_header("Content-Type", "text/plain" if robots_txt else "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    _crawl_that_fails(tmp_path, Site)


def test_a_site_refusing_the_crawler_is_named_as_such(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    _crawl_answering(tmp_path, b"User-agent: *\nAllow: /\n", 403)
    err = capfd.readouterr().err
    assert "no HTML page was fetched (http/403=1)" in err
    assert "the site refused the requests (http/403)" in err and "USER_AGENT" in err
    assert "robots.txt" not in err


def test_a_robots_txt_forbidding_everything_is_named_as_such(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    _crawl_answering(tmp_path, b"User-agent: *\nDisallow: /\n", 200)
    err = capfd.readouterr().err
    assert "no HTML page was fetched (robots_txt=1)" in err
    assert "robots.txt forbids these pages" in err and "refused" not in err


def test_a_page_cut_short_by_a_wrong_content_length_is_kept_and_named(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A server declaring half the page's length: the client reads no further, so the page
    stops mid-text. Its record holds what arrived; the summary and the log say so."""
    import socket

    story = b"".join(
        b"<p>Paragraph %d of the story about the harbour and its ferries, told at length.</p>" % i
        for i in range(40)
    )
    body = b"<html><head><title>Ferries</title></head><body><article>%s</article></body></html>"
    page = body % story

    def serve(listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                request = conn.recv(65536)
                if b"/robots.txt" in request.split(b"\r\n", 1)[0]:
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    continue
                head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
                conn.sendall(head % (len(page) // 2) + b"Connection: close\r\n\r\n" + page)

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        threading.Thread(target=serve, args=(listener,), daemon=True).start()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/2024/05/ferries.html"
        out = tmp_path / "o.jsonl"
        argv = ["crawl", url, "--no-follow", "-o", str(out), "-s", "DOWNLOAD_DELAY=0"]
        assert main(argv) == 0
    captured = capfd.readouterr()
    assert "pages cut short: 1" in captured.out
    assert "ends mid-text" in captured.err
    (record,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert record["text"].startswith("Paragraph 0 ") and "Paragraph 39 " not in record["text"]
    stats = json.loads((tmp_path / "o.stats.json").read_text("utf-8"))
    assert stats["summary"]["pages_cut_short"] == 1


def test_inspect_shows_the_last_record_and_rejects_files_that_are_not_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "site").mkdir()
    urls = write_site(tmp_path / "site", pages=12)
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(tmp_path / "site"), "-o", str(out)]) == 0
    last = json.loads(out.read_text("utf-8").splitlines()[-1])
    capsys.readouterr()
    assert main(["inspect", str(out), "--show", "-1"]) == 0
    assert capsys.readouterr().out.startswith(f"# record at {out}:12\n")
    assert last["url"] in urls
    page = tmp_path / "site" / "page00.html"
    page.write_text(page.read_text("utf-8") + '\n{"json": "but no record"}\n42\n', "utf-8")
    assert main(["inspect", str(page)]) == 1
    captured = capsys.readouterr()
    assert "records: 0 in 1 file(s)" in captured.out
    assert "no newscrawl records in these files: are they JSONL output?" in captured.err


def test_clean_says_which_page_was_too_long_to_read_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import newscrawl.core.extract as extract

    monkeypatch.setattr(extract, "MAX_HTML_CHARS", 3000)  # instead of a page of 5 M characters
    story = "".join(
        f"<p>Paragraph {i} of a long report on the harbour works.</p>" for i in range(200)
    )
    page = tmp_path / "long.html"
    page.write_text(f"<html><body><article>{story}</article></body></html>", "utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(page), "-o", str(out), "--workers", "1"]) == 0
    size = len(page.read_text("utf-8"))
    err = capsys.readouterr().err
    assert f"a page of {size} characters, more than extraction reads" in err
    (record,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert "Paragraph 0 " in record["text"] and "Paragraph 199 " not in record["text"]
    assert record["text"].rstrip().endswith("harbour works.")  # cut between tags, not in a word


def test_clean_can_name_each_page_it_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "site").mkdir()
    write_site(tmp_path / "site", pages=12)
    (tmp_path / "site" / "empty.html").write_text("", "utf-8")
    (tmp_path / "site" / "binary.html").write_bytes(bytes(range(256)) * 4)
    # Saved by `curl -o` without --compressed: a gzip stream under an .html name.
    page = make_site(base="https://other.example.org", pages=1)[0]
    (tmp_path / "site" / "curl.html").write_bytes(gzip.compress(page.html.encode()))
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(tmp_path / "site"), "-o", str(out), "--list-dropped"]) == 0
    captured = capsys.readouterr()
    assert f"dropped {tmp_path / 'site' / 'empty.html'}: empty_page" in captured.err
    assert f"dropped {tmp_path / 'site' / 'binary.html'}: " in captured.err
    assert captured.out.startswith(f"13 record(s) from 15 page(s) written to {out}")


def test_clean_reads_where_a_browser_saved_a_page_from(tmp_path: Path) -> None:
    """Chrome's "saved from url" comment and SingleFile's header give a page its address (and
    so its site), as a crawl's record has where it fetched the page; a relative canonical URL
    is read against it."""
    pages = make_site(pages=3)
    plain = [re.sub(r'<link rel="canonical"[^>]*>', "", page.html) for page in pages]
    chrome = "https://www.example-news.com/2024/05/02/ferry-numbers-rise"
    singlefile = "https://www.example-news.com/2024/05/03/harbour-board-meets"
    relative = "https://www.example-news.com/2024/05/04/page-saved-at-a-tracking-address?x=1"
    files = {
        "chrome.html": f"<!-- saved from url=({len(chrome):04d}){chrome} -->\n{plain[0]}",
        "singlefile.html": (
            f"<!DOCTYPE html> <!--\n Page saved with SingleFile \n url: {singlefile} \n"
            f" saved date: Sat May 04 2024 10:00:00 GMT+0000\n-->{plain[1]}"
        ),
        "relative.html": f"<!-- saved from url=({len(relative):04d}){relative} -->\n"
        + plain[2].replace("<head>", '<head><link rel="canonical" href="/2024/05/04/canal">'),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["clean", *(str(tmp_path / name) for name in files), "-o", str(out)]) == 0
    records = {json.loads(line)["url"]: json.loads(line) for line in out.read_text().splitlines()}
    assert sorted(records) == sorted([chrome, singlefile, relative])
    assert records[relative]["canonical_url"] == "https://www.example-news.com/2024/05/04/canal"
    assert {r["domain"] for r in records.values()} == {"example-news.com"}


def test_clean_leaves_out_the_frames_saved_in_a_pages_resource_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Chrome's "Webpage, Complete" saves `story.html` and `story_files/` (localised:
    `story-Dateien/`) with the page's frames as HTML files in it: they are no pages. A
    folder of saved articles named like a page beside it, but holding only pages, is read."""
    pages = make_site(pages=4)
    saved = tmp_path / "saved"
    saved.mkdir()
    for name, page in (("story", pages[0]), ("bericht", pages[1]), ("news", pages[2])):
        (saved / f"{name}.html").write_text(page.html, "utf-8")
    for folder in ("story_files", "bericht-Dateien"):
        (saved / folder).mkdir()
        (saved / folder / "style.css").write_text("p { color: black }", "utf-8")
        (saved / folder / "saved_resource.html").write_text(pages[3].html, "utf-8")
    (saved / "news-2024").mkdir()  # the user's own folder of articles
    (saved / "news-2024" / "later.html").write_text(pages[3].html, "utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(saved), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "leaving out 2 HTML file(s)" in captured.err
    assert "4 record(s) from 4 page(s)" in captured.out
    urls = [json.loads(line)["url"] for line in out.read_text("utf-8").splitlines()]
    assert sorted(urls) == sorted(page.url for page in pages)  # each page once


def test_clean_reads_safari_web_archives(tmp_path: Path) -> None:
    """Safari saves a page as a Web Archive by default: a binary property list holding the
    HTML, the address and the encoding."""
    import plistlib

    page = make_site(pages=1)[0]
    html = re.sub(r'<link rel="canonical"[^>]*>', "", page.html).replace("</p>", " Grüße.</p>", 1)
    archive = {
        "WebMainResource": {
            "WebResourceData": html.encode("latin-1"),
            "WebResourceMIMEType": "text/html",
            "WebResourceTextEncodingName": "ISO-8859-1",
            "WebResourceURL": page.url,
            "WebResourceFrameName": "",
        },
        "WebSubresources": [{"WebResourceURL": f"{page.url}/a.png", "WebResourceData": b"x"}],
    }
    (tmp_path / "story.webarchive").write_bytes(plistlib.dumps(archive, fmt=plistlib.FMT_BINARY))
    (tmp_path / "broken.webarchive").write_bytes(b"bplist00 not really")
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(tmp_path), "-o", str(out)]) == 0
    (record,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert record["url"] == page.url
    assert "Grüße." in record["text"]


def _mhtml(url: str, html: str, images: int = 1) -> bytes:
    """A web archive as Chrome writes it ("Webpage, Single File"): quoted-printable HTML."""
    import quopri

    boundary = "----MultipartBoundary--x1y2----"
    parts = [
        "Content-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        f"Content-Location: {url}\r\n\r\n"
        + quopri.encodestring(html.encode("utf-8")).decode("ascii").replace("\n", "\r\n")
    ]
    parts += [
        f"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Location: {url}/image{i}.png\r\n\r\niVBORw0KGgo=\r\n"
        for i in range(images)
    ]
    head = (
        f"From: <Saved by Blink>\r\nSnapshot-Content-Location: {url}\r\n"
        "Subject: =?utf-8?Q?Ferry?=\r\nMIME-Version: 1.0\r\n"
        f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{boundary}"\r\n'
    )
    body = "".join(f"\r\n--{boundary}\r\n{part}" for part in parts)
    return (head + body + f"\r\n--{boundary}--\r\n").encode("ascii")


def test_clean_reads_pages_saved_as_web_archives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Chrome's and Edge's "Webpage, Single File" (.mhtml): the HTML part, at its address."""
    pages = make_site(pages=12)
    plain = re.sub(r'<link rel="canonical"[^>]*>', "", pages[0].html)
    saved = pages[0].url.rsplit("/", 1)[0] + "/ferry-numbers-rise"  # of the same site
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "ferry.mhtml").write_bytes(_mhtml(saved, plain))
    for page in pages[1:]:
        (tmp_path / "site" / f"{page.url.rsplit('/', 1)[-1]}.mht").write_bytes(
            _mhtml(page.url, page.html, images=0)
        )
    (tmp_path / "site" / "empty.mhtml").write_bytes(_mhtml(saved, "")[:200])  # no HTML part
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(tmp_path / "site"), "-o", str(out)]) == 0
    records = {json.loads(line)["url"]: json.loads(line) for line in out.read_text().splitlines()}
    assert sorted(records) == sorted([saved] + [page.url for page in pages[1:]])
    text = records[saved]["text"]
    assert text.split("\n\n") == pages[0].paragraphs  # the site's template learned, and gone
    assert "skipping " in capsys.readouterr().err


def test_crawl_output_set_by_setting_or_run_id_is_the_one_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """-s NEWSCRAWL_OUTPUT and -s NEWSCRAWL_RUN_ID name the output as -o and --run-id do."""
    import newscrawl.cli.crawl as crawl

    seen: list[Path] = []

    def fake_run_crawl(spider_args: Any, settings: Any, *, output: Path, **kw: Any) -> Any:
        seen.append(output)
        assert "NEWSCRAWL_OUTPUT" not in settings  # run_crawl sets it from `output`
        return crawl.CrawlOutcome(0, output, output.with_suffix(".stats.json"), {})

    monkeypatch.setattr(crawl, "run_crawl", fake_run_crawl)
    url = "http://x.example/"
    main(["crawl", url, "-s", f"NEWSCRAWL_OUTPUT={tmp_path / 'y.jsonl'}"])
    main(["crawl", url, "-s", "NEWSCRAWL_RUN_ID=abc"])
    main(["crawl", url, "-o", str(tmp_path / "o.jsonl"), "-s", "NEWSCRAWL_OUTPUT=ignored.jsonl"])
    assert seen[0] == tmp_path / "y.jsonl"
    assert seen[1].name == "abc.jsonl"
    assert seen[2] == tmp_path / "o.jsonl"


def test_clean_that_makes_no_record_leaves_a_good_output_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "site").mkdir()
    write_site(tmp_path / "site", pages=12)
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(tmp_path / "site"), "-o", str(out)]) == 0
    before = out.read_bytes()
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "empty.html").write_text("", "utf-8")
    assert main(["clean", str(tmp_path / "junk"), "-o", str(out)]) == 1
    assert f"0 record(s) from 1 page(s): {out} left as it was" in capsys.readouterr().out
    assert out.read_bytes() == before
    assert main(["clean", str(tmp_path / "site"), "-o", str(tmp_path)]) == 2
    assert "is a directory; give a file name" in capsys.readouterr().err


def test_clean_remembers_more_sites_than_it_keeps_models_of_in_memory() -> None:
    """Sites beyond the models held in memory wait on disk (a temporary state directory when
    none is given), so a WARC of many interleaved sites loses none of their evidence."""
    from newscrawl.cli.clean import clean_pages

    sites = [make_site(base=f"https://www.news{n}.example", pages=6, seed=n) for n in range(3)]
    pages = [(p.url, p.html, None, p.url) for trio in zip(*sites, strict=True) for p in trio]
    dropped: dict[str, int] = {}
    records = list(clean_pages(iter(pages), max_sites=1, dropped=dropped))
    assert dropped == {}
    assert [r["url"] for r in records] == [url for url, *_ in pages]  # in input order
    # The series line under every story: only a model that saw the site's pages removes it.
    assert not [r["url"] for r in records if "From the city desk series" in r["text"]]


def test_clean_writes_the_first_of_pages_with_the_same_text(tmp_path: Path) -> None:
    site = make_site(pages=6, seed=5)
    src = tmp_path / "pages.jsonl"
    copy = {"url": site[0].url.replace(".html", "-amp.html"), "html": site[0].html}
    lines = [json.dumps({"url": p.url, "html": p.html}) for p in site]
    src.write_text("\n".join([lines[0], json.dumps(copy), *lines[1:]]) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(src), "-o", str(out), "--list-dropped"]) == 0
    urls = [json.loads(line)["url"] for line in out.read_text("utf-8").splitlines()]
    assert urls == [p.url for p in site]


def test_clean_tells_a_terminal_how_far_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    from newscrawl.cli.clean import _with_progress

    pages = [(f"https://a.example/{i}", "<p>x</p>", None, str(i)) for i in range(3)]
    assert list(_with_progress(iter(pages), 0.0)) == pages
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3 and "3 page(s) read" in lines[-1]
