"""``vnclean learn`` on corpora with repeated documents: it learns the template, never an article."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from cleaner import load_rules
from cleaner.examples import run_examples
from cleaner.learn import Learned, LearnOptions, learn
from cleaner.rules import RuleSet
from cleaner.text import fold_key
from tests.conftest import SHARED

CORPORA = [SHARED / "corpus" / "dev", SHARED / "corpus" / "dev2"]
needs_dev = pytest.mark.skipif(not all(c.is_dir() for c in CORPORA),
                               reason=f"the shared dev and dev2 corpora are not at {SHARED / 'corpus'}")


def _inputs() -> list[Path]:
    return sorted(p for c in CORPORA for p in c.glob("*.txt") if not p.name.endswith(".gold.txt"))


def _gold(p: Path) -> Path:
    return p.with_name(p.name.replace(".txt", ".gold.txt"))


def _crawl(tmp_path: Path) -> Path:
    """Every dev and dev2 input once, and one in three of them repeated 2-4 times (one copy bylined)."""
    rng = random.Random(13)
    root = tmp_path / "crawl"
    for n, p in enumerate(_inputs()):
        site = root / p.parent.name
        site.mkdir(parents=True, exist_ok=True)
        text = p.read_text(encoding="utf-8")
        (site / p.name).write_text(text, encoding="utf-8")
        if n % 3 == 0:
            for k in range(1, rng.randint(2, 4)):
                copy = text if k % 2 else text + "\nPhóng viên Trần Minh\n"
                (site / f"{p.stem}.copy{k}.txt").write_text(copy, encoding="utf-8")
    return root


def _gold_lines_lost(rules: RuleSet) -> dict[str, list[str]]:
    """Per document, the gold lines its input has that these rules remove."""
    nothing = RuleSet()
    lost: dict[str, list[str]] = {}
    for p in _inputs():
        gold = Counter(fold_key(x) for x in _gold(p).read_text(encoding="utf-8").splitlines() if x.strip())
        text = p.read_text(encoding="utf-8")
        before = gold & Counter(fold_key(x) for x in nothing.clean(text).splitlines())
        after = gold & Counter(fold_key(x) for x in rules.clean(text).splitlines())
        if before - after:
            lost[p.name] = list(before - after)[:3]
    return lost


@needs_dev
def test_learn_with_the_lowest_thresholds_proposes_no_rule_that_removes_a_gold_line(tmp_path: Path,
                                                                                     run_cli) -> None:
    crawl = _crawl(tmp_path)
    assert len(list(crawl.rglob("*.copy*.txt"))) >= 15
    out = tmp_path / "learned.yaml"
    # vn-news removes every template these corpora share; without its in-page related-news block there is
    # something left to learn ("Đọc nhiều nhất" widgets), so the check below is not made on no rule at all.
    base_file = tmp_path / "base.yaml"
    base_file.write_text("name: base\nextends: vn-news\nskip: [related-block]\n", encoding="utf-8")
    code, _, err = run_cli("learn", crawl, "--min-docs", "2", "--min-share", "0", "--rules", base_file,
                           "-o", out)
    assert code == 0, err
    assert "duplicates counted once" in err
    learned = load_rules(str(out))
    assert learned.rules
    for rule in learned.rules:
        assert not _gold_lines_lost(RuleSet([rule])), rule.id
    assert all(o.ok for o in run_examples(out))
    # Added to their base, the learned rules leave every document at least half of what the base keeps.
    base, both = load_rules(str(base_file)), load_rules(str(base_file), str(out))
    for p in _inputs():
        text = p.read_text(encoding="utf-8")
        kept, with_learned = (sum(map(len, r.clean(text).split())) for r in (base, both))
        assert with_learned >= 0.5 * kept, p.name


@needs_dev
def test_without_dedup_the_template_checks_alone_keep_every_gold_line() -> None:
    docs = []
    for n, p in enumerate(_inputs()):
        docs += [p.read_text(encoding="utf-8")] * (1 + n % 3)  # some documents two or three times
    # As above: a base without the in-page related-news block leaves these corpora something to learn.
    base = load_rules("vn-news").without("related-block")
    learned = learn(docs, base=base, options=LearnOptions(min_docs=2, min_share=0, dedup=False))
    assert learned.duplicates == 0 and learned.rules
    assert not _gold_lines_lost(RuleSet(learned.rules))
    reasons = " ".join(r.reason for r in learned.rejected)
    assert "sentence-shaped body text" in reasons and "an article these documents share" in reasons


# -- synthetic corpora: known templates, known articles ------------------------------------------------------

HEADER = ["Báo Nông nghiệp Xanh", "Chuyên mục Thị trường"]
FOOTER = ["Bản tin do Ban biên tập Nông nghiệp Xanh thực hiện", "Gửi phản hồi cho tòa soạn qua hộp thư góp ý"]
PLACES = ["Cần Thơ", "An Giang", "Sóc Trăng", "Lâm Đồng", "Đồng Tháp", "Bến Tre", "Gia Lai", "Nghệ An"]
CROPS = ["lúa", "cà phê", "sầu riêng", "thanh long", "hồ tiêu", "điều", "cao su", "xoài"]


def _article(rng: random.Random, paragraphs: int) -> list[str]:
    return [f"Tại {rng.choice(PLACES)}, giá {rng.choice(CROPS)} hôm qua là {rng.randint(10, 99)}."
            f"{rng.randint(100, 999)} đồng một ký, {rng.choice(['tăng', 'giảm'])} {rng.randint(1, 30)}% "
            f"so với tuần trước, theo báo cáo số {rng.randint(1000, 9999)} của sở."
            for _ in range(paragraphs)]


def _pages(n: int, seed: int = 5) -> list[str]:
    # The template lines stand just inside the first and last paragraphs: above or under the body, the
    # shipped rules' structure rules would take them before learn could find them.
    rng = random.Random(seed)
    pages = []
    for _ in range(n):
        body = _article(rng, rng.randint(3, 6))
        pages.append("\n".join([body[0], *HEADER, *body[1:-1], *FOOTER, body[-1]]) + "\n")
    return pages


def _proposed_lines(learned: Learned) -> set[str]:
    return {fold_key(x) for r in learned.rules for x in r.literals}


def test_an_article_crawled_three_times_is_counted_once() -> None:
    pages = _pages(12)
    learned = learn([*pages, pages[0], pages[0]], options=LearnOptions(min_docs=2, min_share=0))
    assert learned.duplicates == 2 and learned.documents == 12
    assert _proposed_lines(learned) == {fold_key(x) for x in HEADER + FOOTER}


def test_a_shared_article_is_rejected_with_its_reasons_even_without_dedup(run_cli, tmp_path: Path) -> None:
    pages = _pages(12)
    shared = pages[0]
    learned = learn([*pages, shared, shared], options=LearnOptions(min_docs=2, min_share=0, dedup=False))
    body = {fold_key(x) for x in shared.splitlines()} - {fold_key(x) for x in HEADER + FOOTER}
    assert not _proposed_lines(learned) & body
    rejected = {r.candidate.key: r.reason for r in learned.rejected}
    assert body <= set(rejected)
    assert all("sentence-shaped body text" in rejected[k] or "an article these documents share" in rejected[k]
               for k in body)
    for n, page in enumerate([*pages, shared, shared]):
        (tmp_path / f"p{n:02}.txt").write_text(page, encoding="utf-8")
    code, out, err = run_cli("learn", tmp_path, "--min-docs", "2", "--min-share", "0", "--explain")
    assert code == 0 and "(and 2 duplicates counted once)" in err
    proposed = [line for line in out.splitlines() if line.startswith("proposed")]
    assert proposed and not any(fold_key(line.split(maxsplit=4)[-1]) in body for line in proposed)


def test_a_title_that_comes_with_its_article_is_rejected_as_the_article() -> None:
    """A short line (a title) that occurs in exactly the documents of a shared article goes with it."""
    pages = _pages(12)
    title = "Giá nông sản tuần này"
    story = _article(random.Random(99), 4)
    shared = "\n".join([*HEADER, title, *story, *FOOTER]) + "\n"
    # A rewrite: the title and two paragraphs kept, four new ones; too different to be a near-duplicate.
    other = "\n".join([*HEADER, title, *story[:2], *_article(random.Random(98), 4), *FOOTER]) + "\n"
    learned = learn([*pages, shared, other], options=LearnOptions(min_docs=2, min_share=0))
    assert learned.duplicates == 0
    assert fold_key(title) not in _proposed_lines(learned)
    reason = next(r.reason for r in learned.rejected if r.candidate.key == fold_key(title))
    assert "an article these documents share, not a template" in reason


def test_a_title_quoted_in_another_page_is_at_no_consistent_position() -> None:
    """A page's title, and the same title in another page's related-news box near its end."""
    rng = random.Random(3)
    title = "Giá nông sản tuần này"
    pages = _pages(30)  # two pages of 32 have the title: under the 10% that would make it widespread
    pages.append("\n".join([*HEADER, title, *_article(rng, 30), *FOOTER]) + "\n")
    pages.append("\n".join([*HEADER, *_article(rng, 30), "Tin liên quan", title, *FOOTER]) + "\n")
    learned = learn(pages, options=LearnOptions(min_docs=2, min_share=0))
    assert fold_key(title) not in _proposed_lines(learned)
    reason = next(r.reason for r in learned.rejected if r.candidate.key == fold_key(title))
    assert "at no consistent position" in reason


def test_a_candidate_that_would_remove_a_document_body_is_rejected() -> None:
    """A short repeated line that is the whole article text of one document is not a template there."""
    pages = _pages(8)
    note = "Giá ổn định."  # ends a sentence, too short to be body-shaped on its own
    pages = [p.replace(FOOTER[0], f"{note}\n{FOOTER[0]}") for p in pages]
    pages.append("\n".join([*HEADER, note, *FOOTER]) + "\n")  # its only article text
    learned = learn(pages, options=LearnOptions(min_docs=2, min_share=0, sample_docs=100))
    assert fold_key(note) not in _proposed_lines(learned)
    reason = next(r.reason for r in learned.rejected if r.candidate.key == fold_key(note))
    assert "would remove the body of a sampled document" in reason
    assert {fold_key(x) for x in HEADER} <= _proposed_lines(learned)


def test_keep_examples_include_the_paragraphs_around_a_template_line() -> None:
    pages = _pages(12)
    learned = learn(pages, options=LearnOptions(min_docs=2, min_share=0))
    footer = next(r for r in learned.rules if fold_key(FOOTER[0]) in {fold_key(x) for x in r.literals})
    # the paragraphs just above and just under the footer
    last_paragraphs = {p.splitlines()[i] for p in pages for i in (-len(FOOTER) - 2, -1)}
    assert set(footer.examples.keep) & last_paragraphs
