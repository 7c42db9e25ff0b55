"""`vnclean clean` and `vnclean rules` run in-process: outputs, --explain, summary, exit codes."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO

RunCli = Callable[..., tuple[int, str, str]]

ARTICLE = ("icon facebook\n(QBĐT) - Sáng nay, 19/12, tại Hà Nội, hội nghị khai mạc.\n"
           "Người dân đến dự rất đông.\n")
CLEAN = "Sáng nay, 19/12, tại Hà Nội, hội nghị khai mạc.\nNgười dân đến dự rất đông.\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """in/a.txt, in/sub/b.txt, in/sub/c.md: a small scraped folder."""
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "sub" / "b.txt").write_text("Đã sạch.\n", encoding="utf-8")
    (src / "sub" / "c.md").write_text(ARTICLE, encoding="utf-8")
    return src


def test_one_input_goes_to_stdout(run_cli: RunCli, tree: Path) -> None:
    code, out, err = run_cli("clean", tree / "a.txt", "-q")
    assert (code, out, err) == (0, CLEAN, "")


def test_output_folder_mirrors_the_tree(run_cli: RunCli, tree: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out"
    code, out, _ = run_cli("clean", tree, "-o", dest, "-q")
    assert code == 0 and out == ""
    written = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert written == ["a.txt", "sub/b.txt"]
    assert (dest / "a.txt").read_text(encoding="utf-8") == CLEAN
    assert (tree / "a.txt").read_text(encoding="utf-8") == ARTICLE  # inputs untouched


def test_output_folder_is_never_left(run_cli: RunCli, tree: Path, tmp_path: Path) -> None:
    before = sorted(p for p in tmp_path.rglob("*"))
    dest = tmp_path / "out"
    run_cli("clean", tree, "-o", dest, "-q")
    after = sorted(p for p in tmp_path.rglob("*"))
    assert [p for p in after if p not in before and dest not in (p, *p.parents)] == []


def test_output_inside_the_input_is_not_read_back(run_cli: RunCli, tree: Path) -> None:
    dest = tree / "clean"
    assert run_cli("clean", tree, "-o", dest, "-q")[0] == 0
    assert run_cli("clean", tree, "-o", dest, "-q")[0] == 0
    assert not (dest / "clean").exists()


def test_output_must_be_a_folder(run_cli: RunCli, tree: Path) -> None:
    code, _, err = run_cli("clean", tree, "-o", tree / "a.txt", "-q")
    assert code == 2
    assert "-o" in err


def test_stdin(run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode("utf-8"))))
    code, out, err = run_cli("clean", "-", "-q")
    assert (code, out, err) == (0, CLEAN, "")


def test_glob_picks_other_files(run_cli: RunCli, tree: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out"
    assert run_cli("clean", tree, "-o", dest, "--glob", "*.md", "-q")[0] == 0
    assert sorted(p.name for p in dest.rglob("*") if p.is_file()) == ["c.md"]


def test_explain_prints_line_number_and_rule_id(run_cli: RunCli, tree: Path) -> None:
    code, out, _ = run_cli("clean", tree / "a.txt", "--explain", "-q")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("==") and lines[0].endswith("a.txt")
    assert any(line.split()[:2] == ["1", "-share-widget"] for line in lines[1:]), out
    assert any(line.split()[:2] == ["2", "~source-tag"] for line in lines[1:]), out


def test_summary_on_stderr_and_quiet(run_cli: RunCli, tree: Path, tmp_path: Path) -> None:
    code, out, err = run_cli("clean", tree, "-o", tmp_path / "out")
    assert code == 0 and out == ""
    summary = err.strip().splitlines()[-1]
    assert "2 files read" in summary and "1 changed" in summary and "0 failed" in summary
    assert "share-widget 1" in summary and "MB/s" in summary
    assert run_cli("clean", tree, "-o", tmp_path / "out2", "-q")[2] == ""


def test_skip_switches_a_rule_off(run_cli: RunCli, tree: Path) -> None:
    # above the body, "icon facebook" is also chrome by its shape: both rules must be off for it to stay
    code, out, _ = run_cli("clean", tree / "a.txt", "--skip", "share-widget", "--skip", "chrome-before-title",
                           "-q")
    assert code == 0
    assert out.startswith("icon facebook\n")
    code, out, _ = run_cli("clean", tree / "a.txt", "--skip", "share-widget", "-q")
    assert code == 0 and "icon facebook" not in out
    code, _, err = run_cli("clean", tree / "a.txt", "--skip", "share-widgte", "-q")
    assert code == 2 and "did you mean 'share-widget'" in err


def test_bad_rule_file_exits_2_with_file_and_line(run_cli: RunCli, tree: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: x\n    why: w\n    patern: 'y'\n", encoding="utf-8")
    code, out, err = run_cli("clean", tree / "a.txt", "--rules", bad)
    assert code == 2 and out == ""
    assert f"{bad}:4:" in err and "did you mean 'pattern'" in err
    assert len(err.strip().splitlines()) == 1


def test_unreadable_input_exits_2_others_are_done(run_cli: RunCli, tree: Path, tmp_path: Path) -> None:
    (tree / "bad.txt").write_bytes(b"H\xe1 N\xf4i\n")
    dest = tmp_path / "out"
    code, _, err = run_cli("clean", tree, "-o", dest)
    assert code == 2
    assert "bad.txt:1" in err and "--encoding" in err
    assert (dest / "a.txt").read_text(encoding="utf-8") == CLEAN
    assert (dest / "sub" / "b.txt").exists()
    assert not (dest / "bad.txt").exists()
    assert "1 failed" in err.strip().splitlines()[-1]


def test_missing_input_exits_2(run_cli: RunCli, tree: Path, tmp_path: Path) -> None:
    code, _, err = run_cli("clean", tree, tmp_path / "nope.txt", "-o", tmp_path / "out", "-q")
    assert code == 2 and "nope.txt" in err
    assert (tmp_path / "out" / "a.txt").exists()


def test_rules_list(run_cli: RunCli) -> None:
    code, out, _ = run_cli("rules", "list")
    assert code == 0
    first = out.splitlines()[0]
    assert first.split()[0] == "html-nav-footer"  # the file's first rule: its HTML section opens it
    assert "vn-news.yaml:" in first  # the source file and line
    assert any(line.startswith("byline ") for line in out.splitlines())


def test_rules_test_exit_codes(run_cli: RunCli, tmp_path: Path) -> None:
    code, out, _ = run_cli("rules", "test", "-q")
    assert code == 0 and out.strip().endswith(" 0 failed")
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("rules:\n  - id: x\n    why: w\n    pattern: '^icon'\n"
                     "    examples: {change: [icon facebook], keep: [icon zalo]}\n", encoding="utf-8")
    code, out, _ = run_cli("rules", "test", wrong)
    assert code == 1
    assert "FAIL x" in out and "1 passed, 1 failed" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [{id: x, why: w, pattern: '('}]\n", encoding="utf-8")
    assert run_cli("rules", "test", bad)[0] == 2


def test_usage_errors_exit_2(run_cli: RunCli, tree: Path) -> None:
    with pytest.raises(SystemExit) as info:
        run_cli("clean", tree, "--no-such-flag")
    assert info.value.code == 2
    assert run_cli()[0] == 2


def test_help_documents_the_exit_codes(run_cli: RunCli, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run_cli("clean", "--help")
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "exit codes:" in text
    for code in ("0", "1", "2"):
        assert f"\n  {code}  " in text


def test_python_dash_m_cleaner(tree: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "cleaner", "clean", str(tree / "a.txt"), "-q"],
                         capture_output=True, text=True, cwd=REPO, check=False,
                         env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    assert run.stdout == CLEAN
