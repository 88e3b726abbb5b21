"""Page-local extraction: one HTML page in, candidate article blocks and metadata out.

This is the CPU-heavy half of cleaning and depends on nothing but the page, so it runs in
worker processes. The HTML is parsed once; the same tree feeds the segment census (what the
site template model learns from), the metadata readers and trafilatura.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import zlib
from array import array
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from itertools import islice
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

import lxml.html
import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction
from trafilatura.utils import DOCTYPE_TAG, decode_file, repair_faulty_html
from w3lib.encoding import html_to_unicode, read_bom

from newscrawl.core import refine
from newscrawl.core.charset import page_encoding
from newscrawl.core.metadata import byline_authors, iso_date, read_metadata, url_date
from newscrawl.core.pagetype import classify_page
from newscrawl.core.text import (
    element_text,
    key,
    normalize,
    normalized_key,
    normalized_shape_key,
    segment_key,
    text_length,
)
from newscrawl.core.types import PLAIN_MARK, ArticlePart, Block, PageExtraction
from newscrawl.core.urls import link_key, link_site_and_key, registered_domain

__all__ = ["BLOCK_TAGS", "extract_page"]

logger = logging.getLogger(__name__)

# Elements that render as their own line of text; the census works on the innermost ones.
BLOCK_TAGS = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "dt",
        "dd",
        "td",
        "th",
        "blockquote",
        "figcaption",
        "pre",
        "address",
        "summary",
        "div",
        "section",
        "aside",
        "header",
        "footer",
        "nav",
        "article",
        "main",
        "form",
        "label",
        "button",
        "span",
        "a",
    ]
)
# Block tags that make their parent a container rather than a segment (inline a/span don't).
_CONTAINER_TAGS = BLOCK_TAGS - {"a", "span"}
_SKIP_TAGS = frozenset(["script", "style", "noscript", "template", "svg", "head", "title"])
_NON_PAGE_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "sms:", "whatsapp:")
# A segment shorter than this (after normalising) carries too little text to be evidence.
MIN_SEGMENT_CHARS = 2
# Anchor texts shorter than this are labels ("More", "1", "Next"), not headlines.
MIN_ANCHOR_CHARS = 12
# Pages past this many segments are unusual (infinite-scroll dumps); the census keeps the first
# ones, which is enough to recognise a template and bounds the memory of one extraction.
MAX_PAGE_SEGMENTS = 4000
# Pages larger than this are cut before parsing: no article needs more, and lxml's cost and
# memory grow with the input.
MAX_HTML_CHARS = 5_000_000
# A first result whose text is mostly fragments (lines under FRAGMENT_CHARS, more than
# FRAGMENT_MAX_SHARE of it, over FRAGMENT_MIN_BLOCKS blocks or more) is a menu, not an article:
# trafilatura's full mode is asked for a second opinion. Articles stay far below the share:
# on the Zyte set the highest is 0.2, and the one page above it was an archive menu (0.77).
FRAGMENT_CHARS = 30
FRAGMENT_MAX_SHARE = 0.5
FRAGMENT_MIN_BLOCKS = 20
# A first result holding under SHORT_SHARE of the text of the page's <article> (of at least
# SHORT_MIN_BODY_CHARS) may have kept one part of many (one update of a live blog): full mode
# is asked too, and its result kept when it finds SHORT_GAIN times as much text and not more
# than SHORT_MAX_OVER times the <article>'s (comments and teasers are not the article). A live
# blog's first result held 0.09 of it; on the Zyte pages one in 181 is under 0.2 (0.10, an
# article above a long comment thread: full mode agrees, and the first result stays).
SHORT_SHARE = 0.2
SHORT_MIN_BODY_CHARS = 1500
SHORT_GAIN = 1.5
SHORT_MAX_OVER = 1.1
# A byline line ("By Jane Roe") is looked for among this many first blocks.
BYLINE_BLOCKS = 3
# A page rendered by JavaScript has next to no text in its HTML, but news sites often declare
# the article for search engines in JSON-LD (articleBody). That text, in its paragraphs, is
# the article when it has DECLARED_TEXT_MIN_CHARS (an article's least) and the whole page
# shows under DECLARED_TEXT_SHARE as much text: trafilatura's own fallback would find it
# too, but as one paragraph. A page that renders its text is never touched.
DECLARED_TEXT_MIN_CHARS = 400
DECLARED_TEXT_SHARE = 0.25
# A page with less visible text than this that has scripts is an application shell: its
# content needs JavaScript, which a crawler does not run. Dropped as `needs_javascript`.
SHELL_MAX_CHARS = 200
# ...unless it shows pictures or players: a gallery or a video page says little in words, and
# is no article, but nothing on it waits for scripts.
SHELL_MAX_MEDIA = 2

# trafilatura's parser options, with one change: lxml.html's default parser picks each
# element's Python class in a Python callback (forms and inputs get classes of their own),
# once for every element proxy that the census and trafilatura create, about 3,000 a page.
# A C-level lookup that makes every element a plain HtmlElement saves ~1 ms a page (6% of
# extraction) and gives trafilatura the same tree: its output is identical on the Zyte set.
_PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement,
        comment=HtmlComment,
        pi=HtmlProcessingInstruction,
        entity=HtmlEntity,
    )
)


def extract_page(
    html: str | bytes,
    url: str,
    *,
    fetched_at: datetime | None = None,
    encoding: str | None = None,
    parts: Sequence[ArticlePart] = (),
) -> PageExtraction:
    """Extract candidate article blocks, metadata and template evidence from one page.

    `html` is text, or bytes in `encoding` (when None: as the page declares, else sniffed as a
    browser would, see `core.charset`). Never raises on bad input: an unusable page comes back
    with `error` set to a reason.

    `parts` are the article's further pages, (url, html, encoding) each, for an article split
    over several: each is extracted as a page (its repeated headline and promotions go), and
    its blocks follow the first page's. Metadata, page type and template evidence are the
    first page's. A block met on an earlier page (a pager whose every page shows the article
    again above its comments, an intro repeated on each page) is removed as `repeated_part`;
    a part that gives nothing new is left out.
    """
    page = _extract_one(html, url, fetched_at, encoding)
    seen = {block.key for block in page.blocks}
    for part_url, part_html, part_encoding in () if page.error else parts:
        part = _extract_one(part_html, part_url, fetched_at, part_encoding)
        if part.error or not any(block.key not in seen for block in part.blocks):
            continue
        # Part blocks continue the first page's sequence, audit positions included.
        offset = len(page.blocks) + len(page.local_removed)
        removed = [(i + offset, text, rule) for i, text, rule in part.local_removed]
        for position, block in zip(part.block_positions(), part.blocks, strict=True):
            if block.key in seen:
                removed.append((position + offset, block.text, "repeated_part"))
            else:
                seen.add(block.key)
                page.blocks.append(block)
        page.local_removed += sorted(removed)
        page.parts_joined += 1
    return page


def _extract_one(
    html: str | bytes, url: str, fetched_at: datetime | None, encoding: str | None
) -> PageExtraction:
    page = PageExtraction(url=url)
    data: bytes | None = None  # the page as UTF-8, when the fetched bytes already are that
    if isinstance(html, bytes):
        encoding = encoding or page_encoding(None, html)
        # Decoded here, in the worker, exactly as Scrapy's `response.text` would decode it.
        body = html
        # A byte-order mark overrides the declared encoding in w3lib: such pages take its path.
        if _is_utf8(encoding) and read_bom(body)[0] is None:
            with contextlib.suppress(UnicodeDecodeError):  # invalid: w3lib's replacements
                html, data = body.decode("utf-8"), body  # valid: what w3lib would give
        if data is None:
            html = html_to_unicode(f"charset={encoding}", body)[1]
    assert isinstance(html, str)  # bytes were decoded above
    if not html or not html.strip():
        page.error = "empty_page"
        return page
    if len(html) > MAX_HTML_CHARS:
        page.truncated_from = len(html)
        # Cut before the last tag that fits, so no word or paragraph ends half-way.
        cut = html.rfind("<", 0, MAX_HTML_CHARS)
        html, data = html[: cut if cut > 0 else MAX_HTML_CHARS], None
    try:
        tree = _load_tree(html, data)
    except Exception as exc:  # lxml raises many types on hostile input
        logger.debug("parse failed for %s: %r", url, exc)
        tree = None
    if tree is None or not isinstance(tree, HtmlElement):
        page.error = "unparsable_html"
        return page

    meta = read_metadata(tree, url, fetched_at=fetched_at)
    scripts = _drop_non_text(tree)
    census = _census(tree, url)
    page.page_keys = census.keys
    page.anchors = census.anchors
    page.slots = census.slots
    page.raw_chars = census.chars

    hints = refine.prepare_tree(tree, url)
    body_chars = _article_element_chars(tree)
    blocks = _blocks(_run_trafilatura(tree, url), census)
    if _fragment_share(blocks) > FRAGMENT_MAX_SHARE:
        blocks = _second_opinion(html, data, url, census, blocks)
    elif body_chars >= SHORT_MIN_BODY_CHARS and _chars(blocks) < SHORT_SHARE * body_chars:
        blocks = _second_opinion(html, data, url, census, blocks, body_chars=body_chars)
    declared = meta.get("declared_text")
    if (
        declared
        and len(declared) >= DECLARED_TEXT_MIN_CHARS
        and census.chars < DECLARED_TEXT_SHARE * len(declared)
    ):
        blocks = []
        for line in declared.split("\n"):
            _add(blocks, line, "p", census)
        page.text_source = "json_ld"
    local: list[tuple[int, str]] = []
    page.blocks = refine.filter_blocks(blocks, hints, local)
    page.local_removed = [(i, blocks[i].text, rule) for i, rule in local]
    blocks = page.blocks

    page.canonical_url = meta.get("canonical_url") or url
    page.title = meta.get("title")
    page.authors = meta.get("authors") or []
    page.published = meta.get("published")
    page.modified = meta.get("modified")
    page.language = meta.get("language")  # else detected on the clean text (build_record)
    page.description = meta.get("description")
    page.tags = meta.get("tags") or []
    page.image = meta.get("image")
    page.site_name = meta.get("site_name")
    if blocks and not (page.authors and page.published):
        _fallback_metadata(page, tree, url, fetched_at, meta.get("site_keys", frozenset()))
    byline = _byline_index(blocks, page.authors) if page.authors else None
    if byline is not None:
        removed = (page.block_positions()[byline], blocks[byline].text, "byline")
        page.local_removed = sorted([*page.local_removed, removed])
        blocks = page.blocks = blocks[:byline] + blocks[byline + 1 :]
    page.page_type, page.page_type_reason = classify_page(
        url=url,
        json_ld_types=meta.get("json_ld_types", ()),
        og_type=meta.get("og_type"),
        text_chars=sum(text_length(b.text) for b in blocks),
        block_count=len(blocks),
        article_tags=census.article_tags,
        internal_link_chars=census.internal_link_chars,
    )
    if (
        page.page_type != "article"
        and census.chars < SHELL_MAX_CHARS
        and scripts
        and not _shows_media(tree)
    ):
        page.error = "needs_javascript"
    elif not blocks:
        page.error = "extraction_empty"
    return page


def _shows_media(tree: HtmlElement) -> bool:
    """Whether the page has more than SHELL_MAX_MEDIA pictures, videos or embedded players."""
    media = tree.iter("img", "picture", "video", "iframe", "embed", "object")
    return next(islice(media, SHELL_MAX_MEDIA, None), None) is not None


def _load_tree(html: str | bytes, data: bytes | None = None) -> HtmlElement | None:
    """Parse like `trafilatura.utils.load_html` (same decoding and repairs) with `_PARSER`.

    trafilatura strips XML-invalid control characters with a regular expression over the
    whole page (~0.5 ms a page) before every parse; they are single bytes in UTF-8, so a
    byte-level check finds the rare page that needs it. The UTF-8 bytes are what lxml parses
    (slightly faster than a str, which it would convert); `data`, when given, is `html`
    already in UTF-8 (a page fetched as valid UTF-8 needs no encoding back).
    """
    text = decode_file(html)
    beginning = text[:50].lower()
    if data is None:
        data = text.encode("utf-8", "replace")
    if _needs_repair(text, data, beginning):
        text = repair_faulty_html(text, beginning)
        data = text.encode("utf-8", "replace")
    tree = lxml.html.fromstring(data, parser=_PARSER) if data.strip() else None
    # Text that does not even mention html and parses to a single element is not a page.
    if tree is not None and "html" not in beginning and len(tree) < 2:
        return None
    return tree


@lru_cache(maxsize=64)
def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


# XML-invalid characters as UTF-8 (C0 controls but tab, newline and carriage return are
# single bytes there; U+FFFE and U+FFFF are three-byte sequences).
_INVALID_XML_BYTES = bytes(range(0, 9)) + b"\x0b\x0c" + bytes(range(14, 32))
_INVALID_XML_SEQUENCES = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")


def _needs_repair(text: str, data: bytes, beginning: str) -> bool:
    """Whether `repair_faulty_html` would change the page (checked without its full scan)."""
    if len(data.translate(None, _INVALID_XML_BYTES)) != len(data):
        return True
    if any(seq in data for seq in _INVALID_XML_SEQUENCES):
        return True
    if "doctype" in beginning and DOCTYPE_TAG.match(text.partition("\n")[0]):
        return True
    return any("<html" in line and line.endswith("/>") for line in text[:4096].splitlines()[:4])


class _Census:
    __slots__ = (
        "anchors",
        "article_tags",
        "chars",
        "features",
        "internal_link_chars",
        "keys",
        "slots",
    )

    def __init__(self) -> None:
        self.keys: array[int] = array("q")
        self.anchors: array[int] = array("q")  # flat (text key, target key) pairs
        self.slots: array[int] = array("q")  # flat (text key, slot key) pairs
        self.features: dict[int, tuple[float, bool, int]] = {}
        self.chars = 0
        self.internal_link_chars = 0
        self.article_tags = 0


def _census(tree: HtmlElement, url: str) -> _Census:
    """Record every innermost text block of the page with its link evidence.

    Runs before trafilatura prunes anything, so navigation, footers and promos that the
    extractor would drop still teach the site model what this site repeats. One pass lists
    the elements, a reverse pass marks which have block descendants, links are resolved once
    each: the census must cost a fraction of the extraction it serves.
    """
    census = _Census()
    base = urlsplit(url)
    site = registered_domain(url)
    page_key = segment_key(link_key(url))
    elements: list[HtmlElement] = []
    links: dict[int, tuple[int, bool]] = {}  # each link once: text length, same-site target
    anchors: dict[tuple[int, int], None] = {}
    with_br: set[int] = set()
    body = tree.find("body")
    for el in (body if body is not None else tree).iter():  # <head> holds no text segments
        tag = el.tag
        if not isinstance(tag, str):
            continue
        elements.append(el)
        if tag == "a":
            text = element_text(el)
            chars = len(text.strip())
            target = _target_key(el.get("href"), base, site)
            internal = target is not None and target != page_key
            links[id(el)] = (chars, internal)
            if internal and chars >= MIN_ANCHOR_CHARS:
                anchors[(segment_key(text), target)] = None  # type: ignore[index]
                census.internal_link_chars += text_length(text.strip())
        elif tag == "br":
            parent = el.getparent()
            while parent is not None and parent.tag not in BLOCK_TAGS:
                parent = parent.getparent()
            if parent is not None:
                with_br.add(id(parent))
        elif tag == "article":
            census.article_tags += 1

    # Which elements contain another block element (those are containers, not segments).
    has_block: set[int] = set()
    for el in reversed(elements):
        if el.tag in _CONTAINER_TAGS or id(el) in has_block:
            parent = el.getparent()
            if parent is not None:
                has_block.add(id(parent))

    keys: dict[int, None] = {}
    features = census.features
    sigs: dict[int, str] = {}  # parent element id -> signature of it and its parent
    looks: dict[HtmlElement, str] = {}  # element -> its `_sig` (keys keep the proxies alive)

    def add(norm: str, feature: tuple[float, bool, int], primary: bool) -> None:
        census.chars += len(norm) if primary else 0
        if len(keys) >= MAX_PAGE_SEGMENTS:
            return
        key = normalized_key(norm)
        keys[key] = None
        if primary:
            features[key] = feature
        else:
            features.setdefault(key, feature)
        if shape := normalized_shape_key(norm):
            keys[shape] = None

    for el in elements:
        if id(el) in has_block:
            # Loose text between a container's blocks renders as lines of its own (old table
            # layouts put whole bylines and comment labels there).
            if not _has_loose_text(el, has_block):
                continue
            for run, link_chars, first in _loose_runs(el, has_block, links):
                norm = normalize(run)
                if len(norm) >= MIN_SEGMENT_CHARS:
                    slot = _slot(el, first, "~", sigs, looks)
                    add(norm, (min(1.0, link_chars / len(norm)), False, slot), True)
            continue
        if el.tag not in BLOCK_TAGS:
            continue
        norm = normalize(element_text(el))
        if len(norm) < MIN_SEGMENT_CHARS:
            continue
        if el.tag == "a":
            chars, internal = links.get(id(el), (0, False))
        else:
            chars, internal = 0, False
            for a in el.iter("a"):
                a_chars, a_internal = links.get(id(a), (0, False))
                chars += a_chars
                internal = internal or a_internal
        inner = el[0] if len(el) and not (el.text or "").strip() else None
        feature = (min(1.0, chars / len(norm)), internal, _slot(el, inner, "", sigs, looks))
        add(norm, feature, True)
        # A <br> splits one element into several rendered lines; each line is a segment too.
        if id(el) in with_br:
            for part in _br_parts(el):
                pnorm = normalize(part)
                if len(pnorm) >= MIN_SEGMENT_CHARS:
                    add(pnorm, feature, False)
    census.keys = array("q", keys)
    census.anchors = array("q", [k for pair in anchors for k in pair])
    # A page made from text or Markdown (`core.plaintext`) has no layout of the site's: every
    # paragraph would share one place, and the first lines seen there (a menu) would make it
    # a template place, taking the article with it.
    if tree.get(PLAIN_MARK) is None:
        census.slots = array("q", [k for key, f in features.items() if f[2] for k in (key, f[2])])
    return census


def _drop_non_text(tree: HtmlElement) -> int:
    """Remove what renders no text: inline SVG drawings, styles and scripts (but JSON-LD);
    return how many scripts there were.

    trafilatura removes them too, so its output is unchanged; removing them first spares the
    census and trafilatura's passes and tree copies those elements and their (often large)
    text. Metadata has been read by then; JSON-LD stays for htmldate's fallback search.
    """
    doomed = [
        el
        for el in tree.iter("svg", "style", "script")
        if el.tag != "script" or (el.get("type") or "").strip().lower() != "application/ld+json"
    ]
    scripts = 0
    for el in doomed:
        scripts += el.tag == "script"
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail text
    return scripts


def _has_loose_text(el: HtmlElement, has_block: set[int]) -> bool:
    """Whether a container has text of its own between its blocks (most have none): a cheap
    test before `_loose_runs` assembles the runs."""
    if (el.text or "").strip():
        return True
    for child in el:
        if (child.tail or "").strip():
            return True
        tag = child.tag
        if (
            isinstance(tag, str)
            and tag not in _CONTAINER_TAGS
            and tag not in _SKIP_TAGS
            and tag != "br"
            and id(child) not in has_block
        ):
            return True  # an inline child (b, font, span, a...) may hold text
    return False


def _loose_runs(
    el: HtmlElement, has_block: set[int], links: dict[int, tuple[int, bool]]
) -> list[tuple[str, int, HtmlElement | None]]:
    """Text runs of a container outside its block children, split at blocks and <br>.

    Each run comes with its first inline element (its formatting, for the DOM slot).
    """
    runs: list[tuple[str, int, HtmlElement | None]] = []
    parts: list[str] = [el.text or ""]
    link_chars = 0
    first: HtmlElement | None = None
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP_TAGS:
            parts.append(child.tail or "")
            continue
        if tag in _CONTAINER_TAGS or tag == "br" or id(child) in has_block:
            runs.append(("".join(parts), link_chars, first))
            parts, link_chars, first = [child.tail or ""], 0, None
            continue
        if first is None and not "".join(parts).strip():
            first = child
        parts.append(element_text(child))
        parts.append(child.tail or "")
        if tag == "a":
            link_chars += links.get(id(child), (0, False))[0]
    runs.append(("".join(parts), link_chars, first))
    return [run for run in runs if run[0].strip()]


def _look(el: HtmlElement | None, looks: dict[HtmlElement, str]) -> str:
    """`_sig` of an ancestor, once per census: siblings' parents share their grandparent."""
    if el is None:
        return ""
    sig = looks.get(el)
    if sig is None:
        sig = looks[el] = _sig(el)
    return sig


def _sig(el: HtmlElement | None) -> str:
    """An element's look: tag, classes and the presentational attributes old layouts use."""
    if el is None:
        return ""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    get = el.get  # four C-level lookups are cheaper than building the attrib mapping
    look = (get("class"), get("itemprop"), get("face"), get("size"))
    if look == _NO_LOOK:
        return tag
    return f"{tag}.{look[0] or ''}.{look[1] or ''}.{look[2] or ''}.{look[3] or ''}"


_NO_LOOK = (None, None, None, None)


def _slot(
    el: HtmlElement,
    inner: HtmlElement | None,
    kind: str,
    sigs: dict[int, str],
    looks: dict[HtmlElement, str],
) -> int:
    """Key of a segment's place in the page template: its element, two ancestors, and the
    formatting wrapped around its text (a bio box and a paragraph can share their <p>)."""
    parent = el.getparent()
    if parent is not None:
        up = sigs.get(id(parent))
        if up is None:
            # The ancestors' part is shared by every block under the same parent.
            up = sigs[id(parent)] = f"{_look(parent.getparent(), looks)}>{_look(parent, looks)}"
    else:
        up = ""
    if inner is None:
        sig = f"{kind}{up}>{_sig(el)}>>"
    else:
        inner2 = inner[0] if len(inner) and not (inner.text or "").strip() else None
        sig = f"{kind}{up}>{_sig(el)}>{_sig(inner)}>{_sig(inner2)}"
    # CRC-32 is stable across processes and runs, and a site has far too few slots to collide.
    return zlib.crc32(sig.encode("utf-8")) or 1


def _target_key(href: str | None, base: SplitResult, site: str) -> int | None:
    """Key of the page a link points at when it is on the same site, else None."""
    if not href:
        return None
    href = href.strip()
    if not href or href[0] == "#" or href.startswith(_NON_PAGE_SCHEMES):
        return None
    if href[0] == "/" and not href.startswith("//"):
        target = f"{base.scheme}://{base.netloc}{href}"
    elif "://" in href[:12] or href.startswith("//"):
        target = href if "://" in href[:12] else f"{base.scheme}:{href}"
    else:
        try:
            target = urljoin(base.geturl(), href)
        except ValueError:
            return None
    target_site, key = _site_and_target_key(target)
    return key if target_site == site else None


@lru_cache(maxsize=8192)
def _site_and_target_key(target: str) -> tuple[str, int]:
    """(site, key) of an absolute link target: a site's navigation and teasers link to the
    same pages from each of its pages, so most targets were keyed before."""
    target_site, key = link_site_and_key(target)
    return target_site, segment_key(key)


def _br_parts(el: HtmlElement) -> list[str]:
    parts: list[str] = [el.text or ""]
    for node in el.iterdescendants():
        if node.tag == "br":
            parts.append(node.tail or "")
        elif isinstance(node.tag, str):
            parts[-1] += (node.text or "") + (node.tail or "")
    return [p for p in (p.strip() for p in parts) if p]


def _run_trafilatura(tree: HtmlElement, url: str, *, second_opinion: bool = False) -> Any:
    try:
        return trafilatura.bare_extraction(
            tree,
            url=url,
            fast=not second_opinion,
            favor_precision=second_opinion,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            output_format="txt",
        )
    except Exception as exc:  # trafilatura has failure modes of its own on hostile pages
        logger.debug("trafilatura failed on %s: %r", url, exc)
        return None


# trafilatura's output elements that hold paragraphs of their own.
_XML_BLOCKS = frozenset(["p", "head", "quote", "code", "list", "table", "div"])
_XML_KIND = {"head": "h", "quote": "quote", "code": "pre"}


def _fragment_share(blocks: list[Block]) -> float:
    """Share of the text in fragments (lines under FRAGMENT_CHARS), on enough blocks to tell."""
    if len(blocks) < FRAGMENT_MIN_BLOCKS:
        return 0.0
    fragments = sum(len(b.text) for b in blocks if len(b.text) < FRAGMENT_CHARS)
    return fragments / max(1, _chars(blocks))


def _second_opinion(
    html: str,
    data: bytes | None,
    url: str,
    census: _Census,
    blocks: list[Block],
    *,
    body_chars: int = 0,
) -> list[Block]:
    """trafilatura's full mode on a fresh tree, for a first result that looks wrong.

    Fast mode trusts trafilatura's own heuristic, which can pick a long menu beside a short
    article (archive by month, tag cloud, link directory), or keep one entry of a live blog
    whose updates are sibling blocks. Full mode lets readability and jusText referee, and
    favouring precision prunes the menu before they do (half the cost of full mode alone).
    It costs a second parse and about a fast extraction more, so only pages whose first
    result reads like a menu, or holds under SHORT_SHARE of the text of the page's
    `<article>` (`body_chars`), pay for it. The second result is kept when it is less of a
    fragment soup, or, for a short first result, when it finds much more of that text.
    """
    tree = _load_tree(html, data)
    if tree is None or not isinstance(tree, HtmlElement):
        return blocks
    _drop_non_text(tree)
    refine.prepare_tree(tree, url)
    other = _blocks(_run_trafilatura(tree, url, second_opinion=True), census)
    if not other:
        return blocks
    if not body_chars:
        return other if _fragment_share(other) < _fragment_share(blocks) else blocks
    more = _chars(other) >= SHORT_GAIN * _chars(blocks)
    within = _chars(other) <= SHORT_MAX_OVER * body_chars
    no_soup = _fragment_share(other) <= max(_fragment_share(blocks), FRAGMENT_MAX_SHARE / 2)
    return other if more and within and no_soup else blocks


def _byline_index(blocks: list[Block], authors: list[str]) -> int | None:
    """Which of the first few blocks is a byline line ("by Jeff Foust"), which the record's
    `authors` hold: only a line that is "by" and exactly the page's authors."""
    names = key(" ".join(authors))
    if not names:
        return None
    for index, block in enumerate(blocks[:BYLINE_BLOCKS]):
        text = key(block.text)
        byline = text.startswith(("by", "von", "par", "por")) and text.endswith(names)
        if byline and len(text) - len(names) <= 3:
            return index
    return None


def _chars(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks)


def _article_element_chars(tree: HtmlElement) -> int:
    """Characters of text in the page's largest `<article>` or declared article body: what a
    first extraction should come near on an article page (0 when there is none)."""
    best = 0
    for el in _ARTICLE_ELEMENTS(tree):
        best = max(best, len(" ".join(element_text(el).split())))
    return best


_ARTICLE_ELEMENTS = etree.XPath("//article | //*[@itemprop='articleBody']")


def _blocks(doc: Any, census: _Census) -> list[Block]:
    body = getattr(doc, "body", None)
    if body is None:
        return []
    out: list[Block] = []
    _walk(body, out, census)
    return out


def _walk(container: etree._Element, out: list[Block], census: _Census) -> None:
    """Turn trafilatura's XML into blocks, one per paragraph, list item or table row.

    Layout tables put whole articles in one cell; a cell (or item) holding paragraphs of its
    own is walked into rather than flattened into one giant "row".
    """
    if container.text and container.text.strip():
        _add(out, container.text, "p", census)
    for el in container:
        tag = el.tag
        if tag == "list":
            for item in el.iterchildren("item"):
                if _has_xml_blocks(item):
                    _walk(item, out, census)
                else:
                    _add(out, _el_text(item), "li", census)
        elif tag == "table":
            for row in el.iter("row"):
                cells = [c for c in row if isinstance(c.tag, str)]
                if any(_has_xml_blocks(c) for c in cells):
                    for cell in cells:
                        _walk(cell, out, census)
                else:
                    texts = (" ".join(_el_text(c).split()) for c in cells)
                    _add(out, " | ".join(t for t in texts if t), "table", census)
        elif tag in _XML_BLOCKS and _has_xml_blocks(el):
            _walk(el, out, census)
        elif isinstance(tag, str):
            kind = _XML_KIND.get(tag, "p")
            for line in _el_text(el).split("\n"):
                _add(out, line, kind, census)
        if el.tail and el.tail.strip():
            _add(out, el.tail, "p", census)


def _has_xml_blocks(el: etree._Element) -> bool:
    return any(child.tag in _XML_BLOCKS for child in el)


def _el_text(el: etree._Element) -> str:
    parts: list[str] = []
    for node in el.iter():
        if node.tag == "lb" or (node is not el and node.tag in ("item", "row")):
            parts.append("\n")
        if node.text and node.tag not in ("lb",):
            parts.append(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return " ".join("".join(parts).replace("\r", "").split(" ")).strip()


def _add(out: list[Block], text: str, kind: str, census: _Census) -> None:
    text = " ".join(text.split())
    if not text:
        return
    norm = normalize(text)
    key = normalized_key(norm)
    share, internal, slot = census.features.get(key, (0.0, False, 0))
    out.append(
        Block(
            text=text,
            key=key,
            kind=kind,
            link_share=share,
            links_internal=internal,
            shape=normalized_shape_key(norm),
            slot=slot,
        )
    )


def _fallback_metadata(
    page: PageExtraction,
    tree: HtmlElement,
    url: str,
    fetched_at: datetime | None,
    site: frozenset[str],
) -> None:
    """Fill a missing byline or date from the page body (bylines, htmldate's search).

    Only pages that declare neither pay for it. htmldate's search is the costliest part of
    metadata extraction, so its quick mode comes first; its extensive mode (dates written in
    the text, "25. September 2018") only when the quick one finds nothing.
    """
    if not page.authors:
        page.authors = byline_authors(tree, site)
    if not page.published:
        page.published = url_date(url, fetched_at)
    for extensive in (False, True):
        if page.published:
            break
        try:
            found = find_date(
                tree,
                url=url,  # a date in the article's address (/2019/11/19/) is the best evidence
                extensive_search=extensive,
                original_date=True,
                outputformat="%Y-%m-%d",
                max_date=(fetched_at or datetime.now(UTC)).strftime("%Y-%m-%d"),
            )
        except Exception as exc:  # heuristics over hostile markup; the page stays usable
            logger.debug("date search failed for %s: %r", url, exc)
            found = None
        if extensive and found and found.endswith("-01-01"):
            found = None  # a year alone, as in "© site, 2008": no publication date
        page.published = iso_date(found, fetched_at) if found else None
