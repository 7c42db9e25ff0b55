"""Data-driven normalization cases from tests/normalize_cases/cases.yaml (format in its README)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from cleaner.normalization import normalize

CASES_FILE = Path(__file__).parent / "normalize_cases" / "cases.yaml"
CASES: list[dict[str, Any]] = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))


def _iconv(text: str, charset: str) -> str:
    if shutil.which("iconv") is None:
        pytest.skip("iconv is not installed: cannot build the legacy-encoded input")
    proc = subprocess.run(["iconv", "-f", "UTF-8", "-t", charset], input=text.encode("utf-8"),
                          capture_output=True, check=False)
    if proc.returncode != 0:
        pytest.skip(f"iconv cannot encode {charset}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout.decode("latin-1")  # the legacy bytes as a Western code page shows them


def _mojibake(text: str) -> str:
    # Windows-1252 leaves five bytes undefined; browsers and ftfy read them as C1 controls.
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8"))


def _make_input(case: dict[str, Any]) -> str:
    make = case.get("make")
    if make is None:
        return str(case["in"])
    out = str(case["out"])
    if make == "mojibake":
        return _mojibake(out)
    if make == "mojibake2":
        return _mojibake(_mojibake(out))
    if make == "tcvn3":
        return _iconv(out, "TCVN5712-1")
    if make == "viscii":
        return _iconv(out, "VISCII")
    raise ValueError(f"unknown 'make' value {make!r} in {CASES_FILE.name}")


def _param(case: dict[str, Any], index: int) -> Any:
    label = f"{case['class']}-{index}-{case.get('in', case.get('out'))!r}"[:60]
    marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
    return pytest.param(case, id=label, marks=marks)


def test_case_file_is_well_formed() -> None:
    allowed = {"class", "in", "out", "make", "options", "note", "xfail"}
    for case in CASES:
        assert set(case) <= allowed, case
        assert "in" in case or "make" in case, case
        assert case.get("note"), f"every case says why: {case}"
    assert len(CASES) >= 150
    assert sum(1 for c in CASES if "out" not in c) >= 30


@pytest.mark.parametrize("case", [_param(c, i) for i, c in enumerate(CASES)])
def test_case(case: dict[str, Any]) -> None:
    text = _make_input(case)
    expected = case.get("out", text)
    assert normalize(text, **case.get("options", {})) == expected, case["note"]
