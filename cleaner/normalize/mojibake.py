"""Mojibake repair: UTF-8 that was decoded as Windows-1252 or Latin-1, once or more, via ftfy."""

from __future__ import annotations

import re
import unicodedata

import ftfy

# Bytes that continue a UTF-8 sequence (0x80-0xBF) as Windows-1252 or Latin-1 shows them.
_CONT = (
    "\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
# Lead bytes of the UTF-8 sequences Vietnamese text is made of, as Windows-1252 shows them:
# C2-C6 (Latin-1 letters, đ, ơ, ư), CC-CD (combining tone marks), E1 (ạ…ỹ), E2 (quotes, dashes).
# Each must be followed by a continuation byte, which ordinary Vietnamese never does.
MOJIBAKE_TRIGGER = re.compile(f"[ÂÃÄÅÆÌÍáâ][{_CONT}]")
# Characters of which every Vietnamese mojibake holds at least one (Ã Ä Å Æ lead the
# sequences of à…ý, ă, đ, ĩ, ũ, ơ, ư; º » follow the á of ạ…ỹ; € ‚ ƒ ‰ and C1 controls
# follow â, Ì, Í in quotes and tone marks) and ordinary Vietnamese text almost never does.
# "Â" alone (a double-encoded no-break space) is not enough evidence to pay for ftfy.
MOJIBAKE_RARE = "ÃÄÅÆº»€‚ƒ‰\x80-\x9f"

# ftfy with settings for news text: repair encodings only and change nothing else.
_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,  # entities are the HTML stage's business, not this fix's
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,  # Vietnamese news uses “ ” on purpose
    fix_line_breaks=False,  # line numbers must stay valid
    remove_control_chars=False,  # the invisible fix decides what to drop
    explain=False,
)


# One UTF-8 sequence of a Vietnamese letter as Windows-1252 shows it: a two-byte lead
# (C2-C6, CC, CD) or a three-byte lead (E1, E2) with its continuation bytes.  ftfy weighs a
# whole line before it decodes and leaves short cases such as "Ná»™i" alone; these are decoded
# one sequence at a time, and only when the bytes are valid UTF-8.
_SEQUENCE = re.compile(f"[ÂÃÄÅÆÌÍ][{_CONT}]|[áâ][{_CONT}]{{2}}")


def _byte(ch: str) -> int:
    try:
        return ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        return ord(ch)  # the five bytes Windows-1252 leaves undefined arrive as C1 controls


def _decode_sequence(match: re.Match[str]) -> str:
    raw = bytes(_byte(ch) for ch in match.group())
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return match.group()


def fix_mojibake(text: str) -> str:
    """Repair mojibake on the lines that show its signature; other lines are not touched.

    >>> fix_mojibake("Viá»‡t Nam")
    'Việt Nam'
    """
    if not MOJIBAKE_TRIGGER.search(text):
        return text
    lines = text.split("\n")
    for n, line in enumerate(lines):
        if MOJIBAKE_TRIGGER.search(line):
            fixed = ftfy.fix_text(line, _CONFIG)
            if MOJIBAKE_TRIGGER.search(fixed):
                fixed = unicodedata.normalize("NFC", _SEQUENCE.sub(_decode_sequence, fixed))
            if "\n" not in fixed and "\r" not in fixed:
                lines[n] = fixed
    return "\n".join(lines)
