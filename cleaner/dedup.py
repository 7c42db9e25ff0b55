"""Exact and near-duplicate documents: MinHash over word shingles, indexed with datasketch's LSH, in one pass.

Crawls repeat documents (one article under two URLs, syndicated copies, re-crawls). Each document is
compared with the first member of every cluster seen so far; a document like none of them starts a new
cluster. Documents are read once and their text is never kept: per distinct document the index keeps a
signature and its LSH bands (about 3 KB), per duplicate only its name.

>>> dd = Deduplicator()
>>> story = "Sáng nay, mưa lớn kéo dài nhiều giờ khiến nhiều tuyến phố ở Hà Nội ngập sâu, xe chết máy.\\n"
>>> [dd.check(n, t).duplicate_of for n, t in [("a", story), ("b", "Ảnh: Lê Ánh\\n" + story), ("c", "Khác.")]]
[None, 'a', None]
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cleaner.errors import InputError
from cleaner.files import atomic_output, decode, iter_inputs
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


def shingles(text: str, *, words: int = SHINGLE_WORDS, body_min_words: int = BODY_MIN_WORDS) -> set[bytes]:
    """The word shingles a document is compared by (case, diacritics, spacing folded; see ``BODY_MIN_WORDS``).

    >>> sorted(shingles("Ảnh: AP\\nMột hai ba bốn năm sáu bảy tám", words=7))
    [b'hai ba bon nam sau bay tam', b'mot hai ba bon nam sau bay']
    """
    lines = [fold_key(line) for line in to_lines(text)]
    body = [line for line in lines if len(line.split()) >= body_min_words] or lines
    tokens = " ".join(body).split()
    if len(tokens) <= words:
        return {" ".join(tokens).encode("utf-8")} if tokens else set()
    return {" ".join(tokens[i:i + words]).encode("utf-8") for i in range(len(tokens) - words + 1)}


class Deduplicator:
    """Streaming near-duplicate detection: ``check`` each document once, in order.

    Only the first document of each cluster enters the index, so memory grows with the number of distinct
    documents (a signature of ``num_perm`` 32-bit values plus the LSH bands), never with their text.
    """

    def __init__(self, threshold: float = THRESHOLD, *, num_perm: int = NUM_PERM,
                 shingle_words: int = SHINGLE_WORDS, body_min_words: int = BODY_MIN_WORDS,
                 seed: int = SEED) -> None:
        from datasketch import MinHashLSH

        if not 0 < threshold <= 1:
            raise ValueError(f"threshold {threshold} is not a similarity; give one above 0 and at most 1")
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle_words = shingle_words
        self.body_min_words = body_min_words
        self.seed = seed
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, hashfunc=_band_key)
        self._names: list[str] = []  # first members, by their key in the index
        self._signatures: list[Any] = []  # their MinHash values (numpy uint32 arrays)
        self._exact: dict[bytes, int] = {}  # digest of the spacing-folded text -> first member's key
        self.documents = 0
        self.duplicates = 0

    def check(self, name: str, text: str) -> Verdict:
        """Compare one document with every cluster so far; if it is like none, it starts a new one."""
        import numpy as np
        from datasketch import MinHash

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
        mh = MinHash(num_perm=self.num_perm, seed=self.seed)
        mh.update_batch(shingles(text, words=self.shingle_words, body_min_words=self.body_min_words))
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
        self._names.append(name)
        self._signatures.append(values)
        self._exact[digest] = key
        self._lsh.insert(key, mh, check_duplication=False)
        return Verdict(name)


def find_duplicates(documents: Iterable[tuple[str, str]], *,
                    threshold: float = THRESHOLD) -> Iterator[Verdict]:
    """A ``Verdict`` for each ``(name, text)``, in order, streamed (see ``Deduplicator``)."""
    dd = Deduplicator(threshold)
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
                text_field: str = TEXT_FIELD, encoding: str = "utf-8") -> Iterator[Verdict | Problem]:
    """Find duplicates among text files, folders and JSONL files (one document per record), in input order.

    With ``out_dir`` the corpus is written there without duplicates, mirroring the input tree: every text
    file and JSONL record that is not a duplicate of an earlier one (the first member of each cluster is
    kept), byte for byte. Records and files that cannot be read as documents are written unchanged and
    yielded as a ``Problem``; every duplicate left out is yielded as its ``Verdict``: nothing goes silently.
    """
    import fnmatch

    dd = Deduplicator(threshold)
    excluded = tuple(exclude)
    out = Path(out_dir) if out_dir is not None else None
    for item in iter_inputs(list(paths), glob, exclude=[out] if out is not None else []):
        if isinstance(item, InputError):
            yield Problem(str(item.path or ""), str(item))
            continue
        if any(fnmatch.fnmatch(item.path.name, pat) for pat in excluded):
            continue
        target = out / item.relative if out is not None else None
        if is_jsonl(item.path):
            yield from _jsonl(dd, item.path, target, text_field)
            continue
        try:
            data = item.path.read_bytes()
            text = decode(data, str(item.path), encoding)
        except InputError as exc:
            yield Problem(str(item.path), str(exc))
            continue
        except OSError as exc:
            yield Problem(str(item.path), f"{item.path}: cannot read: {exc.strerror}")
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
