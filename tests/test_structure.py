"""The page's structure: line shapes, the body and title, and the shape/zone/run conditions built on them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cleaner import Rule, RuleSet, load_rules
from cleaner.document import Document
from cleaner.errors import RuleError
from cleaner.structure import find_layout, run_lengths, shape_of

P1 = "Sáng nay, một xe khách chở 30 người đã lật trên đèo Bảo Lộc khiến nhiều người bị thương."
P2 = "Cơ quan chức năng đang điều tra nguyên nhân vụ tai nạn, theo lời một cán bộ công an tỉnh."
P3 = "Theo người dân địa phương, đoạn đèo này thường có sương mù dày vào sáng sớm và chiều tối."
TITLE = "Xe khách lật trên đèo Bảo Lộc, nhiều người bị thương"
MENU = ["Trang chủ", "Thời sự", "  • Giao thông", "  • Đô thị", "Đăng nhập"]
RELATED = ["Giá vàng hôm nay tăng mạnh ở mọi thị trường trong nước",
           "Hà Nội mưa lớn, nhiều tuyến phố ngập sâu trong đêm", "Bão số 3 đổ bộ vào các tỉnh miền Trung",
           "Xe khách lật trên đèo, hai mươi người bị thương nhẹ"]
FOOTER = ["Rao vặt", "Cần bán căn hộ hai phòng ngủ gần trung tâm",
          "Thời sự | Thế giới | Kinh doanh | Giải trí"]


@pytest.mark.parametrize(("line", "shape"), [
    (P1, "paragraph"),
    ("Trời lạnh.", "sentence"),  # a short sentence still closes a story
    ("KHI PHÁT HIỆN CHÓ CHẠY RÔNG, LỰC LƯỢNG CHỨC NĂNG SẼ TẠM GIỮ.", "sentence"),  # capitals are text too
    (TITLE, "headline"),
    ("  • Phát hiện xác người bị chặt, bỏ trong bao tải", "headline"),  # a bullet is set aside first
    ("Vì sao giá xăng giảm mạnh?", "headline"),  # a short question is a headline's form
    ("Thời sự | Thế giới | Kinh doanh | Giải trí", "menu"),
    ("Đăng nhập", "short"),
])
def test_shape_of_a_line(line: str, shape: str) -> None:
    assert shape_of(line).is_(shape)


def test_shapes_that_are_not_headlines() -> None:
    assert not shape_of("Đời sống | Cập nhật thứ hai, ngày 24/12/12 11:05 tối").headline  # furniture
    assert not shape_of("TIN LIÊN QUAN ĐẾN VỤ VIỆC").headline  # a label in capitals...
    assert shape_of("GIÁ VÀNG TĂNG MẠNH TRONG PHIÊN SÁNG").titled  # ...that can still be a title
    assert not shape_of(P1).headline and not shape_of("Đăng nhập").headline


def _zones(lines: list[str]) -> list[str]:
    layout = find_layout([shape_of(line) for line in lines])
    assert layout is not None
    return [layout.zone_of(i) for i in range(len(lines))]


def test_layout_finds_title_and_body_between_menus_and_footer() -> None:
    lines = [*MENU, TITLE, "Thứ tư, 22/10/2025, 19:25", P1, P2, *RELATED, *FOOTER]
    zones = _zones(lines)
    assert zones[:len(MENU)] == ["before_title"] * len(MENU)
    assert zones[len(MENU)] == "title"
    assert zones[len(MENU) + 1] == "header"
    assert zones[len(MENU) + 2:len(MENU) + 4] == ["body", "body"]
    assert set(zones[len(MENU) + 4:]) == {"after_body"}


def test_body_bridges_an_intertitle_but_not_a_comment_form() -> None:
    form = ["Gửi phản hồi", "Tên của bạn (*)", "Email (*)", "Phản hồi của bạn (*)", "Mã xác nhận",
            "Nhập mã xác nhận (*)"]
    zones = _zones([TITLE, P1, "Nguyên nhân ban đầu", P2, *form, P3])
    assert zones[1:4] == ["body"] * 3  # the intertitle stands inside the body
    assert zones[-1] == "after_body"  # one paragraph past six lines of form is another page's text


def test_sapo_above_a_related_box_starts_the_body() -> None:
    zones = _zones([TITLE, P1, *RELATED, P2, P3])
    assert zones[:2] == ["title", "body"]


def test_a_list_after_a_colon_and_a_signed_quote_end_the_body() -> None:
    intro = "Sở Giáo dục vừa công bố danh sách các trường được tuyển sinh bổ sung năm nay, gồm:"
    zones = _zones([P1, intro, "- Trường THPT Nguyễn Du", "- Trường THPT Lê Lợi", "Tin mới"])
    assert zones == ["body", "body", "list", "list", "after_body"]  # a list is part of the body
    quote = "“Chúng tôi sẽ làm rõ trách nhiệm của từng cá nhân, tập thể liên quan trong vụ việc này”."
    zones = _zones([P1, quote, "Ông Nguyễn Văn A - Giám đốc Sở Giao thông vận tải", "Tin mới"])
    assert zones == ["body"] * 3 + ["after_body"]


def test_no_paragraph_no_layout() -> None:
    assert find_layout([shape_of(line) for line in MENU]) is None
    assert find_layout([]) is None


def test_run_lengths() -> None:
    assert run_lengths([True, True, False, True, True, True]) == [2, 2, 0, 3, 3, 3]
    assert run_lengths([]) == []


# -- the shipped structure rules on a full page -----------------------------------------------------------

PAGE = "\n".join([*MENU, TITLE, "Thứ tư, 22/10/2025, 19:25", P1, "Nguyên nhân ban đầu", P2, P3,
                  *RELATED, *FOOTER]) + "\n"


def test_shipped_rules_keep_title_and_body_of_a_full_page() -> None:
    assert load_rules("vn-news").clean(PAGE) == "\n".join([TITLE, P1, "Nguyên nhân ban đầu", P2, P3]) + "\n"


def test_explain_says_why_a_structure_rule_took_a_line() -> None:
    result = load_rules("vn-news").explain(PAGE)
    by_line = {c.line: c for c in result.changes if c.action == "drop"}
    advert = by_line[len(MENU) + 6 + len(RELATED) + 2]
    assert advert.rule == "chrome-after-body"
    assert advert.reason == "after the last body paragraph, not a sentence"
    assert "[after the last body paragraph, not a sentence]" in advert.describe()
    # paragraphs of 34 words, two on each side: three headlines between them stand inside the body
    text = "\n".join([TITLE, f"{P1} {P2}", f"{P2} {P3}", *RELATED, f"{P3} {P1}", f"{P1} {P3}"]) + "\n"
    inside = load_rules("vn-news").explain(text)
    related = next(c for c in inside.changes if c.line == 4)
    assert related.rule == "headline-run"
    assert related.reason == ("not in a list the story introduces, headline-shaped, "
                              "in a run of 4 or more such lines")
    assert by_line[len(MENU) + 6 + len(RELATED) + 3].rule == "section-list"  # a word rule has no reason
    assert by_line[len(MENU) + 6 + len(RELATED) + 3].reason is None


def test_structure_rules_decide_the_same_on_their_own_output() -> None:
    rules = load_rules("vn-news")
    once = rules.clean(PAGE)
    assert rules.clean(once) == once


def test_zones_are_read_again_once_the_rules_settle() -> None:
    # In the first pass the paragraph under the related box makes it part of the body, so the tail block
    # stands down (it would take too much of the text) and the intertitle above it stays in the body; once
    # headline-run took the box, the block takes the heading and the paragraph, and the zones read on the
    # lines that stay put the intertitle under the body. A second run over the output reads those zones:
    # the first run must too.
    intertitle = "Nguyên nhân ban đầu của vụ tai nạn trên đèo"
    page = "\n".join([TITLE, f"{P1} {P2}", f"{P2} {P1}", intertitle, "Tin nổi bật", *RELATED,
                      f"{P3} {P2}"]) + "\n"
    rules = load_rules("vn-news")
    once = rules.clean(page)
    assert once.splitlines() == [TITLE, f"{P1} {P2}", f"{P2} {P1}"]
    assert rules.clean(once) == once


def test_structure_rules_can_be_switched_off_for_a_site(tmp_path: Path) -> None:
    site = tmp_path / "site.yaml"
    site.write_text("extends: vn-news\nskip: [chrome-after-body, teaser-after-body, headline-run]\n",
                    encoding="utf-8")
    out = load_rules(site).clean(PAGE)
    assert RELATED[1] in out and FOOTER[1] in out
    assert FOOTER[2] not in out  # the menu row is still a section list


def test_a_line_is_shaped_only_where_a_rule_needs_its_shape() -> None:
    # A shape costs more than a search: "the first sentence" shapes the lines down to it, and a rule with
    # a pattern shapes only the lines its pattern matched.
    rules = RuleSet([Rule(id="tag", why="w", action="strip", pattern=r"^\(XYZ\) ", shape="sentence", first=1),
                     Rule(id="date", why="w", pattern=r"^\d+/\d+$", shape="not_sentence")])
    doc = Document(["(XYZ) " + P1, "(XYZ) " + P2, "Tin mới", P3, "12/3"])
    rules.apply(doc)
    assert [ln.text for ln in doc.kept()] == [P1, "(XYZ) " + P2, "Tin mới", P3]
    assert [ln.text for ln in doc.lines if ln._shape is not None] == [P1, "12/3"]


# -- the conditions in a user's rule file ---------------------------------------------------------------


def _rules(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def test_a_rule_with_only_structure_conditions_needs_no_pattern(tmp_path: Path) -> None:
    rules = load_rules(_rules(tmp_path, """
        rules:
          - id: my-teasers
            why: my-site prints teaser sentences under the article
            zone: after_body
            shape: sentence
        """))
    text = f"{TITLE}\n{P1}\n{P2}\nTin mới\nGiá vàng hôm nay tăng mạnh.\n"
    assert rules.clean(text) == f"{TITLE}\n{P1}\n{P2}\nTin mới\n"


def test_with_a_shape_first_counts_lines_of_that_shape(tmp_path: Path) -> None:
    rules = load_rules(_rules(tmp_path, """
        rules:
          - id: lead-tag
            why: a tag on the lead, below the menus
            action: strip
            pattern: '^\\(XYZ\\) '
            shape: sentence
            first: 1
        """))
    text = "\n".join([*MENU, TITLE, "(XYZ) " + P1, "(XYZ) " + P2]) + "\n"
    out = rules.clean(text).splitlines()
    assert P1 in out and "(XYZ) " + P2 in out


@pytest.mark.parametrize(("key", "value", "message"), [
    ("shape", "sentense", "unknown shape 'sentense' (did you mean 'sentence'?)"),
    ("zone", "after", "unknown zone 'after' (did you mean 'after_body'?)"),
    ("run", "0", "'run' must be 1 or more"),
])
def test_bad_structure_values_are_one_line_errors(tmp_path: Path, key: str, value: str, message: str) -> None:
    path = _rules(tmp_path, f"""
        rules:
          - id: mine
            why: a test
            {key}: {value}
        """)
    with pytest.raises(RuleError) as exc:
        load_rules(path)
    assert message in str(exc.value) and "site.yaml:4" in str(exc.value)


# -- hand-written cases: article text that must survive, and pages of sites no rule names ---------------

CASES = Path(__file__).resolve().parent / "structure_cases"


@pytest.mark.parametrize("path", sorted((CASES / "articles").glob("*.txt")), ids=lambda p: p.stem)
def test_article_text_in_every_shape_loses_no_line(path: Path) -> None:
    changes = load_rules("vn-news").explain(path.read_text(encoding="utf-8")).changes
    assert [(c.line, c.rule, c.before) for c in changes if not c.rule.startswith("normalize.")] == []


@pytest.mark.parametrize("path", sorted(p for p in (CASES / "pages").glob("*.txt")
                                        if not p.name.endswith(".gold.txt")), ids=lambda p: p.stem)
def test_pages_of_unseen_sites_come_out_as_their_gold(path: Path) -> None:
    gold = path.with_name(path.stem + ".gold.txt").read_text(encoding="utf-8")
    assert load_rules("vn-news").clean(path.read_text(encoding="utf-8")) == gold
