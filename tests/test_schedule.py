"""The scheduler and `newscrawl status`: due runs, history, incremental re-runs, clean stops.

Crawls are real `scrapy crawl` processes against a generated site on 127.0.0.1; the
scheduler's own loop runs in-process through `main([...])`, except where a signal must hit
it, where it runs as `python -m newscrawl schedule` in a child process.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_incremental import build_site, read_jsonl

from newscrawl.cli import main
from newscrawl.demo import DemoServer, serve
from newscrawl.ops.scheduler import Scheduler
from newscrawl.ops.schedules import parse_schedule
from newscrawl.ops.sources import Source
from newscrawl.ops.state import RunStore

ARTICLES = 8
LOOPBACK = """
[sources.{name}.settings]
DOWNLOAD_DELAY = {delay}
CONCURRENT_REQUESTS_PER_DOMAIN = {concurrency}
AUTOTHROTTLE_ENABLED = false
NEWSCRAWL_CLEAN_WORKERS = 1
NEWSCRAWL_CLEAN_HOLD_PAGES = 3
CLOSESPIDER_TIMEOUT = 60
TELNETCONSOLE_ENABLED = false
"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[DemoServer]:
    root = tmp_path / "site"
    build_site(root, ARTICLES)
    with serve(root) as server:
        yield server


def write_sources(
    path: Path, server: DemoServer, names: list[str], delay: float = 0.0, concurrency: int = 8
) -> Path:
    text = ""
    for name in names:
        text += (
            f'[sources.{name}]\nstart_urls = ["{server.url("/")}"]\n'
            f'sitemap_urls = ["{server.url("/sitemap.xml")}"]\nschedule = "30m"\n'
        )
        text += LOOPBACK.format(name=name, delay=delay, concurrency=concurrency)
    path.write_text(text, "utf-8")
    return path


def args(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "--sources", str(tmp_path / "sources.toml"),
        "--state-dir", str(tmp_path / "state"),
        *extra,
    ]  # fmt: skip


def test_schedule_once_runs_due_sources_then_status_reports(
    tmp_path: Path,
    site: DemoServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    write_sources(tmp_path / "sources.toml", site, ["alpha", "beta"])
    out = tmp_path / "output"
    code = main(
        ["schedule", "--once", "--max-concurrent", "1", "--output-dir", str(out), *args(tmp_path)]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "alpha: started run alpha-" in printed and "beta: started run beta-" in printed
    for name in ("alpha", "beta"):
        (output,) = (out / name).glob("*/*.jsonl")
        assert len(read_jsonl(output)) == ARTICLES
        assert (tmp_path / "state" / "logs" / name).is_dir()
    assert not list((tmp_path / "state" / "jobs").glob("*/*")), "finished runs keep no JOBDIR"

    assert main(["status", *args(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "source",
        "schedule",
        "last",
        "run",
        "(UTC)",
        "outcome",
        "articles",
        "errors",
        "next",
        "run",
        "(UTC)",
    ]
    assert lines[1].split()[:2] == ["alpha", "30m"] and lines[1].split()[4:7] == ["ok", "8", "0"]
    assert main(["status", "--json", *args(tmp_path)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["outcome"] for r in rows] == ["ok", "ok"]
    for row in rows:
        gap = datetime.fromisoformat(row["next_run"]) - datetime.fromisoformat(row["last_run"])
        assert gap == timedelta(minutes=30)

    # Nothing is due half an hour early...
    assert main(["schedule", "--once", "--output-dir", str(out), *args(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == "nothing due"
    # ...and once it is, the re-run is incremental: articles are skipped, nothing written.
    db = sqlite3.connect(tmp_path / "state" / "schedule.sqlite3")
    with db:
        db.execute("UPDATE runs SET started_at = '2000-01-01T00:00:00+00:00'")
    db.close()
    assert (
        main(["schedule", "--once", "--only", "alpha", "--output-dir", str(out), *args(tmp_path)])
        == 0
    )
    capsys.readouterr()
    second = max((out / "alpha").glob("*/*.stats.json"), key=lambda p: p.stat().st_mtime)
    stats = json.loads(second.read_text("utf-8"))["stats"]
    assert stats.get("newscrawl/writer/written", 0) == 0
    assert stats["newscrawl/incremental/skipped"] == 2 * ARTICLES  # sitemap + home page


def test_bad_sources_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sources.toml").write_text(
        '[sources.site]\nstart_urls = ["http://127.0.0.1:9/"]\nshedule = "1h"\n', "utf-8"
    )
    assert main(["schedule", "--once", *args(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("newscrawl schedule: ")
    assert "source 'site': unknown key 'shedule'" in err
    assert main(["status", "--sources", str(tmp_path / "missing.toml")]) == 2
    assert "sources file not found" in capsys.readouterr().err


def test_second_scheduler_on_one_state_dir_is_refused(tmp_path: Path) -> None:
    source = Source(name="s", schedule=parse_schedule("1h"), start_urls=["http://127.0.0.1:9/"])
    first = Scheduler([source], state_dir=tmp_path, output_dir=tmp_path, echo=lambda _: None)
    first.open()
    try:
        second = Scheduler([source], state_dir=tmp_path, output_dir=tmp_path)
        with pytest.raises(Exception, match="another scheduler is running"):
            second.open()
    finally:
        first.close()


def test_next_run_follows_history(tmp_path: Path) -> None:
    source = Source(name="s", schedule=parse_schedule("0 6 * * *"), start_urls=["http://e.org/"])
    scheduler = Scheduler([source], state_dir=tmp_path, output_dir=tmp_path, echo=lambda _: None)
    scheduler.open()
    now = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert scheduler.next_run(source, now) == now  # never ran: due at once
    assert scheduler.runs is not None
    run = scheduler.runs.start("s", "s-1", tmp_path / "o.jsonl")
    run.outcome = "ok"
    scheduler.runs.finish(run)
    assert scheduler.next_run(source, now) > run.started_at
    assert scheduler.next_run(source, now).hour == 6
    scheduler.close()
    # A run left 'running' by a dead scheduler is resumed at once by the next one.
    store = RunStore(tmp_path)
    store.start("s", "s-2", tmp_path / "o2.jsonl")
    store.close()
    scheduler.open()
    assert scheduler.runs.last("s").outcome == "interrupted"  # type: ignore[union-attr]
    assert scheduler.next_run(source, now) == now
    scheduler.close()


def test_sigterm_stops_crawls_cleanly_and_next_run_resumes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "site"
    count = 40
    build_site(root, count)
    with serve(root) as server:
        write_sources(tmp_path / "sources.toml", server, ["slow"], delay=0.1, concurrency=1)
        out = tmp_path / "output"
        cmd = [
            sys.executable,
            "-m",
            "newscrawl.cli",
            "schedule",
            "--output-dir",
            str(out),
            *args(tmp_path),
        ]
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
        log = (tmp_path / "scheduler.log").open("wb")
        proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                outputs = list(out.glob("slow/*/*.jsonl"))
                if outputs and len(read_jsonl(outputs[0])) >= 3:
                    break
                assert proc.poll() is None, (tmp_path / "scheduler.log").read_text()
                time.sleep(0.05)
            else:
                raise AssertionError("the crawl wrote nothing within 60 s")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
            log.close()
        printed = (tmp_path / "scheduler.log").read_text("utf-8")
        assert "stopping crawls gracefully" in printed
        assert "interrupted" in printed
        (output,) = out.glob("slow/*/*.jsonl")
        partial = read_jsonl(output)
        assert 3 <= len(partial) < count
        stats = json.loads(output.with_name(output.stem + ".stats.json").read_text("utf-8"))
        assert stats["summary"]["finish_reason"] == "shutdown"
        assert stats["stats"]["newscrawl/writer/path"] == str(output)  # closed cleanly

        # The interrupted run is due at once and resumes into the same file.
        assert main(["schedule", "--once", "--output-dir", str(out), *args(tmp_path)]) == 0
    (again,) = out.glob("slow/*/*.jsonl")
    assert again == output
    urls = [r["url"] for r in read_jsonl(output)]
    assert len(urls) == len(set(urls)) == count
    # The resumed run counts the whole file, not only what it added itself.
    stats = json.loads(output.with_name(output.stem + ".stats.json").read_text("utf-8"))
    assert stats["summary"]["articles_written"] == count - len(partial)
    assert stats["summary"]["records_in_output"] == count
    capsys.readouterr()
    assert main(["status", "--json", *args(tmp_path)]) == 0
    (row,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (row["outcome"], row["articles"]) == ("ok", count)
