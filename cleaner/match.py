"""Matching: each rule's compiled pattern, and one dispatch that finds, per line, the rules that may match.

Running 40 patterns on every line from Python is where the time went. The dispatch rules most pairs out
with one dictionary look-up per line: a pattern anchored at the line start is tried once, by partial
matching, on each distinct 4-character line opening (``regex`` answers "can a line that begins like this
match at all?"); one anchored at the end is tried, in reverse, on each distinct line ending; a pattern that
must contain one of a few literal strings is looked up in the whole document at once. The answers are
exact in one direction only (a "no" is certain), so the pattern still decides on the lines left.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import regex

from cleaner.errors import RuleTimeout
from cleaner.patterns import _branches, _close, anchored_at_start, may_backtrack
from cleaner.prefilter import Prefilter, prefilter_for
from cleaner.text import strip_marks

if TYPE_CHECKING:
    from cleaner.document import Document, Line
    from cleaner.rule import Rule

_WRAP = {
    "search": "(?:{})",
    "line": r"^\s*(?:{})\s*$",
    "start": r"^\s*(?:{})",
    "end": r"(?:{})\s*$",
}
#: How many characters of a line's opening and ending the dispatch looks at: long enough to tell "Tin l"
#: from "Theo", short enough that a few thousand distinct keys cover a corpus.
KEY_CHARS = 4
#: The dispatch caches forget everything past this many keys (memory stays bounded on any input).
_CACHE_LIMIT = 200_000


@functools.lru_cache(maxsize=4096)
def compile_source(src: str, ignore_case: bool) -> regex.Pattern[str]:
    """A rule pattern compiled once per process (rule sets that share rules share patterns)."""
    return regex.compile(src, regex.V0 | (regex.IGNORECASE if ignore_case else 0))


def rule_source(rule: Rule, normalize: Callable[[str], str] | None = None) -> str | None:
    """The full regular expression a rule runs: its pattern (or literals), folded, normalized, wrapped."""
    if rule.literals:
        lits = [normalize(lit) if normalize else lit for lit in rule.literals]
        src: str | None = "|".join(regex.escape(lit) for lit in lits)
    else:
        src = rule.pattern
        if src is not None and normalize is not None:
            src = normalize(src)
    if src is None:
        return None
    if rule.ignore_diacritics:
        # Only non-ASCII letters are folded, so escapes such as \D or \S keep their meaning.
        src = strip_marks(src)
    assert rule.match is not None
    return _WRAP[rule.match].format(src)


def compile_rule(rule: Rule, normalize: Callable[[str], str] | None = None) -> regex.Pattern[str] | None:
    src = rule_source(rule, normalize)
    return None if src is None else compile_source(src, rule.ignore_case)


def anchored_at_end(src: str) -> bool:
    """Every top-level branch ends with an unescaped ``$``: a match must end at the line end.

    >>> anchored_at_end(r"\\s[-–]\\s*\\d+\\s*$|hinh anh \\d+$"), anchored_at_end(r"a$|b")
    (True, False)
    """
    branches = _branches(src)
    if not branches:
        return False
    if len(branches) == 1 and src.startswith("(?:") and _close(src, 0) == len(src) - 1:
        return anchored_at_end(src[3:-1])  # the group a match mode wraps around the pattern
    return all(b.endswith("$") and not b.endswith("\\$") for b in branches)


def _starts_broad(src: str) -> bool:
    """The pattern opens (inside its groups) with a class such as ``[^.]`` or ``\\s``, not a literal."""
    while src.startswith("(?:"):
        src = src[3:]
    return src.startswith("[") or (src[:1] == "\\" and src[1:2] in "sSdDwWpPhH")


class Matcher:
    """One rule's compiled pattern: the search it runs on a line, with its time limit."""

    __slots__ = ("find", "fold", "head", "pat", "pre", "reverse", "rule", "stop", "timeout")

    def __init__(self, rule: Rule, timeout: float | None, normalize: Callable[[str], str] | None) -> None:
        self.rule = rule
        self.fold = rule.ignore_diacritics
        self.pat = compile_rule(rule, normalize)
        self.find: Callable[..., regex.Match[str] | None] | None = None
        self.head = self.reverse = None
        self.pre: Prefilter | None = None
        if self.pat is not None:
            # A pattern that can only match at the start of the line is tried there alone (``match``),
            # not at every position (``search``): ten times cheaper on a long line, same answer.
            anchored = anchored_at_start(self.pat.pattern) and not self.pat.flags & regex.MULTILINE
            self.find = self.pat.match if anchored else self.pat.search
            if anchored:
                self.head = self.pat
            else:
                if anchored_at_end(self.pat.pattern):
                    self.reverse = compile_reverse(self.pat.pattern, self.pat.flags)
                    if self.reverse is not None and _starts_broad(self.pat.pattern):
                        # A match must end at the line end and may start anywhere, with a character class
                        # the forward search tries at every position: searching from the end finds the same
                        # lines (only whether a line matches is asked of ``find``) in a fraction of the time.
                        self.find = self.reverse.search
                self.pre = prefilter_for(self.pat)
        self.stop: regex.Pattern[str] | None = None
        if rule.until not in (None, "blank", "end"):
            assert rule.until is not None
            until = normalize(rule.until) if normalize else rule.until
            self.stop = compile_source(strip_marks(until) if self.fold else until, rule.ignore_case)
        # The timeout clock costs more than most searches; only a pattern whose syntax can backtrack
        # without end (a repeated group holding a repeat or an alternation) runs with it.
        sources = [s for s in (self.pat.pattern if self.pat is not None else None, rule.until) if s]
        self.timeout = timeout if any(may_backtrack(s) for s in sources) else None

    def text(self, line: Line) -> str:
        return line.fold if self.fold else line.text

    def search(self, line: Line) -> regex.Match[str] | None:
        assert self.find is not None
        try:
            return self.find(self.text(line), timeout=self.timeout)
        except TimeoutError:
            raise RuleTimeout(f"rule '{self.rule.id}' ({self.rule.where}) took more than {self.timeout:g}s "
                              f"on line {line.number}; simplify its pattern (nested repeats such as (a|aa)+ "
                              "backtrack without end) or skip it with --skip " + self.rule.id) from None

    def search_all(self, lines: list[Line]) -> list[Line]:
        """The lines the pattern matches (``search`` on each, without a call per line)."""
        find, fold, timeout = self.find, self.fold, self.timeout
        assert find is not None
        if timeout is None:
            if fold:
                return [ln for ln in lines if find(ln.fold) is not None]
            return [ln for ln in lines if find(ln.text) is not None]
        return [ln for ln in lines if self.search(ln) is not None]

    def matches(self, line: Line) -> bool:
        return self.pat is None or self.search(line) is not None

    def timed_out(self) -> RuleTimeout:
        """The error for a substitution or a block's ``until`` that ran out of time."""
        return RuleTimeout(f"rule '{self.rule.id}' ({self.rule.where}) took more than {self.timeout:g}s "
                           "on one line; simplify its pattern (nested repeats such as (a|aa)+ backtrack "
                           "without end) or skip it with --skip " + self.rule.id)


@functools.lru_cache(maxsize=4096)
def compile_reverse(src: str, flags: int) -> regex.Pattern[str] | None:
    try:
        return regex.compile(src, flags | regex.REVERSE)
    except regex.error:  # pragma: no cover - every forward pattern compiles in reverse
        return None


class Dispatch:
    """For a list of matchers, the lines each one may match in a document (a superset of its hits)."""

    def __init__(self, matchers: Sequence[Matcher | None], markup_only: Sequence[int] = ()) -> None:
        self.matchers = list(matchers)
        #: Rules that only take lines read from HTML (``Condition.needs_markup``): a text gives them none.
        self.markup_only = tuple(markup_only)
        self.heads = [k for k, m in enumerate(self.matchers) if m is not None and m.head is not None]
        self.tails = [k for k, m in enumerate(self.matchers) if m is not None and m.reverse is not None]
        self.literal = [k for k, m in enumerate(self.matchers)
                        if m is not None and m.pre is not None and m.pre.literals and m.reverse is None]
        #: Rules whose prefilter is a set of first characters: tested line by line.
        self.first_char = [k for k, m in enumerate(self.matchers) if m is not None and m.pre is not None
                           and not m.pre.literals and m.reverse is None]
        looked = set(self.heads) | set(self.tails) | set(self.literal) | set(self.first_char)
        #: Rules with a pattern the dispatch cannot narrow: every line is a candidate.
        self.every = [k for k, m in enumerate(self.matchers)
                      if m is not None and m.pat is not None and k not in looked]
        # Tail rules that also have a literal prefilter test it on the lines their ending lets through.
        self.tail_pre = {k: self.matchers[k].pre for k in self.tails}  # type: ignore[union-attr]
        self._head_cache: dict[str, tuple[int, ...]] = {}
        self._tail_cache: dict[str, tuple[int, ...]] = {}

    def _head_ids(self, key: str) -> tuple[int, ...]:
        ids = self._head_cache.get(key)
        if ids is None:
            if len(self._head_cache) > _CACHE_LIMIT:
                self._head_cache.clear()
            folded = strip_marks(key)
            ids = self._head_cache[key] = tuple(
                k for k in self.heads
                if self.matchers[k].head.match(folded if self.matchers[k].fold else key,  # type: ignore
                                               partial=True) is not None)
        return ids

    def _tail_ids(self, key: str) -> tuple[int, ...]:
        ids = self._tail_cache.get(key)
        if ids is None:
            if len(self._tail_cache) > _CACHE_LIMIT:
                self._tail_cache.clear()
            folded = strip_marks(key)
            ids = self._tail_cache[key] = tuple(
                k for k in self.tails
                if self.matchers[k].reverse.match(folded if self.matchers[k].fold else key,  # type: ignore
                                                  partial=True) is not None)
        return ids

    def candidates(self, doc: Document) -> list[list[Line]]:
        """Per matcher, the document's lines it may match, in order; empty for rules with no pattern."""
        lines = doc.text_lines
        out: list[list[Line]] = [[] for _ in self.matchers]
        n = KEY_CHARS
        heads, tails = self.heads, self.tails
        if heads or tails:
            head_ids, tail_ids = self._head_ids, self._tail_ids
            head_cache, tail_cache = self._head_cache, self._tail_cache
            for ln in lines:
                t = ln.text
                if heads:
                    key = t[:n]
                    ids = head_cache.get(key)
                    for r in ids if ids is not None else head_ids(key):
                        out[r].append(ln)
                if tails:
                    key = t[-n:]
                    ids = tail_cache.get(key)
                    for r in ids if ids is not None else tail_ids(key):
                        out[r].append(ln)
        views: dict[tuple[bool, bool], tuple[str, list[int]]] = {}
        for k in tails:
            pre = self.tail_pre[k]
            if pre is not None and pre.literals and out[k]:
                m = self.matchers[k]
                assert m is not None
                if 2 * len(out[k]) > len(lines):
                    # Most lines end as a match might: look the literals up in the whole document at once.
                    found = {id(ln) for ln in _literal_lines(m, lines, views)}
                    out[k] = [ln for ln in out[k] if id(ln) in found]
                else:
                    out[k] = [ln for ln in out[k] if pre.may_match(m.text(ln))]
        if self.literal:
            for k in self.literal:
                out[k] = _literal_lines(self.matchers[k], lines, views)  # type: ignore[arg-type]
        for k in self.first_char:
            m = self.matchers[k]
            assert m is not None and m.pre is not None
            may, text = m.pre.may_match, m.text
            out[k] = [ln for ln in lines if may(text(ln))]
        for k in self.every:
            out[k] = lines
        if not doc.has_markup:
            for k in self.markup_only:
                out[k] = []
        return out

    def line_ids(self, line: Line) -> list[int]:
        """The matchers that may match one line (after an edit changed its text)."""
        t = line.text
        ids = set(self._head_ids(t[:KEY_CHARS])) | set(self._tail_ids(t[-KEY_CHARS:]))
        for k in self.literal + self.first_char:
            m = self.matchers[k]
            assert m is not None and m.pre is not None
            if m.pre.may_match(m.text(line)):
                ids.add(k)
        ids.update(self.every)
        return sorted(ids)


def _literal_lines(m: Matcher, lines: list[Line],
                   views: dict[tuple[bool, bool], tuple[str, list[int]]]) -> list[Line]:
    """The lines holding one of the prefilter's literals, found in the joined text with ``str.find``.

    ``views`` keeps the joined texts (folded or not, casefolded or not) for the other literal rules.
    """
    pre = m.pre
    assert pre is not None
    view = views.get((m.fold, pre.folds_case))
    if view is None:
        joined = "\n".join(ln.fold if m.fold else ln.text for ln in lines)
        if pre.folds_case:
            joined = joined.casefold()  # may change lengths: the line ends are found again
        view = views[(m.fold, pre.folds_case)] = (joined, [])
    joined, ends = view
    found: set[int] = set()
    for lit in pre.literals:
        at = joined.find(lit)
        while at >= 0:
            found.add(at)
            at = joined.find(lit, at + 1)
    if not found:
        return []
    if not ends:
        ends.extend(_line_ends(joined))
    hit = sorted({bisect.bisect_left(ends, at) for at in found})
    return [lines[i] for i in hit]


def _line_ends(text: str) -> list[int]:
    """Offsets of each ``\\n`` and of the text's end: line ``k`` ends at ``ends[k]``."""
    ends = []
    at = text.find("\n")
    while at >= 0:
        ends.append(at)
        at = text.find("\n", at + 1)
    ends.append(len(text))
    return ends


