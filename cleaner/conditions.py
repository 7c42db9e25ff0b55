"""Conditions on where a rule may act: one class per condition, each behind the registry below.

A condition owns its YAML keys (with their types), checks their values, and narrows a rule's candidate
lines. Adding one (a markup fact such as link density, a sentence shape) is one class here, registered
with ``@condition``; its keys are then valid in YAML and in ``Rule(extra=...)``, and the engine runs it.

Hooks, each optional:
``window``  picks candidates among all kept lines at once (positions); runs first.
``select``  filters candidate lines one by one (a pure test of the line and its neighbours).
``allow``   vetoes a rule's hits as a whole (``max_share``).
``settle``  runs once every rule has run (``outside_body`` gives lines back).

A condition may also say why a line it selected was dropped (``describe``: ``--explain`` prints it), pick
lines without a pattern (``picks``: the structure conditions), read the page's zones (``zoned``), need
every candidate at once (``whole``), only pass lines read from HTML (``needs_markup``), and read several
YAML keys into one rule field (``field`` and ``gather``: the markup keys make up ``Rule.markup``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any, ClassVar

from cleaner.markup import MARKUP_KEYS, MarkupConditions, parse_conditions
from cleaner.structure import SHAPES, ZONES, in_zone, run_lengths

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
    #: The rule field that this condition's YAML keys make up together (``markup``), read by ``gather``;
    #: ``None``: each key is a field of its own, or travels in ``Rule.extra``.
    field: ClassVar[str | None] = None
    #: The condition picks lines by itself (a shape, a zone): a ``drop`` rule with it needs no pattern.
    picks: ClassVar[bool] = False
    #: The condition reads every candidate line at once (a run of them): the pattern may not narrow the
    #: candidates before it.
    whole: ClassVar[bool] = False
    #: The condition reads the page's zones (``Document.zones``).
    zoned: ClassVar[bool] = False
    #: Testing a line costs more than a pattern's search (its shape): in a rule with a pattern, the condition
    #: tests the lines the pattern matched. Only for a ``select`` that tests each line alone.
    costly: ClassVar[bool] = False
    #: The condition only passes lines that carry markup facts (read from HTML): on a text without them the
    #: rule is handed no line at all.
    needs_markup: ClassVar[bool] = False

    @classmethod
    def check(cls, rule: Rule) -> None:
        """Raise ``cleaner.rule.Invalid`` when the rule's values for these keys make no sense."""

    @classmethod
    def gather(cls, data: Mapping[str, Any], err: Callable[[str, str], Exception]) -> Any:
        """The value of ``field`` from one YAML entry; ``err(message, key)`` is the error to raise."""
        raise NotImplementedError

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

    def describe(self) -> str | None:
        """Why a line this condition selected was dropped, in words (``Change.reason``); ``None``: the
        rule's pattern says it."""
        return None


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


def _one_of(rule: Rule, key: str, allowed: tuple[str, ...]) -> None:
    from cleaner.rule import Invalid, suggest

    value = rule.get(key)
    if value is not None and value not in allowed:
        raise Invalid(f"unknown {key} '{value}'{suggest(str(value), allowed)}", key)


def _share(rule: Rule, key: str) -> None:
    from cleaner.rule import Invalid

    value = rule.get(key)
    if value is not None and not 0 < value <= 1:
        raise Invalid(f"'{key}' must be between 0 and 1, got {value}", key)


@condition
class Position(Condition):
    """``first: N`` / ``last: N`` (a line among the first or last N kept lines; both: either end),
    ``not_first: N`` (never one of the first N). With a ``shape``, they count the lines of that shape only:
    ``shape: sentence, first: 3`` is "the first three sentences"."""

    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {"first": int, "last": int, "not_first": int}
    window_hook = True
    local = False

    def __init__(self, first: int | None, last: int | None, not_first: int | None,
                 shape: str | None = None) -> None:
        self.first, self.last, self.not_first = first, last, not_first
        self.shape = shape

    @classmethod
    def check(cls, rule: Rule) -> None:
        _at_least_one(rule, "first", "last", "not_first")

    @classmethod
    def build(cls, rule: Rule) -> Condition | None:
        if (rule.first, rule.last, rule.not_first) == (None, None, None):
            return None
        return cls(rule.first, rule.last, rule.not_first, rule.shape)

    def window(self, doc: Document, kept: list[Line]) -> list[Line]:
        idx = kept
        if self.shape is not None:
            shape = self.shape
            if self.first is not None and self.last is None and self.not_first is None:
                # The first N lines of the shape: a shape costs more than a search, so the lines under
                # them are not shaped for this rule.
                return list(islice((ln for ln in idx if ln.shape.is_(shape)), self.first))
            idx = [ln for ln in idx if ln.shape.is_(shape)]
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
        if doc.zones_read:
            # Where the structure rules found the article, its body is the bound: a long footer line
            # under the related lists does not make the menus above it part of the story.
            zones = doc.zones or {}
            body = [ln for ln in body if zones.get(ln.index) == "body"]
        if body:
            for ln in doc.lines[body[0].index + 1:body[-1].index]:
                if ln.dropped_by == rule_id:
                    doc.restore(ln)


@condition
class Markup(Condition):
    """``in``, ``not_in``, ``link_density``, ``class_words``, ``not_class_words``, ``in_main``: what the
    markup of an HTML page says about the line (``cleaner.markup``). A line of plain text has no markup:
    such a rule never fires there."""

    keys: ClassVar[dict[str, type | tuple[type, ...]]] = MARKUP_KEYS
    field = "markup"
    select_hook = True
    needs_markup = True

    def __init__(self, markup: MarkupConditions) -> None:
        self.markup = markup

    @classmethod
    def gather(cls, data: Mapping[str, Any], err: Callable[[str, str], Exception]) -> Any:
        return parse_conditions(data, err)

    @classmethod
    def check(cls, rule: Rule) -> None:
        from cleaner.rule import Invalid

        if rule.markup is not None and not isinstance(rule.markup, MarkupConditions):
            raise Invalid("'markup' must be a cleaner.markup.MarkupConditions")

    @classmethod
    def build(cls, rule: Rule) -> Condition | None:
        return cls(rule.markup) if rule.markup is not None else None

    def select(self, doc: Document, lines: list[Line]) -> list[Line]:
        passes = self.markup.passes
        return [ln for ln in lines if ln.markup is not None and passes(ln.markup)]


#: How ``--explain`` says where a zone or shape rule took a line.
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


@condition
class Zone(Condition):
    """``zone``: where the line stands in the page (``cleaner.structure.Layout``): ``before_title``,
    ``title``, ``header``, ``body``, ``list``, ``after_body``, or ``before_body``, ``outside_body``,
    ``not_list``. A text with no body paragraph has no zones: the rule takes nothing there."""

    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {"zone": str}
    select_hook = True
    local = False
    picks = True
    zoned = True

    def __init__(self, zone: str) -> None:
        self.zone = zone

    @classmethod
    def check(cls, rule: Rule) -> None:
        _one_of(rule, "zone", ZONES)

    @classmethod
    def build(cls, rule: Rule) -> Condition | None:
        return cls(rule.zone) if rule.zone is not None else None

    def select(self, doc: Document, lines: list[Line]) -> list[Line]:
        zones = doc.zones
        if zones is None:
            return []  # no body paragraph: nothing stands before or after it
        zone = self.zone
        return [ln for ln in lines if ln.index in zones and in_zone(zones[ln.index], zone)]

    def describe(self) -> str | None:
        return _ZONE_WORDS.get(self.zone, self.zone)


@condition
class Shape(Condition):
    """``shape``: what the line looks like (``cleaner.structure.shape_of``): ``sentence``, ``not_sentence``,
    ``paragraph``, ``headline``, ``menu``, ``short``."""

    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {"shape": str}
    select_hook = True
    picks = True
    costly = True

    def __init__(self, shape: str) -> None:
        self.shape = shape

    @classmethod
    def check(cls, rule: Rule) -> None:
        _one_of(rule, "shape", SHAPES)

    @classmethod
    def build(cls, rule: Rule) -> Condition | None:
        return cls(rule.shape) if rule.shape is not None else None

    def select(self, doc: Document, lines: list[Line]) -> list[Line]:
        shape = self.shape
        return [ln for ln in lines if ln.shape.is_(shape)]

    def describe(self) -> str | None:
        return _SHAPE_WORDS.get(self.shape, self.shape)


@condition
class Run(Condition):
    """``run: N``: the line stands among at least N kept lines in a row that pass the rule's other
    conditions (four headlines together are a related-news box)."""

    keys: ClassVar[dict[str, type | tuple[type, ...]]] = {"run": int}
    select_hook = True
    local = False
    picks = True
    whole = True

    def __init__(self, run: int) -> None:
        self.run = run

    @classmethod
    def check(cls, rule: Rule) -> None:
        _at_least_one(rule, "run")

    @classmethod
    def build(cls, rule: Rule) -> Condition | None:
        return cls(rule.run) if rule.run is not None else None

    def select(self, doc: Document, lines: list[Line]) -> list[Line]:
        if not lines:
            return lines
        chosen = {id(ln) for ln in lines}
        kept = doc.kept()
        lengths = run_lengths([id(ln) in chosen for ln in kept])
        long = {id(ln) for ln, n in zip(kept, lengths, strict=True) if n >= self.run}
        return [ln for ln in lines if id(ln) in long]

    def describe(self) -> str | None:
        return f"in a run of {self.run} or more such lines"


def picks_lines(rule: Rule) -> bool:
    """Whether a condition of the rule picks lines by itself (a ``drop`` rule then needs no pattern)."""
    return any(cls.picks and cls.build(rule) is not None for cls in REGISTRY)


def build_all(rule: Rule) -> list[Condition]:
    """The conditions a rule uses, in registry order."""
    return [c for c in (cls.build(rule) for cls in REGISTRY) if c is not None]
