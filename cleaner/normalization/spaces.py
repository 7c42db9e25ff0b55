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
_INVISIBLE = re.compile(f"[{SPACE_LIKE}{REMOVABLE}]+")
_SPACE_LIKE = re.compile(f"[{SPACE_LIKE}]")
_SPACE_LIKE_RUN = re.compile(f"[{SPACE_LIKE}]+")
_REMOVABLE = re.compile(f"[{REMOVABLE}]")
_STRAY_ZWJ = re.compile(f"(?<![{_EMOJI}]){_ZWJ}|{_ZWJ}(?![{_EMOJI}])")


def fix_invisible(text: str) -> str:
    """Turn fixed-width spaces into spaces and drop zero-width and bidi characters."""
    if not INVISIBLE_TRIGGER.search(text):
        return text
    if _REMOVABLE.search(text):
        # a run of invisible characters becomes one space if it held a space, else nothing
        text = _INVISIBLE.sub(lambda m: " " if _SPACE_LIKE.search(m.group()) else "", text)
    else:  # only spaces (the usual &nbsp;): every run becomes one space, no call per run
        text = _SPACE_LIKE_RUN.sub(" ", text)
    return _STRAY_ZWJ.sub("", text) if _ZWJ in text else text


OPENING = "([{“‘«"
CLOSING = ")]}”»"
_OPENING, _CLOSING = OPENING, CLOSING
# A space before , ; : ! ? . is a typing error only when the mark ends the word it follows:
# "a , b" and "Tại sao ?" are fixed; ".NET", " :)" , "10 :30" or an ellipsis "..." are not
# (the mark is followed by a letter, digit, bracket or another dot).  Spaces at the start and
# end of a line are the rule engine's business (it strips them), so none of these touch them.
_SPACE_BEFORE_MARK = re.compile(r"(?<=\S) (?=(?:[,;:!?]+|\.(?!\.))(?:[\s\"”’»]|$))")
_SPACE_BEFORE_CLOSING = re.compile(f"(?<=\\S) (?=[{re.escape(_CLOSING)}])")
_SPACE_AFTER_OPENING = re.compile(f"([{re.escape(_OPENING)}]) (?=\\S)")
_RUN = re.compile(r"(?<=\S) {2,}(?=\S)")
# What can need fixing: two spaces between words, a space before a mark that follows a word,
# a space after an opening bracket.  The first is a literal the engine finds in C; the other
# two share one scan that stops only at punctuation and brackets, not at every space.
DOUBLE_SPACE = re.compile("  (?<=\\S  )(?=\\S)")
_MARKS = ",.;:!?" + re.escape(_CLOSING)
#: The characters a spacing error (other than two spaces) is found at, and what must be true
#: once the engine stands just past one of them; the pipeline reuses both in its one scan.
SPACING_STARTS = _MARKS + re.escape(_OPENING)
SPACING_CHECK = f"(?<=\\S [{_MARKS}])|(?<=[{re.escape(_OPENING)}]) (?=\\S)"
_MARK_OR_OPENING = re.compile(f"[{SPACING_STARTS}](?:{SPACING_CHECK})")


def _needs_fix(text: str) -> bool:
    return bool(("  " in text and DOUBLE_SPACE.search(text)) or _MARK_OR_OPENING.search(text))


# A line of code or markup keeps its spacing: braces, comparison and logic operators, a
# statement ending in ";", a tag.  Prose has none of these ("C++", "GMT+7" and "5 < 7" pass).
_CODE = re.compile(r"[{}]|[=!<>]=|=>|&&|\|\||\w\(.*\)\s*;|</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
# "giác ,sập": a comma or semicolon typed before the space instead of after it.
_MARK_BEFORE_WORD = re.compile(r"(?<=[^\W\d_]) ([,;])(?=[^\W\d_])")
_QUOTE_PAIRS = {"“": "”", "‘": "’", "«": "»"}
_CLOSING_QUOTES = {close: mark for mark, close in _QUOTE_PAIRS.items()}
_MOJIBAKE_LEADS = frozenset("ÂÃÄÅÆÌÍáâ")


def _closing(match: re.Match[str]) -> str:
    """The space before a closing bracket or quote goes, unless the quote has no opening quote
    of its kind before it (``Trang chủ » Tin tức``: which side it belongs to cannot be told), or
    closing up would put ” or » right after a letter that leads a UTF-8 sequence in mojibake
    (``Ì »`` would become ``Ì»``, which the mojibake fix then decodes on a second pass)."""
    line, at = match.string, match.end()
    mark = _CLOSING_QUOTES.get(line[at])
    if mark is not None:
        before = line[: match.start()]
        if before.count(mark) <= before.count(line[at]) or before[-1:] in _MOJIBAKE_LEADS:
            return match.group()
    return ""


def _opening(match: re.Match[str]) -> str:
    """An opening quote followed by a space loses the space, unless the quote stands alone
    between spaces and is not known to open anything: a quote of its kind is still open before
    it (``“tự vệ “ ở``: a closing quote typed with the wrong key), or no closing quote follows."""
    mark = match.group(1)
    close = _QUOTE_PAIRS.get(mark)
    if close is not None:
        line = match.string
        before, after = line[: match.start()], line[match.end() :]
        if (before == "" or before.endswith(" ")) and (
            before.count(mark) > before.count(close) or close not in after
        ):
            return match.group()
    return mark


#: Passes over one line at most: a fix can change what the next decides ("« « A »": once the first
#: quote has lost its space, the second no longer stands alone), so a line is fixed until it settles.
_MAX_LINE_PASSES = 4


def _fix_line(line: str) -> str:
    if _CODE.search(line):
        return line
    for _ in range(_MAX_LINE_PASSES):
        fixed = _fix_once(line)
        if fixed == line:
            break
        line = fixed
    return line


def _fix_once(line: str) -> str:
    line = _RUN.sub(" ", line)
    line = _MARK_BEFORE_WORD.sub(r"\1 ", line)
    line = _SPACE_BEFORE_MARK.sub("", line)
    line = _SPACE_AFTER_OPENING.sub(_opening, line)
    return _SPACE_BEFORE_CLOSING.sub(_closing, line)


def fix_spaces(text: str) -> str:
    """Collapse runs of spaces between words and fix spacing at punctuation and brackets."""
    if not _needs_fix(text):
        return text
    return "\n".join(_fix_line(line) if _needs_fix(line) else line for line in text.split("\n"))
