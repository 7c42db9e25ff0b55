"""-j N: the same bytes as -j 1, in the same order, and one failing document does not stop the others."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import dev_inputs, seed_files

from cleaner import jsonl
from cleaner.batch import Job, run
from cleaner.jsonl import clean_jsonl
from cleaner.rules import Rule, RuleSet

#: A pattern that backtracks without end on a long run of "a" followed by something else.
SLOW = Rule(id="slow", why="backtracks on aaaa...b", pattern=r"^(?:a|aa)+$")
POISON = "a" * 40 + "b\n"


def _documents() -> list[Path]:
    return seed_files() + dev_inputs()


def _tree(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    for k, p in enumerate(_documents()):
        shutil.copy(p, src / f"{k:03d}_{p.name}")
    return src


def _read_tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("jobs", ["2", "0"])
def test_files_in_a_pool_are_byte_identical_to_one_process(tmp_path, run_cli, jobs):
    src = _tree(tmp_path)
    assert run_cli("clean", src, "-o", tmp_path / "one", "-q")[0] == 0
    assert run_cli("clean", src, "-o", tmp_path / "many", "-q", "-j", jobs)[0] == 0
    one, many = _read_tree(tmp_path / "one"), _read_tree(tmp_path / "many")
    assert len(one) == len(_documents())
    assert one == many


def test_file_outcomes_come_back_in_input_order(tmp_path):
    src = _tree(tmp_path)
    inputs = [(p, p.relative_to(src)) for p in sorted(src.iterdir())]
    job = Job(write=False)
    order = [o.path for o in run(RuleSet(), job, inputs, jobs=2)]
    assert order == [str(p) for p, _ in inputs]


def _jsonl_corpus(path: Path, copies: int = 6) -> None:
    with path.open("w", encoding="utf-8") as fh:
        n = 0
        for _ in range(copies):
            for p in _documents():
                fh.write(json.dumps({"n": n, "source": p.name, "text": p.read_text(encoding="utf-8")},
                                    ensure_ascii=False) + "\n")
                n += 1
                if n % 50 == 0:
                    fh.write('{"n": "no text"}\n')


def test_jsonl_in_a_pool_is_byte_identical_to_one_process(tmp_path, run_cli, monkeypatch):
    # Small chunks so the corpus spans many of them and their order is exercised.
    monkeypatch.setattr(jsonl, "CHUNK_RECORDS", 7)
    src = tmp_path / "corpus.jsonl"
    _jsonl_corpus(src)
    assert run_cli("clean", src, "-o", tmp_path / "one", "-q")[0] == 0
    assert run_cli("clean", src, "-o", tmp_path / "many", "-q", "-j", "2")[0] == 0
    one = (tmp_path / "one" / "corpus.jsonl").read_bytes()
    many = (tmp_path / "many" / "corpus.jsonl").read_bytes()
    assert one.count(b"\n") == src.read_bytes().count(b"\n")
    assert one == many


def test_one_failing_file_does_not_stop_the_others(tmp_path):
    rules = RuleSet([SLOW], timeout=0.05)
    names = ["a.txt", "b.txt", "poison.txt", "c.txt"]
    for name in names:
        (tmp_path / name).write_text(POISON if name == "poison.txt" else f"Bài {name}.\n", encoding="utf-8")
    inputs = [(tmp_path / n, Path(n)) for n in names]
    for jobs in (1, 2):
        outcomes = list(run(rules, Job(write=False), inputs, jobs=jobs))
        assert [o.status for o in outcomes] == ["unchanged", "unchanged", "failed", "unchanged"]
        assert "rule 'slow'" in outcomes[2].message and "poison.txt" in outcomes[2].message


def test_one_failing_record_does_not_stop_the_others():
    rules = RuleSet([SLOW], timeout=0.05)
    lines = [json.dumps({"text": POISON if k == 5 else f"Bài {k}."}) for k in range(20)]
    for jobs in (1, 2):
        recs = list(clean_jsonl(lines, rules, jobs=jobs))
        assert [r.line for r in recs] == list(range(1, 21))
        assert [r.status for r in recs].count("failed") == 1
        assert recs[5].status == "failed" and "rule 'slow'" in recs[5].message
        assert recs[5].output == lines[5], "a failed record is passed through unchanged"
        assert json.loads(recs[6].output or "")["text"] == "Bài 6.\n"
