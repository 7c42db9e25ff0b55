"""One path through the code: the CLI builds a Job, the runner yields Outcomes, Report.record counts them.

Everything here is reached from Python, as an ETL job would, and checked against what ``vnclean clean``
does with the same inputs.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from cleaner import load_rules
from cleaner.batch import Job
from cleaner.report import Change, Report, Result, Status
from cleaner.runner import UsageError, execute, prepare

DIRTY = "  • icon facebook\n(QBĐT) - Sáng nay, trời mưa to ở Quảng Bình, nhiều tuyến đường bị ngập sâu.\n"
CLEAN = "Sáng nay, trời mưa to ở Quảng Bình, nhiều tuyến đường bị ngập sâu.\n"


@pytest.fixture(scope="module")
def rules():
    return load_rules("vn-news")


def _run(rules, job, stdin=None, stdout=None):
    report = Report(change_means_failure=job.check or job.in_place, listing=True)
    outcomes = []
    for o in execute(rules, prepare(job), stdin=stdin, stdout=stdout):
        report.record(o)
        outcomes.append(o)
    return outcomes, report


def test_status_is_an_enum_that_still_reads_as_its_word():
    assert Status("guarded") is Status.GUARDED
    assert Status.CHANGED == "changed" and str(Status.CHANGED) == "changed"
    assert json.dumps({"s": Status.FAILED}) == '{"s": "failed"}'
    with pytest.raises(ValueError):
        Status("chnaged")


def test_result_removed_by_rule_counts_dropped_lines_only():
    result = Result("x\n", (Change("menu", 1, "drop", "Trang chủ"),
                            Change("normalize.tone", 2, "fix", "a", "b"),
                            Change("menu", 4, "drop", "Liên hệ"),
                            Change("source-tag", 3, "edit", "(TTXVN) - a", "a")))
    assert result.removed_by_rule() == {"menu": 2}


def test_files_from_python_give_what_the_cli_writes(rules, tmp_path, run_cli):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(DIRTY, encoding="utf-8")
    (src / "sub" / "b.txt").write_text(CLEAN, encoding="utf-8")
    outcomes, report = _run(rules, Job(paths=(str(src),), out_dir=tmp_path / "py"))
    assert [(Path(o.path).name, o.status) for o in outcomes] == [
        ("a.txt", Status.CHANGED), ("b.txt", Status.UNCHANGED)]
    assert (report.read, report.changed, report.return_code) == (2, 1, 0)
    assert report.removed == {"nav-bullet": 1}
    code, _, _ = run_cli("clean", src, "-o", tmp_path / "cli", "-q")
    assert code == 0
    for name in ("a.txt", "sub/b.txt"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()
    assert (tmp_path / "py" / "a.txt").read_text(encoding="utf-8") == CLEAN


def test_stdin_is_one_more_input_through_the_same_path(rules):
    [o], report = _run(rules, Job(paths=("-",), to_stdout=True), stdin=io.BytesIO(DIRTY.encode()))
    assert (o.path, o.status, o.text, o.removed) == ("<stdin>", Status.CHANGED, CLEAN, {"nav-bullet": 1})
    assert report.read == 1 and report.changed == 1
    # --check on stdin: nothing is returned to write, the exit code says it would change
    [o], report = _run(rules, Job(paths=("-",), write=False, check=True), stdin=io.BytesIO(DIRTY.encode()))
    assert o.status == Status.CHANGED and o.text is None and report.return_code == 1


def test_stdin_that_the_guard_holds_back_is_not_returned(rules):
    text = "  • icon facebook\n  • icon twitter\n"  # share buttons only: cleaning would keep nothing
    [o], report = _run(rules, Job(paths=("-",), to_stdout=True), stdin=io.BytesIO(text.encode()))
    assert o.status == Status.GUARDED and o.text is None
    assert report.guarded == 1 and report.return_code == 1


def test_jsonl_file_yields_its_problem_records_then_itself(rules, tmp_path):
    src = tmp_path / "c.jsonl.gz"
    lines = [json.dumps({"id": 1, "text": DIRTY}, ensure_ascii=False), "{broken", json.dumps({"id": 3})]
    with gzip.open(src, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    outcomes, report = _run(rules, Job(paths=(str(src),), out_dir=tmp_path / "out"))
    records, [whole] = [o for o in outcomes if o.line], [o for o in outcomes if not o.line]
    assert [(o.line, o.status) for o in records] == [(2, Status.INVALID), (3, Status.BAD)]
    assert whole.status == Status.CHANGED and whole.format == "jsonl"
    assert whole.records is not None and (whole.records["changed"], whole.records["invalid"]) == (1, 1)
    assert report.read == 1 and report.changed == 1
    entry = report.to_json()["files"][0]
    assert [p["line"] for p in entry["problems"]] == [2, 3] and entry["problems_not_listed"] == 0
    with gzip.open(tmp_path / "out" / "c.jsonl.gz", "rt", encoding="utf-8") as fh:
        written = fh.read().splitlines()
    assert json.loads(written[0])["text"] == CLEAN and written[1:] == lines[1:]


def test_jsonl_stdin_streams_to_the_given_stdout(rules):
    out = io.BytesIO()
    line = json.dumps({"text": DIRTY}, ensure_ascii=False) + "\n"
    outcomes, _ = _run(rules, Job(paths=("-",), format="jsonl", to_stdout=True),
                            stdin=io.BytesIO(line.encode()), stdout=out)
    assert [o.status for o in outcomes] == [Status.CHANGED]
    assert json.loads(out.getvalue())["text"] == CLEAN


@pytest.mark.parametrize("job, words", [
    (Job(paths=("-",), in_place=True), "--in-place needs files"),
    (Job(paths=("-", "a.txt")), "cannot be combined"),
    (Job(paths=("-",), out_dir=Path("out")), "drop -o"),
    (Job(paths=("x",), write=False, diff=True, in_place=True), "write nothing"),
])
def test_a_job_that_cannot_run_is_refused_before_anything_is_read(job, words):
    with pytest.raises(UsageError, match=words):
        prepare(job)


def test_missing_paths_are_failed_outcomes_and_the_others_go_on(rules, tmp_path):
    good = tmp_path / "a.txt"
    good.write_text(DIRTY, encoding="utf-8")
    job = Job(paths=(str(tmp_path / "nope.txt"), str(good)), write=False, check=True)
    outcomes, report = _run(rules, job)
    assert [o.status for o in outcomes] == [Status.FAILED, Status.CHANGED]
    assert "no such file" in outcomes[0].message
    assert (report.read, report.failed, report.return_code) == (1, 1, 2)


def test_report_to_json_is_what_the_cli_writes(rules, tmp_path, run_cli):
    src = tmp_path / "a.txt"
    src.write_text(DIRTY, encoding="utf-8")
    code, _, _ = run_cli("clean", src, "--check", "--report", tmp_path / "r.json", "-q")
    assert code == 1
    written = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    _, report = _run(rules, Job(paths=(str(src),), write=False, check=True))
    expected = report.to_json()
    for data in (written, expected):
        data["summary"].pop("seconds")
    assert written == expected
    assert written["files"] == [{"path": str(src), "format": "text", "status": "changed",
                                 "removed": {"nav-bullet": 1}, "message": ""}]


def test_stdin_with_o_is_a_usage_error_from_the_cli(run_cli, tmp_path):
    code, out, err = run_cli("clean", "-", "-o", tmp_path / "o")  # refused before stdin is read
    assert code == 2 and out == ""
    assert "stdin" in err and "drop -o" in err
    assert not (tmp_path / "o").exists()
