"""Redis scale-out: two crawler processes share one frontier and dupefilter and together
write every article exactly once, each article cleaned of the site's template.

A real `redis-server` (Debian's binary; .ci/run installs it) is started on a free loopback
port with no persistence, and two real `scrapy crawl` processes crawl one fixture site at
the same time, each into its own JSONL file (the documented layout: one file per worker,
the union is the crawl).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_incremental import (
    CRAWL_TIMEOUT,
    PROMO,
    TEST_SETTINGS,
    build_site,
    crawl_command,
    crawl_env,
    read_jsonl,
)

from newscrawl.demo import serve

ARTICLES = 40
START_TIMEOUT = 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _require(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{binary} is not installed (CI must install it: see .ci/run)")
        pytest.skip(f"{binary} is not installed (apt-get install -y redis-server)")
    return path


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = _require("redis-server")
    port = _free_port()
    data = tmp_path / "redis"
    data.mkdir()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(data), "--daemonize", "no", "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("redis-server did not start") from None
                time.sleep(0.05)
        yield url
    finally:
        client.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_two_workers_share_frontier_and_write_each_article_once(
    tmp_path: Path, redis_url: str
) -> None:
    import redis

    root = tmp_path / "site"
    paths = build_site(root, ARTICLES)
    with serve(root) as server:
        args = {
            "start_urls": server.url("/"),
            "sitemap_urls": server.url("/sitemap.xml"),
            "source": "ledger",
        }
        procs = []
        for worker in ("a", "b"):
            settings = {
                **TEST_SETTINGS,
                # Slow enough per worker that both get a share of the queue.
                "DOWNLOAD_DELAY": "0.1",
                "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
                # A worker pulls up to CONCURRENT_REQUESTS requests ahead into its own
                # downloader; one keeps the rest in Redis for the other worker.
                "CONCURRENT_REQUESTS": "1",
                "NEWSCRAWL_CLEAN_HOLD_PAGES": "12",
                "ADDONS": '{"newscrawl.ops.scaleout.RedisScaleOut": 0}',
                "NEWSCRAWL_REDIS_URL": redis_url,
                "NEWSCRAWL_REDIS_JOB": "ledger-test",
                "NEWSCRAWL_REDIS_IDLE_SECONDS": "5",
                "NEWSCRAWL_OUTPUT": str(tmp_path / f"worker-{worker}.jsonl"),
                "NEWSCRAWL_STATE_DIR": str(tmp_path / f"state-{worker}"),
            }
            log = (tmp_path / f"worker-{worker}.log").open("wb")
            procs.append(
                (
                    subprocess.Popen(
                        crawl_command(args, settings),
                        cwd=tmp_path,
                        env=crawl_env(),
                        stdout=log,
                        stderr=log,
                    ),
                    log,
                )
            )
        for proc, log in procs:
            try:
                code = proc.wait(timeout=CRAWL_TIMEOUT)
            finally:
                if proc.poll() is None:
                    proc.kill()
                log.close()
            assert code == 0, Path(log.name).read_text("utf-8")[-4000:]

    a = read_jsonl(tmp_path / "worker-a.jsonl")
    b = read_jsonl(tmp_path / "worker-b.jsonl")
    assert a and b, f"both workers must take part: a={len(a)} b={len(b)}"
    urls = [r["url"] for r in a + b]
    assert len(urls) == len(set(urls)), "an article was written twice"
    assert sorted(urls) == sorted(f"{server.base_url}/{p}" for p in paths)
    # Each worker learned the site's template from its own share of the pages.
    assert not [r["url"] for r in a + b if PROMO in r["text"]]
    log_a = (tmp_path / "worker-a.log").read_text("utf-8")
    assert "scrapy_redis.scheduler.Scheduler" in log_a or "scheduler/enqueued/redis" in log_a
    client = redis.Redis.from_url(redis_url)
    try:
        assert client.scard("newscrawl:ledger-test:dupefilter") >= ARTICLES
    finally:
        client.close()


def test_addon_without_url_changes_nothing_and_bad_values_are_named() -> None:
    from scrapy.settings import Settings

    from newscrawl.ops.scaleout import RedisScaleOut

    settings = Settings({"NEWSCRAWL_REDIS_URL": ""})
    before = settings.get("SCHEDULER")
    RedisScaleOut().update_settings(settings)
    assert settings.get("SCHEDULER") == before
    with pytest.raises(ValueError, match="NEWSCRAWL_REDIS_URL"):
        RedisScaleOut().update_settings(Settings({"NEWSCRAWL_REDIS_URL": "127.0.0.1:6379"}))
    bad_job = Settings(
        {"NEWSCRAWL_REDIS_URL": "redis://127.0.0.1:1/0", "NEWSCRAWL_REDIS_JOB": "has space"}
    )
    with pytest.raises(ValueError, match="NEWSCRAWL_REDIS_JOB"):
        RedisScaleOut().update_settings(bad_job)
    good = Settings({"NEWSCRAWL_REDIS_URL": "redis://127.0.0.1:1/0"})
    RedisScaleOut("news").update_settings(good)
    assert good.get("SCHEDULER") == "scrapy_redis.scheduler.Scheduler"
    assert good.getbool("SCHEDULER_PERSIST")
    assert good.get("SCHEDULER_QUEUE_KEY") == "newscrawl:news:requests"
