"""The Scrapy components operations add, and settings that register whichever are missing.

Scheduled crawls need the incremental middleware and pipeline and the JOBDIR guard. The
project settings register them; this module lets the scheduler (and tests) run a crawl with
them even under settings that do not, without overriding a registration that exists: it
returns `-s` values only for the component dicts that lack an entry.
"""

from __future__ import annotations

import json
import os
from typing import Any

__all__ = ["COMPONENTS", "missing_component_settings"]

# setting -> {component path: priority}. The downloader middleware runs last on responses
# (it sees the final, redirected and decompressed response); the spider middleware filters the
# requests callbacks yield (its place among Scrapy's own does not matter); the pipeline sits
# after dedup and before the writer; the guard must be built before the scheduler opens the
# JOBDIR, which every extension is.
COMPONENTS: dict[str, dict[str, int]] = {
    "DOWNLOADER_MIDDLEWARES": {"newscrawl.middlewares.IncrementalMiddleware": 50},
    "SPIDER_MIDDLEWARES": {"newscrawl.middlewares.IncrementalSpiderMiddleware": 600},
    "ITEM_PIPELINES": {"newscrawl.pipelines.incremental.IncrementalPipeline": 650},
    "EXTENSIONS": {"newscrawl.ops.jobdir.JobdirGuard": 0},
}


def missing_component_settings(settings: Any = None) -> dict[str, str]:
    """JSON `-s` values adding our components to the component dicts that lack them."""
    if settings is None:
        from scrapy.settings import Settings

        # The module the crawl process will load (the scheduler sets the same default).
        settings = Settings()
        settings.setmodule(os.environ.get("SCRAPY_SETTINGS_MODULE") or "newscrawl.settings")
    out = {}
    for name, components in COMPONENTS.items():
        current = {str(k): v for k, v in settings.getdict(name).items()}
        if all(path in current for path in components):
            continue
        out[name] = json.dumps({**current, **components})
    return out
