"""The syntax checks behind two speed-ups: ``match`` for anchored patterns, the timeout only where needed."""

from __future__ import annotations

import pytest

from cleaner import load_rules
from cleaner.patterns import anchored_at_start, may_backtrack


@pytest.mark.parametrize("src", [r"^a", r"^\s*(?:a|b)\s*$", r"(?:^a|^b)c", r"\Afoo", r"(^x)y", r"^a|^b"])
def test_anchored(src: str) -> None:
    assert anchored_at_start(src)


@pytest.mark.parametrize("src", [r"a", r"^a|b", r"(?:^a)?b", r"(?:^a|b)c", r"[\^]a", r"\^a", r"(?:^a", r"x^"])
def test_not_anchored(src: str) -> None:
    assert not anchored_at_start(src)


@pytest.mark.parametrize("src", [r"(a+)+$", r"(?:x|xx)*y", r"(a*b?)*", r"(?:\s+\w+){1,}", r"(?:a|b){0,20}"])
def test_may_backtrack(src: str) -> None:
    assert may_backtrack(src)


@pytest.mark.parametrize("src", [r"^\s*[•·]\s*\S", r"[(+)]+", r"\(a+\)+", r"(?:ab)+", r"(?:a|b){0,3}x",
                                 r"a{2,}"])
def test_cannot_explode(src: str) -> None:
    assert not may_backtrack(src)


def test_match_finds_what_search_finds_for_every_anchored_shipped_rule() -> None:
    """The engine uses ``match`` for anchored patterns; on real lines it must agree with ``search``."""
    from tests.conftest import dev_inputs, seed_files

    files = [*seed_files(), *dev_inputs()]
    lines = [line for p in files for line in p.read_text(encoding="utf-8").splitlines()]
    lines += ["  • Xã hội", "icon facebook", "Thứ tư, 22/10/2025, 19:25 (GMT+7)", "TIN LIÊN QUAN"]
    checked = 0
    for compiled in (s.matcher for s in load_rules("vn-news").steps):
        pat = compiled.pat
        if pat is None or not anchored_at_start(pat.pattern):
            continue
        for line in lines:
            assert bool(pat.match(line)) == bool(pat.search(line)), (compiled.rule.id, line)
        checked += 1
    assert checked >= 10


def test_hostile_pattern_still_runs_with_the_timeout() -> None:
    """Skipping the timeout clock for safe patterns must not skip it for one that explodes."""
    from cleaner.errors import RuleTimeout
    from cleaner.rules import Rule, RuleSet

    rs = RuleSet([Rule(id="evil", why="nested repeat", pattern=r"(a|aa)+$")], timeout=0.05)
    with pytest.raises(RuleTimeout, match="evil"):
        rs.clean("a" * 80 + "ba\n")  # ends like a match: the dispatch lets the search run
