"""The ``vnclean`` command: a thin shell over the library, and the only module that prints.

Exit codes: 0 ok; 1 ``--check``/``--in-place`` found or made changes, or the guard held a file back;
2 usage or rule errors, or inputs that could not be read (the other inputs are still processed).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from cleaner import __version__
from cleaner.batch import DEFAULT_MAX_REMOVED, Job, Outcome, mark_output_dir, output_problems
from cleaner.errors import CleanerError, InputError
from cleaner.files import LINE_ENDING_MODES, Input, check_encoding, iter_inputs, remove_stale_temps
from cleaner.loader import load_rules
from cleaner.report import Change, Report, Status
from cleaner.rules import DEFAULT_TIMEOUT, RuleSet
from cleaner.runner import UsageError, check_out_dir, execute, prepare, report_path_problem

EPILOG = """\
exit codes:
  0  ok (with --check: nothing would change)
  1  --check or --in-place: a file would change / was changed; or the guard held a file or record back
  2  usage or rule-file error, or an input that could not be read (other inputs are still processed)

examples:
  vnclean clean article.txt                  clean one file to stdout
  vnclean clean scraped/ -o clean/           mirror a folder of .txt and .html files into clean/
  vnclean clean page.html                    the clean text of a saved web page
  vnclean clean scraped/ --explain -q        show what each rule removed, write nothing else
  vnclean clean --in-place --rules vn-news --rules my-site.yaml corpus/
  vnclean rules list                         every rule: id, why, file
  vnclean rules test my-site.yaml            run a rule file's examples
  vnclean learn corpus/ -o learned.yaml      propose rules for lines repeated across the corpus
  vnclean dedup corpus/ -o unique/ --keep first   list duplicate clusters; write one document of each
"""

#: Legacy Vietnamese font encodings; ``--encoding`` with one of these sets the legacy fix, not the codec.
LEGACY_NAMES = ("vni", "tcvn3", "viscii", "viqr")
#: With more files than this on a terminal, a progress bar is shown.
PROGRESS_MIN_FILES = 8


def _rules_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", action="append", metavar="NAME|FILE",
                   help="a shipped rule set (vn-news) or a YAML rule file; repeat to combine "
                        "(default: vn-news)")
    p.add_argument("--skip", action="append", default=[], metavar="ID",
                   help="switch a rule off by id; repeatable")


def _share(text: str) -> float:
    """``--max-removed``: a share between 0 and 1, or a percentage (``95%``)."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a share; give one between 0 and 1 (0.95) or a "
                                         "percentage (95%)")
    return value


def _seconds(text: str) -> float:
    """``--timeout``: seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds; give one such as 2 or 0.5 "
                                         "(0 = no limit)")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vnclean", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG,
        description="Clean scraped Vietnamese news into plain text: remove boilerplate with YAML rules, "
                    "repair encodings and diacritics.")
    parser.add_argument("--version", action="version", version=f"vnclean {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("clean", help="clean files, folders or stdin", epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       description="Clean files, folders (recursively) or stdin ('-').")
    c.add_argument("paths", nargs="+", metavar="PATH", help="a file, a folder, or - for stdin")
    out = c.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="DIR",
                     help="write cleaned files below DIR, mirroring the input tree")
    out.add_argument("--in-place", action="store_true",
                     help="rewrite changed files in place (atomically); print 'Fixing PATH' for each")
    c.add_argument("--check", action="store_true",
                   help="write nothing; list files that would change, exit 1 if any (combines with --diff)")
    c.add_argument("--diff", action="store_true", help="write nothing; print a unified diff of each change")
    c.add_argument("--explain", action="store_true",
                   help="print, per file, each removed or changed line with its line number and rule id "
                        "(alone it writes nothing; with -o or --in-place the files are written too)")
    c.add_argument("--explain-rules", action="store_true",
                   help="--explain, listing only the rules' removals and edits (the normalize.* fixes are "
                        "applied but not listed)")
    _rules_args(c)
    c.add_argument("--glob", default="*.txt,*.html,*.htm", metavar="PATTERN",
                   help="files to take from folders; several patterns separated by commas "
                        "(default: *.txt,*.html,*.htm)")
    c.add_argument("--encoding", default="utf-8", metavar="NAME",
                   help="input encoding (utf-8; cp1258...; a BOM wins), or a legacy font encoding to repair: "
                        + ", ".join(LEGACY_NAMES))
    c.add_argument("--errors", choices=("strict", "replace"), default="strict",
                   help="on bytes that do not decode: stop with an error for that file (strict), or put "
                        "U+FFFD in their place and go on (replace)")
    c.add_argument("--tone-style", choices=("old", "new", "keep"),
                   help="tone-mark placement (default: old, hòa)")
    c.add_argument("--legacy", choices=("off", "auto", *LEGACY_NAMES),
                   help="legacy Vietnamese encodings: detect (auto, default), force one, or off")
    c.add_argument("--ascii", action="store_true",
                   help="fold the output to ASCII (Đảm bảo -> Dam bao), for keys")
    c.add_argument("--max-removed", type=_share, default=DEFAULT_MAX_REMOVED, metavar="SHARE",
                   help="guard: the guard always holds back a file or record that cleaning would empty or "
                        "leave with none of its paragraphs; with this, also one it would strip of more "
                        "than this share of its characters, e.g. 0.95 or 95%% (default: no share limit, "
                        "since a full page loses most of its lines to chrome); a JSONL record held back "
                        "is written unchanged")
    c.add_argument("--force", action="store_true",
                   help="write even when the guard would hold a file or record back")
    c.add_argument("--line-endings", choices=LINE_ENDING_MODES, default="keep",
                   help="line ends of written files: keep each file's own (default; a mixed file gets its "
                        "most common, and a note says so), or write lf or crlf. With keep, a file that "
                        "differs only in its line ends or a missing final newline is not changed; stdout "
                        "always gets \\n")
    c.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help="stop a rule's pattern that runs longer than this on one line and fail that file, "
                        "naming the rule (catastrophic backtracking); 0 = no limit "
                        f"(default {DEFAULT_TIMEOUT:g})")
    c.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                   help="worker processes for files and JSONL records (0 = all cores; default 1)")
    c.add_argument("--format", choices=("auto", "text", "jsonl", "html"), default="auto",
                   help="input format: auto (JSON Lines for .jsonl and .jsonl.gz, HTML for .html and .htm, "
                        "text otherwise), text, jsonl (needed for JSONL on stdin), or html (every input is a "
                        "saved web page; its clean text goes to NAME.txt below -o)")
    c.add_argument("--text-field", default="text", metavar="NAME",
                   help="JSONL: the field that holds each record's text (default: text)")
    c.add_argument("--html-field", metavar="NAME",
                   help="JSONL: read this field of each record as an HTML page and write its clean text into "
                        "--text-field (the HTML field stays as it was)")
    c.add_argument("--drop-bad-records", action="store_true",
                   help="JSONL: leave out records that cannot be cleaned (field missing or not a string, "
                        "invalid JSON) instead of passing them through unchanged; each is still reported")
    c.add_argument("--report", metavar="FILE.json",
                   help="write a JSON report: totals, and per input file its status and lines removed per "
                        "rule (JSONL: record counts and the line numbers of records not cleaned)")
    c.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")

    r = sub.add_parser("rules", help="list the rules, or run their examples")
    rsub = r.add_subparsers(dest="rules_command", metavar="ACTION")
    rl = rsub.add_parser("list", help="id, why and source file of every rule")
    _rules_args(rl)
    rt = rsub.add_parser("test", help="run the examples of rule files (default: the shipped sets)")
    rt.add_argument("files", nargs="*", metavar="FILE", help="rule files or shipped set names")
    rt.add_argument("-q", "--quiet", action="store_true", help="only failures and the total")
    _learn_args(sub)
    _dedup_args(sub)
    return parser


def _learn_args(sub: Any) -> None:
    from cleaner.learn import LearnOptions

    d = LearnOptions()
    le = sub.add_parser("learn", help="propose rules for boilerplate repeated across a corpus",
                        description="Find lines and line shapes (numbers, dates, names varying) repeated "
                                    "across many documents and write them as a rule file with examples, to "
                                    "review, test (vnclean rules test FILE) and use with --rules.")
    le.add_argument("paths", nargs="+", metavar="PATH",
                    help="text files, folders, or JSONL files (.jsonl, .jsonl.gz)")
    le.add_argument("-o", "--output", metavar="FILE", help="write the rule file here (default: stdout)")
    le.add_argument("--min-docs", type=int, default=d.min_docs, metavar="N",
                    help=f"propose a line only if at least N documents have it (default {d.min_docs})")
    le.add_argument("--min-share", type=float, default=d.min_share, metavar="F",
                    help=f"... and at least this share of the documents (default {d.min_share})")
    le.add_argument("--max-article-hits", type=int, default=d.max_article_hits, metavar="N",
                    help="reject a candidate that removes more than N lines the base rules keep as article "
                         f"text (default {d.max_article_hits})")
    le.add_argument("--rules", action="append", metavar="NAME|FILE",
                    help="the rules the learned file will run after (default: vn-news); what they already "
                         "remove is not proposed again, what they keep is the article text candidates are "
                         "checked against")
    le.add_argument("--include-covered", action="store_true",
                    help="also propose what the base rules already remove (for a file used on its own)")
    le.add_argument("--glob", default="*.txt", metavar="PATTERN",
                    help="files to take from folders (default: *.txt)")
    le.add_argument("--exclude", action="append", metavar="PATTERN",
                    help="file names not to learn from; repeatable (default: *.gold.txt)")
    le.add_argument("--text-field", default="text", metavar="NAME",
                    help="JSONL field holding the text (default: text)")
    le.add_argument("--sample-docs", type=int, default=d.sample_docs, metavar="N",
                    help="documents kept for the safety check and the must-keep examples "
                         f"(default {d.sample_docs})")
    le.add_argument("--explain", action="store_true",
                    help="print every candidate: proposed or rejected, and why")
    le.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary")


def _similarity(text: str) -> float:
    """``--threshold``: a similarity above 0 and at most 1."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a similarity; give one above 0 and at most 1, "
                                         "such as 0.7")
    return value


#: ``vnclean dedup --max-index`` default: 200,000 distinct documents, about 1.8 GB of index.
DEDUP_MAX_INDEX = 200_000


def _dedup_args(sub: Any) -> None:
    from cleaner.dedup import THRESHOLD

    dd = sub.add_parser("dedup", help="find exact and near-duplicate documents; keep one of each cluster",
                        description="Find documents that repeat an earlier one (the same text, or "
                                    "the same body with a changed byline, date or a paragraph more or less), "
                                    "list each cluster with its members and their similarity, and with -o "
                                    "DIR --keep first write the corpus without them.")
    dd.add_argument("paths", nargs="+", metavar="PATH",
                    help="text files, folders, or JSONL files (.jsonl, .jsonl.gz: one document per record)")
    dd.add_argument("-o", "--output", metavar="DIR",
                    help="write the inputs below DIR, mirroring the tree, without duplicates (with --keep)")
    dd.add_argument("--keep", choices=("first",),
                    help="with -o: the member of each cluster to write: the first one read, in input order")
    dd.add_argument("--threshold", type=_similarity, default=THRESHOLD, metavar="SIMILARITY",
                    help="estimated Jaccard similarity of two bodies' five-word shingles from which they are "
                         f"one cluster (default {THRESHOLD})")
    dd.add_argument("--glob", default="*.txt", metavar="PATTERN",
                    help="files to take from folders (default: *.txt)")
    dd.add_argument("--exclude", action="append", default=[], metavar="PATTERN",
                    help="file names to leave out (e.g. '*.gold.txt'); repeatable")
    dd.add_argument("--encoding", default="utf-8", metavar="NAME",
                    help="encoding of text files (default utf-8)")
    dd.add_argument("--text-field", default="text", metavar="NAME",
                    help="JSONL: the field that holds each record's text (default: text)")
    dd.add_argument("--max-index", type=int, default=DEDUP_MAX_INDEX, metavar="N",
                    help="distinct documents kept in the index, about 9 KB each; later ones are compared "
                         f"with them but not added (default {DEDUP_MAX_INDEX:,}, about 1.8 GB)")
    dd.add_argument("--report", metavar="FILE.json", help="write the clusters and problems as JSON")
    dd.add_argument("-q", "--quiet", action="store_true", help="no summary line")


def _load(args: argparse.Namespace) -> RuleSet:
    options: dict[str, Any] = {}
    if getattr(args, "tone_style", None):
        options["tone_style"] = args.tone_style
    if getattr(args, "legacy", None):
        options["legacy"] = args.legacy
    if getattr(args, "encoding", "utf-8").lower() in LEGACY_NAMES:
        options["legacy"] = args.encoding.lower()
    if getattr(args, "ascii", False):
        options["ascii"] = True
    timeout = getattr(args, "timeout", DEFAULT_TIMEOUT)
    return load_rules(*(args.rules or ["vn-news"]), skip=tuple(args.skip), timeout=timeout or None, **options)


def _err(msg: str) -> None:
    print(f"vnclean: error: {msg}", file=sys.stderr)


def _print_explain(name: str, changes: Sequence[Change], args: argparse.Namespace, stream: TextIO) -> None:
    """``--explain``'s block for one input; ``--explain-rules`` leaves out the normalization fixes."""
    if args.explain_rules:
        changes = [c for c in changes if not c.rule.startswith("normalize.")]
    if not changes:
        return
    print(f"== {name}", file=stream)
    for c in changes:
        print(c.describe(), file=stream)


def _job(args: argparse.Namespace) -> Job:
    """The run ``vnclean clean`` is asked for, as the library takes it (``cleaner.runner``)."""
    args.explain = args.explain or args.explain_rules
    encoding = "utf-8" if args.encoding.lower() in LEGACY_NAMES else args.encoding
    check_encoding(encoding)  # rot13, base64, zlib...: refused before anything is read
    write = not (args.check or args.diff)
    out_dir = Path(args.output) if args.output else None
    # --explain alone prints the changes, not the texts
    to_stdout = write and out_dir is None and not args.in_place and not args.explain
    return Job(out_dir=out_dir, in_place=args.in_place, write=write, diff=args.diff, explain=args.explain,
               to_stdout=to_stdout, encoding=encoding, errors=args.errors, max_removed=args.max_removed,
               force=args.force, line_endings=args.line_endings, explain_fixes=not args.explain_rules,
               format=args.format, paths=tuple(args.paths), glob=args.glob, check=args.check, jobs=args.jobs,
               text_field=args.text_field, html_field=args.html_field, drop_bad_records=args.drop_bad_records,
               report=args.report)


def cmd_clean(args: argparse.Namespace) -> int:
    job = _job(args)
    rules = _load(args)
    try:
        plan = prepare(job)
    except UsageError as exc:
        _err(str(exc))
        return 2
    _say_removed(plan.removed_temps)
    report = Report(change_means_failure=job.check or job.in_place, listing=job.report is not None)
    printer = _Printer(args)
    bar = _progress(len(plan.files), args.quiet)
    start = time.perf_counter()
    if job.to_stdout:
        sys.stdout.flush()  # JSONL records go to the binary stream below it
    for o in execute(rules, plan, stdin=sys.stdin.buffer if plan.stdin else None,
                     stdout=sys.stdout.buffer if job.to_stdout else None):
        printer.show(o)
        report.record(o)
        if bar is not None and o.format in ("text", "html"):
            bar.update(1)
    if bar is not None:
        bar.close()
    report.seconds = time.perf_counter() - start
    if not args.quiet:
        print(f"vnclean: {report.summary()}", file=sys.stderr)
    return _write_report(args, report)


def _say_removed(removed: list[Path]) -> None:
    for path in removed:
        print(f"vnclean: warning: {path}: removed, a temporary file left by a run that was killed",
              file=sys.stderr)


#: Problem records printed per JSONL input; the rest are counted (and listed in --report).
JSONL_WARNINGS = 20


class _Printer:
    """How ``vnclean clean`` tells each outcome: errors and warnings on stderr, texts, diffs and
    ``--explain`` on stdout."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.problems = 0  # of the JSONL input being read
        self.guarded = 0

    def show(self, o: Outcome) -> None:
        if o.line:
            self._record(o)
        elif o.format == "jsonl":
            self._jsonl(o)
            self.problems = self.guarded = 0
        else:
            self._input(o)

    def _input(self, o: Outcome) -> None:
        args = self.args
        if o.replaced:
            plural = "s" if o.replaced != 1 else ""
            print(f"vnclean: warning: {o.path}: {o.replaced} undecodable byte sequence{plural} replaced with "
                  "U+FFFD (--errors replace)", file=sys.stderr)
        if o.status in (Status.FAILED, Status.GUARDED):
            _err(o.message)
            return
        if o.status == Status.SKIPPED:
            print(f"vnclean: warning: {o.message}", file=sys.stderr)
            return
        if o.note:
            print(f"vnclean: note: {o.note}", file=sys.stderr)
        if o.message:  # the guard would hold this input back were it written
            print(f"vnclean: warning: {o.message}", file=sys.stderr)
        if o.status == Status.CHANGED:
            if args.in_place:
                print(f"Fixing {o.path}")
            elif args.check:
                print(f"would change: {o.path}")
        if args.explain and o.changes:
            _print_explain(o.path, o.changes, args, sys.stdout)
        if o.diff:
            sys.stdout.write(o.diff)
        if o.text is not None:
            sys.stdout.write(o.text)

    def _record(self, o: Outcome) -> None:
        if o.status == Status.GUARDED:  # written unchanged, reported as the guard reports a file
            self.guarded += 1
            if self.guarded <= JSONL_WARNINGS:
                _err(f"{o.path}:{o.line}: {o.message}")
        elif o.status in (Status.BAD, Status.INVALID, Status.FAILED):
            self.problems += 1
            if self.problems <= JSONL_WARNINGS:
                kind = "error" if o.status == Status.FAILED else "warning"
                print(f"vnclean: {kind}: {o.path}:{o.line}: {o.message}", file=sys.stderr)
        if self.args.explain and o.changes:
            _print_explain(f"{o.path}:{o.line}", o.changes, self.args, sys.stdout)

    def _jsonl(self, o: Outcome) -> None:
        args = self.args
        if o.records is None:  # the input could not be read or written
            _err(o.message)
            return
        counts = o.records
        n_problems = counts["bad"] + counts["invalid"] + counts["failed"]
        if n_problems > JSONL_WARNINGS:
            print(f"vnclean: warning: {o.path}: {n_problems - JSONL_WARNINGS} more records could not be "
                  "cleaned (--report FILE.json lists them)", file=sys.stderr)
        if counts["guarded"] > JSONL_WARNINGS:
            _err(f"{o.path}: {counts['guarded'] - JSONL_WARNINGS} more records held back by the guard "
                 "(--report FILE.json lists them)")
        records_read = sum(counts.values()) - counts["blank"]
        if counts["changed"] and args.check:
            print(f"would change: {o.path} ({counts['changed']} of {records_read} records)")
        if not args.quiet:
            fate = "dropped" if args.drop_bad_records else "passed through"
            n_held = counts["guarded"]
            held = f", {n_held} held back by the guard (written unchanged)" if n_held else ""
            print(f"vnclean: {o.path}: {records_read} records, {counts['changed']} changed{held}, "
                  f"{n_problems} could not be cleaned ({fate})", file=sys.stderr)


def _write_report(args: argparse.Namespace, report: Report) -> int:
    """Write ``--report FILE.json`` (when asked) and return the exit code."""
    if args.report:
        import json

        from cleaner.files import write_atomic

        try:
            write_atomic(args.report, json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n")
        except OSError as exc:
            _err(f"--report {args.report}: cannot write: {exc.strerror or exc}; choose a writable path")
            return 2
    return report.return_code


def _progress(total: int, quiet: bool) -> Any:
    if quiet or total <= PROGRESS_MIN_FILES or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="file", file=sys.stderr, leave=False)


def cmd_rules(args: argparse.Namespace) -> int:
    if args.rules_command == "list":
        rules = _load(args)
        width = max((len(r.id) for r in rules.rules), default=2)
        for r in rules.rules:
            print(f"{r.id:<{width}}  {r.why}  [{r.where}]")
        return 0
    if args.rules_command == "test":
        from cleaner.examples import run_examples

        failures, total = 0, 0
        for outcome in run_examples(*(args.files or [])):
            total += 1
            if not outcome.ok:
                failures += 1
                print(f"FAIL {outcome.describe()}")
            elif not args.quiet:
                print(f"ok   {outcome.describe()}")
        print(f"{total - failures} passed, {failures} failed")
        return 1 if failures else 0
    _err("usage: vnclean rules {list,test}")
    return 2


def cmd_learn(args: argparse.Namespace) -> int:
    import dataclasses

    from cleaner.files import write_atomic
    from cleaner.learn import DEFAULT_EXCLUDE, LearnOptions, SkippedRecord, iter_documents, learn

    out = Path(args.output) if args.output else None
    if out is not None and out.is_dir():
        _err(f"-o {out}: is a folder; -o takes the rule file to write (learned.yaml)")
        return 2
    if out is not None and _learns_from(out, args):
        _err(f"-o {out}: is one of the files learned from, it would be written over; choose another path")
        return 2
    options = dataclasses.replace(LearnOptions(), min_docs=args.min_docs, min_share=args.min_share,
                                  max_article_hits=args.max_article_hits,
                                  include_covered=args.include_covered, sample_docs=args.sample_docs)
    base = load_rules(*(args.rules or ["vn-news"]))
    failed = skipped = 0

    def texts() -> Any:
        nonlocal failed, skipped
        for doc in iter_documents(args.paths, glob=args.glob, exclude=args.exclude or DEFAULT_EXCLUDE,
                                  text_field=args.text_field):
            if isinstance(doc, SkippedRecord):  # as `clean` passes such a record through: a warning
                skipped += 1
                if skipped <= JSONL_WARNINGS:
                    print(f"vnclean: warning: {doc}", file=sys.stderr)
                continue
            if isinstance(doc, InputError):
                failed += 1
                _err(str(doc))
                continue
            yield doc.text

    start = time.perf_counter()
    learned = learn(texts(), base=base, options=options)
    if skipped > JSONL_WARNINGS:
        print(f"vnclean: warning: {skipped - JSONL_WARNINGS} more records skipped for the same reasons",
              file=sys.stderr)
    if args.explain:
        for c in learned.accepted:
            print(f"proposed  {c.kind:<5} {c.docs:>6} docs ({c.share:.1%})  {c.samples[0][:90]}")
        for r in learned.rejected:
            c = r.candidate
            print(f"rejected  {c.kind:<5} {c.docs:>6} docs ({c.share:.1%})  {c.samples[0][:90]}"
                  f"  -- {r.reason}")
    text = learned.to_yaml()
    if out is None:
        if not args.explain:
            sys.stdout.write(text)
    elif not learned.rules and out.exists():
        print(f"vnclean: nothing learned; {out} left as it was", file=sys.stderr)
    else:
        try:
            write_atomic(out, text)
        except OSError as exc:
            _err(f"-o {out}: cannot write: {exc.strerror or exc}; choose a writable path with free space")
            return 2
    if not args.quiet:
        print(f"vnclean: {learned.summary()} ({time.perf_counter() - start:.1f}s)", file=sys.stderr)
    return 2 if failed else 0


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: temporary files are removed on the way out."""


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated()


def _closed_streams(args: argparse.Namespace) -> str | None:
    """Give a closed stdin/stdout/stderr (``<&-``, ``>&-``) /dev/null, so no file opened later takes its
    number; say which of the streams the command needs was closed (stdout; stdin when reading ``-``)."""
    closed = []
    for fd, name in ((0, "standard input"), (1, "standard output"), (2, "standard error")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            closed.append(name)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")
    if sys.stdin is None:
        sys.stdin = open(os.devnull)
    if "-" not in getattr(args, "paths", ()):
        closed = [n for n in closed if n != "standard input"]
    return " and ".join(n for n in closed if n != "standard error") or None


def _learns_from(out: Path, args: argparse.Namespace) -> bool:
    """``learn -o FILE`` names an input: one of the paths, or a file the walk of a folder would take."""
    import fnmatch

    real = Path(os.path.realpath(out))
    for p in args.paths:
        if real == Path(os.path.realpath(p)):
            return True
        if os.path.isdir(p) and real.is_relative_to(os.path.realpath(p)) and \
                (any(fnmatch.fnmatch(real.name, g) for g in args.glob.split(","))
                 or real.name.endswith((".jsonl", ".jsonl.gz"))):
            return True
    return False


def _dedup_output_problem(out: Path | None, args: argparse.Namespace) -> str | None:
    """What ``clean`` refuses, for ``dedup``: two inputs onto one output, an ``-o`` folder inside an input
    folder that holds the user's files, a ``--report`` that is an input or an output. Documents are copied
    under their own names, so no input is taken for a page here (``text``)."""
    import fnmatch

    inputs = []
    for item in iter_inputs(args.paths, args.glob, exclude=[out] if out is not None else []):
        if isinstance(item, Input) and not any(fnmatch.fnmatch(item.path.name, x) for x in args.exclude):
            inputs.append((item.path, item.relative))
    problem = output_problems(out, args.paths, inputs, args.glob, "text") if out is not None else None
    return problem or report_path_problem(Job(format="text", out_dir=out, report=args.report), inputs)


def cmd_dedup(args: argparse.Namespace) -> int:
    from cleaner.dedup import Deduplicator, Problem, clusters, dedup_paths

    out = Path(args.output) if args.output else None
    if out is not None and args.keep is None:
        _err("-o writes the corpus without its duplicates: say which member of each cluster to keep "
             "(--keep first)")
        return 2
    if args.keep is not None and out is None:
        _err("--keep needs -o DIR: the folder the kept documents are written to")
        return 2
    if out is not None:
        problem = check_out_dir(out, args.paths)
        if problem:
            _err(problem)
            return 2
    if out is not None or args.report:
        problem = _dedup_output_problem(out, args)
        if problem:
            _err(problem)
            return 2
    if out is not None:
        mark_output_dir(out, args.paths)
        _say_removed(remove_stale_temps(out) if out.is_dir() else [])
    failed, documents = 0, 0
    duplicates: list[Any] = []
    problems: list[dict[str, str]] = []
    index = Deduplicator(args.threshold, max_index=args.max_index)
    for item in dedup_paths(args.paths, out_dir=out, glob=args.glob, exclude=args.exclude,
                            text_field=args.text_field, encoding=args.encoding, deduplicator=index):
        if isinstance(item, Problem):
            if item.written:
                print(f"vnclean: warning: {item.message}", file=sys.stderr)
            else:
                failed += 1
                _err(item.message)
            problems.append({"name": item.name, "message": item.message})
            continue
        documents += 1
        if item.duplicate:
            duplicates.append(item)
    found = clusters(duplicates)
    for c in found:
        print(f"== {c.first}  (first of {1 + len(c.members)})")
        for v in c.members:
            print(f"  {'identical' if v.identical else f'{v.similarity:.2f}':<9}  {v.name}")
    identical = sum(v.identical for v in duplicates)
    if index.unindexed:
        print(f"vnclean: warning: the index was full ({args.max_index:,} distinct documents): "
              f"{index.unindexed:,} later documents were compared with those but not with each other; "
              "raise --max-index, or deduplicate shard by shard (a site or a month at a time)",
              file=sys.stderr)
    if not args.quiet:
        line = (f"{documents} documents, {documents - len(duplicates)} distinct; {len(found)} clusters hold "
                f"{len(duplicates)} duplicates ({identical} identical, {len(duplicates) - identical} near)")
        if out is not None:
            line += f"; {len(duplicates)} duplicates not written to {out} (--keep first)"
        print(f"vnclean: {line}", file=sys.stderr)
    if args.report:
        import json

        from cleaner.files import write_atomic

        data = {"summary": {"documents": documents, "distinct": documents - len(duplicates),
                            "clusters": len(found), "duplicates": len(duplicates), "identical": identical,
                            "threshold": args.threshold, "unindexed": index.unindexed,
                            "output": str(out) if out else None},
                "clusters": [c.to_json() for c in found], "problems": problems}
        write_atomic(args.report, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return 2 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    closed = _closed_streams(args)
    if closed:
        _err(f"{closed} is closed; redirect it from or to a file (or /dev/null)")
        return 2
    previous = None
    if hasattr(signal, "SIGTERM"):
        try:
            previous = signal.signal(signal.SIGTERM, _terminate)
        except ValueError:  # not the main thread: leave signals to the caller
            pass
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # a full disk must be reported here, not as a traceback at exit
        return code
    except CleanerError as exc:
        _err(str(exc))
        return 2
    except KeyboardInterrupt as exc:
        what = "terminated" if isinstance(exc, Terminated) else "interrupted"
        _err(f"{what}; every file written so far is complete, the others are untouched")
        return 143 if isinstance(exc, Terminated) else 130
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except OSError as exc:
        # Output to a full disk (> /dev/full) or a device that fails: one line, not a traceback.
        _quiet_stdout()
        where = exc.filename or "standard output"
        _err(f"{where}: cannot write: {exc.strerror or exc}; free some space or send the output elsewhere")
        return 2
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "clean":
        return cmd_clean(args)
    if args.command == "rules":
        return cmd_rules(args)
    if args.command == "learn":
        return cmd_learn(args)
    if args.command == "dedup":
        return cmd_dedup(args)
    return 2


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's flush at exit does not fail a second time."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (captured in tests)


if __name__ == "__main__":
    sys.exit(main())
