"""Rules and rule sets: what one YAML rule does to a document's lines, and the ordered pipeline they form.

A ``RuleSet`` is the whole pipeline: input -> NFC + normalization fixes -> each rule in order -> output text.
"""

from __future__ import annotations

import bisect
import difflib
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from cleaner.errors import RuleError, RuleTimeout
from cleaner.markup import LineFacts, MarkupConditions, filter_lines
from cleaner.normalization import NormalizeOptions, Normalizer
from cleaner.patterns import anchored_at_start, may_backtrack
from cleaner.prefilter import prefilter_for
from cleaner.report import Change, Result
from cleaner.structure import Shape, find_layout, in_zone, run_lengths, shape_of
from cleaner.text import fold_key, strip_bom, strip_marks, to_lines, to_output, word_count

#: What a rule can do with the lines it matches.
ACTIONS = ("drop", "strip", "replace", "block", "repeat", "echo")
#: How a rule's pattern is matched against a line.
MATCH_MODES = ("search", "line", "start", "end")
#: A pattern that takes longer than this on one line is stopped and reported (catastrophic backtracking).
#: Real patterns take microseconds on a line and well under a second on a 100 MB one.
DEFAULT_TIMEOUT = 2.0
_DIGITS = regex.compile(r"\d+")
#: Up to this many kept lines, ``inside`` rules first rule lines out with one substring count each.
_COUNT_LINES = 400
#: A line counts as repeated inside another only when the other is this many characters longer.
_INSIDE_MARGIN = 10


@dataclass(frozen=True)
class Examples:
    """Lines (or short documents) a rule must change, optionally into an exact output, and must keep."""

    change: tuple[str | tuple[str, str], ...] = ()
    keep: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.change) + len(self.keep)


@dataclass(frozen=True)
class Rule:
    """One entry of a rule file. Field names are the YAML keys (``with`` is ``replacement`` here)."""

    id: str
    why: str
    action: str = "drop"
    pattern: str | None = None
    literals: tuple[str, ...] = ()
    match: str = "search"
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
    source: str = "<python>"
    line: int = 0

    @property
    def where(self) -> str:
        """``file:line`` of the rule's definition, for messages."""
        return f"{self.source}:{self.line}" if self.line else self.source

    def regex_source(self) -> str | None:
        """The regular expression this rule runs, before its match mode wraps it (``None``: no pattern)."""
        if self.literals:
            return "|".join(regex.escape(lit) for lit in self.literals)
        return self.pattern

    def compile(self) -> regex.Pattern[str] | None:
        """Compile the pattern with its options; raise ``RuleError`` naming the rule when it is invalid."""
        src = self.regex_source()
        if src is None:
            return None
        if self.ignore_diacritics:
            # Only non-ASCII letters are folded, so escapes such as \D or \S keep their meaning.
            src = strip_marks(src)
        wrapped = {
            "search": "(?:{})",
            "line": r"^\s*(?:{})\s*$",
            "start": r"^\s*(?:{})",
            "end": r"(?:{})\s*$",
        }[self.match].format(src)
        flags = regex.V0 | (regex.IGNORECASE if self.ignore_case else 0)
        try:
            return regex.compile(wrapped, flags)
        except regex.error as exc:
            raise RuleError(f"invalid regular expression: {exc}; check the pattern's brackets and escapes "
                            "(YAML single quotes keep backslashes as written)",
                            source=self.source, line=self.line, rule=self.id) from None


class _Doc:
    """The mutable state of one document while the rules run over it."""

    __slots__ = ("_kept", "_layout", "_pos", "by", "changes", "current", "facts", "folded", "keep", "keys",
                 "lines", "record", "shapes", "words")

    def __init__(self, lines: list[str], record: bool) -> None:
        self.lines = lines  # as they came in (after normalization)
        self.current = list(lines)  # after edits
        self.keep = [bool(line.strip()) for line in lines]  # blank lines are never output
        self.by: list[str | None] = [None] * len(lines)  # the rule that dropped each line
        # Per-line values every rule asks for, computed once and forgotten when the line is edited.
        self.folded: list[str | None] = [None] * len(lines)
        self.keys: list[str | None] = [None] * len(lines)
        self.words: list[int] = [-1] * len(lines)
        self.shapes: list[Shape | None] = [None] * len(lines)
        self._kept: list[int] | None = None
        self._pos: dict[int, int] | None = None
        self._layout: tuple[dict[int, str] | None] | None = None
        self.changes: list[Change] = []
        self.record = record
        self.facts: Sequence[LineFacts] | None = None  # what the markup says of each line (HTML input)

    def fold(self, i: int) -> str:
        f = self.folded[i]
        if f is None:
            f = self.folded[i] = strip_marks(self.current[i])
        return f

    def key(self, i: int) -> str:
        """``fold_key`` of the line as it is now."""
        k = self.keys[i]
        if k is None:
            k = self.keys[i] = fold_key(self.current[i])
        return k

    def word_count(self, i: int) -> int:
        n = self.words[i]
        if n < 0:
            n = self.words[i] = word_count(self.current[i])
        return n

    def shape(self, i: int) -> Shape:
        s = self.shapes[i]
        if s is None:
            s = self.shapes[i] = shape_of(self.current[i])
        return s

    def position(self, i: int) -> int:
        """Where kept line ``i`` stands among the kept lines (0-based)."""
        if self._pos is None:
            self._pos = {k: n for n, k in enumerate(self.kept())}
        return self._pos[i]

    def zones(self) -> dict[int, str] | None:
        """Each kept line's zone (``title``, ``header``, ``body``...; see ``cleaner.structure.Layout``).

        Read once, from the lines kept when the first rule asks, and not moved by later drops: once the
        chrome under the article is gone, a teaser that stood in it must not join the body.
        ``None`` when the text has no body paragraph.
        """
        if self._layout is None:
            kept = self.kept()
            layout = find_layout([self.shape(i) for i in kept])
            zones = None if layout is None else {i: layout.zone_of(pos) for pos, i in enumerate(kept)}
            if zones is not None and self.facts is not None:
                # On a page the markup knows better: what it puts inside the article's main text (a table,
                # a list, lines broken by <br>) is the story's own, whatever its shape; but a signature in
                # capitals or initials ("H.V.", "NGỌC MAI") is still a byline.
                for i in kept:
                    line = self.current[i]
                    if self.facts[i].in_main and zones[i] != "body" and line != line.upper():
                        zones[i] = "list"
            self._layout = (zones,)
        return self._layout[0]

    def has_zones(self) -> bool:
        """Whether a rule has asked for the zones of this document."""
        return self._layout is not None

    def _forget_kept(self) -> None:
        self._kept = None
        self._pos = None

    def drop(self, i: int, rule: str, reason: str | None = None) -> None:
        self.keep[i] = False
        self._forget_kept()
        self.by[i] = rule
        if self.record:
            self.changes.append(Change(rule, i + 1, "drop", self.current[i], reason=reason))

    def edit(self, i: int, rule: str, new: str) -> None:
        if self.record:
            self.changes.append(Change(rule, i + 1, "edit", self.current[i], new))
        self.current[i] = new
        self.folded[i] = self.keys[i] = None
        self.shapes[i] = None
        self.words[i] = -1
        if not new.strip():
            self.keep[i] = False
            self._forget_kept()
            self.by[i] = rule

    def restore(self, i: int) -> None:
        """Undo a drop (a rule whose condition is only decided at the end)."""
        rule = self.by[i]
        self.keep[i] = True
        self._forget_kept()
        self.by[i] = None
        self.changes = [c for c in self.changes if not (c.line == i + 1 and c.rule == rule)]

    def kept(self) -> list[int]:
        """Indexes of the lines still kept (shared until the next drop: callers must not change it)."""
        if self._kept is None:
            self._kept = [i for i, k in enumerate(self.keep) if k]
        return self._kept


_ZONE_WORDS = {
    "before_title": "above the title", "header": "between the title and the body",
    "before_body": "above the first body paragraph", "after_body": "after the last body paragraph",
    "outside_body": "outside the body", "body": "inside the body", "title": "the title",
    "list": "in a list the story introduces", "not_list": "not in a list the story introduces",
}
_SHAPE_WORDS = {
    "sentence": "a sentence", "not_sentence": "not a sentence", "headline": "headline-shaped",
    "menu": "a menu row", "short": "a short label", "paragraph": "a paragraph",
}


class _Compiled:
    """A rule with its pattern compiled and its conditions ready to test; built once per process."""

    __slots__ = ("after", "find", "pat", "pre", "rule", "timeout")

    def __init__(self, rule: Rule, timeout: float | None) -> None:
        self.rule = rule
        self.pat = rule.compile()
        self.after = frozenset(rule.after)
        # A search costs microseconds (more with the timeout clock); the prefilter rules most lines out first.
        self.pre = prefilter_for(self.pat) if self.pat is not None else None
        # A pattern that can only match at the start of the line is tried there alone (``match``), not
        # at every position (``search``): ten times cheaper on a long line, same answer.
        self.find = None
        if self.pat is not None:
            anchored = anchored_at_start(self.pat.pattern) and not self.pat.flags & regex.MULTILINE
            self.find = self.pat.match if anchored else self.pat.search
        # The timeout clock costs more than most searches; only a pattern whose syntax can backtrack
        # without end (a repeated group holding a repeat or an alternation) runs with it.
        sources = [s for s in (self.pat.pattern if self.pat is not None else None, rule.until) if s]
        self.timeout = timeout if any(may_backtrack(s) for s in sources) else None

    # -- conditions -------------------------------------------------------------------------------------
    def _candidates(self, doc: _Doc) -> list[int]:
        """Kept lines that satisfy the position, length and ``after`` conditions."""
        r = self.rule
        idx = doc.kept()
        if r.shape is not None and (r.first is not None or r.last is not None or r.not_first is not None):
            # With a shape, positions count the lines of that shape: "the first two sentences".
            shape = r.shape
            idx = [i for i in idx if doc.shape(i).is_(shape)]
        if r.not_first is not None:
            idx = idx[r.not_first:]
        if r.first is not None or r.last is not None:
            n = len(idx)
            lo = 0 if r.last is None else max(0, n - r.last)
            hi = n if r.first is None else min(n, r.first)
            if r.first is not None and r.last is not None:
                # both given: a line qualifies when it is in either end of the document
                head = set(idx[:hi])  # once: built per line it made first+last quadratic
                idx = idx[:hi] + [i for i in idx[lo:] if i not in head]
            else:
                idx = idx[lo:hi]
        if r.max_words is not None or r.min_words is not None:
            hi_w = r.max_words if r.max_words is not None else 1 << 30
            lo_w = r.min_words or 0
            idx = [i for i in idx if lo_w <= doc.word_count(i) <= hi_w]
        if self.after:
            idx = [i for i in idx if self._follows(doc, i)]
        if r.markup is not None:
            idx = filter_lines(r.markup, doc.facts, idx)
        if r.zone is not None or r.shape is not None or r.run is not None:
            idx = self._by_structure(doc, idx)
        return idx

    def _by_structure(self, doc: _Doc, idx: list[int]) -> list[int]:
        """``zone``, ``shape`` and ``run``: the lines whose place in the page and form the rule asks for."""
        r = self.rule
        if r.zone is not None:
            zones = doc.zones()
            if zones is None:
                return []  # no body paragraph: nothing stands before or after it
            zone = r.zone
            idx = [i for i in idx if i in zones and in_zone(zones[i], zone)]
        if r.shape is not None:
            shape = r.shape
            idx = [i for i in idx if doc.shape(i).is_(shape)]
        if r.run is not None and idx:
            chosen = set(idx)
            lengths = run_lengths([k in chosen for k in doc.kept()])
            idx = [i for i in idx if lengths[doc.position(i)] >= r.run]
        return idx

    def reason(self) -> str | None:
        """Why a structure rule took a line, in words, for ``--explain``."""
        r = self.rule
        parts = []
        if r.zone is not None:
            parts.append(_ZONE_WORDS.get(r.zone, r.zone))
        if r.shape is not None:
            parts.append(_SHAPE_WORDS.get(r.shape, r.shape))
        if r.run is not None:
            parts.append(f"in a run of {r.run} or more such lines")
        return ", ".join(parts) or None

    def restore_body(self, doc: _Doc) -> None:
        """``outside_body``: give back the lines this rule took between the first and the last paragraph of
        at least that many words, once every rule has run.

        A short bulleted list between two paragraphs is part of the story; the same bullets above the
        lead or under the last paragraph are the page's menus. The body is measured on what is left at
        the end, not when the rule runs, so a second pass over the output decides the same way.
        """
        n = self.rule.outside_body
        assert n is not None
        body = [i for i in doc.kept() if doc.word_count(i) >= n]
        if doc.has_zones():
            # Where the structure rules found the article, its body is the bound: a long footer line
            # under the related lists does not make the menus above it part of the story.
            zones = doc.zones() or {}
            body = [i for i in body if zones.get(i) == "body"]
        if body:
            for i in range(body[0] + 1, body[-1]):
                if doc.by[i] == self.rule.id:
                    doc.restore(i)

    def _follows(self, doc: _Doc, i: int) -> bool:
        """The previous non-blank line was dropped by a rule in ``after`` (or by any rule: ``dropped``)."""
        j = i - 1
        while j >= 0 and not doc.lines[j].strip():
            j -= 1
        if j < 0 or doc.by[j] is None:
            return False
        return "dropped" in self.after or doc.by[j] in self.after

    def _search(self, doc: _Doc, i: int) -> regex.Match[str] | None:
        assert self.pat is not None
        text = doc.fold(i) if self.rule.ignore_diacritics else doc.current[i]
        try:
            return self.find(text, timeout=self.timeout)  # type: ignore[misc]
        except TimeoutError:
            raise RuleTimeout(f"rule '{self.rule.id}' ({self.rule.where}) took more than {self.timeout:g}s "
                              f"on line {i + 1}; simplify its pattern (nested repeats such as (a|aa)+ "
                              "backtrack without end) or skip it with --skip " + self.rule.id) from None

    def _matches(self, doc: _Doc, i: int) -> bool:
        return self.pat is None or self._search(doc, i) is not None

    def _hits(self, doc: _Doc, idx: list[int]) -> list[int]:
        """The lines of ``idx`` that the pattern matches."""
        if self.pat is None:
            return list(idx)
        if self.pre is not None:
            may = self.pre.may_match
            if self.rule.ignore_diacritics:
                idx = [i for i in idx if may(doc.fold(i))]
            else:
                idx = [i for i in idx if may(doc.current[i])]
        return [i for i in idx if self._search(doc, i) is not None]

    # -- actions ----------------------------------------------------------------------------------------
    def apply(self, doc: _Doc) -> None:
        try:
            self._apply(doc)
        except TimeoutError:
            # _search names the line; a substitution or a block's 'until' pattern timed out here
            raise RuleTimeout(f"rule '{self.rule.id}' ({self.rule.where}) took more than {self.timeout:g}s "
                              "on one line; simplify its pattern (nested repeats such as (a|aa)+ backtrack "
                              "without end) or skip it with --skip " + self.rule.id) from None

    def _apply(self, doc: _Doc) -> None:
        action = self.rule.action
        if action == "drop":
            hits = self._hits(doc, self._candidates(doc))
            if hits and self._within_share(doc, hits):
                why = self.reason()
                for i in hits:
                    doc.drop(i, self.rule.id, why)
        elif action in ("strip", "replace"):
            for i in self._candidates(doc):
                new = self._substitute(doc, i)
                if new is not None and new != doc.current[i]:
                    doc.edit(i, self.rule.id, new)
        elif action == "block":
            self._block(doc)
        elif action == "repeat":
            self._repeat(doc)
        elif action == "echo":
            self._echo(doc)

    def _within_share(self, doc: _Doc, hits: list[int]) -> bool:
        """``max_share``: a rule that would remove more than this share of the text left does not fire.

        This is how a caption rule stands down on a photo story, where the captions are the article.
        """
        if self.rule.max_share is None:
            return True
        total = sum(len(doc.current[i]) for i in doc.kept())
        removed = sum(len(doc.current[i]) for i in hits)
        return total == 0 or removed / total <= self.rule.max_share

    def _key_at(self, doc: _Doc, i: int) -> str:
        """``_key`` of line ``i``, from the document's cache when the rule compares plain fold keys."""
        if self.rule.ignore_match and self.pat is not None:
            if self.rule.ignore_diacritics or \
                    self.pat.search(doc.current[i], timeout=self.timeout) is not None:
                return self._key(doc.current[i])
            # Nothing to take out: the key is the line's plain fold key, which the document caches.
        key = doc.key(i)
        if self.rule.ignore_numbers:
            key = fold_key(_DIGITS.sub("", key))
        return key

    def _key(self, line: str) -> str:
        if self.rule.ignore_match and self.pat is not None:
            # Compare what is left once the matched part (a counter such as " - 2") is taken out.
            line = self.pat.sub("", strip_marks(line) if self.rule.ignore_diacritics else line,
                                timeout=self.timeout)
        key = fold_key(line)
        if self.rule.ignore_numbers:
            key = fold_key(_DIGITS.sub("", key))
        return key

    def _substitute(self, doc: _Doc, i: int) -> str | None:
        assert self.pat is not None
        if self._search(doc, i) is None:
            return None
        line = doc.current[i]
        repl = self.rule.replacement if self.rule.action == "replace" else ""
        if not self.rule.ignore_diacritics:
            return self.pat.sub(repl, line, timeout=self.timeout)
        # Matches were found on the folded line, which has the same offsets: splice the original.
        out, pos = [], 0
        for m in self.pat.finditer(doc.fold(i), timeout=self.timeout):
            out.append(line[pos:m.start()])
            out.append(repl)
            pos = m.end()
        out.append(line[pos:])
        return "".join(out)

    def _block(self, doc: _Doc) -> None:
        """Drop each block: a start line the pattern matches and the lines after it, up to the stop.

        Each line is looked at a bounded number of times however many starts there are: where a block
        ends is found with memoized "next line that stops it" lookups, and ``max_share`` sums come from
        prefix sums. A block that is dropped cannot hold a later start, and one that stays changes
        nothing, so the sums taken at the start hold for every block. (Scanning from every start made
        ``until: end`` with ``max_share`` quadratic: 72 s on 30,000 lines.)
        """
        r = self.rule
        starts = self._hits(doc, self._candidates(doc))
        if not starts:
            return
        stop_pat = None
        if r.until not in (None, "blank", "end"):
            flags = regex.V0 | (regex.IGNORECASE if r.ignore_case else 0)
            stop_pat = regex.compile(strip_marks(r.until) if r.ignore_diacritics else r.until, flags)
        n = len(doc.lines)
        blank = [not line.strip() for line in doc.lines]

        def stops(i: int) -> bool:
            """A non-blank line that ends a block begun above it."""
            if blank[i]:
                return False
            if stop_pat is not None:
                text = doc.fold(i) if r.ignore_diacritics else doc.current[i]
                if stop_pat.search(text, timeout=self.timeout):
                    return True
            return r.until_longer is not None and doc.word_count(i) > r.until_longer

        next_stop = _NextIndex(n, stops if stop_pat is not None or r.until_longer is not None else None)
        next_blank = _NextIndex(n, blank.__getitem__)
        next_text = _NextIndex(n, lambda i: not blank[i])
        nonblank = [i for i in range(n) if not blank[i]] if r.max_lines is not None else []
        prefix: list[int] = []
        total = 0
        if r.max_share is not None:
            prefix = [0]
            for i in range(n):
                prefix.append(prefix[-1] + (len(doc.current[i]) if doc.keep[i] else 0))
            total = prefix[-1]
        for s in starts:
            if not doc.keep[s]:
                continue  # already inside an earlier block of this rule
            if r.until == "blank":
                first = next_text(s + 1)  # the block's second line: a blank line after it ends the block
                if first >= n or stops(first):
                    end = first
                else:
                    end = min(next_blank(first + 1), next_stop(first + 1))
            else:
                end = next_stop(s + 1)
            if r.max_lines is not None:
                k = bisect.bisect_left(nonblank, s) + r.max_lines
                if k < len(nonblank):
                    end = min(end, nonblank[k])
            if r.max_share is not None:
                removed = prefix[end] - prefix[s]
                if total and removed / total > r.max_share:
                    continue
                total -= removed
            for i in range(s, end):
                if doc.keep[i]:
                    doc.drop(i, r.id)

    def _repeat(self, doc: _Doc) -> None:
        """Drop a line whose folded form equals an earlier line's (the earlier copy stays).

        With ``inside``, drop a line whose text stands inside a longer line of the document, before or
        after it (a caption or pull quote that repeats a body sentence).
        """
        candidates = set(self._candidates(doc))
        if self.pat is not None:
            # Only a line the pattern matches can go (with ignore_match too: the counter must be there),
            # so the keys of the whole document are built only when such a line exists.
            candidates = set(self._hits(doc, sorted(candidates)))
        if not candidates:
            return
        if self.rule.inside:
            self._inside(doc, candidates)
            return
        seen: set[str] = set()
        for i in range(len(doc.current)):
            if not doc.lines[i].strip():
                continue
            key = self._key_at(doc, i)
            if not key:
                continue
            if key in seen and i in candidates and doc.keep[i] and self._matches(doc, i):
                doc.drop(i, self.rule.id)
            seen.add(key)

    def _inside(self, doc: _Doc, candidates: set[int]) -> None:
        # Containers are the lines still kept, so a caption that quotes the sapo does not take the sapo
        # with it; a container must be clearly longer (a paragraph around the repeated sentence).
        keys = {i: self._key_at(doc, i) for i in doc.kept()}
        # On a page-sized document one substring count over all keys rules out almost every line in C
        # (a key found only once stands inside no other line); on a huge one that count would make the
        # rule quadratic, so the word index below does the work alone.
        every = "\n".join(keys.values()) if len(keys) <= _COUNT_LINES else None
        index: dict[str, list[int]] | None = None
        for i in sorted(candidates):
            key = keys.get(i)
            if not key or not doc.keep[i] or not self._matches(doc, i):
                continue
            if every is not None and every.count(key) < 2:
                continue
            words = key.split(" ")
            pool: list[int] | dict[int, str] = keys
            if len(words) >= 3:
                # A key inside a container has its inner words as whole words of it (keys are words
                # joined by single spaces): look only at the lines holding the rarest of them. Trying
                # every line for every line takes hours on a file of a million lines.
                if index is None:
                    index = _word_index(keys)
                postings = [index.get(w, []) for w in words[1:-1]]
                pool = min(postings, key=len)
            if any(j != i and doc.keep[j] and len(keys[j]) >= len(key) + _INSIDE_MARGIN and key in keys[j]
                   for j in pool):
                doc.drop(i, self.rule.id)

    def _echo(self, doc: _Doc) -> None:
        """Drop two adjacent lines when the second nearly repeats the first (alt text and its caption)."""
        cand = set(self._candidates(doc))
        for i in range(len(doc.lines) - 1):
            j = i + 1
            if i not in cand or j not in cand or not (doc.keep[i] and doc.keep[j]):
                continue
            if " ".join(doc.current[i].split()) == " ".join(doc.current[j].split()):
                continue  # an exact copy is a repeat (the first copy is kept), not an echo
            a, b = self._key_at(doc, i), self._key_at(doc, j)
            if not a or not b:
                continue
            if difflib.SequenceMatcher(None, a.split(), b.split()).ratio() < self.rule.similarity:
                continue
            if self.pat is not None and not (self._matches(doc, i) or self._matches(doc, j)):
                continue
            doc.drop(i, self.rule.id)
            doc.drop(j, self.rule.id)


class RuleSet:
    """An ordered, immutable list of rules plus normalization options: the cleaning pipeline.

    Picklable: only the rule definitions travel; patterns are compiled again where the set is unpickled,
    once per process.
    """

    def __init__(self, rules: Iterable[Rule] = (), *, normalize: NormalizeOptions | None = None,
                 name: str = "custom", timeout: float | None = DEFAULT_TIMEOUT) -> None:
        self._rules: tuple[Rule, ...] = tuple(rules)
        self._options = normalize or NormalizeOptions()
        self._name = name
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                    or math.isnan(timeout) or timeout <= 0):
            raise ValueError(f"timeout must be a number of seconds above 0, or None for no limit; "
                             f"got {timeout!r}")
        self._timeout = timeout = None if timeout is not None and math.isinf(timeout) else timeout
        ids = [r.id for r in self._rules]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            first = next(r for r in self._rules if r.id in dup)
            raise RuleError("rule id is used twice; give each rule its own id "
                            f"(ids: {', '.join(sorted(dup))})",
                            source=first.source, line=first.line, rule=first.id)
        self._compiled = tuple(_Compiled(r, timeout) for r in self._rules)
        self._normalizer = Normalizer(self._options)

    # -- pickling: ship definitions, compile on arrival -------------------------------------------------
    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._rules, self._options, self._name, self._timeout))

    # -- what it is -------------------------------------------------------------------------------------
    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._rules

    @property
    def options(self) -> NormalizeOptions:
        return self._options

    @property
    def name(self) -> str:
        return self._name

    @property
    def timeout(self) -> float | None:
        """Seconds one pattern may run on one line before ``RuleTimeout`` (``None``: no limit)."""
        return self._timeout

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"<RuleSet {self._name!r}: {len(self._rules)} rules>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleSet):
            return NotImplemented
        return (self._rules, self._options) == (other._rules, other._options)

    def __hash__(self) -> int:
        return hash((self._rules, self._options))

    # -- derived sets -----------------------------------------------------------------------------------
    def without(self, *ids: str) -> RuleSet:
        """The same set with the given rule ids switched off; an unknown id is an error with a suggestion."""
        known = set(self.ids)
        for rid in ids:
            if rid not in known:
                near = difflib.get_close_matches(rid, sorted(known), n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else "; `vnclean rules list` shows the ids"
                raise RuleError(f"cannot skip unknown rule '{rid}'{hint}")
        drop = set(ids)
        return RuleSet([r for r in self._rules if r.id not in drop], normalize=self._options,
                       name=self._name, timeout=self._timeout)

    def with_options(self, **options: Any) -> RuleSet:
        """The same rules with some normalization options changed (``tone_style="new"``, ``ascii=True``)."""
        import dataclasses

        return RuleSet(self._rules, normalize=dataclasses.replace(self._options, **options),
                       name=self._name, timeout=self._timeout)

    def select(self, ids: Sequence[str], *, normalize: NormalizeOptions | None = None) -> RuleSet:
        """A set of only these rules (in this set's order), e.g. to run one rule's examples."""
        want = set(ids)
        unknown = sorted(want - set(self.ids))
        if unknown:
            near = difflib.get_close_matches(unknown[0], self.ids, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else "; `vnclean rules list` shows the ids"
            raise RuleError(f"cannot select unknown rule '{unknown[0]}'{hint}")
        return RuleSet([r for r in self._rules if r.id in want], normalize=normalize or self._options,
                       name=self._name, timeout=self._timeout)

    # -- the pipeline -----------------------------------------------------------------------------------
    def clean(self, text: str) -> str:
        """Clean one document: the fast path, with no record of what changed."""
        return self._run(text, record=False).text

    def explain(self, text: str, *, fixes: bool = True) -> Result:
        """Clean one document and say why: every dropped or edited line with its rule id and line number.

        With ``fixes=False`` the normalization fixes are applied but not itemized (only the rules'
        drops and edits are listed): what a run needs for its per-rule counts, at the cost of ``clean``.
        """
        return self._run(text, record=True, fixes=fixes)

    def clean_html(self, html: str | bytes) -> str:
        """Clean one saved HTML page (text, or bytes decoded as a browser would): the page's lines, with
        what the markup says about each, go through the rules; the result is plain text."""
        return self.explain_html(html, record=False).text

    def explain_html(self, html: str | bytes, *, record: bool = True, fixes: bool = True) -> Result:
        """``explain`` for an HTML page; line numbers count the lines read from the page
        (``cleaner.html.read_html(html).lines``)."""
        from cleaner.html import read_html

        doc = read_html(html)
        return self.run_lines(doc.text, doc.facts, record=record, fixes=fixes)

    def run_lines(self, text: str, facts: Sequence[LineFacts] | None, *, record: bool = True,
                  fixes: bool = True) -> Result:
        """Clean text whose lines carry markup facts (one per line, as ``cleaner.html`` reads them)."""
        return self._run(text, record=record, fixes=fixes, facts=facts)

    def _run(self, text: str, *, record: bool, fixes: bool = True,
             facts: Sequence[LineFacts] | None = None) -> Result:
        if not isinstance(text, str):
            raise TypeError(f"cleaning takes a str, not {type(text).__name__}; decode bytes first "
                            "(cleaner.files.decode)")
        text = strip_bom(text)
        lines = to_lines(text)
        norm_changes: list[Change] = []
        indents: list[str] | None = None
        if lines:
            joined = "\n".join(lines)
            if record and fixes:
                fixed, norm_changes = self._normalizer.explain(joined)
            else:
                fixed = self._normalizer.apply(joined)
            if fixed is not joined and fixed != joined:
                new_lines = fixed.split("\n")
                if len(new_lines) == len(lines):
                    indents = [line[:len(line) - len(line.lstrip())] for line in lines]
                lines = new_lines
        doc = _Doc(lines, record)
        if facts is not None and len(facts) == len(lines):
            doc.facts = facts
        if indents is not None:
            # Leading indentation is structure (indented related links), not text: normalization may
            # tidy it, but the rules see it as it came; the output strips it anyway.
            for i, lead in enumerate(indents):
                if lead and not doc.current[i].startswith(lead):
                    doc.current[i] = doc.lines[i] = lead + doc.current[i].lstrip()
            norm_changes = [c for c in norm_changes if (c.after or "").strip() != c.before.strip()]
        for c in self._compiled:
            c.apply(doc)
        for c in self._compiled:
            if c.rule.outside_body is not None:
                c.restore_body(doc)
        out = to_output([doc.current[i] for i in doc.kept()])
        if not unicodedata.is_normalized("NFC", out):
            # Removing a character (an invisible one, or a rule's strip) can leave a letter next to a
            # combining mark that NFC composes: the output is NFC whatever the rules did.
            out = unicodedata.normalize("NFC", out)
        if not record:
            return Result(out)
        changes = sorted(norm_changes + doc.changes, key=lambda c: c.line)
        return Result(out, tuple(changes))


class _NextIndex:
    """``f(j)``: the first ``i >= j`` (below ``n``) where ``pred(i)`` holds, else ``n``; each ``pred(i)`` is
    asked at most once, and a walk already made is not made again (so many lookups cost one pass)."""

    __slots__ = ("_jump", "_n", "_pred")

    def __init__(self, n: int, pred: Any) -> None:
        self._n = n
        self._pred = pred
        self._jump: dict[int, int] = {}

    def __call__(self, j: int) -> int:
        if self._pred is None:
            return self._n
        seen = []
        i = j
        while i < self._n and i not in self._jump and not self._pred(i):
            seen.append(i)
            i += 1
        found = self._jump.get(i, i) if i < self._n else self._n
        if i < self._n:
            self._jump[i] = found
        for k in seen:
            self._jump[k] = found
        return found


def _word_index(keys: dict[int, str]) -> dict[str, list[int]]:
    """Each word of the keys -> the lines whose key holds it."""
    index: dict[str, list[int]] = {}
    for i, key in keys.items():
        for w in set(key.split(" ")):
            index.setdefault(w, []).append(i)
    return index


def _rebuild(rules: tuple[Rule, ...], options: NormalizeOptions, name: str, timeout: float | None) -> RuleSet:
    return RuleSet(rules, normalize=options, name=name, timeout=timeout)
