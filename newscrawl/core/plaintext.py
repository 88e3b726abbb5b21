"""Text or Markdown that a scraper already saved, made into a page that extraction reads.

A naive scraper keeps an article's text with the site's furniture in it (a promo above and
below, "Previous Article" and the next story's headline at the end) and without the markup that
would tell them apart. Rather than a second cleaning path, such text becomes a plain HTML page:
a paragraph per line (a hard-wrapped paragraph, as `lynx -dump` or `fold` writes it, is joined
back into one), its first line as the headline when it looks like one, and what else is known
(title, date, authors) as the meta tags a page would carry. The same extraction, page-local
rules and per-site template model then clean it, so a directory of one site's text files
teaches the model about each other as saved pages do. Markdown (as reader services save
pages) is rendered with markdown-it-py, and keeps its links.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

from markdown_it import MarkdownIt

from newscrawl.core.charset import page_encoding

__all__ = ["decode_text", "markdown_page", "reader_header", "text_page"]

# A first line this short, without a full stop at its end, is the headline.
TITLE_MAX_CHARS = 200
TITLE_MAX_WORDS = 25
TITLE_SEARCH_BLOCKS = 2  # menu or breadcrumb lines above it
_MENU_SEPARATOR = re.compile(r"\s(?:[>|/\u203a\u00bb\u00b7\u2022])\s")
# A block is hard-wrapped when its lines (all but the last) fill most of a fixed width.
WRAP_MIN_WIDTH = 40
WRAP_MAX_WIDTH = 120
WRAP_FILL = 0.7

_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
# CommonMark with tables and strikethrough; HTML in the source is escaped, not rendered.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_H1 = re.compile(r"<h1[ >]")
# Jina Reader's header: "Name: value" lines before "Markdown Content:".
READER_HEADER_LINES = 12
_READER_FIELD = re.compile(r"^(Title|URL Source|Published Time|Description|Author):\s*(.*)$")


def decode_text(data: bytes) -> str:
    """A text file's characters: as its byte-order mark says, else UTF-8, else the legacy
    code page a browser would read it in (see `core.charset`)."""
    return data.decode(page_encoding(None, data), "replace").lstrip("\ufeff")


def text_page(
    text: str,
    *,
    title: str | None = None,
    published: str | None = None,
    authors: Sequence[str] = (),
) -> str:
    """An HTML page holding `text` a paragraph per line, for `extract_page`.

    Without `title`, the first line is the headline when it stands alone (a blank line after
    it) and reads as one: short, no full stop at its end. A line of the text that repeats the
    title is left in the body, where extraction removes it as the headline.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    blocks = [block for block in _BLANK_LINE.split(text.strip()) if block.strip()]
    # The headline: the first line standing alone, after a menu or breadcrumb line or two.
    at = None
    if title is None:
        for i, block in enumerate(blocks[: TITLE_SEARCH_BLOCKS + 1]):
            if i + 1 < len(blocks) and _is_title(block) and not _is_menu(block):
                at, title = i, " ".join(block.split())
                break
            if not _is_menu(block):
                break
    body = []
    for i, block in enumerate(blocks):
        if i == at or (at is None and i == 0 and title):
            body.append(f"<h1>{escape(title or '')}</h1>")
        if i != at:
            body += [f"<p>{escape(p)}</p>" for p in _paragraphs(block)]
    return _page("\n".join(body), title, published, authors)


def markdown_page(
    markdown: str,
    *,
    title: str | None = None,
    published: str | None = None,
    authors: Sequence[str] = (),
) -> str:
    """An HTML page rendered from Markdown (CommonMark, with tables), as reader services and
    LLM-oriented scrapers (Jina Reader, Firecrawl, crawl4ai) save pages: its links stay
    links, so teasers and link lists are told apart as on the page itself. HTML inside the
    Markdown stays text; the first `# heading` is the headline when no `title` is given."""
    markdown = markdown.replace("\x00", "")
    body = _MARKDOWN.render(markdown)
    if title and not _H1.search(body):
        body = f"<h1>{escape(title)}</h1>\n{body}"
    return _page(body, title, published, authors)


def reader_header(markdown: str) -> tuple[dict[str, str], str]:
    """The fields of a Jina Reader header ("Title: ...", "URL Source: ...", "Published Time:
    ...", then "Markdown Content:") by lower-case name, and the Markdown after it; ({}, the
    text) for Markdown without one."""
    fields: dict[str, str] = {}
    lines = markdown.lstrip("\ufeff").split("\n")
    for i, line in enumerate(lines[:READER_HEADER_LINES]):
        if line.strip() == "Markdown Content:":
            return fields, "\n".join(lines[i + 1 :])
        if match := _READER_FIELD.match(line):
            fields[match[1].lower()] = match[2].strip()
        elif line.strip():
            break
    return {}, markdown


def _page(body: str, title: str | None, published: str | None, authors: Sequence[str]) -> str:
    head = ['<meta charset="utf-8">']
    if title:
        head.append(f"<title>{escape(title)}</title>")
    if published:
        head.append(f'<meta property="article:published_time" content="{escape(published)}">')
    if names := [name.strip() for name in authors if name and name.strip()]:
        head.append(f'<meta name="author" content="{escape(", ".join(names))}">')
    return (
        "<!DOCTYPE html>\n<html><head>"
        + "".join(head)
        + "</head><body><article>\n"
        + body
        + "\n</article></body></html>\n"
    )


def _is_menu(block: str) -> bool:
    """A menu or breadcrumb line: "Home > World > Europe", "News | Sport | Weather"."""
    return "\n" not in block.strip() and len(_MENU_SEPARATOR.findall(block)) >= 2


def _is_title(block: str) -> bool:
    line = " ".join(block.split())
    return (
        "\n" not in block.strip()
        and len(line) <= TITLE_MAX_CHARS
        and len(line.split()) <= TITLE_MAX_WORDS
        and not line.endswith((".", ",", ";", ":"))
    )


def _paragraphs(block: str) -> list[str]:
    """The paragraphs of a block of lines: one joined paragraph when the block is
    hard-wrapped prose, else one per line (a promo's two lines, a list, teaser headlines)."""
    lines = [" ".join(line.split()) for line in block.split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > 1 and _is_wrapped(lines):
        return [" ".join(lines)]
    return lines


def _is_wrapped(lines: list[str]) -> bool:
    """Lines broken at a fixed width: all but the last fill most of it, and most of them end
    inside a sentence."""
    width = max(len(line) for line in lines)
    if not WRAP_MIN_WIDTH <= width <= WRAP_MAX_WIDTH:
        return False
    body = lines[:-1]
    if any(len(line) < WRAP_FILL * width for line in body):
        return False
    ends = sum(line.endswith((".", "!", "?", ":")) for line in body)
    return ends * 2 <= len(body)
