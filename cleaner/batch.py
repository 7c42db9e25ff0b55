"""Clean many files: one picklable job per file, run in order or in a process pool, never one failure for all."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.errors import CleanerError, InputError
from cleaner.files import BinaryFileError, read_text, unified_diff, write_atomic
from cleaner.report import Change
from cleaner.rules import RuleSet

#: Default share of a file's characters that cleaning may remove before the guard holds the file back.
#: Real pages with a long navigation menu and a related-news block lose up to about 75% (dev corpus
#: dantri pages: 134 menu lines around a short article); a rule that eats an article goes far beyond.
DEFAULT_MAX_REMOVED = 0.9


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
    max_removed: float = DEFAULT_MAX_REMOVED
    force: bool = False


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


def guard(before: str, after: str, max_removed: float) -> str | None:
    """Why cleaning must not be written (it empties a file, or removes too much of it), or ``None``."""
    n_before = sum(1 for ch in before if not ch.isspace())
    if n_before == 0:
        return None
    n_after = sum(1 for ch in after if not ch.isspace())
    if n_after == 0:
        return "cleaning would leave it empty"
    share = 1 - n_after / n_before
    if share > max_removed:
        return f"cleaning would remove {share:.0%} of its text (limit {max_removed:.0%}, --max-removed)"
    return None


def process(rules: RuleSet, job: Job, path: Path, relative: Path) -> Outcome:
    """Clean one file as ``job`` says. Never raises for a bad file: the error is in the outcome."""
    name = str(path)
    try:
        original = read_text(path, job.encoding, job.errors)
    except BinaryFileError as exc:
        return Outcome(name, "skipped", str(exc))
    except InputError as exc:
        return Outcome(name, "failed", str(exc))
    size = len(original.encode("utf-8"))
    try:
        result = rules.explain(original)
    except CleanerError as exc:
        return Outcome(name, "failed", f"{name}: {exc}", bytes_in=size)
    removed: dict[str, int] = {}
    for c in result.changes:
        if c.action == "drop":
            removed[c.rule] = removed.get(c.rule, 0) + 1
    cleaned = result.text
    changed = cleaned != original
    out = Outcome(name, "changed" if changed else "unchanged", bytes_in=size, removed=removed,
                  changes=result.changes if job.explain else ())
    if job.diff and changed:
        out.diff = unified_diff(original, cleaned, name)
    if job.to_stdout:
        out.text = cleaned
        return out
    if not job.write:
        return out
    writes_over_input = job.in_place
    if writes_over_input and not changed:
        return out  # the file is not touched: its mtime stays
    if not job.force:
        reason = guard(original, cleaned, job.max_removed)
        if reason:
            fired = sorted(removed, key=lambda r: -removed[r])
            out.status = "guarded"
            out.message = (f"{name}: not written: {reason}; rules that fired: {', '.join(fired) or 'none'}; "
                           "check them with --explain, or --force to write anyway")
            return out
    try:
        if job.out_dir is not None:
            write_atomic(job.out_dir / relative, cleaned)
        elif job.in_place:
            write_atomic(path, cleaned)
    except OSError as exc:
        return Outcome(name, "failed", f"{name}: cannot write: {exc.strerror or exc}", bytes_in=size)
    return out


_WORKER_RULES: RuleSet | None = None


def _init_worker(rules: RuleSet) -> None:
    """Runs once in each worker process: the rule set is unpickled and compiled there once."""
    global _WORKER_RULES
    _WORKER_RULES = rules


def _process_in_worker(args: tuple[Job, Path, Path]) -> Outcome:
    assert _WORKER_RULES is not None
    return process(_WORKER_RULES, *args)


def run(rules: RuleSet, job: Job, inputs: Iterable[tuple[Path, Path]], jobs: int = 1) -> Iterator[Outcome]:
    """Process inputs in order; with ``jobs > 1`` in a process pool (rules are compiled once per worker).

    Outcomes come back in input order whatever the number of workers, so output is the same as ``jobs=1``.
    ``jobs=0`` means one worker per core.
    """
    if jobs == 0:
        jobs = os.cpu_count() or 1
    if jobs <= 1:
        for p, rel in inputs:
            yield process(rules, job, p, rel)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(rules,)) as pool:
        yield from pool.map(_process_in_worker, ((job, p, rel) for p, rel in inputs), chunksize=8)
