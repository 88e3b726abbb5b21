"""`newscrawl clean` reads text a naive scraper saved: the article with the site's furniture
in it (a promo above and below, "Previous Article" teasers at the end), as `.txt` files and as
JSONL lines with `text`, and cleans it with the same extraction and template model as pages."""

from __future__ import annotations

import csv
import json
import random
import textwrap
from pathlib import Path

import pytest

from newscrawl.cli import main
from newscrawl.core.extract import extract_page
from newscrawl.core.plaintext import decode_text, markdown_page, reader_header, text_page

WORDS = (
    "council residents officials proposal river district budget school market harbour "
    "engineers transport weighed costs benefits changes months several neighbourhoods "
    "housing funding report committee plan vote public hearing mayor agency review"
).split()
PROMO = "No time to read?\nGet a summary"
SERIES = "From the city desk series of Example News"  # under every story, never above it
QUOTE = "We will not let the river decide for us, the mayor told a packed public hearing."


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _site(pages: int = 6, seed: int = 3) -> list[tuple[str, list[str]]]:
    """(headline, paragraphs) of a site's stories; stories 0 and 1 share a quote."""
    rng = random.Random(seed)
    stories = []
    for i in range(pages):
        title = _sentence(rng, 7).rstrip(".")
        paragraphs = [_sentence(rng, rng.randint(25, 40)) for _ in range(rng.randint(4, 6))]
        if i < 2:
            paragraphs.insert(2, QUOTE)
        stories.append((title, paragraphs))
    return stories


def _scraped(stories: list[tuple[str, list[str]]], i: int, *, wrap: bool = False) -> str:
    """Story `i` as a naive scraper saves it: headline, promo, text, the series line, the
    promo again and the neighbours' headlines as teasers."""
    title, paragraphs = stories[i]
    body = [textwrap.fill(p, 72) if wrap else p for p in paragraphs]
    previous, following = stories[i - 1][0], stories[(i + 1) % len(stories)][0]
    tail = f"Previous Article\n\n{previous}\n\nNext Article\n\n{following}"
    return "\n\n".join([title, PROMO, *body, SERIES, PROMO, tail]) + "\n"


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_scraped_text_file_alone_gives_the_article_alone(tmp_path: Path) -> None:
    stories = _site()
    source = tmp_path / "story.txt"
    source.write_text(_scraped(stories, 2), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "-o", str(out), "--audit"]) == 0
    (record,) = _records(out)
    title, paragraphs = stories[2]
    assert record["title"] == title
    assert record["language"] == "en"
    # The series line is only one page's furniture here: alone, it cannot be told from text.
    assert record["text"] == "\n\n".join([*paragraphs, SERIES])
    rules = {r["text"]: r["rule"] for r in record["removed"]}
    assert rules["No time to read?"] == rules["Get a summary"] == "repeated_promo"
    assert rules["Previous Article"] == rules["Next Article"] == "nav_label"
    assert rules[stories[1][0]] == rules[stories[3][0]] == "teaser_headline"


def test_a_directory_of_one_sites_text_files_teaches_the_template_model(tmp_path: Path) -> None:
    stories = _site(pages=6)
    folder = tmp_path / "scraped"
    folder.mkdir()
    for i in range(len(stories)):
        text = _scraped(stories, i, wrap=i % 2 == 1)  # hard-wrapped as lynx -dump writes
        if i == 4:  # saved on Windows: windows-1252, no declaration anywhere
            text = text.replace(stories[i][1][0], "Caf\u00e9 cr\u00e8me. " + stories[i][1][0])
            stories[i][1][0] = "Caf\u00e9 cr\u00e8me. " + stories[i][1][0]
            (folder / f"story-{i}.txt").write_bytes(text.encode("cp1252"))
        else:
            (folder / f"story-{i}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(folder), "-o", str(out), "--audit"]) == 0
    records = _records(out)
    assert [r["title"] for r in records] == [title for title, _ in stories]
    for record, (_, paragraphs) in zip(records, stories, strict=True):
        # The series line below every story is the site's: gone once its pages are compared.
        assert record["text"] == "\n\n".join(paragraphs)
    assert {r["rule"] for r in records[0]["removed"] if r["text"] == SERIES} == {"site_template"}
    assert sum(QUOTE in r["text"] for r in records) == 2  # shared by two stories: kept


def test_text_files_beside_pages_are_the_sites_files_not_pages(tmp_path: Path) -> None:
    stories = _site(pages=2)
    html = text_page("\n\n".join(stories[0][1]), title=stories[0][0])
    (tmp_path / "story.html").write_text(html, encoding="utf-8")
    (tmp_path / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n", encoding="utf-8")
    (tmp_path / "license.txt").write_text(_scraped(stories, 1), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(tmp_path), "-o", str(out)]) == 0
    assert [r["title"] for r in _records(out)] == [stories[0][0]]


def test_jsonl_lines_with_scraped_text_and_fields(tmp_path: Path, capsys) -> None:
    stories = _site(pages=5)
    lines = []
    for i, (title, _) in enumerate(stories):
        text = _scraped(stories, i).split("\n\n", 1)[1]  # the scraper kept the title apart
        lines.append(
            {
                "url": f"https://news.example.com/2026/05/story-{i}.html",
                "title": title,
                "maintext": text,  # news-please's name for it
                "date_publish": f"2026-05-0{i + 1} 08:00:00",
                "authors": ["Jane Roe", "John Doe"],
            }
        )
    lines.append({"text": _scraped(stories, 0)})  # no url: at the file's address
    lines.append({"url": "https://news.example.com/x", "summary": "neither html nor text"})
    source = tmp_path / "scraped.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "-o", str(out)]) == 0
    assert "scraped.jsonl:7: needs string fields url and html, or text" in capsys.readouterr().err
    *records, unaddressed = _records(out)
    assert unaddressed["url"] == f"{source.resolve().as_uri()}#line-6"
    assert unaddressed["title"] == stories[0][0]  # its first line
    assert len(records) == 5
    for i, record in enumerate(records):
        assert record["url"] == f"https://news.example.com/2026/05/story-{i}.html"
        assert record["title"] == stories[i][0]
        assert record["published"] == f"2026-05-0{i + 1}"  # a time without a zone: its date
        assert record["authors"] == ["Jane Roe", "John Doe"]
        assert record["text"] == "\n\n".join([*stories[i][1]])


def test_text_page_keeps_markup_in_the_text_as_text() -> None:
    text = "A headline\n\n<script>alert(1)</script> is what the attacker typed, & it stays.\n"
    page = extract_page(text_page(text * 1), "https://news.example.com/a")
    assert page.title == "A headline"
    assert "<script>alert(1)</script> is what the attacker typed, & it stays." in [
        b.text for b in page.blocks
    ]


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        # Hard-wrapped prose is one paragraph again.
        (textwrap.fill("word " * 60, 72), 1),
        # Short lines are lines: a promo's two, a list.
        ("No time to read?\nGet a summary", 2),
        ("Eggs\nFlour\nMilk", 3),
        # Two long sentences, one a line: paragraphs of their own.
        ("A whole sentence that ends here on this line of the file.\n" * 2, 2),
    ],
)
def test_lines_and_wrapped_paragraphs(text: str, paragraphs: int) -> None:
    page = text_page(text)
    assert page.count("<p>") == paragraphs


def test_first_line_is_the_headline_only_when_it_reads_as_one() -> None:
    assert "<h1>Council backs the river plan</h1>" in text_page(
        "Council backs the river plan\n\nThe council voted on Tuesday."
    )
    # A sentence first is the article's first paragraph, not a headline.
    assert "<h1>" not in text_page("The council voted on Tuesday.\n\nIt was close.")
    # A breadcrumb or menu above it is not the headline either.
    page = text_page("Home > World > Europe\n\nCouncil backs the plan\n\nThe council voted.")
    assert "<title>Council backs the plan</title>" in page
    assert "<p>Home &gt; World &gt; Europe</p>\n<h1>Council backs the plan</h1>" in page


def test_decode_text_reads_boms_and_legacy_bytes() -> None:
    assert decode_text("\ufeffCaf\u00e9".encode()) == "Caf\u00e9"
    assert decode_text("Caf\u00e9".encode("utf-16")) == "Caf\u00e9"
    assert decode_text("Caf\u00e9 cr\u00e8me au lait".encode("cp1252")) == (
        "Caf\u00e9 cr\u00e8me au lait"
    )


def test_a_csv_of_scraped_articles_as_pandas_and_spreadsheets_write_it(tmp_path: Path) -> None:
    stories = _site(pages=5)
    rows = [
        {
            "Unnamed: 0": str(i),  # pandas' index column
            "URL": f"https://news.example.com/2026/05/story-{i}.html",
            "title": title,
            "text": _scraped(stories, i).split("\n\n", 1)[1],  # spans lines: quoted fields
            "authors": "['Jane Roe', 'John Doe']",  # a list, as pandas writes one into a cell
            "published": f"2026-05-0{i + 1}",
        }
        for i, (title, _) in enumerate(stories)
    ]
    # Written by pandas' to_csv (UTF-8, commas), and by a spreadsheet on Windows (windows-1252,
    # semicolons); the same as tab-separated values.
    for name, encoding, delimiter in [
        ("pandas.csv", "utf-8", ","),
        ("excel.csv", "cp1252", ";"),
        ("tabs.tsv", "utf-8", "\t"),
    ]:
        source = tmp_path / name
        with source.open("w", encoding=encoding, newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=delimiter)
            writer.writeheader()
            for row in rows:
                writer.writerow({**row, "title": row["title"] + " \u00e0 la carte"})
        out = tmp_path / f"{name}.jsonl"
        assert main(["clean", str(source), "-o", str(out)]) == 0, name
        records = _records(out)
        assert len(records) == 5, name
        for i, record in enumerate(records):
            assert record["url"] == rows[i]["URL"]
            assert record["title"] == stories[i][0] + " \u00e0 la carte"
            assert record["authors"] == ["Jane Roe", "John Doe"]
            assert record["published"] == f"2026-05-0{i + 1}"
            assert record["text"] == "\n\n".join(stories[i][1])


def test_a_csv_row_without_html_or_text_is_named(tmp_path: Path, capsys) -> None:
    source = tmp_path / "links.csv"
    source.write_text("url,summary\nhttps://news.example.com/a,no text here\n", "utf-8")
    assert main(["clean", str(source), "-o", str(tmp_path / "o.jsonl")]) == 1
    assert "links.csv:2: needs string fields url and html, or text" in capsys.readouterr().err


BASE = "https://news.example.com"


def _markdown(stories: list[tuple[str, list[str]]], i: int) -> str:
    """Story `i` as a reader service saves it in Markdown: the site's menu and promo, the
    text, related stories as links, the footer."""
    title, paragraphs = stories[i]
    menu = " ".join(f"[{name}]({BASE}/{name.lower()}/)" for name in ("World", "City", "Sport"))
    related = "\n".join(
        f"- [{stories[j][0]}]({BASE}/2026/05/story-{j}.html)" for j in range(len(stories)) if j != i
    )
    return "\n\n".join(
        [
            f"[Example News]({BASE}/)",
            menu,
            f"# {title}",
            "No time to read? Get a summary",
            *(textwrap.fill(p, 80) for p in paragraphs),  # soft-wrapped, as Markdown may be
            "## Read next",
            related,
            "\u00a9 2026 Example News. All rights reserved.",
        ]
    )


def test_a_directory_of_reader_markdown_gives_the_articles(tmp_path: Path) -> None:
    stories = _site(pages=5)
    folder = tmp_path / "reader"
    folder.mkdir()
    for i in range(len(stories)):
        header = (
            f"Title: {stories[i][0]} | Example News\n\n"
            f"URL Source: {BASE}/2026/05/story-{i}.html\n\n"
            f"Published Time: 2026-05-0{i + 1}T08:00:00+00:00\n\nMarkdown Content:\n"
        )
        (folder / f"story-{i}.md").write_text(header + _markdown(stories, i), "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(folder), "-o", str(out)]) == 0
    records = _records(out)
    assert [r["url"] for r in records] == [f"{BASE}/2026/05/story-{i}.html" for i in range(5)]
    for i, record in enumerate(records):
        assert record["title"] == stories[i][0]  # the site's name is no part of it
        assert record["published"] == f"2026-05-0{i + 1}T08:00:00+00:00"
        assert record["text"] == "\n\n".join(stories[i][1])


def test_firecrawl_jsonl_with_markdown_and_its_metadata(tmp_path: Path) -> None:
    stories = _site(pages=4)
    source = tmp_path / "firecrawl.jsonl"
    lines = [
        {
            "markdown": _markdown(stories, i),
            "metadata": {"title": stories[i][0], "sourceURL": f"{BASE}/2026/05/story-{i}.html"},
        }
        for i in range(len(stories))
    ]
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "-o", str(out)]) == 0
    records = _records(out)
    assert [r["url"] for r in records] == [f"{BASE}/2026/05/story-{i}.html" for i in range(4)]
    assert [r["text"] for r in records] == ["\n\n".join(p) for _, p in stories]


def test_reader_header_and_markdown_without_one() -> None:
    fields, body = reader_header(
        "Title: A\n\nURL Source: https://a.example/x\n\nMarkdown Content:\nB"
    )
    assert fields == {"title": "A", "url source": "https://a.example/x"}
    assert body == "B"
    text = "Title: the word opens this story's first line.\n\nMore text."
    assert reader_header(text) == ({}, text)
    page = markdown_page("# Head\n\nA <script>x()</script> [link](/a).")
    assert "&lt;script&gt;" in page and '<a href="/a">link</a>' in page


MENU = ["Example News", "Home", "World", "City", "Sport", "City"]
FOOTER = ["About us", "Contact", "Privacy policy", "\u00a9 2026 Example News"]


def _dump(stories: list[tuple[str, list[str]]], i: int) -> str:
    """Story `i` as a scraper that keeps a whole page's text saves it: a line per element,
    no blank lines, the site's menu above the headline and its footer below."""
    title, paragraphs = stories[i]
    dateline = f"May {i + 1}, 2026, 9:30 AM EDT"
    return "\n".join([*MENU, title, dateline, PROMO, *paragraphs, *FOOTER]) + "\n"


def test_a_whole_pages_text_alone_loses_its_menu_and_dateline() -> None:
    stories = _site(pages=1)
    page = extract_page(text_page(_dump(stories, 0)), "https://news.example.com/a")
    assert page.title == stories[0][0]
    assert page.published == "2026-05-01"
    texts = [block.text for block in page.blocks]
    assert texts[0] == "No time to read?"  # alone, the promo cannot be told from the story
    assert not set(MENU) & set(texts)
    assert "May 1, 2026, 9:30 AM EDT" not in texts


def test_a_directory_of_whole_page_texts_gives_the_stories(tmp_path: Path) -> None:
    stories = _site(pages=6)
    folder = tmp_path / "dumps"
    folder.mkdir()
    for i in range(len(stories)):
        (folder / f"page-{i}.txt").write_text(_dump(stories, i), "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(folder), "-o", str(out)]) == 0
    records = _records(out)
    # Every paragraph shares one place on a page made from text: none is taken for template
    # because the first lines seen there were a menu.
    assert [r["text"] for r in records] == ["\n\n".join(p) for _, p in stories]
    assert [r["title"] for r in records] == [t for t, _ in stories]
    assert [r["published"] for r in records] == [f"2026-05-0{i + 1}" for i in range(6)]


def test_a_byline_under_the_headline_gives_the_authors_and_a_sentence_stays() -> None:
    story = "The council voted on Tuesday to back the plan after a long debate. " * 4
    text = (
        "Council backs the river plan\n\nBy Jane Roe and John Doe\n\nMay 2, 2026\n\n"
        f"{story}\n\nBy the end of the night, the vote was clear and the council went home."
    )
    page = extract_page(text_page(text), "https://news.example.com/a")
    assert page.authors == ["Jane Roe", "John Doe"]
    assert page.published == "2026-05-02"
    assert [b.text for b in page.blocks] == [
        story.strip(),
        "By the end of the night, the vote was clear and the council went home.",
    ]


def test_binary_data_saved_as_text_is_named_and_skipped(tmp_path: Path, capsys) -> None:
    stories = _site(pages=1)
    (tmp_path / "photo.txt").write_bytes(random.Random(1).randbytes(50_000))
    (tmp_path / "story.txt").write_text(_scraped(stories, 0), "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(tmp_path), "-o", str(out)]) == 0
    assert "photo.txt: not text: binary data" in capsys.readouterr().err
    assert [r["title"] for r in _records(out)] == [stories[0][0]]
    with pytest.raises(ValueError, match="binary"):
        decode_text(bytes(range(256)) * 100)
