"""Streaming statistics of line keys over a corpus, in bounded memory.

Per key hash: in how many documents it occurs, how close to the start and end of a document, which set of
documents (a 64-bit set hash, so lines of one template block can be grouped), and a few sample lines.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from cleaner.learn.keys import count_keys, key_hash
from cleaner.text import to_lines

# Fields of a key's record (a small list: lists are cheaper than objects for a million keys).
DOCS, FROM_START, FROM_END, DOCSET, SAMPLES, VARIANT, MIN_START, MIN_END = range(8)
#: ``VARIANT`` once a shape has been seen on two different lines (before that: the first line's key hash).
MANY = -1


@dataclass
class Counts:
    """What was counted. ``stats``: key hash -> ``[docs, from_start, from_end, docset, samples, variant,
    min_start, min_end]``.

    ``from_start``/``from_end``: the largest position (0 = first/last non-blank line) at which
    the key was seen, over every occurrence; a key whose ``max_from_start`` is small only ever occurs
    near the start. ``variant``: for a shape, whether it was seen on more than one distinct line (``MANY``),
    known even before samples are kept. ``min_start``/``min_end``: the smallest such positions, so
    ``from_start - min_start`` is how far apart the key's occurrences are, counted from the start (a
    template line keeps its place; a title quoted in another page's related box does not).
    ``undercount``: how many documents a key may have lost to pruning.
    """

    max_keys: int = 500_000
    samples_per_key: int = 4
    sample_docs: int = 1000
    seed: int = 0
    documents: int = 0
    lines: int = 0
    undercount: int = 0
    prunes: int = 0
    stats: dict[int, list[Any]] = field(default_factory=dict)
    doc_sample: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def add(self, text: str) -> None:
        """Count one (normalized) document."""
        lines = [line for line in to_lines(text) if line.strip()]
        self._sample_doc(text)
        self.documents += 1
        self.lines += len(lines)
        n = len(lines)
        seen: dict[int, tuple[int, int, str, int | None]] = {}  # key -> (first, last index, a line, line key)
        for i, line in enumerate(lines):
            folded, shape = count_keys(line)
            if not folded:
                continue
            lk = key_hash("L", folded)
            prev = seen.get(lk)
            seen[lk] = (i, i, line, None) if prev is None else (prev[0], i, prev[2], None)
            if shape is not None:
                sk = key_hash("S", shape)
                prev = seen.get(sk)
                if prev is None:
                    seen[sk] = (i, i, line, lk)
                else:
                    seen[sk] = (prev[0], i, prev[2], MANY if prev[3] != lk else lk)
        token = self._rng.getrandbits(64)
        stats = self.stats
        for k, (first, last, line, variant) in seen.items():
            rec = stats.get(k)
            if rec is None:
                # Most keys occur once in a corpus; they get no sample text until a second document has them.
                stats[k] = [1, last, n - 1 - first, token, None, variant, first, n - 1 - last]
                continue
            if variant is not None and rec[VARIANT] != variant:
                rec[VARIANT] = MANY
            rec[DOCS] += 1
            if last > rec[FROM_START]:
                rec[FROM_START] = last
            if n - 1 - first > rec[FROM_END]:
                rec[FROM_END] = n - 1 - first
            if first < rec[MIN_START]:
                rec[MIN_START] = first
            if n - 1 - last < rec[MIN_END]:
                rec[MIN_END] = n - 1 - last
            rec[DOCSET] ^= token
            self._sample_line(rec, line)
        if len(stats) > self.max_keys:
            self._prune()

    def _sample_line(self, rec: list[Any], line: str) -> None:
        text = line.strip()
        samples: list[str] | None = rec[SAMPLES]
        if samples is None:
            rec[SAMPLES] = [text]
        elif text in samples:
            return
        elif len(samples) < self.samples_per_key:
            samples.append(text)
        elif self._rng.random() < self.samples_per_key / rec[DOCS]:
            samples[self._rng.randrange(len(samples))] = text

    def _sample_doc(self, text: str) -> None:
        """Reservoir sample of whole documents: the safety check and the must-keep examples come from it."""
        if len(self.doc_sample) < self.sample_docs:
            self.doc_sample.append(text)
            return
        j = self._rng.randrange(self.documents + 1)
        if j < self.sample_docs:
            self.doc_sample[j] = text

    def _prune(self) -> None:
        """Forget the rarest keys until the table is back to half its cap (lossy counting).

        A key forgotten with ``floor`` documents and seen again starts over, so counts may be low by the
        sum of the floors used; that bound is kept in ``undercount`` and reported.
        """
        floor = 0
        while len(self.stats) > self.max_keys // 2:
            floor += 1
            self.stats = {k: r for k, r in self.stats.items() if r[DOCS] > floor}
        self.undercount += floor
        self.prunes += 1
