"""The documents to learn from: text files and folders (one document per file) and JSONL (one per line)."""

from __future__ import annotations

import fnmatch
import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cleaner.errors import InputError
from cleaner.files import decode, iter_inputs

#: Files read as JSONL, one JSON object per line with the document in a text field.
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
#: Files never learned from unless asked: a corpus's gold files are the answers, not more pages.
DEFAULT_EXCLUDE = ("*.gold.txt",)


@dataclass(frozen=True)
class Document:
    """One document: where it came from (``file`` or ``file:line`` for JSONL) and its text."""

    name: str
    text: str


def is_jsonl(path: Path) -> bool:
    return path.name.endswith(JSONL_SUFFIXES)


def iter_documents(paths: Iterable[str], *, glob: str = "*.txt", exclude: Iterable[str] = DEFAULT_EXCLUDE,
                   text_field: str = "text", encoding: str = "utf-8") -> Iterator[Document | InputError]:
    """Stream documents from files, folders (files matching ``glob``) and JSONL files, in a stable order.

    A file or JSONL line that cannot be read is yielded as an ``InputError`` naming it, and the walk goes on.
    """
    excluded = tuple(exclude)
    for item in iter_inputs(list(paths), glob):
        if isinstance(item, InputError):
            yield item
            continue
        if any(fnmatch.fnmatch(item.path.name, pat) for pat in excluded):
            continue
        if is_jsonl(item.path):
            yield from _jsonl(item.path, text_field)
            continue
        try:
            data = item.path.read_bytes()
            yield Document(str(item.path), decode(data, str(item.path), encoding))
        except InputError as exc:
            yield exc
        except OSError as exc:
            yield InputError(f"{item.path}: cannot read: {exc.strerror}")


def _jsonl(path: Path, field: str) -> Iterator[Document | InputError]:
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            for n, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except json.JSONDecodeError as exc:
                    yield InputError(f"{path}:{n}: not JSON ({exc.msg}); each line must be one JSON object")
                    continue
                text = obj.get(field) if isinstance(obj, dict) else None
                if not isinstance(text, str):
                    yield InputError(f"{path}:{n}: no text field '{field}'; name the field with --text-field")
                    continue
                yield Document(f"{path}:{n}", text)
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        yield InputError(f"{path}: cannot read as UTF-8 JSONL: {exc}")
