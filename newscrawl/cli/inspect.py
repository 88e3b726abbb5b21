"""Summarise, show or validate newscrawl JSONL files.

`inspect PATH...` prints counts per domain and language, the date range, the median length
and how many records carry authors and dates; `--show N` prints record N readably (with
`--removed`, what cleaning removed and why); `--validate` checks every line against the
record schema and names the bad ones.
"""

from __future__ import annotations

import argparse
import json
import statistics
import textwrap
from collections import Counter, deque
from pathlib import Path
from typing import Any

from newscrawl.cli.common import CliError
from newscrawl.core.jsonl import iter_jsonl
from newscrawl.core.record import validate_record

__all__ = ["add_arguments", "audit_diff", "print_summary", "run", "summarize_files"]

# Domains and languages the summary names; `--json` gives them all.
SUMMARY_TOP = 12


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="JSONL files or directories of them"
    )
    parser.add_argument(
        "--show",
        type=int,
        default=None,
        metavar="N",
        help="print record N (1-based, across the given files; -1 is the last one)",
    )
    parser.add_argument(
        "--removed",
        action="store_true",
        help="with --show: also print what cleaning removed and why",
    )
    parser.add_argument(
        "--validate", action="store_true", help="check every line against the record schema"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the summary as one JSON object (every domain and language, for scripts)",
    )


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("*.jsonl")))
        elif path.exists():
            files.append(path)
        else:
            raise CliError(f"no such file or directory: {path}")
    if not files:
        raise CliError("no JSONL files found")
    return files


def _is_record(obj: Any) -> bool:
    """A JSON line that is a newscrawl record (any JSON value parses; few are records)."""
    return isinstance(obj, dict) and isinstance(obj.get("url"), str) and "text" in obj


def summarize_files(paths: list[Path]) -> dict[str, Any]:
    """Counts and distributions over every record in `paths`."""
    domains: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    words: list[int] = []
    dates: list[str] = []
    with_authors = with_dates = records = bad = 0
    for path in _files(paths):
        for _, obj, err in iter_jsonl(path):
            if err or not _is_record(obj):
                bad += 1
                continue
            records += 1
            domains[str(obj.get("domain"))] += 1
            languages[str(obj.get("language") or "unknown")] += 1
            if isinstance(obj.get("word_count"), int):
                words.append(obj["word_count"])
            if obj.get("authors"):
                with_authors += 1
            if obj.get("published"):
                with_dates += 1
                dates.append(str(obj["published"])[:10])
    return {
        "files": len(_files(paths)),
        "records": records,
        "unreadable_lines": bad,
        "domains": dict(domains.most_common()),
        "languages": dict(languages.most_common()),
        "date_range": [min(dates), max(dates)] if dates else None,
        "median_words": statistics.median(words) if words else 0,
        "with_authors": with_authors / records if records else 0.0,
        "with_published": with_dates / records if records else 0.0,
    }


def print_summary(s: dict[str, Any]) -> None:
    print(
        f"records: {s['records']} in {s['files']} file(s)"
        + (f", {s['unreadable_lines']} unreadable line(s)" if s["unreadable_lines"] else "")
    )
    print(_counts("domains", s["domains"]))
    print(_counts("languages", s["languages"]))
    rng = s["date_range"]
    print(f"published: {rng[0]} .. {rng[1]}" if rng else "published: -")
    print(f"median length: {s['median_words']:g} words")
    print(
        f"with authors: {100 * s['with_authors']:.0f}%   "
        f"with published date: {100 * s['with_published']:.0f}%"
    )


def _counts(name: str, counts: dict[str, int]) -> str:
    """ "name: a 12, b 3", the largest SUMMARY_TOP only; the rest summed up after them."""
    if not counts:
        return f"{name}: -"
    shown = list(counts.items())[:SUMMARY_TOP]
    line = f"{name}: " + ", ".join(f"{k} {n}" for k, n in shown)
    rest = len(counts) - len(shown)
    if rest:
        line += f" and {rest} more ({sum(counts.values()) - sum(n for _, n in shown)} records)"
    return line


def _show(paths: list[Path], n: int, removed: bool) -> None:
    if n == 0:
        raise CliError("--show takes a record number: 1 is the first, -1 the last", code=2)
    seen = 0
    last: deque[tuple[dict[str, Any], str]] = deque(maxlen=max(1, -n))
    for path in _files(paths):
        for line_no, obj, err in iter_jsonl(path):
            if err or not _is_record(obj):
                continue
            seen += 1
            if seen == n:
                _print_record(obj, f"{path}:{line_no}", removed)
                return
            last.append((obj, f"{path}:{line_no}"))
    if n < 0 and seen >= -n:
        _print_record(*last[0], removed)
        return
    raise CliError(f"only {seen} record(s); there is no record {n}")


def _print_record(rec: dict[str, Any], where: str, removed: bool) -> None:
    print(f"# record at {where}")
    for key in (
        "title",
        "url",
        "canonical_url",
        "domain",
        "authors",
        "published",
        "modified",
        "language",
        "tags",
        "word_count",
        "fetched_at",
        "fingerprint",
        "source",
    ):
        value = rec.get(key)
        if isinstance(value, list):
            value = ", ".join(map(str, value)) or "-"
        print(f"{key:>14}: {value if value not in (None, '') else '-'}")
    print()
    for para in str(rec.get("text", "")).split("\n\n"):
        print(textwrap.fill(para, width=88))
        print()
    if not removed:
        return
    entries = rec.get("removed")
    if entries is None:
        print(
            "(this record carries no audit trail: crawl with --audit or "
            "-s NEWSCRAWL_CLEAN_AUDIT=True)"
        )
        return
    print(f"# raw text -> clean text: {len(entries)} block(s) removed ('-' lines), rule in []")
    for line in audit_diff(str(rec.get("text", "")), entries):
        print(line)


def audit_diff(text: str, removed: list[dict[str, Any]]) -> list[str]:
    """The raw block sequence rebuilt from kept text and the audit trail, marked like a diff."""
    kept = [p for p in text.split("\n\n") if p] if text else []
    by_index = {int(e.get("index", -1)): e for e in removed}
    lines: list[str] = []
    index = 0
    while kept or index in by_index:
        entry = by_index.pop(index, None)
        if entry is not None:
            lines.append(f"- [{entry.get('rule')}] {entry.get('text')}")
        else:
            lines.append(f"  {kept.pop(0)}")
        index += 1
    for entry in sorted(by_index.values(), key=lambda e: int(e.get("index", 0))):
        lines.append(f"- [{entry.get('rule')}] {entry.get('text')}")
    return lines


def _validate(paths: list[Path]) -> int:
    bad = total = 0
    for path in _files(paths):
        for line_no, obj, err in iter_jsonl(path):
            total += 1
            problems = [err] if err else validate_record(obj)
            if problems:
                bad += 1
                for problem in problems:
                    print(f"{path}:{line_no}: {problem}")
    print(f"{total - bad} of {total} line(s) valid")
    return 1 if bad else 0


def run(args: argparse.Namespace) -> int:
    if args.validate:
        return _validate(args.paths)
    if args.show is not None:
        _show(args.paths, args.show, args.removed)
        return 0
    if args.removed:
        raise CliError("--removed goes with --show N", code=2)
    summary = summarize_files(args.paths)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print_summary(summary)
    if summary["records"] == 0 and summary["unreadable_lines"]:
        raise CliError("no newscrawl records in these files: are they JSONL output?")
    return 0
