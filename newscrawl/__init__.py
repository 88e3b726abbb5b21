"""newscrawl: crawl news sites into clean JSONL.

Scrapy spiders fetch pages, a trafilatura-based cleaning stage that learns each site's
repeated template text reduces every page to the article alone, and item pipelines write
validated, de-duplicated JSON Lines.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
