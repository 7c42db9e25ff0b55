"""Rules and rule sets under their historical import path: ``from cleaner.rules import Rule, RuleSet``.

The engine lives in ``cleaner.rule`` (one rule), ``cleaner.document`` (the lines while rules run),
``cleaner.match`` (patterns and the dispatch), ``cleaner.conditions``, ``cleaner.actions`` and
``cleaner.ruleset`` (the pipeline).
"""

from __future__ import annotations

from cleaner.rule import ACTIONS, MATCH_MODES, Examples, Rule
from cleaner.ruleset import DEFAULT_TIMEOUT, RuleSet, Step

__all__ = ["ACTIONS", "DEFAULT_TIMEOUT", "MATCH_MODES", "Examples", "Rule", "RuleSet", "Step"]
