"""Shared fixtures: where the repo, the seeds and the read-only shared corpus are, and a CLI runner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
#: The read-only corpus beside the checkout (../shared); tests that need it skip when it is absent.
SHARED = Path(os.environ.get("VNCLEAN_SHARED", REPO.parent / "shared"))
DEV = SHARED / "corpus" / "dev"
#: Documents from 14 sites the rules were not written for (4 of them full saved pages).
DEV2 = SHARED / "corpus" / "dev2"
SEEDS_GOLD = SHARED / "corpus" / "seeds-gold"
SCORER = SHARED / "tools" / "score_corpus.py"

needs_shared = pytest.mark.skipif(
    not DEV.is_dir(), reason=f"the shared dev corpus is not at {DEV} (set VNCLEAN_SHARED to its folder)")


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def dev_inputs(folder: Path = DEV) -> list[Path]:
    """The scraped inputs of a corpus folder (NAME.txt, not NAME.gold.txt); empty when it is absent."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.txt") if not p.name.endswith(".gold.txt"))


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):
    """Run ``vnclean`` in-process: ``code, out, err = run_cli("clean", "x.txt")``."""
    from cleaner.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
