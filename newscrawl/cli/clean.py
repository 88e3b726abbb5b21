"""Clean saved pages into records with the very same cleaning stage the crawler uses.

Inputs: HTML files, directories of them (searched recursively for *.html, *.htm, either
gzipped or not, for files without such a name that start as HTML, as `wget --mirror` saves
them, for web archives *.mhtml, *.mht, *.webarchive, and for WARC files), WARC
files (*.warc, *.warc.gz: Common Crawl, `wget --warc-file`, Heritrix, Browsertrix; read with
warcio), JSONL files whose lines carry `url` and `html` (and optionally `fetched_at`), CSV/TSV
files with such columns, and text or Markdown a scraper saved (*.txt, *.md, lines or rows
with `text` or `markdown`), made into pages by `core.plaintext`.
All pages are read first and cleaned together, so pages of one site teach the template
model about each other and the output does not depend on the order of the inputs.

The output is replaced, as a whole and only once every record is ready (a new file renamed
over it), so running the command again gives the same file rather than twice the records;
`--append` adds the records of articles the file does not hold yet.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import csv
import gzip
import multiprocessing
import os
import plistlib
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from html import unescape
from pathlib import Path
from typing import Any

from newscrawl.cli.common import CliError, check_output
from newscrawl.core import worker
from newscrawl.core.charset import page_encoding
from newscrawl.core.cleaner import Cleaner, CleanResult
from newscrawl.core.jsonl import JsonlWriter, iter_jsonl
from newscrawl.core.plaintext import decode_text, markdown_page, reader_header, text_page
from newscrawl.core.record import ArticleKeys, build_record
from newscrawl.core.spool import Spool
from newscrawl.core.text import word_count
from newscrawl.core.types import PageExtraction
from newscrawl.spiders.links import SKIP_EXTENSIONS

__all__ = ["Page", "add_arguments", "clean_pages", "iter_inputs", "run"]

# An input page: (address, HTML as text or bytes, fetch time if known, where it came from).
Page = tuple[str, str | bytes, datetime | None, str]

_CANONICAL = re.compile(
    rb"""<link[^>]+rel=["']?canonical["']?[^>]*href=["']([^"']+)["']"""
    rb"""|<meta[^>]+property=["']og:url["'][^>]*content=["']([^"']+)["']""",
    re.IGNORECASE,
)
# Where a browser saved the page from: Chrome's and Internet Explorer's "saved from url"
# comment (the mark of the web), and the header comment of the SingleFile extension.
_SAVED_FROM = re.compile(
    rb"""<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->"""
    rb"""|<!--\s*Page saved with SingleFile\s+url:\s*(https?://\S+)""",
    re.IGNORECASE,
)
# A saved page's address is looked for in its first bytes (comments, <head>).
HEAD_BYTES = 200_000
# Pages in flight per worker process: enough to keep every core busy, few enough that the
# raw HTML held in memory stays small.
WINDOW_PER_WORKER = 4
# Offline cleaning sees all pages up front: hold every page until the end, so each site's
# model has all the evidence there is before any page is decided.
HOLD_ALL = 10**9
# Site models in memory; more sites' models wait in the state directory.
MAX_SITES = 256
# Seconds between progress lines on a terminal.
PROGRESS_SECONDS = 30.0
# Crawl archives: each holds many pages, as HTTP responses with their addresses and times.
WARC_SUFFIXES = (".warc", ".warc.gz")
PAGE_SUFFIXES = (
    ".html",
    ".htm",
    ".html.gz",
    ".htm.gz",
    ".mhtml",
    ".mht",
    ".webarchive",
    *WARC_SUFFIXES,
)
# Text a scraper saved (the article with the site's furniture in it), and Markdown as reader
# services and LLM-oriented scrapers save pages (Jina Reader, Firecrawl): a page per file,
# read in a directory only when it holds no HTML pages (a mirror's robots.txt is no page).
TEXT_SUFFIXES = (".txt", ".text")
MARKDOWN_SUFFIXES = (".md", ".markdown")
# Tables of scraped articles: CSV/TSV with a header naming the columns a JSONL line has.
TABLE_SUFFIXES = (".csv", ".tsv")
CSV_FIELD_MAX = 2**31 - 1  # an article's HTML is far longer than csv's default 128 kB
# A line's or row's fields under the names scrapers give them (news-please: maintext,
# date_publish; Firecrawl: sourceURL), matched in any case.
URL_KEYS = ("url", "link", "article_url", "sourceurl", "source_url")
TEXT_KEYS = ("text", "maintext", "content", "body")
DATE_KEYS = ("published", "date_publish", "date_published", "published_at", "publish_date", "date")
# How a file without a page's name shows it is one: an HTML start in its first bytes.
SNIFF_BYTES = 1024
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html[\s>])", re.IGNORECASE)
# The media types of pages in a WARC; its images, scripts and feeds are not pages.
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# What a page's resource folder holds beside its frames ("Webpage, Complete").
_RESOURCE_SUFFIXES = frozenset(
    ".css .js .png .jpg .jpeg .gif .svg .webp .avif .woff .woff2".split()
)
# Web archives ("Webpage, Single File" in Chrome and Edge): MIME messages whose HTML part is
# the page, with the address it was saved from in their headers.
ARCHIVE_SUFFIXES = (".mhtml", ".mht")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "inputs",
        nargs="+",
        type=Path,
        metavar="INPUT",
        help="HTML files, web archives (.mhtml, .webarchive), WARC files (.warc, .warc.gz), "
        "scraped text or Markdown (.txt, .md), directories of them, or JSONL/CSV with url and "
        "html (or text, markdown)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, required=True, help="JSONL to write (replaced if it exists)"
    )
    parser.add_argument(
        "--append",
        action="store_true",
        help="add to the output instead, skipping articles it already holds",
    )
    parser.add_argument("--source", default="clean", help="value of the records' source field")
    parser.add_argument(
        "--audit", action="store_true", help="keep what cleaning removed, and why, in each record"
    )
    parser.add_argument(
        "--min-words", type=int, default=30, help="drop articles shorter than this (default 30)"
    )
    parser.add_argument(
        "--keep-listings",
        action="store_true",
        help="also write pages classified as listings or other non-articles",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="extraction processes (default: one per core)",
    )
    parser.add_argument(
        "--state-dir", type=Path, default=None, help="load and save per-site template models here"
    )
    parser.add_argument(
        "--list-dropped",
        action="store_true",
        help="name each page that gave no record, and why (on stderr)",
    )


def _page_url(path: Path, head: bytes) -> str:
    """The page's address: where the browser saved it from, as a crawl's record has where the
    page was fetched from; else its canonical URL (or og:url); else its file."""
    saved = _SAVED_FROM.search(head)
    if saved:
        return (saved.group(1) or saved.group(2)).decode("utf-8", "replace")
    match = _CANONICAL.search(head)
    if match:
        url = unescape((match.group(1) or match.group(2)).decode("utf-8", "replace").strip())
        if url.startswith(("http://", "https://")):
            return url
    return path.resolve().as_uri()


def _saved_pages(top: Path) -> list[Path]:
    """The page files under `top`, in name order, without the embedded frames (ads, players,
    social posts) a browser saves as HTML files too in a page's resource folder ("Webpage,
    Complete": `story.html` beside `story_files/`, `story-Dateien/`, `story_archivos/`)."""
    paths = sorted(top.rglob("*"))
    stems: dict[Path, list[str]] = {}
    for path in paths:
        lower = path.name.lower()
        for suffix in (".html", ".htm"):
            if lower.endswith(suffix):
                stems.setdefault(path.parent, []).append(path.name[: -len(suffix)])
    # Named after a page beside it, and holding what pages load (a folder of saved articles
    # named "news-2024" beside "news.html" holds only pages, and is read).
    resources = {
        path
        for path in paths
        if path.is_dir()
        and any(
            path.name[len(stem) : len(stem) + 1] in ("_", "-") and path.name.startswith(stem)
            for stem in stems.get(path.parent, ())
        )
        and any(child.suffix.lower() in _RESOURCE_SUFFIXES for child in path.iterdir())
    }
    pages = [p for p in paths if p.is_file() and _is_page_file(p)]
    if not pages:  # a directory of scraped text; beside pages, text files are robots.txt & co.
        scraped = (*TEXT_SUFFIXES, *MARKDOWN_SUFFIXES)
        return [p for p in paths if p.is_file() and p.name.lower().endswith(scraped)]
    kept = [p for p in pages if not any(folder in resources for folder in p.parents)]
    if len(kept) < len(pages):
        print(
            f"leaving out {len(pages) - len(kept)} HTML file(s) in the resource folders of "
            f"saved pages ({', '.join(sorted(str(r) for r in resources)[:3])}): frames "
            "(ads, players, social posts) a browser saves with the page",
            file=sys.stderr,
        )
    return kept


def _is_page_file(path: Path) -> bool:
    """A page by its name, or one saved without the name of one: `wget --mirror` keeps a
    URL's own name ("article.php?id=7", "index", "story.aspx"), so a file that no name
    marks as something else (an image, a script, a feed) is a page if it starts as HTML."""
    name = path.name.lower()
    if name.endswith(PAGE_SUFFIXES):
        return True
    stem, dot, extension = name.partition("?")[0].rpartition(".")
    if dot and stem and (extension in SKIP_EXTENSIONS or f".{extension}" in _RESOURCE_SUFFIXES):
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError:
        return False
    return _HTML_START.search(head) is not None


def iter_inputs(inputs: list[Path]) -> Iterator[Page]:
    """Yield (url, html, fetched_at, origin) for every page in the inputs."""
    for item in inputs:
        if item.is_dir():
            for path in _saved_pages(item):
                yield from _file_pages(path)
        elif not item.exists():
            raise CliError(f"no such file or directory: {item}")
        elif item.suffix.lower() in (".jsonl", ".ndjson", *TABLE_SUFFIXES):
            rows = _table_rows(item) if item.suffix.lower() in TABLE_SUFFIXES else _jsonl(item)
            for line_no, row in rows:
                where = f"{item}:{line_no}"
                page = _row_page(row, item, line_no)
                if page is None:
                    print(
                        f"skipping {where}: needs string fields url and html, or text or markdown",
                        file=sys.stderr,
                    )
                    continue
                yield *page, _parse_time(row.get("fetched_at")), where
        else:
            yield from _file_pages(item)


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    for line_no, obj, err in iter_jsonl(path):
        if err or not isinstance(obj, dict):
            print(f"skipping {path}:{line_no}: {err or 'not a JSON object'}", file=sys.stderr)
            continue
        yield line_no, obj


def _table_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """The rows of a CSV/TSV export (pandas' `to_csv`, a spreadsheet) as dicts by lower-case
    column name, with their line numbers; fields may span lines. A spreadsheet saved on
    Windows is read in its code page, as `core.charset` tells it."""
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)  # what page_encoding reads
    encoding = page_encoding(None, head)
    with path.open(
        encoding="utf-8-sig" if encoding == "utf-8" else encoding, errors="replace", newline=""
    ) as fh:
        first = fh.readline()
        delimiter = (
            "\t"
            if path.suffix.lower() == ".tsv" or "\t" in first
            else (";" if first.count(";") > first.count(",") else ",")
        )
        fh.seek(0)
        csv.field_size_limit(CSV_FIELD_MAX)
        reader = csv.reader(fh, delimiter=delimiter)
        header = [name.strip().lower() for name in next(reader, [])]
        line_no = reader.line_num + 1
        for fields in reader:
            if any(fields):
                yield line_no, {k: v for k, v in zip(header, fields, strict=False) if k and v}
            line_no = reader.line_num + 1


def _row_page(row: dict[str, Any], path: Path, line_no: int) -> tuple[str, str] | None:
    """(address, page) of a JSONL line or table row: its `html`, else the text a scraper kept
    (`text`, news-please's `maintext`, `content`, `body`) made into a page with the row's
    title, date and authors. Text without a `url` is at the file's address and line."""
    if isinstance(meta := row.get("metadata"), dict):  # Firecrawl keeps url and title there
        row = {**meta, **row}
    row = {str(k).lower(): v for k, v in row.items()}
    url = next((v for k in URL_KEYS if isinstance(v := row.get(k), str) and v.strip()), None)
    html = row.get("html")
    if isinstance(html, str) and html:
        return (url, html) if url else None
    # Markdown first: it keeps the links that plain text has lost.
    render: Callable[..., str] = markdown_page
    source = row.get("markdown")
    if not (isinstance(source, str) and source.strip()):
        render = text_page
        source = next(
            (v for k in TEXT_KEYS if isinstance(v := row.get(k), str) and v.strip()), None
        )
        if source is None:
            return None
    title = row.get("title")
    page = render(
        source,
        title=title if isinstance(title, str) and title.strip() else None,
        published=next((v for k in DATE_KEYS if isinstance(v := row.get(k), str) and v), None),
        authors=_names(row.get("authors", row.get("author"))),
    )
    return url or f"{path.resolve().as_uri()}#line-{line_no}", page


def _names(value: Any) -> list[str]:
    """Authors as a row gives them: a list, or a string (a name list the metadata reader
    splits, or a list that pandas wrote into a CSV cell: "['Jane Roe', 'John Doe']")."""
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        with contextlib.suppress(ValueError, SyntaxError, MemoryError, RecursionError):
            value = ast.literal_eval(value)
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _file_pages(path: Path) -> Iterator[Page]:
    """The pages of one file: a WARC's many, or the one of a saved page or web archive."""
    if path.name.lower().endswith(WARC_SUFFIXES):
        yield from _warc_pages(path)
    elif path.name.lower().endswith((*MARKDOWN_SUFFIXES, *TEXT_SUFFIXES)):
        try:
            text = decode_text(path.read_bytes())
        except ValueError as exc:
            print(f"skipping {path}: {exc}", file=sys.stderr)
            return
        if path.name.lower().endswith(MARKDOWN_SUFFIXES):
            yield *_markdown_file(path, text), None, str(path)
        else:
            yield path.resolve().as_uri(), text_page(text), None, str(path)
    elif (page := _read_page(path)) is not None:
        yield *page, None, str(path)


def _markdown_file(path: Path, text: str) -> tuple[str, str]:
    """(address, page) of a Markdown file; a Jina Reader header gives its address, title and
    date (else the file is at its own address, and its first heading is the headline)."""
    fields, markdown = reader_header(text)
    url = fields.get("url source", "")
    page = markdown_page(
        markdown, title=fields.get("title") or None, published=fields.get("published time")
    )
    return url if url.startswith(("http://", "https://")) else path.resolve().as_uri(), page


def _warc_pages(path: Path) -> Iterator[Page]:
    """The pages of a WARC file: its responses with status 200 and an HTML type (and HTML
    resource records, as browser-based crawlers write them), at their target URI and WARC
    date, decoded as the crawl would have. Requests, metadata, redirects, revisits, images
    and scripts are no pages. A file cut short (a crawl killed while writing it, a partial
    download) is read up to its last whole record, and stderr says so."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    record = None
    with path.open("rb") as fh:
        records = ArchiveIterator(fh)
        try:
            for record in records:
                if record.rec_type == "response" and record.http_headers is not None:
                    if record.http_headers.get_statuscode() != "200":
                        continue
                    content_type = record.http_headers.get_header("Content-Type") or ""
                elif record.rec_type == "resource":
                    content_type = record.rec_headers.get_header("Content-Type") or ""
                else:
                    continue
                # A server that sent no type: the type the archiver found (Common Crawl's).
                identified = record.rec_headers.get_header("WARC-Identified-Payload-Type") or ""
                if _media_type(content_type or identified) not in _HTML_TYPES:
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                body = record.content_stream().read()
                if _cut_short(record):
                    print(f"{path}: read up to a record cut short", file=sys.stderr)
                    return
                moment = _parse_time(record.rec_headers.get_header("WARC-Date"))
                page = body.decode(page_encoding(content_type, body), "replace")
                yield url, page, moment, f"{path}@{records.get_record_offset()}"
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
            print(f"{path}: read up to a damaged record ({exc})", file=sys.stderr)
            return
        # warcio ends quietly where a record is cut short: the records it read must reach the
        # end of the file (but the blank lines that close the last one).
        end = records.get_record_offset() + records.get_record_length() if record else 0
        if path.stat().st_size - end > len(b"\r\n\r\n"):
            print(f"{path}: read up to a record cut short (the file ends in it)", file=sys.stderr)


def _media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _cut_short(record: Any) -> bool:
    """Whether a WARC record's block ended before the length its header declares."""
    return getattr(record.raw_stream, "limit", 0) > 0


def _read_page(path: Path) -> tuple[str, str | bytes] | None:
    """(address, page) of a saved page, gunzipped if it is gzipped, taken out of its web
    archive if it is one (None, said on stderr, if that fails)."""
    data = path.read_bytes()
    # By name, or by content: `curl -o page.html` without --compressed saves the gzip stream.
    if path.suffix.lower() == ".gz" or data.startswith(b"\x1f\x8b"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            print(f"skipping {path}: not a readable gzip file ({exc})", file=sys.stderr)
            return None
    if path.name.lower().endswith(ARCHIVE_SUFFIXES):
        return _archived_page(path, data)
    if path.name.lower().endswith(".webarchive"):
        return _safari_page(path, data)
    return _page_url(path, data[:HEAD_BYTES]), data


def _safari_page(path: Path, data: bytes) -> tuple[str, str | bytes] | None:
    """The page in a Safari web archive (Safari's "Web Archive", its default way to save a
    page): a property list whose main resource holds the HTML, its address and encoding."""
    try:
        main = plistlib.loads(data).get("WebMainResource") or {}
        body, url = main.get("WebResourceData"), str(main.get("WebResourceURL") or "")
        charset = str(main.get("WebResourceTextEncodingName") or "")
    except (plistlib.InvalidFileException, ValueError, TypeError, AttributeError) as exc:
        print(f"skipping {path}: not a readable Safari web archive ({exc})", file=sys.stderr)
        return None
    if not isinstance(body, bytes):
        print(f"skipping {path}: a web archive without an HTML page", file=sys.stderr)
        return None
    return _archived(path, body, charset, url)


def _archived(path: Path, body: bytes, charset: str | None, url: str) -> tuple[str, str | bytes]:
    """(address, page) of the HTML an archive holds: decoded as the archive declares (else
    left to the page's own declaration), at the address the archive names (else the page's
    canonical URL, else the file)."""
    page: str | bytes = body
    if charset:
        with contextlib.suppress(LookupError):
            page = body.decode(charset, "replace")
    if not url.startswith(("http://", "https://")):
        url = _page_url(path, body[:HEAD_BYTES])
    return url, page


def _archived_page(path: Path, data: bytes) -> tuple[str, str | bytes] | None:
    """The page in an MHTML web archive: its first HTML part, decoded as the part declares,
    at the address the archive names (else the page's canonical URL, else the file)."""
    archive = BytesParser(policy=policy.default).parsebytes(data)
    for part in archive.walk():
        if part.get_content_type() != "text/html":
            continue
        body = part.get_payload(decode=True)
        if not isinstance(body, bytes):
            continue
        url = str(archive.get("Snapshot-Content-Location") or part.get("Content-Location") or "")
        return _archived(path, body, part.get_content_charset(), url)
    print(f"skipping {path}: a web archive without an HTML page", file=sys.stderr)
    return None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _extract_all(
    pages: Iterator[Page], workers: int
) -> Iterator[tuple[PageExtraction, datetime, str]]:
    """(extraction, fetch time, origin) of each page in input order, on `workers` processes
    with a bounded window."""
    jobs = ((html, url, at or datetime.now(UTC), origin) for url, html, at, origin in pages)
    if workers <= 1:
        for html, url, moment, origin in jobs:
            yield worker.extract(html, url, fetched_at=moment), moment, origin
        return
    window: deque[tuple[Future[PageExtraction], datetime, str]] = deque()
    # forkserver: a fork of a process with threads can deadlock.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=worker.start
    ) as pool:
        for html, url, moment, origin in jobs:
            future = pool.submit(worker.extract, html, url, fetched_at=moment)
            window.append((future, moment, origin))
            if len(window) >= WINDOW_PER_WORKER * workers:
                future, moment, origin = window.popleft()
                yield future.result(), moment, origin
        while window:
            future, moment, origin = window.popleft()
            yield future.result(), moment, origin


def clean_pages(
    pages: Iterator[Page],
    *,
    source: str = "clean",
    audit: bool = False,
    min_words: int = 30,
    keep_listings: bool = False,
    state_dir: Path | None = None,
    workers: int = 1,
    on_drop: Callable[[str, str], None] | None = None,
    dropped: dict[str, int] | None = None,
    max_sites: int = MAX_SITES,
) -> Iterator[dict[str, Any]]:
    """Clean all pages together; yield their records in input order, and count the pages
    that give none in `dropped` (by reason; complete once the records are all yielded).

    `on_drop(origin, reason)` is called for each page that gives no record. Memory does not
    grow with the number of pages: held pages, and records waiting for their turn, are kept
    in temporary files, and site models beyond `max_sites` on disk too (see `SiteModelStore`),
    so a large WARC costs disk, not memory.
    """
    dropped = {} if dropped is None else dropped
    with contextlib.ExitStack() as stack:
        cleaner = Cleaner(
            state_dir=state_dir,
            hold_pages=HOLD_ALL,
            max_held=HOLD_ALL,
            max_sites=max_sites,
            spool=True,
        )
        stack.callback(cleaner.close)  # its spool and spilled models go, even on an error
        ready = stack.enter_context(Spool())  # records waiting for their turn
        where: dict[int, tuple[int, int]] = {}  # input index -> place in `ready`
        origins: list[str] = []  # by input index, where each page came from

        def drop(index: int, reason: str) -> None:
            dropped[reason] = dropped.get(reason, 0) + 1
            if on_drop is not None:
                on_drop(origins[index], reason)

        def keep(results: Iterable[CleanResult]) -> None:
            for result in results:
                index, record = int(result.token), None
                if result.drop_reason is None and result.record_page is not None:
                    record = build_record(
                        result.record_page,
                        result.kept,
                        fetched_at=result.fetched_at or datetime.now(UTC),
                        source=source,
                        removed=result.removed if audit else None,
                    )
                if record is None or word_count(record["text"]) < min_words:
                    drop(
                        index, result.drop_reason or ("too_short" if record else "extraction_empty")
                    )
                    continue
                where[index] = ready.put(record)

        for index, (page, moment, origin) in enumerate(_extract_all(pages, workers)):
            origins.append(origin)
            if keep_listings and page.page_type != "article" and not page.error:
                page.page_type = "article"
            if page.truncated_from:
                print(
                    f"{page.url}: a page of {page.truncated_from} characters, more than "
                    "extraction reads: only its beginning was cleaned",
                    file=sys.stderr,
                )
            keep(cleaner.add(page, token=index, fetched_at=moment))
        keep(cleaner.drain())
        seen: set[str] = set()  # fingerprints: the first of the same text wins
        for index in sorted(where):
            record = ready.take(where.pop(index))
            if record["fingerprint"] in seen:
                drop(index, "duplicate_content")
                continue
            seen.add(record["fingerprint"])
            yield record


def run(args: argparse.Namespace) -> int:
    if args.min_words < 0:
        raise CliError("--min-words must be >= 0", code=2)
    check_output(args.output)
    if args.workers < 1:
        raise CliError("--workers must be >= 1", code=2)
    dropped: dict[str, int] = {}
    pages = iter_inputs(args.inputs)
    records = clean_pages(
        _with_progress(pages, PROGRESS_SECONDS) if sys.stderr.isatty() else pages,
        source=args.source,
        audit=args.audit,
        min_words=args.min_words,
        keep_listings=args.keep_listings,
        state_dir=args.state_dir,
        workers=args.workers,
        on_drop=_print_drop if args.list_dropped else None,
        dropped=dropped,
    )
    appending = args.append and args.output.is_file()
    # Replaced as a whole: a new file beside the output, renamed over it once it is complete.
    partial = args.output.with_name(f".{args.output.name}.{os.getpid()}.tmp")
    try:
        made, written = _write(partial if not appending else args.output, records, appending)
        total = made + sum(dropped.values())
        if total == 0:
            raise CliError(
                "no pages in the inputs: looked for "
                + ", ".join(f"*{s}" for s in PAGE_SUFFIXES)
                + " in directories (*.txt and *.md where there are none), and JSONL lines with"
                " url and html, or text or markdown"
            )
        if not made and args.output.is_file() and not appending:
            # A good output from an earlier run is not replaced by an empty one.
            print(f"0 record(s) from {total} page(s): {args.output} left as it was")
            _print_dropped(dropped)
            return 1
        if not appending:
            os.replace(partial, args.output)
    finally:
        partial.unlink(missing_ok=True)
    if made > written:
        dropped["already_in_output"] = made - written
    print(f"{written} record(s) from {total} page(s) written to {args.output}")
    _print_dropped(dropped)
    return 0 if made else 1


def _write(path: Path, records: Iterator[dict[str, Any]], appending: bool) -> tuple[int, int]:
    """Write `records` to `path`; appending, only the articles (URL, canonical URL or text)
    it does not hold yet. Returns (records made, records written)."""
    held = ArticleKeys.of_file(path)[0] if appending else None
    path.parent.mkdir(parents=True, exist_ok=True)
    made = written = 0
    with JsonlWriter(path) as writer:
        for record in records:
            made += 1
            if held is not None and record in held:
                continue
            writer.write(record)
            written += 1
    return made, written


def _with_progress(pages: Iterator[Page], every: float) -> Iterator[Page]:
    """`pages`, with a line on stderr every `every` seconds on how many were read: a large
    archive takes minutes, and its records are all written at the end."""
    start = last = time.monotonic()
    for count, page in enumerate(pages, 1):
        yield page
        now = time.monotonic()
        if now - last >= every:
            last = now
            minutes, seconds = divmod(int(now - start), 60)
            print(
                f"[{minutes}m{seconds:02d}s] {count} page(s) read "
                f"({count / max(now - start, 1e-9):.0f}/s); the records come at the end",
                file=sys.stderr,
                flush=True,
            )


def _print_dropped(dropped: dict[str, int]) -> None:
    if dropped:
        print("dropped: " + ", ".join(f"{k}={v}" for k, v in sorted(dropped.items())))


def _print_drop(origin: str, reason: str) -> None:
    print(f"dropped {origin}: {reason}", file=sys.stderr)
