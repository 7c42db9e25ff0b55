"""Line keys for learning: the folded line, its *shape* (numbers, dates, names as placeholders), hashes.

A shape turns back into a regular expression (``shape_pattern``) that matches every line with that shape.
"""

from __future__ import annotations

import hashlib
import unicodedata

import regex

from cleaner.text import fold_key, strip_marks

#: Credit markers whose following words are a name that varies from page to page ("Ảnh: Phạm Duy").
_CREDIT = regex.compile(
    r"(?i)(?<![\w])(anh|video|clip|nguon|nguon anh|thuc hien|do hoa|bai va anh|bai|pv|tac gia)\s*:\s*"
    r"[^\s:;!?()]+(?:\s+[^\s:;!?()]+){0,5}(?=\s*\)|\s*\.?\s*$)")
#: "Theo Lê Ánh" / "Theo RT" as a whole line: capitalized words only, so "Theo ông Nam, ..." stays text.
_THEO = regex.compile(r"^(Theo)\s+[A-Z0-9][^\s,:;!?()]*(?:\s+[A-Z0-9][^\s,:;!?()]*){0,4}\s*\.?$")
# Weekdays only count when a date follows: "thu nam" is also "collect the year" once diacritics are gone.
_DAY = regex.compile(r"\b(?:thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s+nhat)(?=\s*[,-]?\s*\d)")
_DATE = regex.compile(r"(?<!\d)\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?(?!\d)")
_TIME = regex.compile(r"(?<!\d)\d{1,2}\s*[:h]\s*\d{2}(?::\d{2})?(?!\d)")
_NUMBER = regex.compile(r"\d+(?:[.,]\d+)*")
_PLACEHOLDER = regex.compile(r"<(n|date|time|name|day)>")
#: Only these lines can have a shape: a digit, a credit's colon, or a leading "Theo".
_MAY_VARY = regex.compile(r"\d|:|^Theo ")
#: Template lines whose parts vary (date stamps, credits, counters) are short; longer lines get no shape
#: key, which saves most of the counting time and memory on article text.
SHAPE_MAX_WORDS = 30

#: What each placeholder matches in a learned pattern (on a line folded like the shape: no diacritics).
PLACEHOLDER_PATTERNS = {
    "n": r"\d+(?:[.,]\d+)*",
    "date": r"\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?",
    "time": r"\d{1,2}\s*[:h]\s*\d{2}(?::\d{2})?",
    "name": r"[^\s:;!?()]+(?:\s+[^\s:;!?()]+){0,5}",
    "day": r"(?:thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|chu\s+nhat)",
}
#: The trailing punctuation ``fold_key`` drops, allowed back at the end of a learned pattern.
_TRAILING = r"[\s.:;,!?…|\-–—]*"


def line_key(line: str) -> str:
    """Two lines repeat each other when their keys are equal (whitespace, case, diacritics folded)."""
    return fold_key(line)


def _ascii(line: str) -> str:
    """Letters without marks, and every other non-ASCII character dropped: a fast, lossy fold for counting."""
    line = line.replace("\N{LATIN SMALL LETTER D WITH STROKE}", "d")
    line = line.replace("\N{LATIN CAPITAL LETTER D WITH STROKE}", "D")
    return unicodedata.normalize("NFD", line).encode("ascii", "ignore").decode("ascii")


def count_keys(line: str) -> tuple[str, str | None]:
    """The line and shape keys counting uses: like ``line_key``/``shape_key`` but several times faster.

    Symbols (•, “, …) are dropped rather than kept, so two lines differing only in them count as one; a
    rule's text always comes from real sample lines and from ``shape_key``, never from these keys.
    """
    words = _ascii(line).split()
    s = " ".join(words)
    folded = s.lower().rstrip(" .:;,!?|-")
    if len(words) > SHAPE_MAX_WORDS or not _MAY_VARY.search(s):
        return folded, None  # the common case, decided with one scan
    return folded, _shape(s)


def shape_key(line: str) -> str | None:
    """The line with its varying parts as placeholders, or ``None`` when nothing in it varies.

    >>> shape_key("Thứ tư, 22/10/2025, 19:25 (GMT+7)")
    '<day>, <date>, <time> (gmt+<n>)'
    >>> shape_key("Ảnh: Phạm Duy")
    'anh: <name>'
    >>> shape_key("Đăng nhập") is None
    True
    """
    words = strip_marks(line).split()
    return None if len(words) > SHAPE_MAX_WORDS else _shape(" ".join(words))


def _shape(s: str) -> str | None:
    s = _THEO.sub(r"\1 <name>", s)
    s = _CREDIT.sub(r"\1: <name>", s)
    s = " ".join(s.casefold().split()).rstrip(" .:;,!?…|-–—")
    s = _DAY.sub("<day>", s)
    s = _DATE.sub("<date>", s)
    s = _TIME.sub("<time>", s)
    s = _NUMBER.sub("<n>", s)
    return s if "<" in s and _PLACEHOLDER.search(s) else None


def shape_pattern(shape: str) -> str:
    """A regular expression (for ``ignore_diacritics``, ``match: line``) matching every line of ``shape``.

    >>> import regex
    >>> p = shape_pattern("<day>, <date>, <time> (gmt+<n>)")
    >>> bool(regex.fullmatch(p, "thu tu, 22/10/2025, 19:25 (gmt+7)", regex.I))
    True
    """
    out: list[str] = []
    for i, part in enumerate(_PLACEHOLDER.split(shape)):
        if i % 2:
            out.append(PLACEHOLDER_PATTERNS[part])
        elif part:
            out.append(r"\s+".join(regex.escape(word) for word in part.split(" ")))
    return "".join(out) + _TRAILING


def literal_parts(shape: str) -> str:
    """The fixed text of a shape, for naming a rule and finding look-alike lines."""
    return " ".join(_PLACEHOLDER.sub(" ", shape).split())


def key_hash(kind: str, key: str) -> int:
    """A 64-bit hash of a key (8-byte blake2b): stable across processes and runs, so counts can be merged."""
    return int.from_bytes(hashlib.blake2b(f"{kind}\x00{key}".encode(), digest_size=8).digest(), "little")
