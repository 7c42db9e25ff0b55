"""Run the ``examples`` a rule carries: lines it must change (maybe into an exact output) and must keep."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cleaner.errors import CleanerError
from cleaner.loader import load_rules, resolve, shipped_names
from cleaner.normalization import NormalizeOptions
from cleaner.report import Result
from cleaner.rules import Rule, RuleSet
from cleaner.text import to_lines, to_output

#: Examples test a rule, not the normalization fixes, so the fixes that rewrite characters are off; the tone
#: style is the set's own (see ``check_rule``).
EXAMPLE_OPTIONS = {"tone_style": "keep", "mojibake": False, "legacy": "off", "lookalikes": False,
                   "invisible": False, "spaces": False}


@dataclass(frozen=True)
class ExampleOutcome:
    """One example of one rule, and whether the rule did what the example says."""

    rule: Rule
    kind: str  # change | keep
    text: str
    ok: bool
    detail: str = ""

    @property
    def test_id(self) -> str:
        """``rule-id:kind:N``-style name, used as the pytest id."""
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return f"{self.rule.id}:{self.kind}:{first[:40]}"

    def describe(self) -> str:
        what = "must change" if self.kind == "change" else "must keep"
        msg = f"{self.rule.id} ({self.rule.where}) {what}: {self.text.strip()[:80]!r}"
        return f"{msg}: {self.detail}" if self.detail else msg


def _needed(rules: RuleSet, rule: Rule) -> list[str]:
    """The rule plus the rules its ``after:`` refers to, transitively (they must run first); ``dropped``
    refers to every rule before it."""
    by_id = {r.id: r for r in rules.rules}
    order = [r.id for r in rules.rules]
    want = {rule.id}
    todo = [(rid, rule.id) for rid in rule.after]
    while todo:
        rid, owner = todo.pop()
        if rid == "dropped":
            # "after any rule": every rule that runs before the one that says it
            todo.extend((r, owner) for r in order[:order.index(owner)])
        elif rid in by_id and rid not in want:
            want.add(rid)
            todo.extend((a, rid) for a in by_id[rid].after)
    return [r.id for r in rules.rules if r.id in want]


def check_rule(rules: RuleSet, rule: Rule) -> Iterator[ExampleOutcome]:
    """Run one rule's examples through that rule alone (and the rules it follows)."""
    # Examples meet text in the set's tone style, as its patterns do and as real input will: an example
    # written 'Hoà Bình' is 'Hòa Bình' for a set that writes old-style tones.
    options = NormalizeOptions.from_mapping({**EXAMPLE_OPTIONS, "tone_style": rules.options.tone_style})
    mini = rules.select(_needed(rules, rule), normalize=options)
    # A rule with markup conditions only sees pages: its examples are HTML.
    run = mini.explain_html if rule.markup is not None else mini.explain
    for item in rule.examples.change:
        text, want = (item, None) if isinstance(item, str) else item
        res = _explain(run, text)
        if isinstance(res, str):
            yield ExampleOutcome(rule, "change", text, False, res)
            continue
        fired = any(c.rule == rule.id for c in res.changes)
        if want is not None:
            expected = to_output(to_lines(mini.normalize(want)))
            ok = fired and res.text == expected
            detail = "" if ok else f"expected {expected!r}, got {res.text!r}"
        else:
            ok = fired
            detail = "" if ok else "the rule did not change it"
        yield ExampleOutcome(rule, "change", text, ok, detail)
    for text in rule.examples.keep:
        res = _explain(run, text)
        if isinstance(res, str):
            yield ExampleOutcome(rule, "keep", text, False, res)
            continue
        hits = [c for c in res.changes if c.rule == rule.id]
        detail = "" if not hits else f"the rule changed line {hits[0].line}: {hits[0].before!r}"
        yield ExampleOutcome(rule, "keep", text, not hits, detail)


def _explain(run: Callable[[str], Result], text: str) -> Result | str:
    """``run``'s result on an example (``explain``, or ``explain_html`` for a rule with markup conditions),
    or why it could not give one (a pattern that ran out of time)."""
    try:
        return run(text)
    except CleanerError as exc:
        return str(exc)


def run_examples(*files: str | os.PathLike[str]) -> Iterator[ExampleOutcome]:
    """Every example of every rule defined in ``files`` (default: every shipped set)."""
    targets = list(files) or shipped_names()
    for target in targets:
        path = resolve(target).resolve()
        rules = load_rules(path)
        for rule in rules.rules:
            if os.path.realpath(rule.source) != str(path) and not _same(rule.source, path):
                continue  # inherited through extends: tested with its own file
            yield from check_rule(rules, rule)


def _same(source: str, path: os.PathLike[str]) -> bool:
    try:
        return os.path.samefile(source, path)
    except OSError:
        return False
