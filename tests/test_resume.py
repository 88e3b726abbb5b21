"""Crash-safe resume: a crawl killed with SIGKILL at any moment finishes on restart.

A real `scrapy crawl` process is killed (no clean shutdown, no flush) before its first
record, after some and after most, and started again each time with the same output and
JOBDIR. The final file must hold every article exactly once, and every line must be valid
JSON, including after a kill that left half a line behind.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from test_incremental import (
    CRAWL_TIMEOUT,
    build_site,
    crawl_command,
    crawl_env,
    ops_settings,
)

from newscrawl.demo import serve

ARTICLES = 30
# Slow enough that a kill lands mid-crawl, fast enough that the whole test stays near 30 s.
SLOW = {"DOWNLOAD_DELAY": "0.08", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"}
WAIT_SECONDS = 60


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _start(cmd: list[str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as fh:
        return subprocess.Popen(cmd, cwd=cwd, env=crawl_env(), stdout=fh, stderr=fh)


def _kill_when(proc: subprocess.Popen[bytes], ready: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if ready():  # type: ignore[operator]
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            return
        if proc.poll() is not None:
            raise AssertionError(f"crawl ended (rc={proc.returncode}) before {what}")
        time.sleep(0.02)
    proc.kill()
    raise AssertionError(f"timed out waiting for {what}")


def test_sigkill_at_any_point_then_resume_writes_each_article_once(tmp_path: Path) -> None:
    root = tmp_path / "site"
    paths = build_site(root, ARTICLES)
    output = tmp_path / "out" / "run.jsonl"
    jobdir = tmp_path / "job"
    log = tmp_path / "crawl.log"
    with serve(root) as server:
        args = {
            "start_urls": server.url("/"),
            "sitemap_urls": server.url("/sitemap.xml"),
            "source": "ledger",
        }
        settings = ops_settings(
            tmp_path,
            NEWSCRAWL_OUTPUT=str(output),
            JOBDIR=str(jobdir),
            NEWSCRAWL_RUN_ID="resume-test",
            **SLOW,
        )
        cmd = crawl_command(args, settings)

        # 1. killed before any record: the spider is open (JOBDIR marked), nothing written.
        proc = _start(cmd, tmp_path, log)
        _kill_when(proc, lambda: (jobdir / "newscrawl-running").exists(), "the spider to open")
        assert _lines(output) == 0

        # 2. killed after some records; then a torn last line, as a kill mid-write leaves.
        proc = _start(cmd, tmp_path, log)
        _kill_when(proc, lambda: _lines(output) >= 5, "5 records")
        some = _lines(output)
        with output.open("ab") as fh:
            fh.write(b'{"url": "http://torn.example/half-a-rec')

        # 3. killed after most records.
        proc = _start(cmd, tmp_path, log)
        _kill_when(proc, lambda: _lines(output) >= ARTICLES - 5, f"{ARTICLES - 5} records")
        most = _lines(output)
        assert some < most < ARTICLES + 1

        # 4. runs to the end.
        proc = _start(cmd, tmp_path, log)
        assert proc.wait(timeout=CRAWL_TIMEOUT) == 0, log.read_text("utf-8")[-4000:]

    raw = output.read_bytes()
    assert raw.endswith(b"\n")
    records = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    urls = [r["url"] for r in records]
    assert sorted(urls) == sorted(f"{server.base_url}/{p}" for p in paths)
    assert len(set(urls)) == len(urls) == ARTICLES
    assert list(output.parent.glob("run.jsonl.partial-*")), "the torn line was not set aside"
    stats = json.loads((tmp_path / "out" / "run.stats.json").read_text("utf-8"))["stats"]
    assert stats["newscrawl/incremental/resumed"] == most
    assert stats["newscrawl/jobdir/reset/killed"] == 1
    assert not (jobdir / "newscrawl-running").exists()
