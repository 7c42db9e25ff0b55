"""Look-alike letters: Icelandic eth for đ, Cyrillic and Greek letters inside Latin words."""

from __future__ import annotations

import re
import unicodedata

from .syllable import SPLIT_TONE, VIETNAMESE_ONLY, is_syllable

# Cyrillic and Greek letters drawn like a Latin letter in common fonts; a scraped word that
# mixes them with Latin letters was almost always typed with the wrong keyboard layout or
# built to dodge filters.
_CONFUSABLE = {
    # Cyrillic
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q", "Ԝ": "W",
    # Greek
    "ο": "o", "ν": "v", "ι": "i", "κ": "k", "α": "a", "ρ": "p", "τ": "t", "υ": "u",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}
_ETH = "\N{LATIN CAPITAL LETTER ETH}\N{LATIN SMALL LETTER ETH}"
LOOKALIKE_TRIGGER = re.compile(f"[{_ETH}\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]")
_WORD = re.compile(r"[^\W\d_][\w\u0300-\u036f]*")
_FOREIGN = re.compile(f"[{_ETH}\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def _fix_mixed(word: str) -> str:
    if not _LATIN.search(word):
        return word  # a wholly Cyrillic or Greek word is genuine
    foreign = {ch for ch in word if "\u0370" <= ch <= "\u052f"}
    if not foreign or not foreign <= _CONFUSABLE.keys():
        return word
    return unicodedata.normalize("NFC", "".join(_CONFUSABLE.get(ch, ch) for ch in word))


def _fix_eth(word: str, line: str) -> str:
    # Vietnamese đ only starts a syllable; ð inside a word (Guðrún) is Icelandic or Faroese.
    if word[0] not in _ETH or any(ch in _ETH for ch in word[1:]):
        return word
    candidate = ("Đ" if word[0] == "Ð" else "đ") + word[1:]
    if not is_syllable(candidate):
        return word
    if any(ch in VIETNAMESE_ONLY for ch in line.replace(word, "")) or any(
        ch in SPLIT_TONE for ch in word
    ):
        return candidate
    return word


def fix_lookalikes(text: str) -> str:
    """Replace look-alike letters in Vietnamese or Latin words; leave foreign words alone.

    >>> fix_lookalikes("\\N{LATIN CAPITAL LETTER ETH}à Nẵng")
    'Đà Nẵng'
    """
    if not LOOKALIKE_TRIGGER.search(text):
        return text
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if not _FOREIGN.search(line):
            continue

        def repl(m: re.Match[str], line: str = line) -> str:
            word = m.group()
            if not _FOREIGN.search(word):
                return word
            fixed = _fix_mixed(word)
            return _fix_eth(fixed, line) if fixed[0] in _ETH else fixed

        lines[n] = _WORD.sub(repl, line)
    return "\n".join(lines)
