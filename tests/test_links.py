"""Anchor discovery by regular expression: what LinkExtractor did, without the parse."""

from __future__ import annotations

import time

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


def test_page_links_skip_markup_that_is_only_text() -> None:
    """Anchors inside scripts, templates and comments, and unrendered hrefs, are no links."""
    html = """<body><a href="/real/one.html">one</a>
    <script>var card = '<a href="/from/js.html">x</a>';</script>
    <SCRIPT type="text/template"><a href="{{ item.url }}">{{ item.title }}</a></SCRIPT>
    <!-- <a href="/commented/out.html">old nav</a> -->
    <template><a href="/from/template.html">t</a></template>
    <style>a[href="/x"] { color: red }</style>
    <a href=\\"/escaped/js.html\\">escaped</a>
    <a href="/real/two.html">two</a>
    <textarea><a href="/typed/in.html">typed</a></textarea>
    <a href="/real/three.html">three</a>
    <script>never closed <a href="/after/unclosed.html">x</a>"""
    assert page_links(html, "https://news.example/") == [
        "https://news.example/real/one.html",
        "https://news.example/real/two.html",
        "https://news.example/real/three.html",
    ]


def test_page_links_is_linear_on_unclosed_comments() -> None:
    """Thousands of comment openers that never close cost one scan, not one scan each."""

    html = "<a href='/first.html'>f</a>" + "<!-- x <a href='/no.html'>" * 20_000
    start = time.process_time()
    assert page_links(html, "https://news.example/") == ["https://news.example/first.html"]
    assert time.process_time() - start < 2.0


def test_url_host() -> None:
    from newscrawl.spiders.links import url_host

    assert url_host("https://User@WWW.Example.com:8080/a?b#c") == "www.example.com"
    assert url_host("http://127.0.0.1:5000") == "127.0.0.1"
    assert url_host("http://[::1]:80/x") == "::1"


def test_page_links_is_linear_on_mixed_case_scripts() -> None:
    html = "<Script>x</script><a href='/a.html'>a</a>" * 5_000
    start = time.process_time()
    assert page_links(html, "https://news.example/") == ["https://news.example/a.html"]
    assert time.process_time() - start < 2.0


def test_page_links_on_a_byte_view_decode_non_ascii_hrefs() -> None:
    """The spider reads links on the raw body seen as Latin-1; hrefs come out decoded."""
    body = '<a href="/новости/статья.html">x</a><a href="/plain.html">y</a>'
    for encoding in ("utf-8", "cp1251"):
        view = body.encode(encoding).decode("latin-1")
        assert page_links(view, "https://vestnik.example/", encoding=encoding) == [
            "https://vestnik.example/новости/статья.html",
            "https://vestnik.example/plain.html",
        ]


def test_spider_passes_pages_on_as_bytes_and_workers_decode_them() -> None:
    """Pages leave the spider undecoded, with Scrapy's reading of their encoding; extraction
    decodes them as `response.text` would, in ASCII-compatible and UTF-16 encodings alike."""
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from newscrawl.core.extract import extract_page
    from newscrawl.items import RawPage
    from newscrawl.spiders.news import NewsSpider

    paragraph = "<p>Grüße aus Köln: die Straßenbahn fährt wieder über die Brücke am Rhein.</p>"
    for encoding in ("cp1252", "utf-16"):
        html = (
            f"<html><head><meta charset='{encoding}'><title>Grüße</title></head><body>"
            f"<article>{paragraph * 8}</article><a href='/b/zwei.html'>zwei</a></body></html>"
        )
        body = html.encode(encoding)
        url = "https://ex.example/a/eins.html"
        response = HtmlResponse(url, body=body, request=Request(url))
        spider = NewsSpider.from_crawler(get_crawler(NewsSpider), start_urls="https://ex.example/")
        out = list(spider.parse(response))
        assert [r.url for r in out if not isinstance(r, RawPage)] == [
            "https://ex.example/b/zwei.html"
        ]
        (page,) = [o for o in out if isinstance(o, RawPage)]
        assert page.html == body
        assert page.encoding == response.encoding
        extracted = extract_page(page.html, page.url, encoding=page.encoding)
        assert "Grüße aus Köln" in extracted.text, encoding


def test_utf8_bytes_extract_as_their_decoded_text_valid_or_not() -> None:
    """Valid UTF-8 goes to the parser as it is; invalid bytes and byte-order marks take w3lib's
    decoding (replacement characters, the BOM's encoding), as `response.text` would."""
    from w3lib.encoding import html_to_unicode

    from newscrawl.core.extract import extract_page

    paragraph = "<p>Grüße aus Köln: die Straßenbahn fährt wieder über die Brücke am Rhein.</p>"
    html = f"<html><head><title>Grüße</title></head><body><article>{paragraph * 8}</article>"
    url = "https://ex.example/a/eins.html"
    cases = {
        "valid": html.encode("utf-8"),
        "invalid": html.encode("utf-8").replace("ü".encode(), b"\xfc", 3),  # Latin-1 ü bytes
        "utf-16 bom": html.encode("utf-16"),  # labelled utf-8 by the server, BOM says otherwise
    }
    for name, body in cases.items():
        page = extract_page(body, url, encoding="utf-8")
        expected = extract_page(html_to_unicode("charset=utf-8", body)[1], url)
        assert page.text == expected.text and page.page_keys == expected.page_keys, name
        assert page.title == expected.title, name
        assert "Straßenbahn" in page.text, name
    invalid = extract_page(cases["invalid"], url, encoding="utf-8")
    assert "\ufffd" in invalid.text  # the bad bytes became replacement characters, not lost text
