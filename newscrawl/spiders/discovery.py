"""Parse sitemaps (incl. indexes and Google News blocks) and RSS/Atom feeds into URL entries.

Scrapy's `Sitemap` drops nested elements such as `<news:news>`, whose publication date is the
best freshness hint a news sitemap has, so sitemaps are read here with lxml directly (with
entity resolution off and recovery on, as Scrapy does).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

__all__ = ["Entry", "parse_feed", "parse_sitemap"]


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
