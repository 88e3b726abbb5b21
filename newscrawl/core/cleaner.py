"""Site-level cleaning: turn page extractions into records with each site's template removed.

Order independence comes from holding pages back: each article page of a site waits until
`hold_pages` more of the site's article pages have been seen (or the crawl ends), so a page
is judged with the evidence of the pages around it, not only of those that came first; its
own teasers' targets have usually arrived by then, and a site of up to `hold_pages` articles
is cleaned all at once, whatever the order. A site whose saved model was already warm when
loaded (a scheduled crawl of a known site) is decided at once. Held pages are
`PageExtraction`s, which carry no HTML, so the cost is bounded by `hold_pages` per site and
`max_held` overall; `max_held` and `flush()` release early rather than ever stall a crawl.
Offline cleaning, which holds every page until the end, keeps them on disk instead (`spool`).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newscrawl.core.pagetype import TOO_SHORT_ARTICLE
from newscrawl.core.spool import Spool
from newscrawl.core.templates import SiteModel, SiteModelStore
from newscrawl.core.types import Block, PageExtraction
from newscrawl.core.urls import registered_domain

__all__ = ["HOLD_PAGES", "MAX_HELD", "CleanResult", "Cleaner"]

logger = logging.getLogger(__name__)

# Pages of a new site held back until its model can tell template from content. Template
# segments repeat on nearly every page, so a dozen pages give MIN_PAGES-fold evidence even for
# per-section boxes; more would delay a small site's first records for little gain.
HOLD_PAGES = 12
# Held pages across all sites; beyond it the site with most held pages is released early so a
# crawl of many new sites at once stays bounded in memory (a held page is ~10-50 kB).
MAX_HELD = 400


# When at least this share of a page's extracted text is other pages' headlines and excerpts,
# the page is a listing: an article quotes a few teasers, never half its own length.
LISTING_TEASER_SHARE = 0.5
_TEASER_RULES = frozenset(["teaser_reference", "teaser_link"])


@dataclass(slots=True)
class CleanResult:
    """The outcome for one page: a record, or the reason it was dropped."""

    token: Any
    record_page: PageExtraction | None = None
    kept: list[Block] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    drop_reason: str | None = None
    chars_removed: int = 0
    fetched_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.drop_reason is None


@dataclass(slots=True)
class _Held:
    token: Any
    page: PageExtraction | tuple[int, int]  # the page, or where the spool keeps it
    fetched_at: datetime | None


class Cleaner:
    """Feed page extractions in with `add`; get results out as soon as they are decided."""

    def __init__(
        self,
        *,
        state_dir: Path | None = None,
        hold_pages: int = HOLD_PAGES,
        max_held: int = MAX_HELD,
        max_sites: int = 256,
        spool: bool = False,
    ) -> None:
        """`spool` keeps held pages on disk (`newscrawl clean`, which holds all of them)."""
        if hold_pages < 0:
            raise ValueError("hold_pages must be >= 0")
        if max_held < 0:
            raise ValueError("max_held must be >= 0")
        self.hold_pages = hold_pages
        self.max_held = max_held
        self.models = SiteModelStore(state_dir, max_sites=max_sites)
        self._held: OrderedDict[str, list[_Held]] = OrderedDict()
        self._held_count = 0
        self._warm: set[str] = set()
        self._seen_sites: set[str] = set()
        self._spool = Spool() if spool else None

    @property
    def held(self) -> int:
        """Pages currently waiting for their site's model."""
        return self._held_count

    def add(
        self, page: PageExtraction, token: Any = None, fetched_at: datetime | None = None
    ) -> list[CleanResult]:
        """Learn from `page` and return every result this makes decidable (maybe none)."""
        site = registered_domain(page.url)
        model = self.models.get(site)
        if site not in self._seen_sites:
            self._seen_sites.add(site)
            if model.articles >= self.hold_pages:
                self._warm.add(site)  # evidence from earlier runs: no need to wait
        if model.observe(page):
            self.models.touch(site)
        if page.page_type != "article" and page.error in (None, "extraction_empty"):
            reason = "too_short" if page.page_type_reason == TOO_SHORT_ARTICLE else "not_article"
            return [self._drop(token, page, reason, fetched_at)]
        if page.error:
            return [self._drop(token, page, page.error, fetched_at)]
        if site in self._warm:
            return [self._finish(_Held(token, page, fetched_at), model)]
        held = self._held.setdefault(site, [])
        held.append(_Held(token, self._spool.put(page) if self._spool else page, fetched_at))
        self._held_count += 1
        out: list[CleanResult] = []
        while len(held) > self.hold_pages:
            self._held_count -= 1
            out.append(self._finish(held.pop(0), model))
        if self._held_count > self.max_held:
            biggest = max(self._held, key=lambda s: len(self._held[s]))
            out.extend(self._release(biggest))
        return out

    def flush(self, site: str | None = None) -> list[CleanResult]:
        """Decide every held page (of one site, or all): the crawl ended or must not wait."""
        return list(self.drain(site))

    def drain(self, site: str | None = None) -> Iterator[CleanResult]:
        """`flush`, one result at a time: the results of a spooled cleaner holding a whole
        archive would not fit in memory together."""
        for s in [site] if site is not None else list(self._held):
            yield from self._release(s)

    def close(self) -> None:
        """Persist every model that learned something."""
        self.models.close()
        if self._spool is not None:
            self._spool.close()

    def _release(self, site: str) -> Iterator[CleanResult]:
        held = self._held.pop(site, [])
        self._held_count -= len(held)
        if held:
            model = self.models.get(site)
            for h in held:
                yield self._finish(h, model)

    def _finish(self, held: _Held, model: SiteModel) -> CleanResult:
        page = held.page
        if not isinstance(page, PageExtraction):
            assert self._spool is not None
            page = self._spool.take(page)
        pid = model.owner_id(page)
        kept: list[Block] = []
        removed: list[dict[str, Any]] = []
        title_key = _title_key(page)
        for index, block in enumerate(page.blocks):
            rule = model.verdict(block, pid)
            if rule is None and index == 0 and block.key == title_key:
                rule = "title_repeat"
            if rule is None:
                kept.append(block)
            else:
                removed.append({"index": index, "text": block.text, "rule": rule})
        chars_removed = sum(len(r["text"]) for r in removed)
        teaser_chars = sum(len(r["text"]) for r in removed if r["rule"] in _TEASER_RULES)
        total_chars = chars_removed + sum(len(b.text) for b in kept)
        if total_chars and teaser_chars / total_chars >= LISTING_TEASER_SHARE:
            # Mostly other pages' headlines and excerpts: a section or listing page that
            # looked like an article on its own.
            result = self._drop(held.token, page, "not_article", held.fetched_at)
            result.removed, result.chars_removed = removed, chars_removed
            return result
        removed = _with_local(removed, page)
        chars_removed = sum(len(r["text"]) for r in removed)
        if model.shared_text(page.description):
            page.description = None  # the site's tagline, on every page
        if not kept:
            result = self._drop(held.token, page, "template_only", held.fetched_at)
            result.removed, result.chars_removed = removed, chars_removed
            return result
        return CleanResult(
            token=held.token,
            record_page=page,
            kept=kept,
            removed=removed,
            chars_removed=chars_removed,
            fetched_at=held.fetched_at or datetime.now(UTC),
        )

    @staticmethod
    def _drop(
        token: Any, page: PageExtraction, reason: str, fetched_at: datetime | None
    ) -> CleanResult:
        return CleanResult(token=token, record_page=page, drop_reason=reason, fetched_at=fetched_at)


def _title_key(page: PageExtraction) -> int | None:
    from newscrawl.core.text import segment_key

    return segment_key(page.title) if page.title else None


def _with_local(removed: list[dict[str, Any]], page: PageExtraction) -> list[dict[str, Any]]:
    """The whole audit trail in one index space, the extraction's blocks before any rule:
    the page-local removals, and the template ones re-indexed from `page.blocks` into it."""
    if not page.local_removed:
        return removed
    positions = page.block_positions()
    trail = [{**entry, "index": positions[entry["index"]]} for entry in removed]
    trail += [{"index": i, "text": text, "rule": rule} for i, text, rule in page.local_removed]
    return sorted(trail, key=lambda entry: int(entry["index"]))
