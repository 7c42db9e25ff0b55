"""What a cleaning pass did: each change with its reason, a text with its changes, a run's counts."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cleaner.batch import Outcome


class Status(str, Enum):
    """What happened to an input (a file, stdin, a JSONL file) or to one JSONL record.

    A ``str`` too, so ``outcome.status == "changed"`` holds and JSON writes the plain word.

    >>> Status.CHANGED == "changed", f"{Status.GUARDED}"
    (True, 'guarded')
    """

    CHANGED = "changed"  # cleaning changed the text (written, or would be with --check)
    UNCHANGED = "unchanged"
    FAILED = "failed"  # could not be read, cleaned or written; nothing was written
    SKIPPED = "skipped"  # a binary file, left alone
    GUARDED = "guarded"  # the guard held the cleaned text back (see cleaner.guard)
    BLANK = "blank"  # a JSONL record: an empty line, kept
    BAD = "bad"  # a JSONL record: the text field is missing or not a string
    INVALID = "invalid"  # a JSONL record: not a JSON object, or not UTF-8

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return self.value.__format__(spec)


def removed_by_rule(changes: Iterable[Change]) -> dict[str, int]:
    """Lines removed per rule id: the one count the summary, ``--report``, JSONL and Spark all use."""
    counts: dict[str, int] = {}
    for c in changes:
        if c.action == "drop":
            counts[c.rule] = counts.get(c.rule, 0) + 1
    return counts


@dataclass(frozen=True)
class Change:
    """One edit: which rule or fix made it, on which input line (1-based), and what it did.

    ``action`` is ``"drop"`` (the whole line went), ``"edit"`` (part of the line was
    replaced or stripped) or ``"fix"`` (a normalization fix rewrote characters).
    ``before`` is the line (or the part of it) as it was; ``after`` is what replaced it
    (``None`` for a dropped line).
    """

    rule: str
    line: int
    action: str
    before: str
    after: str | None = None
    #: why a structure rule took the line ("after the last body paragraph, not a sentence")
    reason: str | None = None

    def describe(self) -> str:
        """A one-line human description, as ``--explain`` prints it.

        When before and after print alike (a Cyrillic letter for a Latin one, marks typed apart), the
        characters that differ follow as code points, so the line shows what changed.

        >>> eth = "\\N{LATIN CAPITAL LETTER ETH}"
        >>> print(Change("normalize.lookalike", 3, "fix", eth + "à Nẵng", "Đà Nẵng").describe())
            3  ~normalize.lookalike      '\N{LATIN CAPITAL LETTER ETH}à Nẵng' -> 'Đà Nẵng' [U+00D0 -> U+0110]
        """
        if self.action == "drop":
            why = f"  [{self.reason}]" if self.reason else ""
            return f"{self.line:>5}  -{self.rule:<24} {self.before}{why}"
        text = f"{self.line:>5}  ~{self.rule:<24} {self.before!r} -> {self.after!r}"
        if self.after is not None and _looks_alike(self.before, self.after):
            text += f" [{_code_points(self.before, self.after)}]"
        return text


#: Characters that print as nothing or as a plain space: format characters (zero-width, soft hyphen, bidi
#: marks, BOM) and space separators (no-break and fixed-width spaces).
_UNSEEN = ("Cf", "Zs")


def _skeleton(text: str) -> str:
    """What a reader sees: NFC, look-alike letters as the Latin ones, invisibles gone, spaces plain."""
    from cleaner.normalization.lookalike import latin_reading  # the readings the look-alike fix uses

    out = []
    for ch in unicodedata.normalize("NFC", text):
        cat = unicodedata.category(ch)
        if cat == "Cf":
            continue
        out.append(" " if cat == "Zs" else ch)
    return unicodedata.normalize("NFC", latin_reading("".join(out))).replace(
        "\N{LATIN CAPITAL LETTER ETH}", "Đ").replace("\N{LATIN SMALL LETTER ETH}", "đ")


def _looks_alike(before: str, after: str) -> bool:
    return before != after and _skeleton(before) == _skeleton(after)


def _code_points(before: str, after: str, limit: int = 8) -> str:
    """The differing middle of two strings as code points: ``U+0435 -> U+1EC7``."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = 0
    while end < min(len(before), len(after)) - start and before[-1 - end] == after[-1 - end]:
        end += 1

    def points(s: str) -> str:
        mid = s[start:len(s) - end]
        shown = " ".join(f"U+{ord(ch):04X}" for ch in mid[:limit])
        return (shown + (" ..." if len(mid) > limit else "")) or "nothing"

    return f"{points(before)} -> {points(after)}"


@dataclass(frozen=True)
class Result:
    """A cleaned text and every change that made it."""

    text: str
    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def dropped(self) -> list[Change]:
        return [c for c in self.changes if c.action == "drop"]

    def removed_by_rule(self) -> dict[str, int]:
        """Lines removed per rule id.

        >>> gone = (Change("menu", 1, "drop", "Trang chủ"), Change("menu", 3, "drop", "Liên hệ"))
        >>> Result("Trời mưa.\\n", gone).removed_by_rule()
        {'menu': 2}
        """
        return removed_by_rule(self.changes)


@dataclass
class Report:
    """What a run did, for the summary line and the exit code.

    Exit codes: 0 everything went well and nothing needed changing (or changes were written to ``-o``);
    1 ``--check``/``--in-place`` found or made changes, or a file was held back by the guard; 2 a usage
    error, a rule error, or an input that could not be read (the other inputs are still processed).
    """

    read: int = 0
    changed: int = 0
    failed: int = 0
    skipped: int = 0
    replaced: int = 0  # bad byte sequences read as U+FFFD (--errors replace)
    guarded: int = 0
    bytes_in: int = 0
    seconds: float = 0.0
    removed: dict[str, int] = field(default_factory=dict)
    change_means_failure: bool = False
    #: keep one entry per input for ``to_json`` (``--report``); off, a run over millions of files keeps none
    listing: bool = False
    entries: list[dict[str, Any]] = field(default_factory=list)

    def add_removed(self, per_rule: dict[str, int]) -> None:
        for rule, n in per_rule.items():
            self.removed[rule] = self.removed.get(rule, 0) + n

    def record(self, o: Outcome) -> None:
        """Count one input's outcome (a JSONL record's own outcome is counted in its file's, not here)."""
        if o.line:
            return
        if o.format:  # "": a path that could not even be listed
            self.read += 1
        self.bytes_in += o.bytes_in
        self.replaced += o.replaced
        self.add_removed(o.removed)
        if o.records is not None:  # a JSONL input: what its records were
            self.guarded += o.records[Status.GUARDED]
            self.failed += o.records[Status.FAILED] > 0
            self.changed += o.records[Status.CHANGED] > 0
        elif o.status == Status.FAILED:
            self.failed += 1
        elif o.status == Status.SKIPPED:
            self.skipped += 1
        elif o.status == Status.GUARDED:
            self.guarded += 1
        elif o.status == Status.CHANGED:
            self.changed += 1
        if self.listing:
            self.entries.append(o.to_json())

    def to_json(self) -> dict[str, Any]:
        """The ``--report FILE.json`` document: the run's counts, then one entry per input."""
        return {"summary": {"files": self.read, "changed": self.changed, "failed": self.failed,
                            "skipped": self.skipped, "guarded": self.guarded, "bytes_in": self.bytes_in,
                            "seconds": round(self.seconds, 3), "removed": self.removed,
                            "return_code": self.return_code},
                "files": self.entries}

    @property
    def return_code(self) -> int:
        if self.failed:
            return 2
        if self.guarded or (self.change_means_failure and self.changed):
            return 1
        return 0

    def summary(self) -> str:
        """One line: files read/changed/failed, throughput, then the rules that removed most lines."""
        mb = self.bytes_in / 1e6
        rate = f"{mb / self.seconds:.1f} MB/s" if self.seconds > 0 else "-"
        parts = [f"{self.read} file{'s' if self.read != 1 else ''} read", f"{self.changed} changed",
                 f"{self.failed} failed"]
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.replaced:
            parts.append(f"{self.replaced} undecodable byte sequence{'s' if self.replaced != 1 else ''} "
                         "replaced with U+FFFD")
        if self.guarded:
            parts.append(f"{self.guarded} held back by the guard")
        line = ", ".join(parts) + f" ({mb:.2f} MB in {self.seconds:.2f}s, {rate})"
        if self.removed:
            top = sorted(self.removed.items(), key=lambda kv: (-kv[1], kv[0]))
            line += "; lines removed: " + ", ".join(f"{rule} {n}" for rule, n in top)
        return line
