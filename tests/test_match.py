"""The dispatch never loses a match: each line a pattern matches is among the lines handed to its rule."""

from __future__ import annotations

from conftest import dev_inputs, seed_files
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Rule, RuleSet, load_rules
from cleaner.document import Document
from cleaner.markup import LineFacts
from cleaner.match import anchored_at_end

VN_NEWS = load_rules("vn-news")


def _lines() -> list[str]:
    lines: list[str] = []
    for p in seed_files() + dev_inputs():
        lines += p.read_text(encoding="utf-8").split("\n")
    for r in VN_NEWS.rules:
        for item in (*r.examples.change, *r.examples.keep):
            lines += (item if isinstance(item, str) else item[0]).split("\n")
    variants = []
    for line in lines:
        variants += ["  " + line, "\t" + line, "\N{NO-BREAK SPACE}" + line, line.upper(),
                     line[len(line) // 2:], line + " ", line[: len(line) // 2]]
    return [x for x in dict.fromkeys(lines + variants) if x.strip()]


def _missed(rules: RuleSet, lines: list[str]) -> list[tuple[str, str]]:
    """Lines a rule's pattern matches that the dispatch did not hand to it, in a text and in a page."""
    page = Document(lines, markup=[LineFacts()] * len(lines))
    return _missed_in(rules, Document(lines)) + _missed_in(rules, page)


def _missed_in(rules: RuleSet, doc: Document) -> list[tuple[str, str]]:
    doc.fold_all()
    may = rules._dispatch.candidates(doc)
    missed = []
    for step in rules.steps:
        m = step.matcher
        if m.pat is None or (step.needs_markup and not doc.has_markup):
            continue  # a rule that reads markup takes no line of a text
        handed = {id(ln) for ln in may[step.index]}
        missed += [(step.rule.id, ln.text) for ln in doc.text_lines
                   if id(ln) not in handed and m.search(ln) is not None]
    return missed


def test_no_shipped_rule_loses_a_match_on_real_lines() -> None:
    lines = _lines()
    assert len(lines) > 1000
    assert _missed(VN_NEWS, lines) == []


def test_the_dispatch_narrows_most_rules() -> None:
    d = VN_NEWS._dispatch
    assert len(d.heads) >= 25 and len(d.tails) >= 5
    lines = [x for p in seed_files() + dev_inputs() for x in p.read_text(encoding="utf-8").split("\n")]
    doc = Document(lines)
    doc.fold_all()
    may = d.candidates(doc)
    handed = sum(len(m) for m in may)
    # On real pages the patterns run on under a quarter of the (line, rule) pairs, not on every one; the
    # rest of the work (word counts, positions) then runs on those few lines only.
    assert handed < 0.25 * len(doc.text_lines) * len(VN_NEWS.rules)


def test_a_text_hands_no_line_to_the_rules_that_read_markup() -> None:
    markup_rules = [s.index for s in VN_NEWS.steps if s.needs_markup]
    assert markup_rules
    lines = ["Thời sự", "Hà Nội mưa to."]
    text = VN_NEWS._dispatch.candidates(Document(lines))
    page = VN_NEWS._dispatch.candidates(Document(lines, markup=[LineFacts()] * 2))
    assert all(text[k] == [] for k in markup_rules)
    assert all(len(page[k]) == 2 for k in markup_rules if VN_NEWS.steps[k].rule.pattern == r"\S")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from([*"aăâdđeêioôơuưy AĐÊÔƠƯ0123456789.,:;!?()-–|•/\t",
                                          "tin liên quan", "Ảnh: ", " - 1", "Theo ", "ảnh", "Video",
                                          "https://", "©", "xem thêm", "hoà", "Hòa"]),
                         min_size=1, max_size=30).map("".join), min_size=1, max_size=20))
def test_no_shipped_rule_loses_a_match_on_any_line(lines: list[str]) -> None:
    assert _missed(VN_NEWS, [x for x in lines if x.strip()] or ["x"]) == []


def test_user_patterns_of_every_shape_are_handed_their_lines() -> None:
    rules = RuleSet([
        Rule(id="head", why="w", pattern=r"^\s*(?:xem thêm|đọc thêm)\s*:"),
        Rule(id="tail", why="w", pattern=r"\s[-–]\s*\d+$"),
        Rule(id="lits", why="w", pattern=r"©|\bcopyright\b"),
        Rule(id="any", why="w", pattern=r"(?:ab){e<=1}x"),
        Rule(id="fold", why="w", pattern=r"^tin lien quan$", ignore_diacritics=True),
        Rule(id="words", why="w", literals=("Menu", "Trang chủ")),
    ])
    lines = ["  Xem thêm: giá vàng", "Tiêu đề - 2", "COPYRIGHT 2024", "abx", "acx", "TIN LIÊN QUAN", "menu",
             "Trang Chủ", "Bài viết"]
    assert _missed(rules, lines) == []
    assert rules.clean("\n".join(lines)) == "Bài viết\n"


def test_anchored_at_end() -> None:
    assert anchored_at_end(r"(?:\s[-–—]\s*\d{1,3}\s*$)")
    assert anchored_at_end(r"a$|b\s*$")
    assert not anchored_at_end(r"a$|b")
    assert not anchored_at_end(r"a\$")
    assert not anchored_at_end(r"(?:a$)?b")


def test_searching_from_the_end_finds_the_lines_a_forward_search_finds() -> None:
    lines = _lines()
    reversed_find = 0
    for step in VN_NEWS.steps:
        m = step.matcher
        if m.pat is None or m.find == m.pat.search or m.find == m.pat.match:
            continue
        reversed_find += 1
        for line in lines:
            text = m.text(Document([line]).lines[0])
            assert (m.find(text) is None) == (m.pat.search(text) is None), (step.rule.id, line)
    assert reversed_find >= 2
