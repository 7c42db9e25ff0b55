"""``cleaner.dedup`` and ``vnclean dedup``: planted copies and near-copies found, distinct articles not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner.dedup import Deduplicator, clusters, dedup_paths, find_duplicates, shingles
from tests.conftest import SHARED

CORPORA = [SHARED / "corpus" / "dev", SHARED / "corpus" / "dev2"]
needs_dev = pytest.mark.skipif(not all(c.is_dir() for c in CORPORA),
                               reason=f"the shared dev and dev2 corpora are not at {SHARED / 'corpus'}")

MENU = ["Trang chủ", "Thời sự", "Thế giới", "Kinh doanh", "Giải trí", "Thể thao", "Pháp luật", "Giáo dục",
        "Sức khỏe", "Đời sống", "Du lịch", "Số hóa", "Xe", "Ý kiến", "Tâm sự", "Hài"]


def _inputs() -> list[Path]:
    return sorted(p for c in CORPORA for p in c.glob("*.txt") if not p.name.endswith(".gold.txt"))


def _plant(docs: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Copies of every fourth document: identical, with another byline, and without one long paragraph.

    Returns the corpus (originals first, copies after) and, per copy, the original it repeats.
    """
    planted: list[tuple[str, str]] = []
    expected: dict[str, str] = {}
    for name, text in docs[::4]:
        lines = text.splitlines()
        longs = [i for i, line in enumerate(lines) if len(line.split()) >= 25]
        copies = {f"same-{name}": text,
                  f"byline-{name}": "\n".join([*lines, "Nguyễn Văn Bình - Lê Thu Hà"]) + "\n"}
        if len(longs) >= 4:  # an article of four paragraphs or more loses one of them in the middle
            drop = longs[len(longs) // 2]
            copies[f"cut-{name}"] = "\n".join(line for i, line in enumerate(lines) if i != drop) + "\n"
        for copy_name, copy in copies.items():
            planted.append((copy_name, copy))
            expected[copy_name] = name
    return docs + planted, expected


@needs_dev
def test_every_planted_copy_is_found_and_no_distinct_articles_are_clustered() -> None:
    docs = [(p.name, p.read_text(encoding="utf-8")) for p in _inputs()]
    corpus, expected = _plant(docs)
    assert len(docs) >= 40 and sum(k.startswith("cut-") for k in expected) >= 8
    verdicts = list(find_duplicates(corpus))
    found = {v.name: v.duplicate_of for v in verdicts if v.duplicate}
    assert found == expected  # each copy points at its original; no original at another original
    by_name = {v.name: v for v in verdicts}
    assert all(by_name[n].identical and by_name[n].similarity == 1.0 for n in expected
               if n.startswith("same-"))
    assert all(not by_name[n].identical and by_name[n].similarity >= 0.7 for n in expected
               if not n.startswith("same-"))
    assert len(clusters(verdicts)) == len(docs[::4])


def _article(seed: int, paragraphs: int = 6) -> list[str]:
    subjects = ["Nông dân xã Tân Phú", "Hợp tác xã Bình An", "Ông Nguyễn Văn Hải", "Bà Trần Thị Lan",
                "Sở Nông nghiệp tỉnh", "Các kỹ sư của viện lúa", "Thương lái miền Tây"]
    verbs = ["đã thu hoạch", "vừa mua", "đang chăm sóc", "cho biết đã bán", "dự kiến gieo trồng"]
    things = ["lúa đông xuân", "giống sầu riêng mới", "phân bón hữu cơ", "vườn thanh long", "đàn bò sữa"]
    out = []
    for k in range(paragraphs):
        n = seed * 31 + k * 7
        out.append(f"{subjects[n % 7]} {verbs[n % 5]} {things[(n // 5) % 5]} trong {n % 97 + 2} ngày qua, "
                   f"với giá {n % 89 + 3}.{n % 900 + 100} đồng một ký, tăng {n % 13 + 1}% so với vụ trước "
                   f"theo số liệu của trạm số {seed}-{k}.")
    return out


def test_pages_of_one_template_with_different_articles_are_not_alike() -> None:
    """A long shared menu and footer do not make two articles of one site duplicates."""
    footer = ["Bản quyền thuộc về Nông nghiệp Xanh", "Liên hệ quảng cáo: 0912 345 678"]
    pages = [(f"p{i}", "\n".join([*MENU, *_article(i), *footer]) + "\n") for i in range(6)]
    assert not any(v.duplicate for v in find_duplicates(pages))


def test_identical_blank_and_short_documents() -> None:
    dd = Deduplicator()
    assert not dd.check("blank", "\n  \n").duplicate
    assert not dd.check("blank2", "").duplicate  # a blank document is no copy of another
    assert not dd.check("a", "Tin ngắn.").duplicate
    v = dd.check("b", "  Tin   ngắn.\n\n")  # the same text once spacing is folded
    assert v.duplicate_of == "a" and v.identical
    assert dd.documents == 4 and dd.duplicates == 1
    with pytest.raises(ValueError, match="not a similarity"):
        Deduplicator(0)


def test_a_copy_is_compared_by_its_body_not_its_byline_or_date() -> None:
    body = _article(3)
    a = "\n".join(["Thứ hai, 3/6/2024, 08:15", *body, "Lê Ánh"])
    b = "\n".join(["Thứ ba, 4/6/2024, 10:40", *body, "Phạm Duy - TTXVN"])
    assert shingles(a) == shingles(b)
    (_, second) = find_duplicates([("a", a), ("b", b)])
    assert second.duplicate_of == "a" and second.similarity == 1.0 and not second.identical


def _folder(tmp_path: Path) -> Path:
    src = tmp_path / "crawl"
    (src / "site").mkdir(parents=True)
    article = "\n".join([*MENU, *_article(1)]) + "\n"
    (src / "site" / "a.txt").write_text(article, encoding="utf-8")
    (src / "site" / "b.txt").write_text("\n".join([*MENU, *_article(2)]) + "\n", encoding="utf-8")
    (src / "site" / "c.txt").write_text(article.replace("Trang chủ", "Trang chính"), encoding="utf-8")
    (src / "z.txt").write_text(article, encoding="utf-8")
    return src


def test_cli_lists_clusters_and_writes_nothing_by_default(tmp_path: Path, run_cli) -> None:
    src = _folder(tmp_path)
    code, out, err = run_cli("dedup", src)
    assert code == 0
    # A folder's own files come before its subfolders' (the walk's order), so z.txt is read first.
    assert out.splitlines() == [f"== {src / 'z.txt'}  (first of 3)",
                                f"  identical  {src / 'site' / 'a.txt'}",
                                f"  1.00       {src / 'site' / 'c.txt'}"]
    assert "4 documents, 2 distinct; 1 clusters hold 2 duplicates (1 identical, 1 near)" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crawl"]


def test_cli_keep_first_writes_one_member_per_cluster_byte_for_byte(tmp_path: Path, run_cli) -> None:
    src = _folder(tmp_path)
    report = tmp_path / "dups.json"
    code, _, err = run_cli("dedup", src, "-o", tmp_path / "unique", "--keep", "first", "--report", report)
    assert code == 0 and "2 duplicates not written" in err
    written = sorted(str(p.relative_to(tmp_path / "unique")) for p in (tmp_path / "unique").rglob("*.txt"))
    assert written == ["site/b.txt", "z.txt"]
    assert (tmp_path / "unique" / "z.txt").read_bytes() == (src / "z.txt").read_bytes()
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"]["duplicates"] == 2 and data["summary"]["distinct"] == 2
    (cluster,) = data["clusters"]
    assert cluster["first"] == str(src / "z.txt") and cluster["size"] == 3


def test_cli_refuses_to_drop_without_being_told_how(tmp_path: Path, run_cli) -> None:
    src = _folder(tmp_path)
    code, _, err = run_cli("dedup", src, "-o", tmp_path / "unique")
    assert code == 2 and "--keep first" in err and not (tmp_path / "unique").exists()
    code, _, err = run_cli("dedup", src, "--keep", "first")
    assert code == 2 and "--keep needs -o DIR" in err
    code, _, err = run_cli("dedup", src, "-o", src, "--keep", "first")
    assert code == 2 and "input folder" in err


def test_jsonl_records_are_deduplicated_and_bad_records_kept(tmp_path: Path, run_cli) -> None:
    src = tmp_path / "crawl.jsonl"
    article = "\n".join(_article(5))
    lines = [json.dumps({"id": 1, "text": article}, ensure_ascii=False),
             json.dumps({"id": 2, "text": "\n".join(_article(6))}, ensure_ascii=False),
             "{not json",
             json.dumps({"id": 3, "text": article + "\nẢnh: Lê Ánh"}, ensure_ascii=False),
             json.dumps({"id": 4, "body": "no text"})]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(dedup_paths([str(src)], out_dir=tmp_path / "out"))
    dups = [i for i in items if getattr(i, "duplicate", False)]
    assert [(d.name, d.duplicate_of) for d in dups] == [(f"{src}:4", f"{src}:1")]
    out = (tmp_path / "out" / "crawl.jsonl").read_text(encoding="utf-8").splitlines()
    assert out == [lines[0], lines[1], lines[2], lines[4]]  # only the copy is left out, the rest as it came
    code, _, err = run_cli("dedup", src, "-q")
    assert code == 0 and f"{src}:3: not a JSON object" in err and f"{src}:5: no text field 'text'" in err


def test_an_unreadable_input_is_an_error_and_the_others_go_on(tmp_path: Path, run_cli) -> None:
    src = _folder(tmp_path)
    (src / "bad.txt").write_bytes(b"Xin ch\xe0o")
    code, out, err = run_cli("dedup", src)
    assert code == 2 and "bad.txt:1: not valid utf-8" in err and "(first of 3)" in out


def test_a_full_index_still_finds_copies_of_what_it_holds_and_says_so(tmp_path: Path, run_cli) -> None:
    docs = [(f"d{i}", "\n".join(_article(i))) for i in range(4)]
    dd = Deduplicator(max_index=2)
    verdicts = [dd.check(n, t) for n, t in [*docs, ("copy0", docs[0][1]), ("copy3", docs[3][1])]]
    assert [v.duplicate_of for v in verdicts] == [None, None, None, None, "d0", None]
    assert dd.unindexed == 3 and dd.full  # d2, d3 and copy3: compared, not indexed
    src = _folder(tmp_path)
    code, _, err = run_cli("dedup", src, "--max-index", "1")
    assert code == 0 and "the index was full (1 distinct documents)" in err


def test_readme_documents_every_dedup_flag() -> None:
    import re

    from cleaner.cli import build_parser
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = re.search(r"<!-- BEGIN dedup -->\n(.*?)<!-- END dedup -->", readme, re.S)
    assert section, "README has no 'dedup' section"
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    dedup = sub.choices["dedup"]  # type: ignore[attr-defined]
    for action in dedup._actions:
        for flag in action.option_strings:
            if flag not in ("-h", "--help"):
                assert f"`{flag}" in section.group(1), f"README 'dedup' section does not mention {flag}"
