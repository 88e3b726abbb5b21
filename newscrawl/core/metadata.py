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

__all__ = ["byline_authors", "iso_date", "read_metadata", "url_date"]

_ARTICLE_TYPES = re.compile(r"(Article|BlogPosting|Report|NewsArticle|LiveBlogPosting)$")
_BY_PREFIX = re.compile(
    r"^\s*(?:(?:posted|written|published|reported|analysis|opinion|commentary|story|text|"
    r"words|interview|column|review)\s+)?(by|von|par|por|di|door|av|af)(?:\s*:\s*|\s+)",
    re.IGNORECASE,
)
# Connectives are lower case in bylines ("Bruce Y. Lee" is one name); "AND" in all-caps ones.
# A "|" or a full stop after a word ("Name. Agency") ends a name too.
_AUTHOR_SPLIT = re.compile(
    r"\s*(?:;|,|\||\band\b|\bAND\b|\bund\b|\bet\b|\by\b|&|(?<=[a-z]{3})\.\s+(?=[A-Z]))\s*"
)
# An agency glued to an all-caps name: "ERIC TUCKERAssociated Press".
_GLUED_NAME = re.compile(r"(?<=[A-Z]{2})(?=[A-Z][a-z])")
# Parts of an author string that are no person: a job title or a credential after a comma
# ("TOM KRISHER, AP Auto Writer", "Ilana Muhlstein, MS, RDN").
_ROLE = re.compile(
    r"\b(?:writer|editor|editor-at-large|correspondent|reporter|columnist|contributor|"
    r"producer|analyst|critic|photographer|bureau|staff|desk|team|newsroom|"
    r"editorial|editors|redaktion|rédaction|reports|contributors)\b",
    re.IGNORECASE,
)
_CREDENTIAL = re.compile(
    r"^(?:MS|MSc|RD|RDN|RN|MD|PhD|Ph\.D|MPH|MBA|MA|BA|BSc|CPT|CSCS|LD|DO|DDS|Jr|Sr|II|III|IV)$"
)
# A name that is a web address ("Cleveland.com", "NJ Advance Media for NJ.com").
_DOMAIN_NAME = re.compile(r"\w\.(?:com|org|net|info|co|news|io|uk|de|fr|in|us|ca|au)\b", re.I)
# A label before a name ("Text: Jane Roe", "Текст: ...", "Autor: ..."): the name follows it,
# unless the label credits a picture ("Photo: ...", "Фото: ..."): that name wrote nothing.
# (One word: "Jane Roe: Washington" is a name and a place, not a label and a name.)
_LABEL_PREFIX = re.compile(r"^([^\W\d_]{2,20})\s*:\s+(?=\S)")
_PICTURE_CREDIT = re.compile(
    r"^(?:photos?|fotos?|фото|illustrations?|illustrationen|ilustraci[oó]n|video|bild|bilder|"
    r"images?|imagens?|imagen|graphics?|grafik|infografik|infographic|camera|kamera)$",
    re.IGNORECASE,
)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z.'-]*")
# Words of organisation names: dropped beside a person ("Jane Roe, Sputnik International"),
# kept when they are the whole byline ("Associated Press").
_ORG_WORD = re.compile(
    r"\b(?:news|media|international|press|agency|network|group|journal|daily|magazine|online|"
    r"radio|tv|television|broadcasting|inc|ltd|llc|wire|services?)\b",
    re.IGNORECASE,
)
# Keywords that are a CMS's routing tokens, not topics: "@river", "/article", "post-id:123".
_CMS_TOKEN = re.compile(r"^[@/_]|\w:\d")
# JSON-LD types of publishers, whose names are no byline.
_ORG_TYPES = re.compile(r"(Organization|Corporation|WebSite|Brand)$")
_DAY = "YYYY-MM-DD"
# Markup left in a description; only real tag names: "<The Palace>" is a show's title.
_TAG = re.compile(
    r"</?(?:p|br|a|b|i|u|em|strong|span|div|h[1-6]|ul|ol|li|img|figure|figcaption|blockquote"
    r"|small|sup|sub|font|center)\b[^<>]*>",
    re.IGNORECASE,
)
# Where a paragraph ends in markup some CMSs leave in JSON-LD articleBody.
_BREAK = re.compile(r"<(?:br\s*/?|/p|/div|/h[1-6]|/li|/blockquote)\s*>", re.IGNORECASE)
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
    rf"\s*[-\u2013\u2014|,\u00b7(\[]?\s*(?:(?:on|am|le|el|il)\s+(?=\w*\d|{_DAYS}|{_MONTHS}))?"
    rf"(?:(?:{_DAYS})\b.*"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b.*"
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
    """Collect title, authors, dates, language, canonical URL, tags, image, page types and
    the article text the page declares (JSON-LD articleBody)."""
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

    # Names the site goes by (letter keys): an author or a title part with one is the site's.
    # A tag is dropped only for a declared one: "jaragua do sul" on jaraguadosul.sc.gov.br.
    declared_site = _declared_site_names(meta.get("og:site_name"), ld)
    application = key(meta.get("application-name") or "")
    site = declared_site | _host_labels(url) | ({application} if application else set())
    # An h1 inside a link is the site's logo (linking home), not the article's headline.
    h1_el = next((h for h in tree.iter("h1") if next(h.iterancestors("a"), None) is None), None)
    h1 = _clean(element_text(h1_el)) if h1_el is not None else None
    title = (article or {}).get("headline") or meta.get("og:title") or meta.get("twitter:title")
    if not title:
        title = h1
    if not title:
        el = tree.find(".//title")
        title = element_text(el) if el is not None else None
    out["title"] = _headline(_clean(title), h1, url, site)

    # A page typed as a WebPage (a MedicalWebPage, Yoast's graph without an Article) may still
    # name its author there.
    authored = article or next((o for o in ld if _is_web_page(o) and o.get("author")), None)
    authors = _people(_ld_authors(authored, ld), site) if authored else []
    if not authors:
        raw = meta.get("author") or meta.get("article:author") or meta.get("dc.creator")
        authors = _people(_split_names(raw), site) if raw and not raw.startswith("http") else []
    out["authors"] = authors
    out["site_keys"] = site  # for the byline fallback

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
    description = _clean(
        meta.get("description") or meta.get("og:description") or (article or {}).get("description")
    )
    # Some CMSs put the excerpt's markup in it ("<p>Share this ..."): the text only.
    out["description"] = _clean(_TAG.sub(" ", description)) if description else None
    out["tags"] = _tags(meta, article, out["title"], declared_site)
    out["declared_text"] = _declared_text((article or {}).get("articleBody"))
    image = meta.get("og:image") or meta.get("twitter:image") or _ld_image(article)
    out["image"] = _abs(url, image)
    out["site_name"] = _clean(meta.get("og:site_name") or meta.get("application-name"))
    return out


# (Classes such as author-name and article-author contain "author"; script and style hold no
# elements in parsed HTML, so no test for them is needed. A comment form's "author" field is
# the reader's name, not the article's.)
_BYLINE = XPath(
    "//*[(@rel='author' or @itemprop='author'"
    " or contains(@class, 'author') or contains(@class, 'byline'))"
    " and not(ancestor-or-self::form) and not(contains(@class, 'comment'))]"
)
# Bylines are short; a longer "author" element is a bio box or a list of other stories.
MAX_BYLINE_CHARS = 120
# A byline without a class: a link that a by-word ("By", "By:", "von"...) alone leads.
_BY_WORD = re.compile(r"^(?:written\s+|posted\s+)?(?:by|von|par|por|di|door|av|af)\s*:?$", re.I)
_BY_END = re.compile(r"\b(?:by|von|par|por|di|door|av|af)\s*:?\s*$", re.I)
_LINKS = XPath(
    "//a[@href and not(ancestor::form)"
    " and not(ancestor::*[contains(@class, 'comment') or contains(@id, 'comment')])]"
)


def byline_authors(tree: HtmlElement, site: frozenset[str] = frozenset()) -> list[str]:
    """Authors named in the page's visible byline, for pages that declare none; `site` holds
    the site's names (`read_metadata`'s "site_keys"), which are no person's."""
    for el in _BYLINE(tree)[:10]:
        itemprop_name = el.find(".//*[@itemprop='name']")
        text = element_text(itemprop_name) if itemprop_name is not None else _byline_text(el)
        if names := _byline_names(text, site):
            return names
    # A byline without a class says what it is in words: "By <a href=...>Jane Roe</a>".
    for link in _by_links(tree):
        parent = link.getparent()
        text = _byline_text(parent) if parent is not None else ""
        if len(text) > MAX_BYLINE_CHARS:
            text = "By " + element_text(link)
        if names := _byline_names(text, site):
            return names
    return []


def _byline_names(text: str, site: frozenset[str]) -> list[str]:
    """The people a byline's text names, or [] for text that is more than names."""
    text = " ".join(text.split())
    if not 2 < len(text) <= MAX_BYLINE_CHARS:
        return []
    # Judged as written: a byline block that reads "Name Agency Published 3:21 p.m. ET" is
    # more than names even with its dateline cut off. A part that is only a date or a time
    # ("By Jane Roe and John Doe Monday, November 18, 2019, 04:05 pm PT") is no name either.
    raw_names = [n for n in _split_names(text, datelines=False) if _without_dateline(n)]
    if raw_names and all(len(n.split()) <= 5 for n in raw_names):
        return _people(_split_names(text), site)
    return []


def _by_links(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Links that a by-word alone leads in their element ("<p>By <a>Jane Roe</a></p>"), not
    in a form or comments; in running text ("directed by <a>...</a>") more words lead them."""
    for link in _LINKS(tree):
        parent, before = link.getparent(), link.getprevious()
        near = (before.tail if before is not None else parent.text) or ""
        if near.strip():
            if not _BY_END.search(near):
                continue
        elif before is None:
            continue  # nothing before the link: "<span>By</span> <a>" has an element
        lead = ""  # all that comes before the link in its element, in document order
        for sibling in link.itersiblings(preceding=True):
            lead = f"{element_text(sibling)} {sibling.tail or ''} {lead}"
            if len(lead.strip()) > 20:  # longer than any by-word: running text
                break
        else:
            lead = f"{parent.text or ''} {lead}"
        if _BY_WORD.match(" ".join(lead.split())):
            yield link


def _byline_text(el: HtmlElement) -> str:
    """The byline's text, where a further link to an address already linked is left out: the
    name links to the author's page, and so does "View More Articles" beside it."""
    seen: set[str] = set()
    repeated: set[HtmlElement] = set()
    for link in el.iter("a"):
        href = (link.get("href") or "").strip()
        if href in seen:
            repeated.add(link)
        elif href:
            seen.add(href)
    return _text_skipping(el, repeated) if repeated else element_text(el)


def _text_skipping(el: HtmlElement, skipped: set[HtmlElement]) -> str:
    parts = [el.text or ""]
    for child in el:
        if child in skipped:
            parts.append(" ")
        elif isinstance(child.tag, str):  # not a comment or processing instruction
            parts.append(_text_skipping(child, skipped))
        parts.append(child.tail or "")
    return "".join(parts)


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


# A date spelt with the month's name in an address: /2019/nov/18/ (htmldate reads digits only).
_URL_DATE = re.compile(r"/(\d{4})/([a-z]{3,9})/(\d{1,2})(?:/|$)", re.IGNORECASE)
_MONTH_NUMBER = {
    name: number
    for number, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ),
        start=1,
    )
    for name in names.split()
}


def url_date(url: str, fetched_at: datetime | None = None) -> str | None:
    """The date an address spells with a month name (/2019/nov/18/), as `iso_date` gives it."""
    found = _URL_DATE.search(urlsplit(url).path)
    if found is None or found.group(2).lower() not in _MONTH_NUMBER:
        return None
    month = _MONTH_NUMBER[found.group(2).lower()]
    return iso_date(f"{found.group(1)}-{month:02d}-{int(found.group(3)):02d}", fetched_at)


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
    """The first date the sources give; when it has no time of day, the same day with its
    time from a later source ("2019-11-19" in og, "2019-11-19T10:36:00Z" in JSON-LD)."""
    dates = (iso_date(value, fetched_at) for value in values)
    first = next((d for d in dates if d), None)
    if first is None or len(first) > len(_DAY):
        return first
    return next((d for d in dates if d and d[: len(_DAY)] == first and len(d) > len(_DAY)), first)


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """Meta values by each name they carry (`<meta property="article:modified"
    itemprop="dateModified">` is both); the first wins, but repeated article:tag add up."""
    meta: dict[str, str] = {}
    for el in tree.iterfind(".//meta"):
        content = (el.get("content") or "").strip()
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            name = (el.get(attribute) or "").strip().lower()
            if not name:
                continue
            if name == "article:tag" and name in meta:
                meta[name] += "," + content
            else:
                meta.setdefault(name, content)
    return meta


def _json_ld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        data = _lenient_json(script.text)
        if data is not None:
            yield from _walk_ld(data, depth=0)


# Hand-written JSON-LD that browsers and search engines accept but JSON does not: a comment
# after a value ("Organization", //"Person"), a trailing comma (["a", "b", ]).
_JSON_COMMENT = re.compile(r"(?<=[,{\[])[ \t]*//[^\n]*")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _lenient_json(text: str) -> Any:
    """`text` parsed as JSON, allowing raw line breaks in strings (2 of the 194 JSON-LD
    scripts of the Zyte pages), comments and trailing commas (2 more); None if still not."""
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", _JSON_COMMENT.sub("", text)), strict=False)
    except ValueError:
        return None


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


def _is_web_page(obj: dict[str, Any]) -> bool:
    return any(t.endswith("WebPage") for t in _types(obj))


def _ld_authors(article: dict[str, Any], ld: list[dict[str, Any]]) -> list[str]:
    """Names of the article's authors that are people: a reference ({"@id": ...}, as Yoast's
    graphs write it) is looked up in the page's JSON-LD; organisations are no byline."""
    raw = article.get("author") or article.get("creator")
    items = raw if isinstance(raw, list) else [raw]
    names: list[str] = []
    for item in items:
        if isinstance(item, dict):
            if "name" not in item and isinstance(item.get("@id"), str):
                item = next((o for o in ld if o.get("@id") == item["@id"]), item)
            if any(_ORG_TYPES.search(t) for t in _types(item)):
                continue
            name = item.get("name")
            if isinstance(name, str):
                names.extend(_split_names(name))
        elif isinstance(item, str) and not item.startswith("http"):
            names.extend(_split_names(item))
    return list(dict.fromkeys(names))


def _declared_site_names(site_name: str | None, ld: list[dict[str, Any]]) -> frozenset[str]:
    """Letter keys of the names the site declares: og:site_name, and the JSON-LD names of its
    publisher and website."""
    names = {key(site_name or "")}
    for obj in ld:
        for candidate in (obj.get("publisher"), obj):
            if isinstance(candidate, dict) and any(_ORG_TYPES.search(t) for t in _types(candidate)):
                name = candidate.get("name")
                if isinstance(name, str):
                    names.add(key(name))
    return frozenset(names - {""})


def _host_labels(url: str) -> frozenset[str]:
    """The labels of the site's host but its top level ("edition", "cnn" for edition.cnn.com)."""
    labels = (urlsplit(url).hostname or "").lower().removeprefix("www.").split(".")
    return frozenset(key(label) for label in labels[:-1] if len(label) >= 2)


def _people(names: list[str], site: frozenset[str]) -> list[str]:
    """The names that are people's, all-caps ones capitalised: job titles, credentials, CMS
    accounts, web addresses and the site's own names go, and organisations beside a person
    ("Jane Roe, Sputnik International"); an agency alone ("Associated Press") stays."""
    kept: list[str] = []
    for name in names:
        if (
            _CREDENTIAL.match(name.strip(". "))
            or _ROLE.search(name)
            or _DOMAIN_NAME.search(name)
            or _is_account(name)
            or _is_site(name, site)
        ):
            continue
        kept.append(_capitalised(name) if len(name.split()) > 1 and name.isupper() else name)
    people = [n for n in kept if not _ORG_WORD.search(n)]
    if any(" " in n for n in people):
        # Beside a full name, a single Latin word or a name that starts with the site's is the
        # publisher or its desk: "Jane Roe, Futurism", "Jane Roe, CNN Business", "Jane Roe, AP".
        people = [n for n in people if " " in n or not _LATIN_WORD.fullmatch(n)]
        people = [n for n in people if key(n.split(" ", 1)[0]) not in site]
    return list(dict.fromkeys(people or kept))


def _is_account(name: str) -> bool:
    """A CMS login standing in for a byline: one word in lower case, with digits, or "admin"."""
    if " " in name:
        return False
    return name.islower() or any(c.isdigit() for c in name) or "admin" in name.lower()


def _is_site(name: str, site: frozenset[str]) -> bool:
    """`name` is the site's: one of its names, or a host label and a word such as "News"."""
    name_key = key(name)
    if name_key in site:
        return True
    first, _, rest = name.partition(" ")
    return bool(rest) and key(first) in site and bool(_ORG_WORD.fullmatch(rest.strip()))


def _capitalised(name: str) -> str:
    """ "DEE-ANN O'NEIL" -> "Dee-Ann O'Neil": an all-caps byline tells nothing of case."""
    return re.sub(r"[^\W\d_]+", lambda m: m.group().capitalize(), name.lower())


def _split_names(raw: str, *, datelines: bool = True) -> list[str]:
    """Names in an author string; with `datelines`, a date or time after a name is cut off."""
    raw = _BY_PREFIX.sub("", " ".join(html.unescape(raw).split()))
    raw = _GLUED_NAME.sub(", ", raw)
    if not datelines:
        names = [_unlabelled(n.strip(" .,")) for n in _AUTHOR_SPLIT.split(raw)]
        return [n for n in names if n and len(n) <= MAX_AUTHOR_CHARS and not n.isdigit()]
    # Bylines run into their dateline: "Jeff FoustNovember 18", "Jane Roe - 2019-04-10",
    # "Jane Roe, John Doe on Monday, November 18th, 2019". A dated tail of the whole line is
    # cut first, so that the commas of its date split no names off it.
    raw = _GLUED_DATE.sub(" ", raw)
    tail = _DATE_TAIL.search(raw)
    if tail is not None and tail.start() > 0 and any(c.isdigit() for c in tail[0]):
        raw = raw[: tail.start()]
    names = [_unlabelled(_without_dateline(n).strip(" .,-|")) for n in _AUTHOR_SPLIT.split(raw)]
    return [n for n in names if n and len(n) <= MAX_AUTHOR_CHARS and any(c.isalpha() for c in n)]


def _unlabelled(name: str) -> str:
    """`name` without a label before it ("Text: Jane Roe"); "" for a picture credit."""
    match = _LABEL_PREFIX.match(name)
    if match is None:
        return name
    return "" if _PICTURE_CREDIT.match(match[1]) else name[match.end() :]


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


def _declared_text(value: Any) -> str | None:
    """The JSON-LD articleBody as lines of plain text (its paragraphs), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = _TAG.sub(" ", _BREAK.sub("\n", value)) if "<" in value else value
    lines = (" ".join(html.unescape(line).split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line) or None


def _ld_image(article: dict[str, Any] | None) -> str | None:
    if not article:
        return None
    raw = article.get("image")
    if isinstance(raw, list) and raw:
        raw = raw[0]
    if isinstance(raw, dict):
        raw = raw.get("url")
    return raw if isinstance(raw, str) else None


def _tags(
    meta: dict[str, str], article: dict[str, Any] | None, title: str | None, site: frozenset[str]
) -> list[str]:
    """Keywords, as the page lists them, without the ones that are no keyword: the headline
    itself (some CMSs fill keywords with the title, or title and description), a sentence,
    the site's name, or a CMS token ("@river", "/article", "_no-apple-news", "post-id:123")."""
    tags: list[str] = []
    keywords = (article or {}).get("keywords")
    if isinstance(keywords, list):
        tags.extend(str(k) for k in keywords)
    elif isinstance(keywords, str):
        tags.extend(keywords.split(","))
    for name in ("keywords", "news_keywords", "article:tag"):
        if not tags and meta.get(name):
            tags.extend(re.split(r"[,;]", meta[name]))
    cleaned = [" ".join(html.unescape(t).split()).strip(" \"'") for t in tags]
    headline = key(title or "")
    return list(
        dict.fromkeys(
            t
            for t in cleaned
            if len(key(t)) >= 2
            and len(t.split()) <= MAX_TAG_WORDS
            and not (headline and headline in key(t))
            and not _CMS_TOKEN.search(t)
            and key(t) not in site
        )
    )


def _headline(title: str | None, h1: str | None, url: str, site: frozenset[str]) -> str | None:
    """The headline in a title that adds to it: the side of a separator that is the page's
    h1 ("Opinion | Headline", "Headline - Section - Site"), else the title without a site
    name before the first or after the last separator ("Headline | TheHill", "Entermedia"
    on www.entermedia.co.kr)."""
    if not title:
        return title
    host = key(urlsplit(url).hostname or "")
    # (An h1 that names the site is its logo, as on blogs: no headline.)
    if h1 and key(h1) != key(title) and not _names_site(h1, site, host):
        for found in _TITLE_SEPARATOR.finditer(title):
            for side in (title[: found.start()], title[found.end() :]):
                if key(side) == key(h1):
                    return side.strip()
    head, sep, tail = _split_suffix(title)
    if sep and _names_site(tail, site, host):
        return head
    first = _TITLE_SEPARATOR.search(title)
    if first is not None and first.start() > 0 and _names_site(title[: first.start()], site, host):
        return title[first.end() :]
    return title


def _names_site(part: str, site: frozenset[str], host: str) -> bool:
    name = key(part)
    return bool(name) and (name in site or (len(name) >= 4 and name in host))


def _split_suffix(title: str) -> tuple[str, str, str]:
    """(head, separator, tail) around the last separator of `title`, or (title, "", "")."""
    matches = list(_TITLE_SEPARATOR.finditer(title))
    if not matches or matches[-1].start() == 0:
        return title, "", ""
    last = matches[-1]
    return title[: last.start()], last.group(), title[last.end() :]


def _time_element(tree: HtmlElement, itemprop: str) -> str | None:
    """The `<time datetime>` of `itemprop`; for datePublished also one marked `pubdate` or
    "publish", else the page's first that is in no link, list, aside, nav, footer or masthead
    (where other stories' dates, or today's, are)."""
    times = [el for el in tree.iterfind(".//time") if el.get("datetime")]
    for el in times:
        if el.get("itemprop") == itemprop:
            return str(el.get("datetime"))
    if itemprop != "datePublished":
        return None
    for el in times:
        if el.get("pubdate") is not None or "publish" in (el.get("class") or ""):
            return str(el.get("datetime"))
    for el in times:
        if not _ELSEWHERE(el):
            return str(el.get("datetime"))
    return None


# Where a <time> dates something else: a teaser (link, list), a sidebar, the navigation, the
# footer, or the page's masthead ("Thursday, 26 November", today), a header of no article.
_ELSEWHERE = XPath(
    "boolean(ancestor::a | ancestor::li | ancestor::aside | ancestor::nav | ancestor::footer"
    " | ancestor::header[not(ancestor::article)])"
)


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
