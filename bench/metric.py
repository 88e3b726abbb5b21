"""Shingle-overlap metric of the Zyte article-extraction benchmark, reusable by any benchmark.

Scores must be comparable with the numbers published by the upstream project
(scrapinghub/article-extraction-benchmark), so this module reproduces its definitions and
edge cases exactly: word tokens are runs of Unicode word characters with case kept; a text is
a multiset of overlapping 4-token shingles (a text shorter than that is one shingle of all its
tokens, an empty text has none); per page TP/FP/FN are normalised to sum to 1 so every page
weighs the same; a page with no predicted shingles is left out of the precision average but
counts as recall 0; F1 is the harmonic mean of the two averages (not a mean of per-page F1s).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "PageScore",
    "Summary",
    "score_page",
    "shingles",
    "summarize",
    "tokenize",
]

# Shingle length of the upstream benchmark: long enough that shared stock phrases rarely match
# by accident, short enough that one wrong word costs only a few shingles.
SHINGLE_SIZE = 4

_TOKEN = re.compile(r"\w+")


def tokenize(text: str | None) -> list[str]:
    """Word tokens of `text`: runs of Unicode word characters, case kept."""
    return _TOKEN.findall(text or "")


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of overlapping `size`-token shingles of `text`.

    A text with fewer than `size` tokens yields one shorter shingle holding all of them, so
    a three-word reference still has something to match; an empty text yields nothing.
    """
    tokens = tokenize(text)
    if not tokens:
        return Counter()
    count = max(1, len(tokens) - size + 1)
    return Counter(tuple(tokens[i : i + size]) for i in range(count))


@dataclass(frozen=True, slots=True)
class PageScore:
    """Normalised TP/FP/FN of one page (they sum to 1 unless both texts are empty)."""

    tp: float
    fp: float
    fn: float
    exact: bool

    @property
    def has_prediction(self) -> bool:
        return self.tp + self.fp > 0

    @property
    def has_truth(self) -> bool:
        return self.tp + self.fn > 0

    @property
    def precision(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if self.tp == 0 and self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if self.tp == 0 and self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_page(truth: str | None, prediction: str | None) -> PageScore:
    """Compare one predicted text with its reference."""
    true_sh = shingles(truth)
    pred_sh = shingles(prediction)
    tp = float(sum((true_sh & pred_sh).values()))
    fp = float(sum((pred_sh - true_sh).values()))
    fn = float(sum((true_sh - pred_sh).values()))
    total = tp + fp + fn
    if total > 0:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageScore(tp, fp, fn, exact=tokenize(truth) == tokenize(prediction))


@dataclass(frozen=True, slots=True)
class Summary:
    """Benchmark-level scores over a set of pages."""

    f1: float
    precision: float
    recall: float
    accuracy: float
    pages: int


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def summarize(scores: Iterable[PageScore]) -> Summary:
    """Average per-page precision and recall, then take their harmonic mean.

    Pages without a prediction are skipped for precision (as upstream does) and pages without
    a reference are skipped for recall; both still count towards accuracy.
    """
    scores = list(scores)
    precision = _mean([s.precision for s in scores if s.has_prediction])
    recall = _mean([s.recall for s in scores if s.has_truth])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = _mean([1.0 if s.exact else 0.0 for s in scores])
    return Summary(f1, precision, recall, accuracy, len(scores))
