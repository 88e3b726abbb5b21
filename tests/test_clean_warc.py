"""`newscrawl clean` reads WARC files: the crawl archives of Common Crawl, wget, Heritrix and
Browsertrix, written here with warcio as those tools write them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sitegen import make_site
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawl.cli import main

WARC_DATE = "2024-05-02T08:30:00Z"
GET = b"GET / HTTP/1.1\r\n\r\n"
OUTLINKS = b"outlinks: none"


def _response(writer: WARCWriter, url: str, body: bytes, status: str, ctype: str) -> None:
    """A response; with `ctype` "", the server sent no type and the archiver identified one
    (Common Crawl's WARC-Identified-Payload-Type)."""
    headers = [("Content-Type", ctype)] if ctype else []
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    warc_headers = {"WARC-Date": WARC_DATE}
    if not ctype:
        warc_headers["WARC-Identified-Payload-Type"] = "text/html"
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),  # else warcio buffers it in a temporary file it leaves open
        http_headers=http,
        warc_headers_dict=warc_headers,
    )
    writer.write_record(record)


def _warc(path: Path, pages: int = 6) -> list[str]:
    """A crawl of one site as a WARC: its article pages among what a crawl also records."""
    site = make_site(pages=pages)
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=path.suffix == ".gz")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for i, page in enumerate(site):
            request = writer.create_warc_record(
                page.url, "request", payload=io.BytesIO(GET), length=len(GET)
            )
            writer.write_record(request)
            html = page.html
            if i == 0:  # a legacy page, declared in its HTTP header only
                html = html.replace("<p>", "<p>Caf\u00e9 cr\u00e8me. ", 1)
                _response(
                    writer,
                    page.url,
                    html.encode("cp1252"),
                    "200 OK",
                    "text/html; charset=windows-1252",
                )
            else:
                ctype = "" if i == 1 else "text/html; charset=utf-8"
                _response(writer, page.url, html.encode(), "200 OK", ctype)
        base = site[0].url.rsplit("/", 1)[0]
        _response(writer, base + "/moved", b"", "301 Moved Permanently", "text/html")
        _response(writer, base + "/gone", b"<html>gone</html>", "404 Not Found", "text/html")
        _response(writer, base + "/logo.png", b"\x89PNG\r\n", "200 OK", "image/png")
        metadata = writer.create_warc_record(
            site[1].url,
            "metadata",
            payload=io.BytesIO(OUTLINKS),
            length=len(OUTLINKS),
            warc_content_type="application/warc-fields",
        )
        writer.write_record(metadata)
    return [page.url for page in site]


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_the_pages_of_a_warc_become_records(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    urls = _warc(tmp_path / name)
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(tmp_path / name), "-o", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["url"] for r in records] == urls  # the 301, 404, image and metadata are none
    assert all(r["fetched_at"] == "2024-05-02T08:30:00Z" for r in records)
    assert "Café crème." in records[0]["text"]  # decoded as the HTTP header declares
    # Pages of one site teach each other its template, as in a crawl.
    assert not any("No time to read? Get a summary" in r["text"] for r in records)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("name", ["whole.warc.gz", "whole.warc"])
def test_a_warc_cut_short_gives_the_pages_before_the_cut(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A crawl killed while writing its WARC, or a partial download: said, and no page lost
    that the file holds whole."""
    whole = tmp_path / name
    urls = _warc(whole, pages=8)
    data = whole.read_bytes()
    cut = tmp_path / name.replace("whole", "cut")
    cut.write_bytes(data[: int(len(data) * 0.6)])
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(cut), "-o", str(out), "--min-words", "1"]) == 0
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert 0 < len(records) < len(urls)
    assert [r["url"] for r in records] == urls[: len(records)]
    assert f"{cut}: read up to a record cut short" in capsys.readouterr().err
