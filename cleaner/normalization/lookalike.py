"""Look-alike letters: Icelandic eth for đ, and letters of other scripts standing for Latin ones.

Spam and fake-news sites write whole articles with Cyrillic, Greek, IPA, small-capital Latin,
Armenian or Tifinagh letters drawn like Latin ones (``ĸнι cнəcĸ caмəra``, ``Cɦínɦ ρɦủ``), or
hang a decorating mark under every letter (``P̼h̼í̼a̼``), to get past filters.  A word is
converted whole, or not at all: when its Latin reading spells a Vietnamese syllable, or an
ASCII word in a word that already mixes scripts, and the line it stands in is Vietnamese.
Genuine Russian or Greek words and sentences, and a lone Greek letter in a formula
(``góc α = 30°``), stay as they are.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

from .syllable import SPLIT_TONE, VIETNAMESE_ONLY, is_syllable

# Letters drawn like a Latin letter in common fonts, with the Latin letters they can stand for
# (the first is the usual one; the others are tried when it spells no word: ʋ is v or u).
_READINGS: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "ë", "і": "i", "ј": "j", "к": "k", "м": "m", "н": "h",
    "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ь": "b", "ѕ": "s",
    "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "и": "un", "г": "r", "л": "n",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q", "Ԝ": "W", "Ӏ": "I",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ά": "á", "έ": "é", "ί": "í", "ό": "ó",
    "ύ": "ú", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # IPA and other Latin letters that are not in any Vietnamese word
    "ɑ": "a", "ɐ": "a", "ə": "e", "ɛ": "e", "ɡ": "g", "ɦ": "h", "ɩ": "i", "ɪ": "i", "ɴ": "n",
    "ɲ": "n", "ŋ": "n", "ɔ": "o", "ɵ": "o", "ɾ": "r", "ɽ": "r", "ʀ": "r", "ʂ": "s", "ʈ": "t",
    "ʋ": "vu", "ʏ": "y", "ʜ": "h", "ɢ": "g", "ʟ": "l", "ʙ": "b", "ɓ": "b", "ɗ": "d", "ƙ": "k",
    "ƈ": "c", "ĸ": "k", "ɱ": "m", "ʐ": "z",
    # small capitals
    "ᴀ": "a", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ᴊ": "j", "ᴋ": "k", "ᴍ": "m", "ᴏ": "o", "ᴘ": "p",
    "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z", "ꜱ": "s",
    # Armenian
    "ց": "g", "ո": "n", "ս": "u", "հ": "h", "օ": "o", "զ": "q",
    # Tifinagh: yar is a ring, yarr a ring with a dot
    "ⵔ": "o", "ⵕ": "ọo",
}
# Mathematical letters (𝐇 𝐚 𝓗) and full-width ones (Ｈ ａ), read as the letters their compatibility
# decomposition names.
_STYLED = "\U0001d400-\U0001d6a5\uff21-\uff3a\uff41-\uff5a"


def _styled_readings() -> dict[str, str]:
    readings = {}
    for code in [*range(0x1D400, 0x1D6A6), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]:
        plain = unicodedata.normalize("NFKC", chr(code))
        if len(plain) == 1 and plain.isascii() and plain.isalpha():
            readings[chr(code)] = plain
    return readings


_READINGS.update(_styled_readings())
_GREEK = frozenset(ch for ch in _READINGS if "\u0370" <= ch <= "\u03ff")
_ETH = "\N{LATIN CAPITAL LETTER ETH}\N{LATIN SMALL LETTER ETH}"
# The marks Vietnamese spelling uses (five tones, circumflex, breve, horn) and the two
# deprecated tone marks NFC turns into them; every other combining mark only decorates.
_VIETNAMESE_MARKS = "\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323\u0340\u0341"
_DECORATION = (
    "\u0304\u0305\u0307\u0308\u030a-\u031a\u031c-\u0322\u0324-\u033f\u0342-\u036f"
    "\u1ab0-\u1aff\u20d0-\u20ff"
)
_DECORATIONS = re.compile(f"[{_DECORATION}]+")
_FOREIGN_CHARS = "".join(sorted(ch for ch in _READINGS if ch < "\uff00")) + _ETH + _STYLED
#: A character that can make this fix do anything: a look-alike letter, an eth, a decoration.
LOOKALIKE_TRIGGER = re.compile(
    f"[{_FOREIGN_CHARS}\u0370-\u03ff\u0400-\u04ff\u0500-\u052f{_DECORATION}]"
)
_FOREIGN = re.compile(f"[{_FOREIGN_CHARS}\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]")
# A word: letters and the marks on them, look-alikes included; decorations may sit on spaces.
_WORD = re.compile(f"[^\\W\\d_][\\w\u0300-\u036f{_DECORATION}]*")
_SPACE_MARKS = re.compile(f"(?<=[\\s\\W])[{_DECORATION}]+|^[{_DECORATION}]+")
_ASCII_WORD = re.compile(r"[A-Za-z]+")
# A letter of the Latin script as Vietnamese, English or French text writes it.
_LATIN_LETTER = re.compile(
    "[A-Za-z\u00c0-\u00ff\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0"
    "\u1ea0-\u1ef9]"
)
# At most this many readings of one word are tried.
_MAX_READINGS = 16


def latin_reading(word: str) -> str:
    """The usual Latin reading of ``word`` (look-alikes replaced, decorations dropped).

    >>> latin_reading("ĸнι"), latin_reading("caмəra")
    ('khi', 'camera')
    """
    if not _FOREIGN.search(word) and not _DECORATIONS.search(word):
        return word
    plain = _DECORATIONS.sub("", word)
    return unicodedata.normalize("NFC", "".join(_READINGS.get(ch, ch)[0] for ch in plain))


def _readings(word: str) -> list[str]:
    """Every Latin reading of ``word`` (a few at most), the usual one first."""
    options = [list(_READINGS[ch]) if ch in _READINGS else [ch] for ch in _DECORATIONS.sub("", word)]
    count = 1
    for option in options:
        count *= len(option)
    if count > _MAX_READINGS:
        options = [option[:1] for option in options]
    return [unicodedata.normalize("NFC", "".join(p)) for p in itertools.product(*options)]


def _convert(word: str, *, whole_foreign_ok: bool) -> str | None:
    """The Latin form of one word holding look-alikes or decorations, or None to keep it."""
    plain = _DECORATIONS.sub("", word)
    letters = [ch for ch in plain if ch.isalpha()]
    foreign = [ch for ch in letters if _FOREIGN.match(ch)]
    if any(ch not in _READINGS for ch in foreign):
        return None  # a letter with no Latin look: genuine text of that script
    mixed = 0 < len(foreign) < len(letters)
    if not mixed and not whole_foreign_ok:
        return None  # wholly foreign, or only decorated: the line must be Vietnamese
    if not mixed and len(letters) == 1 and foreign and foreign[0] in _GREEK:
        return None  # a lone Greek letter is a symbol (góc α, tia γ)
    readings = _readings(word)
    for reading in readings:
        if is_syllable(reading):
            return reading
    if mixed or not foreign:
        for reading in readings:
            if _ASCII_WORD.fullmatch(reading):
                return reading
    return None


def _vietnamese(line: str) -> bool:
    """Is the line, read with every look-alike replaced, Vietnamese?"""
    words = [latin_reading(w) for w in _WORD.findall(line)]
    if not words:
        return False
    syllables = sum(is_syllable(w) for w in words)
    marked = any(ch in VIETNAMESE_ONLY or ch in SPLIT_TONE for w in words for ch in w)
    return marked and syllables >= 0.5 * len(words)


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


def _fix_line(line: str) -> str:
    vietnamese: bool | None = None
    words = list(_WORD.finditer(line))
    converted: dict[int, str] = {}
    foreign_words = 0
    for n, m in enumerate(words):
        word = m.group()
        if not _FOREIGN.search(word.replace("Ð", "").replace("ð", "")) and not _DECORATIONS.search(word):
            continue
        foreign_words += 1
        if vietnamese is None:
            vietnamese = _vietnamese(line)
        fixed = _convert(word, whole_foreign_ok=vietnamese)
        if fixed is not None:
            converted[n] = fixed
    if not converted and not any(ch in _ETH for ch in line):
        return line
    # A line of genuine Cyrillic or Greek keeps its words: convert wholly foreign words only
    # when most foreign words of the line have a Latin reading.
    keep_whole = len(converted) < 0.8 * foreign_words
    pieces: list[str] = []
    last = 0
    for n, m in enumerate(words):
        fixed = converted.get(n)
        if fixed is not None and keep_whole and not _LATIN_LETTER.search(m.group()):
            fixed = None
        word = fixed if fixed is not None else m.group()
        if word[0] in _ETH:
            word = _fix_eth(word, line)
        pieces += [line[last : m.start()], word]
        last = m.end()
    out = "".join(pieces) + line[last:]
    if converted and _DECORATIONS.search(out):
        out = _SPACE_MARKS.sub("", out)  # the decorations left on spaces between converted words
    return out


def fix_lookalikes(text: str) -> str:
    """Replace look-alike letters in Vietnamese or Latin words; leave foreign words alone.

    >>> fix_lookalikes("\\N{LATIN CAPITAL LETTER ETH}à Nẵng")
    'Đà Nẵng'
    >>> fix_lookalikes("ѕaυ ĸнι cнəcĸ caмəra anн đã")
    'sau khi check camera anh đã'
    """
    if not LOOKALIKE_TRIGGER.search(text):
        return text
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if LOOKALIKE_TRIGGER.search(line):
            lines[n] = _fix_line(line)
    return "\n".join(lines)
