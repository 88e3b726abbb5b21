"""Items: what spiders yield (raw pages) and what pipelines pass on (article records)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

__all__ = ["ArticleRecord", "RawPage"]


@dataclass
class RawPage:
    """A fetched page, before any cleaning: spiders yield these and nothing else."""

    url: str
    html: str
    status: int = 200
    fetched_at: datetime | None = None
    headers: dict[str, str] = field(default_factory=dict)
    source: str = ""
    # Discovery hints (sitemap lastmod, feed date, news:publication_date) for incremental runs.
    hints: dict[str, Any] = field(default_factory=dict)


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
    removed: list[dict[str, Any]]
