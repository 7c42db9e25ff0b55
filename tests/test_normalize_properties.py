"""Property tests for normalization: stable, NFC, style round trips, ASCII safety, no lost letters."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner.normalization import NormalizeOptions, Normalizer, fold_ascii
from cleaner.normalization.tones import candidate_gate, candidate_pattern

OLD = Normalizer()
NEW = Normalizer(NormalizeOptions(tone_style="new"))

_VIET = "aăâeêioôơuưyđ" + "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
_LETTERS = _VIET + _VIET.upper() + "bcdghklmnpqrstvx"
# Vietnamese-looking words, plus the characters the fixes react to: combining marks, spaces
# and invisible characters, punctuation, mojibake and legacy-encoding bytes, look-alikes.
_SPECIAL = (
    " \t\n,.;:!?()“”«»\u00a0\u200b\u200d\u00ad\ufeff\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323"
    "ÃÄÆÂº»€ñöøäëïü¸µ®\u00d0\u00f0аоеН"
)
words = st.text(alphabet=_LETTERS, min_size=1, max_size=7)
pieces = st.one_of(words, st.text(alphabet=_SPECIAL, min_size=1, max_size=2))
texts = st.lists(pieces, max_size=25).map(" ".join)
syllable_texts = st.lists(words, max_size=25).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(texts)
@example(text="« « A »")  # the second quote stood alone only until the first lost its space
def test_idempotent(text: str) -> None:
    once = OLD.apply(text)
    assert OLD.apply(once) == once


@settings(max_examples=300, deadline=None)
@given(texts)
def test_output_is_nfc(text: str) -> None:
    out = OLD.apply(text)
    assert unicodedata.is_normalized("NFC", out)


@settings(max_examples=300, deadline=None)
@given(syllable_texts)
def test_new_then_old_equals_old(text: str) -> None:
    assert OLD.apply(NEW.apply(text)) == OLD.apply(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80))
def test_ascii_input_changes_only_in_whitespace(text: str) -> None:
    # VIQR and HTML entities ("&ap;" is ≈) are ASCII; with both off, plain ASCII is only subject to the
    # spacing rules.
    out = Normalizer(NormalizeOptions(legacy="off", entities=False)).apply(text)
    assert out.replace(" ", "") == text.replace(" ", "")


@settings(max_examples=300, deadline=None)
@given(syllable_texts)
def test_no_letter_dropped(text: str) -> None:
    out = OLD.apply(text)

    def letters(s: str) -> int:
        return sum(ch.isalpha() for ch in fold_ascii(s))

    assert letters(out) == letters(text)


@settings(max_examples=200, deadline=None)
@given(texts)
def test_line_count_is_kept(text: str) -> None:
    assert OLD.apply(text).count("\n") == text.count("\n")


# Syllable-shaped text: onsets, one to three vowels (toned or not), codas, separators.
_vowels = st.text(alphabet=_VIET + _VIET.upper(), min_size=1, max_size=3)
_edges = st.sampled_from(["", "g", "G", "q", "Q", "gi", "qu", "ng", "c", "ch", "nh", "m", "n", "p", "t", "k"])
_seps = st.sampled_from([" ", "\n", ",", ". ", "(", "\u0301", "1", "_"])
_syllables = st.lists(st.one_of(_vowels, _edges, _seps), max_size=12).map("".join)


@pytest.mark.parametrize("style", ["old", "new", "keep"])
@settings(max_examples=1000, deadline=None)
@given(text=_syllables)
@example(text="gìa qúa tòan ngòai ngoaì thủơ ngừơi tìên hoà muà hòa khỏe thủy")  # one of each shape
def test_tone_gate_finds_every_candidate(style: str, text: str) -> None:
    # Tone fixes only look where the cheap gate (and the pipeline scan built on it) matched;
    # a candidate the gate missed would be a misplaced tone left unfixed.
    gate, full = candidate_gate(style), candidate_pattern(style)
    starts = {m.start() for m in gate.finditer(text)}
    for hit in full.finditer(text):
        assert hit.start() in starts
    scan = Normalizer(NormalizeOptions(tone_style=style))._suspect
    # A toned ì/ò after a vowel is reported as Windows-1258 evidence: that sends the text down
    # the rare path, whose own tone scan is the full one, so the candidate is not missed.
    scanned = {m.start() for m in scan.finditer(text) if m.lastgroup in ("tone", "cp1258")}
    assert starts <= scanned


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("( #hoà", id="bracket-joined-to-hashtag-reads-as-prose"),
    ],
)
@pytest.mark.xfail(strict=True, reason="known: the spacing fix runs last and can make work for earlier fixes")
def test_known_unstable_inputs(text: str) -> None:
    once = OLD.apply(text)
    assert OLD.apply(once) == once


def test_lone_closing_quote_is_stable() -> None:
    # Once known unstable: closing up "Ì »" made a pair the mojibake fix decodes.  A closing
    # quote with no opening quote before it now keeps its space, so one pass is final.
    once = OLD.apply("Ì »")
    assert once == "Ì »"
    assert OLD.apply(once) == once
