"""A tiny generator of multi-page news sites for cleaner tests (kept apart from fixtures).

Each page has a different body, the same promo/label template, a shared quote on two pages,
and prev/next teasers carrying other pages' headlines, so tests can assert on exactly what
survives. Text comes from word lists, which is all the template model needs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

LATIN = (
    "council residents officials proposal river district budget school market harbour "
    "engineers transport weighed costs benefits changes months several neighbourhoods "
    "housing funding report committee plan vote public hearing mayor agency review"
).split()
CYRILLIC = (
    "совет жители чиновники проект река район бюджет школа рынок гавань инженеры транспорт "
    "расходы выгоды изменения месяцы несколько кварталы жильё финансирование доклад комитет "
    "план голосование слушания мэр агентство обзор"
).split()


@dataclass
class Page:
    url: str
    html: str
    title: str
    paragraphs: list[str]


def _sentence(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."


def make_site(
    base: str = "https://news.example.com",
    pages: int = 12,
    *,
    script: str = "latin",
    seed: int = 7,
    shared_quote: str | None = None,
    excerpts: bool = False,
    bios: bool = False,
) -> list[Page]:
    """Article pages of one site; pages 0 and 1 carry `shared_quote` inside their body."""
    rng = random.Random(seed)
    words = CYRILLIC if script == "cyrillic" else LATIN
    promo = (
        "Нет времени читать? Получите краткое содержание"
        if script == "cyrillic"
        else ("No time to read? Get a summary")
    )
    prev_label, next_label = (
        ("Предыдущая статья", "Следующая статья")
        if script == "cyrillic"
        else ("Previous Article", "Next Article")
    )
    # Printed under every story: a line only the template model can tell from the article
    # (the promo above the story is not repeated below it, where it would be a bookend).
    series = (
        "Из серии материалов городской редакции Example News"
        if script == "cyrillic"
        else "From the city desk series of Example News"
    )
    newsletter = (
        "Подпишитесь на нашу рассылку и получайте лучшие материалы каждое утро прямо на почту."
        if script == "cyrillic"
        else "Sign up for our morning newsletter and get the best stories in your inbox daily."
    )
    titles = [_sentence(rng, words, 7).rstrip(".") for _ in range(pages)]
    slugs = [
        f"/2026/05/story-{i:02d}-{'-'.join(t.split()[:3]).lower()}.html"
        for i, t in enumerate(titles)
    ]
    bodies = []
    for i in range(pages):
        paras = [_sentence(rng, words, rng.randint(25, 45)) for _ in range(rng.randint(4, 7))]
        if shared_quote and i in (0, 1):
            paras.insert(2, shared_quote)
        bodies.append(paras)
    out = []
    for i in range(pages):
        paras = bodies[i]
        prev_i, next_i = (i - 1) % pages, (i + 1) % pages
        body = "\n".join(f"<p>{p}</p>" for p in paras)
        bio = ""
        if bios:
            # Three regular authors and one who wrote a single story: their bio boxes share
            # one place in the template.
            name = ["Ana Silva", "Ben Okafor", "Chen Wei", "Dora Novak"][
                3 if i == pages - 1 else i % 3
            ]
            bio = (
                f"<div class='story-note'><p><em>{name} reports on city hall and the river "
                f"districts for Example News.</em></p></div>"
            )
        related = ""
        if excerpts:
            # Teasers quoting other articles' leads, inside the story body.
            picks = [(i + k) % pages for k in range(1, 7)]
            related = (
                "<div class='related'>"
                + "".join(
                    f"<div><p><a href='{slugs[j]}'>{titles[j]}</a></p><p>{bodies[j][0]}</p></div>"
                    for j in picks
                )
                + "</div>"
            )
        html = f"""<!DOCTYPE html>
<html lang="{"ru" if script == "cyrillic" else "en"}"><head><meta charset="utf-8">
<title>{titles[i]} | Example News</title>
<link rel="canonical" href="{base}{slugs[i]}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2026-05-{1 + i % 27:02d}T08:00:00Z">
</head><body>
<header><nav><a href="/">Home</a> <a href="/city/">City</a> <a href="/world/">World</a></nav>
<div class="cookie">We use cookies to improve your experience. <button>Accept</button></div>
</header>
<main><article class="story">
<h1>{titles[i]}</h1>
<div class="byline">By Dana Reed</div>
<div class="story-body">
<p class="promo">{promo}</p>
{body}
{related}
{bio}
<aside class="newsletter"><p>{newsletter}</p></aside>
<p class="series">{series}</p>
</div>
<div class="prev-next">
<div><span>{prev_label}</span><p><a href="{slugs[prev_i]}">{titles[prev_i]}</a></p></div>
<div><span>{next_label}</span><p><a href="{slugs[next_i]}">{titles[next_i]}</a></p></div>
</div>
</article></main>
<footer><p>Copyright 2026 Example News. All rights reserved.</p></footer>
</body></html>"""
        out.append(Page(url=base + slugs[i], html=html, title=titles[i], paragraphs=paras))
    return out
