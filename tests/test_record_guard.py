"""The guard protects JSONL records as it protects files: a record cleaning would empty is kept as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import load_rules
from cleaner.guard import held_back
from cleaner.jsonl import clean_jsonl

#: A rule too wide: it drops every line with the word "mưa" (rain), which eats a weather story whole.
EATER = ("name: eater\nrules:\n  - id: eat-mua\n    why: a rule too wide\n    pattern: 'mưa'\n"
         "    examples:\n      change: ['Trời mưa.']\n")
EATEN = "Hà Nội mưa to.\nTrời mưa suốt đêm, nhiều phố ngập.\n"
# One line of four goes: 11 of its 90 non-space characters (12%), well under the default limit of 90%.
KEPT = ("Hà Nội mưa to.\nGiá lúa tăng mạnh trong tuần qua.\nNông dân phấn khởi vì được mùa.\n"
        "Thương lái đến tận ruộng thu mua.\n")


@pytest.fixture
def eater(tmp_path: Path) -> Path:
    path = tmp_path / "eater.yaml"
    path.write_text(EATER, encoding="utf-8")
    return path


def _corpus(path: Path) -> list[str]:
    lines = [json.dumps({"id": 1, "text": KEPT}, ensure_ascii=False),
             json.dumps({"id": 2, "text": EATEN}, ensure_ascii=False),
             json.dumps({"id": 3, "text": ""})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def test_one_decision_for_every_writer() -> None:
    assert held_back(EATEN, "") == "cleaning would leave it empty"
    assert held_back(KEPT, KEPT.split("\n", 1)[1]) is None
    assert held_back("", "") is None  # an empty record has nothing to lose


def test_library_writes_an_emptied_record_unchanged_and_says_why(eater: Path) -> None:
    lines = [json.dumps({"text": KEPT}, ensure_ascii=False), json.dumps({"text": EATEN}, ensure_ascii=False)]
    recs = list(clean_jsonl(lines, load_rules(str(eater))))
    assert [r.status for r in recs] == ["changed", "guarded"]
    assert recs[1].line == 2 and recs[1].output == lines[1]  # byte for byte as it came
    assert "leave it empty" in recs[1].message and "--force" in recs[1].message
    assert json.loads(recs[0].output or "")["text"].startswith("Giá lúa tăng mạnh")
    forced = list(clean_jsonl(lines, load_rules(str(eater)), force=True))
    assert json.loads(forced[1].output or "")["text"] == ""


def test_cli_reports_the_line_exits_1_and_writes_the_record_unchanged(tmp_path: Path, eater: Path,
                                                                      run_cli) -> None:
    src = tmp_path / "corpus.jsonl"
    lines = _corpus(src)
    report = tmp_path / "r.json"
    code, _, err = run_cli("clean", src, "-o", tmp_path / "out", "--rules", eater, "--report", report)
    assert code == 1  # as for a file the guard holds back
    assert f"{src}:2: not cleaned: cleaning would leave it empty" in err
    assert "3 records, 1 changed, 1 held back by the guard (written unchanged)" in err
    out = (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    assert out[1:] == lines[1:]
    assert "Hà Nội mưa to." not in json.loads(out[0])["text"]
    (entry,) = json.loads(report.read_text(encoding="utf-8"))["files"]
    assert entry["records"]["guarded"] == 1
    assert [(p["line"], p["status"]) for p in entry["problems"]] == [(2, "guarded")]


def test_cli_force_and_max_removed_work_as_for_files(tmp_path: Path, eater: Path, run_cli) -> None:
    src = tmp_path / "corpus.jsonl"
    _corpus(src)
    code, _, _ = run_cli("clean", src, "-o", tmp_path / "forced", "--rules", eater, "--force", "-q")
    assert code == 0
    forced = (tmp_path / "forced" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(forced[1])["text"] == ""
    # 12% of record 1 goes: held back under a 10% limit, written under 15%.
    code, _, err = run_cli("clean", src, "-o", tmp_path / "strict", "--rules", eater, "--max-removed", "10%")
    assert code == 1 and f"{src}:1: not cleaned: cleaning would remove 12.2% of its text" in err
    code, _, err = run_cli("clean", src, "-o", tmp_path / "loose", "--rules", eater, "--max-removed", "15%")
    assert f"{src}:1:" not in err and f"{src}:2:" in err


def test_drop_bad_records_never_drops_a_guarded_record(tmp_path: Path, eater: Path, run_cli) -> None:
    src = tmp_path / "corpus.jsonl"
    lines = _corpus(src)
    run_cli("clean", src, "-o", tmp_path / "out", "--rules", eater, "--drop-bad-records", "-q")
    out = (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(out) == 3 and out[1] == lines[1]


def test_stdin_jsonl_is_guarded_too(tmp_path: Path, eater: Path, run_cli, monkeypatch) -> None:
    import io
    import sys

    data = (json.dumps({"text": EATEN}, ensure_ascii=False) + "\n").encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    code, out, err = run_cli("clean", "-", "--format", "jsonl", "--rules", eater, "-q")
    assert code == 1 and "<stdin>:1: not cleaned" in err
    assert out.encode("utf-8") == data


def test_the_guard_holds_in_worker_processes_too(eater: Path) -> None:
    lines = [json.dumps({"n": n, "text": EATEN if n % 2 else KEPT}, ensure_ascii=False) for n in range(6)]
    recs = list(clean_jsonl(lines, load_rules(str(eater)), jobs=2))
    assert [r.status for r in recs] == ["changed", "guarded"] * 3
    assert [r.output for r in recs if r.status == "guarded"] == lines[1::2]
