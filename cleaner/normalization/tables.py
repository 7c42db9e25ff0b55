"""Code tables of the pre-Unicode Vietnamese encodings, built from their published definitions.

Each table maps a character as it appears when the legacy bytes were read as Windows-1252 (or
Latin-1) to the Unicode text it stood for.
"""

from __future__ import annotations

import unicodedata

# ---------------------------------------------------------------------------------------------
# VISCII, as published in RFC 1456 ("Conventions for Encoding the Vietnamese Language VISCII
# and VIQR", May 1993), section "VISCII": bytes 0x80-0xFF in order, then the six C0 positions
# VISCII reuses for capitals.  The same table is the VISCII charmap of the GNU C library.
_VISCII_HIGH = (
    "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲÕắằặấầẩậẽẹếềểễệốồổỗỠƠộờởịỰỨỪỬơớƯ"
    "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳĐứÒÓÔạỷừửÙÚỹỵÝỡưàáâãảăữẫèéêẻìíĩỉđựòóôõỏọụùúũủýợỮ"
)
assert len(_VISCII_HIGH) == 0x80
_VISCII_LOW = {0x02: "Ẳ", 0x05: "Ẵ", 0x06: "Ẫ", 0x14: "Ỷ", 0x19: "Ỹ", 0x1E: "Ỵ"}

# ---------------------------------------------------------------------------------------------
# TCVN3 ("ABC", the .VnTime fonts): the VN3 subset of TCVN 5712:1993 "Vietnamese coded
# character set for information interchange", bytes 0xA1-0xFF.  VN3 has the lower-case letters
# and Ă Â Ê Ô Ơ Ư Đ; the bytes where the full VN1 set puts further capitals are left out
# (None), because VN3 text never holds them and mapping them would turn Unicode letters such
# as "à" or "Á" in a mixed paragraph into capitals.  0xB0-0xB4 are the combining tone marks.
_TCVN3_FROM_A1 = (
    "ĂÂÊÔƠƯĐăâêôơưđ\0\u0300\u0309\u0303\u0301\u0323àảãáạ\0ằẳẵắ\0"
    "\0\0\0\0\0\0ặầẩẫấậè\0ẻẽéẹềểễếệìỉ\0\0\0ĩíịò\0ỏõóọồổỗốộờởỡớợù\0ủũúụừửữứựỳỷỹýỵ\0"
)
assert len(_TCVN3_FROM_A1) == 0x100 - 0xA1

# ---------------------------------------------------------------------------------------------
# VNI-Windows (VNI Software Company's font encoding, as documented in the charset tables of
# the Vietnamese Unicode project, vietunicode.sourceforge.net/charset): a vowel is stored as
# its ASCII base letter followed by one byte that draws the marks.  The mark bytes below are
# named by how they read in Windows-1252; capitals use the upper-case form of the same byte.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_VNI_TONE_BYTES = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRCUMFLEX_BYTES = {
    "â": _CIRC, "á": _CIRC + _ACUTE, "à": _CIRC + _GRAVE, "å": _CIRC + _HOOK, "ã": _CIRC + _TILDE,
    "ä": _CIRC + _DOT,
}
_VNI_BREVE_BYTES = {
    "ê": _BREVE, "é": _BREVE + _ACUTE, "è": _BREVE + _GRAVE, "ú": _BREVE + _HOOK, "ü": _BREVE + _TILDE,
    "ë": _BREVE + _DOT,
}
# Letters VNI stores in one byte: đ, ư, ơ and the i forms (whose marks sit over a dotless i)
# and ỵ.  í and ì are the same bytes as in Windows-1252.
_VNI_SINGLE = {
    "ñ": "đ", "ö": "ư", "ô": "ơ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    bases: dict[str, tuple[dict[str, str], ...]] = {
        "a": (_VNI_TONE_BYTES, _VNI_CIRCUMFLEX_BYTES, _VNI_BREVE_BYTES),
        "e": (_VNI_TONE_BYTES, _VNI_CIRCUMFLEX_BYTES),
        "o": (_VNI_TONE_BYTES, _VNI_CIRCUMFLEX_BYTES),
        "u": (_VNI_TONE_BYTES,),
        "y": ({k: v for k, v in _VNI_TONE_BYTES.items() if k != "ï"},),  # ỵ is the single byte î
        "ô": (_VNI_TONE_BYTES,),  # ơ + tone
        "ö": (_VNI_TONE_BYTES,),  # ư + tone
    }
    for base, groups in bases.items():
        letter = {"ô": "o" + _HORN, "ö": "u" + _HORN}.get(base, base)
        for group in groups:
            for mark_byte, marks in group.items():
                composed = unicodedata.normalize("NFC", letter + marks)
                table[base + mark_byte] = composed
                table[base.upper() + mark_byte.upper()] = composed.upper()
    for byte, letter in _VNI_SINGLE.items():
        table[byte] = letter
        table[byte.upper()] = letter.upper()
    return table


def _byte_of() -> dict[str, int]:
    """Windows-1252 (and Latin-1, for the five bytes 1252 leaves undefined) character -> byte."""
    table = {}
    for b in range(0x80, 0x100):
        table[chr(b)] = b  # Latin-1 reading, including C1 controls
        try:
            table[bytes([b]).decode("cp1252")] = b
        except UnicodeDecodeError:
            pass
    for b in range(0x20):
        table[chr(b)] = b
    return table


def _single_byte_table(decode: dict[int, str]) -> dict[str, str]:
    return {ch: decode[b] for ch, b in _byte_of().items() if b in decode}


VNI = _vni_table()
TCVN3 = _single_byte_table({0xA1 + i: ch for i, ch in enumerate(_TCVN3_FROM_A1) if ch != "\0"})
VISCII = _single_byte_table({**{0x80 + i: ch for i, ch in enumerate(_VISCII_HIGH)}, **_VISCII_LOW})

# ---------------------------------------------------------------------------------------------
# Windows-1258 (Microsoft's Vietnamese code page, as Python's cp1258 codec defines it): a byte
# whose Windows-1252 character differs maps to its Windows-1258 one; the five tone marks are
# combining characters, composed by NFC after decoding.
def _cp1258_table() -> dict[str, str]:
    table = {}
    for b in range(0x80, 0x100):
        raw = bytes([b])
        try:
            shown, meant = raw.decode("cp1252"), raw.decode("cp1258")
        except UnicodeDecodeError:
            continue
        if shown != meant:
            table[shown] = meant
    return table


CP1258 = _cp1258_table()
