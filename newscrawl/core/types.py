"""Plain data passed between the cleaning stages.

`PageExtraction` is what page-local extraction returns: it holds no HTML and no lxml objects,
so it pickles cheaply across worker processes and costs little to hold back while a site's
template model gathers evidence.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["PLAIN_MARK", "ArticlePart", "Block", "PageExtraction"]

# A further page of an article split over several: (url, html, encoding), as fetched.
ArticlePart = tuple[str, str | bytes, str | None]
# The attribute on <html> of a page made from text or Markdown (`core.plaintext`): it has no
# layout of the site's, so extraction records no template places (slots) for it.
PLAIN_MARK = "data-newscrawl-plain"


@dataclass(slots=True)
class Block:
    """One candidate paragraph of article text, with the evidence the template model needs."""

    text: str
    key: int
    kind: str = "p"  # p | h | li | quote | table | pre
    link_share: float = 0.0  # share of the source element's text that is link text
    links_internal: bool = False  # the link text points at other pages of the same site
    shape: int = 0  # key of the text with numbers blanked, for short lines with digits (or 0)
    slot: int = 0  # key of the block's place in the page's DOM template (element, ancestors)


@dataclass(slots=True)
class PageExtraction:
    """Everything one page yields on its own, before site-level template cleaning."""

    url: str
    canonical_url: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    site_name: str | None = None
    blocks: list[Block] = field(default_factory=list)
    # The template evidence below is kept in flat int64 arrays: a page has hundreds of keys,
    # and an array travels from a worker as one buffer and is held as 8 bytes a key, where a
    # tuple of ints pickles key by key and holds ~40 bytes each.
    # Keys of every visible text segment of the page (nav, footer, promos included): the
    # evidence from which the site's template model learns what the site repeats.
    page_keys: array[int] = field(default_factory=lambda: array("q"))
    # Flat (anchor-text key, target-URL key) pairs of links to other pages of the same site:
    # a block whose text is another page's headline is a teaser, in any language.
    anchors: array[int] = field(default_factory=lambda: array("q"))
    # Flat (segment key, slot key) pairs: which texts each place in the template held here.
    slots: array[int] = field(default_factory=lambda: array("q"))
    page_type: str = "article"  # article | listing | other
    page_type_reason: str = ""
    raw_chars: int = 0  # visible text characters of the whole page
    truncated_from: int = 0  # characters of a page longer than extraction reads, else 0
    text_source: str = "html"  # html | json_ld (the declared articleBody of a script-built page)
    parts_joined: int = 0  # further pages of an article split over several, joined to this one
    # Blocks the page-local rules removed (headline, dateline, byline, teasers...), as (index
    # in the extraction's block sequence before those rules, text, rule): the audit trail's
    # first part. `blocks` hold the rest of that sequence, in order.
    local_removed: list[tuple[int, str, str]] = field(default_factory=list)
    error: str | None = None  # snake_case reason when nothing usable came out

    def block_positions(self) -> list[int]:
        """Where each of `blocks` stood in the extraction's sequence before the page-local
        rules removed `local_removed` from it."""
        removed = {i for i, _, _ in self.local_removed}
        total = len(self.blocks) + len(removed)
        return [i for i in range(total) if i not in removed]

    @staticmethod
    def pairs(flat: array[int]) -> Iterator[tuple[int, int]]:
        """The (first, second) pairs of a flat pair array such as `anchors` or `slots`."""
        items = iter(flat)
        return zip(items, items, strict=False)

    @property
    def text(self) -> str:
        """The article body: the blocks' text, paragraphs separated by a blank line."""
        return "\n\n".join(b.text for b in self.blocks)
