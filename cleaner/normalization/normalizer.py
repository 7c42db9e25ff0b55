"""The normalization pipeline: fixes in a fixed order, a fast ``apply`` and a reporting ``explain``."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable

from cleaner.report import Change
from cleaner.text import unify_line_ends

from .ascii import fold_ascii
from .entities import ENTITY_START, fix_entities
from .legacy import CP1258_TONE_AFTER_VOWEL, LEGACY_RARE, LegacyFix
from .lookalike import LOOKALIKE_TRIGGER, fix_lookalikes
from .mojibake import MOJIBAKE_RARE, MOJIBAKE_TRIGGER, fix_mojibake
from .options import NormalizeOptions
from .spaces import DOUBLE_SPACE, INVISIBLE_TRIGGER, SPACING_CHECK, SPACING_STARTS, fix_invisible, fix_spaces
from .tones import TONED, ToneFix, gate_continuation
from .unicode import COMBINING_TRIGGER, fix_unicode

Fix = Callable[[str], str]
#: Extra passes when a fix uncovers work for an earlier one; real text needs at most one.
_MAX_PASSES = 3
# One character class holding every character that can make a "rare" fix do anything; clean
# text fails this single scan and skips those fixes entirely.
_RARE_CHARS = (
    "".join(
        p.pattern[1:-1]  # each trigger is a single character class: join their contents
        for p in (INVISIBLE_TRIGGER, LOOKALIKE_TRIGGER, COMBINING_TRIGGER)
    )
    + LEGACY_RARE
    + MOJIBAKE_RARE
)
# Two kinds of evidence are not one character: an ampersand that starts an HTML entity, and a
# Windows-1258 tone byte after a vowel (``HôÌ``: ì, ò, Ì, Ò are also toned vowels of their own).
# One class first, so the engine skips ahead in C; each match is the one character that opens
# a gate.
_RARE = re.compile(
    f"[{_RARE_CHARS}&ÌìÒò](?:(?<=[{_RARE_CHARS}])|(?<=&)(?={ENTITY_START[1:]})"
    f"|(?<=[ÌìÒò])(?<={CP1258_TONE_AFTER_VOWEL}))"
)
# Rare characters that open no gate but the mojibake fix's, which does nothing unless the text
# also holds its signature (a lead byte then a continuation byte).  "Ã" is also the capital
# a with a tilde of all-caps Vietnamese (ĐÃ, NGÃ), so most texts holding one need no repair.
_WEAK_CHARS = "Ã»€‚‰"
# The invisible characters scraped news carries by far most often (&nbsp; and &#8203;).  When
# they are a text's only rare characters, the invisible fix is a plain replacement.
_NBSP = "\N{NO-BREAK SPACE}"
_ZWSP = "\N{ZERO WIDTH SPACE}"


def _suspect_scan(style: str, *, rare: bool = True) -> re.Pattern[str]:
    """One scan for the places where a fix could apply: most texts have none, the rest a few.

    It joins the rare-character check, the tone gate and the spacing check (two spaces in a
    row are found apart, by a literal search), and says by an empty named group which one hit.
    Each check is a character class followed by a test made only where the class matched, so
    the engine skips ahead in C.  The tone tests come first: a toned vowel (one that can start a
    misplaced tone, see ``tones.TONED``) is by far the most frequent stop, and there they fail
    after looking at the next letter and the one before; only a toned ì ò Ì Ò is first checked
    for the Windows-1258 tone byte it may be (``HôÌ``), with a one-character test.
    With ``rare=False`` (text whose rare characters were already handled) only tones and
    spacing are looked for.
    """
    if not rare:
        return re.compile(
            f"[{TONED[1:-1]}{SPACING_STARTS}]"
            f"(?:{gate_continuation(style)}(?P<tone>)|(?<=[{SPACING_STARTS}])(?:{SPACING_CHECK})(?P<spacing>))"
        )
    rare_or_spacing = f"{_RARE_CHARS}{SPACING_STARTS}&"
    # "»" is a mojibake byte and also a closing quote: after a word and a space it is a spacing
    # error, which the clean path fixes, not evidence that the rare fixes must run.  The
    # characters that only the mojibake fix looks at are told apart ("weak"): the scan goes on
    # past them, since the text may still need no rare fix at all.
    return re.compile(
        f"[{TONED[1:-1]}{rare_or_spacing}]"
        f"(?:(?<=[ÌìÒò])(?<={CP1258_TONE_AFTER_VOWEL})(?P<cp1258>)|{gate_continuation(style)}(?P<tone>)"
        f"|(?<=[{rare_or_spacing}])"
        f"(?:(?:(?<=[{_RARE_CHARS}])(?<![{_WEAK_CHARS}])|(?<=&)(?={ENTITY_START[1:]}))(?P<rare>)"
        f"|(?<=[{_WEAK_CHARS}])(?<!\\S »)(?P<weak>)"
        f"|(?:{SPACING_CHECK})(?P<spacing>)))"
    )


class Normalizer:
    """Normalization built once from options (patterns compiled here), then applied to many texts.

    >>> Normalizer().apply("Hoà bình ,  thuỷ lợi")
    'Hòa bình, thủy lợi'
    """

    def __init__(self, options: NormalizeOptions | None = None) -> None:
        self.options = options or NormalizeOptions()
        opts = self.options
        tones = ToneFix(opts.tone_style)
        legacy = LegacyFix(opts.legacy)
        # (name, fix, rare): rare fixes only run when the text holds one of their characters.
        # (name, fix, gate): a gated fix runs only when the text holds a character of its gate
        # class (found by the one rare-character scan); None means it always runs.  NFC itself
        # runs before the steps, so the unicode step only repairs leftover combining marks.
        steps: list[tuple[str, Fix, re.Pattern[str] | None]] = []
        if opts.entities:
            steps.append(("entities", fix_entities, _class("&")))  # first: they can hide any character
        steps.append(("unicode", fix_unicode, COMBINING_TRIGGER))
        if opts.mojibake:
            steps.append(("mojibake", fix_mojibake, _class(MOJIBAKE_RARE)))  # bytes before characters
        if opts.legacy != "off":
            steps.append(("legacy", legacy, _class(LEGACY_RARE + "ÌìÒò")))
        if opts.invisible:
            steps.append(("invisible", fix_invisible, INVISIBLE_TRIGGER))  # after TCVN3: its ư is U+00AD
        if opts.lookalikes:
            steps.append(("lookalike", fix_lookalikes, LOOKALIKE_TRIGGER))
        steps.append(("tone", tones, None))
        if opts.spaces:
            steps.append(("spaces", fix_spaces, None))
        if opts.ascii:
            steps.append(("ascii", fold_ascii, None))
        self._rare_steps = [(name, fix, gate) for name, fix, gate in steps if gate is not None]
        self._tones = tones
        self._mojibake = opts.mojibake
        self._invisible = opts.invisible
        self._suspect = _suspect_scan(opts.tone_style)
        self._tone_or_spacing = _suspect_scan(opts.tone_style, rare=False)

    def __reduce__(self) -> tuple[type[Normalizer], tuple[NormalizeOptions]]:
        return (Normalizer, (self.options,))

    def __repr__(self) -> str:
        return f"Normalizer({self.options!r})"

    def apply(self, text: str) -> str:
        """Return the normalized text; line breaks stay where they were (``\\r\\n`` → ``\\n``)."""
        return self._run(text, None)

    def explain(self, text: str) -> tuple[str, list[Change]]:
        """Return the normalized text and one ``Change`` per fixed span, in pipeline order.

        It takes the same decisions as ``apply`` (the same gates, the same passes), so the text
        it returns is the text ``apply`` returns.
        """
        changes: list[Change] = []
        return self._run(text, changes), changes

    def _run(self, text: str, record: list[Change] | None) -> str:
        text = unify_line_ends(text)
        text, rare = self._apply_once(text, record)
        # A later fix can uncover work for an earlier one (dropping a zero-width space joins a
        # letter to its tone mark, or closes up a mojibake sequence): repeat until a pass
        # changes nothing, so normalizing twice gives what normalizing once gave.  Only text
        # that held rare characters can need this.
        for _ in range(_MAX_PASSES if rare else 0):
            more: list[Change] | None = None if record is None else []
            again, _ = self._apply_once(text, more)
            if again == text:
                break
            if record is not None and more is not None:
                record.extend(more)
            text = again
        return text

    def _apply_once(self, text: str, record: list[Change] | None = None) -> tuple[str, bool]:
        """One pass; says whether the rare-character path changed the text (only then can a
        second pass find more to do).  With ``record``, each fix's changes are added to it."""
        composed = unicodedata.normalize("NFC", text)  # so the scan below sees composed text
        if record is not None:
            return self._record_once(text, composed, record)
        text = composed
        if self._invisible and (_NBSP in text or _ZWSP in text):
            done = self._apply_invisible(text)
            if done is not None:
                return done
        tone_at: list[int] = []
        spacing = False
        weak = False
        for hit in self._suspect.finditer(text):
            kind = hit.lastgroup
            if kind == "rare" or kind == "cp1258":
                return self._apply_rare(text)
            if kind == "spacing":
                spacing = True
            elif kind == "weak":
                weak = True
            else:
                tone_at.append(hit.start())
        if weak:
            # The only rare characters open the mojibake gate alone.  Without the mojibake
            # signature that fix returns the text as it is, so the rare path would amount to the
            # last steps on this same text, and it asks for another pass exactly when they
            # changed something (what they leave still holds a rare character, or they changed
            # nothing).
            if self._mojibake and MOJIBAKE_TRIGGER.search(text):
                return self._apply_rare(text)
            fixed = self._finish(text, tone_at, spacing)
            return fixed, fixed != text
        # Clean path: no rare character, so only tones, spacing and folding can apply.
        return self._finish(text, tone_at, spacing), False

    def _record_once(self, text: str, composed: str, record: list[Change]) -> tuple[str, bool]:
        """One pass of ``explain``: the route ``_apply_once`` takes, decided the same way, with
        each fix recorded.  Its shortcuts give what the full rare path gives
        (tests/test_normalize_fast_paths.py), so the rare path stands in for all of them."""
        if composed != text:
            record.extend(_line_changes("normalize.unicode", text, composed))
        kinds = {hit.lastgroup for hit in self._suspect.finditer(composed)}
        if kinds & {"rare", "cp1258"} or (
            "weak" in kinds and self._mojibake and MOJIBAKE_TRIGGER.search(composed)
        ):
            return self._apply_rare(composed, record)
        fixed, _ = self._apply_rare(composed, record, rare=False)
        return fixed, "weak" in kinds and fixed != composed

    def _apply_invisible(self, original: str) -> tuple[str, bool] | None:
        """The rare path for a text whose only rare characters are no-break and zero-width
        spaces, done with string replacements; None when the text holds other rare characters.

        The invisible fix is then the only rare fix that runs, and there it turns each run of
        such characters into one space if the run holds a no-break space, else into nothing:
        dropping the zero-width spaces and then closing up runs of no-break spaces does the same.
        """
        text = original.replace(_ZWSP, "") if _ZWSP in original else original
        if _NBSP in text:
            while _NBSP + _NBSP in text:
                text = text.replace(_NBSP + _NBSP, _NBSP)
            text = text.replace(_NBSP, " ")
        if "»" in text or "Ã" in text:
            # the scan does not report these everywhere ("»" after a word and a space, "Ã" where
            # a tone candidate starts), and next to a no-break space they can be mojibake (Ã + NBSP
            # is "à" misread): the rare path decides
            return None
        tone_at: list[int] = []
        spacing = False
        for hit in self._suspect.finditer(text):
            kind = hit.lastgroup
            if kind in ("rare", "weak", "cp1258"):
                return None  # another rare character: the other fixes must see the original
            if kind == "spacing":
                spacing = True
            else:
                tone_at.append(hit.start())
        fixed = self._finish(text, tone_at, spacing)
        # As in ``_apply_rare``: ``fixed`` differs from ``original`` (the replaced characters are
        # gone), and the scan showed ``text`` holds no rare character, so another pass is needed
        # unless the last steps found nothing and the text is still composed.
        settled = fixed == text and not tone_at and not spacing and unicodedata.is_normalized("NFC", fixed)
        return fixed, not settled

    def _apply_rare(
        self, original: str, record: list[Change] | None = None, *, rare: bool = True
    ) -> tuple[str, bool]:
        """The rare fixes whose gates the text's rare characters open (none with ``rare=False``),
        then the last steps; says whether another pass is needed."""
        found = "".join(set(_RARE.findall(original))) if rare else ""
        text = original
        for name, fix, gate in self._rare_steps:
            if gate.search(found):
                fixed = fix(text)
                if fixed != text:
                    if record is not None:
                        record.extend(_line_changes(f"normalize.{name}", text, fixed))
                    if name == "entities":  # a decoded entity can be any character
                        found = "".join(set(_RARE.findall(fixed)))
                    text = fixed
        tone_at: list[int] = []
        spacing = False
        for hit in self._tone_or_spacing.finditer(text):
            if hit.lastgroup == "spacing":
                spacing = True
            else:
                tone_at.append(hit.start())
        fixed = self._finish(text, tone_at, spacing, record)
        # Another pass would run the clean path on ``fixed``; when the last steps found nothing
        # and no rare character is left, that pass would change nothing, so it is not needed.
        settled = (
            fixed == text
            and not tone_at
            and not spacing
            and not _RARE.search(fixed)
            and unicodedata.is_normalized("NFC", fixed)
        )
        return fixed, fixed != original and not settled

    def _finish(
        self, text: str, tone_at: list[int], spacing: bool, record: list[Change] | None = None
    ) -> str:
        """The last steps (tone, spaces, ascii), given where the scan found tone candidates and
        whether it found a spacing error; two spaces in a row are looked for here."""
        if record is None:  # apply(): no closures, no comparisons
            if tone_at:
                text = self._tones.fix_at(text, tone_at)
            if self.options.spaces and (spacing or ("  " in text and DOUBLE_SPACE.search(text))):
                text = fix_spaces(text)
            return fold_ascii(text) if self.options.ascii else text
        steps: list[tuple[str, Fix]] = []
        if tone_at:
            steps.append(("tone", lambda t: self._tones.fix_at(t, tone_at)))
        if self.options.spaces and (spacing or ("  " in text and DOUBLE_SPACE.search(text))):
            steps.append(("spaces", fix_spaces))
        if self.options.ascii:
            steps.append(("ascii", fold_ascii))
        for name, fix in steps:
            fixed = fix(text)
            if record is not None and fixed != text:
                record.extend(_line_changes(f"normalize.{name}", text, fixed))
            text = fixed
        return text


def _class(chars: str) -> re.Pattern[str]:
    return re.compile(f"[{chars}]")


def _line_changes(rule: str, before: str, after: str) -> list[Change]:
    old_lines, new_lines = before.split("\n"), after.split("\n")
    if len(old_lines) != len(new_lines):  # no fix does this; report the whole text if one ever does
        return [Change(rule, 1, "fix", before, after)]
    changes: list[Change] = []
    for n, (old, new) in enumerate(zip(old_lines, new_lines, strict=True), start=1):
        if old != new:
            changes.extend(Change(rule, n, "fix", b, a) for b, a in _spans(old, new))
    return changes


def _spans(old: str, new: str) -> list[tuple[str, str]]:
    """Each changed stretch of a line, widened to the words around it so a reader sees the word."""
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    spans: list[list[int]] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            continue
        while i1 > 0 and j1 > 0 and old[i1 - 1] != " ":
            i1, j1 = i1 - 1, j1 - 1
        while i2 < len(old) and j2 < len(new) and old[i2] != " ":
            i2, j2 = i2 + 1, j2 + 1
        if spans and i1 <= spans[-1][1]:
            spans[-1][1], spans[-1][3] = max(i2, spans[-1][1]), max(j2, spans[-1][3])
        else:
            spans.append([i1, i2, j1, j2])
    return [(old[i1:i2], new[j1:j2]) for i1, i2, j1, j2 in spans]
