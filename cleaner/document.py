"""The document model while rules run: a ``Document`` of ``Line`` objects, the only mutable state.

A line knows its number, the text it came in with, its current text, its indentation, values every rule
asks for (folded text, comparison key, word count, shape; computed once and forgotten when the line is
edited), the markup facts of an HTML source when there are any, and which rule dropped it. The document
holds the zones of the page's layout as last read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cleaner.report import Change
from cleaner.structure import Shape, find_layout, shape_of
from cleaner.text import KEY_TRAILING, fold_key, strip_marks, word_count


class Line:
    """One line of a document. ``text`` changes only through ``Document.edit``."""

    __slots__ = ("_fold", "_key", "_shape", "_words", "blank", "dropped_by", "index", "markup", "raw", "text")

    def __init__(self, index: int, text: str, markup: Any = None) -> None:
        self.index = index  # 0-based; the line number shown to users is index + 1
        self.raw = text  # as it came in (after normalization)
        self.text = text  # after edits
        self.blank = not text.strip()  # blank lines are never output and never a rule's candidate
        #: The rule that dropped the line (``None``: kept, or blank).
        self.dropped_by: str | None = None
        #: Facts about the line from an HTML source (tag path, link density...), ``None`` for plain text.
        self.markup = markup
        self._fold: str | None = None
        self._key: str | None = None
        self._shape: Shape | None = None
        self._words = -1

    @property
    def number(self) -> int:
        """1-based line number, as in messages and ``Change.line``."""
        return self.index + 1

    @property
    def kept(self) -> bool:
        return not self.blank and self.dropped_by is None

    @property
    def indent(self) -> str:
        """The leading whitespace of the current text (structure, such as indented related links)."""
        return self.text[:len(self.text) - len(self.text.lstrip())]

    @property
    def fold(self) -> str:
        """The current text without diacritics, same length (``strip_marks``)."""
        f = self._fold
        if f is None:
            f = self._fold = strip_marks(self.text)
        return f

    @property
    def key(self) -> str:
        """``fold_key`` of the current text: what repeats are compared by."""
        k = self._key
        if k is None:
            k = self._key = fold_key(self.text)
        return k

    @property
    def words(self) -> int:
        n = self._words
        if n < 0:
            n = self._words = word_count(self.text)
        return n

    @property
    def shape(self) -> Shape:
        """What the current text looks like: a sentence, a headline, a menu row (``shape_of``)."""
        s = self._shape
        if s is None:
            s = self._shape = shape_of(self.text)
        return s

    def __repr__(self) -> str:
        state = "kept" if self.kept else ("blank" if self.blank else f"dropped by {self.dropped_by}")
        return f"<Line {self.number} {state}: {self.text!r}>"


class Document:
    """The lines of one document and what the rules did to them (``changes`` when recording)."""

    __slots__ = ("_kept", "candidates", "changes", "edited", "has_markup", "lines", "record", "text_lines",
                 "version", "zones", "zones_read")

    def __init__(self, texts: Iterable[str], *, record: bool = False,
                 markup: Iterable[Any] | None = None) -> None:
        if markup is None:
            self.lines = [Line(i, t) for i, t in enumerate(texts)]
        else:
            self.lines = [Line(i, t, m) for i, (t, m) in enumerate(zip(texts, markup, strict=True))]
        #: The lines carry markup facts (the document was read from HTML).
        self.has_markup = markup is not None
        self.record = record
        self.changes: list[Change] = []
        #: Lines whose text an action changed, in order (the matcher looks at them again).
        self.edited: list[Line] = []
        self._kept: list[Line] | None = None
        #: The non-blank lines: the only ones a rule may act on.
        self.text_lines = [ln for ln in self.lines if not ln.blank]
        #: Per rule (by position in the set), the lines its pattern may match (``cleaner.match.Dispatch``).
        self.candidates: list[list[Line]] = []
        #: Counts drops and edits: a pass of the rules that leaves it unchanged changed nothing.
        self.version = 0
        #: Each kept line's zone (by index) as ``read_zones`` last read them; ``None``: no body paragraph.
        self.zones: dict[int, str] | None = None
        self.zones_read = False

    def fold_all(self) -> None:
        """Fold every line at once (one ``str.translate`` over the document, not one per line)."""
        texts = self.text_lines
        if not texts:
            return
        folded = strip_marks("\n".join(ln.text for ln in texts)).split("\n")
        for ln, f in zip(texts, folded, strict=True):
            ln._fold = f

    def key_all(self) -> None:
        """The comparison key of every line not edited since ``fold_all``, computed in one go."""
        texts = [ln for ln in self.text_lines if ln._key is None and ln._fold is not None]
        if not texts:
            return
        lowered = "\n".join(ln._fold for ln in texts).casefold().split("\n")  # type: ignore[misc]
        for ln, low in zip(texts, lowered, strict=True):
            ln._key = " ".join(low.split()).rstrip(KEY_TRAILING)

    def __len__(self) -> int:
        return len(self.lines)

    def kept(self) -> list[Line]:
        """The lines still kept, in order (shared until the next drop: callers must not change it)."""
        if self._kept is None:
            self._kept = [ln for ln in self.lines if ln.kept]
        return self._kept

    def read_zones(self) -> bool:
        """Read each kept line's zone (``title``, ``header``, ``body``...; ``cleaner.structure.Layout``)
        into ``zones``; whether they differ from the zones read before.

        The engine reads them once a pass, when the first rule that asks for zones runs; later drops in
        the pass do not move them: once the chrome under the article is gone, a teaser that stood in it
        must not join the body.
        """
        kept = self.kept()
        layout = find_layout([ln.shape for ln in kept])
        zones = None if layout is None else {ln.index: layout.zone_of(pos) for pos, ln in enumerate(kept)}
        if zones is not None:
            # On a page the markup knows better: what it puts inside the article's main text (a table,
            # a list, lines broken by <br>) is the story's own, whatever its shape; but a signature in
            # capitals or initials ("H.V.", "NGỌC MAI") is still a byline.
            for ln in kept:
                if getattr(ln.markup, "in_main", False) and zones[ln.index] != "body" and \
                        ln.text != ln.text.upper():
                    zones[ln.index] = "list"
        changed = not self.zones_read or zones != self.zones
        self.zones, self.zones_read = zones, True
        return changed

    def drop(self, line: Line, rule: str, reason: str | None = None) -> None:
        line.dropped_by = rule
        self.version += 1
        self._kept = None
        if self.record:
            self.changes.append(Change(rule, line.number, "drop", line.text, reason=reason))

    def edit(self, line: Line, rule: str, new: str) -> None:
        if self.record:
            self.changes.append(Change(rule, line.number, "edit", line.text, new))
        line.text = new
        self.version += 1
        line._fold = line._key = None
        line._shape = None
        line._words = -1
        self.edited.append(line)
        if not new.strip():
            line.dropped_by = rule
            self._kept = None

    def restore(self, line: Line) -> None:
        """Undo a drop (a condition decided once every rule has run)."""
        rule = line.dropped_by
        line.dropped_by = None
        self._kept = None
        self.changes = [c for c in self.changes if not (c.line == line.number and c.rule == rule)]

    def next_kept(self, line: Line) -> Line | None:
        """The nearest kept line below ``line`` (what follows it in the output)."""
        for other in self.lines[line.index + 1:]:
            if other.kept:
                return other
        return None

    def previous_kept(self, line: Line) -> Line | None:
        """The nearest kept line above ``line``."""
        for j in range(line.index - 1, -1, -1):
            if self.lines[j].kept:
                return self.lines[j]
        return None

    def previous_text_line(self, line: Line) -> Line | None:
        """The nearest non-blank line above ``line``, kept or not."""
        for j in range(line.index - 1, -1, -1):
            other = self.lines[j]
            if not other.blank:
                return other
        return None


#: Characters ``str.strip`` (and so the output) takes for spaces but a pattern's ``\s`` does not: the
#: information separators U+001C..U+001F. At a line's ends they are dropped before any rule runs, so a rule
#: sees a line as its output will stand (``"\x1c  • 01:12"`` is a menu bullet the first time too).
NOT_REGEX_SPACE = "\x1c\x1d\x1e\x1f"


def trim(text: str) -> str:
    """``text`` without information separators among the spaces at its ends."""
    lead = text[:len(text) - len(text.lstrip())]
    stripped = text.strip()
    tail = text[len(text.rstrip()):] if stripped else ""
    if not any(c in NOT_REGEX_SPACE for c in lead + tail):
        return text
    return _keep_spaces(lead) + stripped + _keep_spaces(tail)


def _keep_spaces(part: str) -> str:
    return "".join(c for c in part if c not in NOT_REGEX_SPACE)
