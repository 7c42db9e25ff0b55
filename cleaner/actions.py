"""What a rule does with the lines it selects: one class per action, each behind the registry below.

An action owns the YAML keys only it reads (``with``, ``until``...), checks them, and runs over a document
through its ``Step`` (the rule with its matcher and conditions, ``cleaner.ruleset``). Adding an action is
one class here, registered with ``@action``.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import regex

from cleaner import conditions
from cleaner.patterns import size_problem
from cleaner.text import fold_key, strip_marks

if TYPE_CHECKING:
    from cleaner.document import Document, Line
    from cleaner.rule import Rule
    from cleaner.ruleset import Step

_DIGITS = regex.compile(r"\d+")
#: Up to this many kept lines, ``inside`` rules first rule lines out with one substring count each.
_COUNT_LINES = 400
#: A line counts as repeated inside another only when the other is this many characters longer.
_INSIDE_MARGIN = 10


class Action:
    """Base class: the keys an action reads, their check, and how it runs."""

    name: ClassVar[str] = ""
    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {}
    #: The action does nothing without a pattern (or literals).
    needs_pattern: ClassVar[bool] = False
    #: ...unless a condition picks the lines by itself (a zone, a shape: ``conditions.picks_lines``).
    picked_is_enough: ClassVar[bool] = False
    #: The action decides each line on that line alone (see ``Condition.local``).
    local: ClassVar[bool] = False

    @classmethod
    def check(cls, rule: Rule) -> None:
        """Raise ``cleaner.rule.Invalid`` when the rule's values make no sense for this action; fill in
        this action's defaults (``Rule`` calls it from its own validation)."""
        from cleaner import conditions
        from cleaner.rule import Invalid

        if cls.needs_pattern and rule.pattern is None and not rule.literals and \
                not (cls.picked_is_enough and conditions.picks_lines(rule)):
            raise Invalid(f"action '{rule.action}' needs a 'pattern' (a regular expression) "
                          "or 'literals' (a list of lines)")
        if rule.replacement and rule.action != "replace":
            raise Invalid("'with' only goes with action: replace (strip removes the match)", "with")
        if rule.until is not None and rule.action != "block":
            raise Invalid("'until' only goes with action: block", "until")
        if rule.until_longer is not None and rule.action != "block":
            raise Invalid("'until_longer' only goes with action: block", "until_longer")
        if rule.ignore_match and (rule.action != "repeat" or rule.pattern is None):
            raise Invalid("'ignore_match' goes with action: repeat and a 'pattern' "
                          "(the part to leave out when comparing)", "ignore_match")
        for key in ("max_lines", "until_longer"):
            value = getattr(rule, key)
            if value is not None and value < 1:
                raise Invalid(f"'{key}' must be 1 or more, got {value}", key)
        similarity = float(rule.similarity)
        if not 0 < similarity <= 1:
            raise Invalid(f"'similarity' must be between 0 and 1, got {similarity}", "similarity")
        object.__setattr__(rule, "similarity", similarity)

    @classmethod
    def check_pattern(cls, rule: Rule, pat: regex.Pattern[str]) -> None:
        """Raise ``cleaner.rule.Invalid`` when the rule's values do not fit its compiled pattern (``Rule``
        calls it once the pattern compiles)."""

    def run(self, step: Step, doc: Document) -> None:
        raise NotImplementedError


#: Action name -> class, in the order the README lists them.
REGISTRY: dict[str, type[Action]] = {}
#: Every action key with its type.
KEYS: dict[str, type | tuple[type, ...]] = {}


def action(cls: type[Action]) -> type[Action]:
    """Register an action class under its ``name``."""
    REGISTRY[cls.name] = cls
    KEYS.update(cls.keys)
    return cls


@action
class Drop(Action):
    """Drop every selected line the pattern matches (``max_share`` may stand the whole rule down); with no
    pattern, every line the conditions select (a zone, a shape)."""

    name = "drop"
    needs_pattern = True
    picked_is_enough = True
    local = True

    def run(self, step: Step, doc: Document) -> None:
        hits = step.hits(doc)
        if hits and step.allow(doc, hits):
            for ln in hits:
                doc.drop(ln, step.rule.id, step.reason)


@action
class Strip(Action):
    """Remove what the pattern matches from each selected line (a line left empty is dropped)."""

    name = "strip"
    needs_pattern = True
    local = True

    def replacement(self, step: Step) -> str:
        return ""

    def run(self, step: Step, doc: Document) -> None:
        m = step.matcher
        assert m.pat is not None
        repl = self.replacement(step)
        for ln in step.hits(doc):
            line = ln.text
            if not m.fold:
                new = m.pat.sub(repl, line, timeout=m.timeout)
            else:
                # Matches were found on the folded line, which has the same offsets: splice the original.
                out, pos = [], 0
                for found in m.pat.finditer(ln.fold, timeout=m.timeout):
                    out.append(line[pos:found.start()])
                    out.append(repl)
                    pos = found.end()
                out.append(line[pos:])
                new = "".join(out)
            if new != line:
                doc.edit(ln, step.rule.id, new)


@action
class Replace(Strip):
    """Put ``with`` in place of each match."""

    name = "replace"
    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {"with": str}

    @classmethod
    def check(cls, rule: Rule) -> None:
        from cleaner.rule import Invalid

        super().check(rule)
        if rule.ignore_diacritics and "\\" in rule.replacement:
            raise Invalid("'with' cannot use group references when ignore_diacritics is true", "with")

    @classmethod
    def check_pattern(cls, rule: Rule, pat: regex.Pattern[str]) -> None:
        """A ``with`` that names a group the pattern lacks (``\\9``, ``\\g<nope>``) or holds a bad escape
        fails when the rule is made, not on the first line it matches."""
        from cleaner.rule import Invalid

        # An empty alternative matches "", which expands any template whose references the pattern has.
        probe = regex.compile(f"(?:{pat.pattern})|", pat.flags).match("")
        assert probe is not None
        try:
            probe.expand(rule.replacement)
        except (IndexError, regex.error) as exc:
            groups = f"\\1 to \\{pat.groups}" if pat.groups else "none"
            raise Invalid(f"'with' is not a valid replacement ({exc}); the pattern's groups: {groups}; write "
                          "a backslash as \\\\", "with") from None

    def replacement(self, step: Step) -> str:
        return step.rule.replacement


@action
class Block(Action):
    """Drop a matching line and the lines under it, up to ``until`` (a blank line, the end, or a line
    the ``until`` pattern matches), at most ``max_lines``, stopping before a line longer than
    ``until_longer`` words."""

    name = "block"
    needs_pattern = True
    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {"until": str, "max_lines": int, "until_longer": int}

    @classmethod
    def check(cls, rule: Rule) -> None:
        from cleaner.rule import Invalid

        if rule.until is None:
            object.__setattr__(rule, "until", "blank")
        super().check(rule)
        if rule.until not in ("blank", "end"):
            too_big = size_problem(rule.until or "")
            if too_big:
                raise Invalid(f"'until' refused: {too_big}", "until")
            try:
                regex.compile(rule.until or "")
            except regex.error as exc:
                raise Invalid(f"invalid regular expression in 'until': {exc}", "until") from None

    def run(self, step: Step, doc: Document) -> None:
        """Drop each block: a start line the pattern matches and the lines under it, up to where it stops.

        Each line is looked at a bounded number of times however many starts there are: where a block
        ends is found with memoized "next line that stops it" lookups, and ``max_share`` sums come from
        prefix sums. A block that is dropped cannot hold a later start, and one that stays changes
        nothing, so the sums taken at the start hold for every block. (Scanning from every start made
        ``until: end`` with ``max_share`` quadratic: 72 s on 30,000 lines.)
        """
        r, m = step.rule, step.matcher
        starts = step.hits(doc)
        if not starts:
            return
        lines = doc.lines
        n = len(lines)
        stop, longer = m.stop, r.until_longer

        def stops(i: int) -> bool:
            """A non-blank line that ends a block begun above it."""
            ln = lines[i]
            if ln.blank:
                return False
            if stop is not None and stop.search(m.text(ln), timeout=m.timeout):
                return True
            return longer is not None and ln.words > longer

        next_stop = _NextIndex(n, stops if stop is not None or longer is not None else None)
        next_blank = _NextIndex(n, lambda i: lines[i].blank)
        next_text = _NextIndex(n, lambda i: not lines[i].blank)
        nonblank = [ln.index for ln in doc.text_lines] if r.max_lines is not None else []
        shares = [c for c in step.allows if isinstance(c, conditions.MaxShare)]
        others = [c for c in step.allows if not isinstance(c, conditions.MaxShare)]
        prefix: list[int] = []
        total = 0
        if shares:
            # Shares of the text as the output has it (``MaxShare.allow``), summed once.
            prefix = [0]
            for ln in lines:
                prefix.append(prefix[-1] + (len(ln.text.strip()) if ln.kept else 0))
            total = prefix[-1]
        for start in starts:
            s = start.index
            if not start.kept:
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
            if shares:
                removed = prefix[end] - prefix[s]
                if total and any(removed / total > c.share for c in shares):
                    continue
            block = [ln for ln in lines[s:end] if ln.kept]
            if others and not all(c.allow(doc, block) for c in others):
                continue
            if shares:
                total -= removed
            for ln in block:
                doc.drop(ln, r.id)


class _NextIndex:
    """``f(j)``: the first ``i >= j`` (below ``n``) where ``pred(i)`` holds, else ``n``; each ``pred(i)`` is
    asked at most once, and a walk already made is not made again (so many lookups cost one pass)."""

    __slots__ = ("_jump", "_n", "_pred")

    def __init__(self, n: int, pred: Callable[[int], bool] | None) -> None:
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


class _Compare(Action):
    """What repeat and echo share: the key two lines are compared by."""

    @staticmethod
    def key_at(step: Step, ln: Line, may: set[int] | None = None) -> str:
        """The comparison key of a line; the line's cached fold key when the rule compares plain keys.

        ``may``: the lines the pattern may match (``id`` of each); a line outside it has nothing to take out.
        """
        r, pat, timeout = step.rule, step.matcher.pat, step.matcher.timeout
        if r.ignore_match and pat is not None:
            if r.ignore_diacritics or ((may is None or id(ln) in may) and
                                       pat.search(ln.text, timeout=timeout) is not None):
                # Compare what is left once the matched part (a counter such as " - 2") is taken out.
                text = strip_marks(ln.text) if r.ignore_diacritics else ln.text
                key = fold_key(pat.sub("", text, timeout=timeout))
                return fold_key(_DIGITS.sub("", key)) if r.ignore_numbers else key
            # Nothing to take out: the key is the line's plain fold key, which the line caches.
        key = ln.key
        if r.ignore_numbers:
            key = fold_key(_DIGITS.sub("", key))
        return key


@action
class Repeat(_Compare):
    """Drop a line whose folded form equals an earlier line's (the earlier copy stays).

    With ``inside``, drop a line whose text stands inside a longer line of the document, before or
    after it (a caption or pull quote that repeats a body sentence).
    """

    name = "repeat"
    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {
        "ignore_match": bool, "ignore_numbers": bool, "inside": bool}

    def run(self, step: Step, doc: Document) -> None:
        # Only a line the pattern matches can go (with ignore_match too: the counter must be there),
        # so the keys of the whole document are built only when such a line exists.
        candidates = step.hits(doc)
        if not candidates:
            return
        if step.rule.inside:
            self._inside(step, doc, candidates)
            return
        wanted = {id(ln) for ln in candidates}
        seen: set[str] = set()
        key_at = self.key_at
        doc.key_all()
        may = {id(ln) for ln in doc.candidates[step.index]} if step.rule.ignore_match else None
        plain = not (step.rule.ignore_match or step.rule.ignore_numbers)
        for ln in doc.text_lines:
            key = ln.key if plain else key_at(step, ln, may)
            if not key:
                continue
            if key in seen and id(ln) in wanted and ln.kept:
                doc.drop(ln, step.rule.id)
            seen.add(key)

    def _inside(self, step: Step, doc: Document, candidates: list[Line]) -> None:
        # Containers are the lines still kept, so a caption that quotes the sapo does not take the sapo
        # with it; a container must be clearly longer (a paragraph around the repeated sentence).
        doc.key_all()
        if step.rule.ignore_match or step.rule.ignore_numbers:
            keys = {ln.index: self.key_at(step, ln) for ln in doc.kept()}
        else:
            keys = {ln.index: ln.key for ln in doc.kept()}
        # On a page-sized document one substring count over all keys rules out almost every line in C
        # (a key found only once stands inside no other line); on a huge one that count would make the
        # rule quadratic, so the word index below does the work alone.
        every = "\n".join(keys.values()) if len(keys) <= _COUNT_LINES else None
        index: dict[str, list[int]] | None = None
        lines = doc.lines
        for ln in candidates:
            key = keys.get(ln.index)
            if not key or not ln.kept:
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
            i = ln.index
            if any(j != i and lines[j].kept and len(keys[j]) >= len(key) + _INSIDE_MARGIN and key in keys[j]
                   for j in pool):
                doc.drop(ln, step.rule.id)


@action
class Echo(_Compare):
    """Drop two lines that follow each other in the output when the second nearly repeats the first (alt
    text and its caption).

    Three or more such lines in a row are a list ("+ Đại sứ quán Pháp", "+ Đại sứ quán Bỉ", ...), not a
    picture's alt text and caption: they stay. Lines follow each other when only blank or dropped lines
    stand between them, as they will in the output, so a second pass pairs them alike.
    """

    name = "echo"
    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {"similarity": (float, int)}

    def run(self, step: Step, doc: Document) -> None:
        cand = step.candidates(doc)
        if len(cand) < 2:
            return
        wanted = {id(ln) for ln in cand}
        m = step.matcher
        doc.key_all()
        may = {id(ln) for ln in doc.candidates[step.index]} if m.pat is not None else set()
        kept = doc.kept()
        position = {id(ln): k for k, ln in enumerate(kept)}
        for a in cand:
            if not a.kept:
                continue
            k = position[id(a)]
            if k + 1 >= len(kept):
                continue
            b = kept[k + 1]
            if id(b) not in wanted or not b.kept:
                continue
            # The tests are all required; the cheap ones run first.
            if m.pat is not None and not ((id(a) in may and m.matches(a)) or (id(b) in may and m.matches(b))):
                continue
            if not self._similar(step, a, b):
                continue
            if " ".join(a.text.split()) == " ".join(b.text.split()):
                continue  # an exact copy is a repeat (the first copy is kept), not an echo
            before = kept[k - 1] if k > 0 else None
            after = kept[k + 2] if k + 2 < len(kept) else None
            if (before is not None and before.kept and self._similar(step, before, a)) or \
                    (after is not None and self._similar(step, b, after)):
                continue  # a list of like items
            doc.drop(a, step.rule.id)
            doc.drop(b, step.rule.id)

    def _similar(self, step: Step, a: Line, b: Line) -> bool:
        ka, kb = self.key_at(step, a), self.key_at(step, b)
        if not ka or not kb:
            return False
        similarity = step.rule.similarity
        # Keys are words joined by single spaces: the ratio cannot exceed 2 * shorter / total words.
        na, nb = ka.count(" ") + 1, kb.count(" ") + 1
        if 2 * min(na, nb) / (na + nb) < similarity:
            return False
        wa, wb = ka.split(), kb.split()
        # SequenceMatcher's ratio is 2 * matches / total words: it cannot reach the threshold when the
        # words both lines share are too few.
        common = set(wa) & set(wb)
        if 2 * sum(min(wa.count(w), wb.count(w)) for w in common) / (len(wa) + len(wb)) < similarity:
            return False
        return difflib.SequenceMatcher(None, wa, wb).ratio() >= similarity


def _word_index(keys: dict[int, str]) -> dict[str, list[int]]:
    """Each word of the keys -> the lines whose key holds it."""
    index: dict[str, list[int]] = {}
    for i, key in keys.items():
        for w in set(key.split(" ")):
            index.setdefault(w, []).append(i)
    return index
