"""Run the sources of a sources file on their schedules, one crawl process per run.

`newscrawl schedule` loops forever (a service); `newscrawl schedule --once` runs what is due
now and exits, for cron and CI. State (run history, the incremental store, job directories,
crawl logs) lives under the state directory; records go to
<output-dir>/<source>/<YYYY-MM-DD>/<run-id>.jsonl.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

from newscrawl.cli.common import CliError
from newscrawl.exceptions import ConfigError
from newscrawl.ops.scheduler import Scheduler, SchedulerBusy
from newscrawl.ops.sources import Source, load_sources

__all__ = ["add_arguments", "common_arguments", "run", "sources_path", "state_dir"]

DEFAULT_SOURCES = "sources.toml"
DEFAULT_STATE_DIR = ".newscrawl"


def common_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments `schedule` and `status` share."""
    parser.add_argument(
        "--sources",
        type=Path,
        default=None,
        help=f"sources file (default $NEWSCRAWL_SOURCES or {DEFAULT_SOURCES})",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=None,
        help=f"state directory (default $NEWSCRAWL_STATE_DIR or {DEFAULT_STATE_DIR})",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    common_arguments(parser)
    parser.add_argument("--once", action="store_true", help="run what is due now, then exit")
    parser.add_argument(
        "--max-concurrent",
        type=int,
        default=2,
        metavar="N",
        help="crawl processes running at once (default 2)",
    )
    parser.add_argument(
        "--output-dir", type=Path, default=Path("output"), help="root of the output files"
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="run only these sources"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="serve the bundled demo site on 127.0.0.1 and fill {demo} in URLs with it",
    )
    parser.add_argument(
        "--demo-port",
        type=int,
        default=0,
        metavar="PORT",
        help="port for --demo (default: a free one; fix it so incremental runs see the same URLs)",
    )
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Scrapy or NEWSCRAWL_* setting for every crawl (sources override it)",
    )
    parser.add_argument("--log-level", default="INFO", help="crawl log level (logs in state dir)")


def sources_path(args: argparse.Namespace) -> Path:
    return Path(args.sources or os.environ.get("NEWSCRAWL_SOURCES") or DEFAULT_SOURCES)


def state_dir(args: argparse.Namespace) -> Path:
    return Path(args.state_dir or os.environ.get("NEWSCRAWL_STATE_DIR") or DEFAULT_STATE_DIR)


def load(args: argparse.Namespace, variables: dict[str, str] | None) -> list[Source]:
    only = getattr(args, "only", None) or None  # an empty --only list means every source
    try:
        sources = load_sources(sources_path(args), variables, only)
    except ConfigError as exc:
        raise CliError(str(exc), code=2) from None
    if only:
        unknown = set(only) - {s.name for s in sources}
        if unknown:
            raise CliError(f"--only: no such source(s): {', '.join(sorted(unknown))}", code=2)
        sources = [s for s in sources if s.name in only]
    return sources


@contextlib.contextmanager
def _variables(demo: bool, port: int = 0) -> Iterator[dict[str, str]]:
    if not demo:
        yield {}
        return
    from newscrawl.demo import serve

    try:
        server = serve(port=port)
    except (FileNotFoundError, OSError) as exc:
        raise CliError(f"--demo: {exc}") from None
    with server:
        print(f"demo site: {server.base_url}/ (127.0.0.1 only)")
        yield {"demo": server.base_url}


def run(args: argparse.Namespace) -> int:
    from newscrawl.cli.crawl import parse_settings

    if args.max_concurrent < 1:
        raise CliError("--max-concurrent must be >= 1", code=2)
    settings = parse_settings(args.set)
    if not 0 <= args.demo_port <= 65535:
        raise CliError("--demo-port must be 0-65535", code=2)
    with _variables(args.demo, args.demo_port) as variables:
        sources = load(args, variables)
        scheduler = Scheduler(
            sources,
            state_dir=state_dir(args),
            output_dir=args.output_dir,
            max_concurrent=args.max_concurrent,
            log_level=args.log_level,
            settings=settings,
        )
        try:
            scheduler.open()
        except SchedulerBusy as exc:
            raise CliError(str(exc)) from None
        previous = {
            sig: signal.signal(sig, scheduler.request_stop)
            for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            if args.once:
                due = scheduler.run_once()
                if not due:
                    print("nothing due")
            else:
                names = ", ".join(s.name for s in scheduler.sources)
                print(f"scheduling {len(scheduler.sources)} source(s): {names}")
                scheduler.run_forever()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            scheduler.close()
    return 1 if scheduler.failed else 0
