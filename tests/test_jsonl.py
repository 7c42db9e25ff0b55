"""JSONL corpora: the text field is cleaned, everything else kept, bad records reported by line, streaming."""

from __future__ import annotations

import gzip
import io
import itertools
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner import load_rules
from cleaner.jsonl import clean_jsonl

DIRTY = "  • icon facebook\n(QBĐT) - Sáng nay, trời mưa to ở Đồng Hới.\n"
CLEAN = "Sáng nay, trời mưa to ở Đồng Hới.\n"


@pytest.fixture(scope="module")
def rules():
    return load_rules("vn-news")


def _corpus(path: Path) -> list[str]:
    lines = [
        json.dumps({"id": 1, "text": DIRTY, "meta": {"tags": ["thời tiết"], "score": 2.5, "ok": None}},
                   ensure_ascii=False),
        json.dumps({"id": 2, "body": "no text field"}),
        "{not json",
        json.dumps({"id": 3, "text": 5}),
        json.dumps({"id": 4, "text": DIRTY}),  # ASCII-escaped input
    ]
    data = "\n".join(lines) + "\n"
    if path.suffix == ".gz":
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(data)
    else:
        path.write_text(data, encoding="utf-8")
    return lines


def _records(text: str) -> list[str]:
    return text.splitlines()


def test_text_field_is_cleaned_other_fields_and_order_are_kept(tmp_path, run_cli):
    src = tmp_path / "corpus.jsonl"
    lines = _corpus(src)
    code, _, _ = run_cli("clean", src, "-o", tmp_path / "out", "-q")
    assert code == 0
    out = _records((tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8"))
    assert len(out) == len(lines)
    first = json.loads(out[0])
    assert first == {"id": 1, "text": CLEAN, "meta": {"tags": ["thời tiết"], "score": 2.5, "ok": None}}
    assert "Đồng Hới" in out[0], "output is written with ensure_ascii=False"
    assert json.loads(out[4]) == {"id": 4, "text": CLEAN}
    # Records that cannot be cleaned come through byte for byte, in their place.
    assert out[1:4] == lines[1:4]


def test_bad_records_are_reported_with_their_line_numbers(tmp_path, run_cli):
    src = tmp_path / "corpus.jsonl"
    _corpus(src)
    code, _, err = run_cli("clean", src, "-o", tmp_path / "out")
    assert code == 0
    assert f"{src}:2: field 'text' is missing" in err
    assert f"{src}:3: invalid JSON" in err
    assert f"{src}:4: field 'text' is not a string (a number)" in err
    assert "5 records, 2 changed, 3 could not be cleaned (passed through)" in err


def test_drop_bad_records_leaves_them_out_but_still_reports_them(tmp_path, run_cli):
    src = tmp_path / "corpus.jsonl"
    _corpus(src)
    code, _, err = run_cli("clean", src, "-o", tmp_path / "out", "--drop-bad-records")
    assert code == 0
    out = _records((tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8"))
    assert [json.loads(r)["id"] for r in out] == [1, 4]
    assert f"{src}:3: invalid JSON" in err and "dropped (--drop-bad-records)" in err


def test_text_field_option(tmp_path, run_cli):
    src = tmp_path / "c.jsonl"
    record = json.dumps({"body": DIRTY, "text": "keep me"}, ensure_ascii=False)
    src.write_text(record + "\n", encoding="utf-8")
    code, out, _ = run_cli("clean", src, "--text-field", "body", "-q")
    assert code == 0
    assert json.loads(out) == {"body": CLEAN, "text": "keep me"}


def test_gzip_in_gzip_out(tmp_path, run_cli):
    src = tmp_path / "corpus.jsonl.gz"
    _corpus(src)
    code, _, _ = run_cli("clean", src, "-o", tmp_path / "out", "-q")
    assert code == 0
    dest = tmp_path / "out" / "corpus.jsonl.gz"
    with gzip.open(dest, "rt", encoding="utf-8") as fh:
        out = _records(fh.read())
    assert json.loads(out[0])["text"] == CLEAN and len(out) == 5


def test_stdin_with_format_jsonl(tmp_path, run_cli, monkeypatch):
    data = (json.dumps({"text": DIRTY}, ensure_ascii=False) + "\n").encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, _ = run_cli("clean", "-", "--format", "jsonl", "-q")
    assert code == 0
    assert json.loads(out) == {"text": CLEAN}


def test_explain_names_file_line_and_rule(tmp_path, run_cli):
    src = tmp_path / "corpus.jsonl"
    _corpus(src)
    code, out, _ = run_cli("clean", src, "--explain", "-q")
    assert code == 0
    assert f"== {src}:1" in out and f"== {src}:5" in out
    assert "-nav-bullet" in out and "~source-tag" in out
    assert '"id"' not in out, "--explain alone prints the changes, not the records"


def test_report_lists_counts_rules_and_problem_lines(tmp_path, run_cli):
    src = tmp_path / "corpus.jsonl"
    _corpus(src)
    report = tmp_path / "report.json"
    code, _, _ = run_cli("clean", src, "-o", tmp_path / "out", "--report", report, "-q")
    assert code == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    (entry,) = data["files"]
    assert entry["format"] == "jsonl"
    counts = entry["records"]
    assert counts["changed"] == 2 and counts["bad"] == 2 and counts["invalid"] == 1
    assert entry["removed"] == {"nav-bullet": 2}
    assert [p["line"] for p in entry["problems"]] == [2, 3, 4]
    assert data["summary"]["removed"] == {"nav-bullet": 2}


def test_report_for_text_files(tmp_path, run_cli):
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    report = tmp_path / "r.json"
    code, _, _ = run_cli("clean", tmp_path / "a.txt", "-o", tmp_path / "out", "--report", report, "-q")
    assert code == 0
    (entry,) = json.loads(report.read_text(encoding="utf-8"))["files"]
    assert entry["format"] == "text" and entry["status"] == "changed"
    assert entry["removed"] == {"nav-bullet": 1}


def test_a_failed_run_leaves_no_partial_output(tmp_path, run_cli):
    src = tmp_path / "corpus.jsonl.gz"
    _corpus(src)
    src.write_bytes(src.read_bytes()[:-12])  # truncated: the gzip stream ends early
    code, _, err = run_cli("clean", src, "-o", tmp_path / "out", "-q")
    assert code == 2
    assert f"{src}: cannot read or write" in err
    assert not (tmp_path / "out" / "corpus.jsonl.gz").exists()
    assert not list((tmp_path / "out").glob("*.vnclean-tmp"))


def test_library_iterator_is_lazy(rules):
    """Records come out while the input is still being read: a corpus is never loaded whole."""
    read = 0

    def endless() -> Iterator[str]:
        nonlocal read
        for n in itertools.count():
            read += 1
            yield json.dumps({"n": n, "text": DIRTY}, ensure_ascii=False)

    first = list(itertools.islice(clean_jsonl(endless(), rules), 3))
    assert [json.loads(r.output)["n"] for r in first] == [0, 1, 2]
    assert all(json.loads(r.output)["text"] == CLEAN for r in first)
    assert read == 3


def test_library_takes_bytes_and_reports_undecodable_lines(rules):
    recs = list(clean_jsonl([b'{"text": "a\\u0301"}\n', b'{"text": "\xff"}\n', b"\n"], rules))
    assert [r.status for r in recs] == ["changed", "invalid", "blank"]
    assert recs[1].line == 2 and "not valid UTF-8" in recs[1].message
    assert recs[1].output is not None
    assert recs[1].output.encode("utf-8", "surrogateescape") == b'{"text": "\xff"}'
