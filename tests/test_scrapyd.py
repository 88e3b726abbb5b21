"""scrapyd: deploy the project with scrapyd-deploy and schedule `news` over the HTTP API.

A real scrapyd is started on a free loopback port from its own config file in a temp dir
(eggs, logs and dbs there too); the project is copied next to it with a deploy target for
that port and the deploy-only setup.py from docs/operations.md, deployed with
`scrapyd-deploy`, and a crawl of a fixture site is scheduled through `schedule.json`. The
JSONL the crawl writes is the proof.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_incremental import build_site, read_jsonl

from newscrawl.demo import serve

REPO = Path(__file__).resolve().parent.parent
ARTICLES = 6
START_TIMEOUT = 30
JOB_TIMEOUT = 120
# Packages with data files must ship them inside the egg (scrapyd imports the egg's copy).
SETUP_PY = """\
from setuptools import find_packages, setup

setup(
    name="newscrawl",
    version="0.1.0",
    packages=find_packages(include=["newscrawl", "newscrawl.*"]),
    package_data={"newscrawl": ["py.typed", "schema/*.json", "demo/*.json", "demo/assets/*"]},
    entry_points={"scrapy": ["settings = newscrawl.settings"]},
    zip_safe=False,
)
"""


def _require(*modules: str) -> None:
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (test extras: scrapyd, scrapyd-client)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> Any:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=10) as resp:
        return json.loads(resp.read())


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[str]:
    _require("scrapyd", "scrapyd_client", "setuptools")
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = _free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\neggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nitems_dir =\n"
        "max_proc = 1\npoll_interval = 0.5\n",
        "utf-8",
    )
    log = (home / "scrapyd.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=home, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if _api(base, "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError((home / "scrapyd.log").read_text("utf-8")[-3000:])
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def _project_copy(dest: Path, scrapyd_url: str) -> Path:
    shutil.copytree(
        REPO / "newscrawl", dest / "newscrawl", ignore=shutil.ignore_patterns("__pycache__", "site")
    )
    cfg = (REPO / "scrapy.cfg").read_text("utf-8")
    assert "[deploy]" in cfg  # the committed default target, pointed at this test's port:
    (dest / "scrapy.cfg").write_text(
        cfg.replace("http://127.0.0.1:6800/", scrapyd_url + "/"), "utf-8"
    )
    (dest / "setup.py").write_text(SETUP_PY, "utf-8")
    return dest


def test_deploy_and_schedule_through_scrapyd(tmp_path: Path, scrapyd: str) -> None:
    project = _project_copy(tmp_path / "project", scrapyd)
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    deploy = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "-p", "newscrawl", "--version", "r1"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert '"status": "ok"' in deploy.stdout + deploy.stderr
    assert _api(scrapyd, "listspiders.json?project=newscrawl")["spiders"] == ["news"]

    root = tmp_path / "site"
    paths = build_site(root, ARTICLES)
    output = tmp_path / "out" / "scrapyd.jsonl"
    with serve(root) as server:
        job = _api(scrapyd, "schedule.json", [
            ("project", "newscrawl"),
            ("spider", "news"),
            ("start_urls", server.url("/")),
            ("sitemap_urls", server.url("/sitemap.xml")),
            ("source", "ledger"),
            ("setting", f"NEWSCRAWL_OUTPUT={output}"),
            ("setting", f"NEWSCRAWL_STATE_DIR={tmp_path / 'state'}"),
            ("setting", "AUTOTHROTTLE_ENABLED=False"),
            ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "NEWSCRAWL_CLEAN_WORKERS=1"),
            ("setting", "NEWSCRAWL_CLEAN_HOLD_PAGES=3"),
            ("setting", "CLOSESPIDER_TIMEOUT=60"),
        ])  # fmt: skip
        assert job["status"] == "ok", job
        deadline = time.monotonic() + JOB_TIMEOUT
        while time.monotonic() < deadline:
            jobs = _api(scrapyd, "listjobs.json?project=newscrawl")
            if any(j["id"] == job["jobid"] for j in jobs["finished"]):
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"scrapyd job did not finish in {JOB_TIMEOUT}s: {jobs}")

    logs = list((tmp_path / "scrapyd" / "logs").rglob("*.log"))
    log_text = logs[0].read_text("utf-8") if logs else "(no log)"
    records = read_jsonl(output)
    assert sorted(r["url"] for r in records) == sorted(f"{server.base_url}/{p}" for p in paths), (
        log_text[-4000:]
    )
    assert all(r["source"] == "ledger" for r in records)
    stats = json.loads((tmp_path / "out" / "scrapyd.stats.json").read_text("utf-8"))
    assert stats["summary"]["finish_reason"] == "finished"
