"""``--check`` and ``--diff``: they say what cleaning would change and never write a file."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS

from cleaner import load_rules

DIRTY_SEED = next(SEEDS.glob("001_*.txt"))
#: An mtime far in the past: a file rewritten by the test run cannot keep it by accident.
OLD_MTIME_NS = 1_000_000_000 * 10**9


@pytest.fixture
def files(tmp_path):
    """A dirty file and a clean one, with old mtimes, in a folder of their own."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    dirty, clean = folder / "dirty.txt", folder / "clean.txt"
    dirty.write_bytes(DIRTY_SEED.read_bytes())
    clean.write_text(load_rules("vn-news").clean(DIRTY_SEED.read_text(encoding="utf-8")), encoding="utf-8")
    for p in (dirty, clean):
        os.utime(p, ns=(OLD_MTIME_NS, OLD_MTIME_NS))
    return dirty, clean


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below ``folder`` with its bytes and mtime: the same before and after = nothing written."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_check_lists_changed_files_exits_1_writes_nothing(files, run_cli):
    dirty, clean = files
    before = _state(dirty.parent)
    code, out, _ = run_cli("clean", "--check", dirty, clean)
    assert code == 1
    assert out.splitlines() == [f"would change: {dirty}"]
    assert _state(dirty.parent) == before


def test_check_on_clean_files_exits_0(files, run_cli):
    _, clean = files
    assert run_cli("clean", "--check", clean)[:2] == (0, "")


def test_check_on_a_folder_lists_only_what_would_change(files, run_cli):
    dirty, _ = files
    code, out, _ = run_cli("clean", "--check", dirty.parent)
    assert (code, out) == (1, f"would change: {dirty}\n")


def test_diff_prints_a_unified_diff_and_writes_nothing(files, run_cli):
    dirty, clean = files
    before = _state(dirty.parent)
    code, out, _ = run_cli("clean", "--diff", dirty, clean)
    assert code == 0  # --diff alone shows; --check is what fails
    assert out.startswith(f"--- a/{dirty}\n+++ b/{dirty}\n@@ ")
    assert "\n-  • icon gmail\n" in out
    assert f"a/{clean}" not in out
    assert _state(dirty.parent) == before


def test_diff_applies_to_the_cleaned_text(files, run_cli, tmp_path, monkeypatch):
    """The diff is a real patch: ``git apply`` turns the file into what ``--in-place`` writes."""
    dirty, _ = files
    monkeypatch.chdir(dirty.parent)
    _, out, _ = run_cli("clean", "--diff", dirty.name)
    patch = tmp_path / "change.patch"
    patch.write_text(out, encoding="utf-8")
    subprocess.run(["git", "apply", str(patch)], check=True, cwd=dirty.parent, capture_output=True)
    expected = load_rules("vn-news").clean(DIRTY_SEED.read_text(encoding="utf-8"))
    assert dirty.read_text(encoding="utf-8") == expected


def test_check_and_diff_combine(files, run_cli):
    dirty, clean = files
    before = _state(dirty.parent)
    code, out, _ = run_cli("clean", "--check", "--diff", dirty, clean)
    assert code == 1
    assert out.startswith(f"would change: {dirty}\n--- a/{dirty}\n+++ b/{dirty}\n")
    assert _state(dirty.parent) == before


def test_check_diff_on_crlf_file_shows_the_line_ends(tmp_path, run_cli):
    p = tmp_path / "crlf.txt"
    p.write_bytes("Hà Nội mưa to.\r\nĐường phố ngập.\r\n".encode())
    code, out, _ = run_cli("clean", "--check", "--diff", "--line-endings", "lf", p)
    assert code == 1
    assert out.endswith("-Hà Nội mưa to.\r\n-Đường phố ngập.\r\n+Hà Nội mưa to.\n+Đường phố ngập.\n")
    assert p.read_bytes() == "Hà Nội mưa to.\r\nĐường phố ngập.\r\n".encode()


@pytest.mark.parametrize("flag", ["--check", "--diff"])
@pytest.mark.parametrize("dest", [["--in-place"], ["-o", "out"]])
def test_check_and_diff_refuse_a_destination(files, run_cli, flag, dest):
    dirty, _ = files
    before = _state(dirty.parent)
    code, _, err = run_cli("clean", flag, *dest, dirty)
    assert code == 2
    assert "write nothing" in err
    assert _state(dirty.parent) == before


def test_check_on_stdin(run_cli, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(DIRTY_SEED.read_bytes())))
    code, out, _ = run_cli("clean", "--check", "-")
    assert (code, out) == (1, "would change: <stdin>\n")


def test_check_exits_2_when_an_input_cannot_be_read(files, run_cli):
    dirty, _ = files
    code, out, err = run_cli("clean", "--check", dirty, dirty.parent / "missing.txt")
    assert code == 2  # an unreadable input outranks "would change"
    assert out == f"would change: {dirty}\n"  # the other inputs are still checked
    assert "missing.txt" in err


def test_bad_rule_file_exits_2(files, run_cli, tmp_path):
    dirty, _ = files
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - id: x\n    why: y\n    patern: 'a'\n", encoding="utf-8")
    code, out, err = run_cli("clean", "--check", "--rules", bad, dirty)
    assert (code, out) == (2, "")
    assert "bad.yaml" in err
