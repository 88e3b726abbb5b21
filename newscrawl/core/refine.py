"""Page-local refinements around trafilatura: fix the DOM before it runs, filter what it returns.

trafilatura finds the article container well but keeps things that are not article text: the
headline and standfirst repeated from the page's metadata, and more. Each rule here is
structural (tags, attributes, links, metadata), never a site's wording, so it holds in any
language. The functions are pure and cheap: they run on every page, inside the CPU budget of
extraction.

Removing elements before trafilatura runs changes which container it picks, sometimes for the
worse (its fallbacks key on what is left), so text that is only *recognised* on the page (the
headline, the standfirst) is removed from trafilatura's output instead: `prepare_tree` returns
`PageHints` and `filter_blocks` applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from lxml import etree

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from newscrawl.core.types import Block

__all__ = ["PageHints", "filter_blocks", "prepare_tree"]

_WORD = re.compile(r"\w+")

_TITLES = etree.XPath(
    "//title/text()"
    " | //meta[@property='og:title' or @name='og:title' or @name='twitter:title']/@content"
)
_DESCRIPTIONS = etree.XPath(
    "//meta[@name='description' or @property='og:description' or @name='og:description'"
    " or @name='twitter:description']/@content"
)
_H1 = etree.XPath("//body//h1")
_LINKS = etree.XPath("//body//a[@href]")
# Elements that render as one line or paragraph: the unit a teaser occupies.
_LINE_TAGS = frozenset("p li h2 h3 h4 h5 h6 dt dd td th figcaption blockquote div".split())

# A description shorter than this many words is a label ("News", the site name), not a
# standfirst: matching headings on it would drop real section headings.
MIN_STANDFIRST_WORDS = 5
# A paragraph repeated word for word is a second copy of the body (a hidden mobile/print
# variant, a "read more" expansion) only if it is long enough not to be a legitimate refrain;
# short lines ("Photo: AP", a repeated sub-heading) do repeat in real articles.
MIN_DUPLICATE_WORDS = 12
# A line whose words are at least this share link text pointing at another page of the same
# site is a teaser ("Related: <headline>", a list of headlines). Measured on real pages, body
# paragraphs with inline links stay well below (a sentence around a link), while teasers with
# a short label ("Read more:", "Related:", a bullet) sit above.
TEASER_MIN_LINK_SHARE = 0.8
# A line longer than this is prose even if mostly linked (a summary paragraph citing a
# source): teasers are a headline, maybe a label.
TEASER_MAX_WORDS = 30
# A block at most this long right before a teaser is the teaser list's label ("You may also
# like", "Top stories"); real sub-headings introduce prose, not only links.
LABEL_MAX_WORDS = 6


@dataclass(slots=True)
class PageHints:
    """What `prepare_tree` learnt about the page that `filter_blocks` needs."""

    url: str
    # Word forms (see `words`) of the page's own headline: <title>, og:title and the h1s that
    # repeat them.
    headlines: frozenset[str] = field(default_factory=frozenset)
    # Word forms of the meta descriptions long enough to be a standfirst.
    descriptions: frozenset[str] = field(default_factory=frozenset)
    # Word forms of lines that are mostly a link to another page of the same site.
    teasers: frozenset[str] = field(default_factory=frozenset)


def words(text: str) -> str:
    """Case-folded word tokens joined by one space: compares texts whatever their punctuation."""
    return " ".join(_WORD.findall(text.casefold()))


def prepare_tree(tree: HtmlElement, url: str) -> PageHints:
    """Fix the DOM in place before trafilatura reads it; return what the block filter needs."""
    return PageHints(
        url=url,
        headlines=_headlines(tree),
        descriptions=_descriptions(tree),
        teasers=_teasers(tree, url),
    )


def _headlines(tree: HtmlElement) -> frozenset[str]:
    """The page's headline in every form it is written on the page.

    Titles often append the site name ("Headline | Site"), so an h1 whose words appear in a
    title counts as the headline too, and is what a kept heading block usually equals.
    """
    titles = {t for t in (words(str(s)) for s in _TITLES(tree)) if t}
    found = set(titles)
    for h1 in _H1(tree):
        text = words(h1.text_content())
        if text and any(text in title for title in titles):
            found.add(text)
    return frozenset(found)


def _descriptions(tree: HtmlElement) -> frozenset[str]:
    return frozenset(
        d
        for d in (words(str(s)) for s in _DESCRIPTIONS(tree))
        if d.count(" ") + 1 >= MIN_STANDFIRST_WORDS
    )


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _same_site(host: str, site: str) -> bool:
    return bool(host) and (host == site or host.endswith("." + site) or site.endswith("." + host))


def _teasers(tree: HtmlElement, url: str) -> frozenset[str]:
    """Lines that mostly link to other pages of this site: teasers of other articles.

    A link counts when it leaves the page (another path, not a fragment of this one) but stays
    on the site; the home page is navigation, not a teaser. What is measured is the share of
    the line's words inside such links, so the rule needs no wording and works in any language.
    """
    site = _host(url)
    try:
        here = urlsplit(url)._replace(fragment="").geturl()
    except ValueError:
        return frozenset()
    linked: dict[HtmlElement, int] = {}
    for a in _LINKS(tree):
        href = a.get("href", "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        try:
            target = urlsplit(urljoin(url, href))
        except ValueError:
            continue
        if target.path in ("", "/") or not _same_site(_host(target.geturl()), site):
            continue
        if target._replace(fragment="").geturl() == here:
            continue
        line = a.getparent()
        while line is not None and line.tag not in _LINE_TAGS:
            line = line.getparent()
        if line is None:
            continue
        n = len(_WORD.findall(a.text_content()))
        if n:
            linked[line] = linked.get(line, 0) + n
    found = set()
    for line, link_words in linked.items():
        text = words(line.text_content())
        total = text.count(" ") + 1 if text else 0
        if total and total <= TEASER_MAX_WORDS and link_words >= TEASER_MIN_LINK_SHARE * total:
            found.add(text)
    return frozenset(found)


def filter_blocks(blocks: list[Block], hints: PageHints) -> list[Block]:
    """Drop blocks that a page-local rule proves are not article text.

    - the headline: a block equal to the page's title or its h1 (metadata, not body);
    - the standfirst: a heading block equal to the meta description (when a paragraph equals
      it, the site copied its first body paragraph into the metadata: that one stays);
    - second copies: a long paragraph already seen earlier on the page.
    """
    kept: list[Block] = []
    seen: set[str] = set()
    texts = [words(block.text) for block in blocks]
    for i, (block, text) in enumerate(zip(blocks, texts, strict=True)):
        if text in hints.headlines or text in hints.teasers:
            continue
        if (
            i + 1 < len(texts)
            and texts[i + 1] in hints.teasers
            and text.count(" ") + 1 <= LABEL_MAX_WORDS
        ):
            continue
        if block.kind == "h" and text in hints.descriptions:
            continue
        if text.count(" ") + 1 >= MIN_DUPLICATE_WORDS:
            if text in seen:
                continue
            seen.add(text)
        kept.append(block)
    return kept
