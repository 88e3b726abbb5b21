"""The output record: its schema, how it is built from a cleaned page, and validation.

The JSON Schema in `newscrawl/schema/record.schema.json` is the contract with downstream
users (pandas, DuckDB, NLP); `build_record` is the only place records are made, so the key
order and types are the same in every file.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newscrawl.core.jsonl import iter_jsonl
from newscrawl.core.language import language_of
from newscrawl.core.text import fingerprint, word_count
from newscrawl.core.types import Block, PageExtraction
from newscrawl.core.urls import url_key

__all__ = [
    "RECORD_FIELDS",
    "ArticleKeys",
    "build_record",
    "load_schema",
    "utc_iso",
    "validate_record",
]

RECORD_FIELDS = (
    "url",
    "canonical_url",
    "domain",
    "title",
    "text",
    "authors",
    "published",
    "modified",
    "language",
    "description",
    "tags",
    "image",
    "word_count",
    "fetched_at",
    "fingerprint",
    "source",
)


def utc_iso(moment: datetime | None = None) -> str:
    """ISO 8601 UTC with a Z suffix and whole seconds, the form `fetched_at` uses."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_record(
    page: PageExtraction,
    blocks: list[Block],
    *,
    fetched_at: datetime,
    source: str,
    removed: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Assemble one record from a page and its kept blocks, in schema key order."""
    text = "\n\n".join(b.text for b in blocks)
    canonical = page.canonical_url or page.url
    host = (urlsplit(canonical).hostname or urlsplit(page.url).hostname or "").lower()
    record: dict[str, Any] = {
        "url": page.url,
        "canonical_url": canonical,
        "domain": host.removeprefix("www.") or urlsplit(canonical).scheme,
        "title": page.title,
        "text": text,
        "authors": list(page.authors),
        "published": page.published,
        "modified": page.modified,
        # Decided on the text the record keeps (the site's template removed), not during
        # extraction; too little text leaves the declared language as it is.
        "language": language_of(text, page.language),
        "description": page.description,
        "tags": list(page.tags),
        "image": page.image,
        "word_count": word_count(text),
        "fetched_at": utc_iso(fetched_at),
        "fingerprint": fingerprint(text),
        "source": source,
    }
    if removed is not None:
        record["removed"] = removed
    return record


@cache
def load_schema() -> dict[str, Any]:
    """The record JSON Schema shipped with the package."""
    text = resources.files("newscrawl.schema").joinpath("record.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema())


@cache
def _fast_check() -> Any:
    import fastjsonschema

    return fastjsonschema.compile(load_schema())


def validate_record(record: Any) -> list[str]:
    """Schema violations of one record as readable messages (empty when valid).

    A compiled validator answers the common case (valid) fast; only an invalid record pays
    for jsonschema's complete, readable list of errors.
    """
    try:
        _fast_check()(record)
        return []
    except Exception:  # fastjsonschema's JsonSchemaException, or a type it chokes on
        pass
    errors = sorted(_validator().iter_errors(record), key=lambda e: list(e.path))
    messages = []
    for err in errors:
        where = "/".join(str(p) for p in err.path) or "(record)"
        messages.append(f"{where}: {err.message}")
    return messages


def _digest(text: str) -> bytes:
    # 12-byte digests keep a million keys in tens of MB with negligible collision odds.
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).digest()


class ArticleKeys:
    """The articles a set of records holds: their URL keys (address, canonical URL and the
    address a URL list gave, folded by `url_key`) and their text fingerprints, as short
    digests.

    One record per article means one per URL key and one per fingerprint: the same article
    comes under several addresses, and sometimes with one text under unrelated addresses.
    """

    def __init__(self) -> None:
        self.urls: set[bytes] = set()
        self.texts: set[bytes] = set()

    @classmethod
    def of_file(cls, path: Path) -> tuple[ArticleKeys, int]:
        """The keys of every record in a JSONL file, and how many records there were. A torn
        or foreign line is skipped: its article, if any, is simply not known."""
        keys, count = cls(), 0
        for _, record, error in iter_jsonl(path):
            if error is None and isinstance(record, dict) and "fingerprint" in record:
                keys.add(record)
                count += 1
        return keys, count

    @staticmethod
    def _url_keys(record: dict[str, Any]) -> set[bytes]:
        # A listed page's record answers its list's address too (a short link, say).
        urls = (record.get("url"), record.get("canonical_url"), record.get("listed_url"))
        return {_digest(url_key(u)) for u in urls if isinstance(u, str) and u}

    def same_url(self, record: dict[str, Any]) -> bool:
        return not self.urls.isdisjoint(self._url_keys(record))

    def same_text(self, record: dict[str, Any]) -> bool:
        return _digest(str(record["fingerprint"])) in self.texts

    def __contains__(self, record: dict[str, Any]) -> bool:
        return self.same_url(record) or self.same_text(record)

    def add(self, record: dict[str, Any]) -> None:
        self.urls |= self._url_keys(record)
        self.texts.add(_digest(str(record["fingerprint"])))
