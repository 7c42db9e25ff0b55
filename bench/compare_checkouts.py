"""Rule-engine throughput of two checkouts of vn-cleaner on the same documents, in turn, by CPU time.

Run from the repository root: ``python bench/compare_checkouts.py OTHER_CHECKOUT [--rounds 2]``. Each
checkout is timed in its own process (so each imports its own ``cleaner``), alternating, on the seeds and
the dev corpora when ``../shared`` is there; the best of three passes per round is printed. Interleaved
rounds on one machine give a ratio that its load changes little.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_SNIPPET = """
import sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from cleaner import load_rules
rules = load_rules("vn-news")
docs = [Path(p).read_text(encoding="utf-8") for p in sys.argv[2:]]
mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
for d in docs:
    rules.clean(d)
best = float("inf")
for _ in range(3):
    start = time.process_time()
    for d in docs:
        rules.clean(d)
    best = min(best, time.process_time() - start)
print(f"{mb / best:.3f}")
"""


def documents() -> list[str]:
    paths = sorted((ROOT / "seeds").glob("*.txt"))
    shared = ROOT.parent / "shared" / "corpus"
    for name in ("dev", "dev2"):
        paths += sorted(p for p in (shared / name).glob("*.txt") if not p.name.endswith(".gold.txt"))
    return [str(p) for p in paths]


def throughput(checkout: Path, docs: list[str]) -> float:
    out = subprocess.run([sys.executable, "-c", _SNIPPET, str(checkout), *docs], check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other checkout (a git worktree of another commit)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    docs = documents()
    for n in range(1, args.rounds + 1):
        this, other = throughput(ROOT, docs), throughput(args.other.resolve(), docs)
        print(f"round {n}: this checkout {this:.2f} MB/s, {args.other} {other:.2f} MB/s, "
              f"ratio {this / other:.2f}x")


if __name__ == "__main__":
    main()
