"""Articles split over several pages: which URL is the next or the previous part.

A long read, a review or a gallery story may come as `story?page=2`, `story/page/2/` or
`story/2/`, with `<link rel="next">` in the head of each part. The spider fetches the parts
of an article one after another and extraction joins them into one record; a part reached
on its own (from a sitemap or a link) is not an article of its own.

Where the head names no next or previous page (Google stopped reading rel="next" in 2019,
and many sites dropped it), the pager in the body does: a link from the page to the URL of
its next or previous part (`linked_part`).

A page number is read from a query parameter (`page`, `seite`, `pagina`, ...) or a path
suffix (`/page/2`, `/seite-2`); a bare number appended to the path (`/2/`) counts only after
a slug, so `/p/13` (post 13) is never part 13 of `/p`. WordPress's `?p=123` is a post id,
not a page: `p` is not a page parameter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

__all__ = ["MAX_PARTS", "first_part", "is_next_part", "linked_part", "part_of"]

MAX_PARTS = 30  # parts of one article joined at most; past it the article is cut
_PAGE_PARAMS = frozenset(["page", "pg", "paged", "seite", "pagina", "pag", "part", "teil"])
_NAMED_SUFFIX = re.compile(r"/(?:page|seite|pagina|part|teil)[/-]?(\d{1,2})/?$", re.IGNORECASE)
_BARE_SUFFIX = re.compile(r"/(\d{1,2})/?$")
_SLUG = re.compile(r"[-_]|[^\W\d_]{12,}")


def first_part(url: str) -> str:
    """The URL of the first page of the article `url` is a page of, as the site writes it
    (`story/2/` -> `story/`, `story?page=2` -> `story`)."""
    key, number = part_of(url)
    if number == 1:
        return url
    parts = urlsplit(key)
    path = parts.path or "/"
    if urlsplit(url).path.endswith("/") and not path.endswith("/"):
        path += "/"
    return urlunsplit(parts._replace(path=path))


@lru_cache(maxsize=1024)
def part_of(url: str) -> tuple[str, int]:
    """(the article's URL without its page token, the page number: 1 when it has none).

    Cached: the spider asks it of the same URL several times for each page it parses."""
    parts = urlsplit(url)
    number = 1
    query = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if number == 1 and name.lower() in _PAGE_PARAMS and value.isdigit():
            number = int(value)
        else:
            query.append((name, value))
    path = parts.path
    if number == 1:
        named = _NAMED_SUFFIX.search(path)
        bare = None if named else _BARE_SUFFIX.search(path)
        if named:
            number, path = int(named[1]), path[: named.start()]
        elif bare and _SLUG.search(path[: bare.start()].rsplit("/", 1)[-1]):
            number, path = int(bare[1]), path[: bare.start()]
    key = urlunsplit((parts.scheme, parts.netloc.lower(), path.rstrip("/"), urlencode(query), ""))
    return key, number


def is_next_part(url: str, candidate: str) -> bool:
    """True when `candidate` is the page after `url` of the same article."""
    key, number = part_of(url)
    next_key, next_number = part_of(candidate)
    return key == next_key and next_number == number + 1 and next_number <= MAX_PARTS


def linked_part(url: str, links: Iterable[str], *, previous: bool = False) -> str:
    """The one of `links` that is the next part of the article `url` is a page of (with
    `previous`: the part before it), or "" when none is: the pager of a page split over
    several ("1 2 3 Next"), found among the page's links by URL alone."""
    key, number = part_of(url)
    if previous and number == 1:
        return ""
    stem = key.split("?", 1)[0]  # every part's URL starts with it: most links end here
    for link in links:
        if link.startswith(stem) and (
            is_next_part(link, url) if previous else is_next_part(url, link)
        ):
            return link
    return ""
