"""Every example of every shipped rule as one pytest case, with the id ``rule-id:kind:text``."""

from __future__ import annotations

import pytest

from cleaner.examples import ExampleOutcome, run_examples
from cleaner.loader import load_rules, shipped_names

OUTCOMES: list[ExampleOutcome] = list(run_examples())


def _ids(outcomes: list[ExampleOutcome]) -> list[str]:
    # Two examples may open with the same 40 characters; number the repeats so every id is unique.
    seen: dict[str, int] = {}
    ids = []
    for o in outcomes:
        base = o.test_id
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return ids


def test_shipped_sets_have_examples() -> None:
    assert "vn-news" in shipped_names()
    assert len(OUTCOMES) >= 2 * len(load_rules("vn-news"))


@pytest.mark.parametrize("outcome", OUTCOMES, ids=_ids(OUTCOMES))
def test_example(outcome: ExampleOutcome) -> None:
    assert outcome.ok, outcome.describe()


@pytest.mark.parametrize("name", shipped_names())
def test_every_rule_has_both_kinds_of_example(name: str) -> None:
    missing = [r.id for r in load_rules(name).rules if not (r.examples.change and r.examples.keep)]
    assert not missing, f"rules without both 'change' and 'keep' examples: {missing}"
