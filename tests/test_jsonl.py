"""Crash-safe JSONL: whole lines only, a truncated tail is set aside and nothing else lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscrawl.core.jsonl import JsonlWriter, iter_jsonl, recover_tail


def test_writer_appends_whole_lines_and_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "out" / "x.jsonl"
    with JsonlWriter(path) as w:
        w.write({"a": 1, "t": "ünïcode"})
    with JsonlWriter(path) as w:
        w.write({"a": 2})
    lines = path.read_text("utf-8").splitlines()
    assert [json.loads(x)["a"] for x in lines] == [1, 2]
    assert "ünïcode" in lines[0]


def test_truncated_tail_is_set_aside_and_complete_lines_kept(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"a":1}\n{"a":2}\n{"a":3, "te')
    aside = recover_tail(path)
    assert aside is not None and aside.read_bytes() == b'{"a":3, "te'
    assert path.read_bytes() == b'{"a":1}\n{"a":2}\n'
    with JsonlWriter(path) as w:
        w.write({"a": 4})
    assert [o["a"] for _, o, _ in iter_jsonl(path)] == [1, 2, 4]


def test_invalid_last_line_with_newline_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"a":1}\n{"a":\n')
    assert recover_tail(path) is not None
    assert path.read_bytes() == b'{"a":1}\n'


def test_clean_file_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"a":1}\n')
    assert recover_tail(path) is None
    assert recover_tail(tmp_path / "missing.jsonl") is None
    assert list(tmp_path.iterdir()) == [path]


def test_iter_jsonl_names_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"a":1}\nnot json\n\n{"b":2}\n')
    rows = list(iter_jsonl(path))
    assert [(n, e is None) for n, _, e in rows] == [(1, True), (2, False), (4, True)]


def test_a_second_writer_of_one_file_is_refused_while_the_first_writes(tmp_path: Path) -> None:
    """Two crawls appending to one output would each write the same articles."""
    from newscrawl.core.jsonl import OutputBusyError, output_busy

    out = tmp_path / "out.jsonl"
    with JsonlWriter(out) as first:
        first.write({"a": 1})
        assert output_busy(out)
        with pytest.raises(OutputBusyError, match="being written by another process"):
            JsonlWriter(out)
        first.write({"a": 2})
    assert not output_busy(out)
    with JsonlWriter(out) as again:
        again.write({"a": 3})
    assert [json.loads(line)["a"] for line in out.read_text("utf-8").splitlines()] == [1, 2, 3]
