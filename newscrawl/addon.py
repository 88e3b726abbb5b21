"""Scrapy add-on: use newscrawl's cleaning pipeline from another Scrapy project in one line.

    ADDONS = {"newscrawl.addon.NewscrawlAddon": 100}

Registers the pipelines and the stats-file extension at fixed priorities and supplies every
`NEWSCRAWL_*` default from `newscrawl.settings` (the one place they are declared), without
overriding what the host project sets itself. Spiders then yield `newscrawl.items.RawPage`.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings

from newscrawl import settings as defaults

__all__ = ["NewscrawlAddon"]


class NewscrawlAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        for name in dir(defaults):
            if name.startswith("NEWSCRAWL_"):
                settings.set(name, getattr(defaults, name), priority="addon")
        pipelines = settings.getdict("ITEM_PIPELINES")
        for path, order in defaults.ITEM_PIPELINES.items():
            pipelines.setdefault(path, order)
        settings.set("ITEM_PIPELINES", pipelines, priority="addon")
        extensions = settings.getdict("EXTENSIONS")
        for path, order in defaults.EXTENSIONS.items():
            extensions.setdefault(path, order)
        settings.set("EXTENSIONS", extensions, priority="addon")
        settings.set("LOG_FORMATTER", defaults.LOG_FORMATTER, priority="addon")
        settings.set(
            "SCRAPER_SLOT_MAX_ACTIVE_SIZE", defaults.SCRAPER_SLOT_MAX_ACTIVE_SIZE, priority="addon"
        )
