"""Allow `python -m newscrawl.cli`."""

from __future__ import annotations

import sys

from newscrawl.cli import main

sys.exit(main())
