"""What an extraction worker runs: `extract_page`, imported on the first call.

The crawler process only schedules pages and never parses one, so it should not pay for
trafilatura, htmldate and their dependencies (about 15 MB resident). A pool pickles its task
function by module and name; naming this module's `extract` keeps that import out of the
crawler and puts it in the workers, where it happens once per worker.
"""

from __future__ import annotations

import importlib
import signal
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newscrawl.core.types import ArticlePart, PageExtraction

__all__ = ["extract", "start"]


def start() -> None:
    """Worker initializer: ignore Ctrl+C and load the extractor before the first page.

    Ctrl+C reaches the whole process group; the crawler shuts down gracefully on it, and the
    workers must keep extracting the pages it is still finishing rather than die mid-page.
    Importing here keeps the import (about half a second) out of the first page's timeout.

    Workers never detect languages (the parent does, once, on the clean text, with CLD2), yet
    trafilatura imports py3langid, and numpy with it, whenever it is installed (as with
    `trafilatura[all]`): about 12 MB in every worker. A worker process marks it absent first,
    which trafilatura takes as "not installed".
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.modules.setdefault("py3langid", None)  # type: ignore[arg-type]
    importlib.import_module("newscrawl.core.extract")


def extract(
    html: str | bytes,
    url: str,
    *,
    fetched_at: datetime | None = None,
    encoding: str | None = None,
    parts: Sequence[ArticlePart] = (),
) -> PageExtraction:
    """`newscrawl.core.extract.extract_page`, loaded on first use."""
    from newscrawl.core.extract import extract_page

    return extract_page(html, url, fetched_at=fetched_at, encoding=encoding, parts=parts)
