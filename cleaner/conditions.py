"""Conditions on where a rule may act: one class per condition, each behind the registry below.

A condition owns its YAML keys (with their types), checks their values, and narrows a rule's candidate
lines. Adding one (a markup fact such as link density, a sentence shape) is one class here, registered
with ``@condition``; its keys are then valid in YAML and in ``Rule(extra=...)``, and the engine runs it.

Hooks, each optional:
``window``  picks candidates among all kept lines at once (positions); runs first.
``select``  filters candidate lines one by one (a pure test of the line and its neighbours).
``allow``   vetoes a rule's hits as a whole (``max_share``).
``settle``  runs once every rule has run (``outside_body`` gives lines back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from cleaner.document import Document, Line
    from cleaner.rule import Rule


class Condition:
    """Base class: the keys a condition reads, their check, and the hooks that narrow candidates."""

    #: YAML key -> the Python type(s) it takes.
    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {}
    #: Hooks this class implements (the engine calls only those).
    window_hook: ClassVar[bool] = False
    select_hook: ClassVar[bool] = False
    allow_hook: ClassVar[bool] = False
    settle_hook: ClassVar[bool] = False
    #: The condition looks at the line alone (its text, its words, its markup), not at other lines: a rule
    #: made only of such conditions needs to see a line again only when its text changed.
    local: ClassVar[bool] = True

    @classmethod
    def check(cls, rule: Rule) -> None:
        """Raise ``cleaner.rule.Invalid`` when the rule's values for these keys make no sense."""

    @classmethod
    def build(cls, rule: Rule) -> Condition | None:
        """The condition for this rule, or ``None`` when the rule does not use it."""
        return None

    def window(self, doc: Document, kept: list[Line]) -> list[Line]:
        return kept

    def select(self, doc: Document, lines: list[Line]) -> list[Line]:
        return lines

    def allow(self, doc: Document, hits: list[Line]) -> bool:
        return True

    def settle(self, doc: Document, rule_id: str) -> None:
        """Once every rule has run."""


#: Every condition, in the order the engine applies them.
REGISTRY: list[type[Condition]] = []
#: Every condition key with its type.
KEYS: dict[str, type | tuple[type, ...]] = {}


def condition(cls: type[Condition]) -> type[Condition]:
    """Register a condition class (its keys become valid rule keys)."""
    REGISTRY.append(cls)
    KEYS.update(cls.keys)
    return cls


def _at_least_one(rule: Rule, *keys: str) -> None:
    from cleaner.rule import Invalid

    for key in keys:
        value = rule.get(key)
        if value is not None and value < 1:
            raise Invalid(f"'{key}' must be 1 or more, got {value}", key)


def _share(rule: Rule, key: str) -> None:
    from cleaner.rule import Invalid

    value = rule.get(key)
    if value is not None and not 0 < value <= 1:
        raise Invalid(f"'{key}' must be between 0 and 1, got {value}", key)


@condition
class Position(Condition):
    """``first: N`` / ``last: N`` (a line among the first or last N kept lines; both: either end),
    ``not_first: N`` (never one of the first N)."""

    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {"first": int, "last": int, "not_first": int}
    window_hook = True
    local = False

    def __init__(self, first: int | None, last: int | None, not_first: int | None) -> None:
        self.first, self.last, self.not_first = first, last, not_first

    @classmethod
    def check(cls, rule: Rule) -> None:
        _at_least_one(rule, "first", "last", "not_first")

    @classmethod
    def build(cls, rule: Rule) -> Condition | None:
        if (rule.first, rule.last, rule.not_first) == (None, None, None):
            return None
        return cls(rule.first, rule.last, rule.not_first)

    def window(self, doc: Document, kept: list[Line]) -> list[Line]:
        idx = kept
        if self.not_first is not None:
            idx = idx[self.not_first:]
        if self.first is not None or self.last is not None:
            n = len(idx)
            lo = 0 if self.last is None else max(0, n - self.last)
            hi = n if self.first is None else min(n, self.first)
            if self.first is not None and self.last is not None:
                head = idx[:hi]
                taken = {id(ln) for ln in head}
                idx = head + [ln for ln in idx[lo:] if id(ln) not in taken]
            else:
                idx = idx[lo:hi]
        return idx


@condition
class Words(Condition):
    """``max_words`` / ``min_words``: the line's length in words."""

    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {"max_words": int, "min_words": int}
    select_hook = True

    def __init__(self, lo: int, hi: int) -> None:
        self.lo, self.hi = lo, hi

    @classmethod
    def check(cls, rule: Rule) -> None:
        _at_least_one(rule, "max_words", "min_words")

    @classmethod
    def build(cls, rule: Rule) -> Condition | None:
        if rule.max_words is None and rule.min_words is None:
            return None
        return cls(rule.min_words or 0, rule.max_words if rule.max_words is not None else 1 << 30)

    def select(self, doc: Document, lines: list[Line]) -> list[Line]:
        lo, hi = self.lo, self.hi
        return [ln for ln in lines if lo <= ln.words <= hi]


@condition
class After(Condition):
    """``after: [ids]``: the previous non-blank line was dropped by one of these rules (``dropped``: any)."""

    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {"after": (str, list)}
    select_hook = True
    local = False

    def __init__(self, after: frozenset[str]) -> None:
        self.after = after
        self.any = "dropped" in after

    @classmethod
    def check(cls, rule: Rule) -> None:
        from cleaner.rule import Invalid

        if not all(isinstance(a, str) for a in rule.after):
            raise Invalid("'after' must be a rule id or a list of rule ids", "after")

    @classmethod
    def build(cls, rule: Rule) -> Condition | None:
        return cls(frozenset(rule.after)) if rule.after else None

    def select(self, doc: Document, lines: list[Line]) -> list[Line]:
        return [ln for ln in lines if self._follows(doc, ln)]

    def _follows(self, doc: Document, line: Line) -> bool:
        prev = doc.previous_text_line(line)
        if prev is None or prev.dropped_by is None:
            return False
        return self.any or prev.dropped_by in self.after


@condition
class MaxShare(Condition):
    """``max_share``: a rule that would remove more than this share of the text left does not fire.

    This is how a caption rule stands down on a photo story, where the captions are the article.
    """

    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {"max_share": (float, int)}
    allow_hook = True
    local = False

    def __init__(self, share: float) -> None:
        self.share = share

    @classmethod
    def check(cls, rule: Rule) -> None:
        _share(rule, "max_share")

    @classmethod
    def build(cls, rule: Rule) -> Condition | None:
        return cls(rule.max_share) if rule.max_share is not None else None

    def allow(self, doc: Document, hits: list[Line]) -> bool:
        # Shares of the text as the output has it (without indentation), so a second pass measures alike.
        total = sum(len(ln.text.strip()) for ln in doc.kept())
        removed = sum(len(ln.text.strip()) for ln in hits)
        return total == 0 or removed / total <= self.share


@condition
class OutsideBody(Condition):
    """``outside_body: N``: give back the lines this rule took between the first and the last paragraph of
    at least N words, once every rule has run.

    A short bulleted list between two paragraphs is part of the story; the same bullets above the
    lead or under the last paragraph are the page's menus. The body is measured on what is left at
    the end, not when the rule runs, so a second pass over the output decides the same way.
    """

    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {"outside_body": int}
    settle_hook = True

    def __init__(self, words: int) -> None:
        self.words = words

    @classmethod
    def check(cls, rule: Rule) -> None:
        _at_least_one(rule, "outside_body")

    @classmethod
    def build(cls, rule: Rule) -> Condition | None:
        return cls(rule.outside_body) if rule.outside_body is not None else None

    def settle(self, doc: Document, rule_id: str) -> None:
        body = [ln for ln in doc.kept() if ln.words >= self.words]
        if body:
            for ln in doc.lines[body[0].index + 1:body[-1].index]:
                if ln.dropped_by == rule_id:
                    doc.restore(ln)


def build_all(rule: Rule) -> list[Condition]:
    """The conditions a rule uses, in registry order."""
    return [c for c in (cls.build(rule) for cls in REGISTRY) if c is not None]
