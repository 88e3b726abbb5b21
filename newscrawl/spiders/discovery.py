"""Parse sitemaps (incl. indexes and Google News blocks), RSS/Atom feeds and URL lists into
URL entries.

Scrapy's `Sitemap` drops nested elements such as `<news:news>`, whose publication date is the
best freshness hint a news sitemap has, so sitemaps are read here with lxml directly (with
entity resolution off and recovery on, as Scrapy does).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from lxml import etree

__all__ = ["Entry", "parse_feed", "parse_sitemap", "read_url_list"]


@dataclass(slots=True)
class Entry:
    """One URL found in a sitemap or feed, with the dates it came with."""

    url: str
    lastmod: str | None = None
    published: str | None = None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        recover=True, remove_comments=True, resolve_entities=False, no_network=True, huge_tree=False
    )


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(el: etree._Element, name: str) -> str | None:
    for child in el:
        text = child.text
        if _local(child.tag) == name and isinstance(text, str) and text.strip():
            return text.strip()
    return None


def parse_sitemap(body: bytes, base_url: str = "") -> tuple[str, list[Entry]]:
    """Return ("sitemapindex" | "urlset" | "", entries) for a sitemap document."""
    try:
        root = etree.fromstring(body, parser=_parser())
    except (etree.XMLSyntaxError, ValueError):
        return "", []
    if root is None:
        return "", []
    kind = _local(root.tag).lower()
    if kind not in ("sitemapindex", "urlset"):
        return "", []
    entries: list[Entry] = []
    for el in root:
        loc = _child_text(el, "loc")
        if not loc:
            continue
        published = None
        for sub in el.iter():
            if _local(sub.tag) == "publication_date" and sub.text:
                published = sub.text.strip()
                break
        entries.append(Entry(urljoin(base_url, loc), _child_text(el, "lastmod"), published))
    return kind, entries


def parse_feed(body: bytes, base_url: str = "") -> list[Entry]:
    """Entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed; empty for anything else."""
    try:
        root = etree.fromstring(body, parser=_parser())
    except (etree.XMLSyntaxError, ValueError):
        return []
    if root is None:
        return []
    entries: list[Entry] = []
    for el in root.iter():
        name = _local(el.tag)
        if name == "item":
            link = _child_text(el, "link") or _child_text(el, "guid")
            date = _child_text(el, "pubDate") or _child_text(el, "date")
            if link:
                entries.append(Entry(urljoin(base_url, link), None, date))
        elif name == "entry":
            href = None
            for child in el:
                if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
                    href = child.get("href")
                    break
            if href:
                entries.append(
                    Entry(
                        urljoin(base_url, href),
                        _child_text(el, "updated"),
                        _child_text(el, "published"),
                    )
                )
    return entries


def read_url_list(path: str | Path) -> Iterator[str]:
    """The URLs of a list file, one by one: one URL a line (what follows a blank on it is
    another column, ignored), or a CSV/TSV whose header names a `url` column (as exports from
    GDELT, Media Cloud or a spreadsheet have it). Blank lines and lines starting with `#` are
    skipped; anything else that is no http(s) URL is a ValueError naming its line, so a list
    is checked whole before a crawl relies on it. A file that is not UTF-8 (a spreadsheet
    saved as "CSV" on Windows) is read as windows-1252 where it is not."""
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        lines = ((number, line.strip()) for number, line in enumerate(fh, 1) if line.strip())
        lines = ((n, line) for n, line in lines if not line.startswith("#"))
        first = next(lines, None)
        if first is None:
            return
        column = _url_column(first[1])  # a header naming the URL column, or a first URL
        rows = chain([first], lines) if column is None else lines
        for number, line in rows:
            if column is None:
                url = line.split(None, 1)[0]
            else:
                fields = next(csv.reader([line], delimiter=column[1]))
                url = fields[column[0]].strip() if column[0] < len(fields) else ""
                if not url:  # a row without one
                    continue
            if not url.isascii():
                url = _legacy(url)
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                shown = _legacy(line)[:200]
                raise ValueError(f"{path}, line {number}: not an http(s) URL: {shown!r}")
            yield url


def _legacy(text: str) -> str:
    """`text` with the bytes that were not UTF-8 read as windows-1252."""
    raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _url_column(header: str) -> tuple[int, str] | None:
    """(index, delimiter) of the `url` column a CSV/TSV header names, or None for a URL."""
    if "://" in header:
        return None
    for delimiter in ("\t", ",", ";"):
        names = [name.strip().strip('"').lower() for name in header.split(delimiter)]
        for wanted in ("url", "link", "href", "article_url", "sourceurl", "source_url"):
            if wanted in names:
                return names.index(wanted), delimiter
    return None
