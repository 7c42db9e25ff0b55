"""Peak memory of ``vnclean clean big.jsonl -o out/`` on a generated JSONL corpus of at least 1 GB.

Run from the repository root: ``python bench/jsonl_memory.py [--gb 1.0] [-j 1] [--tmp /tmp]``. The corpus
is built on the fly from seeds/ and ../shared/corpus/dev (repeated), cleaned by the CLI in a subprocess,
and deleted afterwards. Prints the child's peak RSS (``getrusage(RUSAGE_CHILDREN).ru_maxrss``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEV = ROOT.parent / "shared" / "corpus" / "dev"
#: The target the issue sets: peak RSS must not grow with corpus size and stay below this.
TARGET_MB = 300


def documents() -> list[tuple[str, str]]:
    docs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    if DEV.is_dir():
        docs += [(p.name, p.read_text(encoding="utf-8")) for p in sorted(DEV.glob("*.txt"))
                 if not p.name.endswith(".gold.txt")]
    else:
        print(f"note: {DEV} is absent; the corpus is built from seeds/ only", file=sys.stderr)
    return docs


def build(path: Path, target_bytes: int) -> tuple[int, int]:
    """Write records until the file holds ``target_bytes``; return (bytes, records)."""
    docs = documents()
    size = n = 0
    with path.open("w", encoding="utf-8") as fh:
        while size < target_bytes:
            for name, text in docs:
                record = {"id": n, "source": name, "text": text, "lang": "vi"}
                line = json.dumps(record, ensure_ascii=False) + "\n"
                fh.write(line)
                size += len(line.encode("utf-8"))
                n += 1
    return size, n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--gb", type=float, default=1.0, help="corpus size in GB (default 1.0)")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="vnclean -j (default 1)")
    ap.add_argument("--tmp", default=tempfile.gettempdir(), help="where to build the corpus (default: /tmp)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vnclean-mem-", dir=args.tmp))
    try:
        big = work / "big.jsonl"
        t0 = time.perf_counter()
        size, records = build(big, int(args.gb * 1e9))
        print(f"built {big}: {size / 1e9:.2f} GB, {records} records in {time.perf_counter() - t0:.0f}s")
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path}
        cmd = [sys.executable, "-m", "cleaner", "clean", str(big), "-o", str(work / "out"), "-q",
               "-j", str(args.jobs)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
        out_size = (work / "out" / "big.jsonl").stat().st_size if proc.returncode == 0 else 0
        print(f"vnclean clean big.jsonl -o out/ -j {args.jobs}: exit {proc.returncode}, {seconds:.0f}s, "
              f"{size / 1e6 / seconds:.2f} MB/s, output {out_size / 1e9:.2f} GB")
        if proc.returncode:
            print(proc.stderr[-2000:], file=sys.stderr)
        verdict = "ok" if peak_mb < TARGET_MB else "ABOVE TARGET"
        print(f"peak RSS of the vnclean process: {peak_mb:.0f} MB (target < {TARGET_MB} MB: {verdict})")
        return 0 if proc.returncode == 0 and peak_mb < TARGET_MB else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
