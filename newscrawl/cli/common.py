"""What the subcommands share: the one error type that aborts with a message and exit code."""

from __future__ import annotations

__all__ = ["CliError"]


class CliError(Exception):
    """Abort the command: print the message on one line of stderr and exit with `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code
