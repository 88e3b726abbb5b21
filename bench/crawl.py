"""Crawl throughput and memory: plain Scrapy + trafilatura vs newscrawl vs the cleaning limit.

Scrapy runs on one thread and cleaning is CPU work, so the question is how close the real
crawler (fetching, cleaning in worker processes, template model, dedup, JSONL writer) gets to
what the cleaning stage alone can do on all cores, and how much it beats the obvious baseline.
This script builds a loopback site of N real article pages (the Zyte benchmark's HTML, cycled
over several sites and made unique per URL), serves it on 127.0.0.1, and then runs, alternating
so that background load hits all modes alike:

  a  a minimal Scrapy spider calling `trafilatura.extract` in its callback, writing JSONL;
  b  the real `news` spider with the full newscrawl pipeline (`python -m scrapy crawl news`);
  c  the cleaning stage alone over the same pages, without fetching: extraction in a process
     pool on all cores, then the template model (`Cleaner`) and `build_record` (language,
     fingerprint, word count), as the crawl's cleaning pipeline does: the limit for b;
  r  (only with --modes including r) b without a Twisted reactor: Scrapy's asyncio-only mode
     (`-s TWISTED_REACTOR_ENABLED=False`) with its aiohttp download handler, an option users
     can turn on; b/a and b/c are printed for r too, as r/a and r/c.
  s  (only with --modes including s) Scrapy alone: spider a without the extraction, finding
     links as the news spider does: what fetching and link-following cost. b needs this CPU
     per page on top of c's, so c CPU / (c CPU + s CPU) is printed as the ceiling of b/c on a
     machine whose cores are all busy.

Each run is a child process; the table shows pages/s (articles / wall time from launch to exit),
CPU seconds per page and the peak memory of the whole process tree (crawler plus workers):
summed RSS, where pages shared copy-on-write count once per process, summed PSS, where they are
split between their sharers, and the crawler process's own RSS; then the median ratios b/a, b/c.

    python bench/crawl.py [--pages N] [--repeats K] [--modes abcrs] [--dataset PATH] [--json]
                          [--b-setting KEY=VALUE ...] [--b-arg NAME=VALUE ...]

The dataset directory holds `ground-truth.json` and `html/<id>.html.gz`; by default it is
`../shared/benchmarks/zyte-article-extraction` relative to the repository root. Only loopback
is used; every run is bounded by a time limit and a page-count limit and shuts down by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import pickle
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, only bench/ is on sys.path: make `newscrawl` importable.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATASET = ROOT.parent / "shared" / "benchmarks" / "zyte-article-extraction"
HOST = "127.0.0.1"
# Sites (ports) the articles are spread over: different ports are one host for the spider but
# separate sites for the template model, so several models learn at once as in a real crawl.
SITES = 4
SECTIONS = ("world", "business", "science", "culture", "sport")
# Links per listing page before it paginates; news section fronts list a few dozen stories.
LISTING_SIZE = 50
# Concurrency both spiders get: Scrapy's default, and enough to keep the workers fed.
CONCURRENT_REQUESTS = 16
# How often the process tree's RSS and CPU are sampled; short-lived workers between samples
# lose at most this much CPU time from the sum.
SAMPLE_SECONDS = 0.1
# The sampler shares the cores it measures, and some readings are not cheap: PSS makes the
# kernel walk a process's page tables (~5 ms of CPU for 300 MB) and listing the tree scans
# /proc (~1.4 ms). Read every sample, they took ~5% of a 2-core machine from the crawl. The
# tree is listed, and PSS read, every this many samples, and PSS whenever RSS sets a new peak
# (where the PSS peak is); RSS and CPU times (microseconds each) every sample.
FULL_SAMPLE_EVERY = 10
# Every run must end: generous floor plus a rate no healthy run is slower than.
MIN_RUN_SECONDS = 120.0
SLOWEST_PAGES_PER_SECOND = 5.0
# Pages per task for the cleaning-limit pool: enough to make IPC overhead vanish.
LIMIT_CHUNK = 8
MARK = "{{UNIQ}}"
URL_MARK = "{{URL}}"
NAV_MARK = "{{NAV}}"
_MARKS = re.compile(
    b"(" + b"|".join(re.escape(m.encode()) for m in (MARK, URL_MARK, NAV_MARK)) + b")"
)


@dataclass(slots=True)
class Template:
    """One dataset page, links made absolute to its original (off-site) host, with marks."""

    html: bytes
    title: str


@dataclass(slots=True)
class RunResult:
    mode: str
    repeat: int
    pages: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    peak_pss_mb: float
    peak_main_mb: float
    records: int
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


# --- the site ----------------------------------------------------------------------------------


def prepare_templates(dataset: Path) -> list[Template]:
    """Turn each dataset page into a template for many unique articles of our site.

    Links are made absolute to the page's original host, so neither spider wanders into a 404
    maze; the canonical URL becomes ours; a per-article mark goes at the start of the first body
    paragraph, so every article has its own text and dedup passes it.
    """
    import lxml.html
    from lxml import etree

    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    parser = lxml.html.HTMLParser(encoding="utf-8")
    out = []
    for page_id in sorted(truth):
        with gzip.open(dataset / "html" / f"{page_id}.html.gz", "rb") as fh:
            raw = fh.read()
        tree = lxml.html.document_fromstring(raw, parser=parser)
        tree.make_links_absolute(
            truth[page_id].get("url") or "https://example.com/", handle_failures="discard"
        )
        for el in tree.xpath("//base|//link[@rel='canonical']|//meta[@property='og:url']"):
            el.drop_tree()
        head = tree.find("head")
        if head is None:
            head = etree.SubElement(tree, "head")
            tree.insert(0, head)
        etree.SubElement(head, "link", rel="canonical", href=URL_MARK)
        body = tree.find("body")
        if body is None:
            body = etree.SubElement(tree, "body")
        nav = etree.Element("div", id="bench-nav")
        nav.text = NAV_MARK
        body.insert(0, nav)
        _mark_first_paragraph(tree, truth[page_id].get("articleBody", ""))
        title = (tree.findtext(".//title") or "Story").strip()[:80]
        html = lxml.html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>")
        out.append(Template(html=html, title=title))
    return out


def _mark_first_paragraph(tree: Any, truth: str) -> None:
    flat = " ".join(truth.split())
    for p in tree.iter("p"):
        text = " ".join(p.text_content().split())
        if len(text) >= 60 and text[:60] in flat:
            p.text = f"{MARK} {p.text or ''}"
            return
    # No paragraph matched the reference: mark the first long paragraph instead.
    for p in tree.iter("p"):
        if len(p.text_content()) >= 60:
            p.text = f"{MARK} {p.text or ''}"
            return


class Site:
    """N articles over SITES ports, with home, paginated section fronts, robots and sitemap."""

    def __init__(self, templates: list[Template], pages: int, ports: list[int]) -> None:
        self.templates = templates
        self.pages = pages
        self.ports = ports
        self.site_of_port = {port: index for index, port in enumerate(ports)}
        # Article ids per (site, section), in publication order.
        self.sections: dict[tuple[int, int], list[int]] = {}
        for i in range(pages):
            self.sections.setdefault(self._place(i), []).append(i)
        self._nav = {index: self._nav_html(index).encode() for index in range(len(ports))}
        # Each template cut at its marks once (literal, mark, literal, ...): an article is then
        # one join, not three passes of bytes.replace over a page of ~180 kB.
        self._pieces = [_MARKS.split(template.html) for template in templates]

    def base(self, site: int) -> str:
        return f"http://{HOST}:{self.ports[site]}"

    def _place(self, i: int) -> tuple[int, int]:
        return i % len(self.ports), (i // len(self.ports)) % len(SECTIONS)

    def article_path(self, i: int) -> str:
        _, section = self._place(i)
        return f"/news/{SECTIONS[section]}/2024/05/story-{i:06d}.html"

    def article_url(self, i: int) -> str:
        return self.base(self._place(i)[0]) + self.article_path(i)

    def headline(self, i: int) -> str:
        return f"{self.templates[i % len(self.templates)].title} (no. {i})"

    def _nav_html(self, site: int) -> str:
        links = "".join(
            f'<li><a href="/news/{name}/">{name.title()} news section</a></li>' for name in SECTIONS
        )
        return f'<nav><a href="/">Bench site {site} home page</a><ul>{links}</ul></nav>'

    def render(self, port: int, path: str) -> tuple[bytes, str] | None:
        """(body, content type) for a path of the site on `port`, or None for a 404."""
        site = self.site_of_port.get(port)
        if site is None:
            return None
        if path == "/robots.txt":
            text = f"User-agent: *\nAllow: /\nSitemap: {self.base(site)}/sitemap.xml\n"
            return text.encode(), "text/plain; charset=utf-8"
        if path == "/sitemap.xml":
            return self._sitemap(site), "application/xml; charset=utf-8"
        if path == "/":
            return self._listing(site, None, 1), "text/html; charset=utf-8"
        parts = path.strip("/").split("/")
        if parts[0] == "news" and len(parts) >= 2 and parts[1] in SECTIONS:
            section = SECTIONS.index(parts[1])
            if len(parts) == 2:
                return self._listing(site, section, 1), "text/html; charset=utf-8"
            if len(parts) == 4 and parts[2] == "page" and parts[3].isdigit():
                return self._listing(site, section, int(parts[3])), "text/html; charset=utf-8"
            if len(parts) == 5 and parts[4].startswith("story-"):
                number = parts[4].removeprefix("story-").removesuffix(".html")
                if number.isdigit() and int(number) < self.pages:
                    i = int(number)
                    if self._place(i) == (site, section):
                        return self.article(i), "text/html; charset=utf-8"
        return None

    def article(self, i: int) -> bytes:
        site, _ = self._place(i)
        fill = {
            URL_MARK.encode(): self.article_url(i).encode(),
            MARK.encode(): f"Dispatch {i} from bench site {site}.".encode(),
            NAV_MARK.encode(): self._nav[site],
        }
        pieces = list(self._pieces[i % len(self.templates)])
        for at in range(1, len(pieces), 2):
            pieces[at] = fill[pieces[at]]
        return b"".join(pieces)

    def _listing(self, site: int, section: int | None, page: int) -> bytes:
        if section is None:
            ids = sorted(
                (i for s in range(len(SECTIONS)) for i in self.sections.get((site, s), [])[:4]),
            )
            title, more = f"Bench site {site}", ""
        else:
            all_ids = self.sections.get((site, section), [])
            ids = all_ids[(page - 1) * LISTING_SIZE : page * LISTING_SIZE]
            title = f"{SECTIONS[section].title()} - page {page}"
            more = ""
            if page * LISTING_SIZE < len(all_ids):
                more = f'<a href="/news/{SECTIONS[section]}/page/{page + 1}/">Older stories</a>'
        items = "".join(
            f'<li><a href="{self.article_path(i)}">{_escape(self.headline(i))}</a></li>'
            for i in ids
        )
        return (
            f"<!DOCTYPE html><html><head><title>{title}</title></head><body>"
            f"{self._nav[site].decode()}<h1>{title}</h1><ul>{items}</ul>{more}"
            "<footer><p>Bench site footer, printed on every page of the site.</p></footer>"
            "</body></html>"
        ).encode()

    def _sitemap(self, site: int) -> bytes:
        locs = "".join(
            f"<url><loc>{self.base(site)}{self.article_path(i)}</loc>"
            "<lastmod>2024-05-01</lastmod></url>"
            for s in range(len(SECTIONS))
            for i in self.sections.get((site, s), [])
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
        ).encode()

    def all_pages(self) -> Iterator[tuple[str, bytes]]:
        """Every HTML page either spider fetches: articles, home pages, section fronts."""
        for site in range(len(self.ports)):
            yield self.base(site) + "/", self._listing(site, None, 1)
            for section in range(len(SECTIONS)):
                count = len(self.sections.get((site, section), []))
                for page in range(1, max(1, -(-count // LISTING_SIZE)) + 1):
                    path = f"/news/{SECTIONS[section]}/" + ("" if page == 1 else f"page/{page}/")
                    yield self.base(site) + path, self._listing(site, section, page)
        for i in range(self.pages):
            yield self.article_url(i), self.article(i)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: GET requests in, pre-rendered pages out.

    A minimal server on purpose: it shares the bench machine's cores with the crawl it
    measures, and http.server's per-request header parsing and thread handoffs cost ~0.9 ms
    of CPU a page, time no crawler spends on a real site, whose server runs elsewhere.
    """

    def __init__(self, servers: Servers, port: int) -> None:
        self.servers = servers
        self.port = port
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.servers.connections.add(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.servers.connections.discard(self.transport)

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            lines = head.split(b"\r\n")
            parts = lines[0].split()
            if len(parts) != 3:
                self.transport.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                self.transport.close()
                return
            path = urlsplit(parts[1].decode("latin-1")).path
            found = self.servers.site.render(self.port, path)
            self.servers.counters["ok" if found is not None else "not_found"] += 1
            body, ctype = found if found is not None else (b"not found\n", "text/plain")
            status = b"200 OK" if found is not None else b"404 Not Found"
            close = any(line.lower() == b"connection: close" for line in lines[1:])
            self.transport.write(
                b"HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n"
                % (status, ctype.encode(), len(body), b"Connection: close\r\n" if close else b"")
                + body
            )
            if close:
                self.transport.close()
                return
        if len(self.buffer) > 65536:  # no request head is this long: not a client of ours
            self.transport.close()


class Servers:
    """One loopback HTTP server per site, all serving the same `Site`, on one event loop thread."""

    def __init__(self, templates: list[Template], pages: int) -> None:
        self.counters = {"ok": 0, "not_found": 0}
        self.connections: set[asyncio.BaseTransport] = set()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.servers = [self._call(self._listen()) for _ in range(SITES)]
        ports = [server.sockets[0].getsockname()[1] for server in self.servers]
        self.site = Site(templates, pages, ports)

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)

    async def _listen(self) -> asyncio.Server:
        holder: list[int] = []
        server = await self.loop.create_server(
            lambda: _Connection(self, holder[0]), HOST, 0, reuse_address=True
        )
        holder.append(server.sockets[0].getsockname()[1])
        return server

    def close(self) -> None:
        async def stop() -> None:
            for server in self.servers:
                server.close()
            for connection in list(self.connections):  # a killed crawl may leave some open
                connection.close()
            for server in self.servers:
                await server.wait_closed()

        self._call(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


# --- measuring child processes -----------------------------------------------------------------


def run_measured(
    cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: float, log: Path
) -> tuple[float, float, tuple[float, float, float], int]:
    """Run `cmd`; return wall seconds, CPU seconds of the tree, peak MB, exit code.

    Peak MB are the tree's summed RSS (shared pages counted in every process), its summed PSS
    (shared pages split between the processes sharing them) and the root process's RSS.
    """
    import psutil

    start = time.perf_counter()
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT)
        root = psutil.Process(proc.pid)
        cpu: dict[int, float] = {}
        peak = [0, 0, 0]
        members: list[Any] = []
        samples = 0
        while proc.poll() is None:
            if time.perf_counter() - start > timeout:
                proc.kill()
                break
            full = samples % FULL_SAMPLE_EVERY == 0
            samples += 1
            if full:
                try:
                    members = [root, *root.children(recursive=True)]
                except psutil.NoSuchProcess:
                    members = []
            rss = _tree_rss(members, cpu)
            if rss > peak[0]:
                peak[0], full = rss, True
            if full:
                pss = 0
                for member in members:
                    try:
                        memory = member.memory_full_info()
                    except psutil.NoSuchProcess:
                        continue
                    pss += getattr(memory, "pss", memory.rss)
                    if member.pid == root.pid:
                        peak[2] = max(peak[2], memory.rss)
                peak[1] = max(peak[1], pss)
            time.sleep(SAMPLE_SECONDS)
        code = proc.wait()
    wall = time.perf_counter() - start
    rss_mb, pss_mb, main_mb = (value / 2**20 for value in peak)
    return wall, sum(cpu.values()), (rss_mb, pss_mb, main_mb), code


def _tree_rss(members: list[Any], cpu: dict[int, float]) -> int:
    """Summed RSS of `members` (bytes); records each one's CPU seconds in `cpu`."""
    import psutil

    rss = 0
    for member in members:
        try:
            with member.oneshot():
                rss += member.memory_info().rss
                times = member.cpu_times()
        except psutil.NoSuchProcess:
            continue
        cpu[member.pid] = times.user + times.system
    return rss


def _child_env() -> dict[str, str]:
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawl.settings"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def run_mode(
    mode: str,
    repeat: int,
    servers: Servers,
    work: Path,
    template_file: Path,
    pages: int,
    extra: Sequence[str] = (),
) -> RunResult:
    site = servers.site
    run_dir = work / f"{mode}{repeat}"
    run_dir.mkdir()
    out = run_dir / "out.jsonl"
    starts = [site.base(s) + "/" for s in range(len(site.ports))]
    html_pages = sum(1 for _ in site_listing_count(site)) + pages
    timeout = max(MIN_RUN_SECONDS, pages / SLOWEST_PAGES_PER_SECOND)
    max_pages = str(2 * html_pages + 100)  # every page once, plus robots/sitemaps, with slack
    loopback = {
        "AUTOTHROTTLE_ENABLED": "False",
        "DOWNLOAD_DELAY": "0",
        "CONCURRENT_REQUESTS": str(CONCURRENT_REQUESTS),
        "CONCURRENT_REQUESTS_PER_DOMAIN": str(CONCURRENT_REQUESTS),
        "CLOSESPIDER_TIMEOUT": str(int(timeout)),
        "CLOSESPIDER_PAGECOUNT": max_pages,
        "LOG_LEVEL": "INFO",
    }
    detail: dict[str, Any] = {}
    if mode in "as":
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--role",
            "baseline" if mode == "a" else "fetch",
            "--out",
            str(out),
            *[f"--start={u}" for u in starts],
        ]
        for key, value in loopback.items():
            cmd.append(f"--set={key}={value}")
    elif mode in "br":
        cmd = [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "news",
            "-a",
            "start_urls=" + ",".join(starts),
            "-a",
            "sitemap_urls=" + ",".join(u + "sitemap.xml" for u in starts),
        ]
        settings = {
            **loopback,
            "NEWSCRAWL_OUTPUT": str(out),
            "NEWSCRAWL_STATE_DIR": str(run_dir / "state"),
        }
        for key, value in settings.items():
            cmd += ["-s", f"{key}={value}"]
        cmd += list(extra)
        if mode == "r":
            cmd += ["-s", "TWISTED_REACTOR_ENABLED=False"]
    else:
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--role",
            "clean",
            "--templates",
            str(template_file),
            "--pages",
            str(pages),
            "--ports",
            ",".join(map(str, site.ports)),
            "--out",
            str(out),
        ]
    before = dict(servers.counters)
    wall, cpu, memory, code = run_measured(
        cmd, cwd=run_dir, env=_child_env(), timeout=timeout + 60, log=run_dir / "log.txt"
    )
    detail["exit_code"] = code
    detail["requests_ok"] = servers.counters["ok"] - before["ok"]
    detail["requests_404"] = servers.counters["not_found"] - before["not_found"]
    records = _count_lines(out) if mode != "c" else int(out.read_text() or 0)
    if mode in "br":
        stats_file = out.with_name("out.stats.json")
        if stats_file.exists():
            summary = json.loads(stats_file.read_text("utf-8"))["summary"]
            detail["dropped"] = summary.get("dropped", {})
            detail["pages_cleaned"] = summary.get("pages_cleaned")
            detail["finish_reason"] = summary.get("finish_reason")
    if code != 0:
        detail["log_tail"] = (run_dir / "log.txt").read_text("utf-8", "replace")[-2000:]
    return RunResult(mode, repeat, pages, wall, cpu, *memory, records, detail)


def site_listing_count(site: Site) -> Iterator[None]:
    for site_index in range(len(site.ports)):
        yield None
        for section in range(len(SECTIONS)):
            count = len(site.sections.get((site_index, section), []))
            for _ in range(max(1, -(-count // LISTING_SIZE))):
                yield None


# --- roles run in child processes --------------------------------------------------------------


def role_baseline(
    out: Path, starts: list[str], settings: list[str], *, extract: bool = True
) -> int:
    """Mode a: the spider anyone would write first, with trafilatura inline in the callback.

    Without `extract` (mode s) it only fetches and follows links, found as the news spider
    finds them (a regular expression over the bytes, no parse): Scrapy's own cost.
    """
    import scrapy
    import trafilatura
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import HtmlResponse

    if not extract:  # only s: a stays the plain spider anyone would write
        from newscrawl.spiders.links import body_links

    class BaselineSpider(scrapy.Spider):
        name = "baseline"

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.fh = out.open("w", encoding="utf-8")

        async def start(self) -> Any:
            for url in starts:
                yield scrapy.Request(url)

        def parse(self, response: Any, **kwargs: Any) -> Any:
            if not isinstance(response, HtmlResponse):
                return
            if extract:
                text = trafilatura.extract(response.text, url=response.url, include_comments=False)
            else:
                text = str(len(response.body))
            if text:
                line = json.dumps({"url": response.url, "text": text}, ensure_ascii=False)
                self.fh.write(line + "\n")
            if extract:
                hrefs = response.css("a::attr(href)").getall()
                urls = [response.urljoin(href) for href in hrefs]
            else:  # links found as the news spider finds them, without parsing the page
                urls = body_links(response.body, response.encoding, response.url)
            for url in urls:
                if urlsplit(url).hostname == HOST:
                    yield scrapy.Request(url)

        def closed(self, reason: str) -> None:
            self.fh.close()

    values: dict[str, Any] = {
        "ROBOTSTXT_OBEY": True,
        "TELNETCONSOLE_ENABLED": False,
        "USER_AGENT": "newscrawl-bench",
    }
    for item in settings:
        key, _, value = item.partition("=")
        values[key] = value
    process = CrawlerProcess(values)
    process.crawl(BaselineSpider)
    process.start()
    return 0


def _clean_chunk(chunk: list[tuple[str, bytes]]) -> list[Any]:
    from newscrawl.core import worker

    # As the crawl's workers get pages: the fetched bytes and their encoding.
    return [worker.extract(html, url, encoding="utf-8") for url, html in chunk]


def role_clean(templates_file: Path, pages: int, ports: list[int], out: Path) -> int:
    """Mode c: the cleaning stage alone, no fetching: the limit.

    Extraction on all cores, then in this process what the crawl's cleaning pipeline does with
    each page: the site template model, and the record (language, fingerprint, word count).
    """
    import multiprocessing
    from datetime import UTC, datetime

    from newscrawl.core.cleaner import Cleaner
    from newscrawl.core.record import build_record
    from newscrawl.pipelines.executor import cpu_count

    templates = pickle.loads(templates_file.read_bytes())
    site = Site(templates, pages, ports)
    cleaner = Cleaner()
    workers = cpu_count()
    now = datetime.now(UTC)
    ok = 0

    def records(results: list[Any]) -> int:
        built = 0
        for result in results:
            if result.ok and result.record_page is not None:
                build_record(result.record_page, result.kept, fetched_at=now, source="bench")
                built += 1
        return built

    def take(future: Future[list[Any]]) -> None:
        nonlocal ok
        for page in future.result():
            ok += records(cleaner.add(page))

    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        window: deque[Future[list[Any]]] = deque()
        chunk: list[tuple[str, bytes]] = []
        for item in site.all_pages():
            chunk.append(item)
            if len(chunk) == LIMIT_CHUNK:
                window.append(pool.submit(_clean_chunk, chunk))
                chunk = []
                if len(window) >= 2 * workers:
                    take(window.popleft())
        if chunk:
            window.append(pool.submit(_clean_chunk, chunk))
        while window:
            take(window.popleft())
    ok += records(cleaner.flush())
    out.write_text(str(ok))
    return 0


# --- the sitting -------------------------------------------------------------------------------


def summarize(results: list[RunResult]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for mode in LABELS:
        runs = [r for r in results if r.mode == mode]
        if not runs:
            continue
        table[mode] = {
            "pages_per_second": statistics.median(r.pages_per_second for r in runs),
            "cpu_per_page": statistics.median(r.cpu_seconds / r.pages for r in runs),
            "peak_rss_mb": max(r.peak_rss_mb for r in runs),
            "peak_pss_mb": max(r.peak_pss_mb for r in runs),
            "peak_main_mb": max(r.peak_main_mb for r in runs),
            "records": statistics.median(r.records for r in runs),
            "runs": len(runs),
        }
    ratios = {}
    for num, den in (("b", "a"), ("b", "c"), ("r", "a"), ("r", "c"), ("r", "b")):
        if num in table and den in table:
            ratios[f"{num}/{den}"] = table[num]["pages_per_second"] / table[den]["pages_per_second"]
    if "c" in table and "s" in table:
        clean, fetch = table["c"]["cpu_per_page"], table["s"]["cpu_per_page"]
        ratios["b/c ceiling (CPU)"] = clean / (clean + fetch)
    return {"modes": table, "ratios": ratios}


LABELS = {
    "a": "a  scrapy + trafilatura inline",
    "b": "b  newscrawl news spider",
    "c": "c  cleaning stage alone",
    "r": "r  b without Twisted reactor",
    "s": "s  scrapy alone, no extraction",
}


def print_table(results: list[RunResult], summary: dict[str, Any], pages: int) -> None:
    print(f"{pages} article pages, {SITES} sites, {os.cpu_count()} cores")
    print(
        f"{'run':<34} {'pages/s':>8} {'CPU s/page':>11} {'RSS MB':>7} {'PSS MB':>7} "
        f"{'main MB':>8} {'records':>8}"
    )
    for r in results:
        label = f"{LABELS[r.mode]} #{r.repeat}"
        print(
            f"{label:<34} {r.pages_per_second:8.1f} {r.cpu_seconds / r.pages:11.4f} "
            f"{r.peak_rss_mb:7.0f} {r.peak_pss_mb:7.0f} {r.peak_main_mb:8.0f} {r.records:8d}"
        )
    print("median")
    for mode, row in summary["modes"].items():
        print(
            f"{LABELS[mode]:<34} {row['pages_per_second']:8.1f} {row['cpu_per_page']:11.4f} "
            f"{row['peak_rss_mb']:7.0f} {row['peak_pss_mb']:7.0f} {row['peak_main_mb']:8.0f} "
            f"{row['records']:8.0f}"
        )
    for name, value in summary["ratios"].items():
        print(f"{name} = {value:.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000, help="article pages (default 2000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per mode (default 3)")
    parser.add_argument("--modes", default="abc", help="modes to run, of abcrs (default abc)")
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--b-setting",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra Scrapy setting for the news crawl (b), to try a variant",
    )
    parser.add_argument(
        "--b-arg",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra spider argument for the news crawl (b), e.g. follow_links=false",
    )
    parser.add_argument("--role", choices=["baseline", "fetch", "clean"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--start", action="append", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--set", action="append", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--templates", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ports", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.role in ("baseline", "fetch"):
        return role_baseline(args.out, args.start, args.set, extract=args.role == "baseline")
    if args.role == "clean":
        ports = [int(p) for p in args.ports.split(",")]
        return role_clean(args.templates, args.pages, ports, args.out)

    if args.pages < 1 or args.repeats < 1 or not set(args.modes) <= set(LABELS):
        parser.error("--pages and --repeats must be >= 1; --modes a subset of abcrs")
    if not (args.dataset / "ground-truth.json").exists():
        parser.error(f"no dataset at {args.dataset}")
    b_extra = [f for item in args.b_setting for f in ("-s", item)]
    b_extra += [f for item in args.b_arg for f in ("-a", item)]
    templates = prepare_templates(args.dataset)
    servers = Servers(templates, args.pages)
    results: list[RunResult] = []
    try:
        with tempfile.TemporaryDirectory(prefix="newscrawl-bench-") as tmp:
            work = Path(tmp)
            template_file = work / "templates.pickle"
            template_file.write_bytes(pickle.dumps(templates))
            for repeat in range(1, args.repeats + 1):
                for mode in args.modes:
                    result = run_mode(
                        mode,
                        repeat,
                        servers,
                        work,
                        template_file,
                        args.pages,
                        b_extra,
                    )
                    results.append(result)
                    print(
                        f"{LABELS[mode]} #{repeat}: {result.pages_per_second:.1f} pages/s, "
                        f"{result.peak_rss_mb:.0f} MB, {result.records} records "
                        f"{result.detail}",
                        file=sys.stderr,
                    )
    finally:
        servers.close()
    summary = summarize(results)
    if args.json:
        print(
            json.dumps(
                {
                    "pages": args.pages,
                    "sites": SITES,
                    "cores": os.cpu_count(),
                    "b_extra": b_extra,
                    "summary": summary,
                    "runs": [asdict(r) for r in results],
                },
                indent=2,
            )
        )
    else:
        print_table(results, summary, args.pages)
        if b_extra:
            print("b extra arguments: " + " ".join(b_extra))
    return 0 if all(r.detail.get("exit_code") == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
