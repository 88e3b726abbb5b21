"""Anchor discovery by regular expression: what LinkExtractor did, without the parse."""

from __future__ import annotations

from newscrawl.spiders.links import page_links


def test_page_links_resolves_dedupes_and_filters() -> None:
    html = """<html><head><link rel="stylesheet" href="/s.css"></head><body>
    <a href="/world/2026/a-story.html">A</a>
    <A class='x' HREF='/world/2026/a-story.html#comments'>again</A>
    <a data-x="1" href=https://other.example/b?x=1&amp;y=2>B</a>
    <a href="relative/c.html">C</a>
    <a href="mailto:x@y.z">mail</a> <a href="#top">top</a> <a href="javascript:void(0)">js</a>
    <a href="/files/report.PDF">pdf</a> <a href="/img/photo.jpg">img</a>
    <a name="anchor-without-href">no href</a>
    </body></html>"""
    assert page_links(html, "https://news.example/world/index.html") == [
        "https://news.example/world/2026/a-story.html",
        "https://other.example/b?x=1&y=2",
        "https://news.example/world/relative/c.html",
    ]


def test_page_links_honours_base_href() -> None:
    html = '<head><base href="https://cdn.example/site/"></head><a href="p.html">p</a>'
    assert page_links(html, "https://news.example/") == ["https://cdn.example/site/p.html"]


def test_url_host() -> None:
    from newscrawl.spiders.links import url_host

    assert url_host("https://User@WWW.Example.com:8080/a?b#c") == "www.example.com"
    assert url_host("http://127.0.0.1:5000") == "127.0.0.1"
    assert url_host("http://[::1]:80/x") == "::1"
