"""The site-level cleaner: template removal, teasers, order independence, persistence."""

from __future__ import annotations

import json
import logging
import random
import re
from pathlib import Path

import pytest
from sitegen import Page, make_site

from newscrawl.core.cleaner import Cleaner, CleanResult
from newscrawl.core.extract import extract_page
from newscrawl.core.templates import MIN_PAGES, SiteModel, SiteModelStore

QUOTE = (
    "We will not accept a plan that leaves the poorest districts behind, the mayor told the "
    "packed hearing on Tuesday evening."
)


def clean_all(pages: list[Page], **kwargs: object) -> dict[str, CleanResult]:
    cleaner = Cleaner(**kwargs)  # type: ignore[arg-type]
    results: list[CleanResult] = []
    for page in pages:
        results += cleaner.add(extract_page(page.html, page.url), token=page.url)
    results += cleaner.flush()
    cleaner.close()
    return {r.token: r for r in results}


def text_of(result: CleanResult) -> str:
    return "\n\n".join(b.text for b in result.kept)


def test_promo_newsletter_and_teasers_removed_on_every_page_including_the_first() -> None:
    pages = make_site(pages=12)
    results = clean_all(pages)
    assert len(results) == 12
    for page in pages:
        text = text_of(results[page.url])
        assert "No time to read" not in text
        assert "newsletter" not in text
        assert "Previous Article" not in text and "Next Article" not in text
        others = [p.title for p in pages if p is not page]
        assert not any(title in text for title in others), page.url
        for para in page.paragraphs:
            assert para in text


def test_quote_shared_by_two_articles_survives() -> None:
    pages = make_site(pages=12, shared_quote=QUOTE)
    results = clean_all(pages)
    assert QUOTE in text_of(results[pages[0].url])
    assert QUOTE in text_of(results[pages[1].url])


def test_own_lead_survives_while_the_same_text_as_a_teaser_elsewhere_goes() -> None:
    pages = make_site(pages=12, excerpts=True)
    results = clean_all(pages)
    for page in pages:
        text = text_of(results[page.url])
        assert text.split("\n\n") == page.paragraphs, page.url
        others = [p.paragraphs[0] for p in pages if p is not page]
        assert not any(lead in text for lead in others)


def test_bio_box_of_a_one_story_author_goes_by_its_place_in_the_template() -> None:
    pages = make_site(pages=12, bios=True)
    results = clean_all(pages)
    last = results[pages[-1].url]
    assert "Dora Novak reports" not in text_of(last)
    assert any(r["rule"] == "template_slot" for r in last.removed)
    for page in pages:
        assert text_of(results[page.url]).split("\n\n") == page.paragraphs


def test_teasers_in_cyrillic_are_recognised_structurally() -> None:
    pages = make_site(base="https://novosti.example.ru", pages=12, script="cyrillic", seed=3)
    results = clean_all(pages)
    for page in pages:
        text = text_of(results[page.url])
        assert "Получите краткое содержание" not in text
        assert "Предыдущая статья" not in text
        assert not any(p.title in text for p in pages if p is not page)
        assert all(para in text for para in page.paragraphs)


def test_same_output_whatever_the_order() -> None:
    pages = make_site(pages=12, shared_quote=QUOTE)
    forward = clean_all(pages)
    shuffled = pages[:]
    random.Random(5).shuffle(shuffled)
    backward = clean_all(list(reversed(shuffled)))
    assert {u: text_of(r) for u, r in forward.items()} == {
        u: text_of(r) for u, r in backward.items()
    }


def test_each_page_waits_for_hold_pages_more_of_its_site() -> None:
    pages = make_site(pages=8)
    cleaner = Cleaner(hold_pages=5)
    released = [cleaner.add(extract_page(p.html, p.url), token=p.url) for p in pages[:5]]
    assert all(r == [] for r in released) and cleaner.held == 5
    out = cleaner.add(extract_page(pages[5].html, pages[5].url), token=pages[5].url)
    assert [r.token for r in out] == [pages[0].url]
    rest = cleaner.flush()
    assert [r.token for r in rest] == [p.url for p in pages[1:6]]


def test_a_site_known_from_an_earlier_run_is_decided_at_once(tmp_path: Path) -> None:
    clean_all(make_site(pages=12), state_dir=tmp_path)
    cleaner = Cleaner(state_dir=tmp_path)
    page = make_site(pages=14, seed=99)[13]
    assert len(cleaner.add(extract_page(page.html, page.url), token="x")) == 1


def test_max_held_releases_early_instead_of_growing() -> None:
    cleaner = Cleaner(hold_pages=100, max_held=3)
    pages = make_site(pages=5)
    outs = [cleaner.add(extract_page(p.html, p.url), token=p.url) for p in pages]
    assert cleaner.held <= 3
    assert sum(len(o) for o in outs) >= 1


def test_model_persists_and_next_run_starts_warm(tmp_path: Path) -> None:
    pages = make_site(pages=12)
    clean_all(pages, state_dir=tmp_path)
    files = list((tmp_path / "templates").glob("*.json"))
    assert len(files) == 1
    fresh = make_site(pages=14, seed=99)[13]
    cleaner = Cleaner(state_dir=tmp_path)
    out = cleaner.add(extract_page(fresh.html, fresh.url), token="new")
    assert len(out) == 1, "a warm model decides a known site's page at once"
    assert "No time to read" not in text_of(out[0])
    assert cleaner.models.loaded_from_disk == 1


def test_corrupt_model_file_is_logged_and_rebuilt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pages = make_site(pages=12)
    clean_all(pages, state_dir=tmp_path)
    path = next((tmp_path / "templates").glob("*.json"))
    path.write_text("{not json", "utf-8")
    with caplog.at_level(logging.WARNING):
        results = clean_all(pages, state_dir=tmp_path)
    assert "unreadable" in caplog.text
    assert all("No time to read" not in text_of(r) for r in results.values())
    assert json.loads(path.read_text("utf-8"))["pages"] == 12


def test_site_store_is_bounded_and_evicts_to_disk(tmp_path: Path) -> None:
    store = SiteModelStore(tmp_path, max_sites=2)
    for site in ("a.example", "b.example", "c.example"):
        store.get(site).pages = 5
        store.touch(site)
    assert len(store) == 2
    assert (tmp_path / "templates" / "a.example.json").exists()
    assert store.get("a.example").pages == 5


def test_segment_on_two_pages_is_not_template() -> None:
    model = SiteModel(site="x")
    assert MIN_PAGES >= 3
    pages = make_site(pages=10, shared_quote=QUOTE)
    for p in pages:
        model.observe(extract_page(p.html, p.url))
    extracted = extract_page(pages[0].html, pages[0].url)
    quote_block = next(b for b in extracted.blocks if b.text == QUOTE)
    assert model.verdict(quote_block, 0) is None


def test_one_article_at_several_addresses_is_no_template() -> None:
    """Copies of an article without a shared canonical URL (saved twice, an AMP or print
    version, a second section path) count once as evidence: counted three times, every paragraph
    would be "repeated on the site", and every copy would lose its text."""
    pages = make_site(pages=12)
    original = pages[0]
    html = re.sub(r'<link rel="canonical"[^>]*>', "", original.html)
    copies = [
        Page(original.url.replace(".com/", f".com/{n}/"), html, original.title, original.paragraphs)
        for n in ("amp", "print", "world")
    ]
    others = pages[1:4]  # few enough pages that three copies would be "half the site"
    results = clean_all([*copies, *others])
    for copy in copies:
        assert text_of(results[copy.url]).split("\n\n") == original.paragraphs, copy.url
    assert all(r["rule"] != "teaser_reference" for c in copies for r in results[c.url].removed)
    for page in others:  # the site's template is still learned, from all its articles
        text = text_of(results[page.url])
        assert "No time to read" not in text and "city desk series" not in text


def test_audit_trail_lists_removed_blocks_with_rules() -> None:
    pages = make_site(pages=12)
    result = clean_all(pages)[pages[3].url]
    rules = {r["rule"] for r in result.removed}
    assert "site_template" in rules
    assert all({"index", "text", "rule"} <= set(r) for r in result.removed)
    assert result.chars_removed == sum(len(r["text"]) for r in result.removed)


def test_a_brief_declared_an_article_is_one_and_a_caption_page_is_too_short() -> None:
    def declared(text: str, path: str) -> Page:
        html = (
            '<html><head><meta property="og:type" content="article"><title>t</title>'
            '<script type="application/ld+json">{"@type": "NewsArticle"}</script></head>'
            f"<body><article><h1>Storm warning</h1><p>{text}</p></article></body></html>"
        )
        return Page(f"https://briefs.example/news/{path}", html, "Storm warning", [text])

    brief = (
        "The national weather service issued a storm warning for the northern coast on "
        "Tuesday, with gusts of up to 120 km/h expected overnight and ferries suspended "
        "until Wednesday morning at the earliest."
    )
    results = clean_all([declared(brief, "brief"), declared("Watch the video.", "video")])
    assert results["https://briefs.example/news/brief"].ok
    assert "ferries suspended" in text_of(results["https://briefs.example/news/brief"])
    video = results["https://briefs.example/news/video"]
    assert not video.ok and video.drop_reason == "too_short"


def test_the_audit_trail_has_page_local_and_template_removals_in_page_order() -> None:
    """The page's headline block (a page-local rule) and the site's promo (the template) both
    appear, indexed in one sequence: the extraction is the kept text with the removed blocks
    put back at their places."""
    from newscrawl.cli.inspect import audit_diff

    pages = make_site(pages=12)
    page = pages[4]
    result = clean_all(pages)[page.url]
    rules = [r["rule"] for r in result.removed]
    assert "site_template" in rules and "headline" in rules, rules
    raw = extract_page(page.html, page.url)
    everything = [t for _, t, _ in raw.local_removed] + [b.text for b in raw.blocks]
    assert len(everything) == len(result.removed) + len(result.kept)
    rebuilt = [line[2:].split("] ", 1)[-1] for line in audit_diff(text_of(result), result.removed)]
    assert rebuilt[0] == page.title  # the headline came first on the page
    assert sorted(rebuilt) == sorted(everything)
    indexes = [r["index"] for r in result.removed]
    assert indexes == sorted(indexes) and len(set(indexes)) == len(indexes)
    assert result.chars_removed == sum(len(r["text"]) for r in result.removed)


def test_a_description_every_page_shares_is_the_sites_tagline_not_the_pages() -> None:
    tagline = '<meta name="description" content="Example News brings you the latest news.">'
    own = '<meta name="description" content="How the city council voted on the budget.">'
    pages = make_site(pages=12)
    for i, page in enumerate(pages):
        page.html = page.html.replace("</head>", (own if i == 5 else tagline) + "</head>", 1)
    results = clean_all(pages)
    descriptions = [results[p.url].record_page.description for p in pages]  # type: ignore[union-attr]
    assert descriptions[5] == "How the city council voted on the budget."
    assert descriptions[:5] + descriptions[6:] == [None] * 11


@pytest.mark.parametrize(("persist", "spool"), [(True, False), (False, False), (True, True)])
def test_sites_evicted_between_their_pages_still_learn_their_template(
    tmp_path: Path, persist: bool, spool: bool
) -> None:
    # A crawl of more sites than the store keeps in memory, pages interleaved: each site's
    # model goes to disk and comes back between two of its pages (to a temporary directory
    # when nothing persists), and must add up there.
    sites = [make_site(base=f"https://www.news{n}.example", pages=8, seed=n) for n in range(3)]
    pages = [page for trio in zip(*sites, strict=True) for page in trio]
    state_dir = tmp_path if persist else None
    results = clean_all(pages, state_dir=state_dir, max_sites=1, hold_pages=8, spool=spool)
    assert len(results) == len(pages)
    for page in pages:
        text = text_of(results[page.url])
        assert "From the city desk series" not in text, page.url
        assert "No time to read" not in text, page.url
        assert all(para in text for para in page.paragraphs)


def test_a_store_without_state_dir_leaves_nothing_behind() -> None:
    store = SiteModelStore(None, max_sites=1)
    for site in ("a.example", "b.example"):
        store.get(site).pages += 1
        store.touch(site)
    spill = store.dir
    assert [p.name for p in spill.iterdir()] == ["a.example.json"]  # evicted, kept aside
    assert store.get("a.example").pages == 1
    store.close()
    assert not spill.exists()
