"""Mojibake repair: UTF-8 that was decoded as Windows-1252 or Latin-1, once or more, via ftfy."""

from __future__ import annotations

import re
import unicodedata

import ftfy

from .lookalike import latin_reading
from .syllable import is_plausible

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
# Greek (Î Ï), Cyrillic (Ð Ñ) and IPA (É Ê) letters are decoded too: text disguised with
# look-alike letters gets mojibaked like any other.
_SEQUENCE = re.compile(f"[ÂÃÄÅÆÌÍÎÏÐÑÉÊ][{_CONT}]|[áâ][{_CONT}]{{2}}")


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


# ---- sequences that lost a byte --------------------------------------------------------------
# Windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined, and many converters drop them,
# so the letters whose UTF-8 ends in one of them arrive one byte short: ề ọ ỏ Ố ờ (E1 BB xx),
# Á Í Ý (C3 xx), Đ (C4 90) and the closing quote ” (E2 80 9D).  The lead bytes are still there,
# followed by something that cannot continue them.  Each is repaired by putting the lost byte
# back, choosing among the possible ones by the word the result spells.
_LOST = re.compile(f"á»(?![{_CONT}])|â€(?![{_CONT}])|[ÃÄ](?![{_CONT}])")
# What each lead can have lost, in the order tried when several give a Vietnamese word.
# "Ã" can also be an "à" whose second byte, a no-break space, became a space: "\xa0" stands for
# that reading.  Ä and â€ have one reading each, so they are put back whatever the word.
_LOST_BYTES = {"á»": "\x9d\x81\x8d\x8f\x90", "Ã": "\x81\x9d\x8d\xa0", "Ä": "\x90", "â€": "\x9d"}
# Common syllables holding the letters above, most frequent first within each: when several
# repairs spell a word, the one listed first wins (mời or mọi or mỏi; CHÍNH or CHÁNH).
_COMMON = {
    word: rank
    for rank, word in reversed(list(enumerate(  # reversed: a word listed twice keeps its first rank
        """người về nhiều điều học họ đường trường thường giờ thời trời mọi chọn đề tiền quyền
        lời mời đời chờ khỏi hỏi nhỏ bỏ ngờ đỏ cỏ giỏi bọn gọi đọc họp ngọc trọng vọng liền chiều
        thờ giọng hỏng trọn nền miền hiền niềm bền đền nghề truyền chuyền huyền phường cường
        lường giường vườn sườn
        cười mười lười nhờ bờ cờ ngờ rời dời mờ tờ sờ hờ lờ mọc dọc gọn lọt tọa họa thọ trọ lọ
        nọ cọ sọ chọc nhọc họng lọc cọc ngọt gọt rọi dọn thỏa khỏe hỏa tỏa tỏi mỏi thỏ tỏ mỏ
        giỏ bỏng mỏng lỏng gỏi thiền kiềm phiền tuyền mềm thềm lề bề kề hề rền tề trề kiều
        vờ vỏ vọ bọ đọ ỏ ờ
        các chính tính kính thích ích ít kích lính xích dính bích tích phí chí khí trí lí bí
        á ý quý ký lý sáng phát khách xác cách bác các đánh đáp án áo ánh ác áp
        đã đó đây được đến đi đang đưa đầu đất đảng đồng đối đổi động đội đúng độ đại đạo đà"""
        .split()
    )))
}


# Two-word phrases that settle a choice the single word leaves open (họ or hề, thọ or thờ).
_PHRASES = frozenset(
    tuple(phrase.split("_"))
    for phrase in """không_hề nhà_thờ thờ_cúng bày_tỏ tỏ_ra bờ_biển bờ_sông bỏ_qua lời_mời mọi_người
    nhờ_vào nhờ_có bất_ngờ bỏ_ngỏ tuổi_thọ tọa_đàm lan_tỏa tỏa_sáng vấn_đề đề_nghị chủ_đề đề_xuất
    đề_án nhỏ_lẻ và_nhỏ nhỏ_bé lá_cờ bền_vững đền_bù ít_ỏi câu_hỏi đặt_câu hỏi_thăm màu_đỏ
    mời_gọi khách_mời thư_mời kêu_gọi cuộc_gọi đông_đảo trở_về quay_về liên_quan""".split()
)


def _decoded(token: str) -> str:
    return _SEQUENCE.sub(_decode_sequence, token)


def _letters(word: str) -> str:
    return word.strip("\"'“”‘’()[]{}.,;:!?…-–—«»*")


def _insert(token: str, spots: list[re.Match[str]], inserted: str) -> str:
    pieces, last = [], 0
    for spot, byte in zip(spots, inserted, strict=True):
        pieces += [token[last : spot.end()], byte]
        last = spot.end()
    return "".join(pieces) + token[last:]


def _word_of(token: str) -> str:
    return unicodedata.normalize("NFC", _letters(_decoded(token))).lower()


def _restore_token(token: str, before: str = "", after: str = "") -> str:
    """``token`` with each lost byte put back where the word it then spells says which; the
    words ``before`` and ``after`` it can settle the choice through a common phrase."""
    spots = list(_LOST.finditer(token))
    if len(spots) > 3:
        return token  # no real word loses so many
    if all(spot.group() == "Ã" for spot in spots):
        word = unicodedata.normalize("NFC", _letters(_decoded(token)))
        if len(word) > 1 and is_plausible(latin_reading(word)):
            return token  # already a word: the capital Ã of ĐÃ, NGÃ in a line that is partly Unicode
    if all(len(_LOST_BYTES[spot.group()]) == 1 for spot in spots):
        return _insert(token, spots, "".join(_LOST_BYTES[spot.group()] for spot in spots))
    options: list[str] = [""]
    for spot in spots:
        options = [o + b for o in options for b in _LOST_BYTES[spot.group()]]
    best: tuple[int, int, str] | None = None
    for order, inserted in enumerate(options):
        candidate = _insert(token, spots, inserted)
        word = unicodedata.normalize("NFC", _letters(_decoded(candidate)))
        if not any(ch.isalpha() for ch in word) or not is_plausible(latin_reading(word)):
            continue
        lower = word.lower()
        if (before, lower) in _PHRASES or (lower, after) in _PHRASES:
            rank = -1
        else:
            rank = _COMMON.get(lower, len(_COMMON))
        if best is None or (rank, order) < best[:2]:
            best = (rank, order, candidate)
    return best[2] if best else token


_TOKEN = re.compile(r"[^ \t]+")


def _restore_lost_bytes(line: str) -> str:
    """Put back the bytes Windows-1252 could not show, in the words of a mojibake line."""
    if not _LOST.search(line):
        return line
    # words end at ASCII spaces only: a no-break space is the second byte of an "à"
    tokens = _TOKEN.findall(line)
    if not tokens:
        return line
    pieces = _TOKEN.split(line)
    out = [pieces[0]]
    for n, token in enumerate(tokens):
        if _LOST.search(token):
            before = _word_of(tokens[n - 1]) if n else ""
            after = _word_of(tokens[n + 1]) if n + 1 < len(tokens) else ""
            token = _restore_token(token, before, after)
        out += [token, pieces[n + 1]]
    return "".join(out)


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
            fixed = ftfy.fix_text(_restore_lost_bytes(line), _CONFIG)
            if MOJIBAKE_TRIGGER.search(fixed):
                fixed = unicodedata.normalize("NFC", _SEQUENCE.sub(_decode_sequence, fixed))
            if "\n" not in fixed and "\r" not in fixed:
                lines[n] = fixed
    return "\n".join(lines)
