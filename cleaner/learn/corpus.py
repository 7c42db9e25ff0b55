"""The documents to learn from: text files and folders (one document per file) and JSONL (one per line)."""

from __future__ import annotations

import fnmatch
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cleaner.errors import InputError
from cleaner.files import iter_inputs, read_decoded
from cleaner.jsonl import TEXT_FIELD, field_problem, is_jsonl, open_lines

#: Files never learned from unless asked: a corpus's gold files are the answers, not more pages.
DEFAULT_EXCLUDE = ("*.gold.txt",)


class SkippedRecord(InputError):
    """A JSONL record with no text to learn from (its field is missing, null or not a string): a warning,
    as ``vnclean clean`` passes such a record through with a warning, not an error."""


@dataclass(frozen=True)
class Document:
    """One document: where it came from (``file`` or ``file:line`` for JSONL) and its text."""

    name: str
    text: str


def iter_documents(paths: Iterable[str], *, glob: str = "*.txt", exclude: Iterable[str] = DEFAULT_EXCLUDE,
                   text_field: str = TEXT_FIELD, encoding: str = "utf-8") -> Iterator[Document | InputError]:
    """Stream documents from files, folders (files matching ``glob``) and JSONL files, in a stable order.

    A file or JSONL line that cannot be read is yielded as an ``InputError`` naming it, and the walk goes on;
    a record without text is a ``SkippedRecord`` (a warning, not an error).
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
            # The reader clean uses: never waits on a file that does not end (a FIFO, /proc/kmsg).
            yield Document(str(item.path), read_decoded(item.path, encoding).text)
        except InputError as exc:
            yield exc
        except OSError as exc:
            yield InputError(f"{item.path}: cannot read: {exc.strerror}")


def _jsonl(path: Path, field: str) -> Iterator[Document | InputError]:
    try:
        with open_lines(path) as fh:
            for n, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError as exc:
                    yield InputError(f"{path}:{n}: not UTF-8 (byte {exc.start}); save the file as UTF-8")
                    continue
                except json.JSONDecodeError as exc:
                    yield InputError(f"{path}:{n}: not JSON ({exc.msg}); each line must be one JSON object")
                    continue
                except ValueError as exc:  # a number of thousands of digits
                    yield InputError(f"{path}:{n}: not JSON that can be read ({exc}); the line is skipped")
                    continue
                except RecursionError:
                    yield InputError(f"{path}:{n}: JSON nested too deep to read; the line is skipped")
                    continue
                if not isinstance(obj, dict):
                    yield InputError(f"{path}:{n}: not a JSON object; each line must be one JSON object")
                    continue
                text = obj.get(field)
                if not isinstance(text, str):
                    yield SkippedRecord(f"{path}:{n}: {field_problem(obj, field)}; the record is skipped "
                                        "(choose the field with --text-field)", path=str(path), line=n)
                    continue
                yield Document(f"{path}:{n}", text)
    except (OSError, EOFError, zlib.error) as exc:
        yield InputError(f"{path}: cannot read as JSONL (.jsonl, or .jsonl.gz compressed): {exc}; check the "
                         "file (gzip -t for .gz)")
