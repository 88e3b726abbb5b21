"""Scrapy settings for newscrawl: the Scrapy defaults we change, then one block per component.

Every `NEWSCRAWL_*` setting is declared here with its default and a one-line comment; the
components read them through `from_crawler` and nowhere else.
"""

from __future__ import annotations

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"

# --- Politeness: a news crawler runs unattended against other people's servers. ---
ROBOTSTXT_OBEY = True
USER_AGENT = "newscrawl/0.1 (news archiving crawler; set USER_AGENT to add a contact address)"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_DELAY = 0.25
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # no article page is larger; bigger bodies are dropped
DOWNLOAD_WARNSIZE = 3 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
DEPTH_LIMIT = 8  # news sites reach articles within a few clicks; deeper is calendars and traps
DEPTH_PRIORITY = 1  # breadth-first: section fronts before archive depths
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
# Responses waiting in the scraper (for a worker, or held back with a new site's first pages)
# count against this; past it the engine pauses downloads. Scrapy's 5 MB would pause a crawl
# of several new sites at once, while each waiting response costs about twice its body.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 16 * 1024 * 1024
# Scrapy starts this many asyncio tasks for every response, whatever the callback yields; our
# callbacks yield one page item each (plus requests, handled inline), so 100 (the default)
# only costs: 4 saves ~1.5 ms of crawler CPU a page, ~9% of crawl throughput on 2 cores.
CONCURRENT_ITEMS = 4
FEED_EXPORT_ENCODING = "utf-8"
LOG_FORMATTER = "newscrawl.logformatter.NewscrawlLogFormatter"
LOG_LEVEL = "INFO"

ITEM_PIPELINES = {
    "newscrawl.pipelines.CleaningPipeline": 300,
    "newscrawl.pipelines.ValidationPipeline": 500,
    "newscrawl.pipelines.DedupPipeline": 600,
    "newscrawl.pipelines.incremental.IncrementalPipeline": 650,
    "newscrawl.pipelines.JsonlWriterPipeline": 900,
}
EXTENSIONS = {
    "newscrawl.ops.jobdir.JobdirGuard": 0,
    "newscrawl.extensions.StatsFile": 900,
    "newscrawl.extensions.MemoryTrim": 910,
    "newscrawl.extensions.ShortNetworkErrors": 920,
    "newscrawl.extensions.OffsiteRedirects": 925,
    "newscrawl.extensions.ParentWatch": 930,
    # After AutoThrottle (its signal handlers run first), so its delay changes are floored.
    "newscrawl.extensions.Politeness": 940,
}
SPIDER_MIDDLEWARES = {"newscrawl.middlewares.IncrementalSpiderMiddleware": 600}
DOWNLOADER_MIDDLEWARES = {
    "newscrawl.middlewares.IncrementalMiddleware": 50,
    # Scrapy's decodes every page to look for a refresh tag; ours tests the bytes first.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newscrawl.middlewares.MetaRefreshMiddleware": 580,
}
ADDONS = {
    "newscrawl.ops.scaleout.RedisScaleOut": 0,  # inert while NEWSCRAWL_REDIS_URL is empty
    "newscrawl.ops.jobdir.DiskFrontier": 10,  # a temporary JOBDIR when none is set
}

# --- Output (JsonlWriterPipeline, StatsFile) ---
NEWSCRAWL_OUTPUT = ""  # explicit JSONL path; default output/<spider>/<YYYY-MM-DD>/<run-id>.jsonl
NEWSCRAWL_OUTPUT_DIR = "output"  # root of the default output layout
NEWSCRAWL_RUN_ID = ""  # run id for the default file name; empty: UTC start time
NEWSCRAWL_WRITER_ENABLED = True  # write records as JSON Lines
NEWSCRAWL_STATS_FILE_ENABLED = True  # write <output>.stats.json beside the JSONL at close

# --- State (template models, seen stores) ---
NEWSCRAWL_STATE_DIR = ".newscrawl"  # persistent state directory, relative to the working dir

# --- Cleaning (CleaningPipeline) ---
NEWSCRAWL_CLEAN_ENABLED = True  # run the cleaning stage on RawPage items
NEWSCRAWL_CLEAN_HOLD_PAGES = 12  # pages of a new site held until its template model is ready
NEWSCRAWL_CLEAN_MAX_HELD = 400  # held pages across all sites before early release
NEWSCRAWL_CLEAN_MAX_SITES = 256  # site template models kept in memory (LRU, rest on disk)
NEWSCRAWL_CLEAN_PERSIST = True  # save/load template models under NEWSCRAWL_STATE_DIR
NEWSCRAWL_CLEAN_AUDIT = False  # add a "removed" list (text, rule) to every record
NEWSCRAWL_CLEAN_MIN_WORDS = 30  # articles shorter than this are dropped as too_short
NEWSCRAWL_CLEAN_WORKERS = 0  # worker processes for extraction; 0: one per core, 1: inline
NEWSCRAWL_CLEAN_TIMEOUT = 60.0  # seconds one page may take in a worker before it is killed
NEWSCRAWL_MEMORY_TRIM_INTERVAL = 2.0  # seconds between returning freed heap to the OS; 0: off
NEWSCRAWL_SHORT_NETWORK_ERRORS = True  # one log line, no traceback, for unreachable robots.txt
NEWSCRAWL_PARENT_PID = 0  # close the crawl when this process is gone (set by newscrawl crawl)

# --- Politeness (Politeness extension) ---
NEWSCRAWL_CRAWL_DELAY_MAX = 30.0  # obey robots.txt Crawl-delay up to this many seconds; 0: off
NEWSCRAWL_RETRY_AFTER_MAX = 120.0  # obey Retry-After on 429/503 up to this many seconds; 0: off

# --- Validation (ValidationPipeline) ---
NEWSCRAWL_VALIDATE_ENABLED = True  # check each record against the JSON Schema

# --- Deduplication (DedupPipeline) ---
NEWSCRAWL_DEDUP_ENABLED = True  # drop a second record of the same article within a run

# --- Spider (NewsSpider) ---
NEWSCRAWL_MAX_ARTICLES = 0  # stop after this many records are written; 0: no cap

# --- Incremental crawls (IncrementalSpiderMiddleware, IncrementalMiddleware, IncrementalPipeline)
NEWSCRAWL_INCREMENTAL_ENABLED = False  # skip unchanged written articles (schedule turns it on)
NEWSCRAWL_INCREMENTAL_STORE = ""  # seen-store path; empty: <NEWSCRAWL_STATE_DIR>/seen.sqlite3
NEWSCRAWL_INCREMENTAL_RECHECK_HOURS = 24.0  # re-check an article without newer hints after this

# --- Resume (JobdirGuard) ---
NEWSCRAWL_DISK_FRONTIER = True  # pending requests on disk: a temporary JOBDIR when none is set
NEWSCRAWL_JOBDIR_GUARD_ENABLED = True  # reset a JOBDIR left by a killed crawl; restart re-seeds

# --- Redis scale-out (RedisScaleOut add-on, RedisIdleWait) ---
NEWSCRAWL_REDIS_URL = ""  # redis:// URL: share frontier and dupefilter; empty: single process
NEWSCRAWL_REDIS_JOB = ""  # key namespace newscrawl:<job>:...; empty: the spider name
NEWSCRAWL_REDIS_IDLE_SECONDS = 10.0  # an idle worker waits this long for the shared queue
