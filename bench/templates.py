"""Template-removal benchmark on the multi-site fixture corpus (tests/fixtures/sites/).

For every site, the article pages are fed to newscrawl's cleaning stage in a crawl-like order
(and in several shuffled orders, to show order independence), and to page-by-page
`trafilatura.extract` for comparison. Reported per extractor:

- token F1 / precision / recall against the gold text (the Zyte benchmark's 4-shingle metric);
- the share of pages in which any template segment survives (a segment "survives" when its
  normalised text is in the output and not in the gold text), overall and on each site's
  first three pages in crawl order.

Usage: python bench/templates.py [--sites DIR] [--orders N] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.metric import score_page, summarize  # noqa: E402
from newscrawl.core.cleaner import Cleaner  # noqa: E402
from newscrawl.core.extract import extract_page  # noqa: E402
from newscrawl.core.text import normalize  # noqa: E402

# Pages counted as "a site's first pages" when checking that cleaning is good from the start.
FIRST_PAGES = 3


@dataclass
class SitePage:
    site: str
    url: str
    html: str
    gold: str
    segments: list[str]
    must_keep: list[str] = field(default_factory=list)


@dataclass
class Result:
    name: str
    scores: list[Any] = field(default_factory=list)
    survived: int = 0
    survived_first: int = 0
    must_keep: int = 0
    must_keep_lost: int = 0
    pages: int = 0
    first_pages: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)


def load_sites(root: Path) -> dict[str, list[SitePage]]:
    sites: dict[str, list[SitePage]] = {}
    for gold_path in sorted(root.glob("*.gold.jsonl")):
        name = gold_path.name.removesuffix(".gold.jsonl")
        base = f"https://{name}.example"
        pages = []
        for line in gold_path.read_text("utf-8").splitlines():
            gold = json.loads(line)
            file = root / name / gold["path"].lstrip("/")
            if file.is_dir():
                file = file / "index.html"
            html = file.read_text("utf-8").replace("{{BASE}}", base)
            pages.append(
                SitePage(
                    name,
                    base + gold["path"],
                    html,
                    gold["text"],
                    list(gold.get("template_segments", [])),
                    list(gold.get("must_keep", [])),
                )
            )
        sites[name] = pages
    return sites


def survived(output: str, page: SitePage) -> list[str]:
    out, gold = normalize(output), normalize(page.gold)
    return [s for s in page.segments if (n := normalize(s)) and n in out and n not in gold]


def record(result: Result, page: SitePage, output: str, position: int) -> None:
    result.scores.append(score_page(page.gold, output))
    left = survived(output, page)
    out_norm = normalize(output)
    result.must_keep += len(page.must_keep)
    result.must_keep_lost += sum(normalize(k) not in out_norm for k in page.must_keep)
    result.pages += 1
    if position < FIRST_PAGES:
        result.first_pages += 1
    if left:
        result.survived += 1
        result.survived_first += position < FIRST_PAGES
        if len(result.examples) < 8:
            result.examples.append(f"{page.url}: {left[0][:70]!r}")


def run_trafilatura(sites: dict[str, list[SitePage]]) -> Result:
    result = Result("trafilatura (page by page)")
    start = time.process_time()
    for pages in sites.values():
        for position, page in enumerate(pages):
            record(result, page, trafilatura.extract(page.html, url=page.url) or "", position)
    result.seconds = time.process_time() - start
    return result


def run_newscrawl(
    sites: dict[str, list[SitePage]], seed: int | None
) -> tuple[Result, dict[str, str]]:
    name = "newscrawl" if seed is None else f"newscrawl (shuffled, seed {seed})"
    result = Result(name)
    texts: dict[str, str] = {}
    start = time.process_time()
    for pages in sites.values():
        order = list(pages)
        if seed is not None:
            random.Random(seed).shuffle(order)
        cleaner = Cleaner()
        outcome = []
        for page in order:
            outcome += cleaner.add(extract_page(page.html, page.url), token=page.url)
        outcome += cleaner.flush()
        by_url = {r.token: "\n\n".join(b.text for b in r.kept) for r in outcome}
        for position, page in enumerate(order):
            texts[page.url] = by_url.get(page.url, "")
            record(result, page, texts[page.url], position)
    result.seconds = time.process_time() - start
    return result, texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=Path, default=ROOT / "tests" / "fixtures" / "sites")
    parser.add_argument("--orders", type=int, default=3, help="shuffled orders to also run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sites = load_sites(args.sites)
    if not sites:
        print(f"no *.gold.jsonl under {args.sites}", file=sys.stderr)
        return 2
    results = [run_trafilatura(sites)]
    base, base_texts = run_newscrawl(sites, None)
    results.append(base)
    identical = True
    for seed in range(1, args.orders + 1):
        shuffled, texts = run_newscrawl(sites, seed)
        results.append(shuffled)
        identical = identical and texts == base_texts
    rows = []
    for r in results:
        s = summarize(r.scores)
        rows.append(
            {
                "extractor": r.name,
                "f1": s.f1,
                "precision": s.precision,
                "recall": s.recall,
                "pages": r.pages,
                "template_survives_share": r.survived / r.pages,
                "first_pages_template_survives_share": r.survived_first / max(1, r.first_pages),
                "cpu_s_per_page": r.seconds / r.pages,
                "examples": r.examples,
                "must_keep": r.must_keep,
                "must_keep_lost": r.must_keep_lost,
            }
        )
    if args.json:
        print(
            json.dumps(
                {
                    "sites": {k: len(v) for k, v in sites.items()},
                    "rows": rows,
                    "order_independent": identical,
                },
                indent=2,
            )
        )
        return 0
    print(f"sites: {', '.join(f'{k} ({len(v)})' for k, v in sites.items())}")
    print(
        f"{'extractor':34s} {'F1':>6s} {'P':>6s} {'R':>6s} {'tmpl%':>6s} {'first%':>6s} "
        f"{'ms/pg':>6s} {'must-keep lost':>14s}"
    )
    for row in rows:
        print(
            f"{row['extractor']:34s} {row['f1']:6.3f} {row['precision']:6.3f} "
            f"{row['recall']:6.3f} {100 * row['template_survives_share']:6.1f} "
            f"{100 * row['first_pages_template_survives_share']:6.1f} "
            f"{1000 * row['cpu_s_per_page']:6.1f} "
            f"{row['must_keep_lost']:>6d} of {row['must_keep']:<4d}"
        )
    print(f"same output in every order: {identical}")
    for row in rows[:2]:
        for example in row["examples"]:
            print(f"  [{row['extractor']}] survived: {example}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
