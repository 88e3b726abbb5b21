"""Page-local refinements around trafilatura: fix the DOM before it runs, filter what it returns.

trafilatura finds the article container well, but on real news pages it keeps text that is
not the article and loses some that is. Every rule here is structural (tags, links, metadata,
repetition), never a site's wording, so it holds in any language; each threshold is a named
constant with the reason for its value. The functions are pure and cost about 1.5 ms a page.

Before trafilatura (`prepare_tree`, edits the DOM in place):
- a body split by ad slots into identical sibling containers is merged into the first one;
- embedded quotes (posts, statements) are lifted out of the embed/widget wrappers that
  trafilatura prunes by class name;
- hover cards (clusters of links to other articles inside a sentence) are removed.

After trafilatura (`filter_blocks`, using the `PageHints` that `prepare_tree` returns):
- the headline (the page title or the h1 repeating it) and a standfirst heading equal to the
  meta description;
- teasers: lines that are mostly a link to another page of the site, such a headline link
  with a short label ("Read more:", "[VIDEO]"), lists of headline + excerpt entries, and the
  short label heading a run of them;
- the page's own URL printed as a line, and a second copy of the body.

Text that is only recognised on the page is removed from trafilatura's output rather than
from the DOM: removing elements first changes which container trafilatura picks, sometimes
for the worse (its fallbacks key on what is left).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from newscrawl.core.promo import promo_blocks
from newscrawl.core.text import element_text, key, words

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from newscrawl.core.types import Block

__all__ = ["PageHints", "filter_blocks", "prepare_tree"]

_WORD = re.compile(r"\w+")

# Sentence-final punctuation of the major scripts (Latin, CJK full-width, Devanagari, Arabic).
_SENTENCE_ENDS = (".", "!", "?", "\u3002", "\uff01", "\uff1f", "\u0964", "\u061f")
# Links that can end up in the extracted text: site navigation, headers and footers are
# dropped by trafilatura whole, and skipping them here halves the work of the teaser rules.
_CONTENT_LINKS = etree.XPath(
    "//body//a[@href][normalize-space()][not(ancestor::nav or ancestor::header"
    " or ancestor::footer)]"
)
_NON_RENDERING = frozenset(["script", "style", "noscript", "template"])
_TITLE_METAS = frozenset(["og:title", "twitter:title"])
_DESCRIPTION_METAS = frozenset(["description", "og:description", "twitter:description"])
# Containers a body can be split across; a run of quotes or list items with one class are
# separate items on purpose (embedded posts, answers), never one body.
_BODY_TAGS = frozenset(["div", "section", "article", "main"])
# Elements that render as one line or paragraph: the unit a teaser occupies.
_LINE_TAGS = frozenset("p li h2 h3 h4 h5 h6 dt dd td th figcaption blockquote div".split())
# Microdata and <time> elements: the publisher's marking of the article body (itemprop
# articleBody) and of its dates (<time>, itemprop datePublished or dateModified). One query.
_MARKED = etree.XPath("//body//*[@itemprop] | //body//time")
_DATE_PROPS = frozenset(["datePublished", "dateModified"])
# Containers that hold a page or an article, never one card.
_NOT_CARDS = frozenset("html body main article".split())

# A description shorter than this many words is a label ("News", the site name), not a
# standfirst: matching headings on it would drop real section headings.
MIN_STANDFIRST_WORDS = 5
# A run of blocks repeating an earlier run word for word is a second copy of the body (a
# hidden mobile or print variant, an expanded "read more") only when it holds at least this
# share of the page's words. Real articles repeat paragraphs too (a meal plan per day, a
# refrain, a repeated caption), but in runs of a small share of the text; a whole second copy
# is close to half of it, less whatever surrounds it.
COPY_MIN_SHARE = 0.3
# A line whose words are at least this share link text pointing at another page of the same
# site is a teaser ("Related: <headline>", a list of headlines): a one- or two-word label
# before a headline of five words or more stays above it. Body paragraphs with inline links
# are a sentence around the link and stay far below (under half on the pages measured; the
# score is flat between 0.6 and 0.8, so the value is not a fitted one).
TEASER_MIN_LINK_SHARE = 0.7
# A line longer than this is prose even if mostly linked (a summary paragraph citing a
# source): teasers are a headline, maybe a label.
TEASER_MAX_WORDS = 30
# A container with at least this many direct <p> children holds article paragraphs; fewer is
# a caption or a widget, whose class repeating on the page proves nothing.
SPLIT_MIN_PARAGRAPHS = 2
# Pieces of one body split by ad slots sit in sibling wrappers (a grid row per piece), so their
# nearest common ancestor is a few levels up; containers further apart are different things
# (comment threads, a second article) even with the same class.
SPLIT_MAX_DEPTH = 3
# A same-site link text at least this long reads as another article's headline, specific
# enough to recognise with a label around it; shorter link texts are section names and tags.
TEASER_MIN_HEADLINE_WORDS = 4
# Words a teaser label adds around the headline link ("Read more:", "[VIDEO]", "See also").
TEASER_LABEL_WORDS = 2
# A list whose items all link to other pages of the site, each no longer than a teaser, is a
# list of teasers once it has this many items: two could be a "see also" pair inside the text.
LIST_MIN_TEASERS = 3
# A line of a teaser run (headline link plus excerpt) has at most this many words.
RUN_MAX_WORDS = 50
# How far above a teaser link its list item may be (item > wrapper > headline > link).
LIST_ITEM_MAX_DEPTH = 4
# A teaser card: a headline link to another article of the site, and beside it, in elements of
# their own, an excerpt: one or two of them (a dek, a date), this many characters at most, and
# no other article linked. More elements than that are the paragraphs of a story. The excerpt
# is found this many levels above the link at most (link > td > tr > table > div > card).
CARD_MAX_EXCERPT_CHARS = 400
CARD_MAX_EXCERPT_ELEMENTS = 2
CARD_MAX_CHILDREN = 6  # elements of any kind in the card (images, icons, a date, a label)
CARD_MAX_DEPTH = 8
# A span in a sentence linking to at least this many other pages of the site is a hover card
# or link cluster; one or two links are ordinary inline links.
CARD_MIN_LINKS = 3
# Wrappers an embedded quote comes in (figure > div.embed > div.inner > blockquote).
QUOTE_MAX_WRAPPERS = 3
# A block at most this long right before a teaser is the teaser list's label ("You may also
# like", "Top stories"); real sub-headings introduce prose, not only links.
LABEL_MAX_WORDS = 6
# ...and that label introduces a list of teasers only if at least this many follow in a row.
LABEL_MIN_TEASERS = 2
# When the blocks inside the publisher's declared article body (itemprop="articleBody") make
# at least this share of the extracted text, the blocks outside it (print headers, newsletter
# widgets, reprint tools) are not the article. Below it the declaration is partial or wrong
# (a teaser, a preview before a paywall) and is ignored.
DECLARED_BODY_MIN_SHARE = 0.6


@dataclass(slots=True)
class PageHints:
    """What `prepare_tree` learnt about the page that `filter_blocks` needs."""

    url: str
    # Keys (see `key`) of the page's own headline: <title>, og:title and the h1s that repeat
    # them.
    headlines: frozenset[str] = field(default_factory=frozenset)
    # Keys of the meta descriptions long enough to be a standfirst.
    descriptions: frozenset[str] = field(default_factory=frozenset)
    # Keys of lines that are mostly a link to another page of the same site.
    teasers: frozenset[str] = field(default_factory=frozenset)
    # Keys of same-site link texts long enough to be another article's headline.
    headline_links: frozenset[str] = field(default_factory=frozenset)
    # Keys of the page's own address (as fetched, canonical, og:url): printed on the page it
    # is a permalink or print-edition artefact.
    own_urls: frozenset[str] = field(default_factory=frozenset)
    # Key of the text the publisher marks as the article body (schema.org microdata
    # itemprop="articleBody"), or "" when the page marks none.
    declared_body: str = ""
    # Keys of the texts of the page's date elements (<time>, itemprop datePublished and
    # dateModified): a block that is only such a text is the dateline, metadata.
    datelines: frozenset[str] = field(default_factory=frozenset)


def _marked_texts(tree: HtmlElement) -> tuple[str, frozenset[str]]:
    """Keys of the declared article body (joined by NUL) and of the page's date elements."""
    bodies: list[HtmlElement] = []
    dates: set[str] = set()
    for el in _MARKED(tree):
        props = (el.get("itemprop") or "").split()
        if "articleBody" in props:
            bodies.append(el)
        is_date = el.tag == "time" or _DATE_PROPS.intersection(props)
        if is_date and (k := key(element_text(el))):
            dates.add(k)
    inside = set(bodies)
    outermost = [el for el in bodies if not any(a in inside for a in el.iterancestors())]
    return "\x00".join(key(element_text(el)) for el in outermost), frozenset(dates)


def _keys(texts: set[str] | frozenset[str]) -> frozenset[str]:
    return frozenset(k for k in (t.replace(" ", "") for t in texts) if k)


def prepare_tree(tree: HtmlElement, url: str) -> PageHints:
    """Fix the DOM in place before trafilatura reads it; return what the block filter needs."""
    _merge_split_body(tree)
    _lift_quotes(tree)
    _empty_divs_as_breaks(tree)
    titles, descriptions, urls = _head_texts(tree)
    teasers, headline_links = _teasers(tree, url)
    declared_body, datelines = _marked_texts(tree)
    return PageHints(
        declared_body=declared_body,
        datelines=datelines,
        url=url,
        headlines=_keys(_headlines(tree, titles)),
        descriptions=_keys(_descriptions(descriptions)),
        teasers=_keys(teasers),
        headline_links=_keys(headline_links),
        own_urls=frozenset(key(u) for u in (url, *urls)) - {""},
    )


def _empty_divs_as_breaks(tree: HtmlElement) -> None:
    """An empty `<div>` between two runs of text is a line break (some CMSs write their
    paragraph breaks so); trafilatura would glue the runs ("on Wednesday.The stabbing")."""
    for div in list(tree.iter("div")):
        if len(div) or (div.text and div.text.strip()) or not (div.tail and div.tail.strip()):
            continue
        previous = div.getprevious()
        before = previous.tail if previous is not None else div.getparent().text
        if before and before.strip():
            br = div.makeelement("br", {})
            br.tail = div.tail
            div.getparent().replace(div, br)


def _merge_split_body(tree: HtmlElement) -> None:
    """Join an article body that ad slots or inline widgets split into several containers.

    Some sites close the body container before each ad and open an identical one after it
    (same tag and class, in a sibling wrapper). trafilatura takes the first container as the
    article and loses the rest, so the later pieces are moved, in order, into the first.
    """
    paragraphs: dict[HtmlElement, int] = {}
    for p in tree.iter("p"):
        parent = p.getparent()
        if parent is not None:
            paragraphs[parent] = paragraphs.get(parent, 0) + 1
    groups: dict[tuple[str, str], list[HtmlElement]] = {}
    for el, count in paragraphs.items():
        cls = el.get("class")
        if count >= SPLIT_MIN_PARAGRAPHS and cls and el.tag in _BODY_TAGS:
            groups.setdefault((el.tag, cls), []).append(el)
    for members in groups.values():
        if len(members) < 2:
            continue
        first = members[0]
        for other in members[1:]:
            if _near(first, other):
                _move_content(other, first)


def _lift_quotes(tree: HtmlElement) -> None:
    """Take quotations in the body out of the embed/widget wrappers they come in.

    Embedded posts (a tweet, a quoted statement) are a `<blockquote>` that the article quotes,
    but sites wrap them in "embed"/"widget" containers, the very class names trafilatura
    prunes as boilerplate, so the quote vanishes from the text. A wrapper that holds nothing
    but the quote (and its loader script), sitting in the paragraph flow of the body, is
    replaced by the bare quote.
    """
    for quote in list(tree.iter("blockquote")):
        top = quote
        for _ in range(QUOTE_MAX_WRAPPERS):
            parent = top.getparent()
            if parent is None or not _only_wraps(parent, top):
                break
            top = parent
        container = top.getparent()
        if container is None or container.find("p") is None:
            continue
        for attr in ("class", "id"):
            quote.attrib.pop(attr, None)
        if top is not quote:
            tail = top.tail
            container.replace(top, quote)
            quote.tail = tail


def _only_wraps(parent: HtmlElement, child: HtmlElement) -> bool:
    """True when `parent` holds `child` and nothing else that renders (scripts aside)."""
    if parent.text and parent.text.strip():
        return False
    for el in parent:
        if el is child:
            continue
        if el.tag not in _NON_RENDERING or (el.tail and el.tail.strip()):
            return False
    return not (child.tail and child.tail.strip())


def _remove_keep_tail(el: HtmlElement) -> None:
    """Detach `el`; the text after it belongs to its parent and stays."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _near(a: HtmlElement, b: HtmlElement) -> bool:
    """True when `a` and `b` are distinct, not nested, and share an ancestor a few levels up."""
    up_a = [a, *a.iterancestors()][: SPLIT_MAX_DEPTH + 1]
    up_b = [b, *b.iterancestors()][: SPLIT_MAX_DEPTH + 1]
    if a in up_b or b in up_a:
        return False
    return any(x in up_b for x in up_a[1:])


def _move_content(source: HtmlElement, target: HtmlElement) -> None:
    """Append `source`'s text and children to `target`, then drop the emptied `source`."""
    if source.text and source.text.strip():
        last = target[-1] if len(target) else None
        if last is not None:
            last.tail = (last.tail or "") + source.text
        else:
            target.text = (target.text or "") + source.text
    for child in list(source):
        target.append(child)
    parent = source.getparent()
    if parent is not None:
        if source.tail and source.tail.strip():
            prev = source.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + source.tail
            else:
                parent.text = (parent.text or "") + source.tail
        parent.remove(source)


def _head_texts(tree: HtmlElement) -> tuple[list[str], list[str], list[str]]:
    """The page's titles, descriptions and own URLs: `<title>`, the usual meta tags and the
    canonical link.

    The whole document is searched, not only `<head>`: on broken markup (a stray element early
    in the head) the parser moves the rest of the head into the body. Only the first `<title>`
    counts, later ones belong to inline SVG icons.
    """
    titles: list[str] = []
    descriptions: list[str] = []
    urls: list[str] = []
    seen_title = False
    for el in tree.iter("title", "meta", "link"):
        if el.tag == "title":
            if not seen_title:
                titles.append(el.text or "")
                seen_title = True
        elif el.tag == "meta":
            name = el.get("property") or el.get("name") or ""
            if name in _TITLE_METAS:
                titles.append(el.get("content") or "")
            elif name in _DESCRIPTION_METAS:
                descriptions.append(el.get("content") or "")
            elif name == "og:url":
                urls.append(el.get("content") or "")
        elif el.tag == "link" and el.get("rel") == "canonical":
            urls.append(el.get("href") or "")
    return titles, descriptions, urls


def _headlines(tree: HtmlElement, raw_titles: list[str]) -> frozenset[str]:
    """The page's headline in every form it is written on the page.

    Titles often append the site name ("Headline | Site"), so an h1 whose words appear in a
    title counts as the headline too, and is what a kept heading block usually equals.
    """
    titles = {t for t in map(words, raw_titles) if t}
    found = set(titles)
    for h1 in tree.iter("h1"):
        text = words(element_text(h1))
        if text and any(text in title for title in titles):
            found.add(text)
    return frozenset(found)


def _descriptions(raw: list[str]) -> frozenset[str]:
    return frozenset(d for d in map(words, raw) if d.count(" ") + 1 >= MIN_STANDFIRST_WORDS)


# scheme://host or //host at the start of an absolute link; group 1 is the host.
_ABSOLUTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//([^/?#]*)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _host(netloc: str) -> str:
    return netloc.rpartition("@")[2].partition(":")[0].lower().removeprefix("www.")


def _same_site(host: str, site: str) -> bool:
    return bool(host) and (host == site or host.endswith("." + site) or site.endswith("." + host))


def _other_page_path(href: str, site: str, here: str) -> bool:
    """True when `href` leads to another page of the same site than the page at path `here`.

    String work only: a full URL parse per link costs more than the rest of the rule, and
    a relative link is on the site by definition.
    """
    href = href.strip()
    if not href or href[0] == "#":
        return False
    absolute = _ABSOLUTE.match(href)
    if absolute:
        if not _same_site(_host(absolute.group(1)), site):
            return False
        href = href[absolute.end() :]
    elif _SCHEME.match(href):  # javascript:, mailto:, tel:, data:
        return False
    path = href.partition("#")[0]
    # The home page is navigation, not a teaser; the page itself is a table of contents.
    return path not in ("", "/", here) and not path.startswith("?")


def _teasers(tree: HtmlElement, url: str) -> tuple[set[str], set[str]]:
    """Lines that mostly link to other pages of this site: teasers of other articles.

    What is measured is the share of the line's words inside such links, so the rule needs no
    wording and works in any language.
    """
    absolute = _ABSOLUTE.match(url)
    if not absolute:
        return set(), set()
    site = _host(absolute.group(1))
    here = url[absolute.end() :].partition("#")[0] or "/"
    linked: dict[HtmlElement, int] = {}
    items: set[HtmlElement] = set()
    cards: dict[HtmlElement, set[str]] = {}
    headed: dict[HtmlElement, str] = {}  # line -> the first headline link's words in it
    found = set()
    headline_links = set()
    for a in _CONTENT_LINKS(tree):
        href = a.get("href")
        if href is None or not _other_page_path(href, site, here):
            continue
        anchor = words(element_text(a) if len(a) else a.text or "")
        if not anchor:
            continue
        n = anchor.count(" ") + 1
        if n <= TEASER_MAX_WORDS:
            found.add(anchor)
            if n >= TEASER_MIN_HEADLINE_WORDS:
                headline_links.add(anchor)
                for excerpt in _card_excerpts(a, href, site, here):
                    found.update(_line_texts(excerpt))
        line = a.getparent()
        while line is not None and line.tag not in _LINE_TAGS:
            if line.tag == "span":
                cards.setdefault(line, set()).add(href)
            line = line.getparent()
        if line is not None:
            linked[line] = linked.get(line, 0) + n
            if n >= TEASER_MIN_HEADLINE_WORDS:
                headed.setdefault(line, anchor)
        item = line
        for _ in range(LIST_ITEM_MAX_DEPTH):
            if item is None or item.tag == "li":
                break
            item = item.getparent()
        if item is not None and item.tag == "li":
            items.add(item)
    for line, link_words in linked.items():
        text = words(element_text(line))
        total = text.count(" ") + 1 if text else 0
        if total and total <= TEASER_MAX_WORDS and link_words >= TEASER_MIN_LINK_SHARE * total:
            found.add(text)
    found.update(_teaser_lists(items))
    found.update(_teaser_runs(headed))
    _drop_hover_cards(cards)
    return found, headline_links


def _card_excerpts(a: HtmlElement, href: str, site: str, here: str) -> list[HtmlElement]:
    """The excerpt beside a headline link when the two make a teaser card, else nothing.

    Walking up from the link, the first ancestor with text besides the link's own is the card
    if that text sits in elements of its own (text loose around the link is the sentence the
    link is part of), is short, and links to no other article of the site. Excerpts of related
    and top stories then go with their headlines, which trafilatura mostly drops already.
    """
    node = a
    for _ in range(CARD_MAX_DEPTH):
        parent = node.getparent()
        if parent is None or parent.tag in _NOT_CARDS or len(parent) > CARD_MAX_CHILDREN:
            return []
        if (parent.text or "").strip() or any((c.tail or "").strip() for c in parent):
            return []
        others = [c for c in parent if c is not node and isinstance(c.tag, str)]
        chars = 0
        with_text = []
        for other in others:
            size = _bounded_text_length(other, CARD_MAX_EXCERPT_CHARS - chars + 1)
            if size:
                with_text.append(other)
                chars += size
            if chars > CARD_MAX_EXCERPT_CHARS or len(with_text) > CARD_MAX_EXCERPT_ELEMENTS:
                return []
        if not with_text:
            node = parent
            continue
        for other in with_text:
            for link in other.iter("a"):
                target = link.get("href")
                if target and target != href and _other_page_path(target, site, here):
                    return []
        return with_text
    return []


def _bounded_text_length(el: HtmlElement, limit: int) -> int:
    """Characters of non-blank text in `el`, counted up to just past `limit`."""
    total = 0
    for text in el.itertext():
        total += len(text.strip())
        if total > limit:
            break
    return total


def _drop_hover_cards(cards: dict[HtmlElement, set[str]]) -> None:
    """Remove link clusters hidden inside a sentence: hover cards ("more about this person").

    A `<span>` inside a line that holds links to several other pages of the site and little
    else is not prose: its text shows on hover, yet reads as part of the paragraph. Only the
    innermost such span goes, so the visible link the card hangs on stays in the sentence.
    """
    candidates = [span for span, hrefs in cards.items() if len(hrefs) >= CARD_MIN_LINKS]
    if not candidates:
        return
    qualifying = []
    for span in candidates:
        text = element_text(span)
        total = len(_WORD.findall(text))
        linked = sum(len(_WORD.findall(element_text(a))) for a in span.iter("a"))
        if total and linked >= TEASER_MIN_LINK_SHARE * total:
            qualifying.append(span)
    inner = set(qualifying)
    for span in qualifying:
        for ancestor in span.iterancestors("span"):
            inner.discard(ancestor)
    for span in inner:
        _remove_keep_tail(span)


def _line_texts(el: HtmlElement) -> set[str]:
    """The words of `el` and of each line inside it: the texts its blocks may come out as."""
    return {words(element_text(e)) for e in (el, *el.iter(*_LINE_TAGS))}


def _teaser_runs(headed: dict[HtmlElement, str]) -> set[str]:
    """Sibling lines of one kind (tag and class) that each open with another article's
    headline link and add a short excerpt: a "latest news" list built without <li>.

    The excerpt dilutes each line's link share below the single-line rule; that every line of
    its kind under one parent has the same shape is what makes them teasers.
    """
    groups: dict[tuple[HtmlElement, str, str], list[HtmlElement]] = {}
    for line in headed:
        parent = line.getparent()
        if parent is not None:
            groups.setdefault((parent, line.tag, line.get("class") or ""), []).append(line)
    found: set[str] = set()
    for (parent, tag, cls), lines in groups.items():
        if len(lines) < LIST_MIN_TEASERS:
            continue
        kind = [c for c in parent if c.tag == tag and (c.get("class") or "") == cls]
        if len(kind) != len(lines):
            continue
        texts = [words(element_text(line)) for line in lines]
        if all(
            t.count(" ") + 1 <= RUN_MAX_WORDS and _opens_with(t, headed[line])
            for line, t in zip(lines, texts, strict=True)
        ):
            found.update(texts)
    return found


def _opens_with(text: str, anchor: str) -> bool:
    """Whether `anchor` comes first in `text`, after a label of a word or two at most."""
    at = text.find(anchor)
    return at >= 0 and text[:at].count(" ") <= TEASER_LABEL_WORDS


def _teaser_lists(items: set[HtmlElement]) -> set[str]:
    """Lists whose every item is a short entry linking to another page: headline + excerpt.

    The excerpt dilutes the link share of each item below the single-line rule, but a list in
    which each item is short and links elsewhere on the site is a list of other articles.
    """
    lists: dict[HtmlElement, int] = {}
    for item in items:
        parent = item.getparent()
        if parent is not None:
            lists[parent] = lists.get(parent, 0) + 1
    found: set[str] = set()
    for parent, linked_items in lists.items():
        if linked_items < LIST_MIN_TEASERS:
            continue
        entries = [c for c in parent if c.tag == "li"]
        if linked_items < len(entries):
            continue
        texts = [words(element_text(c)) for c in entries]
        if any(t.count(" ") + 1 > TEASER_MAX_WORDS for t in texts):
            continue
        for entry in entries:
            found.update(_line_texts(entry))
    found.discard("")
    return found


def filter_blocks(
    blocks: list[Block], hints: PageHints, removed: list[tuple[int, str]] | None = None
) -> list[Block]:
    """Drop blocks that a page-local rule proves are not article text; with `removed`, append
    (index in `blocks`, rule) for each dropped block, for the audit trail.

    - the headline: a block equal to the page's title or its h1 (metadata, not body);
    - the standfirst: a heading block equal to the meta description (when a paragraph equals
      it, the site copied its first body paragraph into the metadata: that one stays);
    - a second copy of the body: a long run of blocks repeating an earlier run;
    - text outside the body the publisher declares (itemprop="articleBody"), when most of the
      extracted text is inside it;
    - the dateline: a block that is only the text of a date element (<time>, datePublished).
    """
    kept: list[int] = []
    found: list[tuple[int, str]] = []
    texts = [words(block.text) for block in blocks]
    keys = [t.replace(" ", "") for t in texts]
    copies = _second_copies(keys, [t.count(" ") + 1 if t else 0 for t in texts])
    outside = _outside_declared_body(keys, hints.declared_body)
    for i, (block, text, k) in enumerate(zip(blocks, texts, keys, strict=True)):
        rule = _local_rule(i, block, text, k, keys, hints, copies, outside)
        if rule is None:
            kept.append(i)
        else:
            found.append((i, rule))
    # Promotions are judged by where they stand in what is left of the article.
    promos = {kept[j]: rule for j, rule in promo_blocks([blocks[i] for i in kept]).items()}
    if removed is not None:
        removed += sorted([*found, *promos.items()])
    return [blocks[i] for i in kept if i not in promos]


def _local_rule(
    i: int,
    block: Block,
    text: str,
    k: str,
    keys: list[str],
    hints: PageHints,
    copies: set[int],
    outside: set[int],
) -> str | None:
    """The page-local rule that removes block `i`, or None when it is article text."""
    if i in copies:
        return "second_copy"
    if i in outside:
        return "outside_declared_body"
    if k in hints.headlines:
        return "headline"
    if k in hints.teasers:
        return "teaser_excerpt"
    if k in hints.own_urls:
        return "self_link"
    if k in hints.datelines:
        return "dateline"
    if _labelled_headline_link(text, hints):
        return "labelled_teaser"
    if (
        text.count(" ") + 1 <= LABEL_MAX_WORDS
        and (block.kind == "h" or not _ends_sentence(block.text))
        and _labels_teasers(keys, i + 1, hints)
    ):
        return "teaser_label"
    if block.kind == "h" and k in hints.descriptions:
        return "standfirst"
    return None


def _outside_declared_body(keys: list[str], body: str) -> set[int]:
    """Indexes of the blocks outside the declared article body, when it is trustworthy."""
    if not body:
        return set()
    inside = [bool(k) and k in body for k in keys]
    total = sum(len(k) for k in keys)
    within = sum(len(k) for k, ok in zip(keys, inside, strict=True) if ok)
    if not total or within < DECLARED_BODY_MIN_SHARE * total:
        return set()
    return {i for i, (k, ok) in enumerate(zip(keys, inside, strict=True)) if k and not ok}


def _labelled_headline_link(text: str, hints: PageHints) -> bool:
    """True when `text` is another article's headline link plus a short label around it.

    "Read more: <headline>", "<headline> [VIDEO]": the label is a word or two on either side,
    whatever its language; a headline-long link text makes the match specific.
    """
    tokens = text.split(" ")
    for before in range(TEASER_LABEL_WORDS + 1):
        for after in range(TEASER_LABEL_WORDS + 1 - before):
            if before + after == 0 or len(tokens) - before - after < TEASER_MIN_HEADLINE_WORDS:
                continue
            if "".join(tokens[before : len(tokens) - after]) in hints.headline_links:
                return True
    return False


def _ends_sentence(text: str) -> bool:
    """True when `text` ends like a sentence, not like a label ("More stories", "Read more...")."""
    text = text.rstrip()
    return text.endswith(_SENTENCE_ENDS) and not text.endswith(("...", "\u2026"))


def _labels_teasers(keys: list[str], start: int, hints: PageHints) -> bool:
    """True when the blocks from `start` on are a list of teasers: several, or all that is left.

    A single inline teaser after a sub-heading ("Read more: ...") leaves the sub-heading in
    place: the prose after the teaser is what the sub-heading introduces.
    """
    run = 0
    while start + run < len(keys) and keys[start + run] in hints.teasers:
        run += 1
    return run >= LABEL_MIN_TEASERS or (run > 0 and start + run == len(keys))


def _second_copies(texts: list[str], sizes: list[int]) -> set[int]:
    """Indices of blocks that repeat an earlier run of blocks holding a large share of words."""
    total = sum(sizes)
    first: dict[str, int] = {}
    drop: set[int] = set()
    i = 0
    while i < len(texts):
        j = first.get(texts[i])
        if j is not None and texts[i]:
            run = 0
            while i + run < len(texts) and j + run < i and texts[j + run] == texts[i + run]:
                run += 1
            if sum(sizes[i : i + run]) >= COPY_MIN_SHARE * total:
                drop.update(range(i, i + run))
                i += run
                continue
        first.setdefault(texts[i], i)
        i += 1
    return drop
