"""Language detection for pages that declare none, and a check of those that do (CLD2).

CLD2 (`pycld2`), the detector Common Crawl annotates its pages with, is compiled C++ with its
tables in the shared library: about 7 MB, nothing to load, ~40 µs a sample. It replaced
py3langid, whose model took ~75 MB of the crawler's memory and 1-2 s to load at every start,
and which was wrong more often on short samples (on 80-200 characters of the 181 Zyte
benchmark texts: 15 disagreements with the full text's language at 80 characters against
CLD2's 7).

pycld2 has wheels for CPython 3.10-3.13 on Linux x86-64, macOS arm64 and Windows only; the
project declares it there and py3langid (pure Python and numpy, wheels everywhere) on every
other platform and Python, where no C++ compiler may be at hand: detection then costs the
crawler py3langid's model (loaded on the first page that needs it) but gives the same codes.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

try:
    import pycld2
except ImportError:  # a platform without its wheels: py3langid, declared for those instead
    pycld2 = None

__all__ = ["detect_language", "language_of"]

# Language detection needs a few sentences to be reliable and no more than a paragraph or two
# to be right; its cost grows with the sample.
LANGID_MIN_CHARS = 80
LANGID_SAMPLE_CHARS = 600
# A declared language is checked on texts at least this long, on a sample this long first.
VERIFY_MIN_CHARS = 400
VERIFY_SAMPLE_CHARS = 300
# Groups of languages close enough for the detector to take one for another.
_RELATED = (
    frozenset("no nb nn da sv".split()),
    frozenset("hr sr bs sl mk".split()),
    frozenset("cs sk".split()),
    frozenset("ms id".split()),
    frozenset("es gl ca pt".split()),
    frozenset("ru uk be bg".split()),
    frozenset("hi mr ne".split()),
    frozenset("fa ar ur".split()),
    frozenset("zh ja".split()),
    frozenset("af nl".split()),
)
# CLD2 still speaks a few withdrawn ISO 639-1 codes, and tells the Chinese scripts apart.
_ISO_CODES = {"iw": "he", "jw": "jv", "in": "id", "ji": "yi", "zh-Hant": "zh"}
# CLD2 refuses input with C0/C1 controls, lone surrogates or non-characters ("invalid UTF-8").
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def _classify(sample: str) -> str | None:
    """The two-letter code of the language most of `sample` is in, or None if unknown."""
    if pycld2 is None:
        if not any(c.isalpha() for c in sample):
            return None  # py3langid names a language for anything, digits and blanks too
        code = str(_langid().classify(sample)[0])
        return code if len(code) == 2 else None
    try:
        found = pycld2.detect(_REFUSED.sub(" ", sample), isPlainText=True, bestEffort=True)
    except pycld2.error:  # any other input it cannot read: no opinion, not a failed record
        return None
    code = found[2][0][1]
    code = _ISO_CODES.get(code, code)
    return code if len(code) == 2 and code != "un" else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`, or None when there is too little text to tell."""
    sample = text[:LANGID_SAMPLE_CHARS]
    if len(sample) < LANGID_MIN_CHARS:
        return None
    return _classify(sample)


def language_of(text: str, declared: str | None) -> str | None:
    """The language of an article's clean text: as declared, unless the text plainly says
    otherwise.

    The declaration is usually the `lang` of a site-wide template, and some sites never change
    it: a German blog declaring "en", an English edition declaring "de" (4 of the 181 Zyte
    pages). A quick look at the text (VERIFY_SAMPLE_CHARS) confirms the declaration; only
    when it disagrees are two full samples, from the start and the end of the text, asked,
    and the declaration is overruled when both name the same other language. Languages the
    detector confuses with each other (Norwegian and Danish, Serbian and Croatian, ...)
    never overrule one another.
    """
    if declared is None:
        return detect_language(text)
    if len(text) < VERIFY_MIN_CHARS:
        return declared
    quick = _classify(text[:VERIFY_SAMPLE_CHARS])
    if quick is None or quick == declared or _related(quick, declared):
        return declared
    head = _classify(text[:LANGID_SAMPLE_CHARS])
    tail = _classify(text[-LANGID_SAMPLE_CHARS:])
    if head == tail == quick:
        return quick
    return declared


@cache
def _langid() -> Any:
    import py3langid

    return py3langid


def _related(a: str, b: str) -> bool:
    return any(a in group and b in group for group in _RELATED)
