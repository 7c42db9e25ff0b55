"""The options of Vietnamese normalization, documented and validated in one place."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from typing import Any

TONE_STYLES = ("old", "new", "keep")
LEGACY_MODES = ("off", "auto", "vni", "tcvn3", "viscii", "viqr")


@dataclasses.dataclass(frozen=True)
class NormalizeOptions:
    """What normalization does; every option and its default is described here and only here.

    NFC composition and the repair of misordered or doubled combining marks are always on.

    - ``tone_style = "old"``: where a tone mark goes in the open rhymes oa, oe, uy. ``"old"``
      writes hòa, khỏe, thủy, Ủy (the style of most Vietnamese news); ``"new"`` writes hoà,
      khoẻ, thuỷ, Uỷ; ``"keep"`` leaves either as written. In every style a tone typed on a
      vowel that cannot carry it is moved (``tòan`` → ``toàn``, ``qúa`` → ``quá``).
    - ``entities = True``: decode HTML entities left in the text (``Hà&nbsp;Nội``,
      ``&quot;không&quot;``, ``&#8203;``), except inside code spans and in markup written out
      as an example (``&lt;div&gt;``); turn it off for text that is about HTML.
    - ``mojibake = True``: repair UTF-8 text that was decoded as Windows-1252 or Latin-1, once
      or twice (``Viá»‡t`` → ``Việt``), with ftfy; curly quotes are kept. Sequences that lost
      one of the bytes Windows-1252 leaves undefined get it back when the word decides which.
    - ``legacy = "auto"``: text typed in a pre-Unicode Vietnamese font encoding. ``"auto"``
      converts a paragraph only when a confidence test finds VNI-Windows, TCVN3 (ABC), VISCII,
      Windows-1258 read as Windows-1252, or VIQR in it; ``"vni"``, ``"tcvn3"``, ``"viscii"``
      or ``"viqr"`` convert every paragraph that holds that encoding's characters; ``"off"``
      never converts.
    - ``lookalikes = True``: Icelandic ``Ð``/``ð`` starting a Vietnamese word become
      ``Đ``/``đ``; words written with letters of other scripts drawn like Latin ones (Cyrillic,
      Greek, IPA, small capitals, Armenian, Tifinagh, mathematical) or with a decorating mark
      under every letter become Latin, a whole word at a time, when they spell a Vietnamese
      syllable (or an English word inside a mixed word) on a Vietnamese line. Russian and
      Greek text and lone Greek letters in formulas stay.
    - ``invisible = True``: no-break and other fixed-width spaces become a plain space;
      zero-width space, zero-width (non-)joiner, word joiner, byte-order mark, soft hyphen and
      bidirectional marks are removed (a joiner inside an emoji sequence stays).
    - ``spaces = True``: runs of spaces between words become one; no space before
      ``, . ; : ! ?`` or before a closing bracket or quote, and none after an opening bracket
      or quote. An ellipsis, ``.NET``, ``10:30``, ``2,5`` and URLs are kept; spaces at the
      start and end of a line are left to the rule engine, which strips them. Lines of code or
      markup keep their spacing, and so does a quote alone between spaces when nothing shows
      which side it belongs to.
    - ``ascii = False``: fold the result to ASCII (``Đảm bảo`` → ``Dam bao``) for search keys
      and slugs; never part of default cleaning.

    Change a field with ``dataclasses.replace(options, tone_style="new")``: the values are
    checked in ``__post_init__``, so ``replace`` validates like the constructor does.
    """

    tone_style: str = "old"
    mojibake: bool = True
    legacy: str = "auto"
    lookalikes: bool = True
    invisible: bool = True
    spaces: bool = True
    ascii: bool = False
    entities: bool = True

    def __post_init__(self) -> None:
        _check_choice("tone_style", self.tone_style, TONE_STYLES)
        _check_choice("legacy", self.legacy, LEGACY_MODES)
        for field in dataclasses.fields(self):
            if field.type in ("bool", bool) and not isinstance(getattr(self, field.name), bool):
                value = getattr(self, field.name)
                raise ValueError(f"{field.name} must be true or false, got {value!r}")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> NormalizeOptions:
        """Build options from a rule file's ``normalize:`` section; unknown keys and bad values
        raise ``ValueError`` with a one-line message that names them and suggests a fix.

        >>> NormalizeOptions.from_mapping({"tone_style": "new"}).tone_style
        'new'
        >>> NormalizeOptions.from_mapping({"tone": "new"})
        Traceback (most recent call last):
        ...
        ValueError: unknown option 'tone' (did you mean 'tone_style'?)
        """
        known = [f.name for f in dataclasses.fields(cls)]
        for key in mapping:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
                if not close:
                    close = [k for k in known if str(key) and k.startswith(str(key))][:1]
                hint = f"did you mean '{close[0]}'?" if close else f"known options: {', '.join(known)}"
                raise ValueError(f"unknown option '{key}' ({hint})")
        return cls(**dict(mapping))


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
