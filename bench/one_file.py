"""One big file, in one process: the pipeline against a read + NFC + write floor, ftfy and datatrove's C4.

Run from the repository root: ``python bench/one_file.py [--mb 20] [--ftfy-mb 2] [--no-write]``. Builds one
file of at least ``--mb`` MB from the documents of seeds/, ../shared/corpus/dev and dev2 (repeated; documents
are separated by a line holding only a form feed), then times, in CPU seconds of this process:

- the floor: read the file, NFC each document, write the file;
- the same with ``load_rules("vn-news").clean`` on each document (the full pipeline);
- normalization alone, and the rules alone (optional fixes off);
- ``ftfy.fix_text`` over the first ``--ftfy-mb`` MB (it is slow);
- datatrove's ``C4QualityFilter`` when datatrove is installed (it is not a dependency: install it in the
  benchmark environment only); skipped otherwise.

Then it times the stages of the pipeline on the same documents (where the time goes) and writes both
tables into bench/RESULTS.md, below the table of ``bench/run.py``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import load_rules  # noqa: E402
from cleaner.document import Document  # noqa: E402
from cleaner.normalization import Normalizer  # noqa: E402
from cleaner.text import to_lines, to_output  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
CORPORA = [ROOT / "seeds", SHARED / "dev", SHARED / "dev2"]
RESULTS = ROOT / "bench" / "RESULTS.md"
#: bench/RESULTS.md keeps everything from this line on when bench/run.py rewrites its own table.
MARKER = "<!-- one-file measure: written by bench/one_file.py -->"
SEPARATOR = "\n\f\n"
NO_FIXES = {"mojibake": False, "legacy": "off", "lookalikes": False, "invisible": False, "spaces": False,
            "tone_style": "keep"}


#: What the tables above do not say: how the engine spends its time and what was measured and dropped.
NOTES = """\
How the rules run: per line, one dictionary look-up on its first and its last four characters gives the rules
whose pattern can match there (each distinct opening and ending is tried once per process, by partial
matching); literal prefilters are looked up over the whole document with `str.find`; only the lines left are
searched. Then the rules run again until a pass changes nothing (stable output); a rule that judges each line
alone looks again only at edited lines. What is left is Python work per candidate line (word counts, keys,
positions, one search), the repeat and echo rules, which compare every line with its neighbours or all
others, and the per-line fold of diacritics.

Measured and dropped: one multi-line search per rule over the joined document with `regex` (byte-identical
once every class is kept off the newline, but 30-500 ms/MB per pattern: `regex` scans every position);
pyahocorasick over the literals of all rules (148 ms/MB on Vietnamese text, slower than `str.find`)."""


def documents() -> list[str]:
    docs = []
    for folder in CORPORA:
        if not folder.is_dir():
            print(f"note: {folder} is absent", file=sys.stderr)
            continue
        docs += [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))
                 if not p.name.endswith(".gold.txt")]
    return docs


def build_file(path: Path, docs: list[str], mb: float) -> None:
    out, size = [], 0
    while size < mb * 1e6:
        for d in docs:
            out.append(d)
            size += len(d.encode("utf-8")) + len(SEPARATOR)
    path.write_text(SEPARATOR.join(out), encoding="utf-8")


def one_pass(src: Path, dst: Path, fn: Callable[[str], str],
             limit_mb: float | None = None) -> tuple[float, float]:
    """(MB processed, CPU seconds): read the file, transform each document, write the result."""
    start = time.process_time()
    docs = src.read_text(encoding="utf-8").split(SEPARATOR)
    if limit_mb is not None:
        kept, size = [], 0
        for d in docs:
            if size >= limit_mb * 1e6:
                break
            kept.append(d)
            size += len(d.encode("utf-8"))
        docs = kept
        start = time.process_time()  # the slice is not part of the pass
    mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
    dst.write_text(SEPARATOR.join(fn(d) for d in docs), encoding="utf-8")
    return mb, time.process_time() - start


def c4_filter() -> Callable[[str], str] | None:
    """datatrove's C4 line filter on one document, or ``None`` when datatrove is not installed."""
    try:
        from datatrove.data import Document as DtDocument
        from datatrove.pipeline.filters import C4QualityFilter
    except ImportError:
        return None
    # The line filter alone: counting sentences would need a language's tokenizer (spaCy), which the C4
    # filter does per line after the line tests anyway.
    filt = C4QualityFilter(min_num_sentences=-1)

    def run(text: str) -> str:
        doc = DtDocument(text=text, id="0")
        return doc.text if filt.filter(doc) is True else ""  # (False, reason) drops the document

    return run


def stages(docs: list[str]) -> list[tuple[str, float]]:
    """CPU seconds of each stage of ``clean`` over the documents, one document at a time as ``clean`` runs
    (no document outlives its turn, so the garbage collector works as in a real run)."""
    rules = load_rules("vn-news")
    normalizer = Normalizer(rules.options)
    dispatch = rules._dispatch
    clock = time.process_time
    names = ["normalization (Normalizer.apply)", "lines -> Document (a Line object per line)",
             "fold every line (one translate per document)", "dispatch: the rules each line may match",
             "rules, first pass: every action and condition", "rules, later passes (until nothing changes)",
             "output (strip, join)"]
    spent = dict.fromkeys(names, 0.0)
    per_rule: dict[str, float] = {}
    for text in docs:
        rules.clean(text)  # the dispatch learns each distinct line opening and ending once per process
    for text in docs:
        t0 = clock()
        normalized = normalizer.apply("\n".join(to_lines(text)))
        t1 = clock()
        doc = Document(normalized.split("\n"))
        t2 = clock()
        doc.fold_all()
        t3 = clock()
        doc.candidates = dispatch.candidates(doc)
        t4 = clock()
        for step in rules.steps:  # the first pass, rule by rule
            if step.matcher.pat is not None and not doc.candidates[step.index]:
                continue
            s0 = clock()
            step.run(doc)
            per_rule[step.rule.id] = per_rule.get(step.rule.id, 0.0) + clock() - s0
        t5 = clock()
        again = Document(normalized.split("\n"))
        t6 = clock()
        rules.apply(again)  # fold, dispatch and every pass
        t7 = clock()
        to_output([ln.text for ln in again.kept()])
        t8 = clock()
        for name, sec in zip(names, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4,
                                     (t7 - t6) - (t5 - t2), t8 - t7), strict=True):
            spent[name] += sec
    out = list(spent.items())
    top = sorted(per_rule.items(), key=lambda kv: -kv[1])[:6]
    out[5:5] = [(f"  of which {rid}", sec) for rid, sec in top]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=float, default=20.0, help="size of the file in MB (default 20)")
    ap.add_argument("--ftfy-mb", type=float, default=2.0, help="MB that ftfy runs over (default 2)")
    ap.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md")
    args = ap.parse_args()
    import ftfy

    docs = documents()
    rules = load_rules("vn-news")
    rules_only = load_rules("vn-news", **NO_FIXES)
    normalizer = Normalizer(rules.options)
    c4 = c4_filter()
    with tempfile.TemporaryDirectory(prefix="vnclean-onefile-") as tmp:
        src, dst = Path(tmp) / "in.txt", Path(tmp) / "out.txt"
        build_file(src, docs, args.mb)
        mb_file = src.stat().st_size / 1e6
        print(f"file: {mb_file:.1f} MB, {len(docs)} distinct documents; load {os.getloadavg()[0]:.2f}",
              flush=True)
        rules.clean(docs[0])  # compile and warm the dispatch caches outside the clock (once per process)
        passes: list[tuple[str, float, float]] = []
        for name, fn, limit in [
            ("floor: read + NFC + write", lambda t: unicodedata.normalize("NFC", t), None),
            ("full pipeline: load_rules('vn-news').clean", rules.clean, None),
            ("normalization alone (Normalizer.apply)", normalizer.apply, None),
            ("rules alone (vn-news, optional fixes off)", rules_only.clean, None),
            (f"ftfy.fix_text (first {args.ftfy_mb:g} MB)", ftfy.fix_text, args.ftfy_mb),
            ("datatrove C4QualityFilter", c4, None),
        ]:
            if fn is None:
                print(f"  {name:<48} skipped: datatrove is not installed", flush=True)
                continue
            mb, cpu = one_pass(src, dst, fn, limit)
            passes.append((name, mb, cpu))
            print(f"  {name:<48} {mb:6.1f} MB {cpu:7.2f} s CPU {mb / cpu:7.2f} MB/s", flush=True)
        where = stages(docs * 4)
        load = os.getloadavg()[0]
    rate = {name: mb / cpu for name, mb, cpu in passes}
    floor, full = rate[passes[0][0]], rate[passes[1][0]]
    ftfy_rate = next(r for n, r in rate.items() if n.startswith("ftfy"))
    c4_rate = rate.get("datatrove C4QualityFilter")
    table = ["| pass | MB | CPU s | MB/s | vs floor |", "|---|---:|---:|---:|---:|"]
    table += [f"| {n} | {mb:.1f} | {cpu:.2f} | {mb / cpu:.2f} | {mb / cpu / floor:.3f}× |"
              for n, mb, cpu in passes]
    checks = [f"full pipeline vs floor: {full / floor:.3f}× (target ≥ 0.20×, goal 0.5×)",
              f"full pipeline vs ftfy.fix_text: {full / ftfy_rate:.1f}× faster (target ≥ 7×)"]
    if c4_rate is not None:
        checks.append(f"full pipeline vs datatrove C4QualityFilter: {full / c4_rate:.2f}× (goal > 1×)")
    else:
        checks.append("datatrove C4QualityFilter: not installed, not measured")
    total = sum(s for n, s in where if not n.startswith("  "))
    breakdown = ["| stage | share | ms per MB |", "|---|---:|---:|"]
    mb_docs = sum(len(d.encode("utf-8")) for d in docs) * 4 / 1e6
    breakdown += [f"| {n} | {s / total:.0%} | {s * 1e3 / mb_docs:.1f} |" for n, s in where]
    text = "\n".join(table + [""] + [f"- {c}" for c in checks] + ["", "Where the time of `clean` goes "
                     "(CPU time, each stage alone over the same documents):", ""] + breakdown + ["", NOTES])
    print()
    print(text)
    if not args.no_write:
        head = RESULTS.read_text(encoding="utf-8").split(MARKER)[0].rstrip() if RESULTS.exists() else ""
        RESULTS.write_text(
            f"{head}\n\n{MARKER}\n## One file, in process\n\nMade by `python bench/one_file.py` (from the "
            f"repository root): one {mb_file:.1f} MB file of {len(docs)} distinct documents (seeds/, dev, "
            f"dev2, repeated); Python {platform.python_version()}, {os.cpu_count()} CPUs; load average "
            f"{load:.2f} at the end. Ratios come from CPU time, so other programs' load skews them less.\n\n"
            + text + "\n", encoding="utf-8")
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
