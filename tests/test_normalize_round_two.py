"""Normalization on real gold lines: stray symbols before correct Vietnamese, byte-lost mojibake,
and the properties (stable, NFC, explain equals apply) on disguised and byte-lost input."""

from __future__ import annotations

import unicodedata

import pytest
from conftest import SHARED
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.normalization import NormalizeOptions, Normalizer

OLD = Normalizer()
NO_MOJIBAKE = Normalizer(NormalizeOptions(mojibake=False))


def _gold_lines() -> list[str]:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        return []
    lines: dict[str, None] = {}
    for path in sorted(corpus.glob("dev*/*.gold.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                lines[line] = None
    return list(lines)


GOLD = _gold_lines()
needs_gold = pytest.mark.skipif(not GOLD, reason=f"the shared gold lines are not under {SHARED / 'corpus'}")


def _drop_undefined_bytes(text: str) -> str:
    """UTF-8 read as Windows-1252, with the five bytes it leaves undefined dropped on the way."""
    return text.encode("utf-8").decode("cp1252", errors="ignore")


@needs_gold
@pytest.mark.parametrize("glued", [False, True], ids=["spaced", "glued"])
def test_stray_character_before_a_correct_line_changes_no_letter(glued: bool) -> None:
    # Every character U+00A1-U+00FF (symbols and Latin-1 letters common in scraped text) in front
    # of 40 real lines: the legacy decoders must not read the line as a font encoding.
    step = max(1, len(GOLD) // 40)
    lines = GOLD[::step][:40]
    corrupted = []
    for line in lines:
        expected = OLD.apply(line)
        for code in range(0xA1, 0x100):
            out = OLD.apply(chr(code) + ("" if glued else " ") + line)
            if glued:
                # the first word holds the stray character; every later word must be as alone
                ok = out.split(" ", 1)[1:] == expected.split(" ", 1)[1:]
            else:
                ok = out.split(" ", 1)[-1] == expected  # a soft hyphen is removed, so [-1]
            if not ok:
                corrupted.append((chr(code), line[:40], out[:40]))
    assert corrupted == []


@needs_gold
def test_mojibake_that_lost_bytes_comes_back() -> None:
    damaged = [(line, _drop_undefined_bytes(line)) for line in GOLD]
    damaged = [(line, bad) for line, bad in damaged if bad != line]
    back = sum(OLD.apply(bad) == OLD.apply(line) for line, bad in damaged)
    assert back >= 0.9 * len(damaged), f"{back} of {len(damaged)} lines repaired"


@needs_gold
def test_clean_gold_lines_are_not_touched_by_the_mojibake_fix() -> None:
    changed = [line for line in GOLD if OLD.apply(line) != NO_MOJIBAKE.apply(line)]
    assert changed == []


_VIET = "aăâeêioôơuưyđàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
_WORDS = st.text(alphabet=_VIET + _VIET.upper() + "bcdghklmnpqrstvx", min_size=1, max_size=7)
_DISGUISE = str.maketrans("aehiknoptuy", "аенιĸнорτυу")
_SPECIAL = st.sampled_from(
    [" ", "\n", ",", "“", "”", "&nbsp;", "&amp;", "&lt;b&gt;", "`&quot;`", "\u033c", "ɦ", "ɑ", "ց", "ʜ", "ɴ",
     "α", "Ð", "Ã", "Ä", "á»", "â€", "\u00a0", "ì", "Ì", "ò", "õ", "ý", "¹", "£", "^", "`", "."]
)
_PIECE = st.one_of(
    _WORDS,
    _WORDS.map(lambda w: w.translate(_DISGUISE)),
    _WORDS.map(_drop_undefined_bytes),
    _SPECIAL,
)
TEXTS = st.lists(_PIECE, max_size=20).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_disguised_and_byte_lost_text_is_stable_nfc_and_explained(text: str) -> None:
    once = OLD.apply(text)
    assert unicodedata.is_normalized("NFC", once)
    assert OLD.apply(once) == once
    assert OLD.explain(text)[0] == once
