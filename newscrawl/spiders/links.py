"""Find a page's outgoing article links without parsing its HTML on the reactor thread.

Scrapy's LinkExtractor builds a full lxml tree of every page on the one thread that also runs
the engine; on a crawl whose cleaning runs in worker processes that parse became the
bottleneck. Anchors' href attributes are found with one regular expression over the text
instead: a fraction of the cost, and exact for the `<a href>` markup crawling needs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import urljoin

from w3lib.encoding import html_to_unicode

__all__ = [
    "SKIP_EXTENSIONS",
    "body_links",
    "feed_links",
    "page_links",
    "rel_links",
    "url_host",
]

# One scan finds both anchors and the places where markup is only text: comments and the
# insides of script, style, template and textarea. An anchor there (a JavaScript string, a
# client-side template with "{{link}}", commented-out navigation) is no link a reader can
# follow; fetching it ends in a 404, so the scan jumps over each such zone. Text-only tags are
# matched in their usual spellings: lower-casing a whole page costs more than the rest of the
# scan together, and mixed-case tags are rare enough to be crawled through.
_SCAN = re.compile(
    r"<(?:(!--)|(script|style|template|textarea|SCRIPT|STYLE|TEMPLATE|TEXTAREA|Script|Style)\b"
    r"""|[aA]\b[^>]*?\s[hH][rR][eE][fF]\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))"""
)
# Characters no real link has in its href, but unrendered templates and escaped JS strings do.
_NOT_HREF = re.compile(r"[{}\\<>\n\r\t]")
_BASE_HREF = re.compile(r"""<base\b[^>]*?\shref\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_NOT_PAGES = ("#", "mailto:", "javascript:", "tel:", "data:", "sms:", "ftp:", "file:")
# File types that are never article pages (Scrapy's IGNORED_EXTENSIONS, in short).
SKIP_EXTENSIONS = frozenset(
    "pdf zip gz tgz rar 7z jpg jpeg png gif webp svg bmp tif tiff ico mp3 mp4 m4a avi mov wmv "
    "webm ogg wav flac css js json xml rss atom woff woff2 ttf eot exe dmg apk doc docx xls "
    "xlsx ppt pptx odt csv txt".split()
)


# <link rel="next"> and rel="prev" of an article split over pages, read from the head only.
HEAD_BYTES = 131_072
_REL_MARK = re.compile(rb"""rel=(?:"next"|'next'|next|"prev"|'prev'|prev)""")
_LINK_TAG = re.compile(rb"<link\b[^>]*>", re.IGNORECASE)
_REL_ATTR = re.compile(rb"""\srel\s*=\s*["']?([^"'>]*)""", re.IGNORECASE)
_HREF_ATTR = re.compile(rb"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)


# Feeds a page declares: <link rel="alternate" type="application/rss+xml" href="...">.
_FEED_MARK = re.compile(rb"application/(?:rss|atom)\+xml", re.IGNORECASE)
_TYPE_ATTR = re.compile(rb"""\stype\s*=\s*["']?([^"'>\s]*)""", re.IGNORECASE)


def _head(body: bytes) -> bytes:
    # Up to the body: a stray "</head>" early on (old IE markup) does not end what a browser
    # reads as the head.
    end = body.find(b"<body", 0, HEAD_BYTES)
    if end < 0:
        end = body.find(b"<BODY", 0, HEAD_BYTES)
    return body[: end if end > 0 else HEAD_BYTES]


def _head_links(head: bytes, base_url: str) -> Iterator[tuple[list[bytes], bytes, str]]:
    """(rel names, tag, absolute http(s) URL) of each `<link>` in `head` with rel and href."""
    for tag in _LINK_TAG.findall(head):
        rel, href = _REL_ATTR.search(tag), _HREF_ATTR.search(tag)
        if rel is None or href is None:
            continue
        value = next(v for v in href.groups() if v is not None)
        url = urljoin(base_url, html.unescape(value.decode("latin-1")).strip())
        if url.startswith(("http://", "https://")):
            yield rel.group(1).lower().split(), tag, url


def rel_links(body: bytes, base_url: str) -> dict[str, str]:
    """The absolute URLs of the head's `<link rel="next">` and `rel="prev"`, by name.

    Most pages have neither: one search over the head for the attribute answers that before
    any tag is parsed.
    """
    head = _head(body)
    if _REL_MARK.search(head) is None:  # one pass (mixed-case markup is rare enough)
        return {}
    found: dict[str, str] = {}
    for names, _, url in _head_links(head, base_url):
        for name in names:
            if name in (b"next", b"prev"):
                found.setdefault(name.decode(), url)
    return found


def feed_links(body: bytes, base_url: str) -> list[str]:
    """The absolute URLs of the RSS and Atom feeds the page's head declares, in order."""
    head = _head(body)
    if _FEED_MARK.search(head) is None:
        return []
    found: dict[str, None] = {}
    for names, tag, url in _head_links(head, base_url):
        kind = _TYPE_ATTR.search(tag)
        if b"alternate" in names and kind is not None and _FEED_MARK.fullmatch(kind.group(1)):
            found[url] = None
    return list(found)


def page_links(text: str, base_url: str, *, encoding: str | None = None) -> list[str]:
    """Absolute http(s) URLs of the page's anchors, in order, without duplicates or fragments.

    With `encoding`, `text` is the raw body read as Latin-1 (one character per byte): an href
    with non-ASCII bytes is then decoded from `encoding` before it is resolved.
    """
    base = base_url
    found = _BASE_HREF.search(text, 0, 20_000)
    if found:
        base = urljoin(base_url, html.unescape(found.group(1)))
    scheme, _, rest = base.partition("://")
    origin = f"{scheme}://{rest.split('/', 1)[0]}"
    found_urls: dict[str, None] = {}
    # Navigation repeats the same hrefs many times a page: each is resolved once.
    done: set[str] = set()
    absent: set[str] = set()
    pos = 0
    while match := _SCAN.search(text, pos):
        if match.group(1) or match.group(2):
            pos = _zone_end(text, match, absent)
            continue
        pos = match.end()
        href = match.group(3) or match.group(4) or match.group(5) or ""
        if href in done:
            continue
        done.add(href)
        url = _resolve(href.strip(), base, origin, encoding)
        if url is not None:
            found_urls[url] = None
    return list(found_urls)


def _resolve(href: str, base: str, origin: str, encoding: str | None) -> str | None:
    """The absolute page URL an href names, or None for no page (mail, script, file, ...)."""
    if not href or href.startswith(_NOT_PAGES) or _NOT_HREF.search(href):
        return None
    if encoding is not None and not href.isascii():
        href = href.encode("latin-1").decode(encoding, "replace")
    if "&" in href:
        href = html.unescape(href)
    # Root-relative and absolute links (nearly all of them) need no urljoin.
    if href[0] == "/" and not href.startswith("//"):
        url = origin + href
    elif href.startswith(("http://", "https://")):
        url = href
    else:
        try:
            url = urljoin(base, href)
        except ValueError:
            return None
        if not url.startswith(("http://", "https://")):
            return None
    url = url.split("#", 1)[0]
    path = url.split("?", 1)[0]
    dot = path.rfind(".")
    if dot > path.rfind("/") and path[dot + 1 :].lower() in SKIP_EXTENSIONS:
        return None
    return url


def _zone_end(text: str, opener: re.Match[str], absent: set[str]) -> int:
    """Where the comment or text-only element that `opener` starts ends.

    At its closing tag, or at the end of the page when it is never closed (as a browser reads
    it), so hostile markup cannot make the scan quadratic. A closing spelling found absent is
    absent for the rest of the page too (`absent`, shared by one scan): never searched again.
    """
    if opener.group(1):
        end = text.find("-->", opener.end())
        return len(text) if end < 0 else end + 3
    name = opener.group(2)
    # The closer as the opener spelt it, else in lower or upper case.
    for spelling in (name, name.lower(), name.upper()):
        closer = f"</{spelling}"
        if closer not in absent:
            at = text.find(closer, opener.end())
            if at >= 0:
                return at + len(closer)
            absent.add(closer)
    return len(text)


def body_links(body: bytes, encoding: str, base_url: str) -> list[str]:
    """`page_links` of a fetched body in `encoding`, decoding it only where that is needed.

    In an ASCII-compatible encoding (UTF-8, the ISO and Windows code pages, the CJK multibyte
    ones) markup is ASCII bytes, so the links are read on a one-byte-per-character view of the
    body: a copy, but no decoding. UTF-16 and -32 bodies are decoded first.
    """
    if _ascii_compatible(encoding):
        return page_links(body.decode("latin-1"), base_url, encoding=encoding)
    return page_links(html_to_unicode(f"charset={encoding}", body)[1], base_url)


@lru_cache(maxsize=64)
def _ascii_compatible(encoding: str) -> bool:
    try:
        return '<a href="/">'.encode(encoding) == b'<a href="/">'
    except (LookupError, UnicodeError):
        return False


def url_host(url: str) -> str:
    """Lower-case host of an absolute URL, without port or credentials (cheap, no urlsplit)."""
    netloc = url.partition("://")[2].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = netloc.rpartition("@")[2]
    if host.startswith("["):
        return host.split("]", 1)[0][1:].lower()
    return host.split(":", 1)[0].lower()
