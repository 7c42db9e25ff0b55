"""From counts to reviewable rules: frequent lines and shapes, checked against article text, with examples.

A candidate becomes a rule only when it removes (almost) no line that the base rules keep as article text.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import regex

from cleaner.examples import check_rule
from cleaner.learn.counter import DOCS, DOCSET, FROM_END, FROM_START, MANY, SAMPLES, VARIANT, Counts
from cleaner.learn.keys import count_keys, key_hash, line_key, literal_parts, shape_key, shape_pattern
from cleaner.rules import Examples, Rule, RuleSet
from cleaner.text import fold_key as _fold
from cleaner.text import strip_marks, to_lines, word_count

#: A kept line reads as article text when it is long or ends a sentence (the issue's definition).
ARTICLE_MIN_WORDS = 20
#: Must-keep examples are chosen among article lines this short when there are any.
KEEP_MAX_WORDS = 40
_SENTENCE_END = regex.compile(r"[.!?…][\"”’»)]*\s*$")
_WORD = regex.compile(r"\w{2,}")


@dataclass(frozen=True)
class LearnOptions:
    """Every threshold of ``learn`` and its default, in one place.

    ``min_docs``/``min_share``: a line or shape is proposed when it occurs in at least this many documents
    *and* this share of them. ``min_share`` 0.02 (one page in fifty) still finds the menu of one section of a
    site with a few dozen sections, while a story syndicated to a dozen pages of a thousand-page corpus
    (1.2%) stays below it; ``min_docs`` 3 keeps a story that two pages share from becoming a rule in a small
    corpus. ``max_article_hits``: a candidate that would remove more than this many lines the base rules
    keep as article text (in the sampled documents) is rejected. ``edge_lines``: a line that only ever occurs
    within this many lines of a document's start (end) gets ``first:`` (``last:``). ``include_covered``:
    also propose what the base rules already remove (for a rule file used without them).
    """

    min_docs: int = 3
    min_share: float = 0.02
    max_article_hits: int = 2
    edge_lines: int = 15
    include_covered: bool = False
    #: Memory bounds: keys kept before the rarest are forgotten, sample lines per key, documents sampled
    #: for the safety check and the must-keep examples.
    max_keys: int = 500_000
    samples_per_key: int = 4
    sample_docs: int = 500
    seed: int = 0

    def threshold(self, documents: int) -> int:
        return max(self.min_docs, math.ceil(self.min_share * documents))


@dataclass(frozen=True)
class Candidate:
    """A frequent line (``kind="line"``: its folded text) or shape (``kind="shape"``) and where it occurs."""

    kind: str
    key: str
    docs: int
    share: float
    where: str  # start | end | anywhere
    docset: int
    order: int  # its largest position from the start: sorts a block's lines in reading order
    samples: tuple[str, ...]
    variants: bool = False  # a shape seen on more than one distinct line
    hash: int = 0  # the key's hash in the counts

    def rule(self, rid: str = "learned-candidate") -> Rule:
        """The rule that removes this candidate's lines (no examples, no position condition)."""
        if self.kind == "shape":
            return Rule(id=rid, why="candidate", pattern=shape_pattern(self.key), match="line",
                        ignore_diacritics=True)
        return Rule(id=rid, why="candidate", literals=self.samples, match="line", ignore_diacritics=True)


@dataclass(frozen=True)
class Rejection:
    """A candidate that did not become a rule, and why (``--explain`` prints these)."""

    candidate: Candidate
    reason: str


@dataclass
class _Seen:
    """How the base rules treated a candidate's occurrences in the sampled documents."""

    kept: int = 0
    dropped: int = 0
    by: Counter[str] = field(default_factory=Counter)


def looks_like_article(line: str) -> bool:
    """Long, or ends a sentence: a line the base rules keep for a reason."""
    return word_count(line) >= ARTICLE_MIN_WORDS or bool(_SENTENCE_END.search(line))


def candidates(counts: Counts, options: LearnOptions) -> list[Candidate]:
    """Every key in at least ``threshold`` documents, as a line or shape candidate, most frequent first."""
    need = options.threshold(counts.documents)
    edge = options.edge_lines
    out: list[Candidate] = []
    for h, rec in counts.stats.items():
        if rec[DOCS] < need or not rec[SAMPLES]:
            continue
        samples = tuple(rec[SAMPLES])
        folded, fast_shape = count_keys(samples[0])
        if key_hash("L", folded) == h:
            kind, key = "line", line_key(samples[0])
        elif fast_shape is not None and key_hash("S", fast_shape) == h:
            shape = shape_key(samples[0])  # the exact shape (with its symbols) makes the pattern
            if shape is None:
                continue
            kind, key = "shape", shape
        else:
            continue
        near_start, near_end = rec[FROM_START] < edge, rec[FROM_END] < edge
        if near_start and (not near_end or rec[FROM_START] <= rec[FROM_END]):
            where = "start"
        elif near_end:
            where = "end"
        else:
            where = "anywhere"
        variants = rec[VARIANT] == MANY or len({_fold(s) for s in samples}) > 1
        out.append(Candidate(kind, key, rec[DOCS], rec[DOCS] / counts.documents, where, rec[DOCSET],
                             rec[FROM_START], samples, variants, h))
    out.sort(key=lambda c: (-c.docs, c.kind, c.key))
    return out


class _Pool:
    """The sampled documents as the base rules leave them: kept article lines, and the candidates' fate."""

    def __init__(self, counts: Counts, base: RuleSet, want: dict[int, int], threshold: int) -> None:
        self.article: list[str] = []
        self.seen: dict[int, _Seen] = defaultdict(_Seen)
        index: dict[str, list[int]] = defaultdict(list)
        for text in counts.doc_sample:
            result = base.explain(text)
            dropped = {c.line - 1: c.rule for c in result.changes if c.action == "drop"}
            for i, line in enumerate(to_lines(text)):
                folded, shape = count_keys(line)
                if not folded:
                    continue
                hashes = [key_hash("L", folded)]
                if shape is not None:
                    hashes.append(key_hash("S", shape))
                for h in hashes:
                    if h in want:
                        s = self.seen[want[h]]
                        if i in dropped:
                            s.dropped += 1
                            s.by[dropped[i]] += 1
                        else:
                            s.kept += 1
                if i in dropped or not looks_like_article(line):
                    continue
                rec = counts.stats.get(hashes[0])
                if rec is not None and rec[DOCS] >= threshold:
                    continue  # repeated itself: a candidate, not article text to check candidates against
                self.article.append(line.strip())
        self.article = list(dict.fromkeys(self.article))
        self.folded = [strip_marks(line) for line in self.article]
        for n, line in enumerate(self.folded):
            for word in set(_WORD.findall(line.casefold())):
                index[word].append(n)
        self._index = index

    def hits(self, rule: Rule) -> list[str]:
        """Article lines the rule would remove."""
        pat = rule.compile()
        assert pat is not None
        return [self.article[n] for n, line in enumerate(self.folded) if pat.search(line)]

    def look_alikes(self, words: Iterable[str], rule: Rule, limit: int = 2) -> list[str]:
        """Article lines that share the most words with a candidate and that the rule keeps."""
        score: Counter[int] = Counter()
        for w in words:
            for n in self._index.get(w, ())[:500]:  # a very common word says little; cap its work
                score[n] += 1
        pat = rule.compile()
        assert pat is not None
        # Short lines make readable examples; long paragraphs share many words by size alone.
        short = [n for n in score if word_count(self.article[n]) <= KEEP_MAX_WORDS]
        ranked = sorted(short or score, key=lambda n: (-score[n], len(self.article[n]), n))
        ranked += sorted((n for n in range(len(self.article)) if n not in score),
                         key=lambda n: (word_count(self.article[n]) > KEEP_MAX_WORDS, n))[:50]
        out: list[str] = []
        for n in ranked:
            if not pat.search(self.folded[n]):
                out.append(self.article[n])
                if len(out) == limit:
                    break
        return out


def _words(c: Candidate) -> set[str]:
    text = literal_parts(c.key) if c.kind == "shape" else " ".join(c.samples)
    return set(_WORD.findall(strip_marks(text).casefold()))


def select(counts: Counts, base: RuleSet, options: LearnOptions) -> tuple[list[Candidate], list[Rejection],
                                                                         _Pool]:
    """Candidates that pass every check, and the others with the reason they failed."""
    cands = candidates(counts, options)
    pool = _Pool(counts, base, {c.hash: n for n, c in enumerate(cands)}, options.threshold(counts.documents))
    accepted: list[Candidate] = []
    rejected: list[Rejection] = []
    shapes_taken: set[str] = set()
    # Shapes first: a shape that passes makes the line candidates it covers redundant.
    for n, c in sorted(enumerate(cands), key=lambda nc: nc[1].kind != "shape"):
        if c.kind == "shape" and not c.variants:
            rejected.append(Rejection(c, "only one line has this shape; proposed as a line instead"))
            continue
        if c.kind == "line" and shape_key(c.samples[0]) in shapes_taken:
            rejected.append(Rejection(c, f"covered by the learned shape '{shape_key(c.samples[0])}'"))
            continue
        seen = pool.seen.get(n)
        if not options.include_covered and _covered(c, seen, base):
            by = ", ".join(r for r, _ in seen.by.most_common(3)) if seen and seen.by else "the base rules"
            rejected.append(Rejection(c, f"already removed by {by}"))
            continue
        hits = pool.hits(c.rule())
        if len(hits) > options.max_article_hits:
            rejected.append(Rejection(c, f"would remove {len(hits)} lines the base rules keep as article "
                                         f"text, e.g. {hits[0][:80]!r}"))
            continue
        accepted.append(c)
        if c.kind == "shape":
            shapes_taken.add(c.key)
    accepted.sort(key=lambda c: (-c.docs, c.kind, c.key))
    return accepted, rejected, pool


def _covered(c: Candidate, seen: _Seen | None, base: RuleSet) -> bool:
    if seen is not None and (seen.kept or seen.dropped):
        return seen.kept == 0
    # Not in the sampled documents: judge its sample lines on their own.
    return all(not base.clean(s).strip() for s in c.samples)


# -- rules -------------------------------------------------------------------------------------------------

_SLUG = regex.compile(r"[^a-z0-9]+")
_BLOCK = {"menu": "a header or menu block", "footer": "a footer block",
          "block": "a block of the page template"}


def _slug(text: str, words: int = 4) -> str:
    ascii_text = strip_marks(text).casefold()
    parts = [p for p in _SLUG.split(ascii_text) if p][:words]
    return "-".join(parts)[:32].strip("-") or "line"


def _share(docs: int, total: int) -> str:
    return f"{docs} of {total} documents ({docs / total:.0%})" if docs / total >= 0.01 else \
        f"{docs} of {total} documents ({docs / total:.1%})"


def _where_text(where: str, edge: int) -> str:
    return {"start": f", always within the first {edge} lines",
            "end": f", always within the last {edge} lines", "anywhere": ""}[where]


def build_rules(accepted: list[Candidate], pool: _Pool, documents: int, options: LearnOptions) -> list[Rule]:
    """A rule per shape, per line, and per block of lines that always occur in the same documents."""
    groups: dict[tuple[str, int, int], list[Candidate]] = defaultdict(list)
    shapes: list[Candidate] = []
    for c in accepted:
        if c.kind == "shape":
            shapes.append(c)
        else:
            groups[(c.where, c.docset, c.docs)].append(c)
    used: set[str] = set()
    rules: list[Rule] = []

    def unique(rid: str) -> str:
        base, n = rid, 2
        while rid in used:
            rid, n = f"{base}-{n}", n + 1
        used.add(rid)
        return rid

    edge = options.edge_lines
    position = {"start": {"first": edge}, "end": {"last": edge}, "anywhere": {}}
    for members in sorted(groups.values(), key=lambda g: (-g[0].docs, g[0].order)):
        members.sort(key=lambda c: (c.order, c.key))
        head = members[0]
        literals = tuple(dict.fromkeys(s for c in members for s in c.samples))
        share = _share(head.docs, documents)
        if len(members) == 1:
            rid = unique(f"learned-{_slug(head.samples[0])}")
            why = f"Learned: the same line in {share}{_where_text(head.where, edge)}."
        else:
            kind = {"start": "menu", "end": "footer", "anywhere": "block"}[head.where]
            rid = unique(f"learned-{kind}-{_slug(head.samples[0], 3)}")
            why = (f"Learned: {len(members)} lines that occur together in the same {share}"
                   f"{_where_text(head.where, edge)} ({_BLOCK[kind]}).")
        rule = Rule(id=rid, why=why, literals=literals, match="line", ignore_diacritics=True,
                    **position[head.where])  # type: ignore[arg-type]
        words = set().union(*(_words(c) for c in members))
        change = tuple(dict.fromkeys(c.samples[0] for c in members))[:3]
        rules.append(_with_examples(rule, change, pool.look_alikes(words, rule)))
    for c in sorted(shapes, key=lambda c: -c.docs):
        rid = unique(f"learned-shape-{_slug(literal_parts(c.key) or c.key)}")
        why = f"Learned: lines shaped '{c.key}' in {_share(c.docs, documents)}{_where_text(c.where, edge)}."
        rule = Rule(id=rid, why=why, pattern=shape_pattern(c.key), match="line", ignore_diacritics=True,
                    **position[c.where])  # type: ignore[arg-type]
        rules.append(_with_examples(rule, c.samples[:3], pool.look_alikes(_words(c), rule)))
    # A rule that does not remove its own sample lines (a fold the engine does differently) is no use.
    return [r for r in rules if r.examples.change]


def _with_examples(rule: Rule, change: tuple[str, ...], keep: list[str]) -> Rule:
    """Attach examples, keeping only those the rule really passes (a position condition can defeat a line)."""
    import dataclasses

    rule = dataclasses.replace(rule, examples=Examples(change=change, keep=tuple(keep)))
    outcomes = list(check_rule(RuleSet([rule]), rule))
    ok_change = tuple(o.text for o in outcomes if o.kind == "change" and o.ok)
    ok_keep = tuple(o.text for o in outcomes if o.kind == "keep" and o.ok)
    return dataclasses.replace(rule, examples=Examples(change=ok_change, keep=ok_keep))
