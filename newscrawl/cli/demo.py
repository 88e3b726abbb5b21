"""Serve the bundled demo news site on 127.0.0.1 and crawl it through the full pipeline.

Nothing leaves the machine: the site is package data served on a free loopback port, crawled
by the real `news` spider (robots.txt, sitemap and links), cleaned, validated, de-duplicated
and written to JSONL under output/, then summarised.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newscrawl.cli.common import CliError
from newscrawl.cli.crawl import default_output, print_outcome, run_crawl
from newscrawl.cli.inspect import print_summary, summarize_files

__all__ = ["LOCAL_SETTINGS", "add_arguments", "run"]

# A loopback server needs no politeness delays; everything else stays as in production.
LOCAL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="JSONL output (default output/news/<date>/<run-id>.jsonl)",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=None,
        help="state directory for template models (default .newscrawl)",
    )
    parser.add_argument(
        "--audit", action="store_true", help="keep what cleaning removed, and why, in each record"
    )
    parser.add_argument("--log-level", default="WARNING")


def run(args: argparse.Namespace) -> int:
    from newscrawl.demo import serve

    output = args.output or default_output()
    settings = dict(LOCAL_SETTINGS)
    if args.state_dir is not None:
        settings["NEWSCRAWL_STATE_DIR"] = str(args.state_dir)
    if args.audit:
        settings["NEWSCRAWL_CLEAN_AUDIT"] = "True"
    with serve() as server:
        print(f"demo site: {server.base_url}/ (127.0.0.1 only)")
        spider_args = {
            "start_urls": server.url("/"),
            "sitemap_urls": server.url("/robots.txt"),
            "source": "demo",
        }
        outcome = run_crawl(spider_args, settings, output=output, log_level=args.log_level)
    print_outcome(outcome)
    if outcome.returncode != 0:
        raise CliError(f"crawl failed with exit code {outcome.returncode}")
    if not output.exists():
        raise CliError(f"crawl wrote no output file at {output}")
    print()
    print_summary(summarize_files([output]))
    print(f"\nlook at a record: newscrawl inspect {output} --show 1")
    return 0
