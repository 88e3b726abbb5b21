"""A page's own promotions, recognised on the page alone: each rule, and what it must leave."""

from __future__ import annotations

import pytest

from newscrawl.core.extract import extract_page
from newscrawl.core.promo import promo_blocks
from newscrawl.core.types import Block

STORY = [
    "The council approved the new budget on Tuesday after a debate that lasted most of the day "
    "and ended with a narrow vote of seven to five.",
    "Spending on roads rises by a tenth, while the library service keeps its funding flat for "
    "the third year running, officials said.",
    "The mayor said the plan was the best the city could afford, and promised a review of the "
    "bus network before the end of the year.",
]


def _blocks(*items: str | tuple[str, str]) -> list[Block]:
    pairs = [item if isinstance(item, tuple) else ("p", item) for item in items]
    return [Block(text=text, key=i, kind=kind) for i, (kind, text) in enumerate(pairs)]


def _removed(*items: str | tuple[str, str]) -> dict[str, str]:
    blocks = _blocks(*items)
    return {blocks[i].text: rule for i, rule in promo_blocks(blocks).items()}


@pytest.mark.parametrize(
    "line",
    [
        "Follow us on Twitter and Facebook for the latest news.",
        "Follow The Daily Example's opinion section on Facebook, Twitter (@ExOpinion) and "
        "Instagram.",
        "Have a tip? Jane Roe may be reached at jroe@example.com. Follow her on Twitter @jroe.",
        "Get the latest updates right in your inbox. Subscribe to our newsletters.",
        "Sign up for The Morning Brief today to get the free daily newsletter.",
        "Write to Al Smith at al.smith@example.com",
        "If you enjoyed this article, we have a proposition for you: join our members.",
        "Like this story? Share it with a friend!",
        "► Subscribe to our YouTube channel for more videos.",
        "Folgen Sie uns auf Twitter und Facebook.",
        "Abonnez-vous à notre newsletter pour ne rien manquer.",
        "Síguenos en Instagram y Facebook.",
        "Receba em seu e-mail as principais notícias do dia.",
        "Iscriviti alla nostra newsletter.",
        "Volg ons op Facebook en Instagram.",
        "Schrijf je in voor onze dagelijkse nieuwsbrief.",
        "Obserwuj nas na Facebooku i Twitterze.",
        "Zapisz się do naszego newslettera.",
        "Подписывайтесь на наш канал в Telegram.",
        "Читайте нас в Дзене и ВКонтакте.",
    ],
)
def test_call_to_action_at_the_end_is_removed(line: str) -> None:
    assert _removed(*STORY, line) == {line: "call_to_action"}


@pytest.mark.parametrize(
    "line",
    [
        "The company launched a newsletter for its subscribers last year, the report said.",
        "Like it or not, Facebook is here to stay, analysts said on Monday.",
        "Share prices of Facebook fell 3% on Monday after the announcement.",
        "Subscribers can read the full report here.",
        "Join the queue early: the doors open at nine.",
        "Get ready for a long winter, forecasters warn.",
        "Follow the money, the senator said, and you will find the answer.",
        "Readers who follow him on Twitter know his views on the matter well.",
        "Abbonati e ricavi crescono per il terzo trimestre consecutivo.",
        "Volg het geld, zei de senator, en je vindt het antwoord.",
        "Subskrybuje ją już ponad dwa miliony osób, podała firma.",
        "Подписчики канала за год выросли вдвое, сообщила компания.",
    ],
)
def test_prose_that_mentions_a_channel_is_kept(line: str) -> None:
    assert _removed(*STORY, line) == {}


def test_quoted_call_to_action_is_kept() -> None:
    quote = "“Follow us on Instagram,” the minister told reporters."
    assert _removed(STORY[0], quote, *STORY[1:]) == {}
    assert _removed(*STORY, quote) == {}


def test_intro_paragraph_ending_with_an_invitation_to_comment_is_kept() -> None:
    intro = (
        "Choosing the best gadgets of the year is hard. Really hard. Surely we left some of "
        "your favourites off this list. Leave a comment and let us know yours."
    )
    assert _removed(intro, *STORY) == {}


def test_comment_section_heading_and_label_at_the_end_are_removed() -> None:
    removed = _removed(*STORY, ("h", "Tell us what you think..."), "comments")
    assert removed == {"Tell us what you think...": "comment_prompt", "comments": "orphan_label"}


def test_orphan_heading_and_its_links_are_removed() -> None:
    removed = _removed(
        *STORY,
        ("h", "How to listen to the podcast"),
        "Listen: https://example.com/p/615",
        "iTunes: https://example.com/p/615/apple",
    )
    assert removed == {
        "How to listen to the podcast": "orphan_heading",
        "Listen: https://example.com/p/615": "link_line",
        "iTunes: https://example.com/p/615/apple": "link_line",
    }


def test_heading_followed_by_article_text_is_kept() -> None:
    assert _removed(STORY[0], ("h", "What happens next"), *STORY[1:]) == {}


def test_tags_label_list_and_comment_policy_are_removed() -> None:
    tags = "city budget, council vote, roads, library service, bus network review"
    policy = "Comments that are abusive or off topic will not be approved by the moderators."
    removed = _removed(*STORY, "Tags", tags, policy)
    assert removed == {"Tags": "orphan_label", tags: "tag_line", policy: "comment_notice"}


def test_copyright_and_filed_under_lines_are_removed() -> None:
    filed, notice = "Filed under: Politics |", "Copyright © 2024 Example Media"
    assert _removed(*STORY, filed, notice) == {filed: "tag_line", notice: "copyright"}


def test_verse_ending_in_short_lines_is_kept() -> None:
    verse = ["Under the moon", "I walked alone", "and the sea", "said nothing"]
    assert _removed(*STORY, *verse) == {}
    # A copyright line after the verse still goes; the verse stays.
    assert _removed(*STORY, *verse, "© 2024 Example Media") == {"© 2024 Example Media": "copyright"}


def test_list_at_the_end_is_kept() -> None:
    items = [("li", "Two eggs"), ("li", "A cup of flour"), ("li", "Butter")]
    assert _removed(*STORY, *items) == {}


def test_reading_time_and_opening_promo_are_removed() -> None:
    opener = "Start your day with the Brief. Sign up for the free daily newsletter."
    removed = _removed("5 min read", opener, *STORY)
    assert removed == {"5 min read": "reading_time", opener: "call_to_action"}
    assert _removed("Tempo de leitura: 2 minutos", *STORY) == {
        "Tempo de leitura: 2 minutos": "reading_time"
    }


def test_short_call_to_action_between_paragraphs_is_removed_long_paragraph_kept() -> None:
    promo = "CLICK HERE TO GET THE EXAMPLE NEWS APP"
    assert _removed(STORY[0], promo, *STORY[1:]) == {promo: "call_to_action"}
    paragraph = (
        "The full budget runs to 400 pages and lists every line of spending for the next two "
        "years. Click here to read it."
    )
    assert _removed(STORY[0], paragraph, *STORY[1:]) == {}


def test_page_that_is_mostly_promotion_is_left_whole() -> None:
    promos = [
        "Subscribe to our newsletter for the best stories of the week, every week, free.",
        "Follow us on Facebook, Twitter and Instagram for breaking news and more.",
    ]
    assert _removed("Short note.", *promos) == {}


def test_extract_page_removes_a_one_off_pages_promos_and_lists_them() -> None:
    paragraphs = "".join(f"<p>{text}</p>" for text in STORY)
    html = f"""<html lang="en"><head><title>Council passes budget</title></head><body>
    <article><h1>Council passes budget</h1>{paragraphs}
    <p><em>Get the day's top headlines delivered to your inbox every morning by subscribing to
    our newsletter.</em></p>
    <p>Follow Example News on Facebook, Twitter and Instagram.</p>
    <h3>Comments</h3></article></body></html>"""
    page = extract_page(html, "https://news.example.com/2024/05/01/budget.html")
    texts = [block.text for block in page.blocks]
    assert texts == STORY
    rules = {text[:30]: rule for _, text, rule in page.local_removed}
    assert rules["Get the day's top headlines de"] == "call_to_action"
    assert rules["Follow Example News on Faceboo"] == "call_to_action"


@pytest.mark.parametrize(
    "notice",
    [
        "Subscribe to continue reading.",
        "To continue reading this article, please log in or create an account.",
        "This article is only available to subscribers. Already a subscriber? Sign in.",
        "You have reached your limit of free articles this month.",
        "Dieser Artikel ist exklusiv für Abonnenten.",
        "Il vous reste 80 % de cet article à lire. La suite est réservée aux abonnés.",
        "Este contenido es exclusivo para suscriptores.",
        "Para continuar lendo, assine o jornal.",
        "Contenuto riservato agli abbonati.",
        "Dit artikel is alleen beschikbaar voor abonnees.",
        "Ten artykuł jest dostępny tylko dla subskrybentów.",
        "Этот материал доступен только подписчикам.",
    ],
)
def test_paywall_notice_is_removed_wherever_it_stands(notice: str) -> None:
    assert _removed(STORY[0], notice, *STORY[1:]) == {notice: "paywall_notice"}


@pytest.mark.parametrize(
    "line",
    [
        "He urged parents to continue reading to their children over the summer holidays.",
        "Il vous reste 5 % de batterie, prévient le téléphone, et la journée commence à peine.",
        "Para continuar leyendo el informe, los diputados pidieron una sesión extraordinaria.",
        "De club heeft nu ruim tienduizend leden en wil verder groeien, zei de voorzitter.",
        "Подписчики получили доступ к архиву ещё в прошлом году, сообщила редакция.",
    ],
)
def test_prose_about_reading_on_is_no_paywall(line: str) -> None:
    assert _removed(STORY[0], line, *STORY[1:]) == {}


def test_last_paragraph_without_spaces_or_full_stop_is_no_label() -> None:
    # Japanese prose ending in a quotation, no spaces to count words by.
    last = "市の担当者は「来年度も同じ規模で実施したいと考えている」と話している」"
    assert _removed(*STORY, last) == {}
    assert _removed(*STORY, "関連記事") == {"関連記事": "orphan_label"}


def test_affiliate_disclosures_at_the_edges_are_removed() -> None:
    tail = "If you buy something through this post, Example News may get a share of the sale."
    assert _removed(*STORY, tail) == {tail: "disclosure"}
    head = "Dieser Artikel enthält Affiliate-Links: Wir erhalten eine Provision für Käufe."
    assert _removed(head, *STORY) == {head: "disclosure"}


def test_prose_about_affiliate_commissions_is_kept() -> None:
    middle = "Retailers may earn a commission of up to 8%, the regulator said on Monday."
    assert _removed(STORY[0], middle, *STORY[1:]) == {}
    long_end = (
        "Critics say affiliate links blur the line between journalism and advertising, and the "
        "regulator wants sites to say clearly when they may earn a commission, though it has not "
        "yet said how it would enforce the rule or which sites would be covered by it first."
    )
    assert _removed(*STORY, long_end) == {}


def test_short_line_above_and_below_the_article_is_removed_both_times() -> None:
    removed = _removed("No time to read?", *STORY, "No time to read?")
    assert removed == {"No time to read?": "repeated_promo"}
    blocks = _blocks("No time to read?", *STORY, "No time to read?")
    assert sorted(promo_blocks(blocks)) == [0, 4]


def test_lines_repeated_elsewhere_or_long_are_kept() -> None:
    # Once at the top and once in the middle: a refrain, not a frame.
    story = [*STORY, *STORY]
    assert _removed("Listen.", *story[:3], "Listen.", *story[3:]) == {}
    long_line = "This sentence opens the article and closes it again, as the writer intended it to."
    assert _removed(long_line, *STORY, long_line) == {}


def test_a_saved_page_framed_by_a_promo_and_prev_next_teasers_comes_out_clean() -> None:
    promo = '<div class="ai-summary"><p>No time to read?</p><button>Get a summary</button></div>'
    paragraphs = "".join(f"<p>{text}</p>" for text in STORY)
    html = f"""<html lang="en"><head><title>Council passes budget - Daily Brief</title></head>
    <body><header><a href="/">Daily Brief</a></header><main><article>
    <h1>Council passes budget</h1>{promo}{paragraphs}{promo}
    <div class="post-nav"><span>Previous Article</span>
    <a href="/food/first-spanish-plant-for-cultured-meat">First Spanish Plant for Cultured Meat
    Signals Growing Industry</a><span>Next Article</span>
    <a href="/style/alpine-glamour">Alessandra Ambrosio Demonstrates Alpine Glamour and Enduring
    Style</a></div></article></main></body></html>"""
    page = extract_page(html, "https://dailybrief.example/world/council-passes-budget")
    assert [block.text for block in page.blocks] == STORY


def test_previous_and_next_teasers_at_the_end_are_removed() -> None:
    teasers = [
        "Previous Article",
        "First Spanish plant for cultured meat signals a growing industry",
        "Next Article",
        "Alpine glamour and enduring style on the slopes this winter",
    ]
    removed = _removed(*STORY, *teasers)
    assert removed == {
        "Previous Article": "nav_label",
        "Next Article": "nav_label",
        teasers[1]: "teaser_headline",
        teasers[3]: "teaser_headline",
    }
    # In other languages, and a related list under one label.
    related = ["Lesen Sie auch:", "Stadtrat beschließt neuen Haushalt", "Brücke wird saniert"]
    assert set(_removed(*STORY, *related)) == set(related)


def test_a_promo_above_the_story_and_above_its_teasers_is_removed() -> None:
    tail = ["No time to read?", "Next Article", "Alpine glamour and enduring style"]
    removed = _removed("No time to read?", *STORY, *tail)
    assert removed["No time to read?"] == "repeated_promo"
    assert blocks_left("No time to read?", *STORY, *tail) == STORY


def test_lines_after_a_label_that_are_the_articles_own_stay() -> None:
    # A list the story ends with, under a label that leads nowhere else.
    assert _removed(*STORY, "Ingredients", "Two eggs", "Flour") == {}
    # A navigation word in a heading of the story's own, with text after it.
    steps = [("h", "Next steps"), "The council meets again in June"]
    assert _removed(STORY[0], *steps, *STORY[1:]) == {}
    # Sentences after the label are the article's: a full stop ends them.
    assert _removed(*STORY, "Related", "The council will vote again next week.") == {}
    # More headlines under one label than a teaser box holds: a list of the article's.
    listing = [f"Chapter {n} of the council's long budget saga" for n in range(6)]
    assert _removed(*STORY, "Popular", *listing) == {}


def blocks_left(*items: str) -> list[str]:
    blocks = _blocks(*items)
    found = promo_blocks(blocks)
    return [b.text for i, b in enumerate(blocks) if i not in found]
