"""Tell article pages from section, tag, listing and pagination pages.

Only articles become records, but a crawler reaches many more listing pages than articles.
The decision weighs the publisher's own declarations (JSON-LD types, og:type) first, then the
URL's shape, then the page itself: a listing is mostly headlines linking to other pages of the
site, an article mostly running text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

__all__ = ["classify_page", "looks_like_article_url", "looks_like_listing_url"]

_LISTING_TYPES = frozenset(
    [
        "CollectionPage",
        "ItemList",
        "WebSite",
        "SearchResultsPage",
        "ProfilePage",
        "AboutPage",
        "ContactPage",
    ]
)
_ARTICLE_TYPE = re.compile(r"(Article|BlogPosting|Report|LiveBlogPosting)$")
_LISTING_PATH = re.compile(
    r"/(tags?|topics?|categor(y|ies)|sections?|authors?|archives?|search|page|seite|pagina)"
    r"(/|$|\.)|/page/\d+",
    re.IGNORECASE,
)
_LISTING_QUERY = re.compile(r"(^|&)(page|p|s|q|tag|cat|category|offset|start)=", re.IGNORECASE)
# An item's id in the query names one story, whatever list it was opened from:
# news_view.html?idx=8576&page=1 is an article (the page of the list that linked it).
_ITEM_QUERY = re.compile(
    r"(^|&)(idx|id|no|aid|nid|sn|seq|docid|article_?id|news_?id|story_?id|art_?id|content_?id)"
    r"=\d+(&|$)",
    re.IGNORECASE,
)
_DATE_PATH = re.compile(r"/(19|20)\d\d[/-](0?[1-9]|1[0-2])([/-]|$)")
_SLUG = re.compile(r"[\w]+(?:-[\w]+){3,}")
_ID_SEGMENT = re.compile(r"\d{5,}")

# An article has at least this much running text; below it a page is a stub, a gallery or a
# listing whatever its URL says (about three short paragraphs). Counted by `text_length`: a
# Chinese or Japanese character or a Hangul syllable counts as three.
MIN_ARTICLE_CHARS = 400
# A page that declares itself an article (JSON-LD, og:type) needs only this much: a news brief
# of 25 words. Below it (a video page's one-line caption) it is dropped as too short.
MIN_DECLARED_ARTICLE_CHARS = 150
TOO_SHORT_ARTICLE = "declared_article_too_short"
# When link text to other pages of the site outweighs the extracted body by this factor, the
# page is a list of headlines, not a story (articles carry a few dozen teaser links at most).
LISTING_LINK_RATIO = 2.5
# Several <article> elements on one page is the HTML5 idiom for a list of teasers.
LISTING_ARTICLE_TAGS = 4


def looks_like_listing_url(url: str) -> bool:
    """URL shape alone says section/tag/author/pagination page (used to prioritise crawling)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if path in ("", "/"):
        return True
    if _LISTING_PATH.search(path):
        return True
    if _LISTING_QUERY.search(parts.query):
        return not _ITEM_QUERY.search(parts.query)
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return path.endswith("/") and "-" not in last and not _ID_SEGMENT.search(last)


def looks_like_article_url(url: str) -> bool:
    """URL shape alone says a story: a date in the path, a slug, an id or an .html name."""
    return _url_article_score(url) > 0


def _url_article_score(url: str) -> int:
    path = urlsplit(url).path
    score = 0
    if _DATE_PATH.search(path):
        score += 1
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if _SLUG.search(last) or _ID_SEGMENT.search(last) or last.endswith((".html", ".htm")):
        score += 1
    return score


def classify_page(
    *,
    url: str,
    json_ld_types: Iterable[str] = (),
    og_type: str | None = None,
    text_chars: int,
    block_count: int,
    article_tags: int = 0,
    internal_link_chars: int = 0,
) -> tuple[str, str]:
    """Return (page_type, reason) with page_type one of article, listing, other."""
    types = set(json_ld_types)
    declared_article = any(_ARTICLE_TYPE.search(t) for t in types) or (
        (og_type or "").lower() == "article"
    )
    declared_listing = bool(types & _LISTING_TYPES) and not declared_article
    listing_url = looks_like_listing_url(url)
    url_score = _url_article_score(url)

    if declared_article and not listing_url and text_chars < MIN_ARTICLE_CHARS:
        # A brief the publisher calls an article is one; the record's word count decides.
        if text_chars < MIN_DECLARED_ARTICLE_CHARS:
            return "other", TOO_SHORT_ARTICLE
        return "article", "declared_article"
    if text_chars < MIN_ARTICLE_CHARS:
        return ("listing", "listing_url") if listing_url else ("other", "too_short")
    link_heavy = internal_link_chars > LISTING_LINK_RATIO * text_chars
    many_articles = article_tags >= LISTING_ARTICLE_TAGS
    if declared_article and not (listing_url and (link_heavy or many_articles)):
        return "article", "declared_article"
    if declared_listing:
        return "listing", "declared_listing"
    dated = bool(_DATE_PATH.search(urlsplit(url).path))
    if listing_url and (link_heavy or many_articles or not dated):
        return "listing", "listing_url"
    if link_heavy and url_score == 0:
        return "listing", "link_dense"
    if many_articles and url_score == 0:
        return "listing", "many_article_elements"
    if url_score == 0 and block_count < 3:
        return "other", "no_article_evidence"
    return "article", "article_shape"
