"""The `newscrawl` command: demo, crawl, clean, inspect, schedule, status (a module each)."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from newscrawl import __version__
from newscrawl.cli.common import CliError

__all__ = ["main"]

# name -> (module, one-line help); each module has `add_arguments(parser)` and `run(args)`.
COMMANDS = {
    "demo": ("newscrawl.cli.demo", "serve the bundled demo site on 127.0.0.1 and crawl it"),
    "crawl": ("newscrawl.cli.crawl", "crawl sites with the news spider into JSONL"),
    "clean": ("newscrawl.cli.clean", "clean saved pages (HTML files, dirs, JSONL) into records"),
    "inspect": ("newscrawl.cli.inspect", "summarise, show or validate newscrawl JSONL files"),
    "schedule": ("newscrawl.cli.schedule", "run the sources of sources.toml when they are due"),
    "status": ("newscrawl.cli.status", "show each source's last and next scheduled run"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newscrawl", description=__doc__)
    parser.add_argument("--version", action="version", version=f"newscrawl {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        cmd = sub.add_parser(name, help=help_text, description=module.__doc__)
        module.add_arguments(cmd)
        cmd.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns 0 on success, 1 on failure, 2 on usage errors."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args._module.run(args) or 0)
    except CliError as exc:
        print(f"newscrawl {args.command}: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print(f"newscrawl {args.command}: interrupted", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`... | head`): no traceback; point stdout at nothing so the
        # interpreter's own flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
