"""Cheap tests that rule out most lines before a rule's regular expression runs on them.

A ``Prefilter`` answers "may this pattern match this line?" with no false "no": read off the pattern's
syntax tree, it is either the set of characters a match anchored at the line start can begin with, or a set
of literal strings one of which every match contains. Patterns it cannot read get no prefilter.
"""

from __future__ import annotations

from typing import Any

import regex

try:  # the stdlib parser of regular expressions (``re._parser`` since Python 3.11)
    import re._parser as _sre
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre

#: Leading whitespace as the patterns see it (the ``\s*`` after ``^``).
_LEAD = regex.compile(r"\s*", regex.V0)
_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}
#: Syntax the stdlib parser reads differently from ``regex``: POSIX classes (``[[:alpha:]]``) and braces that
#: are not a repeat count (``regex`` fuzzy matching, ``(?:x){e<=1}``). Such patterns get no prefilter.
_DIVERGENT = regex.compile(r"\[:\^?[A-Za-z_]+:\]|\{(?!\d*,?\d*\})")


class _Unknown(Exception):
    """A construct the prefilter does not read: the rule runs without one."""


class Prefilter:
    """``may_match(text)`` is False only when the pattern cannot match ``text``."""

    __slots__ = ("_first", "_fold", "_literals", "_seen", "_skip_space")

    def __init__(self, *, first: regex.Pattern[str] | None = None, skip_space: bool = False,
                 literals: tuple[str, ...] = (), fold: bool = False) -> None:
        self._first = first
        self._skip_space = skip_space
        self._literals = literals
        self._fold = fold
        self._seen: dict[str, bool] = {}

    @property
    def literals(self) -> tuple[str, ...]:
        """The strings one of which every match contains (casefolded when ``folds_case``); empty for a
        first-character prefilter."""
        return self._literals

    @property
    def folds_case(self) -> bool:
        return self._fold

    def may_match(self, text: str) -> bool:
        if self._first is not None:
            j = _LEAD.match(text).end() if self._skip_space else 0
            ch = text[j:j + 1]
            if not ch:
                return True
            ok = self._seen.get(ch)
            if ok is None:
                ok = self._seen[ch] = self._first.fullmatch(ch) is not None
            return ok
        if self._fold:
            text = text.casefold()
        return any(lit in text for lit in self._literals)


def prefilter_for(pat: regex.Pattern[str]) -> Prefilter | None:
    """The prefilter of a compiled rule pattern, or ``None`` when its syntax is beyond this reading."""
    flags = pat.flags
    if flags & (regex.MULTILINE | regex.VERBOSE | regex.DOTALL | regex.V1 | regex.FULLCASE):
        return None
    if _DIVERGENT.search(pat.pattern):
        return None
    try:
        tree = _sre.parse(pat.pattern)
        if tree.state.flags & (_sre.SRE_FLAG_MULTILINE | _sre.SRE_FLAG_VERBOSE | _sre.SRE_FLAG_DOTALL):
            return None
        anchored = _anchored(list(tree))
        if anchored is not None:
            skip_space, frags = anchored
            first = regex.compile("(?:" + "|".join(frags) + ")", flags)
            if skip_space and any(first.fullmatch(ch) for ch in _spaces()):
                return None  # a match could begin inside the leading whitespace
            return Prefilter(first=first, skip_space=skip_space)
        lits = _literals(list(tree))
    except (_Unknown, _sre.error, RecursionError):
        return None
    if not lits or not all(lits):
        return None
    fold = bool(flags & regex.IGNORECASE)
    return Prefilter(literals=tuple(sorted({x.casefold() if fold else x for x in lits})), fold=fold)


def _spaces() -> list[str]:
    # White_Space ends at U+3000; this is what ``\s`` can match.
    global _SPACE_CHARS
    if _SPACE_CHARS is None:
        s = regex.compile(r"\s", regex.V0)
        _SPACE_CHARS = [ch for ch in map(chr, range(0x3001)) if s.match(ch)]
    return _SPACE_CHARS


_SPACE_CHARS: list[str] | None = None


def _name(op: Any) -> str:
    return str(op)


def _is_lead_space(item: tuple[Any, Any]) -> bool:
    """``\\s*`` (greedy, from zero)."""
    op, av = item
    if _name(op) != "MAX_REPEAT":
        return False
    lo, _hi, sub = av
    sub = list(sub)
    return lo == 0 and len(sub) == 1 and _name(sub[0][0]) == "IN" and \
        [(_name(a), _name(b)) for a, b in sub[0][1]] == [("CATEGORY", "CATEGORY_SPACE")]


def _anchored(items: list[tuple[Any, Any]]) -> tuple[bool, list[str]] | None:
    """(skip leading spaces?, class fragments) when every match starts at ``^``; ``None`` otherwise."""
    if not items:
        return None
    op, av = items[0]
    if _name(op) == "AT" and _name(av) == "AT_BEGINNING":
        rest = items[1:]
        skip = bool(rest) and _is_lead_space(rest[0])
        if skip:
            rest = rest[1:]
        frags, nullable = _first(rest)
        return None if nullable else (skip, frags)
    if len(items) == 1 and _name(op) == "SUBPATTERN":
        _group, add, remove, sub = av
        return None if add or remove else _anchored(list(sub))
    if len(items) == 1 and _name(op) == "BRANCH":
        alternatives = [_anchored(list(b)) for b in av[1]]
        if any(a is None for a in alternatives) or len({a[0] for a in alternatives if a}) != 1:
            return None
        return alternatives[0][0], [f for a in alternatives if a for f in a[1]]  # type: ignore[index]
    return None


def _first(items: list[tuple[Any, Any]]) -> tuple[list[str], bool]:
    """Character-class fragments a match of the sequence can begin with, and whether it can match empty."""
    frags: list[str] = []
    for op, av in items:
        f, nullable = _first_item(_name(op), av)
        frags += f
        if not nullable:
            return frags, False
    return frags, True


def _first_item(op: str, av: Any) -> tuple[list[str], bool]:
    if op == "LITERAL":
        return [_char(av)], False
    if op == "NOT_LITERAL":
        return [f"[^{_char(av)}]"], False
    if op == "ANY":
        return ["."], False
    if op == "IN":
        return [_class(av)], False
    if op in _REPEATS:
        lo, _hi, sub = av
        f, nullable = _first(list(sub))
        return f, nullable or lo == 0
    if op == "SUBPATTERN":
        _group, add, remove, sub = av
        if add or remove:
            raise _Unknown
        return _first(list(sub))
    if op == "ATOMIC_GROUP":
        return _first(list(av))
    if op == "BRANCH":
        frags: list[str] = []
        nullable = False
        for b in av[1]:
            f, n = _first(list(b))
            frags += f
            nullable = nullable or n
        return frags, nullable
    if op in ("AT", "ASSERT", "ASSERT_NOT"):
        return [], True  # zero-width: the next item begins the match
    raise _Unknown


def _char(code: int) -> str:
    return f"\\U{code:08x}"


def _class(items: Any) -> str:
    parts = []
    negate = False
    for op, av in items:
        name = _name(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            parts.append(_char(av))
        elif name == "RANGE":
            parts.append(f"{_char(av[0])}-{_char(av[1])}")
        elif name == "CATEGORY" and _name(av) in _CATEGORIES:
            parts.append(_CATEGORIES[_name(av)])
        else:
            raise _Unknown
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def _literals(items: list[tuple[Any, Any]]) -> set[str] | None:
    """Strings one of which every match contains, or ``None``; the most selective choice in the sequence."""
    best: set[str] | None = None
    run: list[str] = []

    def consider(cand: set[str] | None) -> None:
        nonlocal best
        if cand and (best is None or min(map(len, cand)) > min(map(len, best))):
            best = cand

    for op, av in items:
        name = _name(op)
        if name == "LITERAL":
            run.append(chr(av))
            continue
        consider({"".join(run)} if run else None)
        run = []
        if name == "SUBPATTERN" and not av[1] and not av[2]:
            consider(_literals(list(av[3])))
        elif name == "BRANCH":
            alts = [_literals(list(b)) for b in av[1]]
            if all(alts):
                consider(set().union(*alts))  # type: ignore[arg-type]
        elif name in _REPEATS and av[0] >= 1:
            consider(_literals(list(av[2])))
    consider({"".join(run)} if run else None)
    return best
