"""Clean many files: one picklable job per file, in order or in a process pool; one failure stops none."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from cleaner.errors import CleanerError, InputError
from cleaner.files import (
    BinaryFileError,
    read_decoded,
    restyle,
    same_but_line_ends,
    unified_diff,
    write_atomic,
)
from cleaner.guard import DEFAULT_MAX_REMOVED
from cleaner.guard import held_back as guard  # its one home is cleaner.guard; the old name stays
from cleaner.report import Change
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
    format: str = "auto"  # auto (HTML for .html/.htm), text, or html


def reads_html(job: Job, path: Path) -> bool:
    """The file is read as an HTML page: ``--format html``, or ``auto`` and a ``.html``/``.htm`` name."""
    from cleaner.html import is_html

    return job.format == "html" or (job.format == "auto" and is_html(path.name))


def output_name(job: Job, path: Path, relative: Path) -> Path:
    """Where below ``-o`` a file's text goes: its relative path; for an HTML page, with ``.txt`` as suffix."""
    return relative.with_suffix(".txt") if reads_html(job, path) else relative


@dataclass
class Outcome:
    """What happened to one file."""

    path: str
    status: str  # unchanged | changed | failed | skipped | guarded
    message: str = ""
    bytes_in: int = 0
    removed: dict[str, int] = field(default_factory=dict)
    text: str | None = None  # the cleaned text, when it goes to stdout
    diff: str = ""
    changes: tuple[Change, ...] = ()
    replaced: int = 0  # bad byte sequences read as U+FFFD (--errors replace)
    note: str = ""  # a choice made while writing (the line endings of a mixed file)


def fired_rules(changes: Iterable[Change]) -> list[str]:
    """The rules and fixes that removed text, most characters first, as ``id (N chars)``: the suspects."""
    chars: dict[str, int] = {}
    for c in changes:
        chars[c.rule] = chars.get(c.rule, 0) + len(c.before) - len(c.after or "")
    ranked = sorted(chars.items(), key=lambda kv: (-kv[1], kv[0]))
    return [f"{rule} ({n} chars)" for rule, n in ranked if n > 0]


def process(rules: RuleSet, job: Job, path: Path, relative: Path) -> Outcome:
    """Clean one file as ``job`` says. Never raises for a bad file: the error is in the outcome."""
    name = str(path)
    html = reads_html(job, path)
    try:
        if html:
            from cleaner.html import read_html_file

            page = read_html_file(path, encoding=job.encoding, errors=job.errors)
            original, replaced, size = page.text, page.replaced, page.size
        else:
            original, replaced = read_decoded(path, job.encoding, job.errors)
            size = len(original.encode("utf-8"))
    except BinaryFileError as exc:
        return Outcome(name, "skipped", str(exc))
    except InputError as exc:
        return Outcome(name, "failed", str(exc))
    try:
        # Per-rule counts come from the rules' changes; normalization is itemized only for --explain.
        if html:
            result = rules.run_lines(original, page.facts, fixes=job.explain and job.explain_fixes)
        else:
            result = rules.explain(original, fixes=job.explain and job.explain_fixes)
    except CleanerError as exc:
        return Outcome(name, "failed", f"{name}: {exc}", bytes_in=size)
    removed: dict[str, int] = {}
    for c in result.changes:
        if c.action == "drop":
            removed[c.rule] = removed.get(c.rule, 0) + 1
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
    out = Outcome(name, "changed" if changed else "unchanged", bytes_in=size, removed=removed,
                  changes=result.changes if job.explain else (), replaced=replaced)
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
        out.status = "guarded"
        out.message = (f"{name}: not written: {reason}; rules that fired: {fired}; "
                       "check them with --explain, or --force to write anyway")
        return out
    if job.to_stdout and job.write:
        out.text = cleaned
        return out
    if not writes or (job.in_place and not changed):
        return out  # nothing to write; an unchanged file is not touched, so its mtime stays
    if note:
        out.note = f"{name}: {note}"
    try:
        if job.out_dir is not None:
            target = job.out_dir / output_name(job, path, relative)
            if _same_file(target, path):
                return Outcome(name, "failed", f"{name}: not written: the output {target} is this input "
                                               "file; choose an -o folder outside the input folders",
                               bytes_in=size)
            write_atomic(target, cleaned)
        elif job.in_place:
            write_atomic(path, cleaned)
    except OSError as exc:
        return Outcome(name, "failed", f"{name}: cannot write: {exc.strerror or exc}", bytes_in=size)
    return out


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False  # no such output yet


_WORKER_RULES: RuleSet | None = None


def _init_worker(rules: RuleSet) -> None:
    """Runs once in each worker process: the rule set is unpickled and compiled there once."""
    global _WORKER_RULES
    _WORKER_RULES = rules


#: Files sent to a worker at a time, and chunks in flight per worker: few enough that a run over millions
#: of files keeps a bounded queue, enough that workers never wait for the parent.
FILES_PER_TASK = 8
IN_FLIGHT_PER_WORKER = 4


def _process_safely(rules: RuleSet, job: Job, path: Path, relative: Path) -> Outcome:
    """``process``, with an unexpected error turned into a failed outcome so the other files go on."""
    try:
        return process(rules, job, path, relative)
    except Exception as exc:
        return Outcome(str(path), "failed", f"{path}: unexpected error while cleaning ({type(exc).__name__}: "
                                            f"{exc}); the other files are processed; please report this")


def _process_in_worker(task: tuple[Job, list[tuple[Path, Path]]]) -> list[Outcome]:
    assert _WORKER_RULES is not None
    job, items = task
    return [_process_safely(_WORKER_RULES, job, p, rel) for p, rel in items]


def run(rules: RuleSet, job: Job, inputs: Iterable[tuple[Path, Path]], jobs: int = 1) -> Iterator[Outcome]:
    """Process inputs in order; with ``jobs > 1`` in a process pool (rules are compiled once per worker).

    Outcomes come back in input order whatever the number of workers, so output is the same as ``jobs=1``.
    ``jobs=0`` means one worker per core.
    """
    if jobs == 0:
        jobs = os.cpu_count() or 1
    if jobs <= 1:
        for p, rel in inputs:
            yield _process_safely(rules, job, p, rel)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(rules,)) as pool:
        # Submitted a few tasks ahead and collected oldest first: order is kept and the queue stays short.
        pending: deque[Future[list[Outcome]]] = deque()
        items = iter(inputs)
        while chunk := list(islice(items, FILES_PER_TASK)):
            pending.append(pool.submit(_process_in_worker, (job, chunk)))
            if len(pending) >= jobs * IN_FLIGHT_PER_WORKER:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
