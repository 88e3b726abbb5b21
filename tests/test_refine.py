"""Page-local refinements on small hand-written pages: each rule, and what it must leave alone."""

from __future__ import annotations

from lxml import html as lxml_html

from newscrawl.core import refine
from newscrawl.core.types import Block

URL = "https://news.example.com/2024/05/01/the-story.html"


def _tree(body: str, head: str = "") -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def _blocks(*items: tuple[str, str]) -> list[Block]:
    return [Block(text=text, key=i, kind=kind) for i, (kind, text) in enumerate(items)]


def _texts(blocks: list[Block]) -> list[str]:
    return [b.text for b in blocks]


def _paras(count: int) -> str:
    return "".join(f"<p>{_para(i)}</p>" for i in range(count))


def _para(i: int) -> str:
    return f"Paragraph {i} of the story, with enough words to read."


PARAS = _paras(3)


def test_headline_repeating_the_title_is_dropped() -> None:
    tree = _tree(
        f"<article><h1>Rain floods the old town</h1>{PARAS}</article>",
        head="<title>Rain floods the old town | Example News</title>",
    )
    hints = refine.prepare_tree(tree, URL)
    blocks = _blocks(("h", "Rain floods the old town"), ("p", "Water rose overnight."))
    assert _texts(refine.filter_blocks(blocks, hints)) == ["Water rose overnight."]


def test_heading_not_in_title_is_kept() -> None:
    tree = _tree(f"<article><h1>Rain</h1><h2>What happened</h2>{PARAS}</article>")
    hints = refine.prepare_tree(tree, URL)
    blocks = _blocks(("h", "What happened"), ("p", "Water rose overnight."))
    assert _texts(refine.filter_blocks(blocks, hints)) == ["What happened", "Water rose overnight."]


def test_standfirst_heading_equal_to_description_is_dropped() -> None:
    description = "The river burst its banks after three days of rain, officials said."
    tree = _tree(PARAS, head=f'<meta property="og:description" content="{description}">')
    hints = refine.prepare_tree(tree, URL)
    blocks = _blocks(("h", description), ("p", "Water rose overnight."))
    assert _texts(refine.filter_blocks(blocks, hints)) == ["Water rose overnight."]


def test_paragraph_equal_to_description_is_kept() -> None:
    description = "The river burst its banks after three days of rain, officials said."
    tree = _tree(PARAS, head=f'<meta name="description" content="{description}">')
    hints = refine.prepare_tree(tree, URL)
    blocks = _blocks(("p", description), ("p", "Water rose overnight."))
    assert len(refine.filter_blocks(blocks, hints)) == 2


def test_short_description_is_not_a_standfirst() -> None:
    tree = _tree(PARAS, head='<meta name="description" content="Local news">')
    hints = refine.prepare_tree(tree, URL)
    assert refine.filter_blocks(_blocks(("h", "Local news")), hints) != []


def test_teasers_linking_to_same_site_articles_are_dropped_with_their_label() -> None:
    tree = _tree(
        "<article>"
        "<p>Water rose overnight in the <a href='/tags/river'>river</a> district.</p>"
        "<p>Read more: <a href='/2024/04/30/storm-warning.html'>Storm warning issued for the"
        " whole coast</a></p>"
        "<h3>More stories</h3>"
        "<ul><li><a href='https://www.example.com/a/b.html'>Mayor opens the new bridge</a></li>"
        "<li><a href='//news.example.com/c.html'>School year starts a week late</a></li></ul>"
        "</article>"
    )
    hints = refine.prepare_tree(tree, URL)
    blocks = _blocks(
        ("p", "Water rose overnight in the river district."),
        ("p", "Read more: Storm warning issued for the whole coast"),
        ("h", "More stories"),
        ("li", "Mayor opens the new bridge"),
        ("li", "School year starts a week late"),
    )
    assert _texts(refine.filter_blocks(blocks, hints)) == [
        "Water rose overnight in the river district."
    ]


def test_links_elsewhere_or_to_this_page_are_not_teasers() -> None:
    tree = _tree(
        "<p><a href='https://other.org/report.pdf'>The full report from the agency</a></p>"
        "<p><a href='#section-2'>Jump to the second section</a></p>"
        f"<p><a href='{URL}'>Permalink to this very story</a></p>"
        "<p><a href='/'>Back to the front page of the site</a></p>"
        "<p><a href='mailto:desk@example.com'>Write to the news desk</a></p>"
    )
    hints = refine.prepare_tree(tree, URL)
    assert hints.teasers == frozenset()


def test_paragraph_with_an_inline_link_is_not_a_teaser() -> None:
    sentence = (
        "The council, which voted last month to raise the levee, said work would start in June."
    )
    tree = _tree(
        "<p>The council, which <a href='/2024/04/02/vote.html'>voted last month</a> to raise"
        " the levee, said work would start in June.</p>"
    )
    hints = refine.prepare_tree(tree, URL)
    assert _texts(refine.filter_blocks(_blocks(("p", sentence)), hints)) == [sentence]


def test_teaser_list_with_excerpts_is_dropped() -> None:
    items = "".join(
        f"<li><div><a href='/2024/04/2{i}/story-{i}.html'>Headline number {i}</a>"
        f"<h4>A short excerpt of story {i}, to tempt the reader.</h4></div></li>"
        for i in range(3)
    )
    tree = _tree(f"<article>{PARAS}</article><ul class='latest'>{items}</ul>")
    hints = refine.prepare_tree(tree, URL)
    blocks = _blocks(
        ("p", "Water rose overnight."),
        # Extractors may glue the headline to its excerpt: matching ignores spacing.
        *(
            ("li", f"Headline number {i}A short excerpt of story {i}, to tempt the reader.")
            for i in range(3)
        ),
    )
    assert _texts(refine.filter_blocks(blocks, hints)) == ["Water rose overnight."]


def test_teaser_cards_lose_their_excerpts_with_their_headlines() -> None:
    """Top-stories cards built of divs and tables: a headline link to another article, an
    excerpt in an element of its own. Only the excerpts reach the extractor's output."""
    cards = "".join(
        f"<div class='card'><div><table><tr><td><a href='/2024/04/2{i}/story-{i}.html'>"
        f"<img src='/t{i}.jpg'></a></td><td><a href='/2024/04/2{i}/story-{i}.html'>"
        f"Headline of the other story number {i}</a></td></tr></table></div>"
        f"<div>Excerpt {i}: what happened elsewhere, in one sentence.</div></div>"
        for i in range(2)
    )
    said = "Officials pointed to an earlier report on the dam's safety and said repairs follow."
    inline = (
        "<p>Officials pointed to <a href='/2024/04/01/earlier-report.html'>an earlier report on "
        "the dam's safety</a> and said repairs follow.</p>"
    )
    tree = _tree(f"<article>{PARAS}{inline}</article><div class='top'>{cards}</div>")
    hints = refine.prepare_tree(tree, URL)
    blocks = _blocks(
        ("p", "Water rose overnight."),
        ("p", said),
        *(("p", f"Excerpt {i}: what happened elsewhere, in one sentence.") for i in range(2)),
    )
    assert _texts(refine.filter_blocks(blocks, hints)) == ["Water rose overnight.", said]


def test_a_link_with_a_paragraph_beside_it_in_the_body_is_no_card() -> None:
    """A headline link alone on its line inside the article: its neighbours are the story."""
    body = (
        "<p>The council met on Monday to discuss the flood barrier and its cost.</p>"
        "<p><a href='/2024/04/01/earlier-report.html'>Read the earlier report on the barrier"
        "</a></p>" + _paras(6)
    )
    tree = _tree(f"<article><div class='body'>{body}</div></article>")
    hints = refine.prepare_tree(tree, URL)
    blocks = _blocks(("p", "The council met on Monday to discuss the flood barrier and its cost."))
    assert len(refine.filter_blocks(blocks, hints)) == 1


def test_list_of_links_inside_the_text_with_long_items_is_kept() -> None:
    long_item = " ".join(["word"] * 40)
    items = "".join(f"<li><a href='/a/{i}.html'>Step {i}</a> {long_item}</li>" for i in range(3))
    tree = _tree(f"<ol>{items}</ol>")
    hints = refine.prepare_tree(tree, URL)
    blocks = _blocks(*(("li", f"Step {i} {long_item}") for i in range(3)))
    assert len(refine.filter_blocks(blocks, hints)) == 3


def test_second_copy_of_the_body_is_dropped() -> None:
    body = [("p", f"Paragraph number {i} of the story goes here.") for i in range(4)]
    between = "Figures are provisional, the office said."
    blocks = _blocks(*body, ("p", between), *body)
    hints = refine.prepare_tree(_tree(""), URL)
    assert _texts(refine.filter_blocks(blocks, hints)) == [t for _, t in body] + [between]


def test_short_repeated_runs_are_kept() -> None:
    day = [("li", "Breakfast: oats"), ("li", "Lunch: soup and bread")]
    other = [
        ("p", f"Long paragraph {i} about planning meals for the week ahead.") for i in range(6)
    ]
    blocks = _blocks(*day, *other, *day)
    hints = refine.prepare_tree(_tree(""), URL)
    assert len(refine.filter_blocks(blocks, hints)) == len(blocks)


def test_body_split_by_an_ad_slot_is_merged_in_order() -> None:
    tree = _tree(
        "<main>"
        "<div class='row'><div class='story-body'><p>One.</p><p>Two.</p></div></div>"
        "<div class='ad-slot'>Advertisement</div>"
        "<div class='row'><div class='story-body'><p>Three.</p><p>Four.</p></div></div>"
        "</main>"
    )
    refine.prepare_tree(tree, URL)
    bodies = tree.xpath("//div[@class='story-body']")
    assert len(bodies) == 1
    assert [p.text for p in bodies[0].iter("p")] == ["One.", "Two.", "Three.", "Four."]


def test_distant_containers_with_the_same_class_are_not_merged() -> None:
    tree = _tree(
        "<article><div class='text'><p>Story one.</p><p>More.</p></div></article>"
        "<aside><section><div><div><div class='text'><p>Other.</p><p>Thing.</p></div>"
        "</div></div></section></aside>"
    )
    refine.prepare_tree(tree, URL)
    assert len(tree.xpath("//div[@class='text']")) == 2


def test_quotes_with_one_class_are_not_merged() -> None:
    tree = _tree(
        "<div><blockquote class='tweet'><p>First post.</p><p>By A</p></blockquote>"
        "<blockquote class='tweet'><p>Second post.</p><p>By B</p></blockquote></div>"
    )
    refine.prepare_tree(tree, URL)
    assert len(tree.xpath("//blockquote")) == 2


def test_headline_link_with_a_label_on_either_side_is_a_teaser() -> None:
    tree = _tree(
        "<p><a href='/2024/04/29/a.html'>China warns the protesters again today</a> [VIDEO]<br>"
        "<a href='/2024/04/29/b.html'>Markets fall as the crisis deepens</a> [INSIGHT]</p>"
    )
    hints = refine.prepare_tree(tree, URL)
    blocks = _blocks(
        ("p", "Water rose overnight."),
        ("p", "China warns the protesters again today [VIDEO]"),
        ("p", "SEE MORE: Markets fall as the crisis deepens"),
    )
    assert _texts(refine.filter_blocks(blocks, hints)) == ["Water rose overnight."]


def test_short_link_text_with_words_around_it_is_prose() -> None:
    tree = _tree("<p>Read the <a href='/business/'>business news</a>.</p>")
    hints = refine.prepare_tree(tree, URL)
    blocks = _blocks(("p", "Business news today"))
    assert len(refine.filter_blocks(blocks, hints)) == 1


def test_the_page_printing_its_own_address_is_dropped() -> None:
    canonical = "https://news.example.com/the-story"
    tree = _tree(PARAS, head=f"<link rel='canonical' href='{canonical}'>")
    hints = refine.prepare_tree(tree, URL)
    blocks = _blocks(("p", "Water rose overnight."), ("p", canonical), ("p", URL))
    assert _texts(refine.filter_blocks(blocks, hints)) == ["Water rose overnight."]


def test_embedded_quote_is_lifted_out_of_its_widget_wrapper() -> None:
    tree = _tree(
        "<div class='story'><p>Before the quote.</p>"
        "<div class='social-embed'><blockquote class='tweet-embed'><p>Quoted post.</p>"
        "</blockquote><script src='widgets.js'></script></div>"
        "<p>After the quote.</p></div>"
    )
    refine.prepare_tree(tree, URL)
    story = tree.xpath("//div[@class='story']")[0]
    assert [el.tag for el in story] == ["p", "blockquote", "p"]
    assert story[1].get("class") is None
    assert tree.xpath("//div[@class='social-embed']") == []


def test_quote_in_a_sidebar_widget_stays_put() -> None:
    tree = _tree(
        "<aside><div class='widget'><div class='fb-page'><blockquote>Like us</blockquote>"
        "</div></div></aside>"
    )
    refine.prepare_tree(tree, URL)
    assert tree.xpath("//div[@class='fb-page']/blockquote")


def test_title_moved_into_the_body_by_broken_markup_is_still_found() -> None:
    tree = lxml_html.document_fromstring(
        "<html><head><script></script></head><body><title>Rain floods the town | Site</title>"
        f"<h1>Rain floods the town</h1>{PARAS}</body></html>"
    )
    hints = refine.prepare_tree(tree, URL)
    blocks = _blocks(("h", "Rain floods the town"), ("p", "Water rose overnight."))
    assert _texts(refine.filter_blocks(blocks, hints)) == ["Water rose overnight."]


def test_hover_card_inside_a_sentence_is_removed_but_its_link_stays() -> None:
    card = "".join(
        f"<a href='/2024/04/1{i}/story-{i}.html'>Other story number {i}</a> " for i in range(3)
    )
    tree = _tree(
        "<p>A man threatened Rep. <span class='person'><a href='/people/jane-doe'>Jane Doe</a>"
        f"<span class='card'><span>{card}</span></span></span> (D-Minn.), prosecutors said.</p>"
    )
    refine.prepare_tree(tree, URL)
    text = " ".join(tree.xpath("//p")[0].text_content().split())
    assert text == "A man threatened Rep. Jane Doe (D-Minn.), prosecutors said."


def test_two_inline_links_in_a_span_are_prose() -> None:
    tree = _tree(
        "<p>See <span><a href='/a.html'>the first report</a> and"
        " <a href='/b.html'>the second one</a></span> for details.</p>"
    )
    refine.prepare_tree(tree, URL)
    assert "the second one" in tree.xpath("//p")[0].text_content()


def test_text_outside_the_declared_article_body_is_dropped_when_most_is_inside() -> None:
    body = _paras(5)
    page = (
        "<div class='print-header'>Print this page and share it with colleagues today</div>"
        f"<div itemprop='articleBody'>{body}</div>"
        "<div class='widget'><p>Sign up for our morning newsletter, free every weekday</p></div>"
    )
    hints = refine.prepare_tree(_tree(page), URL)
    paragraphs = [("p", _para(i)) for i in range(5)]
    blocks = _blocks(
        ("p", "Print this page and share it with colleagues today"),
        *paragraphs,
        ("p", "Sign up for our morning newsletter, free every weekday"),
    )
    assert _texts(refine.filter_blocks(blocks, hints)) == [text for _, text in paragraphs]
    # A declaration that covers too little of the text (a teaser, a preview) is ignored.
    partial = f"<div itemprop='articleBody'><p>Paragraph 0 of the story.</p></div><div>{body}</div>"
    hints = refine.prepare_tree(_tree(partial), URL)
    assert len(refine.filter_blocks(_blocks(*paragraphs), hints)) == 5


def test_a_block_that_is_only_the_dateline_is_dropped() -> None:
    page = (
        "<article><p class='meta'><time datetime='2024-05-01'>May 1, 2024</time></p>"
        "<p>On <time datetime='2024-04-30'>April 30</time> the river rose by a metre.</p></article>"
    )
    hints = refine.prepare_tree(_tree(page), URL)
    blocks = _blocks(("p", "May 1, 2024"), ("p", "On April 30 the river rose by a metre."))
    assert _texts(refine.filter_blocks(blocks, hints)) == ["On April 30 the river rose by a metre."]


def test_a_run_of_lines_each_opening_with_a_headline_link_is_a_teaser_list() -> None:
    """ "Latest news" built of divs: each line a headline link, then a short excerpt."""
    run = "".join(
        f"<div class='item'><img src='/b.gif'><a href='/2024/04/2{i}/s{i}.html'>Headline of "
        f"story number {i} here</a> <img src='/s.gif'> What happened in story {i}, briefly.</div>"
        for i in range(3)
    )
    tree = _tree(f"<article>{PARAS}</article><div class='latest'>{run}</div>")
    hints = refine.prepare_tree(tree, URL)
    lines = [
        f"Headline of story number {i} here What happened in story {i}, briefly." for i in range(3)
    ]
    blocks = _blocks(("p", "Water rose overnight."), *(("p", line) for line in lines))
    assert _texts(refine.filter_blocks(blocks, hints)) == ["Water rose overnight."]


def test_paragraphs_that_open_with_a_link_among_others_are_not_a_teaser_run() -> None:
    """In a story, a few paragraphs may open with a link; the others of their kind do not."""
    linked = "".join(
        f"<p><a href='/2024/04/2{i}/s{i}.html'>The council report number {i}</a> said the "
        f"barrier would cost more.</p>"
        for i in range(3)
    )
    body = f"<div class='body'>{linked}<p>The mayor disagreed with every one of them.</p></div>"
    hints = refine.prepare_tree(_tree(body), URL)
    blocks = _blocks(
        *(
            ("p", f"The council report number {i} said the barrier would cost more.")
            for i in range(3)
        )
    )
    assert len(refine.filter_blocks(blocks, hints)) == 3


def test_empty_divs_between_runs_of_text_are_paragraph_breaks() -> None:
    from newscrawl.core.extract import extract_page

    first = "Another man was injured trying to stop the assailant, police said on Wednesday."
    second = "The stabbing occurred during a lecture at the clinic, where he was chief physician."
    body = f'<div class="body">{first}<div class="fake-br"></div>{second}</div>{_paras(6)}'
    breaks = f"<article>{body}</article>"
    text = extract_page(f"<html><body>{breaks}</body></html>", URL).text
    assert f"{first}\n\n{second}" in text
    # An empty div that is a spacer, with no text on one side, changes nothing.
    tree = _tree(f'<div class="spacer"></div><p>{first}</p>')
    refine.prepare_tree(tree, URL)
    assert tree.find(".//div") is not None and tree.find(".//br") is None
