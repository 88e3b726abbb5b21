"""Article metadata from the page's own declarations: JSON-LD, Open Graph and meta tags.

Publishers state their metadata explicitly far more often than not; reading those
declarations first is both more accurate and cheaper than inferring from the text. Dates keep
their time and offset when the page gives them, and a date after the fetch time is rejected
(pages carry "today" widgets and future-dated event blocks).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.etree import XPath
from lxml.html import HtmlElement

from newscrawl.core.text import element_text, key

__all__ = ["byline_authors", "iso_date", "read_metadata"]

_ARTICLE_TYPES = re.compile(r"(Article|BlogPosting|Report|NewsArticle|LiveBlogPosting)$")
_BY_PREFIX = re.compile(
    r"^\s*(?:(?:posted|written|published|reported)\s+)?(by|von|par|por|di|door|av|af)\s+",
    re.IGNORECASE,
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|,|\band\b|\bund\b|\bet\b|\by\b|&)\s*", re.IGNORECASE)
_DATE_ONLY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_GLUED_DATE = re.compile(rf"(?<=[a-z])(?=(?:{_MONTHS}|{_DAYS})\b)")
# A date or time closing a name ("- 2019-04-10", "November 18", "Monday", "9:02 AM"): a month
# name counts only before a day number, so "June Carter" and "April Smith" stay whole.
_LABEL = r"(?:last\s+)?(?:updated|published|posted|modified)\b"  # a dateline's label
_DATELINE_LABEL = re.compile(rf"\s*{_LABEL}", re.IGNORECASE)
_DATE_TAIL = re.compile(
    rf"\s*[-\u2013\u2014|,\u00b7(\[]?\s*(?:(?:{_DAYS})\b.*"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}\b.*"
    r"|\d{1,2}\.?\s+[^\W\d_]+\.?\s+\d{4}\b.*"  # 12 January 2026, 12. März 2026, 12 janvier 2026
    r"|\d{4}-\d{1,2}-\d{1,2}.*|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}.*"
    r"|\d{1,2}:\d{2}\b.*"
    rf"|{_LABEL}.*"
    r"|\d+\s*min(?:ute)?s?\.?\s+read\b.*)$",  # reading time
    re.IGNORECASE,
)
# Author strings longer than this are bios or sentences, not names.
MAX_AUTHOR_CHARS = 80
# A keyword longer than this is a sentence (a headline, a description), not a tag.
MAX_TAG_WORDS = 10
# What sits between a headline and the site name in a <title>: " - ", " | ", " — ", " :: ".
_TITLE_SEPARATOR = re.compile(r"\s+(?:[-|\u2013\u2014\u00b7]|::)\s+")


def read_metadata(
    tree: HtmlElement, url: str, *, fetched_at: datetime | None = None
) -> dict[str, Any]:
    """Collect title, authors, dates, language, canonical URL, tags, image and page types."""
    meta = _meta_tags(tree)
    ld = list(_json_ld_objects(tree))
    article = next((o for o in ld if _is_article(o)), None)
    out: dict[str, Any] = {
        "json_ld_types": tuple(t for o in ld for t in _types(o)),
        "og_type": meta.get("og:type"),
    }

    canonical = None
    for link in tree.iterfind(".//link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = urljoin(url, link.get("href", "").strip())
            break
    canonical = canonical or _abs(url, meta.get("og:url"))
    if canonical and canonical.startswith(("http://", "https://")):
        out["canonical_url"] = canonical

    title = (article or {}).get("headline") or meta.get("og:title") or meta.get("twitter:title")
    if not title:
        # An h1 inside a link is the site's logo (linking home), not the article's headline.
        h1 = next((h for h in tree.iter("h1") if next(h.iterancestors("a"), None) is None), None)
        title = element_text(h1) if h1 is not None else None
    if title:
        out["title"] = _clean(title)
    else:
        el = tree.find(".//title")
        title = _clean(element_text(el)) if el is not None else None
        out["title"] = _without_site_suffix(title, url, meta.get("og:site_name"))

    authors = _ld_authors(article) if article else []
    if not authors:
        raw = meta.get("author") or meta.get("article:author") or meta.get("dc.creator")
        authors = _split_names(raw) if raw and not raw.startswith("http") else []
    out["authors"] = authors

    published = _first_date(
        fetched_at,
        (article or {}).get("datePublished"),
        meta.get("article:published_time"),
        meta.get("og:published_time"),
        meta.get("datepublished"),
        meta.get("pubdate"),
        meta.get("publishdate"),
        meta.get("date"),
        meta.get("dc.date"),
        meta.get("dc.date.issued"),
        _time_element(tree, "datePublished"),
    )
    modified = _first_date(
        fetched_at,
        (article or {}).get("dateModified"),
        meta.get("article:modified_time"),
        meta.get("og:updated_time"),
        meta.get("datemodified"),
        meta.get("last-modified"),
        _time_element(tree, "dateModified"),
    )
    if published and modified and _before(modified, published):
        modified = None
    out["published"], out["modified"] = published, modified

    out["language"] = _language(tree, meta)
    out["description"] = _clean(
        meta.get("description") or meta.get("og:description") or (article or {}).get("description")
    )
    out["tags"] = _tags(meta, article, out["title"])
    image = meta.get("og:image") or meta.get("twitter:image") or _ld_image(article)
    out["image"] = _abs(url, image)
    out["site_name"] = _clean(meta.get("og:site_name") or meta.get("application-name"))
    return out


# (Classes such as author-name and article-author contain "author"; script and style hold no
# elements in parsed HTML, so no test for them is needed.)
_BYLINE = XPath(
    "//*[@rel='author' or @itemprop='author'"
    " or contains(@class, 'author') or contains(@class, 'byline')]"
)
# Bylines are short; a longer "author" element is a bio box or a list of other stories.
MAX_BYLINE_CHARS = 120


def byline_authors(tree: HtmlElement) -> list[str]:
    """Authors named in the page's visible byline, for pages that declare none."""
    for el in _BYLINE(tree)[:10]:
        itemprop_name = el.find(".//*[@itemprop='name']")
        text = element_text(itemprop_name if itemprop_name is not None else el)
        text = " ".join(text.split())
        # Judged as written: a byline block that reads "Name Agency Published 3:21 p.m. ET"
        # is more than names even with its dateline cut off.
        if 2 < len(text) <= MAX_BYLINE_CHARS:
            raw_names = _split_names(text, datelines=False)
            if raw_names and all(len(n.split()) <= 5 for n in raw_names):
                return _split_names(text)
    return []


def iso_date(value: Any, fetched_at: datetime | None = None) -> str | None:
    """Normalise a declared date to ISO 8601; None when unparsable or after `fetched_at`.

    Two shapes only, so that a column of them parses in one go downstream: a date
    (`2019-11-19`), or a date-time to the second with its UTC offset
    (`2019-11-19T04:58:46-08:00`). A time given without a zone keeps only its date: which
    moment it names is unknown, and a column mixing zoned and zoneless times cannot be read
    as one type.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        match = _DATE_ONLY.match(text)
        if not match:
            return _http_date(text, fetched_at)
        try:
            parsed = datetime(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
        text = parsed.date().isoformat()
        return text if _not_future(parsed, fetched_at) else None
    if not _not_future(parsed, fetched_at):
        return None
    return parsed.date().isoformat() if len(text) <= 10 else _iso(parsed)


def _http_date(text: str, fetched_at: datetime | None) -> str | None:
    """An RFC 2822 date ("Mon, 12 Jan 2026 09:30:00 GMT", as in feeds and HTTP headers)."""
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None or not _not_future(parsed, fetched_at):
        return None
    return _iso(parsed)


def _iso(parsed: datetime) -> str:
    """One of the two shapes: a zoned time to the second, or the date of a zoneless one."""
    if parsed.tzinfo is None:
        return parsed.date().isoformat()
    return parsed.replace(microsecond=0).isoformat()


def _before(later: str, earlier: str) -> bool:
    """Whether ISO date(-time) `later` is before `earlier`; a bare date is before a time of
    a later day only (a date and a time of the same day do not contradict each other)."""
    if len(later) <= 10 or len(earlier) <= 10:
        return later[:10] < earlier[:10]
    try:
        return datetime.fromisoformat(later) < datetime.fromisoformat(earlier)
    except ValueError:
        return False


def _not_future(parsed: datetime, fetched_at: datetime | None) -> bool:
    if parsed.year < 1990:
        return False
    ref = fetched_at or datetime.now(UTC)
    if parsed.tzinfo is None:
        return parsed.date() <= ref.date()
    return parsed <= ref


def _first_date(fetched_at: datetime | None, *values: Any) -> str | None:
    for value in values:
        date = iso_date(value, fetched_at)
        if date:
            return date
    return None


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    for el in tree.iterfind(".//meta"):
        name = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        content = el.get("content")
        if name and content and content.strip():
            meta.setdefault(name.strip().lower(), content.strip())
    return meta


def _json_ld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        yield from _walk_ld(data, depth=0)


def _walk_ld(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk_ld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(data.get(key), (list, dict)):
                yield from _walk_ld(data[key], depth + 1)


def _types(obj: dict[str, Any]) -> list[str]:
    raw = obj.get("@type")
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list):
        return [t for t in raw if isinstance(t, str)]
    return []


def _is_article(obj: dict[str, Any]) -> bool:
    return any(_ARTICLE_TYPES.search(t) for t in _types(obj))


def _ld_authors(article: dict[str, Any]) -> list[str]:
    raw = article.get("author") or article.get("creator")
    items = raw if isinstance(raw, list) else [raw]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            name = item.get("name")
            if isinstance(name, str):
                names.extend(_split_names(name))
        elif isinstance(item, str) and not item.startswith("http"):
            names.extend(_split_names(item))
    return list(dict.fromkeys(names))


def _split_names(raw: str, *, datelines: bool = True) -> list[str]:
    """Names in an author string; with `datelines`, a date or time after a name is cut off."""
    raw = _BY_PREFIX.sub("", " ".join(html.unescape(raw).split()))
    if not datelines:
        names = [n.strip(" .,") for n in _AUTHOR_SPLIT.split(raw)]
        return [n for n in names if n and len(n) <= MAX_AUTHOR_CHARS and not n.isdigit()]
    # Bylines run into their dateline: "Jeff FoustNovember 18", "Jane Roe - 2019-04-10".
    raw = _GLUED_DATE.sub(" ", raw)
    names = [_without_dateline(n).strip(" .,-|") for n in _AUTHOR_SPLIT.split(raw)]
    return [n for n in names if n and len(n) <= MAX_AUTHOR_CHARS and any(c.isalpha() for c in n)]


def _without_dateline(name: str) -> str:
    """`name` without the date, time or dateline label it ends with; a part that is only a
    date goes entirely, but a name that merely starts with a weekday ("Tuesday Weld") stays."""
    match = _DATE_TAIL.search(name)
    if match is None:
        return name
    words_only = not any(c.isdigit() for c in name) and not _DATELINE_LABEL.match(name)
    if match.start() == 0 and " " in name.strip() and words_only:
        return name
    return name[: match.start()]


def _ld_image(article: dict[str, Any] | None) -> str | None:
    if not article:
        return None
    raw = article.get("image")
    if isinstance(raw, list) and raw:
        raw = raw[0]
    if isinstance(raw, dict):
        raw = raw.get("url")
    return raw if isinstance(raw, str) else None


def _tags(meta: dict[str, str], article: dict[str, Any] | None, title: str | None) -> list[str]:
    """Keywords, as the page lists them, without the ones that are no keyword: the headline
    itself (some CMSs fill keywords with the title, or title and description), or a sentence."""
    tags: list[str] = []
    keywords = (article or {}).get("keywords")
    if isinstance(keywords, list):
        tags.extend(str(k) for k in keywords)
    elif isinstance(keywords, str):
        tags.extend(keywords.split(","))
    if not tags and meta.get("keywords"):
        tags.extend(meta["keywords"].split(","))
    if not tags and meta.get("article:tag"):
        tags.extend(meta["article:tag"].split(","))
    cleaned = [" ".join(html.unescape(t).split()) for t in tags]
    headline = key(title or "")
    return list(
        dict.fromkeys(
            t
            for t in cleaned
            if t and len(t.split()) <= MAX_TAG_WORDS and not (headline and headline in key(t))
        )
    )


def _without_site_suffix(title: str | None, url: str, site_name: str | None) -> str | None:
    """A <title> without the " - Site" it ends with: the part after the last separator goes
    when it is the site's name (og:site_name) or names the site's host ("Entermedia" on
    www.entermedia.co.kr)."""
    if not title:
        return title
    head, sep, tail = _split_suffix(title)
    if not sep:
        return title
    name = key(tail)
    host = key(urlsplit(url).hostname or "")
    if name and (name == key(site_name or "") or (len(name) >= 4 and name in host)):
        return head
    return title


def _split_suffix(title: str) -> tuple[str, str, str]:
    """(head, separator, tail) around the last separator of `title`, or (title, "", "")."""
    matches = list(_TITLE_SEPARATOR.finditer(title))
    if not matches or matches[-1].start() == 0:
        return title, "", ""
    last = matches[-1]
    return title[: last.start()], last.group(), title[last.end() :]


def _time_element(tree: HtmlElement, itemprop: str) -> str | None:
    for el in tree.iterfind(".//time"):
        if el.get("itemprop") == itemprop and el.get("datetime"):
            return str(el.get("datetime"))
    if itemprop == "datePublished":
        for el in tree.iterfind(".//time"):
            if el.get("datetime") and (
                el.get("pubdate") is not None or "publish" in (el.get("class") or "")
            ):
                return str(el.get("datetime"))
    return None


def _language(tree: HtmlElement, meta: dict[str, str]) -> str | None:
    for raw in (
        tree.get("lang"),
        tree.get("xml:lang"),
        meta.get("content-language"),
        meta.get("og:locale"),
        meta.get("language"),
    ):
        if raw:
            code = re.split(r"[-_]", raw.strip())[0].lower()
            if re.fullmatch(r"[a-z]{2}", code):
                return code
    return None


def _abs(url: str, value: str | None) -> str | None:
    if not value:
        return None
    joined = urljoin(url, value.strip())
    return joined if joined.startswith(("http://", "https://")) else None


def _clean(value: Any) -> str | None:
    """Whitespace collapsed, and character references resolved: JSON-LD and meta values are
    often HTML-escaped twice over ("Shows &#8211; A Mix")."""
    if not isinstance(value, str):
        return None
    text = value
    for _ in range(3):  # "&amp;amp;" comes from escaping twice: undo as often, within reason
        if "&" not in text or (unescaped := html.unescape(text)) == text:
            break
        text = unescaped
    text = " ".join(text.split())
    return text or None
