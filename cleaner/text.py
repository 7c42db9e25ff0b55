"""Text helpers for the engine: diacritics folding that keeps offsets, line splitting, the output form."""

from __future__ import annotations

import re
import unicodedata


def _build_mark_table() -> dict[int, str]:
    """Map every precomposed Latin letter with marks to its base letter, keeping case and length.

    Length is kept (one character in, one out) so a folded line has the same offsets as the
    original and a match found in the folded text points at the same characters.
    """
    table: dict[int, str] = {}
    # Latin-1 Supplement .. Latin Extended-B, and Latin Extended Additional (most Vietnamese letters)
    ranges = [(0x00C0, 0x024F), (0x1E00, 0x1EFF)]
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            base = unicodedata.normalize("NFD", ch)[0]
            if base != ch and base.isascii() and base.isalpha():
                table[cp] = base
    # đ/Đ have no decomposition; the look-alike eth (Ð/ð) is folded the same way so a rule
    # written with "d" matches text that a scraper typed with an eth.
    table[ord("\N{LATIN SMALL LETTER D WITH STROKE}")] = "d"
    table[ord("\N{LATIN CAPITAL LETTER D WITH STROKE}")] = "D"
    table[ord("\N{LATIN SMALL LETTER ETH}")] = "d"
    table[ord("\N{LATIN CAPITAL LETTER ETH}")] = "D"
    # Combining marks left over after NFC would break length-preserving folding if removed,
    # so they are kept; NFC composes every Vietnamese letter, so they are rare.
    return table


_MARK_TABLE = _build_mark_table()
# The same mapping as a list indexed by code point: str.translate looks a list up about three times faster
# than a dict. Code points past its end raise IndexError, which translate takes as "keep the character".
_MARK_LIST = [_MARK_TABLE.get(cp, chr(cp)) for cp in range(max(_MARK_TABLE) + 1)]


def strip_marks(text: str) -> str:
    """Remove Vietnamese (and other Latin) diacritics, keeping case and length: ``Liên`` -> ``Lien``.

    >>> strip_marks("TIN LIÊN QUAN - Đọc thêm")
    'TIN LIEN QUAN - Doc them'
    """
    return text.translate(_MARK_LIST)


def fold_key(line: str) -> str:
    """The key two lines are compared by when deciding that one repeats the other.

    Whitespace runs, case and diacritics are folded; so is trailing punctuation, which CMS
    templates add or drop between a title and its copies.

    >>> fold_key("  Đau bụng kéo  dài. ") == fold_key("đau bung keo dai")
    True
    """
    return " ".join(strip_marks(line).casefold().split()).rstrip(KEY_TRAILING)


#: What ``fold_key`` strips from the end of a line.
KEY_TRAILING = " .:;,!?…|-–—"


def word_count(line: str) -> int:
    """Words as a reader counts them: runs of non-space characters."""
    return len(line.split())


#: The byte order mark as a character. Bytes are decoded by ``cleaner.files.decode``, which reads a BOM and
#: drops it; text that reaches the library as ``str`` (or a JSONL line) can still start with one.
BOM = "\ufeff"


def strip_bom(text: str) -> str:
    r"""``text`` without a byte order mark at its start: the one place text loses it.

    >>> strip_bom("\ufeffHà Nội"), strip_bom("Hà Nội\ufeff")
    ('Hà Nội', 'Hà Nội\ufeff')
    """
    return text[1:] if text.startswith(BOM) else text


def unify_line_ends(text: str) -> str:
    r"""Every line ending (``\r\n``, ``\r``) as ``\n``: the one place text loses its line-ending style
    (``cleaner.files.restyle`` puts a file's style back when it is written).

    >>> unify_line_ends("a\r\nb\rc\n")
    'a\nb\nc\n'
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def to_lines(text: str) -> list[str]:
    """Split on any line ending (``\\r\\n``, ``\\r``, ``\\n``); no empty string after a final newline."""
    lines = unify_line_ends(text).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


#: What ``str.strip()`` takes for space but the rules' ``\\s`` does not: the C0 separators FS, GS, RS, US.
_SEPARATOR = re.compile("[\x1c-\x1f]")
#: Space as the patterns see it (Unicode White_Space), for stripping a line that holds a separator.
_SPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace() and not _SEPARATOR.match(chr(c)))


def to_output(lines: list[str]) -> str:
    """The output form: one paragraph per line, stripped, no blank lines, ``\\n`` endings, a final newline."""
    kept = [s for s in (_strip(line) for line in lines) if s]
    return "\n".join(kept) + "\n" if kept else ""


def _strip(line: str) -> str:
    """``line.strip()``, but a separator at either end stays: a rule saw ``International\\x1f`` and kept it,
    so the output must hold the same line, or a second pass would match ``International`` and drop it."""
    stripped = line.strip()
    if len(stripped) == len(line) or not _SEPARATOR.search(line):
        return stripped
    return line.strip(_SPACE)
