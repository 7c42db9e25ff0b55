"""Time and peak memory of ``vnclean learn`` on a large synthetic corpus (default 100,000 documents).

Documents are made of sentence pieces from seeds/ (and the shared dev corpus's gold files when present),
spliced so that no article line repeats, inside per-site templates (menus, date stamps, footers) whose
lines are known. Prints the time to read and normalize the corpus alone (the floor), the time of ``learn``
and their ratio, peak RSS, and the share of the known template lines that the proposed rules remove.

    python bench/learn_scale.py [--docs 100000] [--sites 20] [--keep FILE.jsonl]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from cleaner import load_rules  # noqa: E402
from cleaner.learn import LearnOptions, iter_documents, learn  # noqa: E402
from cleaner.normalization import Normalizer  # noqa: E402
from cleaner.rules import RuleSet  # noqa: E402

SHARED_DEV = REPO.parent / "shared" / "corpus" / "dev"
MENU = ["Thời sự", "Kinh tế", "Văn hóa", "Thể thao", "Công nghệ", "Sức khỏe", "Du lịch", "Bạn đọc"]


def sentence_pool() -> list[list[str]]:
    """Word lists of real article sentences (8 words or more)."""
    files = sorted((REPO / "seeds").glob("*.txt"))
    if SHARED_DEV.is_dir():
        files += sorted(SHARED_DEV.glob("*.gold.txt"))
    pool = [line.split() for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    return [words for words in pool if len(words) >= 8]


def site_template(rng: random.Random, site: int) -> tuple[list[str], list[str]]:
    """A site's header and footer lines (the boilerplate the learner should find)."""
    # Some lines the shipped rules already know (menu bullets, copyright), most they do not.
    name = f"Báo Điện Tử Miền {site:02}"
    header = [f"Chuyên trang tin tức của {name}", f"Chuyên mục nổi bật số {site}",
              *(f"  • {m} {site}" for m in rng.sample(MENU, 4)), f"Mời bạn đọc gửi tin bài cho {name}"]
    footer = [f"Bản quyền nội dung thuộc về {name}, ghi rõ nguồn khi phát hành lại",
              f"Đường dây nóng của tòa soạn miền {site}: 0{site:02}8 {rng.randint(100, 999)} "
              f"{rng.randint(100, 999)}", "Tải ứng dụng đọc báo trên điện thoại để nhận tin nhanh nhất"]
    return header, footer


def article_line(rng: random.Random, pool: list[list[str]], serial: int) -> str:
    """Two halves of real sentences spliced, with a serial number: real words, never a repeated line."""
    a, b = rng.choice(pool), rng.choice(pool)
    cut_a, cut_b = rng.randint(3, len(a) - 2), rng.randint(2, len(b) - 3)
    return " ".join([*a[:cut_a], f"({serial})", *b[cut_b:]])


def generate(path: Path, docs: int, sites: int, seed: int) -> set[str]:
    """Write the corpus as JSONL; return the known boilerplate lines."""
    rng = random.Random(seed)
    pool = sentence_pool()
    templates = [site_template(rng, s) for s in range(sites)]
    known: set[str] = set()
    for header, footer in templates:
        known.update(line.strip() for line in header + footer)
    serial = 0
    with path.open("w", encoding="utf-8") as fh:
        for _ in range(docs):
            header, footer = templates[rng.randrange(sites)]
            hour, minute = rng.randint(0, 23), rng.randint(0, 59)
            stamp = f"Bản tin số {rng.randint(1, 9999)} phát hành lúc {hour}:{minute:02}"
            body = []
            for _ in range(rng.randint(8, 25)):
                serial += 1
                body.append(article_line(rng, pool, serial))
            text = "\n".join([*header, stamp, *body, *footer]) + "\n"
            fh.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    known.add("<stamp>")
    return known


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--sites", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", metavar="FILE", help="write the corpus here and keep it (default: a temp dir)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "corpus.jsonl"
        t0 = time.perf_counter()
        known = generate(path, args.docs, args.sites, args.seed)
        gen_s = time.perf_counter() - t0
        rss_before = peak_rss_mb()
        size_mb = os.path.getsize(path) / 1e6

        base = load_rules("vn-news")
        normalizer = Normalizer(base.options)
        t0 = time.perf_counter()
        n = 0
        for doc in iter_documents([str(path)]):
            normalizer.apply(doc.text)  # type: ignore[union-attr]
            n += 1
        floor_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        learned = learn((d.text for d in iter_documents([str(path)])), base=base,  # type: ignore[union-attr]
                        options=LearnOptions())
        learn_s = time.perf_counter() - t0
        rss = peak_rss_mb()

        rules = RuleSet([*base.rules, *learned.rules])
        lines = sorted(k for k in known if k != "<stamp>")
        removed = sum(1 for line in lines if not rules.clean(line).strip())
        before = sum(1 for line in lines if not base.clean(line).strip())
        stamp_ok = not rules.clean("Bản tin số 17 phát hành lúc 7:05").strip()
    print(f"corpus: {n} documents, {size_mb:.0f} MB JSONL, {learned.lines} lines (generated in {gen_s:.0f}s)")
    print(f"read + normalize only: {floor_s:.1f}s; learn: {learn_s:.1f}s; ratio {learn_s / floor_s:.2f}")
    print(f"peak RSS: {rss:.0f} MB (after generating: {rss_before:.0f} MB); counts may be low by "
          f"{learned.undercount} documents after pruning")
    print(f"{learned.summary()}")
    print(f"known template lines removed: vn-news {before}/{len(lines)}, vn-news + learned "
          f"{removed}/{len(lines)}; the issue-stamp shape: {'removed' if stamp_ok else 'kept'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
