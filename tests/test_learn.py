"""``vnclean learn``: on a synthetic corpus whose boilerplate is known, it proposes exactly that."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from cleaner import load_rules
from cleaner.examples import run_examples
from cleaner.learn import Learned, LearnOptions, iter_documents, learn
from cleaner.learn.counter import Counts
from cleaner.learn.keys import shape_key, shape_pattern
from cleaner.rules import RuleSet
from cleaner.text import fold_key
from tests.conftest import DEV, dev_inputs, needs_shared

HEADER = ["Chuyên trang Nông nghiệp Xanh", "Mục lục số ra hôm nay"]
FOOTER = ["Bản tin do Ban biên tập Nông nghiệp Xanh thực hiện", "Gửi phản hồi cho tòa soạn qua hộp thư góp ý"]
SUBJECTS = ["Nông dân xã Tân Phú", "Hợp tác xã Bình An", "Ông Nguyễn Văn Hải", "Bà Trần Thị Lan",
            "Sở Nông nghiệp tỉnh", "Các kỹ sư của viện lúa", "Người trồng cà phê ở Đắk Lắk",
            "Thương lái miền Tây", "Trạm khuyến nông huyện"]
VERBS = ["đã thu hoạch", "vừa mua", "đang chăm sóc", "cho biết đã bán", "dự kiến gieo trồng", "phải bỏ",
         "đã đưa vào thử nghiệm", "vừa nhận hỗ trợ"]
OBJECTS = ["lúa đông xuân", "giống sầu riêng mới", "phân bón hữu cơ", "hàng trăm tấn cà phê",
           "vườn thanh long", "hệ thống tưới nhỏ giọt", "đàn bò sữa", "cánh đồng mẫu lớn"]
PLACES = ["Cần Thơ", "An Giang", "Sóc Trăng", "Lâm Đồng", "Đồng Tháp", "Bến Tre", "Gia Lai", "Nghệ An"]


def _sentence(rng: random.Random) -> str:
    return (f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} ở {rng.choice(PLACES)} trong "
            f"{rng.randint(2, 400)} ngày qua, với giá {rng.randint(3, 90)}.{rng.randint(100, 999)} đồng.")


Corpus = tuple[list[str], dict[str, list[str]]]


def make_corpus(n: int = 30, seed: int = 7) -> Corpus:
    """Documents, and per kind the boilerplate lines written into them (everything else is article text)."""
    rng = random.Random(seed)
    docs: list[str] = []
    known: dict[str, list[str]] = {"header": [], "shape": [], "footer": []}
    for i in range(n):
        day, month = rng.randint(1, 28), rng.randint(1, 12)
        # Not a date line (the shipped meta-line rule takes "..., cập nhật 3/8/2024"): a shape learn finds.
        stamp = f"Mã tin NX-{rng.randint(1000, 9999)} - chuyên mục {day}{month}"
        body = [_sentence(rng) for _ in range(rng.randint(4, 8))]
        if i % 3 == 0:
            # Templated article text: one shape in a third of the documents, numbers varying. It must not
            # become a rule, because every such line is article text the shipped rules keep.
            body.insert(2, f"Nhiệt độ cao nhất trong ngày là {rng.randint(25, 40)} độ C.")
        if i % 4 == 0:
            # Lines that look like the boilerplate but are article text: the must-keep examples.
            body.insert(1, f"Chuyên trang Nông nghiệp Xanh đã đăng loạt bài về {rng.choice(OBJECTS)} "
                           f"ở {rng.choice(PLACES)} trong số {i}.")
        if i < 2:
            body.append("Hỏi đáp cùng kỹ sư nông nghiệp")  # in two documents only: below --min-docs 3
        # The template lines stand just inside the first and last paragraphs: above the title or under the
        # body, the shipped rules' structure rules would take them before learn could find them.
        docs.append("\n".join([body[0], *HEADER, stamp, *body[1:-1], *FOOTER, body[-1]]) + "\n")
        known["header"] += HEADER
        known["shape"].append(stamp)
        known["footer"] += FOOTER
    return docs, known


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return make_corpus()


@pytest.fixture(scope="module")
def learned(corpus: Corpus) -> Learned:
    return learn(corpus[0], options=LearnOptions(min_docs=3))


def _removed(rules: RuleSet, doc: str) -> list[str]:
    kept = Counter(rules.clean(doc).splitlines())
    out = []
    for line in doc.splitlines():
        if kept[line]:
            kept[line] -= 1
        else:
            out.append(line)
    return out


def test_learned_rules_remove_exactly_the_known_boilerplate(corpus: Corpus, learned: Learned) -> None:
    docs, known = corpus
    rules = RuleSet(learned.rules)
    removed = Counter(line for doc in docs for line in _removed(rules, doc))
    boilerplate = Counter(known["header"] + known["shape"] + known["footer"])
    assert removed == boilerplate  # every known line (recall 1) and no article line


def test_proposals_are_grouped_placed_and_explained(learned: Learned) -> None:
    by_kind = {("shape" if r.pattern else "lines"): r for r in learned.rules}
    assert len(learned.rules) == 3
    header = next(r for r in learned.rules if set(r.literals) == set(HEADER))
    footer = next(r for r in learned.rules if set(r.literals) == set(FOOTER))
    assert header.first == LearnOptions().edge_lines and header.last is None
    assert footer.last == LearnOptions().edge_lines and footer.first is None
    assert by_kind["shape"].pattern == shape_pattern("ma tin nx-<n> - chuyen muc <n>")
    assert "30 of 30 documents (100%)" in header.why
    for r in learned.rules:
        assert r.id.startswith("learned-")
        assert r.examples.change and r.examples.keep


def test_keep_examples_are_real_article_lines_that_look_alike(corpus: Corpus, learned: Learned) -> None:
    header = next(r for r in learned.rules if set(r.literals) == set(HEADER))
    text = "".join(corpus[0])
    assert all(k in text for k in header.examples.keep)
    assert any(k.startswith("Chuyên trang Nông nghiệp Xanh đã đăng loạt bài") for k in header.examples.keep)


def test_templated_article_sentences_are_rejected_with_a_reason(learned: Learned) -> None:
    reasons = {r.candidate.key: r.reason for r in learned.rejected}
    assert "keep as article text" in reasons["nhiet do cao nhat trong ngay la <n> do c"]
    assert not any("hoi dap" in r.candidate.key for r in learned.rejected)  # never a candidate at all
    assert all("hoi dap" not in fold_key(lit) for r in learned.rules for lit in r.literals)


def test_written_file_loads_passes_its_examples_and_cleans(tmp_path: Path, corpus: Corpus, learned: Learned,
                                                            run_cli) -> None:
    path = tmp_path / "learned.yaml"
    path.write_text(learned.to_yaml(), encoding="utf-8")
    outcomes = list(run_examples(path))
    assert outcomes and all(o.ok for o in outcomes), [o.describe() for o in outcomes if not o.ok]
    code, out, _ = run_cli("rules", "test", path)
    assert code == 0 and "0 failed" in out
    combined = load_rules("vn-news", path)
    docs, known = corpus
    for doc in docs:
        cleaned = combined.clean(doc).splitlines()
        assert not set(cleaned) & set(known["header"] + known["footer"] + known["shape"])
        boilerplate = set(known["header"] + known["footer"] + known["shape"])
        shipped = load_rules("vn-news").clean(doc).splitlines()
        assert cleaned == [line for line in shipped if line not in boilerplate]  # only the boilerplate went


def test_cli_learns_from_a_folder_skipping_gold_files(tmp_path: Path, corpus: Corpus, run_cli) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i, doc in enumerate(corpus[0]):
        (folder / f"doc_{i:03}.txt").write_text(doc, encoding="utf-8")
        # Gold files repeat the article lines; learning from them would make article text look repeated.
        (folder / f"doc_{i:03}.gold.txt").write_text("Một dòng lặp lại ở mọi tệp gold.\n", encoding="utf-8")
    out = tmp_path / "learned.yaml"
    code, stdout, err = run_cli("learn", folder, "-o", out, "--explain")
    assert code == 0, err
    assert "rejected" in stdout and "article text" in stdout
    assert "30 documents" in err
    text = out.read_text(encoding="utf-8")
    assert "mọi tệp gold" not in text and "Chuyên trang Nông nghiệp Xanh" in text
    cleaned = tmp_path / "clean"
    code, _, err = run_cli("clean", folder, "--glob", "doc_???.txt", "--rules", "vn-news", "--rules", out,
                           "-o", cleaned, "-q")
    assert code == 0, err
    assert "Mã tin" not in (cleaned / "doc_000.txt").read_text(encoding="utf-8")


def test_nothing_learned_leaves_an_existing_file_alone(tmp_path: Path, run_cli) -> None:
    (tmp_path / "a.txt").write_text("Một bài báo ngắn.\n", encoding="utf-8")
    out = tmp_path / "learned.yaml"
    out.write_text("# my reviewed rules\nrules: []\n", encoding="utf-8")
    code, _, err = run_cli("learn", tmp_path / "a.txt", "-o", out)
    assert code == 0 and "left as it was" in err
    assert out.read_text(encoding="utf-8") == "# my reviewed rules\nrules: []\n"


def test_jsonl_input_gives_the_same_rules(tmp_path: Path, corpus: Corpus, learned: Learned) -> None:
    path = tmp_path / "docs.jsonl"
    lines = [json.dumps({"body": d}, ensure_ascii=False) for d in corpus[0]]
    path.write_text("\n".join([*lines, "{not json", json.dumps({"title": "x"})]) + "\n", encoding="utf-8")
    items = list(iter_documents([str(path)], text_field="body"))
    errors = [str(x) for x in items if not hasattr(x, "text")]
    assert len(errors) == 2 and f"{path}:31:" in errors[0] and "--text-field" in errors[1]
    again = learn((x.text for x in items if hasattr(x, "text")), options=LearnOptions(min_docs=3))
    assert [r.id for r in again.rules] == [r.id for r in learned.rules]


def test_memory_stays_bounded_and_boilerplate_survives_pruning() -> None:
    docs, _ = make_corpus(n=200, seed=3)
    counts = Counts(max_keys=300)
    for doc in docs:
        counts.add(doc)
        assert len(counts.stats) <= 300
    assert counts.prunes > 0 and counts.undercount > 0
    top = sorted(counts.stats.values(), key=lambda r: -r[0])[:5]
    assert {r[4][0] for r in top} >= set(HEADER + FOOTER)


@pytest.mark.parametrize(("line", "shape"), [
    ("Thứ tư, 22/10/2025, 19:25 (GMT+7)", "<day>, <date>, <time> (gmt+<n>)"),
    ("Cập nhật lúc 19h30 ngày 5/3", "cap nhat luc <time> ngay <date>"),
    ("Ảnh: Phạm Duy", "anh: <name>"),
    ("Theo Lê Ánh", "theo <name>"),
    ("1.234 lượt xem", "<n> luot xem"),
    ("Theo ông Nam, giá sẽ còn tăng.", None),  # an article sentence, not a credit
    ("Đăng nhập", None),
])
def test_shape_keys(line: str, shape: str | None) -> None:
    assert shape_key(line) == shape


@needs_shared
def test_dev_corpus_learned_rules_keep_every_gold_line() -> None:
    docs = [p.read_text(encoding="utf-8") for p in dev_inputs()]
    learned = learn(docs, options=LearnOptions(min_docs=2, include_covered=True))
    assert learned.rules  # the header menus shared by the dantri pages
    rules, nothing = RuleSet(learned.rules), RuleSet()
    for p in dev_inputs():
        gold = Counter(fold_key(x) for x in (DEV / p.name.replace(".txt", ".gold.txt")).read_text(
            encoding="utf-8").splitlines() if x.strip())
        text = p.read_text(encoding="utf-8")
        out = Counter(fold_key(x) for x in rules.clean(text).splitlines())
        before = Counter(fold_key(x) for x in nothing.clean(text).splitlines())
        assert gold & out == gold & before, p.name  # every gold line the input had is still there
