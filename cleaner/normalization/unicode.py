"""NFC composition plus the repairs NFC cannot make: misordered or doubled combining marks."""

from __future__ import annotations

import re
import unicodedata

from .syllable import TONE_MARKS

_MODIFIERS = "\N{COMBINING CIRCUMFLEX ACCENT}\N{COMBINING BREVE}\N{COMBINING HORN}"
_VIETNAMESE_MARKS = frozenset(_MODIFIERS + "".join(TONE_MARKS))
COMBINING_TRIGGER = re.compile("[\u0300-\u036f]")
# A letter still followed by combining marks after NFC is one whose marks
# are in an order (or number) that cannot compose: e + acute + circumflex, or an acute twice.
_CLUSTER = re.compile("([^\\W\\d_])([\u0300-\u036f]+)")


def _reorder(match: re.Match[str]) -> str:
    base, marks = match.group(1), match.group(2)
    split = unicodedata.normalize("NFD", base + marks)
    letter, marks = split[0], split[1:]
    if letter.lower() not in "aeiouyd" or not set(marks) <= _VIETNAMESE_MARKS:
        return match.group()  # stacked marks of another language: not ours to judge
    modifiers = "".join(dict.fromkeys(m for m in marks if m in _MODIFIERS))
    tones = [m for m in marks if m not in _MODIFIERS]
    # A tone typed twice keeps one copy; two different tones keep the last one typed, as
    # Vietnamese input methods do when a second tone key replaces the first.
    tone = tones[-1] if tones else ""
    return unicodedata.normalize("NFC", letter + modifiers + tone)


def fix_unicode(text: str) -> str:
    """Compose to NFC, then put Vietnamese modifier marks before tone marks and drop doubles.

    >>> fix_unicode("e\\u0301\\u0302") == "\\N{LATIN SMALL LETTER E WITH CIRCUMFLEX AND ACUTE}"
    True
    """
    text = unicodedata.normalize("NFC", text)
    if not COMBINING_TRIGGER.search(text):
        return text
    return _CLUSTER.sub(_reorder, text)
