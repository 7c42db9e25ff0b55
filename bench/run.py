"""Throughput of the whole pipeline and of its parts, against a read + NFC + write floor, in one run.

Run from the repository root: ``python bench/run.py [--mb 50] [--ftfy-mb 5] [--jobs 2]``. Builds a corpus of
many documents (files in a temporary folder) from seeds/ and ../shared/corpus/dev, times each pass over it
(read every file, process, write every file), prints a table of MB/s and ratios to the floor, and writes it
to bench/RESULTS.md. ftfy is slow, so it runs over the first ``--ftfy-mb`` of the same files.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import load_rules  # noqa: E402
from cleaner.normalization import Normalizer  # noqa: E402
from cleaner.rules import RuleSet  # noqa: E402

SEEDS = ROOT / "seeds"
DEV = ROOT.parent / "shared" / "corpus" / "dev"
RESULTS = ROOT / "bench" / "RESULTS.md"
#: Normalization options that switch every optional fix off: what is left of a RuleSet is NFC + the rules.
NO_FIXES = {"mojibake": False, "legacy": "off", "lookalikes": False, "invisible": False, "spaces": False,
            "tone_style": "keep"}

Transform = Callable[[str], str]


def build_corpus(folder: Path, target_mb: float) -> list[Path]:
    """Write the seeds and dev documents, repeated, as separate files until they reach ``target_mb``."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    if DEV.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(DEV.glob("*.txt"))
                  if not p.name.endswith(".gold.txt")]
    else:
        print(f"note: {DEV} is absent; the corpus is built from seeds/ only", file=sys.stderr)
    files: list[Path] = []
    size = 0
    while size < target_mb * 1e6:
        for text in texts:
            sub = folder / f"{len(files) // 1000:03d}"
            sub.mkdir(parents=True, exist_ok=True)
            p = sub / f"{len(files):06d}.txt"
            p.write_text(text, encoding="utf-8")
            files.append(p)
            size += len(text.encode("utf-8"))
    return files


def _pass(files: list[Path], out: Path, fn: Transform) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for k, p in enumerate(files):
        (out / f"{k:06d}.txt").write_text(fn(p.read_text(encoding="utf-8")), encoding="utf-8")


_WORKER: RuleSet | None = None


def _init(rules: RuleSet) -> None:
    global _WORKER
    _WORKER = rules


def _clean_chunk(task: tuple[list[Path], Path, int]) -> None:
    assert _WORKER is not None
    files, out, first = task
    for k, p in enumerate(files, start=first):
        (out / f"{k:06d}.txt").write_text(_WORKER.clean(p.read_text(encoding="utf-8")), encoding="utf-8")


def _pool_pass(files: list[Path], out: Path, rules: RuleSet, jobs: int) -> None:
    """The full pipeline in a process pool: rules compiled once per worker, files in chunks, as ``-j``."""
    out.mkdir(parents=True, exist_ok=True)
    step = 64
    tasks = [(files[i:i + step], out, i) for i in range(0, len(files), step)]
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init, initargs=(rules,)) as pool:
        list(pool.map(_clean_chunk, tasks))


Row = tuple[str, float, float, float]


def timed(name: str, files: list[Path], work: Path, run: Callable[[Path], None]) -> Row:
    """(name, MB, wall seconds, CPU seconds of this process); CPU time does not count other programs' load."""
    out = work / "out"
    shutil.rmtree(out, ignore_errors=True)
    mb = sum(p.stat().st_size for p in files) / 1e6
    start, cpu = time.perf_counter(), time.process_time()
    run(out)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  {name:<52} {mb:6.1f} MB {seconds:7.2f} s {mb / seconds:7.2f} MB/s  (CPU {mb / cpu:7.2f} MB/s)",
          flush=True)
    return name, mb, seconds, cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (default 50)")
    ap.add_argument("--ftfy-mb", type=float, default=5.0,
                    help="MB of the corpus that ftfy runs over (default 5)")
    ap.add_argument("--jobs", type=int, default=2, help="workers of the parallel pass (default 2)")
    ap.add_argument("--no-write", action="store_true", help="print the table only; leave bench/RESULTS.md")
    args = ap.parse_args()

    rules = load_rules("vn-news")
    rules_only = load_rules("vn-news", **NO_FIXES)
    normalizer = Normalizer(rules.options)
    import ftfy

    work = Path(tempfile.mkdtemp(prefix="vnclean-bench-"))
    try:
        files = build_corpus(work / "in", args.mb)
        ftfy_files: list[Path] = []
        size = 0
        for p in files:
            if size >= args.ftfy_mb * 1e6:
                break
            ftfy_files.append(p)
            size += p.stat().st_size
        print(f"corpus: {sum(p.stat().st_size for p in files) / 1e6:.1f} MB in {len(files)} files; "
              f"load {os.getloadavg()[0]:.2f}", flush=True)
        rows = [
            timed("floor: read + NFC + write", files, work,
                  lambda out: _pass(files, out, lambda t: unicodedata.normalize("NFC", t))),
            timed("full pipeline (vn-news + normalization), 1 process", files, work,
                  lambda out: _pass(files, out, rules.clean)),
            timed(f"full pipeline, {args.jobs} processes (-j {args.jobs})", files, work,
                  lambda out: _pool_pass(files, out, rules, args.jobs)),
            timed("normalization alone (Normalizer.apply)", files, work,
                  lambda out: _pass(files, out, normalizer.apply)),
            timed("rules alone (vn-news, optional fixes off)", files, work,
                  lambda out: _pass(files, out, rules_only.clean)),
            timed(f"ftfy.fix_text, default config (first {args.ftfy_mb:g} MB)", ftfy_files, work,
                  lambda out: _pass(ftfy_files, out, ftfy.fix_text)),
        ]
        load = os.getloadavg()[0]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    # Ratios of one-process passes use CPU time, which other programs on the machine do not inflate; the
    # pool pass can only be judged by wall-clock time (its work is in the workers), against the same.
    wall = {name: mb / s for name, mb, s, _ in rows}
    cpu = {name: mb / c for name, mb, _, c in rows}
    pool_name = rows[2][0]
    floor, full, ftfy_rate = cpu[rows[0][0]], cpu[rows[1][0]], cpu[rows[5][0]]
    table = ["| pass | MB | seconds | MB/s | MB/s (CPU time) | vs floor (CPU) |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, mb, s, _ in rows:
        if name == pool_name:
            table.append(f"| {name} | {mb:.1f} | {s:.2f} | {wall[name]:.2f} | – | – |")
        else:
            table.append(f"| {name} | {mb:.1f} | {s:.2f} | {wall[name]:.2f} | {cpu[name]:.2f} | "
                         f"{cpu[name] / floor:.3f}× |")
    checks = [
        f"full pipeline vs floor: {full / floor:.3f}× (target ≥ 0.25×)",
        f"full pipeline vs ftfy.fix_text: {full / ftfy_rate:.1f}× faster (target ≥ 10×)",
        f"-j {args.jobs} vs 1 process, wall clock: {wall[pool_name] / wall[rows[1][0]]:.2f}× (target ≥ 1.7×; "
        f"needs {args.jobs} idle cores: load average was {os.getloadavg()[0]:.2f})",
    ]
    text = "\n".join(table + [""] + [f"- {c}" for c in checks])
    print()
    print(text)
    if not args.no_write:
        # The one-file measure (bench/one_file.py) keeps its section below this table.
        marker = "<!-- one-file measure: written by bench/one_file.py -->"
        old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        kept = "\n" + marker + old.split(marker, 1)[1] if marker in old else ""
        RESULTS.write_text(
            "# Benchmark\n\nMade by `python bench/run.py` (from the repository root).\n\n"
            f"Corpus: {rows[0][1]:.1f} MB in {len(files)} documents (seeds/ + dev corpus, repeated); "
            f"Python {platform.python_version()}, {os.cpu_count()} CPUs; "
            f"load average {load:.2f} at the end.\n"
            "Every pass reads each file, processes it and writes it.\n\n" + text + "\n" + kept,
            encoding="utf-8")
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
