"""Tests for the bundled demo news site, its gold file, its generator and its server.

The demo site is the ground truth for the crawler's end-to-end tests and the cleaning benchmark,
so these tests pin down what the others rely on: every article carries the template clutter,
every gold paragraph really is on the page, the discovery files list every article, the server
fills in absolute URLs, and the committed site is exactly what the generator produces.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import urlopen

import lxml.etree
import lxml.html
import pytest

from newscrawl.demo import GOLD_PATH, SITE_DIR, GoldArticle, load_gold, serve
from newscrawl.demo.build import ARTICLES_PATH, build
from newscrawl.demo.model import LINK_RE, load_site

REPO_ROOT = Path(__file__).resolve().parents[1]
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
PROMO = "No time to read?"


@pytest.fixture(scope="module")
def gold() -> list[GoldArticle]:
    return load_gold()


def _page(path: str) -> str:
    """Read a page as stored (with ``{{BASE}}`` placeholders), by its URL path."""
    rel = path.lstrip("/")
    if not rel or rel.endswith("/"):
        rel += "index.html"
    return (SITE_DIR / rel).read_text(encoding="utf-8")


def _norm(text: str) -> str:
    return " ".join(text.split())


def _fetch(url: str) -> tuple[int, str, str]:
    try:
        with urlopen(url, timeout=10) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read().decode("utf-8")
    except HTTPError as err:
        with err:
            return err.code, err.headers["Content-Type"], err.read().decode("utf-8")


# --- content --------------------------------------------------------------------------------


def test_site_has_enough_sections_and_articles(gold: list[GoldArticle]) -> None:
    assert len(gold) >= 32
    assert len({g["section"] for g in gold}) >= 3
    assert len({g["path"] for g in gold}) == len(gold)
    for g in gold:
        assert re.fullmatch(r"/[a-z]+/\d{4}/\d{2}/\d{2}/[a-z0-9-]+\.html", g["path"]), g["path"]


def test_articles_have_the_variety_the_issue_asks_for() -> None:
    site = load_site(ARTICLES_PATH)
    for article in site.articles:
        paragraphs = sum(block.kind == "p" for block in article.body)
        assert 4 <= paragraphs <= 9, article.slug
    kinds = Counter(
        block.kind for a in site.articles for block in {b.kind: b for b in a.body}.values()
    )
    assert all(kinds[kind] >= 2 for kind in ("h2", "quote", "ul", "figure")), kinds
    author_counts = Counter(len(a.authors) for a in site.articles)
    assert author_counts[0] >= 2 and author_counts[2] >= 2, author_counts
    assert sum(a.modified is not None for a in site.articles) >= 5
    assert all(a.tags for a in site.articles)


def test_two_articles_share_one_real_quoted_paragraph(gold: list[GoldArticle]) -> None:
    """A repeated sentence that is article text, not boilerplate: cleaners must keep it."""
    seen = Counter(p for g in gold for p in set(g["text"].split("\n\n")))
    shared = [p for p, n in seen.items() if n == 2]
    assert any(p.startswith("We are closer than we have ever been") for p in shared), shared


def test_gold_text_appears_in_order_in_the_article_body(gold: list[GoldArticle]) -> None:
    for g in gold:
        raw = _page(g["path"])
        doc = lxml.html.fromstring(raw)
        [body] = doc.find_class("article-body")
        body_text = _norm(body.text_content())
        pos = 0
        for para in g["text"].split("\n\n"):
            found = body_text.find(_norm(para), pos)
            assert found >= 0, (g["path"], para[:60])
            pos = found + len(_norm(para))


def test_paragraphs_without_links_are_literally_in_the_unescaped_source() -> None:
    """What a simple substring check sees: only inline links split a paragraph's text."""
    site = load_site(ARTICLES_PATH)
    for article in site.articles:
        unescaped = html.unescape(_page(article.path))
        assert article.title in unescaped
        for block in article.body:
            for text in (block.text, *block.items):
                if text and not LINK_RE.search(text) and block.kind != "figure":
                    assert text in unescaped, (article.path, text[:60])


def test_gold_excludes_figure_captions_and_clutter(gold: list[GoldArticle]) -> None:
    site = load_site(ARTICLES_PATH)
    captions = [b.caption for a in site.articles for b in a.body if b.kind == "figure"]
    assert captions
    text = "\n".join(g["text"] for g in gold)
    assert not any(caption in text for caption in captions)
    for clutter in (PROMO, "Get a summary", "Previous Article", "Advertisement", "Share on X"):
        assert clutter not in text


# --- template clutter and metadata ----------------------------------------------------------


def test_every_article_page_carries_the_template_clutter(gold: list[GoldArticle]) -> None:
    article_paths = {g["path"] for g in gold}
    for g in gold:
        raw = _page(g["path"])
        doc = lxml.html.fromstring(raw)
        assert raw.count(PROMO) == 2, g["path"]
        [article] = doc.xpath("//article")
        assert article.text_content().count(PROMO) == 2
        for label in ("Previous Article", "Next Article"):
            [item] = article.xpath(f'.//p[.="{label}"]/..')
            [href] = item.xpath(".//a/@href")
            assert href in article_paths and href != g["path"]
        for needle in (
            "Share on X",
            "Share on Facebook",
            "Copy link",
            "Advertisement",
            "cookie-banner",
            "newsletter",
            "Most read",
            "Related articles",
            "comment-list",
            "site-footer",
        ):
            assert needle in raw, (g["path"], needle)
        related = doc.xpath('//section[@class="related"]//h3/a/@href')
        assert len(related) == 3 and g["path"] not in related
        assert 1 <= len(doc.find_class("comment")) <= 3


def test_article_metadata_matches_gold(gold: list[GoldArticle]) -> None:
    for g in gold:
        doc = lxml.html.fromstring(_page(g["path"]))
        assert doc.get("lang") == "en"
        assert doc.findtext(".//title").startswith(g["title"])

        def meta(attr: str, name: str, doc: lxml.html.HtmlElement = doc) -> list[str]:
            return doc.xpath(f'//meta[@{attr}="{name}"]/@content')

        assert doc.xpath('//link[@rel="canonical"]/@href') == ["{{BASE}}" + g["path"]]
        assert meta("property", "og:url") == ["{{BASE}}" + g["path"]]
        assert meta("property", "og:type") == ["article"]
        assert meta("property", "og:title") == [g["title"]]
        assert meta("property", "og:image")[0].startswith("{{BASE}}/static/img/")
        assert meta("property", "article:published_time") == [g["published"]]
        assert meta("property", "article:modified_time") == (
            [g["modified"]] if g["modified"] else []
        )
        assert meta("name", "description")
        blobs = [json.loads(s) for s in doc.xpath('//script[@type="application/ld+json"]/text()')]
        [ld] = [b for b in blobs if b["@type"] == "NewsArticle"]
        assert ld["headline"] == g["title"]
        assert ld["datePublished"] == g["published"]
        assert ld["dateModified"] == (g["modified"] or g["published"])
        assert [a["name"] for a in ld.get("author", [])] == g["authors"]
        assert ld["keywords"] == g["tags"]
        byline = _norm(" ".join(doc.xpath('//p[@class="byline"]//text()')))
        assert all(name in byline for name in g["authors"])
        assert bool(byline) == bool(g["authors"])


def test_internal_links_resolve_and_nothing_points_off_site() -> None:
    """Crawls of the demo must never leave 127.0.0.1 nor hit dead links."""
    for page in SITE_DIR.rglob("*.html"):
        doc = lxml.html.fromstring(page.read_text(encoding="utf-8"))
        for url in doc.xpath("//a/@href | //img/@src | //link/@href | //script/@src"):
            if url.startswith(("mailto:", "#", "{{BASE}}")):
                continue
            assert url.startswith("/"), (page, url)
            target = urlsplit(url).path
            _page(target)  # raises if the file is missing


# --- listings, sitemaps, feed, robots -------------------------------------------------------


def test_sections_paginate_and_tags_exist(gold: list[GoldArticle]) -> None:
    site = load_site(ARTICLES_PATH)
    for section in site.sections:
        first, second = _page(section.path), _page(section.page_path(2))
        assert 'rel="next"' in first and 'rel="prev"' in second
    for tag in ("shipping", "small-business", "books"):
        assert "card__title" in _page(f"/tag/{tag}/")
    listed = set()
    for path in [s.page_path(n) for s in site.sections for n in (1, 2)]:
        listed |= set(lxml.html.fromstring(_page(path)).xpath('//h3[@class="card__title"]/a/@href'))
    assert listed == {g["path"] for g in gold}
    assert "About" in _page("/about/")


def test_sitemap_index_and_children_list_every_article(gold: list[GoldArticle]) -> None:
    index = lxml.etree.fromstring((SITE_DIR / "sitemap.xml").read_bytes())
    children = index.xpath("//sm:sitemap/sm:loc/text()", namespaces=NS)
    assert children == ["{{BASE}}/sitemap-articles.xml", "{{BASE}}/sitemap-sections.xml"]
    articles = lxml.etree.fromstring((SITE_DIR / "sitemap-articles.xml").read_bytes())
    urls = articles.xpath("//sm:url", namespaces=NS)
    by_loc = {u.findtext("sm:loc", namespaces=NS): u for u in urls}
    assert set(by_loc) == {"{{BASE}}" + g["path"] for g in gold}
    for g in gold:
        url = by_loc["{{BASE}}" + g["path"]]
        assert url.findtext("news:news/news:publication_date", namespaces=NS) == g["published"]
        assert url.findtext("sm:lastmod", namespaces=NS) == (g["modified"] or g["published"])
    sections = lxml.etree.fromstring((SITE_DIR / "sitemap-sections.xml").read_bytes())
    locs = sections.xpath("//sm:loc/text()", namespaces=NS)
    assert "{{BASE}}/world/page/2/" in locs and "{{BASE}}/" in locs


def test_feed_lists_the_latest_twenty_articles(gold: list[GoldArticle]) -> None:
    feed = lxml.etree.fromstring((SITE_DIR / "feed.xml").read_bytes())
    assert feed.tag == "rss" and feed.get("version") == "2.0"
    items = feed.findall("channel/item")
    assert len(items) == 20
    latest = sorted(gold, key=lambda g: g["published"], reverse=True)[:20]
    assert [i.findtext("link") for i in items] == ["{{BASE}}" + g["path"] for g in latest]
    assert all(i.findtext("pubDate") for i in items)


def test_robots_allows_everything_and_names_the_sitemap() -> None:
    robots = (SITE_DIR / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots and "Allow: /" in robots
    assert "Disallow: /" not in robots
    assert "Sitemap: {{BASE}}/sitemap.xml" in robots


# --- server ---------------------------------------------------------------------------------


def test_server_serves_pages_with_base_substituted(gold: list[GoldArticle]) -> None:
    path = gold[0]["path"]
    with serve() as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.url("/world/") == server.base_url + "/world/"
        status, ctype, body = _fetch(server.url(path))
        assert (status, ctype) == (200, "text/html; charset=utf-8")
        assert "{{BASE}}" not in body
        assert f'<link rel="canonical" href="{server.base_url}{path}">' in body
        for url, expected in (
            ("/", "text/html; charset=utf-8"),
            ("/world/", "text/html; charset=utf-8"),
            ("/world/page/2/", "text/html; charset=utf-8"),
            ("/sitemap.xml", "application/xml; charset=utf-8"),
            ("/feed.xml", "application/rss+xml; charset=utf-8"),
            ("/robots.txt", "text/plain; charset=utf-8"),
        ):
            status, ctype, body = _fetch(server.url(url))
            assert (status, ctype) == (200, expected), url
            assert "{{BASE}}" not in body
        _, _, robots = _fetch(server.url("/robots.txt"))
        assert f"Sitemap: {server.base_url}/sitemap.xml" in robots


def test_server_404_and_directory_redirect() -> None:
    with serve() as server:
        assert _fetch(server.url("/no/such/page.html"))[0] == 404
        assert _fetch(server.url("/../../etc/passwd"))[0] == 404
        with urlopen(server.url("/world"), timeout=10) as resp:  # follows the 301
            assert resp.url == server.url("/world/")


def test_server_serves_any_root_and_is_quiet(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "index.html").write_text('<a href="{{BASE}}/x.html">x</a>', encoding="utf-8")
    server = serve(tmp_path)
    try:
        status, _, body = _fetch(server.url("/"))
        assert status == 200 and body == f'<a href="{server.base_url}/x.html">x</a>'
        assert _fetch(server.url("/x.html"))[0] == 404
    finally:
        server.close()
    assert capfd.readouterr().err == ""


# --- generator ------------------------------------------------------------------------------


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_build_is_deterministic_and_matches_the_committed_site(tmp_path: Path) -> None:
    site_dir, gold_path = tmp_path / "site", tmp_path / "gold.jsonl"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "newscrawl.demo.build",
            "--site-dir",
            str(site_dir),
            "--gold",
            str(gold_path),
        ],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    assert _tree(site_dir) == _tree(SITE_DIR), "site/ is stale: run python -m newscrawl.demo.build"
    assert gold_path.read_bytes() == GOLD_PATH.read_bytes()
    again = tmp_path / "again"
    build(again, tmp_path / "gold2.jsonl")
    assert _tree(again) == _tree(site_dir)


def test_build_refuses_to_wipe_a_directory_it_did_not_build(tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        build(tmp_path, tmp_path / "gold.jsonl")
    assert precious.read_text(encoding="utf-8") == "keep me"
