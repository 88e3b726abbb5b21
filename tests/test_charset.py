"""Pages that declare no encoding are read as a browser reads them; declared ones as declared."""
# ruff: noqa: RUF001  (Cyrillic and Greek sample text, on purpose)

from __future__ import annotations

import random

import pytest

from newscrawl.core.charset import page_encoding
from newscrawl.core.extract import extract_page

TEXTS = {
    "fr": "Café crème à la française : une crêpe naïve, déjà prête, au garçon de l'hôtel.",
    "es": "El niño comió piña en la montaña. ¿Qué pasó después? La canción fue única.",
    "pl": "Zażółć gęślą jaźń. Źródło podało, że prezydent spotkał się z ministrem w środę.",
    "cs": "Příliš žluťoučký kůň úpěl ďábelské ódy. Vláda schválila návrh zákona o rozpočtu.",
    "lt": "Lietuvos Seimas priėmė įstatymą dėl švietimo reformos, kuri įsigalios kitais metais.",
    "ru": "Государственная дума приняла закон о бюджете. Министр заявил, что это важный шаг.",
    "el": "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία και ο υπουργός μίλησε σήμερα.",
}
LEGACY = {"fr": "cp1252", "es": "cp1252", "pl": "cp1250", "cs": "cp1250", "lt": "cp1257"}
LEGACY |= {"ru": "cp1251", "el": "cp1253"}


def page(language: str, *, lang_attribute: bool, head: str = "") -> str:
    attr = f' lang="{language}"' if lang_attribute else ""
    text = TEXTS[language]
    body = "".join(f"<p>{text} ({i})</p>" for i in range(6))
    return f"<html{attr}><head>{head}<title>{text[:30]}</title></head><body>{body}</body></html>"


# Every language with and without a lang attribute, but Lithuanian without one: the detector
# cannot tell it from windows-1252 text, and it is read as windows-1252 then (as browsers do).
CASES = [
    (lang, attr)
    for lang in sorted(TEXTS)
    for attr in (False, True)
    if (lang, attr) != ("lt", False)
]


@pytest.mark.parametrize(("language", "lang_attribute"), CASES)
def test_undeclared_legacy_pages_decode_as_written(language: str, lang_attribute: bool) -> None:
    body = page(language, lang_attribute=lang_attribute).encode(LEGACY[language])
    encoding = page_encoding("text/html", body)
    assert body.decode(encoding) == body.decode(LEGACY[language])
    extracted = extract_page(body, f"https://{language}.example/a.html")  # encoding sniffed
    assert TEXTS[language] in extracted.text


@pytest.mark.parametrize("language", ["ru", "el", "pl", "cs"])
def test_a_template_lang_that_is_wrong_does_not_garble_the_page(language: str) -> None:
    """Templates declare "en" on every page: the bytes, not the lang, pick the script."""
    text = page(language, lang_attribute=False).replace("<html>", '<html lang="en">')
    body = text.encode(LEGACY[language])
    assert body.decode(page_encoding("text/html", body)) == text


def test_a_declared_encoding_wins_and_utf8_needs_no_guess() -> None:
    body = page("fr", lang_attribute=False).encode("cp1252")
    assert page_encoding("text/html; charset=iso-8859-2", body) == "iso8859-2"  # as told
    meta = page("pl", lang_attribute=False, head="<meta charset='windows-1250'>")
    assert page_encoding("text/html", meta.encode("cp1250")) == "cp1250"
    assert page_encoding(None, page("ru", lang_attribute=False).encode("utf-8")) == "utf-8"
    assert page_encoding("text/html", "\ufeff<p>é</p>".encode("utf-16-le")) == "utf-16-le"
    # A charset no codec knows is no declaration: the bytes are read as if none were given.
    assert page_encoding("text/html; charset=x-unknown", body) == "cp1252"


def test_the_spider_sends_an_undeclared_page_on_with_the_encoding_it_is_in() -> None:
    from scrapy import Request
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from newscrawl.items import RawPage
    from newscrawl.spiders.news import NewsSpider

    url = "https://fr.example/a.html"
    body = page("fr", lang_attribute=False).encode("cp1252")
    response = HtmlResponse(
        url, body=body, headers={"Content-Type": "text/html"}, request=Request(url)
    )
    spider = NewsSpider.from_crawler(get_crawler(NewsSpider), start_urls="https://fr.example/")
    (raw,) = [o for o in spider.parse(response) if isinstance(o, RawPage)]
    assert raw.encoding == "cp1252"
    assert "crème" in extract_page(raw.html, url, encoding=raw.encoding).text


def test_a_page_that_declares_utf8_and_is_not_is_read_as_undeclared() -> None:
    legacy = page("fr", lang_attribute=True).encode("cp1252")
    assert page_encoding("text/html; charset=utf-8", legacy) == "cp1252"
    assert "crème" in extract_page(legacy, "https://fr.example/a", encoding="cp1252").text
    # A UTF-8 page with one stray byte is still UTF-8.
    utf8 = page("fr", lang_attribute=True).encode("utf-8")
    stray = utf8.replace(b"</title>", b"\xe9</title>", 1)
    assert page_encoding("text/html; charset=utf-8", stray) == "utf-8"


def test_a_dos_code_page_guess_for_western_text_is_weighed_like_other_latin_ones() -> None:
    # On mostly-ASCII text the detector may rank a DOS code page first (cp775, Baltic: "é"
    # reads "ķ"); it is a Latin code page like the others, so windows-1252 is tried first.
    rng = random.Random(3)
    words = (
        "council residents officials proposal river district budget school market harbour "
        "engineers transport weighed costs benefits changes months several neighbourhoods "
        "housing funding report committee plan vote public hearing mayor agency review"
    ).split()
    text = "Café crème. " + " ".join(rng.choice(words) for _ in range(200))
    body = text.encode("cp1252")
    assert body.decode(page_encoding(None, body)) == text
