"""Quality on the shared corpus, by its own scorer: dev thresholds, exact seeds, a stable second run."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DEV, SCORER, SEEDS, SEEDS_GOLD, dev_inputs, needs_shared, seed_files

from cleaner import load_rules

#: The issue's thresholds: losing article text is worse than leaving boilerplate.
MIN_CONTENT_KEPT = 0.99
MIN_RECALL = 0.90

pytestmark = needs_shared
RunCli = Callable[..., tuple[int, str, str]]


def _score(gold_dir: Path, out_dir: Path, *extra: str) -> dict[str, str]:
    run = subprocess.run([sys.executable, str(SCORER), str(gold_dir), str(out_dir), *extra],
                         capture_output=True, text=True, check=True)
    last = run.stdout.strip().splitlines()[-1]  # "recall=X content_kept=Y exact=A/B"
    return dict(re.findall(r"(\w+)=(\S+)", last))


def _clean_folder(run_cli: RunCli, src: Path, out: Path) -> None:
    code, _, err = run_cli("clean", src, "-o", out, "-q")
    assert code == 0, err


def test_dev_corpus_scores(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "dev"
    _clean_folder(run_cli, DEV, out)
    score = _score(DEV, out)
    assert float(score["content_kept"]) >= MIN_CONTENT_KEPT, score
    assert float(score["recall"]) >= MIN_RECALL, score


def test_seeds_are_exact(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "seeds"
    _clean_folder(run_cli, SEEDS, out)
    score = _score(SEEDS_GOLD, out, "--input-dir", str(SEEDS))
    assert score["exact"] == f"{len(seed_files())}/{len(seed_files())}", score


@pytest.mark.parametrize("path", seed_files() + dev_inputs(), ids=lambda p: p.stem)
def test_second_run_changes_nothing(path: Path) -> None:
    rules = load_rules("vn-news")
    once = rules.explain(path.read_text(encoding="utf-8")).text
    again = rules.explain(once)
    assert again.text == once
    assert [c for c in again.changes if c.action != "fix"] == [], "a rule fired on its own output"


@pytest.mark.parametrize("gold", sorted(DEV.glob("*.gold.txt")) + sorted(SEEDS_GOLD.glob("*.gold.txt")),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_article_text_alone_loses_no_line(gold: Path) -> None:
    """A gold file is article text only: no rule may drop or cut any of its lines."""
    changes = load_rules("vn-news").explain(gold.read_text(encoding="utf-8")).changes
    assert [(c.line, c.rule, c.before) for c in changes if c.action != "fix"] == []
