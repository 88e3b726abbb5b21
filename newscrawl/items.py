"""Items: what spiders yield (raw pages) and what pipelines pass on (article records)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

from newscrawl.core.types import ArticlePart

__all__ = ["ArticleRecord", "RawPage"]


@dataclass
class RawPage:
    """A fetched page, before any cleaning: spiders yield these and nothing else."""

    url: str
    # The page as fetched: bytes in `encoding` (what the spider passes on, so the crawler never
    # holds a decoded copy) or already-decoded text.
    html: str | bytes
    status: int = 200
    fetched_at: datetime | None = None
    headers: dict[str, str] = field(default_factory=dict)
    source: str = ""
    # Discovery hints (sitemap lastmod, feed date, news:publication_date) for incremental runs.
    hints: dict[str, Any] = field(default_factory=dict)
    # Encoding of `html` when it is bytes (Scrapy's reading of headers, meta tags and BOM).
    encoding: str | None = None
    # The article's further pages, when it is split over several: (url, html, encoding) each.
    parts: list[ArticlePart] = field(default_factory=list)
    # The URL a URL list gave for this page (`url_file`), which the record keeps so that it
    # joins back to the list: redirects and canonical links make `url` differ from it.
    listed_url: str | None = None


class ArticleRecord(TypedDict, total=False):
    """A cleaned article as pipelines pass it on; keys and types as in the record JSON Schema.

    Records are plain dicts so Scrapy's feed exports (`-o file.jsonl`) work on them too.
    """

    url: str
    canonical_url: str
    domain: str
    title: str | None
    text: str
    authors: list[str]
    published: str | None
    modified: str | None
    language: str | None
    description: str | None
    tags: list[str]
    image: str | None
    word_count: int
    fetched_at: str
    fingerprint: str
    source: str
    is_update: bool
    listed_url: str
    removed: list[dict[str, Any]]
