"""From counts to reviewable rules: frequent lines and shapes, checked against article text, with examples.

A candidate becomes a rule only when it looks like a template: it removes (almost) no line that the base
rules keep as article text, it is not sentence-shaped body text, it does not come with body text (the
lines that always occur in the same documents), and it leaves every sampled document its body.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import regex

from cleaner.examples import check_rule
from cleaner.guard import held_back
from cleaner.learn.counter import (
    DOCS,
    DOCSET,
    FROM_END,
    FROM_START,
    MANY,
    MIN_END,
    MIN_START,
    SAMPLES,
    VARIANT,
    Counts,
)
from cleaner.learn.keys import count_keys, key_hash, line_key, literal_parts, shape_key, shape_pattern
from cleaner.rules import Examples, Rule, RuleSet
from cleaner.text import fold_key as _fold
from cleaner.text import strip_marks, to_lines, word_count

#: A kept line reads as article text when it is long or ends a sentence (the issue's definition).
ARTICLE_MIN_WORDS = 20
#: Must-keep examples are chosen among article lines this short when there are any.
KEEP_MAX_WORDS = 40
#: A candidate line is sentence-shaped body text when it has this many words and ends a sentence (or is
#: long): template lines that end with a full stop are short ("Ảnh: Internet.", "Theo TTXVN.").
SENTENCE_MIN_WORDS = 8
_SENTENCE_END = regex.compile(r"[.!?…][\"”’»)]*\s*$")
_WORD = regex.compile(r"\w{2,}")
#: Separators between the links of a menu line; words as a reader counts them (not the separators).
_SEPARATOR = regex.compile(r"\s[|•·]\s")
_TOKEN = regex.compile(r"\w+")


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

    Template, not text: a line whose occurrences are more than ``max_spread`` lines apart (counted from
    the start and from the end) has no consistent position: it is proposed only when it is widespread,
    in at least ``widespread_share`` of the documents and ``widespread_docs`` of them (a caption credit;
    not a title quoted in another page's related box). A sentence-shaped line (see ``sentence_shaped``)
    is proposed only when it is widespread, at a document's edge, and is the only sentence among the
    lines that occur in exactly those documents (a site-wide notice), never otherwise, and a shape of
    sentences never; lines that occur in exactly the same documents are judged together, so body text
    among them rejects them all. ``max_body_loss``: in no sampled document may the proposed rules remove
    more than this share of what the base rules keep as article text (the guard's decision, applied to the
    body). ``dedup``: exact and near-duplicate documents (``cleaner.dedup``, similarity at least
    ``dedup_threshold``) are counted once, so an article crawled three times is not a template.
    """

    min_docs: int = 3
    min_share: float = 0.02
    max_article_hits: int = 2
    edge_lines: int = 15
    include_covered: bool = False
    widespread_share: float = 0.1
    widespread_docs: int = 5
    max_spread: int = 5
    max_body_loss: float = 0.5
    dedup: bool = True
    dedup_threshold: float = 0.7
    #: Distinct documents the duplicate index holds (about 9 KB each, 45 MB in all); later documents are
    #: not compared: from 5,000 documents on, the default threshold (2%) already asks for 100 documents,
    #: far more copies than a crawl repeats. With ``min_share`` 0 on a larger corpus, run ``vnclean dedup``
    #: first.
    dedup_max_index: int = 5_000
    #: Memory bounds: keys kept before the rarest are forgotten, sample lines per key, documents sampled
    #: for the safety check and the must-keep examples.
    max_keys: int = 500_000
    samples_per_key: int = 4
    sample_docs: int = 500
    seed: int = 0

    def threshold(self, documents: int) -> int:
        return max(self.min_docs, math.ceil(self.min_share * documents))

    def widespread(self, c: Candidate) -> bool:
        """In so many documents that a line not shaped like a template is one all the same."""
        return c.share >= self.widespread_share and c.docs >= self.widespread_docs


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
    spread: int = 0  # how many lines apart its occurrences are, from the start or from the end (the less)

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


def sentence_shaped(line: str) -> bool:
    """A line that reads as body text: long, or a sentence of several words ending in a full stop.

    Links joined by separators ("Giới thiệu | Liên hệ | Quảng cáo") are a menu however long.

    >>> sentence_shaped("Ảnh: Internet."), sentence_shaped("Sáng nay, trời mưa to ở khắp Hà Nội.")
    (False, True)
    """
    if len(_SEPARATOR.findall(line)) >= 2:
        return False
    n = len(_TOKEN.findall(line))
    return n >= ARTICLE_MIN_WORDS or (n >= SENTENCE_MIN_WORDS and bool(_SENTENCE_END.search(line)))


def group_key(c: Candidate) -> tuple[str, int, int]:
    """Line candidates with one key occur in exactly the same documents: one block, judged as one."""
    return (c.where, c.docset, c.docs)


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
        spread = min(rec[FROM_START] - rec[MIN_START], rec[FROM_END] - rec[MIN_END])
        out.append(Candidate(kind, key, rec[DOCS], rec[DOCS] / counts.documents, where, rec[DOCSET],
                             rec[FROM_START], samples, variants, h, spread))
    out.sort(key=lambda c: (-c.docs, c.kind, c.key))
    return out


class _Pool:
    """The sampled documents as the base rules leave them: kept article lines, and the candidates' fate."""

    def __init__(self, counts: Counts, base: RuleSet, want: dict[int, int], threshold: int) -> None:
        self.article: list[str] = []
        self.seen: dict[int, _Seen] = defaultdict(_Seen)
        #: Per sampled document, the lines the base rules keep: (text, reads as article text, key hashes).
        self.kept: list[list[tuple[str, bool, tuple[int, ...]]]] = []
        #: Per candidate hash: the sampled documents that have it, and article lines next to it there.
        self.docs_with: dict[int, set[int]] = defaultdict(set)
        self.around: dict[int, list[str]] = defaultdict(list)
        index: dict[str, list[int]] = defaultdict(list)
        for d, text in enumerate(counts.doc_sample):
            result = base.explain(text)
            dropped = {c.line - 1: c.rule for c in result.changes if c.action == "drop"}
            kept: list[tuple[str, bool, tuple[int, ...]]] = []
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
                            self.docs_with[h].add(d)
                if i in dropped:
                    continue
                article = looks_like_article(line)
                kept.append((line.strip(), article, tuple(h for h in hashes if h in want)))
                if not article:
                    continue
                rec = counts.stats.get(hashes[0])
                if rec is not None and rec[DOCS] >= threshold:
                    continue  # repeated itself: a candidate, not article text to check candidates against
                self.article.append(line.strip())
            self.kept.append(kept)
            self._neighbours(kept)
        self.article = list(dict.fromkeys(self.article))
        self.folded = [strip_marks(line) for line in self.article]
        for n, line in enumerate(self.folded):
            for word in set(_WORD.findall(line.casefold())):
                index[word].append(n)
        self._index = index

    def _neighbours(self, kept: list[tuple[str, bool, tuple[int, ...]]]) -> None:
        """For each candidate line, the nearest article lines before and after it that are no candidate."""
        for i, (_, _, hashes) in enumerate(kept):
            if not hashes:
                continue
            for step in (-1, 1):
                j = i + step
                while 0 <= j < len(kept) and (kept[j][2] or not kept[j][1]):
                    j += step
                if 0 <= j < len(kept):
                    for h in hashes:
                        near = self.around[h]
                        if len(near) < 4 and kept[j][0] not in near:
                            near.append(kept[j][0])

    def body_loss(self, hashes: set[int], removed: dict[int, set[int]], limit: float) -> str | None:
        """Why removing these candidates' lines (after ``removed``, line indices per document) would take a
        sampled document's body, as the guard judges the article text the base rules keep; or ``None``."""
        docs: set[int] = set()
        for h in hashes:
            docs |= self.docs_with.get(h, set())
        for d in sorted(docs):
            kept = self.kept[d]
            gone = removed.get(d, set())
            body = [text for i, (text, article, _) in enumerate(kept) if article and i not in gone]
            rest = [text for i, (text, article, hs) in enumerate(kept)
                    if article and i not in gone and not hashes.intersection(hs)]
            reason = held_back("\n".join(body), "\n".join(rest), limit)
            if reason:
                first = (body or [""])[0]
                what = reason.split(" (limit")[0]  # the guard's words; the limit here is --max-body-loss
                return (f"would remove the body of a sampled document ({what}: its article text, limit "
                        f"{limit:.0%}); it starts {first[:60]!r}")
        return None

    def remove(self, hashes: set[int], removed: dict[int, set[int]]) -> None:
        """Mark the candidates' lines as removed in every sampled document that has them."""
        for h in hashes:
            for d in self.docs_with.get(h, ()):
                gone = removed.setdefault(d, set())
                gone.update(i for i, (_, _, hs) in enumerate(self.kept[d]) if h in hs)

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
    with_body: dict[tuple[str, int, int], str] = {}  # a block's key -> a body sentence among its lines
    for n, c in sorted(enumerate(cands), key=lambda nc: nc[1].kind != "shape"):
        if c.kind == "shape" and not c.variants:
            rejected.append(Rejection(c, "only one line has this shape; proposed as a line instead"))
            continue
        seen = pool.seen.get(n)
        if not options.include_covered and _covered(c, seen, base):
            by = ", ".join(r for r, _ in seen.by.most_common(3)) if seen and seen.by else "the base rules"
            rejected.append(Rejection(c, f"already removed by {by}"))
            continue
        sentence = next((x for x in c.samples if sentence_shaped(x)), None)
        # A shape of sentences is templated article text ("Nhiệt độ cao nhất là <n> độ C."): never a rule.
        if sentence is not None and (c.kind == "shape" or not options.widespread(c) or c.where == "anywhere"):
            if c.kind == "line":
                with_body[group_key(c)] = sentence
            words = word_count(sentence)
            rejected.append(Rejection(c, f"sentence-shaped body text ({words} words), which the base rules "
                                         "keep as article text; a template sentence sits at a page's edge "
                                         f"in at least {options.widespread_share:.0%} of the documents "
                                         f"and {options.widespread_docs} of them"))
            continue
        if c.spread > options.max_spread and not options.widespread(c):
            rejected.append(Rejection(c, f"at no consistent position (its occurrences are {c.spread} lines "
                                         "apart or more) and in too few documents to be a template "
                                         f"anyway (under {options.widespread_share:.0%}, or under "
                                         f"{options.widespread_docs})"))
            continue
        hits = pool.hits(c.rule())
        if len(hits) > options.max_article_hits:
            rejected.append(Rejection(c, f"would remove {len(hits)} lines the base rules keep as article "
                                         f"text, e.g. {hits[0][:80]!r}"))
            continue
        accepted.append(c)
    accepted, more = _template_blocks(accepted, with_body, pool, options)
    rejected += more
    # A shape that passed every check makes the line candidates it covers redundant (judged only now: a
    # shape rejected as a block leaves its lines to be proposed on their own).
    shapes = {c.key for c in accepted if c.kind == "shape"}
    covered = [c for c in accepted if c.kind == "line" and shape_key(c.samples[0]) in shapes]
    rejected += [Rejection(c, f"covered by the learned shape '{shape_key(c.samples[0])}'") for c in covered]
    gone = {id(c) for c in covered}
    accepted = [c for c in accepted if id(c) not in gone]
    accepted.sort(key=lambda c: (-c.docs, c.kind, c.key))
    return accepted, rejected, pool


def _template_blocks(accepted: list[Candidate], with_body: dict[tuple[str, int, int], str], pool: _Pool,
                     options: LearnOptions) -> tuple[list[Candidate], list[Rejection]]:
    """Judge candidates block by block: a block that comes with body text, or that (with the blocks
    accepted before it) would take a sampled document's body, is rejected whole."""
    blocks: dict[tuple[str, int, int], list[Candidate]] = defaultdict(list)
    for c in accepted:
        blocks[group_key(c) if c.kind == "line" else ("shape", c.hash, 0)].append(c)
    kept: list[Candidate] = []
    rejected: list[Rejection] = []
    removed: dict[int, set[int]] = {}
    for key, members in sorted(blocks.items(), key=lambda kv: (-kv[1][0].docs, kv[1][0].order)):
        sentence = with_body.get(key)
        sentences = [x for c in members for x in c.samples[:1] if sentence_shaped(x)]
        if sentence is None and len(sentences) > 1:
            # A site-wide notice is one sentence; several that always come together are an article.
            sentence = sentences[0]
        if sentence is not None:
            reason = (f"occurs in exactly the same {members[0].docs} documents as the body text "
                      f"{sentence[:60]!r}: an article these documents share, not a template")
        else:
            reason = pool.body_loss({c.hash for c in members}, removed, options.max_body_loss) or ""
        if reason:
            rejected += [Rejection(c, reason) for c in members]
            continue
        pool.remove({c.hash for c in members}, removed)
        kept += members
    return kept, rejected


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
            groups[group_key(c)].append(c)
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
        rules.append(_with_examples(rule, change, pool.look_alikes(words, rule) + _around(pool, members)))
    for c in sorted(shapes, key=lambda c: -c.docs):
        rid = unique(f"learned-shape-{_slug(literal_parts(c.key) or c.key)}")
        why = f"Learned: lines shaped '{c.key}' in {_share(c.docs, documents)}{_where_text(c.where, edge)}."
        rule = Rule(id=rid, why=why, pattern=shape_pattern(c.key), match="line", ignore_diacritics=True,
                    **position[c.where])  # type: ignore[arg-type]
        keep = pool.look_alikes(_words(c), rule) + _around(pool, [c])
        rules.append(_with_examples(rule, c.samples[:3], keep))
    # A rule that does not remove its own sample lines (a fold the engine does differently) is no use.
    return [r for r in rules if r.examples.change]


def _around(pool: _Pool, members: list[Candidate], limit: int = 2) -> list[str]:
    """Article paragraphs just before and after the candidates' lines: the rule must keep its neighbours."""
    near = [line for c in members for line in pool.around.get(c.hash, ())]
    return list(dict.fromkeys(near))[:limit]


def _with_examples(rule: Rule, change: tuple[str, ...], keep: list[str]) -> Rule:
    """Attach examples, keeping only those the rule really passes (a position condition can defeat a line)."""
    import dataclasses

    rule = dataclasses.replace(rule, examples=Examples(change=change, keep=tuple(dict.fromkeys(keep))))
    outcomes = list(check_rule(RuleSet([rule]), rule))
    ok_change = tuple(o.text for o in outcomes if o.kind == "change" and o.ok)
    ok_keep = tuple(o.text for o in outcomes if o.kind == "keep" and o.ok)
    return dataclasses.replace(rule, examples=Examples(change=ok_change, keep=ok_keep))
