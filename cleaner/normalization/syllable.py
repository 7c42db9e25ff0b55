"""Vietnamese letters and syllables: tone tables, a syllable parser and the rule for where a tone goes.

The parser knows the onsets, vowel nuclei and codas of standard Vietnamese spelling; a word it
cannot parse is treated as foreign and left alone by every fix that consults it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# The five tone marks, in the order used for the tone index (0 = no tone).
TONE_MARKS = (
    "\N{COMBINING GRAVE ACCENT}",  # huyền
    "\N{COMBINING ACUTE ACCENT}",  # sắc
    "\N{COMBINING HOOK ABOVE}",  # hỏi
    "\N{COMBINING TILDE}",  # ngã
    "\N{COMBINING DOT BELOW}",  # nặng
)
BASE_VOWELS = "aăâeêioôơuưy"
PLAIN_VOWELS = "aeiouy"
MODIFIED_VOWELS = "ăâêôơư"


def _build_tone_tables() -> tuple[dict[str, tuple[str, int]], dict[tuple[str, int], str]]:
    split: dict[str, tuple[str, int]] = {}
    join: dict[tuple[str, int], str] = {}
    for base in BASE_VOWELS + BASE_VOWELS.upper():
        join[(base, 0)] = base
        for tone, mark in enumerate(TONE_MARKS, start=1):
            toned = unicodedata.normalize("NFC", base + mark)
            split[toned] = (base, tone)
            join[(base, tone)] = toned
    return split, join


#: toned vowel -> (vowel without tone, tone index 1..5); and the inverse, including tone 0.
SPLIT_TONE, JOIN_TONE = _build_tone_tables()

TONED_PLAIN = "".join(c for c, (b, _) in SPLIT_TONE.items() if b.lower() in PLAIN_VOWELS)
TONED_MODIFIED = "".join(c for c, (b, _) in SPLIT_TONE.items() if b.lower() in MODIFIED_VOWELS)
TONELESS = BASE_VOWELS + BASE_VOWELS.upper()
#: Every letter that can spell a Vietnamese word (lower and upper case).
VIETNAMESE_LETTERS = frozenset(
    TONELESS + TONED_PLAIN + TONED_MODIFIED + "bcdđghklmnpqrstvx" + "BCDĐGHKLMNPQRSTVX"
)
#: Letters that occur in Vietnamese and in no Western European language: a line holding one
#: of them is written in Vietnamese (used as context by the look-alike and legacy fixes).
VIETNAMESE_ONLY = frozenset(
    "ăơưđĂƠƯĐ" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA)) + "ĩũĨŨ"
)

ONSETS = frozenset(
    "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split()
)
CODAS = frozenset("c ch m n ng nh p t".split())
# Vowel nuclei of standard spelling, without tone marks (after a qu-/gi- onset the u/i is
# part of the onset, so "quá" has nucleus "a" and "giữa" has "ưa").
OPEN_ONLY = frozenset(
    "ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ưa ui ưi ưu uơ "
    "iêu yêu oai oay oao oeo uây uôi uya uyu ươi ươu".split()
)
CODA_ONLY = frozenset("ă â oă uâ iê yê uô ươ uyê oo".split())
FREE = frozenset("a e ê i o ô ơ u ư y oa oe uê uy".split())
NUCLEI = OPEN_ONLY | CODA_ONLY | FREE
# In these open rhymes the two spelling conventions disagree: old style marks the first
# vowel (hòa, khỏe, thủy), new style the second (hoà, khoẻ, thuỷ).
STYLE_DEPENDENT = frozenset(("oa", "oe", "uy"))

_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"([aăâeêioôơuưy]+)"
    r"(ch|ng|nh|[cmnpt])?"
)


class Syllable:
    """A word split into onset, nucleus and coda, with its tone and where the tone sits."""

    __slots__ = ("coda", "nucleus", "onset", "tone", "tone_at")

    def __init__(self, onset: str, nucleus: str, coda: str, tone: int, tone_at: int | None) -> None:
        self.onset = onset
        self.nucleus = nucleus
        self.coda = coda
        self.tone = tone
        self.tone_at = tone_at  # index into the nucleus, None without a tone

    def nucleus_start(self) -> int:
        return len(self.onset)


def parse(word: str) -> Syllable | None:
    """Parse one word as a Vietnamese syllable, or ``None`` if it is not one.

    A tone typed on the u of qu- or the i of gi- (``qúa``, ``gìa``) is accepted here and
    recorded as sitting outside the nucleus (``tone_at == -1``) so callers can move it.
    """
    tone = 0
    tone_pos = -1
    bases = []
    for i, ch in enumerate(word):
        pair = SPLIT_TONE.get(ch)
        if pair is not None:
            if tone:
                return None  # two tone marks: not a syllable we can reason about
            tone, tone_pos = pair[1], i
            ch = pair[0]
        bases.append(ch.lower())
    plain = "".join(bases)
    m = _SYLLABLE.fullmatch(plain)
    if m is None:
        return None
    onset, nucleus, coda = m.group(1) or "", m.group(2), m.group(3) or ""
    if nucleus not in NUCLEI:
        return None
    if coda and nucleus in OPEN_ONLY:
        return None
    if not coda and nucleus in CODA_ONLY:
        return None
    tone_at: int | None = None
    if tone:
        tone_at = tone_pos - len(onset)
        if tone_at >= len(nucleus):
            return None
        if tone_at < 0 and onset not in ("qu", "gi"):
            return None
    return Syllable(onset, nucleus, coda, tone, tone_at)


def tone_index(syl: Syllable, style: str) -> int:
    """Where the tone belongs in ``syl.nucleus`` under ``style`` (old, new or keep)."""
    nucleus = syl.nucleus
    modified = [i for i, ch in enumerate(nucleus) if ch in MODIFIED_VOWELS]
    if modified:
        return modified[-1]  # ươ takes the tone on ơ, uyê on ê, ưa on ư
    if syl.coda:
        return len(nucleus) - 1  # hoàng, hoạch, huỳnh, suýt
    if len(nucleus) == 3:
        return 1  # hoài, khuỷu, ngoẹo
    if len(nucleus) == 2 and nucleus in STYLE_DEPENDENT:
        if style == "new":
            return 1
        if style == "keep" and syl.tone_at in (0, 1):
            return syl.tone_at
    return 0


@lru_cache(maxsize=4096)
def place_tone(word: str, style: str) -> str:
    """Return ``word`` with its tone mark on the right vowel, or ``word`` unchanged.

    >>> place_tone("hoà", "old"), place_tone("hòa", "new"), place_tone("tòan", "old")
    ('hòa', 'hoà', 'toàn')
    """
    syl = parse(word)
    if syl is None or not syl.tone:
        return word
    want = tone_index(syl, style)
    if want == syl.tone_at:
        return word
    start = syl.nucleus_start()
    out = []
    for i, ch in enumerate(word):
        pair = SPLIT_TONE.get(ch)
        base = pair[0] if pair else ch
        out.append(JOIN_TONE[(base, syl.tone)] if i == start + want else base)
    return "".join(out)


def is_syllable(word: str) -> bool:
    """True when ``word`` is spelled like a Vietnamese syllable (any case)."""
    return parse(word) is not None


# Codas after which Vietnamese allows only the sắc and nặng tones ("checked" syllables: học,
# việc, tốt, đẹp; never "hờc" or "tỏt"), and the tone indexes of those two tones.
_CHECKED_CODAS = frozenset(("c", "ch", "p", "t"))
_CHECKED_TONES = (2, 5)
# Rhymes the syllable pattern allows but Vietnamese spelling never writes.
_NO_RHYMES = frozenset(("ơng", "ơnh", "ơc", "ơch", "ônh", "ôch", "âch", "ănh", "ăch"))


def is_plausible(word: str) -> bool:
    """Stricter than ``is_syllable``: also the tone a checked syllable can carry and the rhymes
    the spelling never writes, and one case for the whole word (``Người``, ``NGƯỜI``, not
    ``NgƯời``). Used where several readings of damaged text compete.

    >>> is_plausible("học"), is_plausible("hờc"), is_plausible("trọng"), is_plausible("trờng")
    (True, False, True, False)
    """
    syl = parse(word)
    if syl is None:
        return False
    if syl.coda in _CHECKED_CODAS and syl.tone not in _CHECKED_TONES:
        return False
    if syl.nucleus + syl.coda in _NO_RHYMES:
        return False
    rest = word[1:]
    return word.islower() or word.isupper() or (word[0].isupper() and (not rest or rest.islower()))
