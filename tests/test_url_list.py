"""A list of pages to fetch as they are (`url_file`, `newscrawl crawl --urls`): the input a
data user has from GDELT, Media Cloud or a spreadsheet, one URL a line or a CSV column."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import run_crawl

from newscrawl.cli import main
from newscrawl.core.record import validate_record
from newscrawl.demo import serve
from newscrawl.spiders.discovery import read_url_list

STORY = (
    "The council voted on the {name} plan on Tuesday evening after three hours of debate, "
    "and the result changes how the district pays for its buses and its schools."
)


def _site(root: Path) -> Path:
    """Five stories; each links to every other one, as teasers do."""
    site = root / "site"
    (site / "news").mkdir(parents=True)
    names = [f"story-{i}" for i in range(5)]
    for name in names:
        teasers = "".join(f"<li><a href='/news/{n}.html'>The {n}</a></li>" for n in names)
        paragraphs = "".join(f"<p>{STORY.format(name=f'{name} {i}')}</p>" for i in range(3))
        (site / "news" / f"{name}.html").write_text(
            f"<html lang='en'><head><title>The {name}</title></head><body><article>"
            f"<h1>The {name}</h1>{paragraphs}</article><ul>{teasers}</ul></body></html>",
            "utf-8",
        )
    return site


def test_a_list_is_read_as_lines_or_as_a_csv_column(tmp_path: Path) -> None:
    lines = tmp_path / "urls.txt"
    lines.write_text(
        "\ufeff# exported 2026-11-26\nhttps://a.example/1\n\n  https://b.example/2?x=1  \n",
        "utf-8",
    )
    assert list(read_url_list(lines)) == ["https://a.example/1", "https://b.example/2?x=1"]
    table = tmp_path / "urls.csv"
    table.write_text(
        'title,URL,tone\n"Budget, again",https://a.example/1,2.5\nNo link,,1\n'
        "Second,http://b.example/2,-1\n",
        "utf-8",
    )
    assert list(read_url_list(table)) == ["https://a.example/1", "http://b.example/2"]
    excel = tmp_path / "excel.csv"  # "CSV" as a spreadsheet saves it on Windows
    excel.write_bytes("Titel;URL\nCafé crème;https://a.example/café\n".encode("cp1252"))
    assert list(read_url_list(excel)) == ["https://a.example/café"]
    tsv = tmp_path / "urls.tsv"
    tsv.write_text("id\turl\n1\thttps://a.example/1\n", "utf-8")
    assert list(read_url_list(tsv)) == ["https://a.example/1"]
    plain = tmp_path / "plain.tsv"  # no header: the URL, then its title
    plain.write_text("https://a.example/1\tBudget passes\nhttps://a.example/2 x\n", "utf-8")
    assert list(read_url_list(plain)) == ["https://a.example/1", "https://a.example/2"]


def test_a_line_that_is_no_url_is_an_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "urls.txt"
    bad.write_text("https://a.example/1\n\nwww.b.example/2\n", "utf-8")
    with pytest.raises(ValueError, match=r"line 3: not an http\(s\) URL: 'www.b.example/2'"):
        list(read_url_list(bad))


def test_listed_pages_are_fetched_as_they_are(tmp_path: Path) -> None:
    """Two of five stories are listed (one twice); their teaser links are not followed."""
    site = _site(tmp_path)
    with serve(site) as server:
        url_file = tmp_path / "urls.txt"
        url_file.write_text(
            "\n".join(server.url(f"/news/story-{i}.html") for i in (1, 3, 1)) + "\n", "utf-8"
        )
        run = run_crawl(tmp_path, {"url_file": str(url_file)})
    assert run.returncode == 0, run.log[-2000:]
    assert sorted(urlsplit(r["url"]).path for r in run.records) == [
        "/news/story-1.html",
        "/news/story-3.html",
    ]
    assert {r["listed_url"] for r in run.records} == {
        server.url(f"/news/story-{i}.html") for i in (1, 3)
    }
    assert all(validate_record(r) == [] for r in run.records)
    stats = run.stats["stats"]
    assert stats["newscrawl/spider/listed"] == 3
    assert stats["newscrawl/spider/pages"] == 2  # the repeat is the dupefilter's


def test_newscrawl_crawl_reads_a_list_from_stdin_and_checks_it_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = _site(tmp_path)
    out = tmp_path / "o.jsonl"
    with serve(site) as server:
        listed = f"url\n{server.url('/news/story-2.html')}\n"
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(listed.encode())))
        argv = ["crawl", "--urls", "-", "-o", str(out), "-s", "DOWNLOAD_DELAY=0"]
        assert main(argv) == 0
    assert "articles written: 1" in capsys.readouterr().out
    assert len(out.read_text("utf-8").splitlines()) == 1
    bad = tmp_path / "bad.txt"
    bad.write_text("https://a.example/1\nnot a url\n", "utf-8")
    assert main(["crawl", "--urls", str(bad), "-o", str(tmp_path / "b.jsonl")]) == 2
    err = capsys.readouterr().err
    assert f"--urls: {bad}, line 2: not an http(s) URL: 'not a url'" in err
    assert main(["crawl", "--urls", str(tmp_path / "none.txt")]) == 2
    assert "--urls: cannot read" in capsys.readouterr().err
    assert not (tmp_path / "b.jsonl").exists()


def test_a_listed_page_is_fetched_where_it_redirects(tmp_path: Path) -> None:
    """A short link on one host redirects to the article on another: the list asked for it."""
    site = _site(tmp_path)
    with serve(site) as server:
        target = server.url("/news/story-4.html").replace("127.0.0.1", "localhost")

        class ShortLink(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(404 if self.path == "/robots.txt" else 301)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        short = ThreadingHTTPServer(("127.0.0.1", 0), ShortLink)
        threading.Thread(target=short.serve_forever, daemon=True).start()
        try:
            url_file = tmp_path / "urls.txt"
            listed = f"http://127.0.0.1:{short.server_address[1]}/s/4"
            url_file.write_text(listed + "\n", "utf-8")
            run = run_crawl(tmp_path, {"url_file": str(url_file)})
            again = run_crawl(tmp_path, {"url_file": str(url_file)})  # into the same output
        finally:
            short.shutdown()
            short.server_close()
    assert run.returncode == again.returncode == 0, run.log[-2000:]
    assert [(r["url"], r["listed_url"]) for r in run.records] == [(target, listed)]
    # Run again, the short link is known as the article's: it is not fetched a second time.
    assert again.stats["summary"]["skipped"] == {"already_in_output": 1}
    assert "newscrawl/spider/pages" not in again.stats["stats"]


def test_a_list_crawl_started_again_fetches_only_the_pages_not_written(tmp_path: Path) -> None:
    """After Ctrl-C or a crash, the same command into the same output goes on where it was."""
    site = _site(tmp_path)
    out = tmp_path / "o.jsonl"
    url_file = tmp_path / "urls.txt"
    with serve(site) as server:
        urls = [server.url(f"/news/story-{i}.html") for i in range(3)]
        url_file.write_text("\n".join(urls[:2]) + "\n", "utf-8")
        first = run_crawl(tmp_path, {"url_file": str(url_file)}, output=out)
        url_file.write_text("\n".join(urls) + "\n", "utf-8")  # the list has grown
        again = run_crawl(tmp_path, {"url_file": str(url_file)}, output=out)
    assert first.returncode == again.returncode == 0, again.log[-2000:]
    assert len(first.records) == 2 and len(again.records) == 3
    stats = again.stats["stats"]
    assert stats["newscrawl/spider/pages"] == 1
    assert again.stats["summary"]["skipped"]["already_in_output"] == 2
