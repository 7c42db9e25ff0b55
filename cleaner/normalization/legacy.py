"""Legacy Vietnamese encodings (VNI-Windows, TCVN3, VISCII read as a Western code page; VIQR).

A paragraph is converted only on strong evidence: see ``_confident`` and docs/normalization.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import NamedTuple

from . import tables
from .syllable import SPLIT_TONE, VIETNAMESE_ONLY, is_syllable, place_tone

Decoder = Callable[[str], str]


def _table_decoder(table: dict[str, str]) -> Decoder:
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(k) for k in keys))

    def decode(text: str) -> str:
        return unicodedata.normalize("NFC", pattern.sub(lambda m: table[m.group()], text))

    return decode


# VIQR (RFC 1456): a vowel, then an optional modifier ( ^ +, then an optional tone ' ` ? ~ . ;
# "dd" is đ; a backslash makes the next mark literal.  A "." or "?" ending a word is a tone
# only when the sentence goes on in lower case ("tho. la`"), or when punctuation follows it
# ("vu., " "vu.." : a full stop is never followed by a comma or a second lone full stop);
# otherwise it is punctuation, and so is the full stop after an initial ("Nguye^~n A. ddi").
_VIQR_MODIFIER = {"(": "\u0306", "^": "\u0302", "+": "\u031b"}
_VIQR_TONE = {"'": "\u0301", "`": "\u0300", "?": "\u0309", "~": "\u0303", ".": "\u0323"}
_VIQR_ALLOWED = {"a": "(^", "e": "^", "o": "^+", "u": "+"}
_VIQR = re.compile(
    r"\\([(^+'`?~.])"
    r"|(?<![A-Za-z])([dD])([dD])(?=[A-Za-z])"
    r"|([aeiouyAEIOUY])([(^+])?(['`~]|[?.](?=[A-Za-z]|[ \t]+[a-z]|[,;:!](?:\s|$)|\.(?!\.)))?"
)


def _viqr_repl(m: re.Match[str]) -> str:
    if m.group(1):
        return m.group(1)
    if m.group(2):
        return "Đ" if m.group(2) == "D" else "đ"
    vowel, modifier, tone = m.group(4), m.group(5) or "", m.group(6) or ""
    if tone in ".?" and tone and not modifier and vowel.isupper():
        start = m.start()
        if start == 0 or not m.string[start - 1].isalpha():
            return vowel + tone  # an initial: "A." is not "Ạ"
    if modifier and modifier not in _VIQR_ALLOWED.get(vowel.lower(), ""):
        return m.group()
    marks = _VIQR_MODIFIER.get(modifier, "") + _VIQR_TONE.get(tone, "")
    return unicodedata.normalize("NFC", vowel + marks) if marks else m.group()


def _decode_viqr(text: str) -> str:
    return _VIQR.sub(_viqr_repl, text)


DECODERS: dict[str, Decoder] = {
    "vni": _table_decoder(tables.VNI),
    "tcvn3": _table_decoder(tables.TCVN3),
    "viscii": _table_decoder(tables.VISCII),
    "viqr": _decode_viqr,
    # Windows-1258 read as Windows-1252: only ever detected (``auto``), never forced, since
    # ``--encoding cp1258`` already reads such files right.
    "cp1258": _table_decoder(tables.CP1258),
}

# Characters ordinary Vietnamese, English and French news text rarely holds but legacy-font
# text read as Windows-1252 is full of: Latin-1 letters outside the Vietnamese alphabet, the
# symbols TCVN3 uses for letters, and the C0 bytes VISCII uses for capitals.  Common symbols
# (no-break space, « » ° © ® ± × ·) and 1252 punctuation (“ ” ‘ ’ … – — •) are not evidence.
_BYTE_TRIGGER = re.compile(
    "[\x02\x05\x06\x14\x19\x1e\x80-\x9f\xa1-\xa8\xaa\xac\xad\xaf\xb2-\xb6\xb8-\xba\xbc-\xbf"
    "ÄÅÆÇËÎÏÐÑÖØÛÜÞßäåæçëîïðñöøûüþÿ\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192]"
)
# VIQR text is ASCII, so it is found by marks no English sentence puts after a letter: almost
# every Vietnamese sentence has a circumflex (^), horn (+), grave (`) or tilde (~).
_VIQR_TRIGGER = re.compile(r"[\^+`~](?<=[A-Za-z].)")
#: Characters that start legacy evidence, as one class for the pipeline's rare scan.  "+" is
#: left out: "GMT+7" and "C++" are common, and VIQR text without ^ ` ~ is all but unknown.
LEGACY_RARE = _BYTE_TRIGGER.pattern[1:-1] + "\\^`~"
# Windows-1258 writes most tones as a combining byte after the vowel, which Windows-1252 shows
# as ì ò Ì Ò Þ (HôÌ, phôì, duòc), and đ ơ ư ă as ð õ ý ã.  A vowel followed by one of the first
# four is evidence (ì and ò alone are Vietnamese letters); the others are in _BYTE_TRIGGER.
CP1258_TONE_AFTER_VOWEL = "[aeiouyâêôõýAEIOUYÂÊÔÕÝ][ÌìÒò]"
_CP1258_TRIGGER = re.compile(f"{CP1258_TONE_AFTER_VOWEL}|[ðÐÞþ]")
_TRIGGERS = {
    "vni": _BYTE_TRIGGER, "tcvn3": _BYTE_TRIGGER, "viscii": _BYTE_TRIGGER, "viqr": _VIQR_TRIGGER,
    "cp1258": _CP1258_TRIGGER,
}

_EDGE = re.compile(r"^[^\w\u00a1-\u00bf]+|[^\w\u00a1-\u00bf]+$")
# Thresholds of the confidence test; they were set on the dev corpus so that no line of
# ordinary Vietnamese, English or French text passes, while a paragraph of legacy text does.
_MIN_CHANGED = 2  # words the decoding must change in one paragraph
_UNICODE_WEIGHT = 2  # a word already in Unicode Vietnamese outweighs this many repaired words
_MIN_CHANGED_SHARE = 0.2  # ... as a share of its words
_MIN_VALID_AFTER = 0.8  # share of changed words that must then be Vietnamese syllables
# ... and more of them must be syllables after decoding than before (a VNI "Hoà" or "phoá"
# happens to be spelled like a syllable; Vietnamese capitals read as TCVN3 stay syllables).
_MIN_LINE_VALID = 0.6  # share of all words that are syllables after decoding


def _is_vietnamese_word(token: str) -> bool:
    """Is ``token`` (edge punctuation aside) a Vietnamese syllable with its tone where either
    spelling style puts it?  ``phôì`` (Windows-1258 "phố" read as Windows-1252) is not."""
    word = _EDGE.sub("", token)
    return bool(word) and is_syllable(word) and place_tone(word, "keep") == word


class _Evidence(NamedTuple):
    """What decoding one paragraph does to its words (see ``_confident``)."""

    words: int  # words with a letter, after decoding
    changed: int  # words the decoding changes
    valid_before: int  # changed words that were Vietnamese syllables already
    valid_after: int  # changed words that are Vietnamese syllables after decoding
    valid_line: int  # words of the decoded paragraph that are Vietnamese syllables
    repaired: int  # changed words that were not syllables and become syllables
    strong: int  # ... of them, those not explained by one stray character in front
    unicode_words: int  # words that hold a letter no legacy reading can produce (ư, ạ, ế...)


_NO_EVIDENCE = _Evidence(0, 0, 0, 0, 0, 0, 0, 0)


def _evidence(line: str, decoded: str) -> _Evidence:
    """Counts for the confidence test, word by word."""
    before, after = line.split(), decoded.split()
    if len(before) != len(after):
        return _NO_EVIDENCE
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    valid_before = valid_after = repaired = strong = 0
    for b, a in changed:
        was, now = _is_vietnamese_word(b), _is_vietnamese_word(a)
        valid_before += was
        valid_after += now
        repaired += now and not was
        rest = _EDGE.sub("", b)[1:]
        strong += now and not was and bool(rest) and not _is_vietnamese_word(rest)
    words = [a for a in after if any(ch.isalpha() for ch in a)]
    valid_line = sum(_is_vietnamese_word(a) for a in words)
    # Text in a legacy font read as a Western code page holds only that code page's characters;
    # a word that already holds ư, ơ, đ or a letter such as ạ or ế (and is a syllable) was
    # written in Unicode, and the legacy reading of its line would destroy such words.
    unicode_words = sum(
        1 for b in before if any(ch in VIETNAMESE_ONLY for ch in b) and _is_vietnamese_word(b)
    )
    return _Evidence(
        len(words), len(changed), valid_before, valid_after, valid_line, repaired, strong, unicode_words
    )


def _confident(line: str, decoded: str, *, short_ok: bool) -> bool:
    """Does decoding turn mostly non-words into Vietnamese syllables, in a Vietnamese paragraph?"""
    ev = _evidence(line, decoded)
    if ev.changed == 0 or not ev.words:
        return False
    if ev.changed < _MIN_CHANGED and not short_ok:
        return False
    if ev.strong == 0:
        return False  # one stray symbol or letter is no evidence: it must mend a real word
    if ev.unicode_words * _UNICODE_WEIGHT > ev.repaired:
        return False  # correct Unicode Vietnamese behind a stray symbol or Latin-1 letter
    if ev.changed / ev.words < _MIN_CHANGED_SHARE:
        return False
    if ev.valid_after < _MIN_VALID_AFTER * ev.changed or ev.valid_after <= ev.valid_before:
        return False
    if ev.valid_line < _MIN_LINE_VALID * ev.words:
        return False
    # the decoded paragraph must look Vietnamese, not just hold syllable-shaped words
    return any(ch in VIETNAMESE_ONLY or ch in SPLIT_TONE for ch in decoded)


class LegacyFix:
    """Detects (``mode="auto"``) or forces one legacy encoding and converts paragraphs."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.names = tuple(DECODERS) if mode == "auto" else (mode,)

    def triggered(self, text: str) -> bool:
        return any(trigger.search(text) for trigger in {_TRIGGERS[name] for name in self.names})

    def __call__(self, text: str) -> str:
        if self.mode == "off" or not self.triggered(text):
            return text
        lines = text.split("\n")
        if self.mode != "auto":
            decode, trigger = DECODERS[self.mode], _TRIGGERS[self.mode]
            return "\n".join(decode(line) if trigger.search(line) else line for line in lines)
        found: set[str] = set()
        pending: list[int] = []
        for n, line in enumerate(lines):
            name = self._detect(line, short_ok=False)
            if name:
                lines[n] = DECODERS[name](line)
                found.add(name)
            elif any(_TRIGGERS[k].search(line) for k in self.names):
                pending.append(n)
        # A short paragraph (a title, "Tin tøc") carries too little evidence on its own; it is
        # converted when another paragraph of the same document was confidently detected.
        for n in pending:
            name = self._detect(lines[n], short_ok=True, among=found)
            if name:
                lines[n] = DECODERS[name](lines[n])
        return "\n".join(lines)

    def _detect(self, line: str, *, short_ok: bool, among: set[str] | None = None) -> str | None:
        best: tuple[int, str] | None = None
        for name in self.names if among is None else [n for n in self.names if n in among]:
            if not _TRIGGERS[name].search(line):
                continue
            if name != "viqr" and line.isascii():
                # Font-encoded Vietnamese is full of bytes above 0x7F; a line of ASCII is not it, even
                # when it holds the C0 control bytes VISCII uses for six capitals ("\x14" is "Ỷ").
                continue
            decoded = DECODERS[name](line)
            if decoded != line and _confident(line, decoded, short_ok=short_ok):
                score = _evidence(line, decoded).valid_line
                if best is None or score > best[0]:
                    best = (score, name)
        return best[1] if best else None
