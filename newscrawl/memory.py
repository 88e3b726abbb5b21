"""Return freed heap memory to the operating system (glibc's `malloc_trim`).

A crawl allocates and frees a response body, a request and an item for every page. glibc
keeps freed memory in its heaps for reuse, so a process's resident size creeps up to its
busiest moment and stays there; `malloc_trim(0)` hands the free pages back. (Trimming the
extraction workers every few pages as well made no measurable difference to their peak.)
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any

__all__ = ["can_trim", "malloc_trim"]


def _load_trim() -> Any:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):  # no glibc: musl, macOS, Windows
        return None


_TRIM = _load_trim()


def can_trim() -> bool:
    return _TRIM is not None


def malloc_trim() -> None:
    """Return free heap memory to the OS where the C library can; a no-op elsewhere."""
    if _TRIM is not None:
        _TRIM(0)
