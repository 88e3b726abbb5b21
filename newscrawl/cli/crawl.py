"""Crawl sites with the `news` spider into JSONL (a friendlier `scrapy crawl news`).

Each crawl runs in its own process (`python -m scrapy crawl news`): Twisted's reactor cannot
be restarted inside one process, and a crashed crawl must not take the caller with it. The
child runs in its own session and this process passes it each SIGINT, SIGTERM and SIGHUP it
gets, once: Ctrl-C, `kill` and service managers stop the crawl the way Scrapy stops cleanly
(a second signal forces it), and never leave it running behind a parent that has exited.

Exit status: 0 for a crawl that fetched pages and finished, 1 for a failed crawl or one that
fetched no HTML page at all (a dead server, a typo in a host name), 130 for an interrupted one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newscrawl.cli.common import CliError, check_output
from newscrawl.core.since import parse_since
from newscrawl.exceptions import ConfigError
from newscrawl.ops.sources import check_setting_string
from newscrawl.pipelines.writer import dated_path, default_run_id, stats_path
from newscrawl.spiders.discovery import read_url_list

__all__ = ["CrawlOutcome", "add_arguments", "default_output", "run", "run_crawl"]

# In a terminal, a line this often tells how far the crawl has got.
PROGRESS_SECONDS = 30.0
# Exit status of an interrupted crawl, as shells report a process stopped by SIGINT.
EXIT_INTERRUPTED = 130
_FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass
class CrawlOutcome:
    returncode: int
    output: Path
    stats_path: Path
    summary: dict[str, Any]
    interrupted: bool = False


def default_output(spider: str = "news", run_id: str | None = None) -> Path:
    """output/<spider>/<YYYY-MM-DD>/<run-id>.jsonl under the current directory."""
    return dated_path(Path("output"), spider, run_id or default_run_id())


def run_crawl(
    spider_args: dict[str, str],
    settings: dict[str, str],
    *,
    output: Path,
    log_level: str = "WARNING",
    log_file: Path | None = None,
    progress_every: float = 0,
) -> CrawlOutcome:
    """Run `scrapy crawl news` in a child process writing to `output`; return its summary.

    With `progress_every`, a line on stderr every that many seconds tells how many records
    the output has gained so far.
    """
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-L", log_level]
    for key, value in spider_args.items():
        cmd += ["-a", f"{key}={value}"]
    merged = {**settings, "NEWSCRAWL_OUTPUT": str(output), "NEWSCRAWL_PARENT_PID": str(os.getpid())}
    for key, value in merged.items():
        cmd += ["-s", f"{key}={value}"]
    if log_file is not None:
        cmd += ["--logfile", str(log_file)]
    env = dict(os.environ)
    env.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    progress = _Progress(output) if progress_every > 0 else None
    returncode, interrupted = _run_forwarding_signals(cmd, env, progress, progress_every)
    summary_path = stats_path(output)
    summary: dict[str, Any] = {}
    if summary_path.exists():
        summary = json.loads(summary_path.read_text("utf-8")).get("summary", {})
    return CrawlOutcome(returncode, output, summary_path, summary, interrupted)


class _Progress:
    """Counts the records a running crawl adds to its output, reading only the new bytes."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.start = time.monotonic()
        self.offset = output.stat().st_size if output.exists() else 0
        self.records = 0

    def __call__(self) -> None:
        if self.output.exists():
            with self.output.open("rb") as fh:
                fh.seek(self.offset)
                new = fh.read()
            self.records += new.count(b"\n")
            self.offset += len(new)
        minutes, seconds = divmod(int(time.monotonic() - self.start), 60)
        print(
            f"[{minutes}m{seconds:02d}s] {self.records} article(s) written to {self.output}",
            file=sys.stderr,
            flush=True,
        )


def _run_forwarding_signals(
    cmd: list[str],
    env: dict[str, str],
    progress: Callable[[], None] | None = None,
    every: float = 0,
) -> tuple[int, bool]:
    """Run `cmd` in its own session, passing it the stop signals this process receives."""
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    received: list[int] = []

    def forward(signum: int, frame: Any) -> None:
        received.append(signum)
        if proc.poll() is None:  # Scrapy stops cleanly on SIGINT and SIGTERM, not on SIGHUP
            proc.send_signal(signal.SIGTERM if signum == signal.SIGHUP else signum)

    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, forward) for sig in _FORWARDED}
    try:
        while True:
            try:
                returncode = proc.wait(timeout=every if progress is not None else None)
                break
            except subprocess.TimeoutExpired:
                assert progress is not None
                progress()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if proc.poll() is None:  # this process is being torn down: take the crawl with it
            proc.kill()
            proc.wait()
    return returncode, bool(received)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("urls", nargs="*", metavar="URL", help="start pages (home, sections)")
    parser.add_argument(
        "--sitemap",
        action="append",
        default=[],
        metavar="URL",
        help="sitemap or sitemap index URL (repeatable; robots.txt works too)",
    )
    parser.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="URL",
        help="RSS or Atom feed URL (repeatable)",
    )
    parser.add_argument(
        "--urls",
        dest="url_file",
        type=Path,
        default=None,
        metavar="FILE",
        help="pages to fetch as they are, links not followed: one URL a line, or a CSV/TSV "
        "whose header names a url column ('-': standard input)",
    )
    parser.add_argument(
        "--allowed-domain",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="domains to stay within (default: those of the given URLs)",
    )
    parser.add_argument(
        "--max-articles",
        type=int,
        default=None,
        metavar="N",
        help="stop after N articles are written",
    )
    parser.add_argument(
        "--since",
        default=None,
        metavar="AGE|DATE",
        help="only articles published since: an age (7d, 36h, 2w) or a date (2024-05-01); "
        "older sitemap and feed entries are not fetched",
    )
    parser.add_argument(
        "--no-follow",
        action="store_true",
        help="fetch only what sitemaps and feeds list, follow no links",
    )
    parser.add_argument(
        "--no-discover",
        action="store_true",
        help="read no feeds or sitemaps but those given (by default, unless --no-follow, the "
        "feeds a start page declares and the news sitemaps of its site's robots.txt are read "
        "too)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="JSONL output (default output/news/<date>/<run-id>.jsonl)",
    )
    parser.add_argument("--run-id", default=None, help="run id for the default output name")
    parser.add_argument(
        "--audit", action="store_true", help="keep what cleaning removed, and why, in each record"
    )
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any Scrapy or NEWSCRAWL_* setting (repeatable)",
    )
    parser.add_argument(
        "--log-level",
        default="WARNING",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
        help="Scrapy's log level (default WARNING; INFO shows settings, components, stats)",
    )


def parse_settings(pairs: list[str]) -> dict[str, str]:
    """`-s NAME=VALUE` pairs as a dict; misspelt NEWSCRAWL_* names and non-numbers rejected."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CliError(f"bad setting {pair!r}: expected NAME=VALUE", code=2)
        try:
            check_setting_string(name.strip(), value)
        except ConfigError as exc:
            raise CliError(str(exc), code=2) from None
        out[name.strip()] = value
    return out


def check_urls(urls: list[str], option: str) -> None:
    """Every URL must be http(s) with a host; a bare host gets a suggestion."""
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.hostname:
            continue
        bare = "://" not in url and not url.startswith(("http:", "https:", "http/", "https/"))
        hint = f" (did you mean http://{url}?)" if bare else ""
        raise CliError(f"{option}: not an http(s) URL: {url!r}{hint}", code=2)


@contextmanager
def _url_list(path: Path | None) -> Iterator[Path | None]:
    """The checked URL list to give the spider (a copy of standard input for '-'), or None."""
    if path is None:
        yield None
        return
    if str(path) == "-":
        if sys.stdin.isatty():
            print("reading URLs from standard input, one a line (end with Ctrl-D)", file=sys.stderr)
        with tempfile.NamedTemporaryFile("wb", suffix=".txt") as copy:
            shutil.copyfileobj(sys.stdin.buffer, copy)  # bytes: the list decodes them
            copy.flush()
            yield _checked(Path(copy.name), "-")
        return
    yield _checked(path.resolve(), str(path))


def _checked(path: Path, name: str) -> Path:
    """`path`, once every line of it is read as a URL; a CliError (usage) names the first
    that is not one, or the file that cannot be read or lists none."""
    try:
        count = sum(1 for _ in read_url_list(path))
    except OSError as exc:
        raise CliError(f"--urls: cannot read {name}: {exc.strerror or exc}", code=2) from None
    except ValueError as exc:
        raise CliError(f"--urls: {str(exc).replace(str(path), name, 1)}", code=2) from None
    if not count:
        raise CliError(f"--urls: {name} lists no URL", code=2)
    return path


def run(args: argparse.Namespace) -> int:
    if not (args.urls or args.sitemap or args.feed or args.url_file):
        raise CliError("give at least one URL, --sitemap, --feed or --urls", code=2)
    for domain in args.allowed_domain:
        if "/" in domain or ":" in domain or not domain.strip("."):
            raise CliError(f"--allowed-domain: give a domain like example.com, not {domain!r}", 2)
    check_urls(args.urls, "URL")
    check_urls(args.sitemap, "--sitemap")
    check_urls(args.feed, "--feed")
    if args.max_articles is not None and args.max_articles < 1:
        raise CliError("--max-articles must be >= 1", code=2)
    try:
        # Resolved now, so that the cut-off is when the command was given, not a child's start.
        cutoff = parse_since(args.since)
    except ValueError as exc:
        raise CliError(f"--{exc}", code=2) from None
    spider_args: dict[str, str] = {}
    with _url_list(args.url_file) as url_file:
        if url_file is not None:
            spider_args["url_file"] = str(url_file)
        return _run(args, spider_args, cutoff)


def _run(args: argparse.Namespace, spider_args: dict[str, str], cutoff: datetime | None) -> int:
    """The rest of `run`, while its URL list (a copy, for standard input) is in place."""
    if args.urls:
        spider_args["start_urls"] = ",".join(args.urls)
    if args.sitemap:
        spider_args["sitemap_urls"] = ",".join(args.sitemap)
    if args.feed:
        spider_args["feed_urls"] = ",".join(args.feed)
    if args.allowed_domain:
        spider_args["allowed_domains"] = ",".join(args.allowed_domain)
    if args.max_articles:
        spider_args["max_articles"] = str(args.max_articles)
    if args.no_follow:
        spider_args["follow_links"] = "false"
    if args.no_discover:
        spider_args["discover"] = "false"
    if cutoff is not None:
        spider_args["since"] = cutoff.isoformat()
    settings = parse_settings(args.set)
    if args.audit:
        settings["NEWSCRAWL_CLEAN_AUDIT"] = "True"
    # -o, else -s NEWSCRAWL_OUTPUT, else the dated default named by --run-id or -s NEWSCRAWL_RUN_ID.
    from_setting = settings.pop("NEWSCRAWL_OUTPUT", None)
    chosen = args.output or from_setting
    run_id = args.run_id or settings.get("NEWSCRAWL_RUN_ID") or None
    output = Path(chosen) if chosen else default_output(run_id=run_id)
    check_output(output)
    outcome = run_crawl(
        spider_args,
        settings,
        output=output,
        log_level=args.log_level,
        progress_every=PROGRESS_SECONDS if sys.stderr.isatty() else 0,
    )
    print_outcome(outcome)
    return exit_status(outcome, resumable=bool(chosen or run_id))


def exit_status(outcome: CrawlOutcome, *, resumable: bool = True) -> int:
    """0, 1 or EXIT_INTERRUPTED (see the module docstring); says why on stderr when not 0.

    `resumable`: the output was named (-o, a run id), so the same command finds it again.
    """
    if outcome.interrupted or outcome.summary.get("finish_reason") == "shutdown":
        again = (
            "the same command again adds only articles it does not hold yet"
            if resumable
            else f"to go on into it, run the command again with -o {outcome.output}"
        )
        print(f"interrupted: the output holds every record so far; {again}", file=sys.stderr)
        return EXIT_INTERRUPTED
    if outcome.returncode != 0 or not outcome.summary:
        print(f"the crawl failed (exit status {outcome.returncode})", file=sys.stderr)
        return 1
    if not outcome.summary.get("html_pages"):
        errors = outcome.summary.get("errors") or {}
        skipped = outcome.summary.get("skipped") or {}
        why = ", ".join(f"{k}={v}" for k, v in {**errors, **skipped}.items()) or (
            "no errors: robots.txt, the allowed domains or the sitemaps may leave nothing"
        )
        print(f"no HTML page was fetched ({why})", file=sys.stderr)
        if skipped.get("offsite"):
            examples = outcome.summary.get("skipped_examples", {}).get("offsite", [])
            print(_offsite_hint(examples), file=sys.stderr)
        if skipped.get("robots_txt"):
            print(
                "the site's robots.txt forbids these pages to crawlers like newscrawl, which "
                "obeys it (ROBOTSTXT_OBEY); its sitemaps and feeds may still list what it allows",
                file=sys.stderr,
            )
        refused = sorted(k for k in errors if k in _REFUSALS)
        if refused:
            print(
                f"the site refused the requests ({', '.join(refused)}): many sites turn away "
                "clients they take for bots, by user agent or by rate: give a USER_AGENT with a "
                "contact address (-s USER_AGENT=...) and a longer delay (-s DOWNLOAD_DELAY=5), "
                "or ask the site for access; newscrawl does not disguise itself",
                file=sys.stderr,
            )
        return 1
    return 0


# Answers of a site that turns the crawler away (Cloudflare and the like answer 403 or 503).
_REFUSALS = frozenset({"http/401", "http/403", "http/429", "http/503"})

# Where sites send a visitor who has not accepted cookies yet (consent.yahoo.com, /zustimmung).
_CONSENT = re.compile(
    r"^https?://(?:consent|cmp|privacy|guce|cookies?)\.|/(?:consent|cookie-?consent|zustimmung"
    r"|privacy-gate|gdpr)\b",
    re.IGNORECASE,
)


def _offsite_hint(examples: list[str]) -> str:
    """What to do about requests that left the allowed domains, naming where they went."""
    hosts = sorted({urlsplit(url).hostname or url for url in examples})
    where = f" (to {', '.join(hosts)})" if hosts else ""
    if any(_CONSENT.search(url) for url in examples):
        return (
            f"requests left the allowed domains{where}: that is a cookie-consent page, which "
            "the site shows instead of its pages until a browser accepts; newscrawl does not"
        )
    return (
        f"requests left the allowed domains{where} (a redirect to another host?): add it with "
        "--allowed-domain"
    )


def print_outcome(outcome: CrawlOutcome) -> None:
    s = outcome.summary
    print(f"output: {outcome.output}")
    if outcome.stats_path.exists():
        print(f"stats:  {outcome.stats_path}")
    if s:
        print(
            f"pages fetched: {s.get('pages_fetched', 0)}  "
            f"articles written: {s.get('articles_written', 0)}  "
            f"finish: {s.get('finish_reason')}"
        )
        in_file = s.get("records_in_output", 0)
        if in_file > s.get("articles_written", 0):
            print(f"records in the output: {in_file} (with those of earlier runs into it)")
        if s.get("dropped"):
            print("dropped: " + ", ".join(f"{k}={v}" for k, v in s["dropped"].items()))
            if s["dropped"].get("needs_javascript"):
                print(
                    "  needs_javascript: pages with next to no text in their HTML, built in the "
                    "browser by scripts, which newscrawl does not run (a page that declares its "
                    "article in JSON-LD articleBody is read from that)"
                )
        if s.get("errors"):
            print("errors:  " + ", ".join(f"{k}={v}" for k, v in s["errors"].items()))
        if s.get("pages_cut_short"):
            print(
                f"pages cut short: {s['pages_cut_short']} (they end mid-text: the server sent "
                "less than the page; their records hold what arrived, see the log)"
            )
        if s.get("skipped"):
            print("skipped: " + ", ".join(f"{k}={v}" for k, v in s["skipped"].items()))
        if s.get("discovered"):
            print(
                "read beside the given sources: "
                + ", ".join(f"{k}={v}" for k, v in s["discovered"].items())
            )
        print(
            f"text removed by cleaning: {s.get('chars_removed', 0)} chars "
            f"({100 * s.get('removed_share', 0):.1f}% of extracted text)"
        )
