"""Articles split over several pages: one record with every page's text, in order."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import run_crawl

from newscrawl.core.extract import extract_page
from newscrawl.core.pagination import first_part, is_next_part, linked_part, part_of
from newscrawl.demo import serve
from newscrawl.spiders.links import rel_links

BASE = "https://news.example.com"


@pytest.mark.parametrize(
    ("url", "candidate"),
    [
        (f"{BASE}/2024/05/long-read-on-ferries", f"{BASE}/2024/05/long-read-on-ferries?page=2"),
        (f"{BASE}/story.php?id=7&page=2", f"{BASE}/story.php?id=7&page=3"),
        (f"{BASE}/2024/05/long-read-on-ferries/", f"{BASE}/2024/05/long-read-on-ferries/2/"),
        (f"{BASE}/news/long-read-on-ferries", f"{BASE}/news/long-read-on-ferries/seite-2"),
        (f"{BASE}/news/long-read-on-ferries/page/2/", f"{BASE}/news/long-read-on-ferries/page/3/"),
    ],
)
def test_next_part_of_the_same_article(url: str, candidate: str) -> None:
    assert is_next_part(url, candidate)
    assert not is_next_part(candidate, url)


@pytest.mark.parametrize(
    ("url", "candidate"),
    [
        (f"{BASE}/p/12", f"{BASE}/p/13"),  # post 13 after post 12, not part 13 of "/p"
        (f"{BASE}/?p=12", f"{BASE}/?p=13"),  # WordPress post ids
        (f"{BASE}/2024/05/ferries-one", f"{BASE}/2024/05/ferries-two?page=2"),
        (f"{BASE}/news/long-read?page=2", f"{BASE}/news/long-read?page=4"),
        (f"{BASE}/news/long-read", "https://other.example.com/news/long-read?page=2"),
    ],
)
def test_other_articles_and_gaps_are_no_next_part(url: str, candidate: str) -> None:
    assert not is_next_part(url, candidate)


def test_first_part_is_written_as_the_site_writes_it() -> None:
    assert first_part(f"{BASE}/news/long-read/2/") == f"{BASE}/news/long-read/"
    assert first_part(f"{BASE}/news/long-read?page=2") == f"{BASE}/news/long-read"
    assert first_part(f"{BASE}/business/page/3/") == f"{BASE}/business/"
    assert first_part(f"{BASE}/news/long-read") == f"{BASE}/news/long-read"


def test_part_of_reads_the_page_number() -> None:
    assert part_of(f"{BASE}/story?page=3&ref=x") == (f"{BASE}/story?ref=x", 3)
    assert part_of(f"{BASE}/story") == (f"{BASE}/story", 1)


def test_linked_part_finds_the_pager_link_to_the_next_or_previous_page() -> None:
    url = f"{BASE}/2024/05/long-read-on-ferries/2/"
    links = [
        f"{BASE}/",
        f"{BASE}/2024/05/long-read-on-ferries-part-two/",  # another article: same stem
        f"{BASE}/2024/05/long-read-on-ferries/",
        f"{BASE}/2024/05/long-read-on-ferries/4/",  # a gap is no next page
        f"{BASE}/2024/05/long-read-on-ferries/3/",
    ]
    assert linked_part(url, links) == f"{BASE}/2024/05/long-read-on-ferries/3/"
    assert linked_part(url, links, previous=True) == f"{BASE}/2024/05/long-read-on-ferries/"
    assert linked_part(f"{BASE}/2024/05/long-read-on-ferries/", links, previous=True) == ""
    assert linked_part(f"{BASE}/2024/05/other-story/", links) == ""
    query = [f"{BASE}/story.php?id=7&page=1", f"{BASE}/story.php?id=8&page=3"]
    assert linked_part(f"{BASE}/story.php?id=7&page=2", query, previous=True) == query[0]
    assert linked_part(f"{BASE}/story.php?id=7&page=2", query) == ""


def test_rel_links_reads_the_head_only() -> None:
    body = (
        b"<html><head><link rel='prev' href='/a?page=1'><link href=\"/a?page=3\" rel=\"next\">"
        b'</head><body><link rel="next" href="/elsewhere"></body></html>'
    )
    assert rel_links(body, f"{BASE}/a?page=2") == {
        "prev": f"{BASE}/a?page=1",
        "next": f"{BASE}/a?page=3",
    }
    assert rel_links(b"<html><head></head><body>next</body></html>", BASE) == {}
    # A stray early "</head>" does not end the head; the body does.
    late = b"<html><head></head><link rel='next' href='/b/2/'><body></body></html>"
    assert rel_links(late, f"{BASE}/b/") == {"next": f"{BASE}/b/2/"}


PARAGRAPH = (
    "The ferry service on the northern route carried more passengers this summer than in any "
    "year since it opened, the harbour board said, and part {n} of this long read explains why."
)


def _part_url(path: str, n: int) -> str:
    """Page n of the article at `path` ("/.../slug/"): "/.../slug/2/" and so on."""
    return path if n == 1 else f"{path}{n}/"


def _write_sitemap(site: Path, url: str) -> None:
    (site / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{url}</loc></url></urlset>",
        "utf-8",
    )


def _part(
    n: int, last: int, path: str, *, next_link: bool = True, rel: bool = True, pager: bool = True
) -> str:
    """Page n of `last` of the article at `path`; without `rel`, only the pager in the body
    names the other pages, and without `pager` nothing in the body does."""
    head = "<title>The long read on ferries</title>"
    if n > 1 and rel:
        head += f'<link rel="prev" href="{_part_url(path, n - 1)}">'
    if n < last and next_link and rel:
        head += f'<link rel="next" href="{_part_url(path, n + 1)}">'
    paragraphs = "".join(f"<p>{PARAGRAPH.format(n=f'{n}.{i}')}</p>" for i in range(3))
    pages = range(1, last + 1) if pager else ()
    pager_links = "".join(f'<a href="{_part_url(path, k)}">{k}</a> ' for k in pages)
    return f"""<html lang="en"><head>{head}</head><body><nav><a href="/">Home</a></nav>
    <article><h1>The long read on ferries</h1>{paragraphs}</article>
    <div class="pager">{pager_links}</div></body></html>"""


def test_extract_page_joins_parts_in_order_without_their_headlines() -> None:
    path = "/2024/05/long-read-on-ferries/"
    parts = [(f"{BASE}{_part_url(path, n)}", _part(n, 3, path), None) for n in (2, 3)]
    page = extract_page(_part(1, 3, path), f"{BASE}{path}", parts=parts)
    texts = [block.text for block in page.blocks]
    assert texts == [PARAGRAPH.format(n=f"{n}.{i}") for n in (1, 2, 3) for i in range(3)]
    assert page.parts_joined == 2
    # The audit trail covers every part: a headline removed on each.
    assert [rule for _, _, rule in page.local_removed].count("headline") == 3
    assert len(page.block_positions()) == len(page.blocks)


def test_a_part_that_repeats_earlier_pages_adds_only_its_new_paragraphs() -> None:
    """Some pagers show the whole article again on every page (above its comments), or
    repeat an intro: a paragraph met on an earlier page is not written twice."""
    path = "/2024/05/long-read-on-ferries/"
    repeat = _part(2, 3, path).replace(
        "<article><h1>The long read on ferries</h1>",
        f"<article><h1>The long read on ferries</h1><p>{PARAGRAPH.format(n='1.0')}</p>",
    )
    parts = [
        (f"{BASE}{path}2/", repeat, None),
        (f"{BASE}{path}3/", _part(1, 3, path), None),  # page 1 again: nothing new
    ]
    page = extract_page(_part(1, 3, path), f"{BASE}{path}", parts=parts)
    texts = [block.text for block in page.blocks]
    assert texts == [PARAGRAPH.format(n=f"{n}.{i}") for n in (1, 2) for i in range(3)]
    assert page.parts_joined == 1
    assert [(text, rule) for _, text, rule in page.local_removed if rule == "repeated_part"] == [
        (PARAGRAPH.format(n="1.0"), "repeated_part")
    ]
    assert len(page.block_positions()) == len(page.blocks)


def test_crawl_joins_the_pages_a_body_pager_names_without_rel_markup(tmp_path: Path) -> None:
    """No page says rel=next or rel=prev (many sites dropped them when Google stopped
    reading them); the pager's links in the body still make one record of three pages."""
    site, path = tmp_path / "site", "/2024/05/long-read-on-ferries/"
    _write_parts(site, path, 3, rel=False)
    (site / "index.html").write_text(f"<html><body><a href='{path}'>Long read</a></body></html>")
    with serve(site) as server:
        run = run_crawl(tmp_path, {"start_urls": server.url("/")})
    assert run.returncode == 0, run.log[-2000:]
    assert [r["text"].split("\n\n") for r in run.records] == [
        [PARAGRAPH.format(n=f"{n}.{i}") for n in (1, 2, 3) for i in range(3)]
    ]
    assert run.stats["stats"]["newscrawl/spider/article_parts"] == 2


def test_crawl_writes_one_record_for_an_article_split_over_three_pages(tmp_path: Path) -> None:
    site = tmp_path / "site"
    path = "/2024/05/long-read-on-ferries/"
    for n in (1, 2, 3):
        folder = site / _part_url(path, n).strip("/")
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(_part(n, 3, path), "utf-8")
    other = "".join(f"<p>{PARAGRAPH.format(n=f'other {i}')}</p>" for i in range(3))
    (site / "2024" / "05" / "harbour-board-meets-on-tuesday.html").write_text(
        f"<html lang='en'><head><title>Board meets</title></head><body><article>"
        f"<h1>Board meets</h1>{other}</article></body></html>",
        "utf-8",
    )
    # A section front in two pages, marked as a series too: its page 2 is a page of its own.
    (site / "news" / "page" / "2").mkdir(parents=True)
    (site / "news" / "index.html").write_text(
        "<html><head><link rel='next' href='/news/page/2/'></head><body>"
        f"<a href='{path}'>Long read</a> <a href='/news/page/2/'>Older</a></body></html>",
        "utf-8",
    )
    (site / "news" / "page" / "2" / "index.html").write_text(
        "<html><head><link rel='prev' href='/news/'></head><body>"
        "<a href='/2024/05/harbour-board-meets-on-tuesday.html'>Board</a></body></html>",
        "utf-8",
    )
    (site / "index.html").write_text(
        "<html><body><a href='/news/'>News</a></body></html>",
        "utf-8",
    )
    with serve(site) as server:
        base = server.url("/").rstrip("/")
        _write_sitemap(site, f"{base}{_part_url(path, 2)}")
        run = run_crawl(tmp_path, {"start_urls": f"{base}/", "sitemap_urls": f"{base}/sitemap.xml"})
    assert run.returncode == 0, run.log[-2000:]
    by_path = {urlsplit(r["url"]).path: r for r in run.records}
    assert sorted(by_path) == sorted([path, "/2024/05/harbour-board-meets-on-tuesday.html"])
    text = by_path[path]["text"]
    expected = [PARAGRAPH.format(n=f"{n}.{i}") for n in (1, 2, 3) for i in range(3)]
    assert text.split("\n\n") == expected
    stats = run.stats["stats"]
    assert stats["newscrawl/spider/article_parts"] == 2
    assert stats["newscrawl/clean/article_parts_joined"] == 2
    assert stats["newscrawl/spider/skipped/article_part"] >= 1  # page 2, from the sitemap
    assert run.stats["summary"]["skipped"]["article_part"] >= 1
    # The section's page 2 went through as a page (and taught the template model).
    assert any(
        u.endswith("/news/page/2/") for u in run.stats["summary"]["dropped_examples"]["not_article"]
    )


def _write_parts(site: Path, path: str, last: int, **markup: bool) -> None:
    """The `last` pages of the article at `path`, with `_part`'s markup options."""
    for n in range(1, last + 1):
        folder = site / _part_url(path, n).strip("/")
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(_part(n, last, path, **markup), "utf-8")


def test_page_two_after_a_first_page_that_named_no_next_keeps_its_text(tmp_path: Path) -> None:
    """Page 1 is fetched first and goes on alone (nothing on it names page 2); page 2, linked
    from elsewhere, says rel=prev: skipping it as a part would lose its text, so it is a page
    of its own."""
    site, path = tmp_path / "site", "/2024/05/long-read-on-ferries/"
    _write_parts(site, path, 2, next_link=False, pager=False)  # page 2 says rel=prev
    (site / "index.html").write_text(
        f"<html><body><a href='{path}'>Long read</a> <a href='/more.html'>More</a></body></html>"
    )
    (site / "more.html").write_text(f"<html><body><a href='{path}2/'>Part 2</a></body></html>")
    with serve(site) as server:
        run = run_crawl(tmp_path, {"start_urls": server.url("/")})
    assert run.returncode == 0, run.log[-2000:]
    paragraphs = [p for r in run.records for p in r["text"].split("\n\n")]
    assert sorted(paragraphs) == sorted(
        PARAGRAPH.format(n=f"{n}.{i}") for n in (1, 2) for i in range(3)
    )
    assert "article_part" not in run.stats["summary"]["skipped"]


@pytest.mark.parametrize(
    "markup",
    [{"next_link": False}, {"rel": False}],
    ids=["rel-prev-only", "body-pager-only"],
)
def test_page_two_met_first_is_joined_to_a_first_page_that_named_no_next(
    tmp_path: Path, markup: dict[str, bool]
) -> None:
    """Page 2 comes first (from the sitemap): its rel=prev, or only its pager, links back
    to page 1, so it waits for its first page, which then takes it as its next part
    although its head does not name it."""
    site, path = tmp_path / "site", "/2024/05/long-read-on-ferries/"
    _write_parts(site, path, 2, **markup)
    with serve(site) as server:
        base = server.url("/").rstrip("/")
        _write_sitemap(site, f"{base}{_part_url(path, 2)}")
        run = run_crawl(tmp_path, {"sitemap_urls": f"{base}/sitemap.xml", "follow_links": "no"})
    assert run.returncode == 0, run.log[-2000:]
    assert [r["text"].split("\n\n") for r in run.records] == [
        [PARAGRAPH.format(n=f"{n}.{i}") for n in (1, 2) for i in range(3)]
    ]
    assert run.stats["stats"]["newscrawl/clean/article_parts_joined"] == 1
    assert run.stats["summary"]["skipped"]["article_part"] == 1


def test_a_part_that_cannot_be_fetched_ends_the_article_where_it_is(tmp_path: Path) -> None:
    site = tmp_path / "site"
    path = "/2024/05/long-read-on-ferries/"
    folder = site / path.strip("/")
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(_part(1, 2, path), "utf-8")  # says page 2 exists: 404
    (site / "index.html").write_text(f"<html><body><a href='{path}'>Long read</a></body></html>")
    with serve(site) as server:
        run = run_crawl(tmp_path, {"start_urls": server.url("/")})
    assert run.returncode == 0, run.log[-2000:]
    assert [r["text"].split("\n\n") for r in run.records] == [
        [PARAGRAPH.format(n=f"1.{i}") for i in range(3)]
    ]
    assert run.stats["summary"]["errors"] == {"http/404": 1}


def test_a_part_redirected_back_to_the_first_page_ends_the_article() -> None:
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from newscrawl.items import RawPage
    from newscrawl.spiders.news import NewsSpider

    crawler = get_crawler(NewsSpider)
    spider = NewsSpider.from_crawler(crawler, start_urls=f"{BASE}/", follow_links="false")
    crawler.spider = spider
    crawler.stats.open_spider()
    path = "/2024/05/long-read-on-ferries/"
    page = RawPage(url=f"{BASE}{path}", html=_part(1, 2, path).encode())
    request = Request(f"{BASE}{path}2/", meta={"newscrawl_article": page})
    # The server sent part 2's request back to the first page.
    response = HtmlResponse(
        url=f"{BASE}{path}", body=_part(1, 2, path).encode(), encoding="utf-8", request=request
    )
    assert list(spider.parse_part(response)) == [page]
    assert page.parts == []


def test_a_body_pager_makes_parts_of_stories_only() -> None:
    """A section front without a trailing slash ("/harbour") and its "?page=2" are pages of
    their own, each parsed for links; a story's pager makes its next page a part."""
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from newscrawl.items import RawPage
    from newscrawl.spiders.news import NewsSpider

    crawler = get_crawler(NewsSpider)
    spider = NewsSpider.from_crawler(crawler, start_urls=f"{BASE}/")
    crawler.spider = spider
    crawler.stats.open_spider()

    def parsed(url: str, pager: str) -> list[object]:
        body = f"<html><body><p>Text</p><a href='{pager}'>2</a></body></html>".encode()
        response = HtmlResponse(url=url, body=body, encoding="utf-8", request=Request(url))
        return list(spider.parse(response))

    section = parsed(f"{BASE}/harbour", "/harbour?page=2")
    assert [type(o).__name__ for o in section] == ["Request", "RawPage"]
    assert section[0].callback == spider.parse  # type: ignore[attr-defined]
    story = parsed(f"{BASE}/2024/05/long-read-on-ferries/", "/2024/05/long-read-on-ferries/2/")
    assert len(story) == 1 and story[0].callback == spider.parse_part  # type: ignore[attr-defined]
    assert isinstance(story[0].meta["newscrawl_article"], RawPage)  # type: ignore[attr-defined]
