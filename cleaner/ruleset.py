"""The ordered rule set: the whole pipeline, input -> NFC + normalization fixes -> each rule in order -> text.

``clean`` and ``explain`` share one run (``explain`` only records what each rule did). Each rule becomes a
``Step``: its matcher, its conditions and its action, built once per process.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from cleaner import actions, conditions
from cleaner.document import NOT_REGEX_SPACE, Document, Line, trim
from cleaner.errors import RuleError
from cleaner.markup import LineFacts
from cleaner.match import Dispatch, Matcher
from cleaner.normalization import NormalizeOptions, Normalizer
from cleaner.report import Change, Result
from cleaner.rule import Rule
from cleaner.text import strip_bom, to_lines, to_output

#: A pattern that takes longer than this on one line is stopped and reported (catastrophic backtracking).
#: Real patterns take microseconds on a line and well under a second on a 100 MB one.
DEFAULT_TIMEOUT = 2.0


def pattern_options(options: NormalizeOptions) -> NormalizeOptions:
    """The normalization a rule's patterns, literals and examples get: NFC and the set's tone style."""
    return NormalizeOptions.from_mapping({"tone_style": options.tone_style, "mojibake": False,
                                          "legacy": "off", "lookalikes": False, "invisible": False,
                                          "spaces": False})


#: Passes of the rules over one document before the engine stops looking for a fixed point: real rules
#: settle in two or three; a rule that keeps rewriting its own output (a replacement that its pattern
#: matches again) stops here.
MAX_PASSES = 8
#: A position window this small is searched as it is: intersecting it with the dispatch costs more.
_SMALL_WINDOW = 32


class Step:
    """One rule ready to run: its matcher, its conditions by hook, its action."""

    __slots__ = ("action", "allows", "index", "local", "matcher", "needs_markup", "reason", "rule", "selects",
                 "settles", "whole", "window", "zoned")

    def __init__(self, index: int, rule: Rule, timeout: float | None, normalize: Any) -> None:
        self.index = index
        self.rule = rule
        self.matcher = Matcher(rule, timeout, normalize)
        conds = conditions.build_all(rule)
        windows = [c for c in conds if c.window_hook]
        self.window = windows[0] if windows else None
        self.selects = [c for c in conds if c.select_hook]
        self.allows = [c for c in conds if c.allow_hook]
        self.settles = [c for c in conds if c.settle_hook]
        self.action = actions.REGISTRY[rule.action]()
        #: Each line is decided on its own: once the rule has run, only an edited line can change its mind.
        self.local = self.action.local and all(c.local for c in conds)
        #: The candidates are decided together (a run of them): the pattern is tried on them afterwards.
        self.whole = any(c.whole for c in conds)
        #: The rule reads the page's zones.
        self.zoned = any(c.zoned for c in conds)
        #: The rule only takes lines read from HTML.
        self.needs_markup = any(c.needs_markup for c in conds)
        #: Why the rule dropped a line, in words, when its conditions say it (``--explain``).
        self.reason = ", ".join(filter(None, (c.describe() for c in conds))) or None

    def candidates(self, doc: Document) -> list[Line]:
        """Kept lines that satisfy the rule's conditions (the pattern is not tried)."""
        lines = doc.kept()
        if self.window is not None:
            lines = self.window.window(doc, lines)
        for c in self.selects:
            lines = c.select(doc, lines)
        return lines

    def hits(self, doc: Document) -> list[Line]:
        """Candidates the pattern matches (all candidates when the rule has no pattern)."""
        m = self.matcher
        if m.pat is None:
            return self.candidates(doc)
        if self.whole:
            return m.search_all(self.candidates(doc))
        may = doc.candidates[self.index]
        if self.window is not None:
            lines = self.window.window(doc, doc.kept())
            if may is not doc.text_lines and len(lines) > _SMALL_WINDOW:
                allowed = {id(ln) for ln in may}
                lines = [ln for ln in lines if id(ln) in allowed]
        else:
            lines = [ln for ln in may if ln.dropped_by is None]
        for c in self.selects:
            if not lines:
                return lines
            if not c.costly:
                lines = c.select(doc, lines)
        lines = m.search_all(lines)
        for c in self.selects:
            if c.costly and lines:
                lines = c.select(doc, lines)  # a pure test of each line: the order does not matter
        return lines

    def allow(self, doc: Document, hits: list[Line]) -> bool:
        return all(c.allow(doc, hits) for c in self.allows)

    def run(self, doc: Document) -> None:
        try:
            self.action.run(self, doc)
        except TimeoutError:
            # Matcher.search names the line; a substitution or a block's 'until' pattern timed out here
            raise self.matcher.timed_out() from None


class RuleSet:
    """An ordered, immutable list of rules plus normalization options: the cleaning pipeline.

    Picklable: only the rule definitions travel; patterns are compiled again where the set is unpickled,
    once per process.
    """

    def __init__(self, rules: Iterable[Rule] = (), *, normalize: NormalizeOptions | None = None,
                 name: str = "custom", timeout: float | None = DEFAULT_TIMEOUT) -> None:
        self._rules: tuple[Rule, ...] = tuple(rules)
        self._options = normalize or NormalizeOptions()
        self._name = name
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                    or math.isnan(timeout) or timeout <= 0):
            raise ValueError(f"timeout must be a number of seconds above 0, or None for no limit; "
                             f"got {timeout!r}")
        self._timeout = timeout = None if timeout is not None and math.isinf(timeout) else timeout
        ids = [r.id for r in self._rules]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            first = next(r for r in self._rules if r.id in dup)
            raise RuleError("rule id is used twice; give each rule its own id "
                            f"(ids: {', '.join(sorted(dup))})",
                            source=first.source, line=first.line, rule=first.id)
        self._normalizer = Normalizer(self._options)
        # Patterns meet text normalized as this set normalizes it: a pattern written in the other tone
        # style ('Hoà' for a set that writes 'Hòa') still matches. Only the tone fix is applied to them:
        # the space fixes would rewrite a pattern's syntax ('(?:nay )?' -> '(?:nay)?').
        tones = Normalizer(pattern_options(self._options)).apply
        self._steps = tuple(Step(k, r, timeout, tones) for k, r in enumerate(self._rules))
        self._dispatch = Dispatch([s.matcher for s in self._steps],
                                  [s.index for s in self._steps if s.needs_markup])
        #: The first rule that reads the zones (``None``: none does).
        self._zones_at = next((s.index for s in self._steps if s.zoned), None)

    # -- pickling: ship definitions, compile on arrival -------------------------------------------------
    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._rules, self._options, self._name, self._timeout))

    # -- what it is -------------------------------------------------------------------------------------
    @property
    def rules(self) -> tuple[Rule, ...]:
        return self._rules

    @property
    def options(self) -> NormalizeOptions:
        return self._options

    @property
    def name(self) -> str:
        return self._name

    @property
    def timeout(self) -> float | None:
        """Seconds one pattern may run on one line before ``RuleTimeout`` (``None``: no limit)."""
        return self._timeout

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self._rules)

    @property
    def steps(self) -> tuple[Step, ...]:
        """The rules ready to run, in order (for tools that inspect the compiled patterns)."""
        return self._steps

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"<RuleSet {self._name!r}: {len(self._rules)} rules>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RuleSet):
            return NotImplemented
        return (self._rules, self._options) == (other._rules, other._options)

    def __hash__(self) -> int:
        return hash((self._rules, self._options))

    # -- derived sets -----------------------------------------------------------------------------------
    def without(self, *ids: str) -> RuleSet:
        """The same set with the given rule ids switched off; an unknown id is an error with a suggestion."""
        known = set(self.ids)
        for rid in ids:
            if rid not in known:
                near = difflib.get_close_matches(rid, sorted(known), n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else "; `vnclean rules list` shows the ids"
                raise RuleError(f"cannot skip unknown rule '{rid}'{hint}")
        drop = set(ids)
        return RuleSet([r for r in self._rules if r.id not in drop], normalize=self._options,
                       name=self._name, timeout=self._timeout)

    def with_options(self, **options: Any) -> RuleSet:
        """The same rules with some normalization options changed (``tone_style="new"``, ``ascii=True``)."""
        return RuleSet(self._rules, normalize=dataclasses.replace(self._options, **options),
                       name=self._name, timeout=self._timeout)

    def select(self, ids: Sequence[str], *, normalize: NormalizeOptions | None = None) -> RuleSet:
        """A set of only these rules (in this set's order), e.g. to run one rule's examples."""
        want = set(ids)
        unknown = sorted(want - set(self.ids))
        if unknown:
            near = difflib.get_close_matches(unknown[0], self.ids, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else "; `vnclean rules list` shows the ids"
            raise RuleError(f"cannot select unknown rule '{unknown[0]}'{hint}")
        return RuleSet([r for r in self._rules if r.id in want], normalize=normalize or self._options,
                       name=self._name, timeout=self._timeout)

    def normalize(self, text: str) -> str:
        """``text`` normalized as this set normalizes its input (what the rules' patterns meet)."""
        return self._normalizer.apply(text)

    # -- the pipeline -----------------------------------------------------------------------------------
    def clean(self, text: str) -> str:
        """Clean one document: the fast path, with no record of what changed."""
        return self._run(text, record=False).text

    def explain(self, text: str, *, fixes: bool = True) -> Result:
        """Clean one document and say why: every dropped or edited line with its rule id and line number.

        With ``fixes=False`` the normalization fixes are applied but not itemized (only the rules'
        drops and edits are listed): what a run needs for its per-rule counts, at the cost of ``clean``.
        """
        return self._run(text, record=True, fixes=fixes)

    def clean_html(self, html: str | bytes) -> str:
        """Clean one saved HTML page (text, or bytes decoded as a browser would): the page's lines, with
        what the markup says about each, go through the rules; the result is plain text."""
        return self.explain_html(html, record=False).text

    def explain_html(self, html: str | bytes, *, record: bool = True, fixes: bool = True) -> Result:
        """``explain`` for an HTML page; line numbers count the lines read from the page
        (``cleaner.html.read_html(html).lines``)."""
        from cleaner.html import read_html

        page = read_html(html)
        return self.run_lines(page.text, page.facts, record=record, fixes=fixes)

    def run_lines(self, text: str, facts: Sequence[LineFacts] | None, *, record: bool = True,
                  fixes: bool = True) -> Result:
        """Clean text whose lines carry markup facts (one per line, as ``cleaner.html`` reads them)."""
        return self._run(text, record=record, fixes=fixes, facts=facts)

    def _run(self, text: str, *, record: bool, fixes: bool = True,
             facts: Sequence[LineFacts] | None = None) -> Result:
        if not isinstance(text, str):
            raise TypeError(f"cleaning takes a str, not {type(text).__name__}; decode bytes first "
                            "(cleaner.files.decode)")
        text = strip_bom(text)
        lines = to_lines(text)
        norm_changes: list[Change] = []
        indents: list[str] | None = None
        if lines:
            joined = "\n".join(lines)
            if record and fixes:
                fixed, norm_changes = self._normalizer.explain(joined)
            else:
                fixed = self._normalizer.apply(joined)
            if fixed is not joined and fixed != joined:
                new_lines = fixed.split("\n")
                if len(new_lines) == len(lines):
                    indents = [line[:len(line) - len(line.lstrip())] for line in lines]
                lines = new_lines
        if indents is not None:
            # Leading indentation is structure (indented related links), not text: normalization may
            # tidy it, but the rules see it as it came; the output strips it anyway.
            for i, lead in enumerate(indents):
                if lead and not lines[i].startswith(lead):
                    lines[i] = lead + lines[i].lstrip()
            norm_changes = [c for c in norm_changes if (c.after or "").strip() != c.before.strip()]
        if any(c in text for c in NOT_REGEX_SPACE):
            lines = [trim(line) for line in lines]
        # Facts that no longer line up with the lines (normalization joined or split some) are left out.
        markup = facts if facts is not None and len(facts) == len(lines) else None
        doc = Document(lines, record=record, markup=markup)
        self.apply(doc)
        out = to_output([ln.text for ln in doc.kept()])
        if not unicodedata.is_normalized("NFC", out):
            # Removing a character (an invisible one, or a rule's strip) can leave a letter next to a
            # combining mark that NFC composes: the output is NFC whatever the rules did.
            out = unicodedata.normalize("NFC", out)
        if not record:
            return Result(out)
        changes = sorted(norm_changes + doc.changes, key=lambda c: c.line)
        return Result(out, tuple(changes))

    def apply(self, doc: Document) -> None:
        """Run every rule over a document of normalized lines (the document records what they do)."""
        steps = self._steps
        if not steps:
            return
        doc.fold_all()
        doc.candidates = self._dispatch.candidates(doc)
        # Stable by construction: the rules run again, in order, until a pass changes nothing. Then every
        # condition (a position among the kept lines, the line before, a share of the text left) holds on
        # the final lines, which is what a second pass over the output would see. A rule that looks at
        # each line alone needs to look again only at the lines edited since it ran.
        edited: dict[int, Line] | None = None
        # The document's version (and the zones' for a rule that reads them) when each rule last ran and
        # changed nothing: run on the same lines again, it would change nothing again.
        idle: dict[int, tuple[int, int]] = {}
        # Zones are read once a pass, when the first rule that asks for them runs, and hold for the rest of
        # the pass (``Document.read_zones``). In the pass that changes nothing they are the zones of the
        # lines that stay, as a second run over the output reads them.
        zones_at = self._zones_at
        zone_reads = 0
        for _ in range(MAX_PASSES):
            version = doc.version
            edited_now: dict[int, Line] = {}
            for step in steps:
                if step.index == zones_at and doc.read_zones():
                    zone_reads += 1
                may = doc.candidates[step.index]
                if step.matcher.pat is not None and not may:
                    continue  # nothing this rule's pattern can match
                before = doc.version
                state = (before, zone_reads if step.zoned else 0)
                if idle.get(step.index) == state:
                    continue
                if edited is not None and step.local:
                    if not edited:
                        continue
                    doc.candidates[step.index] = [ln for ln in may if ln.index in edited]
                    try:
                        step.run(doc)
                    finally:
                        doc.candidates[step.index] = may
                else:
                    step.run(doc)
                if doc.version == before and not step.local:
                    idle[step.index] = state
                if doc.edited:
                    edited_now.update((ln.index, ln) for ln in doc.edited)
                    self._refresh(doc, step.index)
            if doc.version == version:
                break
            # What changed in this pass: lines edited in it (for the rules that ran before the edit, and
            # after it on the new text).
            edited = edited_now
        for step in steps:
            for c in step.settles:
                c.settle(doc, step.rule.id)

    def _refresh(self, doc: Document, done: int) -> None:
        """Edited lines may now match rules they could not: add them to the rules' candidates."""
        for ln in doc.edited:
            for k in self._dispatch.line_ids(ln):
                may = doc.candidates[k]
                if may is doc.text_lines or ln in may:
                    continue
                doc.candidates[k] = sorted([*may, ln], key=lambda x: x.index)
        doc.edited.clear()


def _rebuild(rules: tuple[Rule, ...], options: NormalizeOptions, name: str, timeout: float | None) -> RuleSet:
    return RuleSet(rules, normalize=options, name=name, timeout=timeout)
