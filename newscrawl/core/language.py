"""Language detection for pages that declare no language (py3langid, loaded at import).

The model takes about 75 MB and 1-2 s to load, and importing this module loads it: code that
only sometimes needs it imports it lazily (`core.record`), and the crawl's cleaning pipeline
imports it on a side thread at the first page without a declared language.
"""

from __future__ import annotations

from py3langid import langid

__all__ = ["detect_language"]

# Language detection needs a few sentences to be reliable and no more than a paragraph or two
# to be right; its cost grows with the sample.
LANGID_MIN_CHARS = 80
LANGID_SAMPLE_CHARS = 600

_IDENTIFIER = langid._get_identifier()  # loads the model now, not on the first page


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`, or None when there is too little text to tell."""
    sample = text[:LANGID_SAMPLE_CHARS]
    if len(sample) < LANGID_MIN_CHARS:
        return None
    code, _ = _IDENTIFIER.classify(sample)
    return str(code) if len(code) == 2 else None
