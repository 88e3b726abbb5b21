"""Pages built in the browser by scripts: read from their declared text, or named as such."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_crawl

from newscrawl.cli.crawl import CrawlOutcome, print_outcome
from newscrawl.core.extract import extract_page
from newscrawl.demo import serve

PARAGRAPHS = [
    "The city council approved the new budget on Tuesday after a debate that lasted most of "
    "the day and ended with a narrow vote of seven to five.",
    "Spending on roads rises by a tenth, while the library service keeps its funding flat "
    "for the third year running, officials said after the vote.",
    "The mayor said the plan was the best the city could afford, and promised a review of "
    "the bus network before the end of the year.",
]
URL = "https://news.example.com/2024/05/01/council-passes-budget"


def _shell(body: str | None, headline: str = "Council passes budget", rendered: str = "") -> str:
    """An application shell: JSON-LD in the head, an empty root and a bundle to build it."""
    ld: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline,
        "datePublished": "2024-05-01T10:00:00Z",
        "author": {"@type": "Person", "name": "Jane Roe"},
    }
    if body is not None:
        ld["articleBody"] = body
    return f"""<!doctype html><html lang="en"><head><title>{headline} - Example News</title>
    <script type="application/ld+json">{json.dumps(ld)}</script>
    <script src="/static/app.js" defer></script></head>
    <body><div id="root">{rendered}</div>
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <script>window.__STATE__ = {{"page": "article"}};</script></body></html>"""


def test_script_built_page_is_read_from_its_declared_text() -> None:
    page = extract_page(_shell("\n\n".join(PARAGRAPHS)), URL)
    assert page.error is None
    assert page.text_source == "json_ld"
    assert page.page_type == "article"
    assert [b.text for b in page.blocks] == PARAGRAPHS
    assert page.title == "Council passes budget"
    assert page.authors == ["Jane Roe"]


def test_declared_text_in_markup_becomes_paragraphs() -> None:
    body = "".join(f"<p>{p.replace('budget', 'budget &amp; plan')}</p>" for p in PARAGRAPHS)
    page = extract_page(_shell(body), URL)
    texts = [b.text for b in page.blocks]
    assert len(texts) == 3
    assert "budget & plan" in texts[0]
    assert not any("<" in t for t in texts)


def test_rendered_page_keeps_its_html_text() -> None:
    rendered = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    summary = "A short summary the site declares as the article body, long enough. " * 6
    page = extract_page(_shell(summary, rendered=f"<article>{rendered}</article>"), URL)
    assert page.text_source == "html"
    assert [b.text for b in page.blocks] == PARAGRAPHS


def test_script_built_page_without_declared_text_needs_javascript() -> None:
    page = extract_page(_shell(None), URL)
    assert page.error == "needs_javascript"


def test_a_gallery_with_scripts_is_no_shell() -> None:
    """Pictures with short captions and a script or two: little text, but nothing on it
    waits for JavaScript; it is a page that is no article."""
    figures = "".join(
        f'<figure><img src="/img/{i}.jpg" alt=""><figcaption>Photo {i}</figcaption></figure>'
        for i in range(6)
    )
    html = (
        "<html><head><script>window.ads = [];</script></head><body><h1>In pictures</h1>"
        f"{figures}<script src='/gallery.js'></script></body></html>"
    )
    page = extract_page(html, "https://news.example.com/gallery/harbour-in-pictures")
    assert page.page_type != "article" and page.error != "needs_javascript"
    assert extract_page(html.replace("<img", "<span"), URL).error == "needs_javascript"


def test_short_page_without_scripts_is_no_shell() -> None:
    html = "<html><body><h1>Gone</h1><p>This page has moved.</p></body></html>"
    page = extract_page(html, URL)
    assert page.error != "needs_javascript"


def test_crawl_of_a_script_built_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "news").mkdir(parents=True)
    links = []
    for i in range(3):
        body = "\n".join(f"Story {i}: {p}" for p in PARAGRAPHS)
        name = f"story-number-{i}-of-the-day.html"
        (site / "news" / name).write_text(_shell(body, headline=f"Story {i}"), "utf-8")
        links.append(f'<a href="/news/{name}">Story {i}</a>')
    (site / "news" / "no-declared-text-here.html").write_text(_shell(None), "utf-8")
    links.append('<a href="/news/no-declared-text-here.html">Shell</a>')
    (site / "index.html").write_text(f"<html><body>{''.join(links)}</body></html>", "utf-8")
    with serve(site) as server:
        run = run_crawl(tmp_path, {"start_urls": server.url("/")})
    assert run.returncode == 0, run.log[-2000:]
    texts = sorted(r["text"] for r in run.records)
    assert len(texts) == 3
    assert texts[0] == "\n\n".join(f"Story 0: {p}" for p in PARAGRAPHS)
    assert run.stats["summary"]["dropped"].get("needs_javascript") == 1
    assert run.stats["stats"]["newscrawl/clean/text_from_json_ld"] == 3


def test_summary_explains_needs_javascript(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = {"pages_fetched": 3, "articles_written": 0, "dropped": {"needs_javascript": 2}}
    outcome = CrawlOutcome(0, tmp_path / "o.jsonl", tmp_path / "o.stats.json", summary)
    print_outcome(outcome)
    out = capsys.readouterr().out
    assert "needs_javascript=2" in out
    assert "scripts, which newscrawl does not run" in out
