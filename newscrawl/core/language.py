"""Language detection for pages that declare none, and a check of those that do (py3langid,
loaded at import).

The model takes about 75 MB and 1-2 s to load, and importing this module loads it: code that
only sometimes needs it imports it lazily (`core.record`), and the crawl's cleaning pipeline
imports it on a side thread at the first page without a declared language.
"""

from __future__ import annotations

from py3langid import langid

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

_IDENTIFIER = langid._get_identifier()  # loads the model now, not on the first page


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`, or None when there is too little text to tell."""
    sample = text[:LANGID_SAMPLE_CHARS]
    if len(sample) < LANGID_MIN_CHARS:
        return None
    code, _ = _IDENTIFIER.classify(sample)
    return str(code) if len(code) == 2 else None


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
    quick, _ = _IDENTIFIER.classify(text[:VERIFY_SAMPLE_CHARS])
    if quick == declared or _related(quick, declared):
        return declared
    head, _ = _IDENTIFIER.classify(text[:LANGID_SAMPLE_CHARS])
    tail, _ = _IDENTIFIER.classify(text[-LANGID_SAMPLE_CHARS:])
    if head == tail == quick and len(quick) == 2:
        return str(quick)
    return declared


def _related(a: str, b: str) -> bool:
    return any(a in group and b in group for group in _RELATED)
