"""Text keys, URL identity, metadata, page types, sitemaps/feeds and record schema."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml.html import fromstring

from newscrawl.core.extract import extract_page
from newscrawl.core.metadata import iso_date, read_metadata
from newscrawl.core.pagetype import classify_page, looks_like_listing_url
from newscrawl.core.record import build_record, validate_record
from newscrawl.core.text import element_text, fingerprint, normalize, segment_key, word_count
from newscrawl.core.urls import canonicalize, registered_domain, url_key
from newscrawl.spiders.discovery import parse_feed, parse_sitemap

FETCHED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_segment_keys_ignore_case_space_and_edge_punctuation() -> None:
    assert segment_key("No time to read?") == segment_key("  no   TIME to read ")
    assert segment_key("No time to read") != segment_key("No time to sleep")
    assert normalize("  «Hello»  World! ") == "hello»  world".replace("  ", " ")
    assert fingerprint("A  b") == fingerprint("a b")


def test_word_count_counts_cjk_characters() -> None:
    assert word_count("Hello, big world") == 3
    assert word_count("東京都 test") == 4


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.example.com/a/b.html?utm_source=x", "http://example.com/a/b.html"),
        ("https://example.com/a/b.amp.html", "https://example.com/a/b.html"),
        ("https://amp.example.com/a/b.html", "https://example.com/a/b.html"),
        ("https://example.com/a/b/amp/", "https://example.com/a/b"),
        ("https://example.com/a/b/#comments", "https://example.com/a/b/"),
    ],
)
def test_url_key_folds_variants_of_one_article(a: str, b: str) -> None:
    assert url_key(a) == url_key(b)


def test_url_key_keeps_real_query_parameters() -> None:
    assert url_key("https://ex.com/story?id=1") != url_key("https://ex.com/story?id=2")
    assert "fbclid" not in canonicalize("https://ex.com/a?id=3&fbclid=abc")


def test_canonical_urls_drop_session_ids_but_keep_look_alikes() -> None:
    assert canonicalize("https://ex.com/a.php?id=5&PHPSESSID=deadbeef") == (
        "https://ex.com/a.php?id=5"
    )
    assert canonicalize("https://ex.com/a;jsessionid=ABC123?x=1") == "https://ex.com/a?x=1"
    assert canonicalize("https://ex.com/news?sid=9&page=2") == "https://ex.com/news?page=2"
    assert canonicalize("https://ex.com/view?id=3&side=left") == (
        "https://ex.com/view?id=3&side=left"
    )


def test_sitemap_and_feed_entries_are_requested_canonical() -> None:
    from scrapy.utils.test import get_crawler

    from newscrawl.spiders.discovery import Entry
    from newscrawl.spiders.news import NewsSpider

    spider = NewsSpider.from_crawler(get_crawler(NewsSpider), start_urls="https://ex.com/")
    entry = Entry("https://ex.com/a/story-1/?utm_source=rss&PHPSESSID=x", None, None)
    assert spider._entry_request(entry, "feed_urls").url == "https://ex.com/a/story-1/"


def test_registered_domain() -> None:
    assert registered_domain("https://www.news.bbc.co.uk/x") == "bbc.co.uk"
    assert registered_domain("http://127.0.0.1:8080/x") == "127.0.0.1:8080"
    assert registered_domain("http://localhost:9/x") == "localhost:9"


def test_iso_date_rejects_future_and_garbage() -> None:
    assert iso_date("2026-05-01T10:00:00Z", FETCHED) == "2026-05-01T10:00:00+00:00"
    assert iso_date("2026-05-01", FETCHED) == "2026-05-01"
    # Two shapes only: a date, or a zoned time to the second; a zoneless time keeps its date.
    assert iso_date("2026-05-01T01:53:14.418Z", FETCHED) == "2026-05-01T01:53:14+00:00"
    assert iso_date("2026-05-01T02:24:00-08:00", FETCHED) == "2026-05-01T02:24:00-08:00"
    assert iso_date("2026-05-01T02:24:00.000000", FETCHED) == "2026-05-01"
    assert iso_date("2026-05-01 09:30", FETCHED) == "2026-05-01"
    assert iso_date("Fri, 01 May 2026 09:30:00 GMT", FETCHED) == "2026-05-01T09:30:00+00:00"
    # A date and a time of the same day do not contradict each other.
    html = """<html><head><script type="application/ld+json">{"@type": "NewsArticle",
      "datePublished": "2026-05-01T08:00:00Z", "dateModified": "2026-05-01 09:30"}</script>
      </head><body></body></html>"""
    meta = read_metadata(fromstring(html), "https://ex.com/a", fetched_at=FETCHED)
    assert (meta["published"], meta["modified"]) == ("2026-05-01T08:00:00+00:00", "2026-05-01")
    assert iso_date("2027-01-01", FETCHED) is None
    assert iso_date("yesterday", FETCHED) is None
    assert iso_date("2026-13-45", FETCHED) is None


def test_metadata_prefers_json_ld_and_reads_meta_tags() -> None:
    html = """<html lang="de-AT"><head>
    <link rel="canonical" href="/politik/a.html">
    <meta property="og:title" content="OG Title"><meta name="description" content=" Desc ">
    <meta property="article:modified_time" content="2026-05-03T09:00:00+02:00">
    <meta property="og:image" content="/img/a.jpg">
    <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
      {"@type":"NewsArticle","headline":"LD Headline","datePublished":"2026-05-02T08:00:00Z",
       "author":[{"@type":"Person","name":"Anna Berg"},{"@type":"Person","name":"Jo Li"}],
       "keywords":"Politik, Wien"}]}</script></head><body><h1>H1</h1></body></html>"""
    meta = read_metadata(fromstring(html), "https://zeitung.example.at/x", fetched_at=FETCHED)
    assert meta["title"] == "LD Headline"
    assert meta["authors"] == ["Anna Berg", "Jo Li"]
    assert meta["published"] == "2026-05-02T08:00:00+00:00"
    assert meta["modified"] == "2026-05-03T09:00:00+02:00"
    assert meta["language"] == "de"
    assert meta["canonical_url"] == "https://zeitung.example.at/politik/a.html"
    assert meta["tags"] == ["Politik", "Wien"]
    assert meta["image"] == "https://zeitung.example.at/img/a.jpg"
    assert meta["description"] == "Desc"


def test_listing_urls_and_page_types() -> None:
    assert looks_like_listing_url("https://ex.com/tag/climate/")
    assert looks_like_listing_url("https://ex.com/world/page/2/")
    assert looks_like_listing_url("https://ex.com/")
    assert not looks_like_listing_url("https://ex.com/2026/05/01/a-long-story-slug.html")
    assert looks_like_listing_url("https://ex.kr/news/list.html?page=2&bc=03")
    # An item id names one story, whatever page of a list linked it.
    assert not looks_like_listing_url("https://ex.kr/news/news_view.html?idx=8576&page=1&bc=03")
    kind, _ = classify_page(
        url="https://ex.com/world/", text_chars=3000, block_count=10, internal_link_chars=9000
    )
    assert kind == "listing"
    kind, _ = classify_page(
        url="https://ex.com/2026/05/01/a-story-about-things.html",
        og_type="article",
        text_chars=3000,
        block_count=8,
    )
    assert kind == "article"
    kind, _ = classify_page(
        url="https://ex.com/a-story-about-things", text_chars=100, block_count=1
    )
    assert kind == "other"


def test_sitemap_index_urlset_and_news_dates() -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://ex.com/s1.xml</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(index) == ("sitemapindex", [parse_sitemap(index)[1][0]])
    urlset = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://ex.com/a.html</loc><lastmod>2026-05-02</lastmod>
      <news:news><news:publication_date>2026-05-01T10:00:00Z</news:publication_date></news:news>
      </url></urlset>"""
    kind, entries = parse_sitemap(urlset)
    assert kind == "urlset"
    assert (entries[0].url, entries[0].lastmod, entries[0].published) == (
        "https://ex.com/a.html",
        "2026-05-02",
        "2026-05-01T10:00:00Z",
    )
    assert parse_sitemap(b"<html>not a sitemap</html>") == ("", [])


def test_rss_and_atom_feeds() -> None:
    rss = b"""<rss version="2.0"><channel><item><link>https://ex.com/a</link>
      <pubDate>Mon, 01 Jun 2026 10:00:00 GMT</pubDate></item></channel></rss>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry>
      <link rel="alternate" href="/b"/><updated>2026-06-01T10:00:00Z</updated></entry></feed>"""
    assert [e.url for e in parse_feed(rss)] == ["https://ex.com/a"]
    assert [e.url for e in parse_feed(atom, "https://ex.com/feed")] == ["https://ex.com/b"]


def test_bad_pages_come_back_with_a_reason_not_an_exception() -> None:
    assert extract_page("", "https://ex.com/a").error == "empty_page"
    assert extract_page(b"\x00\xff\xfe binary \x00", "https://ex.com/a").error is not None
    assert extract_page("<html><body></body></html>", "https://ex.com/a").error is not None
    broken = "<html><body><div><p>Unclosed <b>tags " + "<div>" * 500 + "text</body>"
    assert extract_page(broken, "https://ex.com/a") is not None


def test_record_matches_schema_and_schema_rejects_bad_records() -> None:
    html = "<html lang='en'><body><article>" + "<p>Some real article text here.</p>" * 30
    html += "</article></body></html>"
    page = extract_page(html, "https://ex.com/2026/a-b-c-d.html", fetched_at=FETCHED)
    record = build_record(page, page.blocks, fetched_at=FETCHED, source="test")
    assert validate_record(record) == []
    assert record["fetched_at"] == "2026-06-01T12:00:00Z"
    bad = dict(record, language="english", word_count=0)
    del bad["title"]
    problems = validate_record(bad)
    assert any(p.startswith("language") for p in problems)
    assert any("title" in p for p in problems)


def test_language_is_detected_on_the_clean_text_when_undeclared() -> None:
    """Extraction leaves an undeclared language open; the record detects it on kept text."""
    german = (
        "<p>Die Stadtverwaltung hat am Dienstag beschlossen, die Buslinien im Norden der Stadt "
        "ab dem kommenden Monat häufiger fahren zu lassen, weil die Fahrgastzahlen steigen.</p>"
    )
    html = f"<html><body><article>{german * 6}</article></body></html>"
    page = extract_page(html, "https://ex.de/2026/buslinien-norden.html", fetched_at=FETCHED)
    assert page.language is None
    record = build_record(page, page.blocks, fetched_at=FETCHED, source="test")
    assert record["language"] == "de"
    empty = build_record(page, [], fetched_at=FETCHED, source="test")
    assert empty["language"] is None


def test_a_declared_language_the_text_plainly_contradicts_is_overruled() -> None:
    """Site templates often declare one language for every page, whatever the text says."""
    from newscrawl.core.language import language_of

    german = "".join(
        f"<p>Die Stadtverwaltung hat am Dienstag beschlossen, die Buslinie {i} im Norden der "
        "Stadt ab dem kommenden Monat häufiger fahren zu lassen, weil die Fahrgastzahlen "
        "steigen.</p>"
        for i in range(6)
    )
    html = f"<html lang='en'><body><article>{german}</article></body></html>"
    page = extract_page(html, "https://ex.de/2026/buslinien-norden.html", fetched_at=FETCHED)
    assert page.language == "en"
    assert build_record(page, page.blocks, fetched_at=FETCHED, source="t")["language"] == "de"
    english = "The council voted on Tuesday to run the northern bus lines more often. " * 8
    assert language_of(english, "en") == "en"
    assert language_of("Kurz.", "en") == "en"  # too little text to contradict anything
    norwegian = (
        "Kommunestyret vedtok tirsdag at bussene i nord skal gå oftere fra neste måned, "
        "fordi stadig flere reiser kollektivt til jobb og skole i byen. "
    ) * 6
    assert language_of(norwegian, "no") == "no"  # never overruled by a close relative


def test_language_detection_reads_any_text_and_speaks_iso_639_1() -> None:
    """CLD2 refuses control characters and lone surrogates, and still uses a few withdrawn
    codes (iw for Hebrew) and zh-Hant: none of that may reach a record."""
    _check_language_detection()


def test_without_pycld2_py3langid_gives_the_same_answers() -> None:
    """Where pycld2 has no wheel (Linux on ARM, Python 3.14+) py3langid is declared instead:
    the same checks, in a process where pycld2 cannot be imported."""
    code = (
        "import sys; sys.modules['pycld2'] = None\n"
        "import newscrawl.core.language as language\n"
        "assert language.pycld2 is None\n"
        "from test_core_basics import _check_language_detection\n"
        "_check_language_detection()\n"
        "assert 'py3langid' in sys.modules\n"
    )
    tests = str(Path(__file__).resolve().parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([tests, os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]


def _check_language_detection() -> None:
    from newscrawl.core.language import detect_language, language_of

    english = "The council voted on Tuesday to run the northern bus lines more often. " * 3
    assert detect_language(english.replace(" on ", " on\x00\x07 ") + "\ud800") == "en"
    hebrew = "מועצת העיר החליטה ביום שלישי להגביר את תדירות קווי האוטובוס בצפון העיר. " * 3
    assert detect_language(hebrew) == "he"
    chinese = "市議會週二決定，從下個月起增加城市北部公車路線的班次，因為乘客人數持續增加。" * 3  # noqa: RUF001
    assert detect_language(chinese) == "zh"
    assert detect_language("Kurz und gut.") is None  # too little text to tell
    assert detect_language("12345 67890 " * 20) is None  # no language at all
    german = "Die Stadtverwaltung hat am Dienstag beschlossen, die Buslinien häufiger fahren " * 8
    assert language_of(german, "de") == "de" and language_of(german, "en") == "de"
    assert language_of("\x00" * 500, "fr") == "fr"  # nothing readable: the declaration stands


def test_pages_with_xml_invalid_characters_and_xhtml_doctypes_parse() -> None:
    """The repairs trafilatura makes before parsing still happen when a page needs them."""
    paragraph = "<p>The council met on Tuesday\x0b and voted\x1f to extend the night buses.</p>"
    html = (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        f"<html lang='en'><body><article>{paragraph * 8}</article></body></html>"
    )
    page = extract_page(html, "https://ex.com/2026/night-bus-vote.html", fetched_at=FETCHED)
    assert page.error is None
    assert "voted to extend the night buses" in " ".join(page.text.split())
    assert "\x0b" not in page.text and "\x1f" not in page.text


def test_script_text_is_neither_a_segment_nor_a_date_source() -> None:
    """Dates and text inside scripts (a comment widget's document.write) are not the page's."""
    paragraph = "<p>Residents of the valley gathered to plan the new community garden plots.</p>"
    widget = (
        "<script>document.write('<b>Reader</b> <i>2018-02-24 10:15:59</i> great post');</script>"
    )
    html = f"<html lang='en'><body><article>{paragraph * 8}</article>{widget}</body></html>"
    page = extract_page(html, "https://ex.com/garden-plots.html", fetched_at=FETCHED)
    assert page.published is None
    assert "great post" not in page.text
    with_script = extract_page(html, "https://ex.com/garden-plots.html", fetched_at=FETCHED)
    without = extract_page(html.replace(widget, ""), "https://ex.com/garden-plots.html")
    assert list(with_script.page_keys) == list(without.page_keys)


def _archive_page(months: int) -> str:
    """A short article written as loose text beside a long archive menu (month, count)."""
    names = ["January", "February", "March", "April", "May", "June", "July", "August"]
    archive = "".join(
        f'<li><a href="/news?y={2019 - i // 8}&amp;m={i % 8}">{names[i % 8]} '
        f'<span class="small">({(i * 37) % 200 + 1})</span></a></li>'
        for i in range(months)
    )
    story = (
        "The crew of the home care service in the east district found this morning that two "
        "of the five cars of the unit had been broken into. The cars were missing their "
        "batteries and showed marks of vandalism. A police report was filed and officers came "
        "to inspect the damage. Patients booked for this morning are being rescheduled."
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><title>Home care unit reports break-in</title>'
        '</head><body><div class="row"><div class="col-md-3"><h4>Archive</h4>'
        f'<ul class="nav">{archive}</ul></div><div class="col-md-9">'
        '<p class="title">Home care unit reports break-in</p><br><br>'
        f'<img src="/img/a.jpeg">{story}<br><br><br></div></div></body></html>'
    )


def test_short_article_beside_a_long_archive_menu_is_the_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import newscrawl.core.extract as extract

    asked: list[str] = []
    second_opinion = extract._second_opinion
    monkeypatch.setattr(
        extract, "_second_opinion", lambda *a: asked.append(a[2]) or second_opinion(*a)
    )
    page = extract_page(_archive_page(240), "https://city.example/news/1")
    # trafilatura's fast mode alone returns the menu, hundreds of "May" / "(12)" lines.
    assert asked == ["https://city.example/news/1"]
    assert page.text.startswith("The crew of the home care service")
    assert "February" not in page.text and len(page.blocks) <= 3
    # An ordinary article page is not asked twice: the second opinion costs a parse and more.
    extract_page(
        "<html><body><article>"
        + "".join(
            f"<p>{f'Paragraph {i} of the story, told at some length. ' * 3}</p>" for i in range(8)
        )
        + "</article></body></html>",
        "https://city.example/news/2",
    )
    assert asked == ["https://city.example/news/1"]


def test_normalize_trims_exactly_what_re_calls_non_word_characters_at_both_ends() -> None:
    import random
    import re
    import unicodedata

    edge = re.compile(r"^[\W_]+|[\W_]+$")  # the rule, as a regular expression

    def reference(text: str) -> str:
        return edge.sub("", " ".join(unicodedata.normalize("NFKC", text).casefold().split()))

    rnd = random.Random(7)
    alphabet = "ab_ .,!?-\u2014\u00ab\u00bb()\u00b2\u00bd\u0663\u0301\u00a0x9"
    samples = ["__x__", "...", "(12)", "\u0301abc", "abc\u0301", "\u0663 items!", "_", ""]
    samples += ["".join(rnd.choices(alphabet, k=rnd.randint(0, 12))) for _ in range(3000)]
    for text in samples:
        assert normalize(text) == reference(text), text


def test_element_text_is_text_content_without_the_tail() -> None:
    root = fromstring(
        "<html><body><div>a<!-- note -->b<?pi x?><script>s()</script>&amp;&nbsp;"
        "<b>bold</b> tail of b<p>caf\u00e9<br>line<img alt='A'>end</p></div>after div"
        "<p></p></body></html>"
    )
    for el in root.iter():
        if isinstance(el.tag, str):
            assert element_text(el) == el.text_content()
    assert element_text(root.find(".//div")) == "abs()&\xa0bold tail of bcaf\u00e9lineend"


def test_a_date_in_the_address_beats_a_date_elsewhere_on_an_undated_page() -> None:
    story = "".join(
        f"<p>Paragraph {i} of a story about the harbour, at some length.</p>" for i in range(6)
    )
    html = (
        "<html><head><title>Harbour story</title></head><body><article>"
        f"{story}</article><aside><p>From the archive, 2017-03-28: the old pier</p></aside>"
        "</body></html>"
    )
    page = extract_page(html, "https://news.example/story/2019/11/19/harbour/", fetched_at=FETCHED)
    assert page.published == "2019-11-19"


def test_a_short_japanese_article_is_an_article_like_a_french_one_of_as_many_words() -> None:
    paragraphs = [
        "政府は来年度の予算案を閣議決定し、一般会計の総額は過去最大となった。",
        "財務大臣は記者会見で、経済成長と財政健全化の両立を目指すと述べた。",
        "野党は歳出の拡大を批判しており、国会での審議は難航が予想される。",
        "専門家は、社会保障費の増加が今後も続くとの見方を示している。",
        "予算案は来年一月に召集される通常国会に提出される予定だ。",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = f'<html lang="ja"><head><title>予算案</title></head><body><article>{body}</article>'
    page = extract_page(html + "</body></html>", "https://news.example.jp/politics/12345.html")
    assert sum(len(b.text) for b in page.blocks) < 400  # fewer characters than the threshold
    assert page.page_type == "article", page.page_type_reason


def test_metadata_resolves_escaped_text_and_keeps_datelines_out_of_author_names() -> None:
    html = """<html><head>
    <script type="application/ld+json">{"@type": "NewsArticle",
      "headline": "Review &#8211; shoots for the moon &amp; lands",
      "author": [{"name": "Jeff FoustNovember 18"}, {"name": "FEDERICA LUSIARDI - 2019-04-10"}]}
    </script>
    <meta name="description" content="We needed to win this&nbsp;game&#8221;">
    </head><body><p>Text.</p></body></html>"""
    meta = read_metadata(fromstring(html), "https://ex.com/a", fetched_at=FETCHED)
    assert meta["title"] == "Review \u2013 shoots for the moon & lands"
    twice = "<html><head><meta property='og:title' content='Harbour &amp;amp;amp; ferry'>"
    assert read_metadata(fromstring(twice + "</head></html>"), "https://e.x/")["title"] == (
        "Harbour & ferry"
    )
    assert meta["description"] == "We needed to win this game\u201d"
    assert meta["authors"] == ["Jeff Foust", "Federica Lusiardi"]  # all-caps capitalised
    byline = "<html><head><meta name='author' content='Associated Press November 19, 9:02 AM'>"
    meta = read_metadata(fromstring(byline + "</head><body></body></html>"), "https://ex.com/b")
    assert meta["authors"] == ["Associated Press"]
    names = "<html><head><meta name='author' content='June Carter and April Smith'>"
    meta = read_metadata(fromstring(names + "</head><body></body></html>"), "https://ex.com/c")
    assert meta["authors"] == ["June Carter", "April Smith"]  # months only before a day
    for raw, names in {
        "Jane Doe, 12 January 2026": ["Jane Doe"],
        "Jane Doe, Updated: January 12, 2026": ["Jane Doe"],
        "By Jane Doe | Updated 10:32 AM EST": ["Jane Doe"],
        "Jane Doe (2026-01-12)": ["Jane Doe"],
        "John Smith \u00b7 3 min read": ["John Smith"],
        "Jeff Foust, Monday, November 18": ["Jeff Foust"],
        "Tuesday Weld": ["Tuesday Weld"],  # a name that starts like a date stays
        "Posted by Vortex": ["Vortex"],
    }.items():
        page = f"<html><head><meta name='author' content='{raw}'></head><body></body></html>"
        assert read_metadata(fromstring(page), "https://ex.com/d")["authors"] == names, raw


def test_keywords_that_are_the_headline_or_a_sentence_are_no_tags() -> None:
    html = """<html><head><title>Lexus wants you to go topless</title>
    <meta name="keywords" content="Lexus wants you to go topless The LC 500 looks good even
      with the roof chopped off, convertibles, Lexus LC 500, Toyota Motor Corporation Japan">
    </head><body><p>Text.</p></body></html>"""
    meta = read_metadata(fromstring(html), "https://ex.com/lexus")
    assert meta["tags"] == ["convertibles", "Lexus LC 500", "Toyota Motor Corporation Japan"]


def test_an_h1_inside_a_link_is_the_logo_not_the_headline() -> None:
    html = (
        "<html><head><title>Council backs the flood barrier</title></head><body>"
        "<div id='header'><a href='/'><h1>Harbour Daily</h1></a></div>"
        "<div><h1>Council backs the flood barrier</h1><p>Text.</p></div></body></html>"
    )
    assert read_metadata(fromstring(html), "https://ex.com/a")["title"] == (
        "Council backs the flood barrier"
    )


def test_a_title_element_loses_the_site_name_it_ends_with() -> None:
    def title(text: str, url: str, head: str = "") -> str | None:
        html = f"<html><head><title>{text}</title>{head}</head><body><p>x</p></body></html>"
        return read_metadata(fromstring(html), url)["title"]

    assert title("Rain floods the old town - Entermedia", "http://www.entermedia.co.kr/1") == (
        "Rain floods the old town"
    )
    site = "<meta property='og:site_name' content='Harbour Daily'>"
    assert title("Rain floods | Harbour Daily", "https://h.example/1", site) == "Rain floods"
    # A dash inside the headline, or a tail that names nothing of the site, stays.
    assert title("Brexit - what happens next", "https://news.example/1") == (
        "Brexit - what happens next"
    )
