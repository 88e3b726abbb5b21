"""Operations: sources files, the crawl scheduler, its run history and the incremental store.

Everything a long-running deployment needs beyond one `scrapy crawl`: which sites to crawl and
how often (`sources`), when each is due (`schedules`), what happened last time (`state`), what
was already written so a re-crawl fetches only what changed (`seen`), and the Redis scale-out
add-on (`scaleout`). Only `scaleout` and `seen` are imported by crawl processes; the rest runs
in the scheduler.
"""

from __future__ import annotations
