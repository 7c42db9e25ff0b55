"""Boilerplate removal of vn-cleaner and of two peers on the same plain-text documents, by the shared scorer.

    python bench/peers_quality.py [CORPUS_DIR ...]     (default: ../shared/corpus/dev and dev2)

Each peer reads a document's lines as paragraphs, as vn-cleaner does:
- datatrove's C4 line filter (``C4QualityFilter``): a line stays when it ends in terminal punctuation and has
  three words or more; its whole-document rules (too few sentences, a curly bracket, "lorem ipsum") are off,
  since they drop documents, not lines;
- jusText with its Vietnamese stop list, every line wrapped in a ``<p>``; non-boilerplate paragraphs stay.

The peers are not dependencies of vn-cleaner: install them in the benchmark environment with
``pip install -r bench/requirements-peers.txt``. A peer that is not installed is skipped with a note.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score_corpus.py"
DEFAULT_SETS = [SHARED / "corpus" / "dev", SHARED / "corpus" / "dev2"]


def _vn_cleaner() -> Callable[[str], str]:
    from cleaner import load_rules

    return load_rules("vn-news").clean


def _c4() -> Callable[[str], str]:
    from datatrove.data import Document
    from datatrove.pipeline.filters import C4QualityFilter

    line_filter = C4QualityFilter(min_num_sentences=-1, filter_curly_bracket=False, filter_lorem_ipsum=False)

    def run(text: str) -> str:
        doc = Document(text=text, id="0")
        kept = line_filter.filter(doc)
        return doc.text + "\n" if kept is True and doc.text else ""

    return run


def _justext() -> Callable[[str], str]:
    import justext

    stoplist = justext.get_stoplist("Vietnamese")

    def run(text: str) -> str:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        page = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in lines) + "</body></html>"
        paragraphs = justext.justext(page.encode("utf-8"), stoplist, encoding="utf-8")
        return "".join(p.text + "\n" for p in paragraphs if not p.is_boilerplate)

    return run


TOOLS: dict[str, Callable[[], Callable[[str], str]]] = {
    "vn-cleaner (vn-news)": _vn_cleaner,
    "datatrove C4 line filter": _c4,
    "jusText (Vietnamese)": _justext,
}


def score(corpus: Path, clean: Callable[[str], str]) -> str:
    """Clean every ``NAME.txt`` of ``corpus`` into a temporary folder and return the scorer's last line."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for src in sorted(corpus.glob("*.txt")):
            if src.name.endswith(".gold.txt"):
                continue
            (out / src.name).write_text(clean(src.read_text(encoding="utf-8")), encoding="utf-8")
        run = subprocess.run([sys.executable, str(SCORER), str(corpus), str(out), "--quiet"],
                             capture_output=True, text=True, check=True)
        return run.stdout.strip().splitlines()[-1]


def main(argv: list[str]) -> int:
    sets = [Path(a) for a in argv] or [d for d in DEFAULT_SETS if d.is_dir()]
    if not sets or not SCORER.is_file():
        print(f"the shared corpus and scorer are not at {SHARED}; give corpus folders as arguments",
              file=sys.stderr)
        return 2
    for name, make in TOOLS.items():
        try:
            clean = make()
        except ImportError as exc:
            print(f"{name}: skipped ({exc.name} is not installed: "
                  "pip install -r bench/requirements-peers.txt)")
            continue
        for corpus in sets:
            figures = dict(re.findall(r"(\w+)=(\S+)", score(corpus, clean)))
            print(f"{name:28} {corpus.name:6} recall={figures['recall']} "
                  f"content_kept={figures['content_kept']} macro_recall={figures.get('macro_recall', '-')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
