"""Clean many files: one picklable job per file, in order or in a process pool; one failure stops none."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.errors import CleanerError, InputError
from cleaner.files import (
    BinaryFileError,
    FileChangedError,
    Input,
    iter_inputs,
    read_decoded,
    restyle,
    same_but_line_ends,
    unified_diff,
    write_atomic,
)
from cleaner.guard import DEFAULT_MAX_REMOVED
from cleaner.guard import held_back as guard  # its one home is cleaner.guard; the old name stays
from cleaner.pool import ordered_map
from cleaner.report import Change, Status
from cleaner.rules import RuleSet


@dataclass(frozen=True)
class Job:
    """What to do with every file: where output goes and what to print. Shared by all files of a run."""

    out_dir: Path | None = None  # -o DIR: mirror the input tree below it
    in_place: bool = False
    write: bool = True  # False with --check / --diff: nothing is written
    diff: bool = False
    explain: bool = False
    to_stdout: bool = False
    encoding: str = "utf-8"
    errors: str = "strict"
    max_removed: float | None = DEFAULT_MAX_REMOVED
    force: bool = False
    line_endings: str = "keep"  # keep each file's style, or write lf / crlf (files.restyle)
    explain_fixes: bool = True  # with explain: list the normalization fixes too (not with --explain-rules)
    format: str = "auto"  # auto (HTML for .html/.htm), text, html, or jsonl
    # What the runner (cleaner.runner) reads, and how; process() does not look at these.
    paths: tuple[str, ...] = ()  # files and folders; "-" is stdin
    glob: str = "*.txt"  # the files a folder gives (comma-separated patterns; .html/.jsonl are added)
    check: bool = False  # --check: say what would change, write nothing
    jobs: int = 1  # worker processes (0: one per core)
    text_field: str = "text"  # JSONL: the field cleaned
    html_field: str | None = None  # JSONL: a field read as an HTML page, its text written to text_field
    drop_bad_records: bool = False  # JSONL: records that cannot be cleaned are dropped, not passed through
    report: str | None = None  # --report FILE: the runner checks it is neither an input nor an output


def reads_html(job: Job, path: Path) -> bool:
    """The file is read as an HTML page: ``--format html``, or ``auto`` and a ``.html``/``.htm`` name."""
    from cleaner.html import is_html

    return job.format == "html" or (job.format == "auto" and is_html(path.name))


def output_name(job: Job, path: Path, relative: Path) -> Path:
    """Where below ``-o`` a file's text goes: its relative path; for an HTML page, with ``.txt`` as suffix."""
    return relative.with_suffix(".txt") if reads_html(job, path) else relative


@dataclass
class Outcome:
    """What happened to one input (a file, stdin, a JSONL file), or to one JSONL record (``line`` > 0)."""

    path: str
    status: Status
    message: str = ""
    bytes_in: int = 0
    removed: dict[str, int] = field(default_factory=dict)  # lines removed per rule id
    text: str | None = None  # the cleaned text, when it goes to stdout
    diff: str = ""
    changes: tuple[Change, ...] = ()
    replaced: int = 0  # bad byte sequences read as U+FFFD (--errors replace)
    note: str = ""  # a choice made while writing (the line endings of a mixed file)
    format: str = "text"  # text, html or jsonl; "" for a path that could not be listed
    line: int = 0  # a JSONL record's line number; 0 for a whole input
    records: dict[str, int] | None = None  # a JSONL input: its records per status
    problems: list[dict[str, Any]] = field(default_factory=list)  # a JSONL input: records reported
    problems_not_listed: int = 0

    def __post_init__(self) -> None:
        self.status = Status(self.status)

    def to_json(self) -> dict[str, Any]:
        """This input's entry in ``--report FILE.json``."""
        if self.records is None:
            return {"path": self.path, "format": "jsonl" if self.format == "jsonl" else "text",
                    "status": self.status.value, "removed": self.removed, "message": self.message}
        return {"path": self.path, "format": "jsonl", "status": self.status.value, "records": self.records,
                "removed": self.removed, "problems": self.problems,
                "problems_not_listed": self.problems_not_listed}


def fired_rules(changes: Iterable[Change]) -> list[str]:
    """The rules and fixes that removed text, most characters first, as ``id (N chars)``: the suspects."""
    chars: dict[str, int] = {}
    for c in changes:
        chars[c.rule] = chars.get(c.rule, 0) + len(c.before) - len(c.after or "")
    ranked = sorted(chars.items(), key=lambda kv: (-kv[1], kv[0]))
    return [f"{rule} ({n} chars)" for rule, n in ranked if n > 0]


@dataclass(frozen=True)
class Source:
    """An input read into text: what cleaning starts from."""

    text: str
    replaced: int  # bad byte sequences read as U+FFFD
    size: int  # bytes, for the summary's throughput
    facts: Any = None  # an HTML page's markup facts, one per line (cleaner.html)


def _decode(job: Job, name: str, data: bytes, html: bool) -> Source:
    """In-memory bytes (stdin) as text, as a file's would be read (``InputError`` when they cannot be)."""
    if html:
        from cleaner.html import read_html

        page = read_html(data, name, encoding=job.encoding, errors=job.errors)
        return Source(page.text, page.replaced, len(data), page.facts)
    from cleaner.files import decode_counted

    text, replaced = decode_counted(data, name, job.encoding, job.errors)
    return Source(text, replaced, len(data))


def _read(job: Job, path: Path, html: bool) -> Source:
    if html:
        from cleaner.html import read_html_file

        page = read_html_file(path, encoding=job.encoding, errors=job.errors)
        return Source(page.text, page.replaced, page.size, page.facts)
    text, replaced = read_decoded(path, job.encoding, job.errors)
    return Source(text, replaced, len(text.encode("utf-8")))


def process(rules: RuleSet, job: Job, path: Path, relative: Path) -> Outcome:
    """Clean one file as ``job`` says. Never raises for a bad file: the error is in the outcome."""
    name = str(path)
    html = reads_html(job, path)
    fmt = "html" if html else "text"
    try:
        # Taken before reading: a file appended to meanwhile is not replaced by a text without the new lines.
        before = os.stat(path) if job.in_place and job.write else None
        source = _read(job, path, html)
    except OSError as exc:
        return Outcome(name, Status.FAILED, f"{name}: cannot read: {exc.strerror or exc}; check the path",
                       format=fmt)
    except BinaryFileError as exc:
        return Outcome(name, Status.SKIPPED, str(exc), format=fmt)
    except InputError as exc:
        return Outcome(name, Status.FAILED, str(exc), format=fmt)
    return _clean(rules, job, name, source, fmt, path, relative, before)


def process_data(rules: RuleSet, job: Job, name: str, data: bytes, *, html: bool = False) -> Outcome:
    """Clean an input held in memory (stdin) as ``job`` says: its text is returned in the outcome
    (``Outcome.text``) when ``job.to_stdout``; it is never written to a file."""
    fmt = "html" if html else "text"
    try:
        source = _decode(job, name, data, html)
    except InputError as exc:
        return Outcome(name, Status.FAILED, str(exc), format=fmt)
    return _clean(rules, job, name, source, fmt)


def _clean(rules: RuleSet, job: Job, name: str, source: Source, fmt: str, path: Path | None = None,
           relative: Path | None = None, before: os.stat_result | None = None) -> Outcome:
    """Clean a read input and send its text where ``job`` says (a file only when ``path`` is given)."""
    html = fmt == "html"
    original, replaced, size = source.text, source.replaced, source.size
    try:
        # Per-rule counts come from the rules' changes; normalization is itemized only for --explain.
        fixes = job.explain and job.explain_fixes
        if html:
            result = rules.run_lines(original, source.facts, fixes=fixes)
        else:
            result = rules.explain(original, fixes=fixes)
    except CleanerError as exc:
        return Outcome(name, Status.FAILED, f"{name}: {exc}", bytes_in=size, format=fmt)
    removed = result.removed_by_rule()
    cleaned = result.text
    # With "keep", a file that differs from its cleaned text only in its line ends (CRLF, or no final
    # newline) is not changed: rewriting it would touch every line of a Windows checkout for nothing.
    if job.line_endings == "keep":
        changed = not same_but_line_ends(original, cleaned)
    note = ""
    if not job.to_stdout:  # stdout is a text stream: its line ends are the platform's
        cleaned, note = restyle(original, cleaned, job.line_endings)
    if job.line_endings != "keep":
        changed = cleaned != original
    out = Outcome(name, Status.CHANGED if changed else Status.UNCHANGED, bytes_in=size, removed=removed,
                  changes=result.changes if job.explain else (), replaced=replaced, format=fmt)
    if job.diff and changed:
        out.diff = unified_diff(original, cleaned, name)
    # Where the text goes: over the input, below -o, or to stdout. --check, --diff and --explain alone
    # write nothing; the guard still runs so they say what --in-place would hold back.
    writes = job.write and (job.in_place or job.out_dir is not None or job.to_stdout)
    # A page's menus and footers are most of its text: for HTML the guard only holds back an empty result.
    limit = None if html else job.max_removed
    reason = None if job.force or not changed else guard(original, cleaned, limit)
    if reason:
        fired = ", ".join(fired_rules(result.changes)) or "none"
        if not writes:
            out.message = f"{name}: would not be written: {reason}; rules that fired: {fired}"
            return out
        out.status = Status.GUARDED
        out.message = (f"{name}: not written: {reason}; rules that fired: {fired}; "
                       "check them with --explain, or --force to write anyway")
        return out
    if job.to_stdout and job.write:
        out.text = cleaned
        return out
    if path is None or relative is None or not writes or (job.in_place and not changed):
        return out  # nothing to write; an unchanged file is not touched, so its mtime stays
    if note:
        out.note = f"{name}: {note}"
    try:
        if job.out_dir is not None:
            target = job.out_dir / output_name(job, path, relative)
            if _same_file(target, path):
                return Outcome(name, Status.FAILED, f"{name}: not written: the output {target} is this input "
                                               "file; choose an -o folder outside the input folders",
                               bytes_in=size, format=fmt)
            if target.is_symlink():
                # Written through, the link would carry this text into whatever file it points at
                # (another input, say); replaced, a link the user made would be lost.
                return Outcome(name, Status.FAILED, f"{name}: not written: the output {target} is a symbolic "
                                                    "link; remove it, or choose another -o folder",
                               bytes_in=size, format=fmt)
            write_atomic(target, cleaned)
        elif job.in_place:
            problem = None if job.force else in_place_problem(path, before)
            if problem:
                return Outcome(name, Status.FAILED, f"{name}: not written: {problem}", bytes_in=size,
                               format=fmt)
            write_atomic(path, cleaned, expect=before)
    except FileChangedError as exc:
        return Outcome(name, Status.FAILED, f"{name}: not written: {exc.strerror}", bytes_in=size, format=fmt)
    except OSError as exc:
        return Outcome(name, Status.FAILED, f"{name}: cannot write: {exc.strerror or exc}", bytes_in=size,
                       format=fmt)
    return out


def in_place_problem(path: Path, st: os.stat_result | None) -> str | None:
    """Why rewriting this file in place would do what its owner did not ask for (``--force`` overrides)."""
    if st is None:
        return None
    if st.st_nlink > 1:
        # Renaming a new file over one name would leave the other names with the old text; writing through
        # the inode would change every name at once and could not be atomic. Neither is done silently.
        return (f"it has {st.st_nlink} hard links, and rewriting it would leave the other names with the "
                "old text; clean a copy, or --force to rewrite this name only")
    if not st.st_mode & 0o222 or not os.access(path, os.W_OK):
        return "it is read-only; make it writable (chmod u+w), or --force to rewrite it anyway (it stays " \
               "read-only)"
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False  # no such output yet


def _process_item(state: tuple[RuleSet, Job], item: tuple[Path, Path]) -> Outcome:
    """``process``, with an unexpected error turned into a failed outcome so the other files go on."""
    rules, job = state
    path, relative = item
    try:
        return process(rules, job, path, relative)
    except Exception as exc:
        what = f"{type(exc).__name__}: {exc}"
        return Outcome(str(path), Status.FAILED, f"{path}: unexpected error while cleaning ({what}); the "
                                                 "other files are processed; please report this")


def run(rules: RuleSet, job: Job, inputs: Iterable[tuple[Path, Path]], jobs: int = 1) -> Iterator[Outcome]:
    """Process ``(path, relative path)`` inputs in order; with ``jobs > 1`` in the process pool
    (``cleaner.pool``: rules compiled once per worker, outcomes in input order, so output is the same as
    ``jobs=1``; ``jobs=0`` means one worker per core)."""
    return ordered_map(_process_item, (rules, job), inputs, jobs)


# -- where outputs go ------------------------------------------------------------------------------------

#: Written into an ``-o`` folder that lies inside an input folder: its files are this tool's outputs (a
#: later run may rewrite them), not inputs the walk would skip and then write over.
OUTPUT_MARK = ".vnclean-output"


def output_problems(out_dir: Path, roots: list[str], inputs: list[tuple[Path, Path]], pattern: str = "*.txt",
                    fmt: str = "auto") -> str | None:
    """Why writing ``inputs`` below ``out_dir`` would write over something it must not, or ``None``.

    Two inputs whose outputs have the same path below ``out_dir`` would land on one output (the second
    replacing the first): the same path below their roots, or a page and a text file of one name
    (``a.html`` is written as ``a.txt``, see ``output_name``; ``fmt`` is ``--format``). An ``-o`` folder
    inside an input folder that already holds files matching ``pattern``, and no ``OUTPUT_MARK`` of an
    earlier run, holds the user's files, which the walk skips and the run would write over.
    """
    job = Job(format=fmt)
    seen: dict[str, tuple[Path, Path]] = {}
    for path, rel in inputs:
        dest = out_dir / output_name(job, path, rel)
        key = os.path.normcase(os.path.normpath(dest))
        if key in seen and os.path.realpath(seen[key][0]) != os.path.realpath(path):
            first, first_rel = seen[key]
            hint = ("give their parent folder so the tree is mirrored" if first_rel == rel else
                    "a page's text is written as NAME.txt, so rename one of them")
            return (f"{first} and {path} would both be written to {dest}; clean them into separate -o "
                    f"folders, or {hint}")
        seen[key] = (path, rel)
    real = os.path.realpath(out_dir)
    inside = [r for r in roots if os.path.isdir(r) and real != os.path.realpath(r)
              and Path(real).is_relative_to(os.path.realpath(r))]
    if inside and out_dir.is_dir() and not (out_dir / OUTPUT_MARK).exists():
        for item in iter_inputs([str(out_dir)], pattern):
            if isinstance(item, Input):
                return (f"-o {out_dir}: lies inside the input folder {inside[0]} and already holds "
                        f"{item.path}, which would not be cleaned and could be written over; choose an -o "
                        "folder outside the input folders, or an empty one")
    return None


def mark_output_dir(out_dir: Path, roots: list[str]) -> None:
    """Leave ``OUTPUT_MARK`` in an ``-o`` folder inside an input folder (see ``output_problems``)."""
    real = Path(os.path.realpath(out_dir))
    if any(os.path.isdir(r) and real.is_relative_to(os.path.realpath(r)) for r in roots):
        out_dir.mkdir(parents=True, exist_ok=True)
        mark = out_dir / OUTPUT_MARK
        if not mark.exists():
            mark.write_text("Files here were written by vnclean clean -o or dedup -o; a later run may "
                            "rewrite them.\n", encoding="utf-8")
