"""The project's exception hierarchy: one base class, named so it never shadows Scrapy's."""

from __future__ import annotations

__all__ = ["ConfigError", "NewscrawlError"]


class NewscrawlError(Exception):
    """Base class of every error newscrawl raises on purpose."""


class ConfigError(NewscrawlError):
    """A setting, argument or sources file has a bad value; the message names it."""
