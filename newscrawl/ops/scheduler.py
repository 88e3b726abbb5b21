"""The crawl scheduler: start each source's crawl when it is due, a few at a time.

Every run is its own `python -m scrapy crawl news` process (Twisted's reactor cannot restart
in one process, and a crashed crawl must not take the scheduler down), with its own output
file, run id and JOBDIR, the incremental components switched on, and its log under the state
directory. Only one scheduler may use a state directory (a file lock says so), so a run row
still marked `running` at start-up belongs to a scheduler that died: it is marked
`interrupted` and resumed under the same run id (same output, same JOBDIR), which the
incremental store makes safe (see `newscrawl.pipelines.incremental`).

Stopping: the first SIGINT/SIGTERM stops starting new runs and forwards one SIGINT to every
crawl, which is Scrapy's graceful stop (finish in-flight requests, flush the cleaner, close
the file); a second forwards another, Scrapy's immediate stop. Crawls run in their own
session so a terminal's Ctrl-C reaches them only through the scheduler, exactly once.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from newscrawl.exceptions import NewscrawlError
from newscrawl.ops.components import missing_component_settings
from newscrawl.ops.sources import Source
from newscrawl.ops.state import Run, RunStore
from newscrawl.pipelines.writer import dated_path, stats_path

__all__ = ["OK_FINISH_REASONS", "Job", "Scheduler", "SchedulerBusy", "crawl_command"]

logger = logging.getLogger(__name__)

# How often the loop looks for finished crawls and due sources: schedules are in minutes.
POLL_SECONDS = 1.0
# Finish reasons of a crawl that did its job (Scrapy's closespider limits included).
OK_FINISH_REASONS = frozenset(
    [
        "finished",
        "max_articles",
        "closespider_timeout",
        "closespider_itemcount",
        "closespider_pagecount",
        "closespider_errorcount",
    ]
)
LOCK_FILE = "scheduler.lock"


class SchedulerBusy(NewscrawlError):
    """Another scheduler holds the state directory."""


def crawl_command(
    spider_args: dict[str, str], settings: dict[str, str], log_level: str, log_file: Path
) -> list[str]:
    """The `scrapy crawl news` command line, shaped as `newscrawl.cli.crawl.run_crawl`'s."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-L", log_level]
    for key, value in spider_args.items():
        cmd += ["-a", f"{key}={value}"]
    for key, value in settings.items():
        cmd += ["-s", f"{key}={value}"]
    return [*cmd, "--logfile", str(log_file)]


@dataclass
class Job:
    """A crawl process the scheduler started and has not yet seen finish."""

    source: Source
    run: Run
    proc: subprocess.Popen[bytes]
    jobdir: Path
    signalled: int = 0


class Scheduler:
    """Start due sources as crawl processes, at most `max_concurrent` at once."""

    def __init__(
        self,
        sources: list[Source],
        *,
        state_dir: Path,
        output_dir: Path,
        max_concurrent: int = 2,
        log_level: str = "INFO",
        settings: dict[str, str] | None = None,
        echo: Callable[[str], None] = print,
    ) -> None:
        if max_concurrent < 1:
            raise ValueError(f"max_concurrent must be >= 1: {max_concurrent}")
        self.sources = [s for s in sources if s.enabled]
        self.state_dir = state_dir
        self.output_dir = output_dir
        self.max_concurrent = max_concurrent
        self.log_level = log_level
        self.settings = dict(settings or {})
        self.echo = echo
        self.jobs: dict[str, Job] = {}
        self.stopping = 0
        self.failed = 0
        self._lock: IO[str] | None = None
        self.runs: RunStore | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def open(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        lock = (self.state_dir / LOCK_FILE).open("a+", encoding="utf-8")
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            raise SchedulerBusy(f"another scheduler is running on {self.state_dir}") from None
        self._lock = lock
        self.runs = RunStore(self.state_dir)
        stale = self.runs.mark_stale_running()
        if stale:
            self.echo(f"{stale} run(s) left running by a stopped scheduler will be resumed")

    def close(self) -> None:
        if self.runs is not None:
            self.runs.close()
            self.runs = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def request_stop(self, signum: int = signal.SIGINT, frame: Any = None) -> None:
        """Signal handler: stop starting runs; forward SIGINT to every crawl (once per call)."""
        self.stopping += 1
        for job in self.jobs.values():
            if job.proc.poll() is None:
                job.signalled += 1
                job.proc.send_signal(signal.SIGINT)
        what = "stopping crawls gracefully" if self.stopping == 1 else "forcing crawls to stop"
        self.echo(f"signal received: {what}")

    # -- decisions ----------------------------------------------------------------------------

    def next_run(self, source: Source, now: datetime | None = None) -> datetime:
        """When `source` is due: now if it never ran or was interrupted, else per schedule."""
        assert self.runs is not None
        now = now or datetime.now(UTC)
        last = self.runs.last(source.name)
        if last is None or last.outcome == "interrupted":
            return now
        return source.schedule.next_after(last.started_at)

    def due(self, now: datetime | None = None) -> list[Source]:
        now = now or datetime.now(UTC)
        pending = [s for s in self.sources if s.name not in self.jobs]
        return sorted(
            (s for s in pending if self.next_run(s, now) <= now),
            key=lambda s: self.next_run(s, now),
        )

    # -- running ------------------------------------------------------------------------------

    def start(self, source: Source) -> Job:
        assert self.runs is not None
        last = self.runs.last(source.name)
        now = datetime.now(UTC)
        if last is not None and last.outcome == "interrupted":
            run_id, output = last.run_id, Path(last.output)
            self.echo(f"{source.name}: resuming run {run_id}")
        else:
            run_id = f"{source.name}-{now.strftime('%Y%m%dT%H%M%SZ')}"
            output = dated_path(self.output_dir, source.name, run_id, now)
        jobdir = self.state_dir / "jobs" / source.name / run_id
        log_file = self.state_dir / "logs" / source.name / f"{run_id}.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        output.parent.mkdir(parents=True, exist_ok=True)
        settings = {
            **self.settings,
            **missing_component_settings(),
            "NEWSCRAWL_INCREMENTAL_ENABLED": "True",
            **source.setting_args(),
            "NEWSCRAWL_OUTPUT": str(output),
            "NEWSCRAWL_RUN_ID": run_id,
            "NEWSCRAWL_STATE_DIR": str(self.state_dir),
            "JOBDIR": str(jobdir),
        }
        cmd = crawl_command(source.spider_args(), settings, self.log_level, log_file)
        env = dict(os.environ)
        env.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
        run = self.runs.start(source.name, run_id, output)
        # Own session: Ctrl-C in a terminal reaches the crawl only through request_stop.
        proc = subprocess.Popen(
            cmd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.runs.set_pid(run, proc.pid)
        job = Job(source, run, proc, jobdir)
        self.jobs[source.name] = job
        self.echo(f"{source.name}: started run {run_id} (pid {proc.pid}) -> {output}")
        return job

    def reap(self) -> list[Run]:
        """Record every crawl that ended since the last call."""
        assert self.runs is not None
        done = []
        for name, job in list(self.jobs.items()):
            rc = job.proc.poll()
            if rc is None:
                continue
            del self.jobs[name]
            run = job.run
            run.returncode = rc
            summary = _summary(Path(run.output))
            # A resumed run's file holds what the interrupted run wrote, too: count the file.
            written = summary.get("records_in_output", summary.get("articles_written"))
            run.articles = int(written or 0)
            run.errors = dict(summary.get("errors") or {})
            run.finish_reason = summary.get("finish_reason")
            if job.signalled:
                run.outcome = "interrupted"
            elif rc == 0 and run.finish_reason in OK_FINISH_REASONS:
                run.outcome = "ok"
            else:
                run.outcome = "failed"
                self.failed += 1
            self.runs.finish(run)
            if run.outcome != "interrupted":
                shutil.rmtree(job.jobdir, ignore_errors=True)
            self.echo(
                f"{name}: run {run.run_id} {run.outcome} ({run.finish_reason or f'exit {rc}'}),"
                f" {run.articles} articles, {sum(run.errors.values())} errors"
            )
            done.append(run)
        return done

    def tick(self, now: datetime | None = None) -> None:
        self.reap()
        if self.stopping:
            return
        for source in self.due(now):
            if len(self.jobs) >= self.max_concurrent:
                break
            self.start(source)

    def run_forever(self, poll: float = POLL_SECONDS) -> None:
        """Loop until a stop is requested and every crawl has ended."""
        while True:
            self.tick()
            if self.stopping and not self.jobs:
                return
            time.sleep(poll)

    def run_once(self, poll: float = POLL_SECONDS) -> list[Source]:
        """Run what is due now (queued behind the concurrency cap) and return when done."""
        due = self.due()
        queue = list(due)
        while queue or self.jobs:
            self.reap()
            while queue and not self.stopping and len(self.jobs) < self.max_concurrent:
                self.start(queue.pop(0))
            if self.stopping:
                queue.clear()
            if self.jobs:
                time.sleep(poll)
        return due


def _summary(output: Path) -> dict[str, Any]:
    try:
        data = json.loads(stats_path(output).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    summary = data.get("summary", {})
    return summary if isinstance(summary, dict) else {}
