"""The generic `news` spider: discover article pages of one or more sites and yield them raw.

It starts from home/section pages, sitemaps (incl. indexes and robots.txt) and RSS/Atom feeds,
follows links within the allowed domains and yields every HTML page as a `RawPage`. Telling
articles from listing pages and cleaning them is the cleaning stage's job: listing pages still
teach the site's template model what the site repeats.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots
from twisted.python.failure import Failure

from newscrawl.core.charset import page_encoding
from newscrawl.core.pagetype import looks_like_article_url, looks_like_listing_url
from newscrawl.core.pagination import MAX_PARTS, first_part, is_next_part, linked_part, part_of
from newscrawl.core.record import ArticleKeys
from newscrawl.core.since import parse_moment, parse_since
from newscrawl.core.urls import canonicalize
from newscrawl.items import RawPage
from newscrawl.pipelines.dedup import read_back_output
from newscrawl.spiders.discovery import Entry, parse_feed, parse_sitemap, read_url_list
from newscrawl.spiders.links import body_links, feed_links, rel_links, url_host

__all__ = ["NewsSpider"]

# Article-looking links are fetched before listing pages so that `max_articles` is reached
# with few wasted requests; listings still come first for discovery at equal depth.
ARTICLE_PRIORITY = 10
# Feeds taken from one start page's head: a site's main feed, its comments feed, a few sections.
MAX_DISCOVERED_FEEDS = 5
# Sitemaps of a robots.txt read for discovery that list only recent articles: Google News
# sitemaps ("sitemap-news.xml", "news-sitemap.xml", "googlenews.xml"), two days of a site by
# their specification. The others hold the whole archive, which a user asks for by name.
_NEWS_SITEMAP = re.compile(r"news", re.IGNORECASE)
# What a sitemap found that way may add, since only its name says it is a news sitemap (an
# archive kept under /news/ has it too): no entry dated older than a Google News sitemap
# holds (two days, with a day of slack for time zones) unless it carries its news block's
# publication date, and no more entries than one may list.
NEWS_SITEMAP_DAYS = 3
NEWS_SITEMAP_MAX_URLS = 1000
# Links remembered to skip repeats (navigation, teasers) before a request is built; past this
# many (~10 MB) the memory starts afresh: a repeat then costs one dupefilter lookup.
SEEN_LINKS_MAX = 65_536


_Memo = TypeVar("_Memo", set[str], set[int], dict[int, str])


def _room(memo: _Memo) -> _Memo:
    """`memo`, emptied first when it holds SEEN_LINKS_MAX entries: a memo starts afresh."""
    if len(memo) >= SEEN_LINKS_MAX:
        memo.clear()
    return memo


def _split(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, list):
        return [v.strip() for v in value if v.strip()]
    return [v.strip() for v in value.split(",") if v.strip()]


class NewsSpider(scrapy.Spider):
    """Crawl news sites from start pages, sitemaps and feeds.

    Arguments (``-a name=value``; lists are comma-separated): ``start_urls``,
    ``sitemap_urls``, ``feed_urls``, ``url_file`` (a file of pages to fetch as they are, whose
    links are not followed: one URL a line, or a CSV/TSV with a ``url`` column),
    ``allowed_domains`` (default: the domains of all given URLs), ``max_articles`` (default:
    ``NEWSCRAWL_MAX_ARTICLES``), ``follow_links`` (default true; false fetches only what
    sitemaps and feeds list), ``since`` (an age such as ``7d``
    or a date: sitemap and feed entries dated before it are skipped, and the cleaning stage
    drops records published before it), ``discover`` (default: as ``follow_links``; false
    reads no feeds or sitemaps but those given).

    Discovery: the RSS and Atom feeds a start page declares in its head
    (`<link rel="alternate">`) are read, and so are the news sitemaps that robots.txt lists
    for a start page's site when no sitemap of that site was given: both list a site's
    latest articles, which links from the front page may not reach.

    Sitemap and feed entries are requested newest first (by publication date, else lastmod),
    and sitemaps of an index likewise, so a capped crawl gets the latest articles.

    An article split over pages (`<link rel="next">` in the head, see `core.pagination`) is
    passed on once, with its further pages in `RawPage.parts`: they are fetched one after
    another (`parse_part`), and a further page reached on its own is skipped.

    Stats: ``newscrawl/spider/pages``, ``newscrawl/spider/skipped/<reason>``,
    ``newscrawl/spider/sitemap_urls``, ``newscrawl/spider/feed_urls``,
    ``newscrawl/spider/article_parts``, ``newscrawl/spider/discovered/<feeds|news_sitemaps>``.
    Meta: ``newscrawl_hints`` (dates from sitemaps and feeds, passed on to the item),
    ``newscrawl_start`` (a start page, whose feeds are discovered), ``newscrawl_news_only``
    (a robots.txt read for its news sitemaps, and the sitemaps so found: they add only what
    a news sitemap may list), ``newscrawl_listed`` (the URL a URL list gave
    for the page: no link is followed from it, and its record keeps it as ``listed_url``).
    """

    name = "news"

    def __init__(
        self,
        start_urls: str | list[str] | None = None,
        sitemap_urls: str | list[str] | None = None,
        feed_urls: str | list[str] | None = None,
        url_file: str | None = None,
        allowed_domains: str | list[str] | None = None,
        max_articles: str | int | None = None,
        follow_links: str | bool = True,
        discover: str | bool | None = None,
        source: str | None = None,
        since: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.start_urls = _split(start_urls)
        self.sitemap_urls = _split(sitemap_urls)
        self.feed_urls = _split(feed_urls)
        # A list of pages to fetch as they are (read twice: checked and its hosts taken now,
        # requested lazily in `start`, so that a list of millions costs no memory).
        self.url_file = url_file or None
        listed_hosts = {_host(url) for url in read_url_list(url_file)} if url_file else set()
        if not (self.start_urls or self.sitemap_urls or self.feed_urls or self.url_file):
            raise ValueError("news spider needs start_urls, sitemap_urls, feed_urls or url_file")
        for url in self.start_urls + self.sitemap_urls + self.feed_urls:
            if urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"not an http(s) URL: {url!r}")
        domains = _split(allowed_domains) or sorted(
            {_host(u) for u in self.start_urls + self.sitemap_urls + self.feed_urls} | listed_hosts
        )
        self.allowed_domains = domains
        self.max_articles = int(max_articles) if max_articles not in (None, "") else None
        if self.max_articles is not None and self.max_articles < 0:
            raise ValueError("max_articles must be >= 0")
        self.follow_links = _yes(follow_links)
        # A crawl that follows no links fetches only what it was given: a start page that is
        # one article stays one article, unless discovery is asked for.
        self.discover = self.follow_links if discover in (None, "") else _yes(discover)
        self.since = parse_since(since)
        self.source = source or self.name
        self._host_allowed: dict[str, bool] = {}
        # Links this spider already looked at (queued or refused): much cheaper than a request
        # per repeated link. Only a shortcut (the dupefilter decides), so it is capped.
        self._seen_links: set[str] = set()
        # Articles (by `part_of` key) whose first page went on without further pages, and page
        # 2s met before their first page: a site may mark page 2 with rel=prev but give page 1
        # no rel=next. Capped like the links.
        self._alone: set[int] = set()
        self._waiting_parts: dict[int, str] = {}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.sitemap_urls:
            yield scrapy.Request(
                url, callback=self.parse_sitemap, errback=self.on_error, priority=20
            )
        for url in self.feed_urls:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.on_error, priority=20)
        if self.discover:
            given = {_origin(url) for url in self.sitemap_urls}
            for origin in dict.fromkeys(_origin(url) for url in self.start_urls):
                if origin not in given:
                    yield scrapy.Request(
                        f"{origin}/robots.txt",
                        callback=self.parse_sitemap,
                        errback=self._discovery_failed,
                        priority=20,
                        meta={"newscrawl_news_only": True},
                    )
        for url in self.start_urls:
            yield scrapy.Request(
                url,
                callback=self.parse,
                errback=self.on_error,
                priority=15,
                meta={"newscrawl_start": self.discover},
            )
        if self.url_file:
            # A list crawl started again into its output (after Ctrl-C or a crash) fetches
            # only the pages not written yet: a list may be long, and its pages stay as they
            # were. (In incremental mode the seen store decides, and re-checks them.)
            output = read_back_output(self.crawler)
            written = ArticleKeys.of_file(output)[0] if output and output.is_file() else None
            for url in read_url_list(self.url_file):
                self.crawler.stats.inc_value("newscrawl/spider/listed")
                if written is not None and written.same_url({"url": url}):
                    self.crawler.stats.inc_value("newscrawl/spider/skipped/already_in_output")
                    continue
                # A listed page is wanted wherever it redirects (a short link, a moved
                # site): nothing is followed from it, so no crawl can wander off with it.
                yield scrapy.Request(
                    url,
                    callback=self.parse,
                    errback=self.on_error,
                    priority=ARTICLE_PRIORITY,
                    meta={"newscrawl_listed": url, "allow_offsite": True},
                )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Yield the page as a RawPage and follow its links within the allowed domains."""
        stats = self.crawler.stats
        if not isinstance(response, HtmlResponse):
            if isinstance(response, XmlResponse) or _looks_like_xml(response):
                yield from self.parse_sitemap(response)
                yield from self.parse_feed(response)
                return
            stats.inc_value("newscrawl/spider/skipped/non_html")
            self.logger.info(
                "skipping non-HTML response %s (%s)",
                response.url,
                (response.headers.get("Content-Type") or b"").decode("latin-1"),
            )
            return
        encoding = _encoding(response)
        stats.inc_value("newscrawl/spider/pages")
        self._check_ending(response)
        if response.meta.get("newscrawl_start"):
            yield from self._discovered_feeds(response)
        rel = rel_links(response.body, response.url)
        prev, following = rel.get("prev", ""), rel.get("next", "")
        article_key, number = part_of(response.url)
        # A head without rel markup leaves the pager in the body to say which page is a part,
        # of a page whose URL says it is a story: "/politics" and its "?page=2" are a section.
        first = first_part(response.url)
        pager = looks_like_article_url(first)
        more_parts = pager and (not following or (number > 1 and not prev))
        links = self._links(response, encoding, more_parts=more_parts)
        if pager and not prev:
            prev = linked_part(response.url, links, previous=True)
        if pager and not following:
            following = linked_part(response.url, links)
        if (
            prev
            and is_next_part(prev, response.url)
            and not looks_like_listing_url(first)
            and hash(article_key) not in self._alone
        ):
            # Page 2+ of an article reached on its own: the first page fetches it as a part.
            # (Page 2 of a section front is a page of its own; so is a page 2 whose first
            # page already went on alone, else its text would be lost.)
            stats.inc_value("newscrawl/spider/skipped/article_part")
            if number == 2:  # for a first page that does not name its next one
                _room(self._waiting_parts)[hash(article_key)] = response.url
            yield from self._follow(response, links)
            if self._allowed(prev):
                yield scrapy.Request(
                    prev,
                    callback=self.parse,
                    errback=self.on_error,
                    meta={"newscrawl_listed": _listed(response)},
                )
            return
        if not following and number == 1 and self._waiting_parts:
            following = self._waiting_parts.pop(hash(article_key), "")
        first_of_parts = bool(
            following
            and is_next_part(response.url, following)
            and not looks_like_listing_url(response.url)
        )
        if first_of_parts:
            self._seen_links.add(following)  # fetched below as a part, not as a page
        elif number == 1:
            _room(self._alone).add(hash(article_key))
        # Links go to the scheduler before the page goes to the pipelines: the cleaning stage
        # may hold the page until more of its site arrives, and must see that more is coming.
        yield from self._follow(response, links)
        page = RawPage(
            url=response.url,
            html=response.body,
            encoding=encoding,
            status=response.status,
            fetched_at=datetime.now(UTC),
            headers=_headers(response),
            source=self.source,
            hints=dict(response.meta.get("newscrawl_hints") or {}),
            listed_url=_listed(response) or None,
        )
        if first_of_parts and self._allowed(following):
            yield self._part_request(following, page, response)
        else:
            yield page

    def parse_part(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """Add a further page of an article to it; fetch the next one, or pass the article on."""
        page: RawPage = response.meta["newscrawl_article"]
        last = page.parts[-1][0] if page.parts else page.url
        # A part redirected elsewhere (often back to the first page) is no part: the end.
        if isinstance(response, HtmlResponse) and is_next_part(last, response.url):
            encoding = _encoding(response)
            self._check_ending(response)
            page.parts.append((response.url, response.body, encoding))
            self.crawler.stats.inc_value("newscrawl/spider/article_parts")
            following = rel_links(response.body, response.url).get("next", "")
            # A part's pager counts where its first page's did (see `parse`).
            pager = not following and looks_like_article_url(page.url)
            links = self._links(response, encoding, more_parts=pager)
            if pager:
                following = linked_part(response.url, links)
            more = bool(following) and len(page.parts) + 1 < MAX_PARTS
            more = more and self._allowed(following) and is_next_part(response.url, following)
            if more:
                self._seen_links.add(following)  # fetched below as a part, not as a page
            yield from self._follow(response, links)
            if more:
                yield self._part_request(following, page, response)
                return
        yield page

    def part_failed(self, failure: Failure) -> Iterator[Any]:
        """A further page could not be fetched: the article goes on with the pages it has."""
        self.on_error(failure)
        yield failure.request.meta["newscrawl_article"]  # type: ignore[attr-defined]

    def _check_ending(self, response: Response) -> None:
        """Warn about a page that stops mid-text: HTML ends with a tag, and a page that does
        not was cut short, most often by a server declaring a Content-Length shorter than
        the page (the client reads no further). Its record holds what arrived."""
        if response.body[-256:].rstrip(b" \t\r\n\x00")[-1:] not in (b">", b""):
            self.crawler.stats.inc_value("newscrawl/spider/cut_short")
            self.logger.warning(
                "%s ends mid-text (%d bytes, Content-Length %s): the server sent less than "
                "the page, or declared less; its record holds what arrived",
                response.url,
                len(response.body),
                (response.headers.get("Content-Length") or b"none").decode("latin-1"),
            )

    def _part_request(self, url: str, page: RawPage, response: Response) -> scrapy.Request:
        # Not filtered: the page may also be queued as a link or a sitemap entry, where it is
        # skipped as a part; here it must be fetched, or the article would never be passed on.
        return scrapy.Request(
            url,
            callback=self.parse_part,
            errback=self.part_failed,
            dont_filter=True,
            priority=ARTICLE_PRIORITY + 1,
            meta={"newscrawl_article": page, "newscrawl_listed": _listed(response)},
        )

    def _links(self, response: Response, encoding: str, *, more_parts: bool) -> list[str]:
        """The page's links: to follow, and (`more_parts`) to find its pager in; a page whose
        links are not followed and whose parts its head names reads none."""
        if not (self._follows(response) or more_parts):
            return []
        return body_links(response.body, encoding, response.url)

    def _follows(self, response: Response) -> bool:
        """Whether the page's links are followed: not without `follow_links`, and never from
        a page of a URL list (and its parts), which is fetched as it is."""
        return self.follow_links and not _listed(response)

    def _follow(self, response: Response, links: list[str]) -> Iterator[scrapy.Request]:
        """Requests for the page's links within the allowed domains (none without follow)."""
        if not self._follows(response):
            return
        for url in links:
            # Most links of a page (navigation, teasers) were queued from earlier pages;
            # skipping them here saves building requests the dupefilter would drop.
            if url in self._seen_links:
                continue
            _room(self._seen_links).add(url)
            if not self._allowed(url):
                continue
            priority = 0 if looks_like_listing_url(url) else ARTICLE_PRIORITY
            yield scrapy.Request(
                _request_url(url),
                callback=self.parse,
                errback=self.on_error,
                priority=priority,
            )

    def _allowed(self, url: str) -> bool:
        host = url_host(url)
        allowed = self._host_allowed.get(host)
        if allowed is None:
            allowed = any(host == d or host.endswith("." + d) for d in self.allowed_domains)
            self._host_allowed[host] = allowed
        return allowed

    def on_error(self, failure: Failure) -> None:
        """A fetch failed for good (retries done): one log line and a count, no traceback."""
        error = failure.value
        if isinstance(error, IgnoreRequest) and not isinstance(error, HttpError):
            return  # a middleware chose not to fetch (robots.txt, incremental 304): not a failure
        kind = type(error).__name__
        if isinstance(error, HttpError):
            kind = f"http_{error.response.status}"
        request = getattr(failure, "request", None)
        self.crawler.stats.inc_value(f"newscrawl/spider/fetch_failed/{kind}")
        self.logger.warning("fetch failed: %s (%s: %s)", getattr(request, "url", "?"), kind, error)

    def _discovered_feeds(self, response: Response) -> Iterator[scrapy.Request]:
        """Requests for the feeds a start page declares, on whatever host the site keeps
        them (feeds.bbci.co.uk for bbc.co.uk): a site's own declaration. Their entries are
        fetched within the allowed domains, as all others."""
        for url in feed_links(response.body, response.url)[:MAX_DISCOVERED_FEEDS]:
            self.crawler.stats.inc_value("newscrawl/spider/discovered/feeds")
            self.logger.info("reading the feed %s declared by %s", url, response.url)
            yield scrapy.Request(
                url,
                callback=self.parse_feed,
                errback=self._discovery_failed,
                priority=20,
                meta={"allow_offsite": True},
            )

    def _discovery_failed(self, failure: Failure) -> None:
        """A discovered source is a guess: its absence (most sites have no robots.txt sitemap
        of news) is no fetch failure, only a count."""
        self.crawler.stats.inc_value("newscrawl/spider/discovery_failed")
        request = getattr(failure, "request", None)
        self.logger.debug("no discovered source at %s: %s", getattr(request, "url", "?"), failure)

    def parse_sitemap(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        """Follow sitemap indexes and robots.txt sitemaps; request every listed page."""
        news_only = bool(response.meta.get("newscrawl_news_only"))
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                if news_only:
                    if not _NEWS_SITEMAP.search(urlsplit(url).path):
                        continue
                    self.crawler.stats.inc_value("newscrawl/spider/discovered/news_sitemaps")
                    self.logger.info("reading the news sitemap %s (robots.txt)", url)
                yield scrapy.Request(
                    url,
                    callback=self.parse_sitemap,
                    errback=self.on_error,
                    priority=20,
                    meta={"newscrawl_news_only": news_only},
                )
            return
        body = _sitemap_body(response)
        if body is None:
            self.crawler.stats.inc_value("newscrawl/spider/skipped/bad_sitemap")
            return
        kind, entries = parse_sitemap(body, response.url)
        entries = self._recent_first(entries)
        if news_only:
            entries = self._news_window(entries, kind)
        for entry in entries:
            if kind == "sitemapindex":
                yield scrapy.Request(
                    entry.url,
                    callback=self.parse_sitemap,
                    errback=self.on_error,
                    priority=20,
                    meta={"newscrawl_news_only": news_only},
                )
            else:
                yield self._entry_request(entry, "sitemap_urls")

    def _news_window(self, entries: list[Entry], kind: str) -> list[Entry]:
        """The entries of a sitemap found by its name that a news sitemap would list (see
        NEWS_SITEMAP_DAYS); the rest are counted as skipped (`not_news`)."""
        oldest = datetime.now(UTC) - timedelta(days=NEWS_SITEMAP_DAYS)
        kept = []
        for entry in entries:
            moment = parse_moment(entry.lastmod) if entry.lastmod and not entry.published else None
            # An index's child named as a news sitemap itself is read whatever its date (an
            # index's lastmod is often stale); its own entries are held to the window.
            named = kind == "sitemapindex" and _NEWS_SITEMAP.search(entry.url.rsplit("/", 1)[-1])
            if moment is None or moment >= oldest or named:
                kept.append(entry)
        if kind != "sitemapindex":
            kept = kept[:NEWS_SITEMAP_MAX_URLS]
        skipped = len(entries) - len(kept)
        if skipped:
            self.crawler.stats.inc_value("newscrawl/spider/skipped/not_news", skipped)
        return kept

    def parse_feed(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        """Request every item of an RSS or Atom feed."""
        for entry in self._recent_first(parse_feed(response.body, response.url)):
            yield self._entry_request(entry, "feed_urls")

    def _recent_first(self, entries: list[Entry]) -> list[Entry]:
        """Entries newest first (undated ones last, in their order), without those dated
        before `since` (a sitemap's lastmod is when its newest entry changed)."""
        dated: list[tuple[datetime, int, Entry]] = []
        undated: list[Entry] = []
        for i, entry in enumerate(entries):
            when = entry.published or entry.lastmod
            moment = parse_moment(when) if when else None
            if moment is None:
                undated.append(entry)
            elif self.since is not None and moment < self.since:
                self.crawler.stats.inc_value("newscrawl/spider/skipped/before_since")
            else:
                dated.append((moment, -i, entry))
        dated.sort(key=lambda d: (d[0], d[1]), reverse=True)
        return [entry for _, _, entry in dated] + undated

    def _entry_request(self, entry: Entry, stat: str) -> scrapy.Request:
        """An article request from a sitemap or feed entry, carrying its dates as hints."""
        self.crawler.stats.inc_value(f"newscrawl/spider/{stat}")
        return scrapy.Request(
            _request_url(entry.url),
            callback=self.parse,
            errback=self.on_error,
            priority=ARTICLE_PRIORITY,
            meta={"newscrawl_hints": {"lastmod": entry.lastmod, "published": entry.published}},
        )


def _yes(value: str | bool) -> bool:
    return str(value).lower() not in ("0", "false", "no", "off")


def _listed(response: Response) -> str:
    """The URL a URL list gave for the page (or for the article it is a part of), or ""."""
    return response.meta.get("newscrawl_listed") or ""


def _host(url: str) -> str:
    """A URL's host as allowed domains name it (without "www.")."""
    return url_host(url).removeprefix("www.")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _request_url(url: str) -> str:
    """The URL to request: canonical (no trackers, no session ids) when it has parameters;
    a plain path needs none of courlan's work."""
    return canonicalize(url) if "?" in url or ";" in url else url


def _encoding(response: Response) -> str:
    """The page goes on as bytes, decoded in a worker: as declared, like Scrapy's
    `response.encoding`; an undeclared legacy page read as a browser would read it."""
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
    return page_encoding(content_type, response.body)


def _looks_like_xml(response: Response) -> bool:
    if not isinstance(response, TextResponse):
        return response.body[:2] == b"\x1f\x8b"
    return response.body.lstrip()[:5] == b"<?xml"


def _sitemap_body(response: Response) -> bytes | None:
    body = response.body
    if body[:2] == b"\x1f\x8b":
        try:
            return gunzip(body, max_size=50 * 1024 * 1024)
        except (OSError, ValueError, gzip.BadGzipFile):
            return None
    return body


def _headers(response: Response) -> dict[str, str]:
    out = {}
    for name in (b"Content-Type", b"Last-Modified", b"ETag", b"Content-Language"):
        value = response.headers.get(name)
        if value:
            out[name.decode()] = value.decode("latin-1")
    return out
