"""Downloader and spider middlewares: incremental crawls, and a cheaper meta-refresh check.

Incremental crawls: do not fetch what a previous run already has.

A scheduled source is crawled again every few minutes or hours, and almost every article it
lists was written before. Listing pages, feeds and sitemaps are fetched every time (that is
where new articles appear), but an article URL that the incremental store (see
`newscrawl.ops.seen`) knows as written is skipped unless its sitemap or feed says it changed,
or it is due for a re-check, which goes out as a conditional request (If-None-Match /
If-Modified-Since) so an unchanged article costs a 304 and no body. Whether fetched content
actually changed is the incremental pipeline's call (`newscrawl.pipelines.incremental`).

The decision is taken in a spider middleware, on the requests a callback yields, so a skipped
article never becomes a request (an IgnoreRequest would reach the spider's errback and the
error stats as a failed fetch); the downloader middleware handles the answers (304, and the
validators of every 200).

MetaRefreshMiddleware is Scrapy's with a byte test in front: Scrapy's decodes every HTML page
(and keeps the text on the response) to look for `<meta http-equiv="refresh">`; here a page
whose first 4 kB never say "refresh" goes through untouched, so the crawler process neither
decodes pages nor holds their text (they are decoded once, in an extraction worker).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as _ScrapyMetaRefresh
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response, TextResponse

from newscrawl.core.urls import url_key
from newscrawl.ops.seen import SEEN_DB, SeenStore, freshness_hint, hint_is_newer

__all__ = [
    "IncrementalMiddleware",
    "IncrementalSpiderMiddleware",
    "MetaRefreshMiddleware",
    "store_path",
]

# Scrapy looks for the refresh tag in the first 4,096 characters of a page.
_META_REFRESH_WINDOW = 4096

logger = logging.getLogger(__name__)

# Re-check a written article without a newer date hint once a day: news pages are corrected
# within hours of publication, rarely later, and a conditional re-check is cheap.
DEFAULT_RECHECK_HOURS = 24.0
META_CONDITIONAL = "newscrawl_incremental_conditional"


def store_path(settings: Any) -> Path:
    """NEWSCRAWL_INCREMENTAL_STORE, or `<NEWSCRAWL_STATE_DIR>/seen.sqlite3`."""
    explicit = settings.get("NEWSCRAWL_INCREMENTAL_STORE") or ""
    if explicit:
        return Path(explicit)
    return Path(settings.get("NEWSCRAWL_STATE_DIR") or ".newscrawl") / SEEN_DB


class _StoreUser:
    """Opens the store on spider_opened and closes it on spider_closed; reads the settings."""

    def __init__(
        self,
        path: Path,
        *,
        crawler: Crawler | None = None,
        recheck_hours: float = DEFAULT_RECHECK_HOURS,
    ) -> None:
        self.path = path
        self.crawler = crawler
        self.stats: Any = crawler.stats if crawler is not None else None
        self.recheck = timedelta(hours=recheck_hours)
        self.store: SeenStore | None = None
        self.source = ""
        self._seeds: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        s = crawler.settings
        if not s.getbool("NEWSCRAWL_INCREMENTAL_ENABLED", False):
            raise NotConfigured  # off by default: no message, so Scrapy logs no warning
        recheck = s.getfloat("NEWSCRAWL_INCREMENTAL_RECHECK_HOURS", DEFAULT_RECHECK_HOURS)
        if recheck < 0:
            raise ValueError(f"NEWSCRAWL_INCREMENTAL_RECHECK_HOURS must be >= 0: {recheck}")
        mw = cls(store_path(s), crawler=crawler, recheck_hours=recheck)
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def spider_opened(self, spider: Spider) -> None:
        self.store = SeenStore(self.path)
        if self.store.rebuilt:
            self._inc("newscrawl/incremental/store_rebuilt")
        self.source = str(getattr(spider, "source", None) or spider.name)
        # Start pages, sitemaps and feeds are where news appears: never skipped.
        for attr in ("start_urls", "sitemap_urls", "feed_urls"):
            self._seeds.update(url_key(u) for u in getattr(spider, attr, None) or [])

    def spider_closed(self, spider: Spider) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


class IncrementalSpiderMiddleware(_StoreUser):
    """Drop, or make conditional, requests for article URLs already written for this source.

    Settings: NEWSCRAWL_INCREMENTAL_ENABLED, NEWSCRAWL_INCREMENTAL_STORE,
    NEWSCRAWL_INCREMENTAL_RECHECK_HOURS (0: re-check every written article on every run),
    NEWSCRAWL_STATE_DIR.
    Stats: newscrawl/incremental/skipped (not requested at all),
    newscrawl/incremental/conditional (sent with validators),
    newscrawl/incremental/hint_changed (a sitemap or feed date says the article changed).
    Meta read: newscrawl_hints (from the spider); meta set: newscrawl_incremental_conditional.
    """

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Spider | None = None
    ) -> Iterator[Any]:
        for item in result:
            if not isinstance(item, Request) or self.keep(item):
                yield item

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Spider | None = None
    ) -> AsyncIterator[Any]:
        async for item in result:
            if not isinstance(item, Request) or self.keep(item):
                yield item

    def keep(self, request: Request) -> bool:
        """False to skip `request`; may add conditional headers to it."""
        if self.store is None or request.meta.get(META_CONDITIONAL):
            return True
        key = url_key(request.url)
        if key in self._seeds:
            return True
        entry = self.store.get(self.source, key)
        if entry is None or not entry.written:
            return True
        if hint_is_newer(freshness_hint(request.meta.get("newscrawl_hints")), entry):
            self._inc("newscrawl/incremental/hint_changed")
            self._make_conditional(request, entry.etag, entry.last_modified)
            return True
        checked = entry.checked_at or entry.written_at
        if checked is not None and datetime.now(UTC) - checked < self.recheck:
            self._inc("newscrawl/incremental/skipped")
            return False
        self._make_conditional(request, entry.etag, entry.last_modified)
        return True

    def _make_conditional(self, request: Request, etag: str | None, modified: str | None) -> None:
        if not (etag or modified):
            return
        if etag:
            request.headers.setdefault(b"If-None-Match", etag.encode("latin-1"))
        if modified:
            request.headers.setdefault(b"If-Modified-Since", modified.encode("latin-1"))
        request.meta[META_CONDITIONAL] = True
        self._inc("newscrawl/incremental/conditional")


class IncrementalMiddleware(_StoreUser):
    """Record the validators of fetched pages; end conditional requests answered 304.

    Settings: NEWSCRAWL_INCREMENTAL_ENABLED, NEWSCRAWL_INCREMENTAL_STORE, NEWSCRAWL_STATE_DIR.
    Stats: newscrawl/incremental/not_modified (answered 304, dropped).
    Meta read: newscrawl_hints, newscrawl_incremental_conditional.
    """

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if self.store is None:
            return response
        if response.status == 304 and request.meta.get(META_CONDITIONAL):
            self.store.touch(self.source, url_key(request.url))
            self._inc("newscrawl/incremental/not_modified")
            raise IgnoreRequest(f"newscrawl_incremental: not modified: {request.url}")
        if response.status == 200 and isinstance(response, TextResponse):
            etag = response.headers.get(b"ETag")
            modified = response.headers.get(b"Last-Modified")
            self.store.note_response(
                self.source,
                url_key(response.url),
                hint=freshness_hint(request.meta.get("newscrawl_hints")),
                etag=etag.decode("latin-1") if etag else None,
                last_modified=modified.decode("latin-1") if modified else None,
            )
        return response


class MetaRefreshMiddleware(_ScrapyMetaRefresh):
    """Scrapy's meta-refresh redirects, skipped for pages that cannot contain one."""

    # No `spider` parameter: Scrapy 2.13+ calls middlewares without it (the base class still
    # accepts one only to warn about it).
    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if (
            isinstance(response, HtmlResponse)
            and b"refresh" not in response.body[:_META_REFRESH_WINDOW].lower()
        ):
            return response
        result: Request | Response = super().process_response(request, response)
        return result
