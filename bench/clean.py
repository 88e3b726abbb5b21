"""Memory and speed of `newscrawl clean` on WARC files of growing size.

`clean` reads all its inputs before it decides any page, so that the template model sees a
whole site first. This checks that what it holds meanwhile does not grow with the input: it
writes WARCs of N pages (the crawl benchmark's site: the Zyte pages, cycled over several
sites and made unique per URL, with home and section pages), runs `newscrawl clean` on each
as a child process, and prints pages/s, CPU s/page, the peak RSS and PSS of the process tree
(the command and its workers) and the RSS of the command alone, and the growth of the tree's
peak from the smallest N to each.

    python bench/clean.py [--pages 2000,8000] [--repeats 1] [--workers 2] [--dataset PATH]

No network: the pages go into the WARC and never leave the machine.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
from pathlib import Path

from crawl import (  # bench/crawl.py: the same site and the same measurement
    DEFAULT_DATASET,
    ROOT,
    Site,
    _child_env,
    _count_lines,
    prepare_templates,
    run_measured,
)
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Site "ports": only in the URLs, as separate sites for the template model.
PORTS = [8101, 8102, 8103, 8104]
SECONDS_PER_PAGE_LIMIT = 0.5  # no healthy run is slower; every run must end


def write_warc(site: Site, path: Path) -> int:
    """The site's pages as a gzipped WARC of responses, as a crawler writes it."""
    count = 0
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in site.all_pages():
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
            )
            writer.write_record(record)
            count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="2000,8000", help="article counts, comma-separated")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    args = parser.parse_args()
    sizes = [int(n) for n in args.pages.split(",")]
    templates = prepare_templates(args.dataset)
    rows = []
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-clean-") as tmp:
        work = Path(tmp)
        for n in sizes:
            warc = work / f"site-{n}.warc.gz"
            pages = write_warc(Site(templates, n, PORTS), warc)
            runs = []
            for repeat in range(args.repeats):
                out = work / f"out-{n}-{repeat}.jsonl"
                cmd = [sys.executable, "-m", "newscrawl.cli", "clean", str(warc)]
                cmd += ["-o", str(out), "--workers", str(args.workers)]
                wall, cpu, (rss, pss, main_mb), code = run_measured(
                    cmd,
                    cwd=ROOT,
                    env=_child_env(),
                    timeout=60 + pages * SECONDS_PER_PAGE_LIMIT,
                    log=work / f"log-{n}-{repeat}.txt",
                )
                if code != 0:
                    print((work / f"log-{n}-{repeat}.txt").read_text()[-2000:], file=sys.stderr)
                    return 1
                runs.append((pages / wall, cpu / pages, rss, pss, main_mb, _count_lines(out)))
                print(f"N={n} #{repeat}: {runs[-1][0]:.1f} pages/s, peak RSS {rss:.0f} MB")
            rows.append((n, pages, *(statistics.median(r[i] for r in runs) for i in range(6))))
    print(
        f"\n{'articles':>8} {'pages':>7} {'pages/s':>8} {'CPU s/page':>11} {'peak RSS MB':>12} "
        f"{'peak PSS MB':>12} {'main MB':>8} {'records':>8} {'RSS vs first':>13}"
    )
    base = rows[0][4]
    for n, pages, rate, cpu, rss, pss, main_mb, records in rows:
        print(
            f"{n:>8} {pages:>7} {rate:>8.1f} {cpu:>11.4f} {rss:>12.0f} {pss:>12.0f} "
            f"{main_mb:>8.0f} {records:>8.0f} {(rss / base - 1) * 100:>+12.1f}%"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
