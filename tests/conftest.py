"""Shared fixtures: loopback servers for the demo and fixture sites, and a real crawl runner.

Crawls run in a child process (`python -m scrapy crawl news`), exactly as users run them:
Twisted's reactor cannot restart inside one test process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newscrawl.demo import DemoServer, serve

FIXTURES = Path(__file__).parent / "fixtures"

# Settings every test crawl uses: loopback needs no politeness delay, and a test must end.
TEST_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "CLOSESPIDER_TIMEOUT": "120",
    "NEWSCRAWL_CLEAN_WORKERS": "1",
}


@dataclass
class CrawlRun:
    returncode: int
    output: Path
    records: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    with serve() as server:
        yield server


def run_crawl(
    tmp_path: Path,
    spider_args: dict[str, str],
    settings: dict[str, str] | None = None,
    *,
    output: Path | None = None,
    timeout: float = 300,
    env: dict[str, str] | None = None,
) -> CrawlRun:
    """Run the real news spider in a child process and load what it wrote."""
    output = output or tmp_path / "out.jsonl"
    merged = {
        **TEST_SETTINGS,
        "NEWSCRAWL_OUTPUT": str(output),
        "NEWSCRAWL_STATE_DIR": str(tmp_path / "state"),
        **(settings or {}),
    }
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-L", "INFO"]
    for key, value in spider_args.items():
        cmd += ["-a", f"{key}={value}"]
    for key, value in merged.items():
        cmd += ["-s", f"{key}={value}"]
    child_env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings", **(env or {})}
    proc = subprocess.run(
        cmd,
        env=child_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    records = []
    if output.exists():
        records = [json.loads(line) for line in output.read_text("utf-8").splitlines()]
    stats_path = output.with_name(output.name.removesuffix(".jsonl") + ".stats.json")
    stats = json.loads(stats_path.read_text("utf-8")) if stats_path.exists() else {}
    return CrawlRun(proc.returncode, output, records, stats, proc.stderr)
