"""One run of ``vnclean clean``: a ``Job`` in, one ``Outcome`` per input out — files, folders, stdin, JSONL.

``prepare(job)`` checks the job and lists its inputs; a job that cannot run as given raises ``UsageError``
before anything is read or written. ``execute(rules, plan)`` then cleans the inputs in order: text and
HTML files through the process pool (``cleaner.pool``), JSONL files record by record, stdin from memory
as one more input. The CLI is a shell over these two: it builds the ``Job`` from its arguments, prints the
outcomes and feeds them to ``Report.record``.

>>> import io
>>> from cleaner import load_rules
>>> job = Job(paths=("-",), to_stdout=True)
>>> [o] = execute(load_rules(), prepare(job), stdin=io.BytesIO("  • icon facebook\\nTrời mưa.\\n".encode()))
>>> o.status, o.text, o.removed
(<Status.CHANGED: 'changed'>, 'Trời mưa.\\n', {'nav-bullet': 1})
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cleaner.batch import (
    Job,
    Outcome,
    in_place_problem,
    mark_output_dir,
    output_name,
    output_problems,
    process_data,
    reads_html,
    run,
)
from cleaner.errors import CleanerError, InputError
from cleaner.files import FileChangedError, iter_inputs, remove_stale, remove_stale_temps
from cleaner.report import Status
from cleaner.rules import RuleSet

#: Problem records of one JSONL input listed in ``--report``, so a report stays small on a broken corpus.
REPORT_MAX_PROBLEMS = 1000


class UsageError(CleanerError):
    """A job that cannot run as given (exit code 2): nothing has been read or written."""


@dataclass
class Plan:
    """What a checked job will read: text and HTML files, JSONL files, or stdin."""

    job: Job
    files: list[tuple[Path, Path]] = field(default_factory=list)  # (path, path below its root)
    jsonl: list[tuple[Path, Path]] = field(default_factory=list)
    stdin: bool = False
    #: paths that could not be listed (missing, a broken link...): each becomes a failed outcome
    problems: list[InputError] = field(default_factory=list)
    #: temporary files of a killed run, removed before this one writes
    removed_temps: list[Path] = field(default_factory=list)


def is_jsonl_input(job: Job, path: Path) -> bool:
    """The input is read as JSON Lines: ``--format jsonl``, or ``auto`` and a ``.jsonl(.gz)`` name."""
    from cleaner.jsonl import is_jsonl

    return job.format == "jsonl" or (job.format == "auto" and is_jsonl(path))


def prepare(job: Job) -> Plan:
    """Check ``job`` and list its inputs; ``UsageError`` names what is wrong and what to do instead.

    Nothing is written here except what makes a later write safe: an ``-o`` folder inside an input folder
    gets its mark (``batch.OUTPUT_MARK``), and temporary files of a killed run are removed.
    """
    if not job.write and (job.out_dir is not None or job.in_place):
        raise UsageError("--check and --diff write nothing; drop -o/--in-place, or run them separately")
    if "-" in job.paths:
        if job.in_place:
            raise UsageError("--in-place needs files; '-' (stdin) is cleaned to stdout")
        if len(job.paths) > 1:
            raise UsageError("'-' (stdin) cannot be combined with other paths")
        if job.out_dir is not None:
            raise UsageError("'-' (stdin) is cleaned to stdout; drop -o and redirect it: "
                             "vnclean clean - > NAME.txt")
        if job.diff and job.format == "jsonl":
            raise UsageError("--diff is not available for JSONL; use --explain to see each record's changes")
        return Plan(job, stdin=True)
    plan = Plan(job)
    out_dir = job.out_dir
    if out_dir is not None:
        problem = check_out_dir(out_dir, job.paths)
        if problem:
            raise UsageError(problem)
    stale: list[Path] = []
    inputs: list[tuple[Path, Path]] = []
    # The -o folder may lie inside an input folder: the walk does not enter it, so a second run does not
    # clean its own output again (out/out/...).
    for item in iter_inputs(list(job.paths), job.glob, exclude=[out_dir] if out_dir is not None else [],
                            stale=stale):
        if isinstance(item, InputError):
            plan.problems.append(item)
        else:
            inputs.append((item.path, item.relative))
    if out_dir is not None:
        # realpath, not Path.resolve: it does not raise on a symlink loop
        real_out = os.path.realpath(out_dir)
        inputs = [(p, rel) for p, rel in inputs if not Path(os.path.realpath(p)).is_relative_to(real_out)]
        problem = output_problems(out_dir, list(job.paths), inputs, job.glob, job.format)
        if problem:
            raise UsageError(problem)
    if job.in_place:
        pages = [p for p, _ in inputs if reads_html(job, p)]
        if pages:
            raise UsageError(f"{pages[0]}: --in-place would replace an HTML page with its text; use -o DIR "
                             "to write NAME.txt there instead (or --glob '*.txt' to leave pages out)")
    problem = report_path_problem(job, inputs)
    if problem:
        raise UsageError(problem)
    if job.to_stdout and len(inputs) > 1:
        raise UsageError("several inputs and no output option: give -o DIR, --in-place, --check or --diff")
    plan.jsonl = [(p, rel) for p, rel in inputs if is_jsonl_input(job, p)]
    if plan.jsonl and job.diff:
        raise UsageError("--diff is not available for JSONL; use --explain to see each record's changes")
    plan.files = [(p, rel) for p, rel in inputs if not is_jsonl_input(job, p)]
    if job.write and out_dir is not None:
        mark_output_dir(out_dir, list(job.paths))
        plan.removed_temps = remove_stale_temps(out_dir) if out_dir.is_dir() else []
    elif job.write and job.in_place:
        plan.removed_temps = remove_stale(stale)  # -o writes nothing into the input folders: their files stay
    return plan


def execute(rules: RuleSet, plan: Plan, *, stdin: IO[bytes] | None = None,
            stdout: IO[bytes] | None = None) -> Iterator[Outcome]:
    """Clean what ``plan`` lists, in order, yielding one ``Outcome`` per input (never raising for one).

    A JSONL input also yields, before its own outcome, one per record worth telling (a problem, a record
    the guard held back, or one with changes under ``--explain``): those have ``line`` set. ``stdin`` is
    read when the plan says so; ``stdout`` receives JSONL records when ``job.to_stdout`` (a text input's
    cleaned text is in ``Outcome.text`` instead).
    """
    job = plan.job
    for problem in plan.problems:
        yield Outcome(problem.path or str(problem), Status.FAILED, str(problem), format="")
    if plan.stdin:
        yield from _stdin(rules, job, stdin, stdout)
        return
    yield from run(rules, job, plan.files, jobs=job.jobs)
    for path, rel in plan.jsonl:
        yield from _jsonl_file(rules, job, path, rel, stdout)


def _stdin(rules: RuleSet, job: Job, stdin: IO[bytes] | None, stdout: IO[bytes] | None) -> Iterator[Outcome]:
    name = "<stdin>"
    if stdin is None:
        yield Outcome(name, Status.FAILED, f"{name}: no standard input was given to read", format="")
        return
    if job.format == "jsonl":
        from cleaner.jsonl import clean_jsonl

        yield from _jsonl(job, name, clean_jsonl(stdin, rules, **_jsonl_options(job)),
                          stdout if job.to_stdout else None)
        return
    try:
        data = stdin.read()
    except OSError as exc:  # stdin redirected from a folder, a device that fails
        yield Outcome(name, Status.FAILED, f"{name}: cannot read: {exc.strerror or exc}; redirect a text "
                                           "file into it", format="")
        return
    yield process_data(rules, job, name, data, html=job.format == "html")


def _jsonl_options(job: Job) -> dict[str, Any]:
    # Records are explained for --report too: its per-rule counts come from the changes.
    return {"text_field": job.text_field, "html_field": job.html_field,
            "drop_bad_records": job.drop_bad_records, "explain": job.explain or job.report is not None,
            "jobs": job.jobs,
            "max_removed": job.max_removed, "force": job.force}


def _jsonl_file(rules: RuleSet, job: Job, path: Path, rel: Path,
                stdout: IO[bytes] | None) -> Iterator[Outcome]:
    from cleaner.jsonl import clean_jsonl_file

    name = str(path)
    dest = job.out_dir / rel if job.out_dir is not None else path if job.in_place and job.write else None
    try:
        problem = in_place_problem(path, os.stat(path)) if dest == path and not job.force else None
    except OSError as exc:
        problem = f"cannot read: {exc.strerror or exc}"
    if dest is not None and dest != path and dest.is_symlink():
        problem = f"the output {dest} is a symbolic link; remove it, or choose another -o folder"
    if problem:
        yield Outcome(name, Status.FAILED, f"{name}: not written: {problem}", format="jsonl")
        return
    records = clean_jsonl_file(path, rules, dest=dest, **_jsonl_options(job))
    try:
        yield from _jsonl(job, name, records, stdout if job.to_stdout else None)
    except FileChangedError as exc:
        yield Outcome(name, Status.FAILED, f"{name}: not written: {exc.strerror}", format="jsonl")
    except (OSError, EOFError, zlib.error) as exc:
        # A truncated .gz or a disk error: the output (if any) is left as it was.
        yield Outcome(name, Status.FAILED, f"{name}: cannot read or write: {exc}; check the file (gzip -t "
                                           "for .gz) and the output folder", format="jsonl")


def _jsonl(job: Job, name: str, records: Iterator[Any], out: IO[bytes] | None) -> Iterator[Outcome]:
    """The outcomes of one JSONL input: the records worth telling as they stream by, then the input's."""
    from cleaner.jsonl import STATUSES, encode_line

    counts = dict.fromkeys(STATUSES, 0)
    removed: dict[str, int] = {}
    problems: list[dict[str, Any]] = []
    reported = 0
    size = 0
    for rec in records:
        counts[rec.status] += 1
        size += rec.size
        if rec.changes:
            for rule, n in rec.removed().items():
                removed[rule] = removed.get(rule, 0) + n
        told = rec.problem or rec.status == Status.GUARDED
        if told:
            reported += 1
            if len(problems) < REPORT_MAX_PROBLEMS:
                problems.append({"line": rec.line, "status": rec.status, "message": rec.message})
        if told or (job.explain and rec.changes):
            yield Outcome(name, rec.status, rec.message, line=rec.line, format="jsonl",
                          changes=rec.changes if job.explain else ())
        if out is not None and rec.output is not None:
            out.write(encode_line(rec))
    if out is not None:
        out.flush()
    status = Status.FAILED if counts["failed"] else Status.CHANGED if counts["changed"] else Status.UNCHANGED
    yield Outcome(name, status, bytes_in=size, removed=removed, format="jsonl", records=counts,
                  problems=problems, problems_not_listed=reported - len(problems))


def check_out_dir(out_dir: Path, raw_paths: tuple[str, ...] | list[str]) -> str | None:
    """-o must be a folder, and not one of the inputs (its files would be written over)."""
    if out_dir.exists() and not out_dir.is_dir():
        what = "an input file" if any(_same(out_dir, p) for p in raw_paths) else "a file"
        return f"-o {out_dir}: is {what}; -o takes a folder to write cleaned copies into (for one file, " \
               "redirect stdout; to rewrite inputs, use --in-place)"
    for p in raw_paths:
        if _same(out_dir, p):
            return f"-o {out_dir}: is an input folder, its files would be written over; choose another " \
                   "folder, or --in-place to rewrite the inputs"
    return None


def report_path_problem(job: Job, inputs: list[tuple[Path, Path]]) -> str | None:
    """``--report`` must not be one of the inputs, or one of the outputs: it would be written over."""
    if not job.report:
        return None
    report = os.path.realpath(job.report)
    for p, rel in inputs:
        if os.path.realpath(p) == report:
            return f"--report {job.report}: is an input file, it would be written over; choose another path"
        if job.out_dir is not None and os.path.realpath(job.out_dir / output_name(job, p, rel)) == report:
            return f"--report {job.report}: is where {p} is written; choose a path outside the -o folder"
    return None


def _same(a: Path | str, b: Path | str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)
