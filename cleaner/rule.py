"""One rule: its definition, its defaults and its validation, the same whether it comes from YAML or Python.

``Rule(...)`` checks itself and fills in its defaults; ``Rule.from_mapping`` reads one YAML entry (types,
unknown keys, the line of each key for messages) and builds the same ``Rule``. Every text of a rule is NFC.
"""

from __future__ import annotations

import dataclasses
import difflib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import regex

from cleaner import actions, conditions
from cleaner.errors import RuleError
from cleaner.markup import MarkupConditions
from cleaner.patterns import size_problem

#: What a rule can do with the lines it matches (one class each in ``cleaner.actions``).
ACTIONS = tuple(actions.REGISTRY)
#: How a rule's pattern is matched against a line.
MATCH_MODES = ("search", "line", "start", "end")
#: Keys every rule may have, with the Python type each takes in YAML.
BASE_KEYS: dict[str, type | tuple[type, ...]] = {
    "id": str, "why": str, "pattern": str, "literals": list, "action": str, "match": str,
    "ignore_case": bool, "ignore_diacritics": bool, "examples": dict,
}


def rule_keys() -> dict[str, type | tuple[type, ...]]:
    """Every key a rule may have: the base keys, then each action's and each condition's own (a condition
    registered later counts too)."""
    return {**BASE_KEYS, **actions.KEYS, **conditions.KEYS}


#: The keys of the shipped actions and conditions (what the docs list).
RULE_KEYS = rule_keys()
#: YAML keys whose field in ``Rule`` has another name.
_FIELD = {"with": "replacement"}
_ID = regex.compile(r"[a-z0-9][a-z0-9._-]*")


class Invalid(Exception):
    """A rule breaks a constraint: the message, and the key to point at (its line in the file)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key


@dataclass(frozen=True)
class Examples:
    """Lines (or short documents) a rule must change, optionally into an exact output, and must keep."""

    change: tuple[str | tuple[str, str], ...] = ()
    keep: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.change) + len(self.keep)


def suggest(key: str, allowed: tuple[str, ...] | list[str]) -> str:
    """`` (did you mean 'x'?)`` for a near miss, else the list of what is allowed."""
    # `last_lines` means `last` (spelled out), not the closest spelling `max_lines` (a block's length).
    head = str(key).split("_")[0]
    if head != key and head in allowed:
        return f" (did you mean '{head}'?)"
    near = difflib.get_close_matches(str(key), list(allowed), n=1)
    return f" (did you mean '{near[0]}'?)" if near else f"; allowed: {', '.join(allowed)}"


def _nfc(value: Any) -> Any:
    """NFC-normalize every string inside a value: a file saved on macOS may hold NFD text."""
    if isinstance(value, str):
        return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if isinstance(value, (list, tuple)):
        return type(value)(_nfc(v) for v in value)
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Rule:
    """One entry of a rule file. Field names are the YAML keys (``with`` is ``replacement`` here).

    Defaults are the YAML defaults: ``literals`` match whole lines (``match: line``) unless a mode is
    given, a ``block`` runs to the next blank line (``until: blank``). The markup keys of YAML (``in``,
    ``link_density``...) make up ``markup``. Keys of conditions that are not fields here (plugged in
    ``cleaner.conditions``) travel in ``extra`` as ``(key, value)`` pairs.
    """

    id: str
    why: str
    action: str = "drop"
    pattern: str | None = None
    literals: tuple[str, ...] = ()
    match: str | None = None
    ignore_case: bool = True
    ignore_diacritics: bool = False
    replacement: str = ""
    first: int | None = None
    last: int | None = None
    max_words: int | None = None
    min_words: int | None = None
    after: tuple[str, ...] = ()
    until: str | None = None
    max_lines: int | None = None
    similarity: float = 0.6
    ignore_numbers: bool = False
    ignore_match: bool = False
    until_longer: int | None = None
    outside_body: int | None = None
    inside: bool = False
    not_first: int | None = None
    max_share: float | None = None
    shape: str | None = None
    zone: str | None = None
    run: int | None = None
    #: ``in``, ``not_in``, ``link_density``, ``class_words``, ``in_main``: only lines read from HTML qualify
    markup: MarkupConditions | None = None
    examples: Examples = field(default_factory=Examples)
    extra: tuple[tuple[str, Any], ...] = ()
    source: str = field(default="<python>", compare=False)
    line: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        try:
            self._settle()
        except Invalid as exc:
            source = None if self.source == "<python>" else self.source  # a rule built in Python: no file
            error = RuleError(exc.message, source=source, line=self.line or None, rule=_shown_id(self.id))
            error.key = exc.key  # type: ignore[attr-defined]  # for from_mapping: the line of that key
            raise error from None

    # -- defaults, NFC and validation --------------------------------------------------------------------
    def _set(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)

    def _settle(self) -> None:
        for f in dataclasses.fields(self):
            if f.name in ("source", "line"):
                continue
            value = getattr(self, f.name)
            if f.name in ("literals", "after") and isinstance(value, list):
                value = tuple(value)
            if f.name == "after" and isinstance(value, str):
                value = (value,)
            if f.name == "examples":
                value = Examples(_nfc(tuple(value.change)), _nfc(tuple(value.keep)))
            else:
                value = _nfc(value)
            self._set(f.name, value)
        if not isinstance(self.id, str) or not self.id:
            raise Invalid("every rule needs an 'id' (lower-case letters, digits, '-', '_', '.')")
        if not _ID.fullmatch(self.id):
            raise Invalid(f"id {self.id!r} may only use lower-case letters a-z, digits, '-', '_' and '.', "
                          "and starts with a letter or a digit", "id")
        if not isinstance(self.why, str) or not self.why.strip():
            raise Invalid("every rule needs a one-line 'why' saying what it removes and why")
        self._set("why", self.why.strip())
        if self.action not in actions.REGISTRY:
            raise Invalid(f"unknown action '{self.action}'{suggest(self.action, ACTIONS)}", "action")
        if self.match is None:
            self._set("match", "line" if self.literals else "search")
        if self.match not in MATCH_MODES:
            raise Invalid(f"unknown match mode '{self.match}'{suggest(str(self.match), MATCH_MODES)}",
                          "match")
        if self.pattern is not None and self.literals:
            raise Invalid("give either 'pattern' or 'literals', not both")
        if not all(isinstance(x, str) and x for x in self.literals):
            raise Invalid("'literals' must be a non-empty list of lines (text)", "literals")
        for key, _ in self.extra:
            if key not in conditions.KEYS:
                raise Invalid(f"unknown key '{key}'{suggest(key, tuple(rule_keys()))}", key)
        actions.REGISTRY[self.action].check(self)
        for cond in conditions.REGISTRY:
            cond.check(self)
        if self.pattern is not None or self.literals:
            from cleaner.match import compile_rule

            where = "pattern" if self.pattern is not None else "literals"
            # Before ``regex`` compiles it: ``(?:a{65535}){65535}`` would take gigabytes to compile.
            too_big = size_problem(self.regex_source() or "")
            if too_big:
                raise Invalid(f"pattern refused: {too_big}", where)
            try:
                pat = compile_rule(self)  # compiled once per process: the engine reuses it
            except regex.error as exc:
                raise Invalid(f"invalid regular expression: {exc}; check the pattern's brackets and escapes "
                              "(YAML single quotes keep backslashes as written)", where) from None
            assert pat is not None
            actions.REGISTRY[self.action].check_pattern(self, pat)

    # -- what it is ----------------------------------------------------------------------------------------
    @property
    def where(self) -> str:
        """``file:line`` of the rule's definition, for messages."""
        return f"{self.source}:{self.line}" if self.line else self.source

    def get(self, key: str, default: Any = None) -> Any:
        """The value of a rule key, a field or a plugged condition's (``extra``)."""
        name = _FIELD.get(key, key)
        if name in _FIELDS:
            return getattr(self, name)
        return dict(self.extra).get(key, default)

    def regex_source(self) -> str | None:
        """The regular expression this rule runs, before its match mode wraps it (``None``: no pattern)."""
        if self.literals:
            return "|".join(regex.escape(lit) for lit in self.literals)
        return self.pattern

    def compile(self) -> regex.Pattern[str] | None:
        """The rule's pattern compiled with its options (as the engine runs it on NFC text)."""
        from cleaner.match import compile_rule

        return compile_rule(self)

    # -- from YAML ---------------------------------------------------------------------------------------
    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "<python>", line: int = 0, *,
                     require_examples: bool = False) -> Rule:
        """Build a rule from one YAML entry; ``RuleError`` names the file, the key's line and the rule."""
        key_lines: dict[str, int] = getattr(data, "key_lines", {}) or {}
        rid = data.get("id") if isinstance(data, Mapping) else None

        def err(msg: str, key: str | None = None) -> RuleError:
            at = key_lines.get(key, line) if key else line
            return RuleError(msg, source=source, line=at or None, rule=_shown_id(rid))

        if not isinstance(data, Mapping):
            raise RuleError("a rule must be a mapping with at least id, why and pattern",
                            source=source, line=line or None)
        known = rule_keys()
        for key in data:
            if key not in known:
                raise err(f"unknown key '{key}'{suggest(key, tuple(known))}", key)
        # An id YAML reads as a number: ``id: 123`` (an int to PyYAML), or ``id: 1e3`` (text to PyYAML, a
        # number to YAML 1.2 and most other tools: the loader lists such plain scalars in ``numbers``).
        for key, value in data.items():
            if key == "id" and _is_number(value):
                continue  # said below, with the remedy
            if not _check_type(value, known[key]):
                raise err(f"'{key}' must be {_type_name(known[key])}, got {value!r}", key)
        if "id" in (getattr(data, "numbers", None) or ()) or _is_number(rid):
            raise err(f"id {rid} reads as a number; write it in quotes (id: '{rid}') or start it with a "
                      "letter", "id")
        if not isinstance(rid, str) or not rid:
            raise err("every rule needs an 'id' (lower-case letters, digits, '-', '_', '.')")
        action = data.get("action", "drop")
        if "literals" in data and not data["literals"]:
            raise err("'literals' must be a non-empty list of lines (text)", "literals")
        if action == "replace" and "with" not in data:
            raise err("action 'replace' needs 'with': the text that replaces each match")
        if "with" in data and action != "replace":
            raise err("'with' only goes with action: replace (strip removes the match)", "with")
        if "after" in data and isinstance(data["after"], list) and \
                not all(isinstance(a, str) for a in data["after"]):
            raise err("'after' must be a rule id or a list of rule ids", "after")
        examples = _parse_examples(data["examples"], err) if "examples" in data else Examples()
        if require_examples and not (examples.change and examples.keep):
            raise err("shipped rules need 'examples' with both 'change' and 'keep' lines")
        kwargs: dict[str, Any] = {"why": None}  # a missing 'why' is reported by the rule's own check
        gathered: set[str] = set()
        for cond in conditions.REGISTRY:
            # A condition whose keys make up one field (the markup keys: ``markup``) reads them itself.
            if cond.field is not None and any(k in data for k in cond.keys):
                kwargs[cond.field] = cond.gather(data, err)
                gathered.update(cond.keys)
        extra: list[tuple[str, Any]] = []
        for key, value in data.items():
            if key == "examples" or key in gathered:
                continue
            name = _FIELD.get(key, key)
            if name in _FIELDS:
                kwargs[name] = tuple(value) if isinstance(value, list) else value
            else:
                extra.append((key, value))
        try:
            return cls(**kwargs, examples=examples, extra=tuple(extra), source=source, line=line)
        except RuleError as exc:
            # the same message, pointing at the line of the key it is about
            raise err(exc.detail, getattr(exc, "key", None)) from None


_FIELDS = {f.name for f in dataclasses.fields(Rule)} - {"examples", "extra", "source", "line"}


def _shown_id(rid: Any) -> str | None:
    """The id a message names the rule by; an id holding a line break (or none) is left to the message."""
    return rid if isinstance(rid, str) and rid and rid.isprintable() else None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _type_name(t: type | tuple[type, ...]) -> str:
    names = {str: "text", bool: "true/false", int: "a whole number", float: "a number", list: "a list",
             dict: "a mapping"}
    ts = t if isinstance(t, tuple) else (t,)
    return " or ".join(names.get(x, x.__name__) for x in ts)


def _check_type(value: Any, t: type | tuple[type, ...]) -> bool:
    ts = t if isinstance(t, tuple) else (t,)
    if isinstance(value, bool) and bool not in ts:
        return False  # YAML true/false is not a number
    return isinstance(value, ts)


def _parse_examples(raw: Any, err: Any) -> Examples:
    if not isinstance(raw, dict):
        raise err("'examples' must be a mapping with 'change' and/or 'keep' lists")
    for key in raw:
        if key not in ("change", "keep"):
            raise err(f"unknown key '{key}' in examples{suggest(key, ['change', 'keep'])}")
    change: list[str | tuple[str, str]] = []
    if not isinstance(raw.get("change") or [], list):
        raise err("'examples.change' must be a list")
    for item in raw.get("change") or []:
        if isinstance(item, str):
            change.append(item)
        elif (isinstance(item, dict) and set(item) == {"in", "out"}
              and all(isinstance(v, str) for v in item.values())):
            change.append((item["in"], item["out"]))
        else:
            raise err("each 'examples.change' item is a line (text) or a mapping {in: text, out: text}")
    keep = raw.get("keep") or []
    if not isinstance(keep, list) or not all(isinstance(k, str) for k in keep):
        raise err("'examples.keep' must be a list of lines (text)")
    return Examples(tuple(change), tuple(keep))
