"""Text normalisation and hashing shared by extraction and the template model.

Segments are compared by a key of their normalised text, so the same promo renders the same
key whatever its whitespace, case or trailing punctuation.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any

from lxml import etree

__all__ = [
    "element_text",
    "fingerprint",
    "key",
    "normalize",
    "normalized_key",
    "normalized_shape_key",
    "segment_key",
    "text_length",
    "word_count",
    "words",
]

# CJK scripts write words without spaces: count each ideograph or kana as one token.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
# Chinese and Japanese characters and Hangul syllables pack a word into one to three of them:
# for length thresholds set in Latin letters, each counts as this many.
DENSE_CHAR_WEIGHT = 3
_DENSE = re.compile(rf"[{_CJK}\uac00-\ud7af]")
_WORD_CHARS = re.compile(r"\w+")


def normalize(text: str) -> str:
    """Case-fold, NFKC and whitespace-collapse `text`, and trim punctuation at both ends."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.casefold().split())
    if text and not (text[0].isalnum() and text[-1].isalnum()):
        # Trimmed by a walk in from each end: a regex anchored at the end ("[\W_]+$") is
        # tried at every space of the text, which made it half the cost of normalising a
        # paragraph. str.isalnum is what `re` calls a word character, minus the underscore.
        start, end = 0, len(text)
        while start < end and not text[start].isalnum():
            start += 1
        while end > start and not text[end - 1].isalnum():
            end -= 1
        text = text[start:end]
    return text


def segment_key(text: str) -> int:
    """A stable 63-bit key for a segment's normalised text (stable across processes and runs)."""
    return normalized_key(normalize(text))


def normalized_key(norm: str) -> int:
    """`segment_key` of text that is already normalised (saves a second normalisation)."""
    digest = hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


_DIGITS = re.compile(r"\d+")
# Only short lines get a shape key: counters, dates and "page 2 of 5" labels are short, while a
# long sentence that matches another one but for its numbers is content.
MAX_SHAPE_CHARS = 48


def normalized_shape_key(norm: str) -> int:
    """Key of a short normalised line with its numbers blanked ("comments (12)" ~ "comments
    (3)"), or 0: lets the template model see a counter or date line as one repeated segment."""
    if len(norm) > MAX_SHAPE_CHARS or not _DIGITS.search(norm):
        return 0
    shaped = "\x00shape:" + _DIGITS.sub("0", norm)
    digest = hashlib.blake2b(shaped.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def fingerprint(text: str) -> str:
    """Content hash of an article text: identical bodies under different URLs collide."""
    return hashlib.blake2b(normalize(text).encode("utf-8"), digest_size=16).hexdigest()


def words(text: str) -> str:
    """Case-folded word tokens joined by one space: compares texts whatever their punctuation."""
    return " ".join(_WORD_CHARS.findall(text.casefold()))


def key(text: str) -> str:
    """Case-folded word characters only: equal for the same text however it was put together.

    Extractors join inline pieces with or without a space ("Headline" + "Excerpt" can come out
    as "HeadlineExcerpt"), so matching ignores spacing and punctuation altogether.
    """
    return "".join(_WORD_CHARS.findall(text.casefold()))


def text_length(text: str) -> int:
    """Length of `text` as far as thresholds in Latin characters go (see DENSE_CHAR_WEIGHT)."""
    if text.isascii():
        return len(text)
    return len(text) + (DENSE_CHAR_WEIGHT - 1) * len(_DENSE.findall(text))


def word_count(text: str) -> int:
    """Number of word tokens (each CJK character counts as one)."""
    return len(_WORD.findall(text))


def element_text(el: Any) -> str:
    """All text inside an lxml element, without its tail: what `el.text_content()` returns.

    Serialising as text is one C call, where `text_content()` evaluates an XPath for each
    element: about half the cost, on the thousands of elements a page's census reads.
    """
    text: str = etree.tostring(el, method="text", encoding=str, with_tail=False)
    return text
