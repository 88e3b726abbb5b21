"""Which encoding a fetched page is in: the one it declares, else the one a browser would read.

A byte-order mark, the Content-Type header or a `<meta charset>` decides, as in w3lib (and so
in Scrapy), except a declared UTF-8 that the bytes are not: that page is read as undeclared.
A page that declares nothing and is not UTF-8 is a legacy page, and a statistical detector is
poor at telling the Latin-script code pages apart on a page of text: given a French page in
windows-1252 without a charset, charset_normalizer (Scrapy's detector) ranks windows-1257
first and "crème" comes out as "crčme". Browsers read such pages in the code page of the
user's locale, windows-1252 in most (WHATWG Encoding). So the detector's answer stands for
everything but Latin code pages (Cyrillic, Greek, Hebrew, Arabic, Thai and the CJK encodings,
which it tells apart well, whatever `lang` a template declares); between Latin code pages,
the one of the page's `lang`, of the language the detector recognised, windows-1252 and the
detector's own pick are tried in that order, and the first whose reading has the fewest
characters that are neither letters nor punctuation wins.
"""

from __future__ import annotations

import re

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

__all__ = ["page_encoding"]

# The detector reads this much of a page: the first tens of kB hold enough text to decide.
SNIFF_BYTES = 64 * 1024
# Single-byte code pages for Latin script, as `resolve_encoding` names them: Windows, ISO,
# Mac and DOS ones (the detector offers DOS code pages such as cp775 for Western text too).
_LATIN_CODE_PAGES = frozenset(
    "cp1250 cp1252 cp1254 cp1257 cp1258 cp437 cp775 cp850 cp852 cp857 cp858 cp860 cp861 cp863 "
    "cp865 latin-1 iso8859-1 iso8859-2 iso8859-3 iso8859-4 iso8859-9 iso8859-10 iso8859-13 "
    "iso8859-14 iso8859-15 iso8859-16 mac-roman mac-latin2 mac-iceland mac-turkish "
    "mac-croatian mac-romanian hp-roman8".split()
)
# Windows code page of each Latin-script language not written in windows-1252, by ISO 639-1
# code (a page's `lang`) and by the names charset_normalizer gives languages.
_CODE_PAGE_OF = {
    **dict.fromkeys("pl cs sk hu sl hr bs ro sr".split(), "cp1250"),
    **dict.fromkeys("Polish Czech Slovak Hungarian Slovene Croatian Romanian".split(), "cp1250"),
    **dict.fromkeys("lt lv et Lithuanian Latvian Estonian".split(), "cp1257"),
    **dict.fromkeys("tr az Turkish".split(), "cp1254"),
    **dict.fromkeys("vi Vietnamese".split(), "cp1258"),
}
# Languages written in windows-1252 (ISO 639-1), for pages that declare one.
_WESTERN = frozenset("en fr de es it pt nl da sv no nb nn fi is ga ca eu gl af sq id ms sw".split())
_HTML_LANG = re.compile(rb"""<html\b[^>]*?\blang\s*=\s*["']?([a-zA-Z]{2,3})\b""", re.IGNORECASE)


def page_encoding(content_type: str | None, body: bytes) -> str:
    """The encoding to decode `body` with (a Python codec name)."""
    declared = (
        read_bom(body)[0]
        or http_content_type_encoding(content_type or "")
        or html_body_declared_encoding(body)
    )
    head = body[:SNIFF_BYTES]
    # A page that says UTF-8 and is not (a legacy page behind a server's default header) is
    # read as a page that declares nothing, not as a page of replacement characters.
    resolved = resolve_encoding(declared) if declared else None
    if resolved and (resolved != "utf-8" or not _not_utf8(head)):
        return resolved
    try:
        head.decode("utf-8")
        return "utf-8"  # ASCII too
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3 and len(body) > len(head):
            return "utf-8"  # a character cut at the end of the sample
    found = _HTML_LANG.search(body, 0, 4096)
    language = found.group(1).decode("ascii").lower() if found else ""
    matches = from_bytes(head)
    best = matches.best()
    guess = (resolve_encoding(best.encoding) or best.encoding) if best is not None else None
    if guess is not None and guess not in _LATIN_CODE_PAGES:
        return guess  # Cyrillic, Greek, CJK...: whatever `lang` says (templates declare "en")
    # A Latin code page: the page's `lang`, the language the detector recognised, then the
    # web's default, and the detector's own pick last; the most plausible reading wins.
    candidates = [
        "cp1252" if language in _WESTERN else _CODE_PAGE_OF.get(language),
        _CODE_PAGE_OF.get(best.language) if best is not None else None,
        "cp1252",
        guess,
    ]
    ordered = list(dict.fromkeys(c for c in candidates if c))
    return min(ordered, key=lambda codec: _implausible(head, codec))


# Non-ASCII characters that are not letters but common in running text of Latin script.
_TEXT_SYMBOLS = frozenset(
    "\u00a0\u00ab\u00bb\u00a9\u00ae\u00b0\u00b7\u00a7\u20ac\u00bf\u00a1"  # nbsp «» ©®°·§€¿¡
    "\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026\u2122"  # dashes, quotes, •…™
)


def _implausible(head: bytes, codec: str) -> int:
    """How many characters of `head` read in `codec` are neither letters nor the symbols of
    running text (a Polish "ł" read as windows-1252 is a "³"); undecodable bytes count
    double. `min` keeps the first of equally plausible readings."""
    text = head.decode(codec, "replace")
    return sum(
        2 if c == "\ufffd" else 1
        for c in text
        if c > "\x7f" and not c.isalpha() and c not in _TEXT_SYMBOLS and not c.isspace()
    )


def _not_utf8(head: bytes) -> bool:
    """More invalid UTF-8 sequences than valid non-ASCII characters: not UTF-8 at all (a stray
    bad byte in a UTF-8 page is not enough)."""
    if head.isascii():
        return False
    text = head.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    return bad > 0 and bad > sum(1 for c in text if c > "\x7f") - bad
