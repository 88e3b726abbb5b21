"""Page-local extraction: one HTML page in, candidate article blocks and metadata out.

This is the CPU-heavy half of cleaning and depends on nothing but the page, so it runs in
worker processes. The HTML is parsed once; the same tree feeds the segment census (what the
site template model learns from), the metadata readers and trafilatura.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newscrawl.core import refine
from newscrawl.core.metadata import read_metadata
from newscrawl.core.pagetype import classify_page
from newscrawl.core.text import normalize, segment_key
from newscrawl.core.types import Block, PageExtraction
from newscrawl.core.urls import registered_domain, same_site, url_key

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
_SKIP_TAGS = frozenset(["script", "style", "noscript", "template", "svg", "head", "title"])
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
# Language detection needs a few sentences to be reliable and no more than a paragraph or two
# to be right; its cost grows with the sample.
LANGID_MIN_CHARS = 80
LANGID_SAMPLE_CHARS = 600


def extract_page(
    html: str | bytes, url: str, *, fetched_at: datetime | None = None
) -> PageExtraction:
    """Extract candidate article blocks, metadata and template evidence from one page.

    Never raises on bad input: an unusable page comes back with `error` set to a reason.
    """
    page = PageExtraction(url=url)
    if not html or not html.strip():
        page.error = "empty_page"
        return page
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
    try:
        tree = load_html(html)
    except Exception as exc:  # lxml raises many types on hostile input
        logger.debug("parse failed for %s: %r", url, exc)
        tree = None
    if tree is None or not isinstance(tree, HtmlElement):
        page.error = "unparsable_html"
        return page

    meta = read_metadata(tree, url, fetched_at=fetched_at)
    census = _census(tree, url)
    page.page_keys = census.keys
    page.anchors = census.anchors
    page.raw_chars = census.chars

    hints = refine.prepare_tree(tree, url)
    doc = _run_trafilatura(tree, url)
    blocks = _blocks(doc, census) if doc is not None else []
    blocks = refine.filter_blocks(blocks, hints)
    page.blocks = blocks

    page.canonical_url = meta.get("canonical_url") or url
    page.title = meta.get("title") or (doc.title if doc is not None else None)
    page.authors = meta.get("authors") or _split_authors(doc.author if doc is not None else None)
    page.published = meta.get("published") or _doc_date(doc, fetched_at)
    page.modified = meta.get("modified")
    page.language = meta.get("language") or _detect_language(blocks)
    page.description = meta.get("description") or (doc.description if doc else None)
    page.tags = meta.get("tags") or _doc_tags(doc)
    page.image = meta.get("image") or (doc.image if doc is not None else None)
    page.site_name = meta.get("site_name") or (doc.sitename if doc is not None else None)
    page.page_type, page.page_type_reason = classify_page(
        url=url,
        json_ld_types=meta.get("json_ld_types", ()),
        og_type=meta.get("og_type"),
        text_chars=sum(len(b.text) for b in blocks),
        block_count=len(blocks),
        article_tags=census.article_tags,
        internal_link_chars=census.internal_link_chars,
        raw_chars=census.chars,
    )
    if not blocks:
        page.error = "extraction_empty"
    return page


class _Census:
    __slots__ = ("anchors", "article_tags", "chars", "features", "internal_link_chars", "keys")

    def __init__(self) -> None:
        self.keys: tuple[int, ...] = ()
        self.anchors: tuple[tuple[int, int], ...] = ()
        self.features: dict[int, tuple[float, bool]] = {}
        self.chars = 0
        self.internal_link_chars = 0
        self.article_tags = 0


def _census(tree: HtmlElement, url: str) -> _Census:
    """Record every innermost text block of the page with its link evidence.

    Runs before trafilatura prunes anything, so navigation, footers and promos that the
    extractor would drop still teach the site model what this site repeats.
    """
    census = _Census()
    site = registered_domain(url)
    page_url_key = segment_key(url_key(url))
    keys: dict[int, None] = {}
    anchors: dict[tuple[int, int], None] = {}
    for el in tree.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag == "article":
            census.article_tags += 1
        if tag == "a":
            href = el.get("href")
            text = el.text_content()
            if href and len(text.strip()) >= MIN_ANCHOR_CHARS:
                target = _resolve(url, href)
                if target and same_site(target, site):
                    tkey = segment_key(url_key(target))
                    if tkey != page_url_key:
                        anchors[(segment_key(text), tkey)] = None
                        census.internal_link_chars += len(text.strip())
        if tag not in BLOCK_TAGS or _has_block_child(el) or _in_skipped(el):
            continue
        text = el.text_content()
        norm = normalize(text)
        if len(norm) < MIN_SEGMENT_CHARS:
            continue
        census.chars += len(norm)
        key = segment_key(text)
        if len(keys) < MAX_PAGE_SEGMENTS:
            keys[key] = None
            census.features[key] = _link_features(el, len(norm), url, site, page_url_key)
        # A <br> splits one element into several rendered lines; each line is a segment too.
        if el.find(".//br") is not None:
            for part in _br_parts(el):
                if len(normalize(part)) >= MIN_SEGMENT_CHARS and len(keys) < MAX_PAGE_SEGMENTS:
                    pkey = segment_key(part)
                    keys[pkey] = None
                    census.features.setdefault(pkey, census.features[key])
    census.keys = tuple(keys)
    census.anchors = tuple(anchors)
    return census


def _has_block_child(el: HtmlElement) -> bool:
    for child in el.iterdescendants():
        tag = child.tag
        if isinstance(tag, str) and tag in BLOCK_TAGS and tag not in ("a", "span"):
            return True
    return False


def _in_skipped(el: HtmlElement) -> bool:
    parent = el.getparent()
    while parent is not None:
        if parent.tag in _SKIP_TAGS:
            return True
        parent = parent.getparent()
    return False


def _br_parts(el: HtmlElement) -> list[str]:
    parts: list[str] = [el.text or ""]
    for node in el.iterdescendants():
        if node.tag == "br":
            parts.append(node.tail or "")
        elif isinstance(node.tag, str):
            parts[-1] += (node.text or "") + (node.tail or "")
    return [p for p in (p.strip() for p in parts) if p]


def _link_features(
    el: HtmlElement, chars: int, url: str, site: str, page_url_key: int
) -> tuple[float, bool]:
    link_chars = 0
    internal = False
    links = [el] if el.tag == "a" else el.iterdescendants("a")
    for a in links:
        link_chars += len(normalize(a.text_content()))
        href = a.get("href")
        if href and not internal:
            target = _resolve(url, href)
            internal = bool(
                target and same_site(target, site) and segment_key(url_key(target)) != page_url_key
            )
    return (min(1.0, link_chars / chars) if chars else 0.0, internal)


def _resolve(base: str, href: str) -> str | None:
    from urllib.parse import urljoin

    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def _run_trafilatura(tree: HtmlElement, url: str) -> Any:
    try:
        return trafilatura.bare_extraction(
            tree,
            url=url,
            fast=True,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            output_format="python",
        )
    except Exception as exc:  # trafilatura has failure modes of its own on hostile pages
        logger.debug("trafilatura failed on %s: %r", url, exc)
        return None


def _blocks(doc: Any, census: _Census) -> list[Block]:
    body = getattr(doc, "body", None)
    if body is None:
        return []
    out: list[Block] = []
    for el in body:
        tag = el.tag
        if tag == "list":
            for item in el.iter("item"):
                _add(out, _el_text(item), "li", census)
        elif tag == "table":
            for row in el.iter("row"):
                cells = [_el_text(c) for c in row if isinstance(c.tag, str)]
                _add(out, " | ".join(c for c in cells if c), "table", census)
        else:
            kind = {"head": "h", "quote": "quote", "code": "pre"}.get(str(tag), "p")
            for line in _el_text(el).split("\n"):
                _add(out, line, kind, census)
    return out


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
    key = segment_key(text)
    share, internal = census.features.get(key, (0.0, False))
    out.append(Block(text=text, key=key, kind=kind, link_share=share, links_internal=internal))


def _detect_language(blocks: list[Block]) -> str | None:
    """Language of the text when the page declares none (py3langid, on a bounded sample)."""
    sample = " ".join(b.text for b in blocks)[:LANGID_SAMPLE_CHARS]
    if len(sample) < LANGID_MIN_CHARS:
        return None
    import py3langid

    code, _ = py3langid.classify(sample)
    return str(code) if len(code) == 2 else None


def _split_authors(raw: str | None) -> list[str]:
    if not raw:
        return []
    return [a.strip() for a in raw.split(";") if a.strip()]


def _doc_date(doc: Any, fetched_at: datetime | None) -> str | None:
    date = getattr(doc, "date", None) if doc is not None else None
    if not date:
        return None
    if fetched_at is not None and date > fetched_at.date().isoformat():
        return None
    return str(date)


def _doc_tags(doc: Any) -> list[str]:
    if doc is None:
        return []
    tags: list[str] = []
    for raw in (getattr(doc, "tags", None), getattr(doc, "categories", None)):
        if isinstance(raw, list):
            tags.extend(str(t).strip() for t in raw if str(t).strip())
        elif isinstance(raw, str):
            tags.extend(t.strip() for t in raw.split(",") if t.strip())
    return list(dict.fromkeys(tags))
