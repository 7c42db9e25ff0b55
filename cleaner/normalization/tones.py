"""Tone-mark placement: move a tone mark to the vowel that carries it in old or new style.

One regex finds only words whose tone could be misplaced; every other word costs nothing.
"""

from __future__ import annotations

import re

from .syllable import MODIFIED_VOWELS, PLAIN_VOWELS, TONED_MODIFIED, TONED_PLAIN, place_tone

_P = PLAIN_VOWELS + PLAIN_VOWELS.upper()
_M = MODIFIED_VOWELS + MODIFIED_VOWELS.upper()
_V0 = f"[{_P}{_M}]"  # a vowel without a tone mark
_VT = f"[{TONED_PLAIN}{TONED_MODIFIED}]"  # a vowel with a tone mark
_TP = f"[{TONED_PLAIN}]"  # a, e, i, o, u, y with a tone mark
_ANY_V = f"{_P}{_M}{TONED_PLAIN}{TONED_MODIFIED}"
_CODA = "(?:[cC][hH]|[nN][gGhH]|[cCmMnNpPtT])"
_END = r"(?![\w\u0300-\u036f])"
_TONED_U = "ùúủũụÙÚỦŨỤ"
_TONED_I = "ìíỉĩịÌÍỈĨỊ"
_TONED_O = "òóỏõọÒÓỎÕỌ"

# Each branch matches a shape that correctly placed text (in the given style) never has, so
# on clean text the search finds nothing.  The words it does find are re-checked by the
# syllable parser, which leaves anything that is not a Vietnamese syllable alone.  Every
# shape contains a toned vowel, so the pattern starts by consuming one: the regex engine then
# skips in C from one toned vowel to the next, and lookarounds check the neighbours.
_WRONG_ANY_STYLE = [
    # a toned vowel followed by a toneless one: a tone before ê/ơ/ô/â/ă/ư (ngừơi, tìên,
    # thủơ), before the last vowel of a closed syllable (tòan), on the first of three open
    # vowels (ngòai), or on the u of qu- / the i of gi- (qúa, gìa)
    f"(?={_V0})(?:{_V0}*[{_M}]|{_V0}+{_CODA}{_END}|{_V0}{{2}}{_END}"
    rf"|(?<=(?<![\w])[gG][{_TONED_I}])|(?<=(?<![\w])[qQ][{_TONED_U}]))",
    # a word-final toned a/e/i/o/u/y after toneless vowels: three open vowels with the tone
    # on the last (ngoaì), or two with the tone on the second (muà, hoà, thuý); the u of qu-
    # and the i of gi- belong to the onset (quá, già), so those are not matched
    f"{_END}(?<={_TP})(?:(?<={_V0}{_V0}.)|(?<={_V0}.)(?<![{_ANY_V}]..)(?<![qQ][uU].)(?<![gG][iI].))",
]
# Old style written where new style is wanted: hòa, khỏe, thủy.
_OLD_SHAPES = (
    f"(?<=[{_TONED_O}])(?<![{_ANY_V}].)[aeAE]{_END}|(?<=[{_TONED_U}])(?<![{_ANY_V}qQ].)[yY]{_END}"
)
# Where a candidate can start.  A tone on a modified vowel (â ă ê ô ơ ư) is where Vietnamese
# puts it unless a later modified vowel follows, and only ươ has two: so of the toned modified
# vowels only the ư ones can start a misplaced tone (ngừơi).  The others, about half of all
# toned vowels, are never stopped at, which halves the stops of the scan.
_FIRST = f"[{TONED_PLAIN}ừứửữựỪỨỬỮỰ]"

_WORD = re.compile(r"[\w\u0300-\u036f]+")
# A token that is a URL, e-mail address, hashtag, mention or code is not prose; nor is one that
# still holds mojibake (a UTF-8 continuation byte as Windows-1252 shows it): moving a tone there
# would make another word of a sequence that has lost a byte ("Ngưá»i" is not "Ngứa»i").
_NOT_PROSE = re.compile(r"://|^www\.|@|^#|[_=<>{}\\/]|[áâÃÄÅÆ][»º€‚ƒ‰]|[\x80-\x9f]")


#: The toned vowels a candidate can start with (see ``_FIRST``).
TONED = _FIRST


def candidate_continuation(style: str) -> str:
    """What must follow (or precede, by lookbehind) a toned vowel for it to be a candidate."""
    branches = list(_WRONG_ANY_STYLE)
    if style == "new":
        branches.append(_OLD_SHAPES)
    return f"(?:{'|'.join(branches)})"


def candidate_pattern(style: str) -> re.Pattern[str]:
    """The regex that finds possibly misplaced tones for ``style`` (old, new or keep)."""
    return re.compile(_FIRST + candidate_continuation(style))


def gate_continuation(style: str) -> str:
    """What follows a toned vowel in ``candidate_gate``: a cheaper superset of ``candidate_continuation``.

    Correct text has a toned vowel every few letters, so what the engine does at each one
    decides the speed: here one test of the next letter and one look back fail at almost all
    of them.  Every branch also checks that the character before it is a toned vowel, so the
    pipeline's scan, which stops at other characters too, can use it unchanged.

    - every shape of the first wrong-shape branch has a toneless vowel after the toned one,
      and then either that vowel is ê/ơ/ô/â/ă/ư, or a vowel or the first letter of a coda
      follows it, or the toned vowel is the i of gi- or the u of qu-;
    - the second branch is kept as it is, behind a check that a toneless vowel comes before
      the toned one (which all its shapes need);
    - the old-style shapes (only for ``new``) are kept as they are.
    """
    coda_start = "cCmMnNpPtT"
    branches = [
        f"[{_P}{_M}](?<={_VT}.)"
        f"(?:(?<=[{_M}])|[{_P}{_M}{coda_start}]|(?<=[gG][{_TONED_I}].|[qQ][{_TONED_U}].))",
        f"(?<={_V0}{_TP}){_WRONG_ANY_STYLE[1]}",
    ]
    if style == "new":
        branches.append(_OLD_SHAPES)
    # Every branch needs a toneless vowel next to the toned one (after it, or before it): one test of
    # each neighbour turns away most toned vowels before any branch is tried.
    return f"(?:(?=[{_P}{_M}])|(?<={_V0}.))(?:{'|'.join(branches)})"


def candidate_gate(style: str) -> re.Pattern[str]:
    """A pattern that finds every text ``candidate_pattern(style)`` finds, at less cost, and little else."""
    return re.compile(_FIRST + gate_continuation(style))


class ToneFix:
    """Tone placement in one style, run only on text the cheap gate finds (see ``candidate_gate``)."""

    def __init__(self, style: str) -> None:
        self.style = style
        self._gate = candidate_gate(style)
        self._candidates = candidate_pattern(style)

    def __call__(self, text: str) -> str:
        return self.fix_at(text, [hit.start() for hit in self._gate.finditer(text)])

    def fix_at(self, text: str, starts: list[int]) -> str:
        """Fix ``text`` given every place where the gate matched, in order.

        A candidate can only start where the gate matched, and neither pattern consumes a
        toned vowel after its first character, so trying the full pattern at just those
        places finds exactly the matches a scan of the whole text would find.
        """
        match = self._candidates.match
        return _fix_words(text, [start for start in starts if match(text, start)], self.style)


def _token_around(text: str, start: int, end: int) -> str:
    """The run of characters between spaces that holds ``text[start:end]``, on its own line (a URL ending
    a line is a URL whatever the next line starts with)."""
    left = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    ends = [i for i in (text.find(" ", end), text.find("\n", end)) if i >= 0]
    return text[left : min(ends) if ends else len(text)]


def fix_tones(text: str, candidates: re.Pattern[str], style: str) -> str:
    """Rewrite only the words ``candidates`` finds, moving the tone where ``style`` puts it."""
    return _fix_words(text, [hit.start() for hit in candidates.finditer(text)], style)


def _fix_words(text: str, starts: list[int], style: str) -> str:
    """Rewrite the words holding a candidate starting at one of ``starts`` (in order)."""
    pieces: list[str] = []
    last = 0
    for start in starts:
        if start < last:
            continue  # a second hit inside a word already handled
        word = _WORD.search(text, max(0, _word_start(text, start)))
        if word is None or word.start() < last:
            continue
        token = _token_around(text, word.start(), word.end())
        if _NOT_PROSE.search(token):
            continue
        fixed = place_tone(word.group(), style)
        if fixed != word.group():
            pieces.append(text[last : word.start()])
            pieces.append(fixed)
            last = word.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _word_start(text: str, i: int) -> int:
    while i > 0 and (text[i - 1].isalnum() or "\u0300" <= text[i - 1] <= "\u036f"):
        i -= 1
    return i
