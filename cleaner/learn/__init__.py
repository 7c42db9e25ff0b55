"""Learn a corpus's boilerplate: lines and line shapes repeated across many documents, written as a rule file.

>>> docs = [f"Đăng nhập\\nBài {i}: giá lúa tăng {i}%.\\nBản tin số {i}" for i in range(10)]
>>> learned = learn(docs, options=LearnOptions(min_docs=3), base=RuleSet())
>>> [r.id for r in learned.rules]
['learned-dang-nhap', 'learned-shape-ban-tin-so']
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from cleaner.dedup import Deduplicator
from cleaner.learn.corpus import DEFAULT_EXCLUDE, Document, SkippedRecord, iter_documents
from cleaner.learn.counter import Counts
from cleaner.learn.propose import Candidate, LearnOptions, Rejection, build_rules, select
from cleaner.loader import load_rules
from cleaner.normalization import Normalizer
from cleaner.rules import Rule, RuleSet

__all__ = ["DEFAULT_EXCLUDE", "Candidate", "Document", "LearnOptions", "Learned", "Rejection",
           "SkippedRecord", "iter_documents", "learn"]


@dataclass(frozen=True)
class Learned:
    """What ``learn`` found: proposed rules, rejected candidates and why, and the counts behind them."""

    rules: tuple[Rule, ...]
    accepted: tuple[Candidate, ...]
    rejected: tuple[Rejection, ...]
    documents: int
    lines: int
    threshold: int
    undercount: int
    options: LearnOptions
    base: str
    duplicates: int = 0  # documents left out as exact or near-duplicates of an earlier one


    def summary(self) -> str:
        """One line: documents read, rules proposed, candidates rejected."""
        dups = f" (and {self.duplicates} duplicates counted once)" if self.duplicates else ""
        return (f"{self.documents} documents{dups}, {self.lines} lines; {len(self.rules)} rules proposed "
                f"from {len(self.accepted)} lines and shapes in at least {self.threshold} documents; "
                f"{len(self.rejected)} candidates rejected")

    def to_yaml(self) -> str:
        """The rule file: a header saying how it was learned, then one entry per rule, each with examples."""
        o = self.options
        head = [
            "# Learned by `vnclean learn`: lines and line shapes repeated across many documents of a corpus.",
            f"# {self.documents} documents; a line or shape was proposed when it occurred in at least "
            f"{self.threshold} of them",
            f"# (--min-docs {o.min_docs}, --min-share {o.min_share:g}) and removed at most "
            f"{o.max_article_hits} lines that {self.base} keeps as article text.",
            f"# Exact and near-duplicate documents counted once: {self.duplicates} left out."
            if o.dedup else "# Duplicate documents were counted as often as they occur (dedup off).",
            "# Review every rule before use: delete any that removes article text. Check with",
            "#   vnclean rules test THIS_FILE",
            "# and use it after the shipped set: vnclean clean --rules vn-news --rules THIS_FILE ...",
        ]
        if self.undercount:
            head.append(f"# Counts may be low by up to {self.undercount} documents (rare lines were "
                        "forgotten to bound memory).")
        out = [*head, "name: learned", "rules:" if self.rules else "rules: []"]
        for r in self.rules:
            out.append(f"  - id: {r.id}")
            out.append(f"    why: {_q(r.why)}")
            if r.literals:
                out.append("    literals:")
                out.extend(f"      - {_q(lit)}" for lit in r.literals)
            else:
                out.append(f"    pattern: {_sq(r.pattern or '')}")
                out.append("    match: line")
            out.append("    ignore_diacritics: true")
            if r.first is not None:
                out.append(f"    first: {r.first}")
            if r.last is not None:
                out.append(f"    last: {r.last}")
            out.append("    examples:")
            out.append("      change:")
            out.extend(f"        - {_q(str(x))}" for x in r.examples.change)
            if r.examples.keep:
                out.append("      keep:")
                out.extend(f"        - {_q(x)}" for x in r.examples.keep)
        return "\n".join(out) + "\n"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML), with letters kept readable."""
    return json.dumps(text, ensure_ascii=False)


def _sq(text: str) -> str:
    """A YAML single-quoted scalar: backslashes stay as written, so a pattern reads as it runs."""
    return "'" + text.replace("'", "''") + "'"


def learn(documents: Iterable[str], *, base: RuleSet | str = "vn-news",
          options: LearnOptions | None = None) -> Learned:
    """Learn rules from documents (streamed once; memory is bounded by ``options``).

    ``base``: the rules the learned file will run after; they normalize the text before counting, they
    say which lines are article text (the safety check), and what they already remove is not proposed
    again unless ``options.include_covered``.
    """
    options = options or LearnOptions()
    rules = load_rules(base) if isinstance(base, str) else base
    normalizer = Normalizer(rules.options)
    counts = Counts(max_keys=options.max_keys, samples_per_key=options.samples_per_key,
                    sample_docs=options.sample_docs, seed=options.seed)
    # An article crawled twice (or syndicated) would otherwise look like a template shared by two pages.
    dedup = None
    if options.dedup:
        dedup = Deduplicator(options.dedup_threshold, max_index=options.dedup_max_index)
    for n, text in enumerate(documents):
        text = normalizer.apply(text.removeprefix("\ufeff"))
        # Past the index's room the threshold asks for 100 documents or more (see dedup_max_index): copies
        # no longer make a template, and comparing every later document would cost more than counting it.
        if dedup is not None and not dedup.full and dedup.check(str(n), text).duplicate:
            continue
        counts.add(text)
    duplicates = dedup.duplicates if dedup is not None else 0
    if not counts.documents:
        return Learned((), (), (), 0, 0, options.threshold(0), 0, options, rules.name, duplicates)
    accepted, rejected, pool = select(counts, rules, options)
    built = build_rules(accepted, pool, counts.documents, options)
    return Learned(tuple(built), tuple(accepted), tuple(rejected), counts.documents, counts.lines,
                   options.threshold(counts.documents), counts.undercount, options, rules.name, duplicates)
