"""Per-site template model: what a site repeats across its pages, and its cross-references.

A promo line, a newsletter pitch or a "Previous article" label is template because the site
prints it on many unrelated pages. A teaser is different: its headline or excerpt belongs to
one other page of the site. The model keeps both kinds of evidence per registered domain:

- `counts`: for each segment key, on how many of the site's pages it appears (anywhere in
  the DOM, nav and footer included, because the census runs before extraction);
- `refs`: for each headline, description or lead paragraph of a page, and each anchor text
  of an internal link, which page it belongs to.

A block is removed only on evidence: repeated on enough of the site's pages, or identical to
another page's headline/excerpt, or link text that points at another page of the site.
Everything is bounded: segments per site, references per site, sites held in memory.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newscrawl.core.text import segment_key
from newscrawl.core.types import Block, PageExtraction
from newscrawl.core.urls import link_key

__all__ = [
    "LONG_SEGMENT_CHARS",
    "MIN_PAGES",
    "MIN_SHARE",
    "SiteModel",
    "SiteModelStore",
]

logger = logging.getLogger(__name__)

# A segment is template only once it was seen on this many distinct pages of the site: a
# sentence two articles share (a quote, a press-release line) must survive, so two is not enough.
MIN_PAGES = 3
# ...and on at least this share of the site's pages. Promos and labels sit on (nearly) every
# page; a fifth still catches per-section boxes while content repeats far more rarely.
MIN_SHARE = 0.2
# Long segments are where real sentences live; they must be site-wide (half the pages) before
# they count as template, so a quote several articles share keeps its place.
LONG_SEGMENT_CHARS = 160
LONG_MIN_SHARE = 0.5
# A block whose text is at least this share link text pointing at another page of the same
# site is a teaser or navigation, not prose (inline links in prose are a small share).
TEASER_LINK_SHARE = 0.8
# A place in the page template (DOM slot) is template when at least this share of the other
# texts seen there are repeated template, and at least SLOT_MIN_TEXTS were seen: a bio box
# slot holds a few repeated bios, a paragraph slot holds hundreds of unique sentences.
SLOT_TEMPLATE_SHARE = 0.6
SLOT_MIN_TEXTS = 2
# Texts sampled per slot and slots per site: enough to tell the two kinds apart, bounded.
SLOT_SAMPLE = 32
MAX_SLOTS_PER_SITE = 5_000
# Teasers quote an article's first sentences; the first blocks long enough to be sentences (a
# promo line above the lead is shorter) are recorded as owned by their page.
LEAD_BLOCKS = 2
MIN_LEAD_CHARS = 60
# Caps that bound one site's model in memory and on disk; when a cap is hit, segments seen on a
# single page go first (they are the vast majority and carry no template evidence).
MAX_SEGMENTS_PER_SITE = 50_000
MAX_REFS_PER_SITE = 50_000
# Distinct pages remembered per site, so a page crawled again is not counted twice.
MAX_PAGE_IDS_PER_SITE = 20_000
# Bumped whenever a key changes meaning (v5: DOM-slot signatures read four attributes only;
# v6: text inside inline SVG, scripts and styles no longer counts).
MODEL_VERSION = 6
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class SiteModel:
    """Evidence about one site's template, learned from its pages."""

    site: str
    pages: int = 0
    articles: int = 0  # pages of those classified as articles (what hold-back waits for)
    counts: dict[int, int] = field(default_factory=dict)
    refs: dict[int, int] = field(default_factory=dict)  # text key -> owning page id
    page_ids: dict[int, None] = field(default_factory=dict)
    # article text identity -> page id it was first counted under: one article under several
    # addresses counts once, and its lead stays its own on each of them
    content_ids: dict[int, int] = field(default_factory=dict)
    # slot key -> texts seen in that place of the template (bounded sample)
    slot_texts: dict[int, dict[int, None]] = field(default_factory=dict)
    # slot key -> its repeated texts, valid while `articles` is unchanged (derived, not saved)
    _slot_cache: dict[int, frozenset[int]] = field(default_factory=dict, repr=False)
    _slot_cache_articles: int = field(default=-1, repr=False)

    def observe(self, page: PageExtraction) -> bool:
        """Count one page's segments and references; False if this page was already counted."""
        pid = page_id(page)
        if pid in self.page_ids:
            return False
        _remember(self.page_ids, pid)
        article = page.page_type == "article" and not page.error
        if article:
            # The same article under another address and no shared canonical URL (tracking
            # parameters, a section path, copies saved twice) is no second page: counted
            # again, three copies would make every paragraph "repeated on the site's pages".
            cid = content_id(page)
            if cid is not None:
                if cid in self.content_ids:
                    return False
                _remember(self.content_ids, cid, pid)
        self.pages += 1
        if article:
            # Segments are counted over article pages only, so a share means "of the site's
            # articles": how many home and section pages a crawl happens to fetch first must
            # not decide whether an author's bio box is template.
            self.articles += 1
            counts = self.counts
            for key in page.page_keys:
                counts[key] = counts.get(key, 0) + 1
            if len(counts) > MAX_SEGMENTS_PER_SITE:
                self._prune_counts()
            slot_texts = self.slot_texts
            for text_key, slot in page.pairs(page.slots):
                texts = slot_texts.get(slot)
                if texts is None:
                    if len(slot_texts) >= MAX_SLOTS_PER_SITE:
                        continue
                    texts = slot_texts[slot] = {}
                if len(texts) < SLOT_SAMPLE:
                    texts[text_key] = None
        refs = self.refs
        for text_key, target in page.pairs(page.anchors):
            _add_ref(refs, text_key, target)
        if page.page_type == "article":
            for text in (page.title, page.description):
                if text:
                    _add_ref(refs, segment_key(text), pid)
            leads = [b for b in page.blocks if len(b.text) >= MIN_LEAD_CHARS][:LEAD_BLOCKS]
            for block in leads:
                _add_ref(refs, block.key, pid)
        if len(refs) > MAX_REFS_PER_SITE:
            for key in list(refs)[: len(refs) - MAX_REFS_PER_SITE]:
                del refs[key]
        return True

    def owner_id(self, page: PageExtraction) -> int:
        """The page id the page's article was first counted under (its own, but for a copy
        of an article already seen at another address)."""
        pid = page_id(page)
        if page.page_type != "article" or not self.content_ids:
            return pid
        cid = content_id(page)
        return pid if cid is None else self.content_ids.get(cid, pid)

    def shared_text(self, text: str | None) -> bool:
        """Whether `text` (a title or description) was seen on several of the site's articles:
        a site's tagline in every page's meta description is no page's description."""
        return bool(text) and self.refs.get(segment_key(text or "")) == -1

    def verdict(self, block: Block, pid: int) -> str | None:
        """Why `block` of page `pid` is not article text, or None to keep it."""
        if block.links_internal and block.link_share >= TEASER_LINK_SHARE:
            return "teaser_link"
        owner = self.refs.get(block.key)
        if owner == pid:
            # This page's own headline, description or lead: content here, however often
            # other pages of the site quote it as a teaser.
            return None
        # A text owned by several pages (owner -1) proves nothing here; only counts can.
        if owner is not None and owner >= 0:
            return "teaser_reference"
        if self._repeated(block.key, len(block.text)):
            return "site_template"
        if block.shape and self._repeated(block.shape, len(block.text)):
            return "site_template_shape"
        if block.slot and self._template_slot(block.slot, block.key):
            return "template_slot"
        return None

    def _template_slot(self, slot: int, key: int) -> bool:
        """The block sits where this site prints template text: most texts seen in that place
        of the page are repeated template (author bios, bylines), so a new one is too."""
        texts = self.slot_texts.get(slot)
        if not texts:
            return False
        if self._slot_cache_articles != self.articles:
            self._slot_cache.clear()
            self._slot_cache_articles = self.articles
        cached = self._slot_cache.get(slot)
        if cached is None:
            cached = self._slot_cache[slot] = frozenset(k for k in texts if self._repeated(k, 0))
        others = len(texts) - (key in texts)
        repeated = len(cached) - (key in cached)
        return others >= SLOT_MIN_TEXTS and repeated >= SLOT_TEMPLATE_SHARE * others

    def _repeated(self, key: int, chars: int) -> bool:
        seen = self.counts.get(key, 0)
        if seen < MIN_PAGES or not self.articles:
            return False
        needed = LONG_MIN_SHARE if chars >= LONG_SEGMENT_CHARS else MIN_SHARE
        return seen / self.articles >= needed

    def _prune_counts(self) -> None:
        singles = [k for k, v in self.counts.items() if v <= 1]
        for key in singles:
            del self.counts[key]
        if len(self.counts) > MAX_SEGMENTS_PER_SITE:
            ranked = sorted(self.counts.items(), key=lambda kv: kv[1], reverse=True)
            self.counts = dict(ranked[: MAX_SEGMENTS_PER_SITE // 2])

    def to_json(self) -> dict[str, Any]:
        return {
            "version": MODEL_VERSION,
            "site": self.site,
            "pages": self.pages,
            "articles": self.articles,
            # Segments seen once too: a model saved after every page (a site evicted from the
            # store between its pages, as in a crawl of more sites than it holds) must still
            # add up. The cap on segments bounds the file.
            "counts": {str(k): v for k, v in self.counts.items()},
            "refs": {str(k): v for k, v in self.refs.items()},
            "page_ids": [str(k) for k in self.page_ids],
            "content_ids": {str(k): v for k, v in self.content_ids.items()},
            "slot_texts": {str(k): [str(t) for t in v] for k, v in self.slot_texts.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SiteModel:
        if data.get("version") != MODEL_VERSION:
            raise ValueError(f"unsupported model version {data.get('version')!r}")
        return cls(
            site=str(data["site"]),
            pages=int(data["pages"]),
            articles=int(data.get("articles", 0)),
            counts={int(k): int(v) for k, v in data["counts"].items()},
            refs={int(k): int(v) for k, v in data["refs"].items()},
            page_ids={int(k): None for k in data["page_ids"]},
            content_ids={int(k): int(v) for k, v in data.get("content_ids", {}).items()},
            slot_texts={
                int(k): {int(t): None for t in v} for k, v in data.get("slot_texts", {}).items()
            },
        )


def _add_ref(refs: dict[int, int], key: int, owner: int) -> None:
    current = refs.get(key)
    if current is None:
        refs[key] = owner
    elif current != owner:
        refs[key] = -1  # the same text points at several pages: a label, owned by none


def _remember(ids: dict[int, Any], key: int, value: Any = None) -> None:
    ids[key] = value
    if len(ids) > MAX_PAGE_IDS_PER_SITE:
        ids.pop(next(iter(ids)))


def content_id(page: PageExtraction) -> int | None:
    """Identity of an article's text: its long blocks (where the sentences are) in order; None
    with fewer than two, too little to tell one article from another."""
    keys = tuple(b.key for b in page.blocks if len(b.text) >= MIN_LEAD_CHARS)
    return segment_key(" ".join(map(str, keys))) if len(keys) >= 2 else None


def page_id(page: PageExtraction) -> int:
    """Identity of the article a page shows (its canonical URL, folded like the dedup key)."""
    return segment_key(link_key(page.canonical_url or page.url))


class SiteModelStore:
    """Site models by site key: an LRU of at most `max_sites` in memory, the rest on disk.

    Models persist as `<state_dir>/templates/<site>.json`; a corrupt file is logged and the
    model rebuilt from scratch, because losing learned evidence costs little and a crawl that
    dies on a bad cache file costs a lot. Without a `state_dir` nothing persists, but the
    models beyond `max_sites` still wait on disk, in a temporary directory removed by `close`:
    a model dropped when another site needs its place would lose what it learned.
    """

    def __init__(self, state_dir: Path | None = None, max_sites: int = 256) -> None:
        if max_sites < 1:
            raise ValueError("max_sites must be >= 1")
        self.persist = state_dir is not None
        self._dir = state_dir / "templates" if state_dir is not None else None
        self._spill: weakref.finalize[Any, Any] | None = None  # removes the temporary one
        self.max_sites = max_sites
        self._models: OrderedDict[str, SiteModel] = OrderedDict()
        self._dirty: set[str] = set()
        self.loaded_from_disk = 0
        self.corrupt_files = 0

    def get(self, site: str) -> SiteModel:
        model = self._models.get(site)
        if model is not None:
            self._models.move_to_end(site)
            return model
        model = self._load(site) or SiteModel(site=site)
        self._models[site] = model
        while len(self._models) > self.max_sites:
            old_site, old = self._models.popitem(last=False)
            self._save(old_site, old)
        return model

    def touch(self, site: str) -> None:
        self._dirty.add(site)

    def save_all(self) -> None:
        if not self.persist:
            return
        for site, model in self._models.items():
            self._save(site, model)

    def close(self) -> None:
        """Persist every model that learned something; remove the temporary directory."""
        self.save_all()
        if self._spill is not None:
            self._spill()
            self._spill, self._dir = None, None

    @property
    def dir(self) -> Path:
        """Where models wait and persist: `<state_dir>/templates`, else a temporary directory
        made when the first model must wait (removed by `close`, or when the store goes)."""
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="newscrawl-models-"))
            self._spill = weakref.finalize(self, shutil.rmtree, self._dir, ignore_errors=True)
        return self._dir

    def __len__(self) -> int:
        return len(self._models)

    def _path(self, site: str) -> Path:
        return self.dir / f"{_SAFE_NAME.sub('_', site) or '_'}.json"

    def _load(self, site: str) -> SiteModel | None:
        if self._dir is None:
            return None  # no state directory, and no model waiting in a temporary one yet
        path = self._path(site)
        if not path.exists():
            return None
        try:
            model = SiteModel.from_json(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.corrupt_files += 1
            logger.warning("template model %s is unreadable (%s); rebuilding it", path, exc)
            return None
        self.loaded_from_disk += 1
        return model

    def _save(self, site: str, model: SiteModel) -> None:
        if site not in self._dirty:
            return  # before `_path`, which makes the temporary directory
        path = self._path(site)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(model.to_json(), fh, separators=(",", ":"))
            os.chmod(tmp, 0o644)  # mkstemp makes it private; state is not a secret
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._dirty.discard(site)
