"""Quality on the shared corpus, by its own scorer: dev thresholds, exact seeds, a stable second run."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DEV, DEV2, SCORER, SEEDS, SEEDS_GOLD, dev_inputs, needs_shared, seed_files

from cleaner import load_rules

#: Levels reached, raised as quality rises and never lowered: losing article text is worse than leaving
#: boilerplate, so content kept is held higher than recall. dev holds the six sites the word rules were
#: written for; dev2 fourteen sites they were not (its full pages are where the structure rules work).
THRESHOLDS = {"dev": {"recall": 0.985, "content_kept": 0.999},
              "dev2": {"recall": 0.94, "content_kept": 0.999},
              "all": {"recall": 0.965, "content_kept": 0.999}}

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


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Each corpus cleaned with the shipped rules: name -> (gold folder, output folder); "all" joins them."""
    from cleaner.cli import main

    root = tmp_path_factory.mktemp("corpus")
    sets: dict[str, tuple[Path, Path]] = {}
    both_gold, both_out = root / "all-gold", root / "all-out"
    both_gold.mkdir()
    both_out.mkdir()
    for name, folder in (("dev", DEV), ("dev2", DEV2)):
        if not folder.is_dir():
            continue
        out = root / name
        assert main(["clean", str(folder), "-o", str(out), "-q"]) == 0
        sets[name] = (folder, out)
        for p in folder.glob("*.txt"):
            (both_gold / p.name).symlink_to(p)
        for p in out.glob("*.txt"):
            (both_out / p.name).symlink_to(p)
    sets["all"] = (both_gold, both_out)
    return sets


@pytest.mark.parametrize("name", sorted(THRESHOLDS))
def test_corpus_scores(cleaned: dict[str, tuple[Path, Path]], name: str) -> None:
    if name not in cleaned:
        pytest.skip(f"the shared corpus has no {name}/")
    score = _score(*cleaned[name])
    assert float(score["content_kept"]) >= THRESHOLDS[name]["content_kept"], score
    assert float(score["recall"]) >= THRESHOLDS[name]["recall"], score


def test_seeds_are_exact(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "seeds"
    _clean_folder(run_cli, SEEDS, out)
    score = _score(SEEDS_GOLD, out, "--input-dir", str(SEEDS))
    assert score["exact"] == f"{len(seed_files())}/{len(seed_files())}", score


@pytest.mark.parametrize("path", seed_files() + dev_inputs() + dev_inputs(DEV2), ids=lambda p: p.stem)
def test_second_run_changes_nothing(path: Path) -> None:
    rules = load_rules("vn-news")
    once = rules.explain(path.read_text(encoding="utf-8")).text
    again = rules.explain(once)
    assert again.text == once
    assert [c for c in again.changes if c.action != "fix"] == [], "a rule fired on its own output"


@pytest.mark.parametrize("gold", sorted(DEV.glob("*.gold.txt")) + sorted(DEV2.glob("*.gold.txt"))
                         + sorted(SEEDS_GOLD.glob("*.gold.txt")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_article_text_alone_loses_no_line(gold: Path) -> None:
    """A gold file is article text only: no rule may drop or cut any of its lines."""
    changes = load_rules("vn-news").explain(gold.read_text(encoding="utf-8")).changes
    assert [(c.line, c.rule, c.before) for c in changes if c.action != "fix"] == []
