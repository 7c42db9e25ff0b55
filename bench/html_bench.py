"""HTML pages: quality and speed of vn-cleaner beside trafilatura and jusText on the saved dev pages.

Run from the repository root: ``python bench/html_bench.py [--rounds 5]``. Takes the pages under
``../shared/corpus/dev*/html`` (their gold texts are beside them), cleans each with vn-cleaner
(``RuleSet.clean_html``), trafilatura (``extract``, default settings) and jusText (the Vietnamese stop list,
paragraphs not marked boilerplate), scores every output with the shared scorer, times each tool over the same
pages, and writes the table to bench/RESULTS-html.md. trafilatura and jusText are not dependencies of
vn-cleaner: a tool that is not installed is left out of the table (``pip install trafilatura justext``).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import load_rules  # noqa: E402

SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score_corpus.py"
RESULTS = ROOT / "bench" / "RESULTS-html.md"

Extract = Callable[[bytes], str]


def tools() -> dict[str, Extract]:
    """The extractors to compare: vn-cleaner always, the others when they are installed."""
    rules = load_rules()
    found: dict[str, Extract] = {"vn-cleaner (vn-news)": rules.clean_html}
    try:
        import trafilatura

        found["trafilatura extract"] = lambda page: trafilatura.extract(page) or ""
    except ImportError:
        print("note: trafilatura is not installed; left out", file=sys.stderr)
    try:
        import justext

        stoplist = justext.get_stoplist("Vietnamese")

        def with_justext(page: bytes) -> str:
            paragraphs = justext.justext(page, stoplist)
            return "".join(p.text + "\n" for p in paragraphs if not p.is_boilerplate)

        found["jusText (Vietnamese)"] = with_justext
    except ImportError:
        print("note: justext is not installed; left out", file=sys.stderr)
    return found


def score(gold: Path, out: Path) -> dict[str, str]:
    run = subprocess.run([sys.executable, str(SCORER), str(gold), str(out)], capture_output=True, text=True,
                         check=True)
    return dict(re.findall(r"(\w+)=(\S+)", run.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5, help="timed passes over the pages per tool (default 5)")
    args = ap.parse_args(argv)
    pages = sorted((SHARED / "corpus").glob("dev*/html/*.html"))
    if not pages:
        print(f"no saved pages under {SHARED}/corpus/dev*/html", file=sys.stderr)
        return 2
    data = {p.stem: p.read_bytes() for p in pages}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        gold = Path(tmp) / "gold"
        gold.mkdir()
        for p in pages:
            for suffix in (".txt", ".gold.txt"):
                shutil.copy(p.parent.parent / (p.stem + suffix), gold / (p.stem + suffix))
        for name, extract in tools().items():
            out = Path(tmp) / re.sub(r"\W+", "_", name)
            out.mkdir()
            for stem, page in data.items():
                (out / f"{stem}.txt").write_text(extract(page), encoding="utf-8")
            start = time.process_time()
            for _ in range(args.rounds):
                for page in data.values():
                    extract(page)
            cpu = time.process_time() - start
            s = score(gold, out)
            rows.append((name, float(s["recall"]), float(s["content_kept"]), s["exact"],
                         args.rounds * len(data) / cpu))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        "# HTML pages: vn-cleaner, trafilatura, jusText",
        "",
        "Made by `python bench/html_bench.py` (from the repository root).",
        "",
        f"Pages: the {len(data)} saved pages under shared/corpus/dev*/html "
        f"({sum(map(len, data.values())) / 1e6:.2f} MB), scored by shared/tools/score_corpus.py against "
        f"their gold texts; speed in pages per CPU second over {args.rounds} passes; Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load average {load:.2f}.",
        "",
        "| tool | boilerplate recall | content kept | exact | pages/s (CPU) |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {n} | {r:.3f} | {k:.3f} | {e} | {pps:.1f} |" for n, r, k, e, pps in rows]
    text = "\n".join(lines) + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
