"""vn-cleaner: turn scraped Vietnamese news into clean, normalized plain text.

>>> from cleaner import clean
>>> clean("  • icon facebook\\n(QBĐT) - Sáng nay, trời mưa.\\n")
'Sáng nay, trời mưa.\\n'
"""

from __future__ import annotations

import functools

__version__ = "0.1.0"

from cleaner.errors import CleanerError, InputError, RuleError
from cleaner.loader import load_rules
from cleaner.normalization import NormalizeOptions, Normalizer, fold_ascii, normalize
from cleaner.report import Change, Result
from cleaner.rules import Rule, RuleSet

__all__ = [
    "Change", "CleanerError", "InputError", "NormalizeOptions", "Normalizer", "Result", "Rule", "RuleError",
    "RuleSet", "clean", "fold_ascii", "load_rules", "normalize",
]


@functools.lru_cache(maxsize=16)
def _cached_rules(names: tuple[str, ...]) -> RuleSet:
    return load_rules(*names)


def clean(text: str, rules: str | tuple[str, ...] | RuleSet = "vn-news") -> str:
    """Clean one document with a shipped set or rule file (loaded once and cached) or a ``RuleSet``."""
    if isinstance(rules, RuleSet):
        return rules.clean(text)
    names = (rules,) if isinstance(rules, str) else tuple(rules)
    return _cached_rules(names).clean(text)
