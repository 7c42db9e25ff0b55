"""The seeds come out exactly as the hand-written golden files in tests/golden/ say."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from conftest import REPO, seed_files

from cleaner import load_rules

GOLDEN = REPO / "tests" / "golden"


@pytest.mark.parametrize("seed", seed_files(), ids=lambda p: p.stem[:3])
def test_seed_matches_golden(seed: Path) -> None:
    want = (GOLDEN / seed.name).read_text(encoding="utf-8")
    got = load_rules("vn-news").clean(seed.read_text(encoding="utf-8"))
    diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "golden", "output"))
    assert got == want, f"{seed.name} differs from tests/golden/{seed.name}:\n{diff}"


def test_every_seed_has_a_golden_file() -> None:
    assert len(seed_files()) == 5
    assert sorted(p.name for p in GOLDEN.glob("*.txt")) == sorted(p.name for p in seed_files())
