"""What the subcommands share: the one error type that aborts with a message and exit code,
and the check of an output file before any work goes into it."""

from __future__ import annotations

from pathlib import Path

from newscrawl.core.jsonl import output_busy

__all__ = ["CliError", "check_output"]


class CliError(Exception):
    """Abort the command: print the message on one line of stderr and exit with `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def check_output(path: Path) -> None:
    """Refuse an output that is a directory (exit 2) or that another process is writing."""
    if path.is_dir():
        raise CliError(f"-o {path}: is a directory; give a file name", code=2)
    if output_busy(path):
        raise CliError(f"{path} is being written by another process: wait, or use another -o")
