"""JSON Lines corpora: clean one text field of every record, streamed line by line, in order, or in a pool.

Records are never loaded all at once; a record that cannot be cleaned is reported with its line number and
passed through as it was (or dropped when asked), so nothing is lost silently. The guard that protects files
(``cleaner.guard``) protects records too: one that cleaning would empty is written unchanged and reported.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from cleaner.files import atomic_output as _atomic_output
from cleaner.guard import DEFAULT_MAX_REMOVED, held_back
from cleaner.loader import as_rules
from cleaner.pool import ordered_map
from cleaner.report import Change, removed_by_rule
from cleaner.rules import RuleSet
from cleaner.text import strip_bom

#: Default name of the field that holds a record's text.
TEXT_FIELD = "text"
#: A chunk sent to a worker closes at this many records or this many bytes, whichever comes first: large
#: enough that pickling and scheduling cost little per record, small enough to keep memory flat.
CHUNK_RECORDS = 256
CHUNK_BYTES = 1 << 20
#: gzip output level: 6 is zlib's default trade-off; 9 costs several times the CPU for ~1% smaller files.
GZIP_LEVEL = 6
#: Statuses of a record; the last three are problems reported with the record's line number, and so is
#: ``guarded`` (written unchanged: the guard held its cleaning back).
STATUSES = ("changed", "unchanged", "guarded", "blank", "bad", "invalid", "failed")


@dataclass(frozen=True)
class Record:
    """What happened to one line of a JSONL stream.

    ``output`` is the line to write (without its newline), or ``None`` when the record is dropped
    (``drop_bad_records``). ``status``: ``changed`` / ``unchanged`` (the text field was cleaned),
    ``blank`` (an empty line, kept), ``bad`` (the field is missing or not a string), ``invalid`` (the line
    is not a JSON object, or not UTF-8), ``failed`` (cleaning raised an error, e.g. a rule timed out),
    ``guarded`` (cleaning would empty the text or remove too much of it, see ``cleaner.guard``: the record is
    written unchanged, never dropped, and ``message`` says why).
    """

    line: int
    status: str
    output: str | None
    message: str = ""
    size: int = 0  # bytes of the input line
    changes: tuple[Change, ...] = ()

    @property
    def problem(self) -> bool:
        """The record could not be cleaned: it is passed through (or dropped) and reported."""
        return self.status in ("bad", "invalid", "failed")

    def removed(self) -> dict[str, int]:
        """Lines removed per rule id (known only when the record was explained)."""
        return removed_by_rule(self.changes)


@dataclass(frozen=True)
class _Settings:
    text_field: str
    drop_bad_records: bool
    explain: bool
    html_field: str | None = None  # read this field as an HTML page; the clean text goes to text_field
    max_removed: float | None = DEFAULT_MAX_REMOVED
    force: bool = False


def clean_record_line(rules: RuleSet, raw: str | bytes, line: int, *, text_field: str = TEXT_FIELD,
                      drop_bad_records: bool = False, explain: bool = False,
                      html_field: str | None = None, max_removed: float | None = DEFAULT_MAX_REMOVED,
                      force: bool = False) -> Record:
    """Clean one JSONL line (``line`` is its 1-based number, for messages). Never raises for bad data."""
    return _clean_one(rules, raw, line, _Settings(text_field, drop_bad_records, explain, html_field,
                                                  max_removed, force))


def _clean_one(rules: RuleSet, raw: str | bytes, line: int, s: _Settings) -> Record:
    size = len(raw)
    if isinstance(raw, bytes):
        raw = raw.rstrip(b"\r\n")
        try:
            text_line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            # Kept byte for byte: the writer encodes with surrogateescape.
            return _problem(s, line, "invalid", raw.decode("utf-8", "surrogateescape"), size,
                            f"not valid UTF-8 at byte {exc.start}; the record is {_fate(s)}")
    else:
        size = len(raw.encode("utf-8", "surrogatepass"))
        text_line = raw.rstrip("\r\n")
    if line == 1:
        text_line = strip_bom(text_line)
    if not text_line.strip():
        return Record(line, "blank", text_line, size=size)
    try:
        obj = json.loads(text_line)
    except json.JSONDecodeError as exc:
        return _problem(s, line, "invalid", text_line, size,
                        f"invalid JSON ({exc.msg} at column {exc.colno}); the record is {_fate(s)}")
    except ValueError as exc:  # e.g. an integer too long to convert
        return _problem(s, line, "invalid", text_line, size,
                        f"invalid JSON ({exc}); the record is {_fate(s)}")
    except RecursionError:
        return _problem(s, line, "invalid", text_line, size,
                        f"JSON nested too deep to read; the record is {_fate(s)}")
    if not isinstance(obj, dict):
        return _problem(s, line, "invalid", text_line, size,
                        f"not a JSON object but a {type(obj).__name__}; the record is {_fate(s)}")
    source = s.html_field or s.text_field
    value = obj.get(source)
    if not isinstance(value, str):
        option = "--html-field" if s.html_field else "--text-field"
        return _problem(s, line, "bad", text_line, size,
                        f"{field_problem(obj, source)}; the record is {_fate(s)} "
                        f"(choose the field with {option})")
    page = value
    try:
        if s.html_field:
            result = rules.explain_html(value, record=s.explain)
            cleaned, changes = result.text, result.changes
            value = obj.get(s.text_field)  # the record changes unless its text field already holds this
        elif s.explain:
            result = rules.explain(value)
            cleaned, changes = result.text, result.changes
        else:
            cleaned, changes = rules.clean(value), ()
    except Exception as exc:  # one record's failure must not stop the corpus
        return _problem(s, line, "failed", text_line, size, f"{exc}; the record is {_fate(s)}")
    if cleaned == value:
        # Untouched records are written exactly as they came, formatting and escapes included.
        return Record(line, "unchanged", text_line, size=size, changes=changes)
    # A page's chrome is most of its text: a share says nothing there, only what is left does.
    reason = None if s.force else held_back(page, cleaned, None if s.html_field else s.max_removed)
    if reason:
        return Record(line, "guarded", text_line, f"not cleaned: {reason}; the record is written unchanged "
                                                  "(check the rules with --explain, or --force to clean it)",
                      size=size, changes=changes)
    return Record(line, "changed", _splice(text_line, s.text_field, cleaned, obj), size=size, changes=changes)


_WS_RE = re.compile(r"[ \t\n\r]*")
_SURROGATE = re.compile("[\ud800-\udfff]")
_DECODER = json.JSONDecoder()


def _skip_ws(line: str, i: int) -> int:
    m = _WS_RE.match(line, i)
    return m.end() if m else i


def _escape_surrogates(json_text: str) -> str:
    """A lone surrogate (``\\ud800`` in the input) cannot be written as UTF-8: it stays an escape."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


def _splice(text_line: str, field: str, cleaned: str, obj: dict[str, object]) -> str:
    """The record's line with only the text field's value replaced: every other byte stays as it came.

    Numbers keep their spelling (``1E5``, ``1e400``), ``NaN`` stays ``NaN``, duplicate keys stay (the
    last one is the one ``json`` reads, and the one replaced), escapes and spacing stay. A record without
    the field (``--html-field`` fills it in) gets it as its last member.
    """
    value = _escape_surrogates(json.dumps(cleaned, ensure_ascii=False))
    if field not in obj:
        close = text_line.rindex("}")  # json.loads read a dict: the line ends with its closing brace
        at = len(text_line[:close].rstrip(" \t\n\r"))
        sep = "" if text_line[at - 1] == "{" else ", "
        key = _escape_surrogates(json.dumps(field, ensure_ascii=False))
        return f"{text_line[:at]}{sep}{key}: {value}{text_line[at:]}"
    span = _value_span(text_line, field)
    if span is None:  # not reached for a line json.loads took; kept as a safe fallback
        obj[field] = cleaned
        return _escape_surrogates(json.dumps(obj, ensure_ascii=False))
    start, end = span
    return text_line[:start] + value + text_line[end:]


def _value_span(line: str, field: str) -> tuple[int, int] | None:
    """Where the value of the last top-level member named ``field`` is in ``line`` (a JSON object)."""
    i = _skip_ws(line, 0)
    if line[i:i + 1] != "{":
        return None
    i = _skip_ws(line, i + 1)
    span = None
    while line[i:i + 1] == '"':
        key, i = json.decoder.scanstring(line, i + 1)  # type: ignore[attr-defined]
        i = _skip_ws(line, i)
        if line[i:i + 1] != ":":
            return None
        i = _skip_ws(line, i + 1)
        _, end = _DECODER.raw_decode(line, i)
        if key == field:
            span = (i, end)
        i = _skip_ws(line, end)
        if line[i:i + 1] == "}":
            return span
        if line[i:i + 1] != ",":
            return None
        i = _skip_ws(line, i + 1)
    return None


def _problem(s: _Settings, line: int, status: str, text_line: str, size: int, message: str) -> Record:
    return Record(line, status, None if s.drop_bad_records else text_line, message, size)


def _fate(s: _Settings) -> str:
    return "dropped (--drop-bad-records)" if s.drop_bad_records else "passed through unchanged"


def field_problem(obj: dict[str, object], field: str) -> str:
    """Why a record's text field holds no text to clean: missing, null, or not a string (``clean`` and
    ``learn`` say it alike).

    >>> field_problem({"text": None}, "text"), field_problem({}, "text"), field_problem({"text": 1}, "text")
    ("field 'text' is null", "field 'text' is missing", "field 'text' is not a string (a number)")
    """
    if field not in obj:
        return f"field '{field}' is missing"
    if obj[field] is None:
        return f"field '{field}' is null"
    return f"field '{field}' is not a string ({_json_type(obj[field])})"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", list: "an array", dict: "an object"}.get(
        type(value), type(value).__name__)


def clean_jsonl(lines: Iterable[str | bytes], rules: RuleSet | str = "vn-news", *,
                text_field: str = TEXT_FIELD, drop_bad_records: bool = False, explain: bool = False,
                jobs: int = 1, html_field: str | None = None, max_removed: float | None = DEFAULT_MAX_REMOVED,
                force: bool = False) -> Iterator[Record]:
    """Clean the ``text_field`` of each JSONL line, yielding one ``Record`` per line, in input order.

    With ``html_field`` that field of each record is read as an HTML page and its clean text is written
    into ``text_field``; the HTML stays as it was.

    ``lines`` is any iterable of lines (an open file, text or binary; a generator), read lazily.
    ``rules`` is a ``RuleSet`` or a shipped set name or rule file path. With ``jobs > 1`` (``0``: one per
    core) chunks of records go to a process pool where the rules are compiled once per worker; only a few
    chunks are in flight at a time, so memory stays flat whatever the corpus size. ``max_removed`` and
    ``force`` are the guard's, as for files: a record cleaning would empty is written as it came.

    >>> from cleaner import load_rules
    >>> recs = clean_jsonl(['{"id": 1, "text": "  • icon facebook\\\\nSáng nay, trời mưa."}', '{"id": 2}'],
    ...                    load_rules("vn-news"))
    >>> [r.output for r in recs]
    ['{"id": 1, "text": "Sáng nay, trời mưa.\\\\n"}', '{"id": 2}']
    """
    settings = _Settings(text_field, drop_bad_records, explain, html_field, max_removed, force)
    numbered = enumerate(lines, start=1)
    return ordered_map(_clean_item, (as_rules(rules), settings), numbered, jobs, chunks=_chunks)


def _chunks(lines: Iterable[tuple[int, str | bytes]]) -> Iterator[list[tuple[int, str | bytes]]]:
    """Numbered lines in chunks closed by record count or size."""
    chunk: list[tuple[int, str | bytes]] = []
    size = 0
    for n, raw in lines:
        chunk.append((n, raw))
        size += len(raw)
        if len(chunk) >= CHUNK_RECORDS or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _clean_item(state: tuple[RuleSet, _Settings], item: tuple[int, str | bytes]) -> Record:
    rules, settings = state
    line, raw = item
    return _clean_one(rules, raw, line, settings)


# -- files ---------------------------------------------------------------------------------------------------
def is_jsonl(path: str | os.PathLike[str]) -> bool:
    """A path the CLI treats as JSON Lines by its name: ``.jsonl`` or ``.jsonl.gz``."""
    name = os.fspath(path).lower()
    return name.endswith((".jsonl", ".jsonl.gz"))


def is_gzip(path: str | os.PathLike[str]) -> bool:
    return os.fspath(path).lower().endswith(".gz")


def open_lines(path: str | os.PathLike[str]) -> IO[bytes]:
    """Open a JSONL file for reading as binary lines; ``.gz`` is decompressed on the fly."""
    if is_gzip(path):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return open(path, "rb")


@contextmanager
def atomic_output(path: str | os.PathLike[str], *,
                  expect: os.stat_result | None = None) -> Iterator[IO[bytes]]:
    """``cleaner.files.atomic_output``, gzip-compressed when the name ends in ``.gz``."""
    target = Path(os.path.realpath(path))  # a symlink's target is written and named in the gzip header
    with _atomic_output(target, expect=expect) as raw:
        if is_gzip(target):
            with gzip.GzipFile(filename=target.name[:-3], mode="wb", fileobj=raw,
                               compresslevel=GZIP_LEVEL, mtime=0) as gz:
                yield cast(IO[bytes], gz)
        else:
            yield raw


def clean_jsonl_file(src: str | os.PathLike[str], rules: RuleSet | str = "vn-news", *,
                     dest: str | os.PathLike[str] | None = None, text_field: str = TEXT_FIELD,
                     drop_bad_records: bool = False, explain: bool = False,
                     jobs: int = 1, html_field: str | None = None,
                     max_removed: float | None = DEFAULT_MAX_REMOVED,
                     force: bool = False) -> Iterator[Record]:
    """Clean a JSONL file (``.gz``: read compressed) record by record, yielding each ``Record``.

    With ``dest`` the output is written there (compressed when it ends in ``.gz``) and replaces it only once
    the last record is done: a run that stops half-way leaves ``dest`` as it was. ``dest`` may be ``src``;
    then a file that changes while it is cleaned (records appended) is left as it is now and
    ``cleaner.files.FileChangedError`` is raised.
    """
    same = dest is not None and os.path.exists(dest) and os.path.samefile(src, dest)
    before = os.stat(src) if same else None  # taken before reading, as for --in-place on text files
    with open_lines(src) as fh:
        records = clean_jsonl(fh, rules, text_field=text_field, drop_bad_records=drop_bad_records,
                              explain=explain, jobs=jobs, html_field=html_field, max_removed=max_removed,
                              force=force)
        if dest is None:
            yield from records
            return
        with atomic_output(dest, expect=before) as out:
            for rec in records:
                if rec.output is not None:
                    out.write(encode_line(rec))
                yield rec


def encode_line(record: Record) -> bytes:
    """The bytes written for a record (with its newline); undecodable input comes out byte for byte."""
    assert record.output is not None
    return (record.output + "\n").encode("utf-8", "surrogateescape")
