"""The bundled offline demo news site, its gold texts and a loopback server for it.

We write the site ourselves so that the crawler and the cleaner can be tested, demonstrated and
benchmarked without the internet: every page carries the template clutter of a real news site
(navigation, cookie banner, share bar, promos, related and prev/next teasers, comments), and
`gold.jsonl` records what a perfect extractor should return for each article. The site is
rendered from `articles.json` by `python -m newscrawl.demo.build` into `site/`, which ships as
package data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypedDict

from newscrawl.demo.server import DemoServer, serve

__all__ = ["GOLD_PATH", "SITE_DIR", "DemoServer", "GoldArticle", "load_gold", "serve"]

_HERE = Path(__file__).resolve().parent
#: The static site; serve it with `serve()`, which fills in the ``{{BASE}}`` placeholders.
SITE_DIR = _HERE / "site"
#: One JSON object per article: what a perfect extractor returns. Kept outside `SITE_DIR` so the
#: answers are never crawlable.
GOLD_PATH = _HERE / "gold.jsonl"


class GoldArticle(TypedDict):
    """One line of `gold.jsonl`.

    `text` holds the article's paragraphs in order, separated by a blank line; subheadings, each
    list item and quotations count as paragraphs, figure captions do not.
    """

    path: str
    title: str
    text: str
    authors: list[str]
    published: str
    modified: str | None
    tags: list[str]
    section: str


def load_gold(path: Path = GOLD_PATH) -> list[GoldArticle]:
    """Read the gold records, in site order, so tests and benchmarks score against one truth."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
