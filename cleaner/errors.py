"""One family of errors whose messages say where the problem is and how to fix it."""

from __future__ import annotations


class CleanerError(Exception):
    """Base class: the message is one line a user can act on."""


class RuleError(CleanerError):
    """A rule file is malformed: names the file, the line, the rule id and the remedy."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None,
                 rule: str | None = None) -> None:
        self.source = source
        self.line = line
        self.rule = rule
        self.detail = message
        where = ""
        if source:
            where = f"{source}:{line}: " if line else f"{source}: "
        who = f"rule '{rule}': " if rule else ""
        super().__init__(f"{where}{who}{message}")


class InputError(CleanerError):
    """An input could not be read or decoded: names the file, the position and the remedy.

    ``path``, ``line`` and ``offset`` (a byte offset) say where, for callers that want them apart.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 offset: int | None = None) -> None:
        self.path = path
        self.line = line
        self.offset = offset
        super().__init__(message)


class RuleTimeout(CleanerError):
    """A rule's pattern took too long on one line (catastrophic backtracking)."""
