"""Invisible characters and spacing around punctuation."""

from __future__ import annotations

import re

# Fixed-width spaces that scrapes carry over from HTML (&nbsp;, &thinsp;, French-style narrow
# no-break space before punctuation): all read as an ordinary space.
SPACE_LIKE = "\N{NO-BREAK SPACE}\N{NARROW NO-BREAK SPACE}\u2000-\u200a\N{MEDIUM MATHEMATICAL SPACE}"
# Characters that have no glyph and only break search, tokenizers and dedup.
REMOVABLE = (
    "\N{ZERO WIDTH SPACE}\N{ZERO WIDTH NON-JOINER}\N{WORD JOINER}\N{ZERO WIDTH NO-BREAK SPACE}"
    "\N{SOFT HYPHEN}\N{LEFT-TO-RIGHT MARK}\N{RIGHT-TO-LEFT MARK}\N{ARABIC LETTER MARK}"
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides and isolates
)
_ZWJ = "\N{ZERO WIDTH JOINER}"
# Emoji and the modifiers that end an emoji element (variation selector-16, skin tones):
# a zero-width joiner between two of them builds one emoji (👨‍👩‍👧) and must stay.
_EMOJI = "\u2600-\u27bf\U0001f000-\U0001faff\N{VARIATION SELECTOR-16}"

INVISIBLE_TRIGGER = re.compile(f"[{SPACE_LIKE}{REMOVABLE}{_ZWJ}]")
_SPACE_LIKE = re.compile(f"[{SPACE_LIKE}]")
_REMOVABLE = re.compile(f"[{REMOVABLE}]+|(?<![{_EMOJI}]){_ZWJ}|{_ZWJ}(?![{_EMOJI}])")


def fix_invisible(text: str) -> str:
    """Turn fixed-width spaces into spaces and drop zero-width and bidi characters."""
    if not INVISIBLE_TRIGGER.search(text):
        return text
    return _REMOVABLE.sub("", _SPACE_LIKE.sub(" ", text))


_OPENING = "([{“‘«"
_CLOSING = ")]}”»"
# A space before , ; : ! ? . is a typing error only when the mark ends the word it follows:
# "a , b" and "Tại sao ?" are fixed; ".NET", " :)" , "10 :30" or an ellipsis "..." are not
# (the mark is followed by a letter, digit, bracket or another dot).
_SPACE_BEFORE_MARK = re.compile(r"(?<=\S) +(?=(?:[,;:!?]+|\.(?!\.))(?:[\s\"”’»]|$))")
_SPACE_BEFORE_CLOSING = re.compile(f"(?<=\\S) +(?=[{re.escape(_CLOSING)}])")
_SPACE_AFTER_OPENING = re.compile(f"(?<=[{re.escape(_OPENING)}]) +(?=\\S)")
_RUN = re.compile(r"(?<=\S)  +(?=\S)")
_EDGES = re.compile(r"^[ \t]+|[ \t]+$", re.MULTILINE)
SPACES_TRIGGER = re.compile(
    r"  |^[ \t]|[ \t]$| [,.;:!?" + re.escape(_CLOSING) + "]|[" + re.escape(_OPENING) + "] ",
    re.MULTILINE,
)


def fix_spaces(text: str) -> str:
    """Collapse runs of spaces, strip line edges, and fix spacing at punctuation and brackets."""
    if not SPACES_TRIGGER.search(text):
        return text
    text = _EDGES.sub("", text)
    text = _RUN.sub(" ", text)
    text = _SPACE_BEFORE_MARK.sub("", text)
    text = _SPACE_AFTER_OPENING.sub("", text)
    return _SPACE_BEFORE_CLOSING.sub("", text)
