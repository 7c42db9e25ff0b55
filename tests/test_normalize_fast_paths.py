"""The shortcuts of ``Normalizer.apply`` (no-break/zero-width spaces only; a lone ``Ã``) give what
the full rare-character path gives."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner.normalization import NormalizeOptions, Normalizer

NBSP = "\N{NO-BREAK SPACE}"
ZWSP = "\N{ZERO WIDTH SPACE}"
OLD = Normalizer()
NEW = Normalizer(NormalizeOptions(tone_style="new"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # next to punctuation: the space the no-break space becomes is then a spacing error
        (f"Hà Nội{NBSP}, ngày 5", "Hà Nội, ngày 5"),
        (f"Giá{NBSP}: 10 đồng", "Giá: 10 đồng"),
        (f"({NBSP}Hà Nội{NBSP})", "(Hà Nội)"),
        (f"«{NBSP}Bonjour{NBSP}»", "«Bonjour»"),
        (f"Hà Nội{NBSP} ,", "Hà Nội,"),
        # runs: one space, also where it meets an ordinary space, and at the start of a line
        (f"a{NBSP}{NBSP}{NBSP}b", "a b"),
        (f"a {NBSP}b", "a b"),
        (f"a{NBSP} b", "a b"),
        (f"{NBSP}{NBSP}Tin mới", " Tin mới"),
        (f"Tin{NBSP}{NBSP}\n{NBSP}{NBSP}mới", "Tin \n mới"),
        # with zero-width spaces: a run becomes a space if it holds a no-break space, else nothing
        (f"a{ZWSP}{NBSP}b", "a b"),
        (f"a{NBSP}{ZWSP}{NBSP}b", "a b"),
        (f"a{ZWSP}b", "ab"),
        (f"Hà{ZWSP}{NBSP}Nội{NBSP} ,", "Hà Nội,"),
        # dropping the zero-width space makes a word the tone fix then rewrites
        (f"ho{ZWSP}à bình", "hòa bình"),
        # the other fixes still run on the same text
        (f"Thuỷ{NBSP}lợi", "Thủy lợi"),
        (f"tòan{NBSP}bộ", "toàn bộ"),
        (f"cá{NBSP}nhân", "cá nhân"),
        # a no-break space that is the second byte of an à read as Windows-1252 is mojibake
        (f"HÃ{NBSP} Ná»™i", "Hà Nội"),
        (f"lÃ{NBSP}m viá»‡c", "làm việc"),
        # line ends
        (f"Hà{NBSP}Nội\r\nngày{NBSP}mai\r\n", "Hà Nội\nngày mai\n"),
        (f"Hà{NBSP}Nội\rngày", "Hà Nội\nngày"),
        # all-caps Vietnamese with Ã is not mojibake
        ("HỌ ĐÃ ĐẾN", "HỌ ĐÃ ĐẾN"),
        ("ĐÃ đến , rồi", "ĐÃ đến, rồi"),
        ("ĐÃ hoà giải", "ĐÃ hòa giải"),
    ],
)
def test_rare_spaces_and_capitals(text: str, expected: str) -> None:
    assert OLD.apply(text) == expected
    assert OLD.apply(expected) == expected


def test_invisible_off_keeps_no_break_spaces() -> None:
    keep = Normalizer(NormalizeOptions(invisible=False))
    assert keep.apply(f"Hà{NBSP}Nội{ZWSP} , hoà") == f"Hà{NBSP}Nội{ZWSP}, hòa"


_PIECES = [
    NBSP, NBSP + NBSP, ZWSP, " ", "  ", "\n", "\r\n", ",", " ,", ".", "(", "( ", " )",
    "“", "”", "«", "»", " »",
    "Ã", "ĐÃ", "HOÃ", "oÃ", "Â", "á", "â", "Ì", "€", "‰", "º", "\u2009", "\u200d", "\u0301", "ð",
    "hoà", "thuỷ", "tòan", "qúa", "Việt", "NAM", "a", "o", "y", "Viá»‡t", "á»", "lÃ",
]
_texts = st.lists(st.sampled_from(_PIECES), max_size=20).map("".join)


@pytest.mark.parametrize("normalizer", [OLD, NEW], ids=["old", "new"])
@settings(max_examples=1500, deadline=None)
@given(text=_texts)
@example(text=f"oÃ{NBSP}")  # Ã read as a tone candidate, next to a no-break space: mojibake
@example(text=f"HOÃ{NBSP}")
@example(text=f"Â{NBSP}“ «{NBSP}»")
@example(text=f"ĐÃ{ZWSP} hoà")
def test_shortcuts_match_the_rare_path(normalizer: Normalizer, text: str) -> None:
    # Whenever the scan reports a rare character, one pass must equal the full rare path: the
    # shortcuts may only skip work that provably changes nothing.
    composed = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    kinds = {hit.lastgroup for hit in normalizer._suspect.finditer(composed)}
    if kinds & {"rare", "weak"}:
        assert normalizer._apply_once(composed) == normalizer._apply_rare(composed)
