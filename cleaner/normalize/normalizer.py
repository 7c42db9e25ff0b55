"""The normalization pipeline: fixes in a fixed order, a fast ``apply`` and a reporting ``explain``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from cleaner.report import Change

from .ascii import fold_ascii
from .legacy import LEGACY_TRIGGER, LegacyFix
from .lookalike import LOOKALIKE_TRIGGER, fix_lookalikes
from .mojibake import MOJIBAKE_TRIGGER, fix_mojibake
from .options import NormalizeOptions
from .spaces import INVISIBLE_TRIGGER, fix_invisible, fix_spaces
from .tones import candidate_pattern, fix_tones
from .unicode import COMBINING_TRIGGER, fix_unicode

Fix = Callable[[str], str]
_LINE_ENDS = re.compile(r"\r\n?")
# One character class holding every character that can make a "rare" fix do anything; clean
# text fails this single scan and skips those fixes entirely.
_RARE = re.compile(
    "["
    + "".join(
        p.pattern[1:-1]  # each trigger is a single character class: join their contents
        for p in (LEGACY_TRIGGER, INVISIBLE_TRIGGER, LOOKALIKE_TRIGGER, COMBINING_TRIGGER)
    )
    + MOJIBAKE_TRIGGER.pattern[1:MOJIBAKE_TRIGGER.pattern.index("]")]  # its lead bytes
    + "]"
)
_TOKEN = re.compile(r"\S+|\s+")


class Normalizer:
    """Normalization built once from options (patterns compiled here), then applied to many texts.

    >>> Normalizer().apply("Hoà bình ,  thuỷ lợi")
    'Hòa bình, thủy lợi'
    """

    def __init__(self, options: NormalizeOptions | None = None) -> None:
        self.options = options or NormalizeOptions()
        opts = self.options
        tones = candidate_pattern(opts.tone_style)
        style = opts.tone_style
        legacy = LegacyFix(opts.legacy)
        # (name, fix, rare): rare fixes only run when the text holds one of their characters.
        steps: list[tuple[str, Fix, bool]] = [("unicode", fix_unicode, False)]
        if opts.mojibake:
            steps.append(("mojibake", fix_mojibake, True))  # bytes before characters
        if opts.legacy != "off":
            # VIQR is plain ASCII, so it cannot hide behind the rare-character scan.
            steps.append(("legacy", legacy, opts.legacy not in ("auto", "viqr")))
        if opts.invisible:
            steps.append(("invisible", fix_invisible, True))  # after TCVN3: its ư is U+00AD
        if opts.lookalikes:
            steps.append(("lookalike", fix_lookalikes, True))
        steps.append(("tone", lambda text: fix_tones(text, tones, style), False))
        if opts.spaces:
            steps.append(("spaces", fix_spaces, False))
        if opts.ascii:
            steps.append(("ascii", fold_ascii, False))
        self._steps = steps

    def __reduce__(self) -> tuple[type[Normalizer], tuple[NormalizeOptions]]:
        return (Normalizer, (self.options,))

    def __repr__(self) -> str:
        return f"Normalizer({self.options!r})"

    def apply(self, text: str) -> str:
        """Return the normalized text; line breaks stay where they were (``\\r\\n`` → ``\\n``)."""
        text = unicodedata.normalize("NFC", _LINE_ENDS.sub("\n", text))
        rare = _RARE.search(text) is not None
        for _name, fix, is_rare in self._steps:
            if rare or not is_rare:
                text = fix(text)
        return text

    def explain(self, text: str) -> tuple[str, list[Change]]:
        """Return the normalized text and one ``Change`` per fixed span, in pipeline order."""
        text = _LINE_ENDS.sub("\n", text)
        changes: list[Change] = []
        for name, fix, _rare in self._steps:
            fixed = fix(text)
            if fixed != text:
                changes.extend(_line_changes(f"normalize.{name}", text, fixed))
                text = fixed
        return text, changes


def _line_changes(rule: str, before: str, after: str) -> list[Change]:
    old_lines, new_lines = before.split("\n"), after.split("\n")
    if len(old_lines) != len(new_lines):  # no fix does this; report the whole text if one ever does
        return [Change(rule, 1, "fix", before, after)]
    changes: list[Change] = []
    for n, (old, new) in enumerate(zip(old_lines, new_lines, strict=True), start=1):
        if old != new:
            changes.extend(Change(rule, n, "fix", b, a) for b, a in _spans(old, new))
    return changes


def _spans(old: str, new: str) -> list[tuple[str, str]]:
    """The changed words of a line, side by side; or one span around all changes."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(old_tokens) == len(new_tokens):
        pairs = [(b, a) for b, a in zip(old_tokens, new_tokens, strict=True) if b != a]
        if all(not b.isspace() for b, _ in pairs):
            return pairs
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    # widen to whole words so the user sees the word that changed
    while start > 0 and not old[start - 1].isspace():
        start -= 1
    while end > 0 and not old[len(old) - end].isspace():
        end -= 1
    return [(old[start : len(old) - end], new[start : len(new) - end])]
