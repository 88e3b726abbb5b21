"""Metadata as real pages write it (who wrote it, the headline, tags, dates), and live blogs.

Each case is a pattern seen on the Zyte benchmark pages (news sites, blogs, CMS defaults), and
most come with the look-alike that must stay as it is.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from lxml.html import fromstring

from newscrawl.core.extract import extract_page
from newscrawl.core.metadata import byline_authors, read_metadata, url_date

FETCHED = datetime(2026, 1, 1, tzinfo=UTC)


def _meta(head: str = "", body: str = "", url: str = "https://www.ex-news.com/a/1") -> Any:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return read_metadata(fromstring(html), url, fetched_at=FETCHED)


def _ld(data: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def _authors(value: Any, head: str = "", url: str = "https://www.ex-news.com/a/1") -> list[str]:
    return _meta(_ld({"@type": "NewsArticle", "author": value}) + head, url=url)["authors"]


def test_authors_are_people_not_the_publisher_or_its_desk() -> None:
    assert _authors({"@type": "Organization", "name": "Ex News"}) == []
    site = '<meta property="og:site_name" content="The Daily Ex">'
    assert _authors({"@type": "Person", "name": "The Daily Ex"}, site) == []
    assert _authors("CBS News", url="https://www.cbsnews.com/news/x/") == []
    assert _authors("BBC News", url="https://www.bbc.co.uk/news/x") == []
    for desk in ("Staff Reports", "JERUSALEM POST STAFF", "Editorial", "News Nation Bureau"):
        assert _authors(desk) == [], desk
    for account in ("admin", "jdadmin", "rmb8090"):
        assert _authors(account) == [], account
    # People whose names look a little like those stay.
    assert _authors("Ann Staffordshire") == ["Ann Staffordshire"]
    assert _authors("Madonna") == ["Madonna"]
    assert _authors("Associated Press") == ["Associated Press"]  # an agency alone is the byline


def test_author_strings_are_split_into_names_without_titles_or_credentials() -> None:
    assert _authors("By TOM KRISHER, AP Auto Writer") == ["Tom Krisher"]
    assert _authors("Ilana Muhlstein, MS, RDN") == ["Ilana Muhlstein"]
    assert _authors("Analysis by Chris Cillizza, CNN Editor-at-large") == ["Chris Cillizza"]
    assert _authors(["LISA MASCARO", "ERIC TUCKERAssociated Press"]) == [
        "Lisa Mascaro",
        "Eric Tucker",
    ]
    assert _authors("Amy Kuperinsky | NJ Advance Media for NJ.com") == ["Amy Kuperinsky"]
    assert _authors("Finian Cunningham. Sputnik International") == ["Finian Cunningham"]
    assert _authors("Troy L. Smith, cleveland.com") == ["Troy L. Smith"]
    assert _authors("Bruce Y. Lee") == ["Bruce Y. Lee"]  # "y" joins names only in lower case
    assert _authors("Ana García y Luis Pérez") == ["Ana García", "Luis Pérez"]
    assert _authors("DEE-ANN DURBIN AND TOM O'NEIL") == ["Dee-Ann Durbin", "Tom O'Neil"]


def test_author_references_in_a_json_ld_graph_are_resolved() -> None:
    graph = {
        "@graph": [
            {"@type": "WebSite", "@id": "https://ex.com/#website", "name": "Ex"},
            {
                "@type": "Article",
                "@id": "https://ex.com/a/#article",
                "author": {"@id": "https://ex.com/#/schema/person/1"},
            },
            {"@type": "Person", "@id": "https://ex.com/#/schema/person/1", "name": "Lewis White"},
        ]
    }
    assert _meta(_ld(graph), url="https://ex.com/a/")["authors"] == ["Lewis White"]


def test_a_comment_forms_author_field_is_no_byline() -> None:
    form = '<form class="comment-form"><p class="comment-form-author">Nama (wajib)</p></form>'
    byline = '<p class="byline">By Jane Roe</p>'
    assert byline_authors(fromstring(f"<html><body>{form}</body></html>")) == []
    assert byline_authors(fromstring(f"<html><body>{form}{byline}</body></html>")) == ["Jane Roe"]


def test_a_publisher_or_desk_beside_a_person_is_no_author() -> None:
    """Syndication bylines name the outlet after the person; alone, an outlet stays."""
    assert _authors("Victor Tangermann, Futurism") == ["Victor Tangermann"]
    assert _authors("Sandee LaMotte, CNN", url="https://www.msn.com/a/") == ["Sandee LaMotte"]
    cnn = "https://www.cnn.com/2019/11/18/a/"
    assert _authors("By Jill Disis, CNN Business", url=cnn) == ["Jill Disis"]
    assert _authors("CNN Business", url=cnn) == ["CNN Business"]
    assert _authors("PTI") == ["PTI"]
    assert _authors("Lisa Kaczke and Trevor J. Mitchell") == ["Lisa Kaczke", "Trevor J. Mitchell"]


def test_labels_before_names_are_not_part_of_them() -> None:
    assert _authors("Текст: Венера Ерофеева") == ["Венера Ерофеева"]
    assert _authors("By: Jane Roe") == ["Jane Roe"]
    assert _authors("Text: Jane Roe, Photos: John Doe") == ["Jane Roe"]  # took pictures only
    assert _authors("Autor: Hans Müller") == ["Hans Müller"]
    assert _authors("Jane Roe: Washington") != ["Washington"]  # a name is no label


def test_a_second_link_to_the_authors_page_is_not_part_of_the_name() -> None:
    author = "https://ex.com/author/jose-altoveros.html"
    byline = (
        f'<div class="author-info"><h4><a class="name" href="{author}">Jose Altoveros</a>'
        f'<a class="view-more" href="{author}"><span>View More Articles</span></a></h4></div>'
    )
    tree = fromstring(f"<html><body>{byline}<p>Text.</p></body></html>")
    assert byline_authors(tree) == ["Jose Altoveros"]
    two = '<p class="byline">By <a href="/p/1">Jane Roe</a> and <a href="/p/2">John Doe</a></p>'
    assert byline_authors(fromstring(f"<html><body>{two}</body></html>")) == [
        "Jane Roe",
        "John Doe",
    ]


def test_a_byline_without_a_class_is_a_by_word_before_a_link() -> None:
    """ "By <a>Name</a>, <a>Name</a> on Monday, November 18th, 2019 at 11:08 a.m." as a
    fact-checking site writes it; the same words in running text or a photo credit are none."""
    byline = (
        '<p class="article__meta">By\n<a class="link" href="/staff/jane-roe/">Jane Roe</a>\n,\n'
        '<a class="link" href="/staff/john-doe/">John Doe</a>\n'
        "<span>on Monday, November 18th, 2019 at 11:08 a.m.</span></p>"
    )
    page = "<html><body><h1>Headline</h1>{}<p>Text of the story.</p></body></html>"
    assert byline_authors(fromstring(page.format(byline))) == ["Jane Roe", "John Doe"]
    written = 'Written by <a href="/team">Jane Roe, MS, RD</a> on November 14, 2019'
    assert byline_authors(fromstring(page.format(f"<div>{written}</div>"))) == ["Jane Roe"]
    split = '<div>Written <span>by</span> <a href="/staff/jane-roe">Jane Roe</a></div>'
    assert byline_authors(fromstring(page.format(split))) == ["Jane Roe"]
    for not_byline in (
        '<p>The film, directed by <a href="/people/john-doe">John Doe</a>, opens today.</p>',
        '<p>Photo by <a href="/people/john-doe">John Doe</a></p>',
        '<div class="comments"><p>By <a href="/profile/jdoe">John Doe</a></p></div>',
    ):
        assert byline_authors(fromstring(page.format(not_byline))) == [], not_byline


def test_a_bylines_date_and_time_are_no_names() -> None:
    """A byline block that ends in its date and time still names its authors."""
    byline = (
        '<p class="gray small byline">By <a href="/cdn-cgi/l/email-protection">Jane Roe</a> and'
        " John Doe Monday, November 18, 2019, 04:05 pm PT (07:05 pm ET)</p>"
    )
    assert byline_authors(fromstring(f"<html><body>{byline}</body></html>")) == [
        "Jane Roe",
        "John Doe",
    ]
    # What is more than names stays no byline, dated or not.
    agency = '<p class="byline">Jane Roe Example Wire Services Published 11:11 PM EST</p>'
    assert byline_authors(fromstring(f"<html><body>{agency}</body></html>")) == []


def test_a_web_page_without_an_article_object_names_its_author() -> None:
    """A MedicalWebPage, or Yoast's graph with no Article node, names the author itself."""
    page = {"@type": "MedicalWebPage", "author": {"@type": "Person", "name": "Jane Roe, MS, RD"}}
    assert _meta(_ld(page))["authors"] == ["Jane Roe"]
    person = {"@type": "Person", "@id": "https://ex.com/#/person/1", "name": "Josh"}
    graph = {"@graph": [{"@type": "WebPage", "author": {"@id": person["@id"]}}, person]}
    assert _meta(_ld(graph))["authors"] == ["Josh"]
    listing = {"@type": "CollectionPage", "author": {"@type": "Person", "name": "Jane Roe"}}
    assert _meta(_ld(listing))["authors"] == []


def test_hand_written_json_ld_is_read_as_browsers_read_it() -> None:
    """A raw line break in a string, a comment after a value, a trailing comma."""
    script = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Two\nlines",'
        ' "author": {"@type": "Person", // "Organization",\n "name": "Jane Roe"},'
        ' "keywords": ["cars", "lexus", ], "datePublished": "2019-11-20T12:32:13+08:00"}</script>'
    )
    meta = _meta(script)
    assert meta["authors"] == ["Jane Roe"] and meta["tags"] == ["cars", "lexus"]
    assert meta["published"] == "2019-11-20T12:32:13+08:00"
    assert _meta('<script type="application/ld+json">{"@type": </script>')["authors"] == []


def test_the_headline_comes_without_site_names_and_section_labels() -> None:
    def title(og_title: str, h1: str = "", url: str = "https://thehill.com/a/1") -> str:
        head = f'<meta property="og:title" content="{og_title}">'
        if "GiveWell" in og_title:
            head += '<meta property="og:site_name" content="The GiveWell Blog">'
        return str(_meta(head, f"<h1>{h1}</h1>" if h1 else "", url)["title"])

    assert title("Headline here | TheHill") == "Headline here"
    assert title("Opinion | Republicans go nowhere", "Republicans go nowhere") == (
        "Republicans go nowhere"
    )
    assert title("Review - a book - MoreBikes", "Review - a book") == "Review - a book"
    # A blog whose h1 is its own name: the headline is the other side.
    blog = "https://blog.givewell.org/2018/09/open-thread/"
    assert title("September open thread - The GiveWell Blog", "The GiveWell Blog", blog) == (
        "September open thread"
    )
    # Separators inside a headline stay when nothing names the site.
    assert title("Spain - Russia: the final", "", "https://sport.example/x") == (
        "Spain - Russia: the final"
    )


def test_tags_come_from_every_keyword_field_without_cms_tokens() -> None:
    head = '<meta name="news_keywords" content="Space; Science &amp; Technology">'
    assert _meta(head)["tags"] == ["Space", "Science & Technology"]
    repeated = "".join(f'<meta property="article:tag" content="{t}">' for t in ("PS4", "Xbox"))
    assert _meta(repeated)["tags"] == ["PS4", "Xbox"]
    junk = (
        '<meta property="og:site_name" content="POLYGRAPH.info">'
        '<meta name="keywords" content="@river,/article,_no-apple-news,@post-id:1913719,'
        'POLYGRAPH.info,&quot;,plague,china">'
    )
    assert _meta(junk)["tags"] == ["plague", "china"]
    # A place that is also the site's host name is a real tag.
    city = '<meta name="keywords" content="jaragua do sul,iptu">'
    assert _meta(city, url="https://www.jaraguadosul.sc.gov.br/x")["tags"] == [
        "jaragua do sul",
        "iptu",
    ]


def test_dates_keep_their_time_and_come_from_the_article_not_from_other_stories() -> None:
    # The first source has only the day; a later one has the same day with its time.
    def published(ld_date: str, meta_date: str) -> str:
        head = _ld({"@type": "NewsArticle", "datePublished": ld_date})
        head += f'<meta property="article:published_time" content="{meta_date}">'
        return str(_meta(head)["published"])

    assert published("2019-11-18", "2019-11-18T17:01:27Z") == "2019-11-18T17:01:27+00:00"
    assert published("2019-11-17", "2019-11-18T17:01:27Z") == "2019-11-17"
    # One meta element under two names (NYT): each name finds it.
    both = '<meta property="article:modified" itemprop="dateModified" content="2019-11-19T00:37Z">'
    assert _meta(both)["modified"] == "2019-11-19T00:37:00+00:00"
    # A plain <time>: the article's, not a teaser's in a list or link.
    teaser = '<ul><li><a href="/b"><time datetime="2019-11-14T09:00Z">Nov 14</time></a></li></ul>'
    own = '<div class="meta"><time datetime="2019-11-19T11:45:59Z">Nov 19</time></div>'
    assert _meta(body=teaser + own)["published"] == "2019-11-19T11:45:59+00:00"
    assert _meta(body=teaser)["published"] is None
    masthead = (
        '<header class="site"><time datetime="2026-01-01">Thursday, 1 January</time></header>'
    )
    assert _meta(body=masthead)["published"] is None  # today's date in the masthead
    in_article = f"<article><header>{own}</header></article>"
    assert _meta(body=masthead + in_article)["published"] == "2019-11-19T11:45:59+00:00"


def test_a_month_name_in_the_address_dates_a_page_that_declares_none() -> None:
    url = "https://www.politifact.com/factchecks/2019/nov/18/donald-trump/claim/"
    assert url_date(url) == "2019-11-18"
    assert url_date("https://ex.com/2019/may/3") == "2019-05-03"
    assert url_date("https://ex.com/2019/notamonth/18/") is None
    sources = "".join(f"<li>Source, Oct. {d}, 2019</li>" for d in (10, 13))
    paragraphs = "".join(
        f"<p>Paragraph {i} of a fact check about a claim, with enough words to be read as an "
        f"article by the cleaning stage, and more words to be sure of it.</p>"
        for i in range(8)
    )
    page = extract_page(
        f"<html><body><h1>A claim</h1>{paragraphs}<ul>{sources}</ul></body></html>",
        url,
        fetched_at=FETCHED,
    )
    assert page.published == "2019-11-18"


def test_a_description_loses_markup_but_not_text_in_angle_brackets() -> None:
    head = '<meta name="description" content="&lt;p&gt;A calendar &lt;b&gt;of races&lt;/b&gt;">'
    assert _meta(head)["description"] == "A calendar of races"
    show = '<meta name="description" content="They watched &lt;The Palace&gt; twice">'
    assert _meta(show)["description"] == "They watched <The Palace> twice"


def test_a_live_blog_keeps_every_update() -> None:
    """trafilatura's fast mode keeps one update of a live blog whose updates are sibling
    blocks; the article element says how much text there is, and full mode is asked."""
    import trafilatura

    sentences = [
        "Regional officials said at a press conference that water levels had fallen again.",
        "A group of local farmers warned that repairs to the bridge could take much longer.",
        "Shop owners confirmed that a review of the safety rules would follow this summer.",
    ]
    entries = "".join(
        f'<div class="entry"><time>{10 + i}:00</time><h3>Update {i}</h3>'
        f"<p>Update {i}: {' '.join(sentences)} {' '.join(reversed(sentences))}</p></div>"
        for i in range(12)
    )
    html = (
        '<html lang="en"><head><title>Live: storm hits the coast</title>'
        '<script type="application/ld+json">{"@type": "LiveBlogPosting"}</script></head>'
        '<body><header><nav><a href="/">Home</a> <a href="/world/">World</a></nav></header>'
        "<main><article><h1>Live: storm hits the coast</h1><p class='byline'>By Jane Roe</p>"
        f"<p>Follow our live coverage of the storm along the coast.</p>{entries}</article></main>"
        "<footer>© Daily Example</footer></body></html>"
    )
    fast = trafilatura.extract(html, fast=True) or ""
    assert fast.count("Update ") < 6  # the premise: fast mode alone loses most updates
    text = extract_page(html, "https://news.example/live/storm", fetched_at=FETCHED).text
    assert all(f"Update {i}:" in text for i in range(12)), text[:500]


def test_a_byline_line_naming_the_authors_leaves_the_text() -> None:
    story = "".join(
        f"<p>Paragraph {i} of the story, long enough to be the article's running text and "
        f"not a caption or a line of the page's furniture around it.</p>"
        for i in range(6)
    )
    head = _ld({"@type": "NewsArticle", "author": {"@type": "Person", "name": "Jeff Foust"}})

    def text(first: str) -> str:
        html = f"<html><head>{head}</head><body><article><p>{first}</p>{story}</article></body>"
        return extract_page(html + "</html>", "https://ex.com/a/1", fetched_at=FETCHED).text

    assert not text("by Jeff Foust").startswith("by Jeff Foust")
    # A sentence that starts with the author's byline is text.
    kept = "By Jeff Foust's count, three launches were needed."
    assert text(kept).startswith(kept)


def test_a_web_pages_own_name_is_not_taken_for_the_sites() -> None:
    graph = {
        "@graph": [
            {"@type": "WebSite", "name": "Daily Ex"},
            {"@type": "WebPage", "name": "Council passes the budget"},
            {"@type": "NewsArticle", "headline": "Council passes the budget | Daily Ex"},
        ]
    }
    meta = _meta(_ld(graph), "<h1>Council passes the budget</h1>", "https://dailyex.example/a")
    assert meta["title"] == "Council passes the budget"
    meta = _meta(_ld({**graph, "@graph": graph["@graph"][1:]}), "", "https://ex.example/a")
    assert meta["title"] == "Council passes the budget | Daily Ex"  # nothing names the site


def test_a_date_written_in_the_text_dates_a_page_that_declares_none() -> None:
    story = "".join(
        f"<p>Absatz {i} des Artikels, lang genug, um als Text des Artikels zu gelten, und mit "
        f"noch einigen Wörtern mehr, damit es sicher ist.</p>"
        for i in range(6)
    )
    footer = "<footer><p>© beispiel.example, 2008</p></footer>"

    def published(dateline: str) -> str | None:
        html = f"<html lang='de'><body><article><h1>Titel</h1>{dateline}{story}</article>"
        page = extract_page(html + footer + "</body></html>", "https://beispiel.example/artikel")
        return page.published

    span = "<p><span class='about'>publiziert am 25. September 2018</span></p>"
    assert published(span) == "2018-09-25"
    assert published("") is None  # the copyright year is no publication date
