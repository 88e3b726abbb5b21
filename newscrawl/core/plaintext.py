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
from newscrawl.core.types import PLAIN_MARK

__all__ = ["decode_text", "markdown_page", "reader_header", "text_page"]

# A first line this short, without a full stop at its end, is the headline.
TITLE_MAX_CHARS = 200
TITLE_MAX_WORDS = 25
TITLE_SEARCH_BLOCKS = 2  # menu or breadcrumb lines above it
# In a whole page's text, the site's name, menu and section label come first, a word or two
# each; the headline is the first longer line among the first ones.
LOOSE_TITLE_SEARCH_LINES = 30
LOOSE_TITLE_MIN_WORDS = 4
# A dateline and a byline stand among the first lines after the headline, and are short.
HEAD_LINES = 5
DATELINE_MAX_CHARS = 60
BYLINE_MAX_CHARS = 100
_BYLINE = re.compile(r"(?:by|von|par|por|door)\s+", re.IGNORECASE)
_NAME_JOINS = frozenset("and und et y e & de van von der da".split())
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# Digits, times and punctuation of a date, taken out before its words are looked at.
_DATE_WORD = re.compile(r"[\d:.,/|\-\u2013\u2014()]+|\b(?:a\.m\.|p\.m\.)")
_DATE_NAMES = frozenset(
    "jan january feb february mar march apr april may jun june jul july aug august sep sept "
    "september oct october nov november dec december mon monday tue tues tuesday wed "
    "wednesday thu thur thurs thursday fri friday sat saturday sun sunday am pm at on of the "
    "published updated posted last modified st nd rd th".split()
)
_MENU_SEPARATOR = re.compile(r"\s(?:[>|/\u203a\u00bb\u00b7\u2022])\s")
# A block is hard-wrapped when its lines (all but the last) fill most of a fixed width.
WRAP_MIN_WIDTH = 40
WRAP_MAX_WIDTH = 120
WRAP_FILL = 0.7

# Text has next to no control characters; binary data read as text is full of them.
BINARY_SAMPLE_CHARS = 65_536
BINARY_MAX_SHARE = 0.01
_BLANK_LINE = re.compile(r"\n[ \t\f\v]*\n")
# CommonMark with tables and strikethrough; HTML in the source is escaped, not rendered.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_H1 = re.compile(r"<h1[ >]")
# Jina Reader's header: "Name: value" lines before "Markdown Content:".
READER_HEADER_LINES = 12
_READER_FIELD = re.compile(r"^(Title|URL Source|Published Time|Description|Author):\s*(.*)$")


def decode_text(data: bytes) -> str:
    """A text file's characters: as its byte-order mark says, else UTF-8, else the legacy
    code page a browser would read it in (see `core.charset`). Raises ValueError for data
    that is no text (an image or an archive saved as .txt)."""
    text = data.decode(page_encoding(None, data), "replace").lstrip("\ufeff")
    sample = text[:BINARY_SAMPLE_CHARS]
    controls = sum(1 for c in sample if (c < " " and c not in "\t\n\r\f") or c == "\ufffd")
    if controls > BINARY_MAX_SHARE * len(sample):
        raise ValueError("not text: binary data")
    return text


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
    # No blank lines, and no hard-wrapped paragraph: a whole page's text, a line per element.
    lines = [line.strip() for line in blocks[0].split("\n") if line.strip()] if blocks else []
    loose = len(blocks) == 1 and len(lines) > 1 and not _is_wrapped(lines)
    if loose:
        blocks = lines
    at = None
    if title is None:
        at = _title_at(blocks, loose)
        title = " ".join(blocks[at].split()) if at is not None else None
    body = []
    start = at if loose and at else 0  # above the headline of a whole page's text: its header
    if start:
        body.append(
            "<nav>" + "".join(f"<p>{escape(line)}</p>" for line in blocks[:start]) + "</nav>"
        )
    for i, block in enumerate(blocks[start:], start):
        if i == at or (at is None and i == 0 and title):
            body.append(f"<h1>{escape(title or '')}</h1>")
        if i != at:
            near_top = i < (at or 0) + HEAD_LINES
            body += [_paragraph(p, near_top=near_top) for p in _paragraphs(block)]
    return _page("\n".join(body), title, published, authors)


def _title_at(blocks: list[str], loose: bool) -> int | None:
    """Where the headline is: the first line standing alone, after a menu or breadcrumb line
    or two. In a whole page's text (`loose`), where the site's name and menu items are lines
    too, the first line of a few words that reads as a headline, among the first lines."""
    if loose:
        for i, line in enumerate(blocks[:LOOSE_TITLE_SEARCH_LINES]):
            if (
                i + 1 < len(blocks)
                and len(line.split()) >= LOOSE_TITLE_MIN_WORDS
                and _is_title(line)
                and not _is_menu(line)
                and not line.rstrip().endswith("?")
            ):
                return i
        return None
    for i, block in enumerate(blocks[: TITLE_SEARCH_BLOCKS + 1]):
        if i + 1 < len(blocks) and _is_title(block) and not _is_menu(block):
            return i
        if not _is_menu(block):
            break
    return None


def _paragraph(text: str, *, near_top: bool) -> str:
    """A paragraph's HTML. Near the top, a line that is only a date is the dateline, and a
    short line led by a by-word ("By Jane Roe and John Doe") the byline, marked the way pages
    mark them: extraction then reads the date and the authors, and leaves both lines out."""
    if near_top and _is_date_line(text):
        return f"<p><time>{escape(text)}</time></p>"
    if near_top and _is_byline(text):
        return f'<p class="byline">{escape(text)}</p>'
    return f"<p>{escape(text)}</p>"


def _is_byline(text: str) -> bool:
    """A byline ("By Jane Roe and John Doe"): a by-word, then names (capitalised words and
    the words that join them), not a sentence ("By the end of the night, ...")."""
    if len(text) > BYLINE_MAX_CHARS or not (match := _BYLINE.match(text)):
        return False
    names = text[match.end() :].replace(",", " ").split()
    return bool(names) and all(w[0].isupper() or w.casefold() in _NAME_JOINS for w in names)


def _is_date_line(text: str) -> bool:
    """A dateline ("April 23, 2026, 2:00 PM EDT", "Published 23 Apr 2026 14:00",
    "2026-04-23"): a year and nothing but words of dates and times (English names)."""
    if len(text) > DATELINE_MAX_CHARS or not _YEAR.search(text):
        return False
    words = _DATE_WORD.sub(" ", text).split()
    return all(word.casefold() in _DATE_NAMES or word.isupper() for word in words)


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
        f"<!DOCTYPE html>\n<html {PLAIN_MARK}><head>"
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
