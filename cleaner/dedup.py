"""Exact and near-duplicate documents: MinHash over word shingles, indexed with datasketch's LSH, in one pass.

Crawls repeat documents (one article under two URLs, syndicated copies, re-crawls). Each document is
compared with the first member of every cluster seen so far; a document like none of them starts a new
cluster. Documents are read once and their text is never kept: per distinct document the index keeps a
signature and its LSH bands (about 9 KB, measured), per duplicate only its name; ``max_index`` bounds it.

>>> dd = Deduplicator()
>>> story = "Sáng nay, mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ở Hà Nội ngập sâu, xe chết máy.\\n"
>>> [dd.check(n, t).duplicate_of for n, t in [("a", story), ("b", "Ảnh: Lê Ánh\\n" + story), ("c", "Khác.")]]
[None, 'a', None]
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cleaner.errors import InputError
from cleaner.files import atomic_output, decode, iter_inputs, read_bytes
from cleaner.jsonl import TEXT_FIELD, is_jsonl, open_lines
from cleaner.jsonl import atomic_output as jsonl_output
from cleaner.text import fold_key, to_lines

#: Estimated Jaccard similarity of two documents' body shingles at or above which they are one cluster.
#: Measured on the 47 distinct dev + dev2 pages: the most similar distinct pair (two giadinhtiepthi
#: stories on one topic, sharing a quoted paragraph) scores 0.25, the next 0.20, all others below 0.02;
#: a copy of one of them with a changed byline scores 1.0, one with a long paragraph dropped 0.77-0.97.
#: 0.7 leaves room on both sides (a 128-permutation estimate is within about 0.08 of the true value).
THRESHOLD = 0.7
#: Permutations of the MinHash: 128 is datasketch's default and keeps the estimate's error near 0.04.
NUM_PERM = 128
#: Words per shingle: five-word runs rarely repeat between different Vietnamese articles, while one edit
#: changes only the five shingles that cross it.
SHINGLE_WORDS = 5
#: A document is compared by its body: lines of at least this many words. Menus, dates, bylines and
#: share buttons are shorter, so two pages of one site are not alike for their template, and a copy with
#: another byline or date stamp is still the same article. A page with no such line is compared whole.
BODY_MIN_WORDS = 8
#: The seed of the MinHash permutations; fixed, so a run's clusters are reproducible.
SEED = 1
#: The LSH index looks for candidates from this far below the threshold; each candidate is then checked
#: against the threshold with its signature. At 0.7 the index is datasketch's for 0.5 (25 bands of 5
#: rows), which finds a pair of similarity 0.7 with probability 0.990 and 0.75 with 0.999; indexed at
#: 0.7 itself (14 bands of 9) it missed a copy of similarity 0.79 that lacked one of its paragraphs.
INDEX_MARGIN = 0.2


@dataclass(frozen=True)
class Verdict:
    """What ``Deduplicator.check`` found for one document.

    ``duplicate_of``: the name of the first document of its cluster (the one a ``keep first`` run keeps),
    or ``None`` when no earlier document is like it. ``similarity``: the estimated Jaccard similarity of
    the two bodies (1.0 when ``identical``: the same text once spacing is folded).
    """

    name: str
    duplicate_of: str | None = None
    similarity: float = 0.0
    identical: bool = False

    @property
    def duplicate(self) -> bool:
        return self.duplicate_of is not None


@dataclass
class Cluster:
    """A document kept (``first``) and the later documents found to duplicate it, with their similarity."""

    first: str
    members: list[Verdict] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"first": self.first, "size": 1 + len(self.members),
                "duplicates": [{"name": v.name, "similarity": round(v.similarity, 3),
                                "identical": v.identical} for v in self.members]}


def _band_key(data: bytes) -> bytes:
    """An LSH band's key: 8 bytes of blake2b instead of the band's raw 32+ bytes, to keep the index small."""
    return hashlib.blake2b(data, digest_size=8).digest()


def body_words(text: str, body_min_words: int = BODY_MIN_WORDS) -> list[str]:
    """The words a document is compared by: its body lines' (see ``BODY_MIN_WORDS``), case, diacritics and
    spacing folded.

    >>> body_words("Ảnh: AP\\nMột hai ba bốn năm sáu bảy tám")
    ['mot', 'hai', 'ba', 'bon', 'nam', 'sau', 'bay', 'tam']
    """
    lines = [fold_key(line) for line in to_lines(text)]
    body = [line for line in lines if len(line.split()) >= body_min_words] or lines
    return " ".join(body).split()


def shingles(text: str, *, words: int = SHINGLE_WORDS, body_min_words: int = BODY_MIN_WORDS) -> set[str]:
    """The shingles of a document: each run of ``words`` body words (all of them when there are fewer).

    >>> sorted(shingles("Ảnh: AP\\nMột hai ba bốn năm sáu bảy tám", words=7))
    ['hai ba bon nam sau bay tam', 'mot hai ba bon nam sau bay']
    """
    tokens = body_words(text, body_min_words)
    if len(tokens) <= words:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + words]) for i in range(len(tokens) - words + 1)}


#: Multiplier that folds a shingle's word hashes into one 32-bit hash (the FNV prime: odd, well mixed).
_FOLD = 16777619
_MASK32 = 0xFFFFFFFF


def shingle_hashes(text: str, *, words: int = SHINGLE_WORDS, body_min_words: int = BODY_MIN_WORDS) -> Any:
    """``shingles`` as distinct 32-bit hashes (a numpy array), computed a word at a time: several times
    faster than hashing each shingle's text, and what the MinHash is built from."""
    import numpy as np

    tokens = body_words(text, body_min_words)
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.fromiter((zlib.crc32(t.encode("utf-8", "surrogatepass")) for t in tokens), dtype=np.uint64,
                         count=len(tokens))
    k = min(words, len(tokens))
    n = len(tokens) - k + 1
    out: Any = np.zeros(n, dtype=np.uint64)
    for j in range(k):  # below 2**32 times a 25-bit multiplier: no uint64 overflow
        out = (out * _FOLD + hashes[j:j + n]) & _MASK32
    return np.unique(out)


class Deduplicator:
    """Streaming near-duplicate detection: ``check`` each document once, in order.

    Only the first document of each cluster enters the index, so memory grows with the number of distinct
    documents (a signature of ``num_perm`` 32-bit values plus the LSH bands, about 9 KB), never with their
    text. ``max_index`` caps it: once that many distinct documents are indexed, later ones are still
    compared with them but not added (``unindexed`` counts them), so copies among those go unseen.
    """

    def __init__(self, threshold: float = THRESHOLD, *, num_perm: int = NUM_PERM,
                 shingle_words: int = SHINGLE_WORDS, body_min_words: int = BODY_MIN_WORDS,
                 seed: int = SEED, max_index: int | None = None) -> None:
        from datasketch import MinHashLSH

        if not 0 < threshold <= 1:
            raise ValueError(f"threshold {threshold} is not a similarity; give one above 0 and at most 1")
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_words = shingle_words
        self.body_min_words = body_min_words
        self.seed = seed
        from datasketch import MinHash

        self._lsh = MinHashLSH(threshold=max(0.1, threshold - INDEX_MARGIN), num_perm=num_perm,
                               hashfunc=_band_key)
        # An empty MinHash to copy for each document: the permutations are drawn once, not per document.
        # Its input is already hashed (shingle_hashes), so its hash function only turns them into ints.
        self._empty = MinHash(num_perm=num_perm, seed=seed, hashfunc=int)
        self._names: list[str] = []  # first members, by their key in the index
        self._signatures: list[Any] = []  # their MinHash values (numpy uint32 arrays)
        self._exact: dict[bytes, int] = {}  # digest of the spacing-folded text -> first member's key
        self.max_index = max_index
        self.documents = 0
        self.duplicates = 0
        self.unindexed = 0

    @property
    def full(self) -> bool:
        """The index holds ``max_index`` documents: later ones are compared but no longer added."""
        return self.max_index is not None and len(self._names) >= self.max_index

    def check(self, name: str, text: str) -> Verdict:
        """Compare one document with every cluster so far; if it is like none, it starts a new one."""
        import numpy as np

        self.documents += 1
        lines = [" ".join(line.split()) for line in to_lines(text)]
        folded = "\n".join(line for line in lines if line)
        if not folded:
            return Verdict(name)  # a blank document is no copy of anything
        digest = hashlib.blake2b(folded.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        same = self._exact.get(digest)
        if same is not None:
            self.duplicates += 1
            return Verdict(name, self._names[same], 1.0, identical=True)
        mh = self._empty.copy()
        mh.update_batch(shingle_hashes(text, words=self.shingle_words, body_min_words=self.body_min_words))
        values = mh.hashvalues.astype(np.uint32)  # MinHash values are below 2**32: half the memory
        best, best_sim = -1, 0.0
        for key in self._lsh.query(mh):
            sim = float(np.count_nonzero(self._signatures[key] == values)) / self.num_perm
            if sim > best_sim or (sim == best_sim and key < best):
                best, best_sim = key, sim
        if best >= 0 and best_sim >= self.threshold:
            self.duplicates += 1
            return Verdict(name, self._names[best], best_sim)
        key = len(self._names)
        if self.max_index is not None and key >= self.max_index:
            self.unindexed += 1
            return Verdict(name)
        self._names.append(name)
        self._signatures.append(values)
        self._exact[digest] = key
        self._lsh.insert(key, mh, check_duplication=False)
        return Verdict(name)


def find_duplicates(documents: Iterable[tuple[str, str]], *, threshold: float = THRESHOLD,
                    max_index: int | None = None) -> Iterator[Verdict]:
    """A ``Verdict`` for each ``(name, text)``, in order, streamed (see ``Deduplicator``)."""
    dd = Deduplicator(threshold, max_index=max_index)
    for name, text in documents:
        yield dd.check(name, text)


def clusters(verdicts: Iterable[Verdict]) -> list[Cluster]:
    """The clusters with at least one duplicate, in the order their first members came."""
    out: dict[str, Cluster] = {}
    for v in verdicts:
        if v.duplicate_of is not None:
            out.setdefault(v.duplicate_of, Cluster(v.duplicate_of)).members.append(v)
    return list(out.values())


# -- files and JSONL ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """An input that could not be compared: a file that cannot be read (``written`` False: nothing was
    written for it), or a JSONL line without text (``written`` True: it goes to the output unchanged)."""

    name: str
    message: str
    written: bool = False


def dedup_paths(paths: Iterable[str], *, out_dir: str | os.PathLike[str] | None = None,
                threshold: float = THRESHOLD, glob: str = "*.txt", exclude: Iterable[str] = (),
                text_field: str = TEXT_FIELD, encoding: str = "utf-8", max_index: int | None = None,
                deduplicator: Deduplicator | None = None) -> Iterator[Verdict | Problem]:
    """Find duplicates among text files, folders and JSONL files (one document per record), in input order.

    With ``out_dir`` the corpus is written there without duplicates, mirroring the input tree: every text
    file and JSONL record that is not a duplicate of an earlier one (the first member of each cluster is
    kept), byte for byte. Records and files that cannot be read as documents are written unchanged and
    yielded as a ``Problem``; every duplicate left out is yielded as its ``Verdict``: nothing goes silently.
    Pass ``deduplicator`` to read its counts (``unindexed``) afterwards.
    """
    import fnmatch

    dd = deduplicator or Deduplicator(threshold, max_index=max_index)
    excluded = tuple(exclude)
    out = Path(out_dir) if out_dir is not None else None
    for item in iter_inputs(list(paths), glob, exclude=[out] if out is not None else []):
        if isinstance(item, InputError):
            yield Problem(str(item.path or ""), str(item))
            continue
        if any(fnmatch.fnmatch(item.path.name, pat) for pat in excluded):
            continue
        target = out / item.relative if out is not None else None
        if target is not None and target.is_symlink():
            # Written through, the link would carry this document into whatever file it points at.
            yield Problem(str(item.path), f"{item.path}: not written: the output {target} is a symbolic "
                                          "link; remove it, or choose another -o folder")
            continue
        if is_jsonl(item.path):
            yield from _jsonl(dd, item.path, target, text_field)
            continue
        try:
            data = read_bytes(item.path)  # never waits on a file without end
            text = decode(data, str(item.path), encoding)
        except InputError as exc:
            yield Problem(str(item.path), str(exc))
            continue
        verdict = dd.check(str(item.path), text)
        if target is not None and not verdict.duplicate:
            with atomic_output(target) as fh:
                fh.write(data)
        yield verdict


def _jsonl(dd: Deduplicator, path: Path, target: Path | None, field: str) -> Iterator[Verdict | Problem]:
    try:
        with open_lines(path) as fh:
            if target is None:
                yield from _records(dd, path, fh, None, field)
            else:
                with jsonl_output(target) as dst:
                    yield from _records(dd, path, fh, dst, field)
    except (OSError, EOFError) as exc:
        yield Problem(str(path), f"{path}: cannot read as JSONL (.jsonl, or .jsonl.gz compressed): {exc}; "
                                 "nothing was written for it")


def _records(dd: Deduplicator, path: Path, fh: IO[bytes], dst: IO[bytes] | None,
             field: str) -> Iterator[Verdict | Problem]:
    for n, raw in enumerate(fh, 1):
        name = f"{path}:{n}"
        problem = None
        text = None
        if raw.strip():
            try:
                obj = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                problem = f"not a JSON object ({exc}); the record is kept as it is"
            else:
                text = obj.get(field) if isinstance(obj, dict) else None
                if not isinstance(text, str):
                    problem = (f"no text field '{field}'; the record is kept as it is (name the field "
                               "with --text-field)")
        if problem is not None:
            yield Problem(name, f"{name}: {problem}", written=True)
        verdict = dd.check(name, text) if text is not None else None
        if dst is not None and (verdict is None or not verdict.duplicate):
            dst.write(raw if raw.endswith(b"\n") else raw + b"\n")
        if verdict is not None:
            yield verdict
