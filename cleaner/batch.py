"""Clean many files: one picklable job per file, in order or in a process pool; one failure stops none."""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

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
        # Taken before reading: a file appended to meanwhile is not replaced by a text without the new lines.
        before = os.stat(path) if job.in_place and job.write else None
        if html:
            from cleaner.html import read_html_file

            page = read_html_file(path, encoding=job.encoding, errors=job.errors)
            original, replaced, size = page.text, page.replaced, page.size
        else:
            original, replaced = read_decoded(path, job.encoding, job.errors)
            size = len(original.encode("utf-8"))
    except OSError as exc:
        return Outcome(name, "failed", f"{name}: cannot read: {exc.strerror or exc}; check the path")
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
            if target.is_symlink():
                # Written through, the link would carry this text into whatever file it points at
                # (another input, say); replaced, a link the user made would be lost.
                return Outcome(name, "failed", f"{name}: not written: the output {target} is a symbolic "
                                               "link; remove it, or choose another -o folder", bytes_in=size)
            write_atomic(target, cleaned)
        elif job.in_place:
            problem = None if job.force else in_place_problem(path, before)
            if problem:
                return Outcome(name, "failed", f"{name}: not written: {problem}", bytes_in=size)
            write_atomic(path, cleaned, expect=before)
    except FileChangedError as exc:
        return Outcome(name, "failed", f"{name}: not written: {exc.strerror}", bytes_in=size)
    except OSError as exc:
        return Outcome(name, "failed", f"{name}: cannot write: {exc.strerror or exc}", bytes_in=size)
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


_WORKER_RULES: RuleSet | None = None


def _init_worker(rules: RuleSet) -> None:
    """Runs once in each worker process: the rule set is unpickled and compiled there once."""
    global _WORKER_RULES
    ignore_interrupts()
    _WORKER_RULES = rules


_PARENT: int | None = None


def ignore_interrupts() -> None:
    """In a worker: Ctrl-C and SIGTERM are the parent's to handle (it stops handing out work and waits for
    the files in hand, each written whole), so a signal sent to the whole process group ends no write
    half-way and prints no traceback from a worker."""
    global _PARENT
    _PARENT = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def exit_if_orphaned() -> None:
    """In a worker, between two files: when the parent was killed (SIGKILL), stop instead of cleaning the
    work still queued; nothing is half-written at this point."""
    if _PARENT is not None and os.getppid() != _PARENT:
        os._exit(1)


#: Open files a worker process costs the parent (its pipes and sentinel), and those the parent keeps for
#: itself: ``-j N`` must fit below ``ulimit -n`` or starting the pool fails half-way and hangs.
FDS_PER_WORKER = 4
FDS_RESERVED = 32


#: More workers than this per core only add processes (and memory) that wait for a core: ``-j 5000`` is
#: run with this many per core instead of forking thousands.
MAX_WORKERS_PER_CORE = 4


def worker_count(jobs: int) -> int:
    """Worker processes for ``jobs`` (``0``: one per core; at most ``MAX_WORKERS_PER_CORE`` per core; the
    output does not depend on it); ``CleanerError`` when they cannot all start."""
    cores = os.cpu_count() or 1
    asked = jobs
    if jobs == 0:
        jobs = cores
    jobs = min(jobs, MAX_WORKERS_PER_CORE * cores)
    if jobs <= 1:
        return 1
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):
        return jobs
    if soft != resource.RLIM_INFINITY:
        fit = max(1, (soft - FDS_RESERVED) // FDS_PER_WORKER)
        if jobs > fit:
            raise CleanerError(f"-j {asked}: only {fit} worker processes fit in the open-file limit "
                               f"(ulimit -n {soft}); use -j {fit}, or raise the limit")
    return jobs


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
    out = []
    for p, rel in items:
        exit_if_orphaned()
        out.append(_process_safely(_WORKER_RULES, job, p, rel))
    return out


def run(rules: RuleSet, job: Job, inputs: Iterable[tuple[Path, Path]], jobs: int = 1) -> Iterator[Outcome]:
    """Process inputs in order; with ``jobs > 1`` in a process pool (rules are compiled once per worker).

    Outcomes come back in input order whatever the number of workers, so output is the same as ``jobs=1``.
    ``jobs=0`` means one worker per core.
    """
    jobs = worker_count(jobs)
    if jobs <= 1:
        for p, rel in inputs:
            yield _process_safely(rules, job, p, rel)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(rules,)) as pool:
        try:
            # Submitted a few tasks ahead and collected oldest first: order is kept and the queue stays short.
            pending: deque[Future[list[Outcome]]] = deque()
            items = iter(inputs)
            while chunk := list(islice(items, FILES_PER_TASK)):
                pending.append(pool.submit(_process_in_worker, (job, chunk)))
                if len(pending) >= jobs * IN_FLIGHT_PER_WORKER:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BaseException:
            # Interrupted (or the consumer stopped): files not started are left alone; those in hand finish.
            pool.shutdown(wait=True, cancel_futures=True)
            raise


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
