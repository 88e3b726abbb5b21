"""The extraction process pool: same results as inline, failures reported, bounded, end to end.

A worker that hangs or dies must cost one page with a reason, never the crawl; the pool must
never take more pages than its cap; and a crawl through the pool must write exactly what an
inline crawl writes. Hanging and crashing tasks are stdlib functions (`time.sleep`,
`os._exit`) submitted through the executor's own `run` path, so no test code has to be
importable in the workers.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import run_crawl

from newscrawl.core.extract import extract_page
from newscrawl.demo import SITE_DIR, DemoServer
from newscrawl.demo.server import BASE_PLACEHOLDER
from newscrawl.pipelines.executor import (
    CRASH_REASON,
    TIMEOUT_REASON,
    InlineExecutor,
    PoolExecutor,
    cpu_count,
    make_executor,
)

BASE = "http://127.0.0.1:8000"
# Short enough to keep the test quick, long enough that a loaded CI machine still starts the
# worker and extracts a demo page well within it.
TIMEOUT = 3.0


def _demo_pages(count: int) -> list[tuple[str, str]]:
    files = sorted(SITE_DIR.glob("*/2026/*/*/*.html"))[:count]
    assert len(files) == count, "the demo site ships its articles"
    pages = []
    for file in files:
        html = file.read_text("utf-8").replace(BASE_PLACEHOLDER, BASE)
        pages.append((BASE + "/" + file.relative_to(SITE_DIR).as_posix(), html))
    return pages


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_pool_extracts_what_inline_extracts() -> None:
    pages = _demo_pages(4)
    executor = PoolExecutor(2, TIMEOUT)

    async def extract_all() -> list[Any]:
        return list(
            await asyncio.gather(*(executor.extract(html, url, None) for url, html in pages))
        )

    try:
        pooled = _run(extract_all())
    finally:
        executor.close()
    inline = [extract_page(html, url) for url, html in pages]
    assert pooled == inline
    assert all(page.blocks and page.error is None for page in pooled)


def test_workers_never_import_a_language_model() -> None:
    """Where py3langid is installed (trafilatura[all]), trafilatura would import it, and numpy,
    ~12 MB, in every worker; workers mark it absent first. (eval: a builtin, so picklable.)"""
    executor = PoolExecutor(1, TIMEOUT)
    try:
        marked = _run(executor.run(eval, "__import__('sys').modules['py3langid']", url="x"))
        imported = _run(executor.run(eval, "sorted(__import__('sys').modules)", url="x"))
    finally:
        executor.close()
    assert marked is None and executor.failures == {}
    assert "trafilatura" in imported and "numpy" not in imported


def test_hanging_task_is_killed_and_reported_and_the_pool_goes_on() -> None:
    ((url, html),) = _demo_pages(1)
    executor = PoolExecutor(2, TIMEOUT)

    async def scenario() -> tuple[Any, float, Any]:
        start = time.monotonic()
        hung = await executor.run(time.sleep, 60, url="http://127.0.0.1:8000/hangs")
        elapsed = time.monotonic() - start
        return hung, elapsed, await executor.extract(html, url, None)

    try:
        hung, elapsed, after = _run(scenario())
    finally:
        executor.close()
    assert hung.error == TIMEOUT_REASON
    assert hung.url == "http://127.0.0.1:8000/hangs"
    assert elapsed < TIMEOUT + 5
    assert after.error is None and after.blocks
    assert executor.failures == {TIMEOUT_REASON: 1}


def test_crashing_worker_is_reported_and_the_next_page_still_works() -> None:
    ((url, html),) = _demo_pages(1)
    executor = PoolExecutor(2, TIMEOUT)

    async def scenario() -> tuple[Any, Any]:
        crashed = await executor.run(os._exit, 3, url="http://127.0.0.1:8000/crashes")
        return crashed, await executor.extract(html, url, None)

    try:
        crashed, after = _run(scenario())
    finally:
        executor.close()
    assert crashed.error == CRASH_REASON
    assert after.error is None and after.blocks
    assert executor.failures == {CRASH_REASON: 1}


def test_no_more_than_the_cap_in_flight() -> None:
    executor = PoolExecutor(2, TIMEOUT, max_in_flight=3)

    async def flood() -> list[Any]:
        tasks = [executor.run(time.sleep, 0.1, url=f"{BASE}/{i}") for i in range(12)]
        return list(await asyncio.gather(*tasks))

    try:
        results = _run(flood())
    finally:
        executor.close()
    assert results == [None] * 12
    assert executor.peak_in_flight == 3
    assert executor.in_flight == 0


def test_make_executor_follows_the_workers_setting() -> None:
    assert isinstance(make_executor(1, TIMEOUT), InlineExecutor)
    pool = make_executor(2, TIMEOUT)
    try:
        assert isinstance(pool, PoolExecutor)
        assert pool.workers == 2
        assert pool.max_in_flight == 4
    finally:
        pool.close()
    default = make_executor(0, TIMEOUT)
    try:
        expected = PoolExecutor if cpu_count() > 1 else InlineExecutor
        assert isinstance(default, expected)
    finally:
        default.close()
    with pytest.raises(ValueError, match="NEWSCRAWL_CLEAN_WORKERS"):
        make_executor(-1, TIMEOUT)


def _comparable(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        ({k: v for k, v in r.items() if k != "fetched_at"} for r in records),
        key=lambda r: r["url"],
    )


def test_crawl_through_the_pool_writes_what_an_inline_crawl_writes(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    args = {"start_urls": demo_server.url("/"), "sitemap_urls": demo_server.url("/robots.txt")}
    runs = {}
    for name, workers in (("inline", "1"), ("pool", "2")):
        (tmp_path / name).mkdir()
        runs[name] = run_crawl(tmp_path / name, args, {"NEWSCRAWL_CLEAN_WORKERS": workers})
    inline, pooled = runs["inline"], runs["pool"]
    assert inline.returncode == 0, inline.log[-3000:]
    assert pooled.returncode == 0, pooled.log[-3000:]
    assert inline.records, "the demo crawl writes articles"
    assert _comparable(pooled.records) == _comparable(inline.records)
    dropped = pooled.stats["summary"]["dropped"]
    assert not any(reason.startswith("worker_") for reason in dropped), dropped
