"""The benchmark metric on small hand-made texts, edge cases included.

The scores must match the upstream article-extraction benchmark's definitions, so each
edge case it handles specially (short texts, empty texts, duplicated text) has a test here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# bench/ holds scripts, not an installed package: make the repository root importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.metric import score_page, shingles, summarize, tokenize


def test_tokenize_keeps_case_and_unicode_words() -> None:
    assert tokenize("Héllo, wörld! It's 2024_x.") == ["Héllo", "wörld", "It", "s", "2024_x"]
    assert tokenize("") == []
    assert tokenize(None) == []


def test_shingles_are_overlapping_four_grams() -> None:
    got = shingles("a b c d e")
    assert got == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}


def test_short_text_is_one_short_shingle() -> None:
    assert shingles("a b") == {("a", "b"): 1}
    assert shingles("...") == {}


def test_shingles_are_a_multiset() -> None:
    assert shingles("a b c d a b c d")[("a", "b", "c", "d")] == 2


def test_identical_texts_score_one() -> None:
    score = score_page("One two three four five.", "One two\nthree four five")
    assert (score.precision, score.recall, score.f1, score.exact) == (1.0, 1.0, 1.0, True)


def test_extra_text_costs_precision_only() -> None:
    score = score_page("a b c d e", "a b c d e f g")
    # truth: abcd bcde; prediction adds cdef defg -> tp 2, fp 2, fn 0.
    assert score.precision == pytest.approx(0.5)
    assert score.recall == 1.0
    assert score.tp + score.fp + score.fn == pytest.approx(1.0)
    assert not score.exact


def test_duplicated_body_counts_the_copy_as_false_positive() -> None:
    body = "w1 w2 w3 w4 w5 w6"
    score = score_page(body, body + " " + body)
    # truth: 3 shingles; prediction: the same 3 twice plus 3 spanning the seam.
    assert score.recall == 1.0
    assert score.precision == pytest.approx(3 / 9)


def test_case_matters() -> None:
    score = score_page("a b c d", "A b c d")
    assert score.precision == 0.0
    assert score.recall == 0.0


def test_empty_prediction_skipped_for_precision_but_zero_recall() -> None:
    empty = score_page("a b c d e", "")
    assert not empty.has_prediction
    assert empty.recall == 0.0
    perfect = score_page("x y z w", "x y z w")
    summary = summarize([empty, perfect])
    assert summary.precision == 1.0
    assert summary.recall == pytest.approx(0.5)
    assert summary.f1 == pytest.approx(2 * 0.5 / 1.5)
    assert summary.accuracy == pytest.approx(0.5)


def test_both_empty_is_exact_and_excluded_from_averages() -> None:
    score = score_page("", "")
    assert score.exact
    assert (score.has_prediction, score.has_truth) == (False, False)
    summary = summarize([score, score_page("a b c d", "a b c d")])
    assert (summary.precision, summary.recall, summary.accuracy) == (1.0, 1.0, 1.0)


def test_f1_is_harmonic_mean_of_averages_not_mean_of_page_f1() -> None:
    pages = [score_page("a b c d e", "a b c d e f g"), score_page("a b c d e f g", "a b c d e")]
    summary = summarize(pages)
    # precision: (0.5 + 1) / 2, recall: (1 + 0.5) / 2
    assert summary.precision == pytest.approx(0.75)
    assert summary.recall == pytest.approx(0.75)
    assert summary.f1 == pytest.approx(0.75)


def test_summarize_no_pages() -> None:
    summary = summarize([])
    assert (summary.f1, summary.pages) == (0.0, 0)
