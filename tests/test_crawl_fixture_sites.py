"""Real crawls of the five fixture sites: exactly their articles, clean, whatever the template.

Each site is served on 127.0.0.1 and crawled from its home page by the `news` spider through
every pipeline; the JSONL must hold one record per gold article (no section or home pages),
no template segment of that page, and the gold paragraphs.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import run_crawl

from newscrawl.core.text import normalize
from newscrawl.demo import serve

SITES = Path(__file__).parent / "fixtures" / "sites"
NAMES = sorted(p.name.removesuffix(".gold.jsonl") for p in SITES.glob("*.gold.jsonl"))


@pytest.mark.parametrize("name", NAMES)
def test_crawl_fixture_site(name: str, tmp_path: Path) -> None:
    gold = {
        g["path"]: g
        for g in map(json.loads, (SITES / f"{name}.gold.jsonl").read_text("utf-8").splitlines())
    }
    with serve(SITES / name) as server:
        run = run_crawl(tmp_path, {"start_urls": server.url("/")})
    assert run.returncode == 0, run.log[-2000:]
    paths = sorted(urlsplit(r["url"]).path for r in run.records)
    assert paths == sorted(gold), "one record per article, no listing pages"
    for record in run.records:
        expected = gold[urlsplit(record["url"]).path]
        text, gold_text = normalize(record["text"]), normalize(expected["text"])
        left = [
            s
            for s in expected["template_segments"]
            if normalize(s) in text and normalize(s) not in gold_text
        ]
        assert not left, (record["url"], left)
        for keep in expected.get("must_keep", []):
            assert normalize(keep) in text, (record["url"], keep)
        assert record["language"] == expected["language"]
