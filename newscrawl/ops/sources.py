"""The sources file: which sites to crawl, how often, and with which politeness settings.

A deployment crawls a handful to a few hundred sites, each on its own rhythm and with its own
manners (a slow site gets a longer delay, a strict one its own user agent). They live in one
TOML file (stdlib `tomllib`) rather than in Scrapy settings because the scheduler needs them
before any crawl process exists. Mistakes are caught on load, with the source and key named,
so a typo never silently falls back to a default in a crawl that runs at 3 a.m.

    [defaults]                 # optional: keys every source inherits
    schedule = "6h"

    [sources.demo]
    start_urls = ["{demo}/"]
    sitemap_urls = ["{demo}/robots.txt"]
    schedule = "30m"           # or a cron expression: "*/30 * * * *"
    max_articles = 200
    since = "2d"               # only articles of the last two days (or a date: "2024-05-01")
    [sources.demo.settings]    # any Scrapy or NEWSCRAWL_* setting, type-checked
    DOWNLOAD_DELAY = 1.0
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newscrawl.core.since import parse_since
from newscrawl.exceptions import ConfigError
from newscrawl.ops.schedules import Schedule, parse_schedule

__all__ = ["MANAGED_SETTINGS", "Source", "check_setting_string", "load_sources", "parse_sources"]

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_URL_KEYS = ("start_urls", "sitemap_urls", "feed_urls")
_SOURCE_KEYS = frozenset(
    [
        *_URL_KEYS,
        "url_file",
        "allowed_domains",
        "schedule",
        "max_articles",
        "follow_links",
        "discover",
        "since",
        "enabled",
        "settings",
    ]
)
# The scheduler sets these per run (where the output and the job state go); a source that set
# them would make two runs write into one file.
MANAGED_SETTINGS = frozenset(
    [
        "NEWSCRAWL_OUTPUT",
        "NEWSCRAWL_OUTPUT_DIR",
        "NEWSCRAWL_RUN_ID",
        "NEWSCRAWL_STATE_DIR",
        "JOBDIR",
    ]
)
DEFAULT_SCHEDULE = "1d"


@dataclass
class Source:
    """One site (or group of sites) crawled as one `news` spider run."""

    name: str
    schedule: Schedule
    start_urls: list[str] = field(default_factory=list)
    sitemap_urls: list[str] = field(default_factory=list)
    feed_urls: list[str] = field(default_factory=list)
    # A list of pages to fetch as they are (read at each run; relative to the sources file).
    url_file: str = ""
    allowed_domains: list[str] = field(default_factory=list)
    max_articles: int = 0
    follow_links: bool = True
    # Read the feeds and news sitemaps the start pages' sites declare; None: as follow_links.
    discover: bool | None = None
    since: str = ""  # an age ("2d") or a date, measured when each run starts
    enabled: bool = True
    settings: dict[str, Any] = field(default_factory=dict)

    def spider_args(self) -> dict[str, str]:
        """Arguments for `scrapy crawl news -a ...`."""
        args = {"source": self.name}
        for key in (*_URL_KEYS, "allowed_domains"):
            values = getattr(self, key)
            if values:
                args[key] = ",".join(values)
        if self.url_file:
            args["url_file"] = self.url_file
        if self.max_articles:
            args["max_articles"] = str(self.max_articles)
        if not self.follow_links:
            args["follow_links"] = "false"
        if self.discover is not None:
            args["discover"] = str(self.discover).lower()
        if self.since:
            args["since"] = self.since
        return args

    def setting_args(self) -> dict[str, str]:
        """The per-source settings as `-s NAME=VALUE` strings (JSON for lists and tables)."""
        out = {}
        for key, value in self.settings.items():
            if isinstance(value, bool):
                out[key] = "True" if value else "False"
            elif isinstance(value, list | dict):
                out[key] = json.dumps(value)
            else:
                out[key] = str(value)
        return out


def load_sources(
    path: Path, variables: dict[str, str] | None = None, only: Collection[str] | None = None
) -> list[Source]:
    """Read and check a sources file; ConfigError names the file, source and key at fault.

    `variables` fill `{name}` placeholders in URLs (`{demo}`: the demo server's base URL);
    None leaves them as written, for commands that only need names and schedules. With
    `only`, the other sources are checked but their placeholders are not filled.
    """
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: sources file not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    try:
        sources = parse_sources(data, variables, only)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    for source in sources:
        if source.url_file:
            source.url_file = str((Path(path).parent / source.url_file).resolve())
    return sources


def parse_sources(
    data: dict[str, Any],
    variables: dict[str, str] | None = None,
    only: Collection[str] | None = None,
) -> list[Source]:
    """Check parsed TOML (top-level `defaults` and `sources` tables) and build the sources."""
    unknown = set(data) - {"defaults", "sources"}
    if unknown:
        raise ConfigError(
            f"unknown top-level key(s) {sorted(unknown)}: use [defaults] and [sources.NAME]"
        )
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise ConfigError("[defaults] must be a table")
    _check_keys("[defaults]", defaults)
    tables = data.get("sources", {})
    if not isinstance(tables, dict) or not tables:
        raise ConfigError("no sources: add a [sources.NAME] table")
    sources = []
    for name, table in tables.items():
        where = f"source {name!r}"
        if not _NAME.match(name):
            raise ConfigError(f"{where}: name must be lowercase letters, digits, '-' or '_'")
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: must be a table ([sources.{name}])")
        _check_keys(where, table)
        merged = {**defaults, **table}
        merged["settings"] = {**defaults.get("settings", {}), **table.get("settings", {})}
        wanted = only is None or name in only
        sources.append(_build(name, merged, variables if wanted else None))
    return sources


def _check_keys(where: str, table: dict[str, Any]) -> None:
    for key in table:
        if key not in _SOURCE_KEYS:
            known = ", ".join(sorted(_SOURCE_KEYS))
            raise ConfigError(f"{where}: unknown key {key!r} (known: {known})")


def _build(name: str, t: dict[str, Any], variables: dict[str, str] | None) -> Source:
    where = f"source {name!r}"
    urls: dict[str, list[str]] = {}
    for key in _URL_KEYS:
        urls[key] = [_url(where, key, u, variables) for u in _str_list(where, key, t.get(key))]
    url_file = _typed(where, "url_file", t.get("url_file", ""), str)
    if not (any(urls.values()) or url_file):
        raise ConfigError(f"{where}: needs start_urls, sitemap_urls, feed_urls or url_file")
    domains = _str_list(where, "allowed_domains", t.get("allowed_domains"))
    try:
        text = _typed(where, "schedule", t.get("schedule", DEFAULT_SCHEDULE), str)
        schedule = parse_schedule(text)
    except ValueError as exc:
        raise ConfigError(f"{where}: key 'schedule': {exc}") from None
    max_articles = _typed(where, "max_articles", t.get("max_articles", 0), int)
    if max_articles < 0:
        raise ConfigError(f"{where}: key 'max_articles' must be >= 0, got {max_articles}")
    since = _typed(where, "since", t.get("since", ""), str)
    try:
        parse_since(since)
    except ValueError as exc:
        raise ConfigError(f"{where}: key {exc}") from None
    settings = t.get("settings", {})
    if not isinstance(settings, dict):
        raise ConfigError(f"{where}: key 'settings' must be a table")
    for key, value in settings.items():
        _check_setting(where, key, value)
    return Source(
        name=name,
        schedule=schedule,
        url_file=url_file,
        allowed_domains=domains,
        max_articles=max_articles,
        follow_links=_typed(where, "follow_links", t.get("follow_links", True), bool),
        discover=_typed(where, "discover", t["discover"], bool) if "discover" in t else None,
        since=since,
        enabled=_typed(where, "enabled", t.get("enabled", True), bool),
        settings=dict(settings),
        **urls,
    )


def _typed(where: str, key: str, value: Any, kind: type) -> Any:
    # bool is an int in Python; `max_articles = true` is a mistake, not 1.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{where}: key {key!r} must be a {kind.__name__}, got {value!r}")
    return value


def _str_list(where: str, key: str, value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: key {key!r} must be a list of non-empty strings")
    return [v.strip() for v in value]


def _url(where: str, key: str, url: str, variables: dict[str, str] | None) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if variables is None:
            return "http://placeholder.invalid"
        if name not in variables:
            hint = " (run with --demo to serve the demo site)" if name == "demo" else ""
            raise ConfigError(f"{where}: key {key!r}: placeholder {{{name}}} has no value{hint}")
        return variables[name].rstrip("/")

    filled = _PLACEHOLDER.sub(fill, url)
    parts = urlsplit(filled)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: key {key!r}: not an http(s) URL: {url!r}")
    return url if variables is None else filled


@cache
def _known_settings() -> dict[str, Any]:
    """Every Scrapy and newscrawl setting with its default (built once: read, never changed)."""
    from scrapy.settings import default_settings

    from newscrawl import settings as project

    known = {k: getattr(default_settings, k) for k in dir(default_settings) if k.isupper()}
    known.update({k: getattr(project, k) for k in dir(project) if k.isupper()})
    return known


_BOOL_WORDS = frozenset(["True", "true", "False", "false"])  # with integers, what getbool takes


def check_setting_string(key: str, value: str) -> None:
    """Reject a `-s NAME=VALUE` that Scrapy would take but newscrawl cannot use.

    A misspelt NEWSCRAWL_* name would be ignored without a word, and a value that is no
    number for a numeric setting fails only once the crawl is under way, with a traceback.
    Other names pass: add-ons and middlewares define settings of their own.
    """
    known = _known_settings()
    if key not in known:
        if key.startswith("NEWSCRAWL_"):
            close = difflib.get_close_matches(key, [k for k in known if "NEWSCRAWL_" in k], 1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ConfigError(f"setting {key!r} is not a newscrawl setting{hint}")
        return
    default = known[key]
    if isinstance(default, bool):
        ok = value in _BOOL_WORDS or value.strip().lstrip("+-").isdigit()
        kind = "True or False"
    elif isinstance(default, int | float):
        kind = "an integer" if isinstance(default, int) else "a number"
        try:
            (int if isinstance(default, int) else float)(value)
            ok = True
        except ValueError:
            ok = False
    else:
        return
    if not ok:
        raise ConfigError(f"setting {key!r} must be {kind}, got {value!r}")


def _check_setting(where: str, key: str, value: Any) -> None:
    label = f"{where}: setting {key!r}"
    if key in MANAGED_SETTINGS:
        raise ConfigError(f"{label} is set by the scheduler for each run and cannot be overridden")
    known = _known_settings()
    if key not in known:
        raise ConfigError(f"{label} is not a Scrapy or newscrawl setting")
    default = known[key]
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif isinstance(default, str):
        ok = isinstance(value, str)
    else:
        ok = not isinstance(value, bool) or default is None
    if not ok:
        raise ConfigError(f"{label} must be a {type(default).__name__}, got {value!r}")
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        raise ConfigError(f"{label} must be >= 0, got {value!r}")
