"""What the markup says about a line read from HTML, and the rule conditions that test it.

The HTML reader (``cleaner.html``) gives every line a ``LineFacts``; a rule with markup conditions (``in``,
``not_in``, ``link_density``, ``class_words``, ``not_class_words``, ``in_main``) only looks at lines whose
facts pass them. Text read from a plain file has no facts, so such a rule never fires there.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: The rule keys this module owns, with the YAML type each takes (the loader adds them to its table).
MARKUP_KEYS: dict[str, type | tuple[type, ...]] = {
    "in": (str, list), "not_in": (str, list), "link_density": (str, float, int), "class_words": (str, list),
    "not_class_words": (str, list), "in_main": bool,
}
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "=": operator.eq,
}


@dataclass(frozen=True)
class LineFacts:
    """What the markup says about one line.

    ``tags``: the names of the elements the line lies inside (``p``, ``li``, ``nav``, ``figcaption``, ``a``
    ...; an ``<img alt>`` line has ``img``); ``link_density``: the share of its characters inside links;
    ``class_words``: the words of the ``class`` and ``id`` attributes of those elements, lower case
    (``box-related_news`` and ``relatedNews`` both give ``related`` and ``news``); ``in_main``: the line
    lies inside the element the reader found to hold the article's main text.
    """

    tags: frozenset[str] = frozenset()
    link_density: float = 0.0
    class_words: frozenset[str] = frozenset()
    in_main: bool = False


@dataclass(frozen=True)
class MarkupConditions:
    """A rule's markup conditions; a line qualifies when it passes every one that is set."""

    inside: frozenset[str] = frozenset()  # YAML ``in``: any of these tags on the line's path
    not_inside: frozenset[str] = frozenset()  # ``not_in``: none of them
    link_density: tuple[str, float] | None = None  # ``link_density: ">0.6"``
    class_words: frozenset[str] = frozenset()  # any of these words in the path's class/id words
    not_class_words: frozenset[str] = frozenset()  # none of them
    in_main: bool | None = None

    def passes(self, facts: LineFacts) -> bool:
        if self.inside and self.inside.isdisjoint(facts.tags):
            return False
        if self.not_inside and not self.not_inside.isdisjoint(facts.tags):
            return False
        if self.link_density is not None:
            op, limit = self.link_density
            if not _COMPARE[op](facts.link_density, limit):
                return False
        if self.class_words and self.class_words.isdisjoint(facts.class_words):
            return False
        if self.not_class_words and not self.not_class_words.isdisjoint(facts.class_words):
            return False
        return self.in_main is None or facts.in_main == self.in_main


def filter_lines(conditions: MarkupConditions, facts: Sequence[LineFacts] | None,
                 idx: list[int]) -> list[int]:
    """The line indexes of ``idx`` whose facts pass ``conditions``; none when the text has no facts."""
    if facts is None:
        return []
    return [i for i in idx if conditions.passes(facts[i])]


def parse_conditions(raw: Mapping[str, Any], err: Callable[[str, str], Exception]) -> MarkupConditions | None:
    """The markup conditions of one YAML rule (``None`` when it has none); ``err(message, key)`` builds the
    error to raise, naming the file, the line and the rule."""
    if not any(k in raw for k in MARKUP_KEYS):
        return None

    def words(key: str) -> frozenset[str]:
        value = raw.get(key)
        if value is None:
            return frozenset()
        items = [value] if isinstance(value, str) else value
        if not items or not all(isinstance(x, str) and x.strip() for x in items):
            raise err(f"'{key}' must be a name or a list of names, such as [nav, footer]", key)
        return frozenset(x.strip().lower() for x in items)

    density: tuple[str, float] | None = None
    if "link_density" in raw:
        density = _parse_comparison(raw["link_density"], err)
    return MarkupConditions(inside=words("in"), not_inside=words("not_in"), link_density=density,
                            class_words=words("class_words"), not_class_words=words("not_class_words"),
                            in_main=raw.get("in_main"))


def _parse_comparison(value: Any, err: Callable[[str, str], Exception]) -> tuple[str, float]:
    """``">0.6"``, ``"<= 0.2"`` or a bare number (meaning ``>=``) -> (operator, limit between 0 and 1)."""
    text = str(value).strip()
    op = next((o for o in _COMPARE if text.startswith(o)), ">=")
    number = text[len(op):].strip() if text.startswith(op) else text
    try:
        limit = float(number)
    except ValueError:
        limit = -1.0
    if not 0 <= limit <= 1:
        raise err(f"'link_density' takes a comparison with a share between 0 and 1, such as \">0.6\" or "
                  f"\"<0.2\", got {value!r}", "link_density")
    return op, limit
