"""Typed model of the demo site's content, loaded from ``articles.json``.

The renderer, the feeds and the gold file all derive from this one model, so the HTML and the
gold text cannot drift apart: the gold paragraphs come from the same blocks the page shows.
Relations between articles (section order, related stories, "most read") are computed here
deterministically, because the built site is committed and must rebuild byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = [
    "Article",
    "Author",
    "Block",
    "Comment",
    "Section",
    "Site",
    "load_site",
    "plain_text",
    "slugify",
]

#: Inline links inside paragraph text: ``[words](/world/)`` (root-relative) or ``[words](@slug)``.
LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
BLOCK_TYPES = frozenset({"p", "h2", "quote", "ul", "figure"})
# Related stories per article: three is what most news templates show under the body.
RELATED_COUNT = 3
MOST_READ_COUNT = 5


def slugify(text: str) -> str:
    """Lower-case ASCII slug, the way CMSes build URL paths from headlines and tag names."""
    text = re.sub(r"(?<=\d),(?=\d)|'", "", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def plain_text(text: str) -> str:
    """Drop inline link markup, keeping the link words, as a reader would see the sentence."""
    return LINK_RE.sub(r"\1", text)


@dataclass(frozen=True)
class Section:
    slug: str
    name: str
    description: str

    @property
    def path(self) -> str:
        return f"/{self.slug}/"

    def page_path(self, page: int) -> str:
        return self.path if page == 1 else f"/{self.slug}/page/{page}/"


@dataclass(frozen=True)
class Author:
    name: str
    role: str
    bio: str

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def path(self) -> str:
        return f"/author/{self.slug}/"


@dataclass(frozen=True)
class Comment:
    user: str
    text: str


@dataclass(frozen=True)
class Block:
    """One body block; `kind` is p, h2, quote, ul or figure."""

    kind: str
    text: str = ""
    items: tuple[str, ...] = ()
    alt: str = ""
    caption: str = ""
    credit: str = ""

    def paragraphs(self) -> list[str]:
        """The block's contribution to the gold text: captions are not article text."""
        if self.kind == "figure":
            return []
        if self.kind == "ul":
            return [plain_text(item) for item in self.items]
        return [plain_text(self.text)]


@dataclass(frozen=True)
class Article:
    title: str
    slug: str
    section: Section
    authors: tuple[Author, ...]
    published: datetime
    modified: datetime | None
    tags: tuple[str, ...]
    summary: str
    body: tuple[Block, ...]
    comments: tuple[Comment, ...]
    published_raw: str
    modified_raw: str | None

    @property
    def path(self) -> str:
        return f"/{self.section.slug}/{self.published:%Y/%m/%d}/{self.slug}.html"

    @property
    def image_path(self) -> str:
        return f"/static/img/{self.slug}.svg"

    @property
    def last_modified(self) -> datetime:
        return self.modified or self.published

    def paragraphs(self) -> list[str]:
        return [para for block in self.body for para in block.paragraphs()]

    def gold(self) -> dict[str, Any]:
        """The record a perfect extractor would produce for this page."""
        return {
            "path": self.path,
            "title": self.title,
            "text": "\n\n".join(self.paragraphs()),
            "authors": [author.name for author in self.authors],
            "published": self.published_raw,
            "modified": self.modified_raw,
            "tags": list(self.tags),
            "section": self.section.name,
        }


@dataclass(frozen=True)
class Site:
    name: str
    tagline: str
    description: str
    language: str
    sections: tuple[Section, ...]
    authors: tuple[Author, ...]
    articles: tuple[Article, ...]  # oldest first: the order of gold.jsonl

    def newest_first(self, articles: tuple[Article, ...] | None = None) -> list[Article]:
        pool = self.articles if articles is None else articles
        return sorted(pool, key=lambda a: (a.published, a.slug), reverse=True)

    def in_section(self, section: Section) -> list[Article]:
        return self.newest_first(tuple(a for a in self.articles if a.section == section))

    def with_tag(self, tag: str) -> list[Article]:
        return self.newest_first(tuple(a for a in self.articles if tag in a.tags))

    def by_author(self, author: Author) -> list[Article]:
        return self.newest_first(tuple(a for a in self.articles if author in a.authors))

    def tags(self) -> list[str]:
        return sorted({tag for a in self.articles for tag in a.tags}, key=slugify)

    def neighbours(self, article: Article) -> tuple[Article, Article]:
        """Previous (older) and next (newer) story in the section, wrapping at the ends.

        Wrapping gives every article page the prev/next teasers, which is the clutter we need
        to see on every page, and matches templates that always fill both slots.
        """
        ordered = list(reversed(self.in_section(article.section)))
        i = ordered.index(article)
        return ordered[i - 1], ordered[(i + 1) % len(ordered)]

    def related(self, article: Article) -> list[Article]:
        """Stories sharing tags (then section), nearest in time first, as CMS widgets pick."""

        def key(other: Article) -> tuple[int, float, str]:
            score = 2 * len(set(other.tags) & set(article.tags))
            score += other.section == article.section
            gap = abs((other.published - article.published).total_seconds())
            return (-score, gap, other.slug)

        others = [a for a in self.articles if a is not article]
        return sorted(others, key=key)[:RELATED_COUNT]

    def most_read(self) -> list[Article]:
        """A fixed pseudo-popular list: a hash, so it is stable yet unrelated to date order."""
        return sorted(self.articles, key=lambda a: hashlib.sha1(a.slug.encode()).hexdigest())[
            :MOST_READ_COUNT
        ]

    def resolve_link(self, target: str) -> str:
        """Turn an inline link target into a root-relative URL (``@slug`` names an article)."""
        if target.startswith("@"):
            for article in self.articles:
                if article.slug == target[1:]:
                    return article.path
            raise ValueError(f"inline link to unknown article slug {target[1:]!r}")
        if not target.startswith("/"):
            raise ValueError(f"inline link must be root-relative or @slug: {target!r}")
        return target


def _block(raw: dict[str, Any], where: str) -> Block:
    kind = raw.get("type")
    if kind not in BLOCK_TYPES:
        raise ValueError(f"{where}: unknown body block type {kind!r}")
    return Block(
        kind=kind,
        text=raw.get("text", ""),
        items=tuple(raw.get("items", ())),
        alt=raw.get("alt", ""),
        caption=raw.get("caption", ""),
        credit=raw.get("credit", ""),
    )


def load_site(path: Path) -> Site:
    """Load and check ``articles.json``; a broken reference fails loudly, never renders."""
    data = json.loads(path.read_text(encoding="utf-8"))
    sections = {
        s["slug"]: Section(s["slug"], s["name"], s["description"]) for s in data["sections"]
    }
    authors = {a["name"]: Author(a["name"], a["role"], a["bio"]) for a in data["authors"]}
    articles = []
    for raw in data["articles"]:
        where = f"article {raw.get('slug')!r}"
        if raw["section"] not in sections:
            raise ValueError(f"{where}: unknown section {raw['section']!r}")
        unknown = [name for name in raw["authors"] if name not in authors]
        if unknown:
            raise ValueError(f"{where}: unknown authors {unknown}")
        articles.append(
            Article(
                title=raw["title"],
                slug=raw["slug"],
                section=sections[raw["section"]],
                authors=tuple(authors[name] for name in raw["authors"]),
                published=datetime.fromisoformat(raw["published"]),
                modified=datetime.fromisoformat(raw["modified"]) if raw["modified"] else None,
                tags=tuple(raw["tags"]),
                summary=raw["summary"],
                body=tuple(_block(b, where) for b in raw["body"]),
                comments=tuple(Comment(c["user"], c["text"]) for c in raw.get("comments", ())),
                published_raw=raw["published"],
                modified_raw=raw["modified"],
            )
        )
    slugs = [a.slug for a in articles]
    if len(set(slugs)) != len(slugs):
        raise ValueError("duplicate article slugs in articles.json")
    pub = data["publication"]
    site = Site(
        name=pub["name"],
        tagline=pub["tagline"],
        description=pub["description"],
        language=pub["language"],
        sections=tuple(sections.values()),
        authors=tuple(authors.values()),
        articles=tuple(sorted(articles, key=lambda a: (a.published, a.slug))),
    )
    for article in site.articles:
        for block in article.body:
            for text in (block.text, *block.items):
                for _, target in LINK_RE.findall(text):
                    site.resolve_link(target)
    return site
