"""HTML pages: decoding, the lines and markup facts the reader gives, the rules' markup conditions, the CLI,
JSONL and bad pages."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from cleaner import RuleError, load_rules
from cleaner.errors import InputError
from cleaner.files import BinaryFileError
from cleaner.html import declared_encoding, decode_html, read_html, strip_directives
from cleaner.markup import LineFacts, MarkupConditions

PARAGRAPH = "Sáng nay, ông Nam cho biết gia đình đã chuẩn bị từ sớm và sẽ về quê ăn Tết cùng bố mẹ."
PARAGRAPH2 = "Theo ông, năm nay giá vé xe tăng nhưng vẫn có thể mua được ở bến xe phía Nam của thành phố."

PAGE = f"""<!DOCTYPE html><html><head><title>Về quê ăn Tết | Báo X</title>
<script>var x = "<p>không phải chữ</p>";</script><style>p {{ color: red }}</style></head>
<body>
<nav class="main-menu"><ul><li><a href="/xa-hoi">Xã hội</a></li>
<li><a href="/the-thao">Thể thao</a></li></ul></nav>
<!-- a comment that is not text -->
<article>
  <h1>Về quê ăn Tết</h1>
  <p class="sapo">Nhiều gia đình đã chuẩn bị về quê từ sớm.</p>
  <div class="body">
    <p>{PARAGRAPH}</p>
    <figure><img src="a.jpg" alt="Bến xe Giáp Bát">
      <figcaption>Bến xe đông khách. Ảnh: A.</figcaption></figure>
    <h2>Giá vé tăng</h2>
    <ul><li>Hà Nội - Nam Định: 120.000 đồng</li><li>Hà Nội - Vinh: 250.000 đồng</li></ul>
    <p>{PARAGRAPH2}</p>
    <table><tr><td>Tuyến</td><td>Giá</td></tr></table>
    <p>Dòng một<br>Dòng hai</p>
    <p style="display: none">Ẩn đi</p>
  </div>
  <div class="box-related"><p><a href="/b">Bài liên quan về giá vé tàu Tết năm nay</a></p></div>
</article>
<footer>Giấy phép số 123/GP-BTTTT</footer>
</body></html>"""


def test_lines_follow_the_text_scrape_conventions() -> None:
    doc = read_html(PAGE)
    assert doc.lines == (
        "  • Xã hội", "  • Thể thao",
        "Về quê ăn Tết", "Nhiều gia đình đã chuẩn bị về quê từ sớm.",
        PARAGRAPH,
        "Bến xe Giáp Bát", "Bến xe đông khách. Ảnh: A.",
        "Giá vé tăng",
        "  • Hà Nội - Nam Định: 120.000 đồng", "  • Hà Nội - Vinh: 250.000 đồng",
        PARAGRAPH2,
        "Tuyến Giá",
        "Dòng một", "Dòng hai",
        "Bài liên quan về giá vé tàu Tết năm nay",
        "Giấy phép số 123/GP-BTTTT",
    )


def test_facts_say_where_each_line_stands() -> None:
    doc = read_html(PAGE)
    facts = dict(zip(doc.lines, doc.facts, strict=True))
    menu = facts["  • Xã hội"]
    assert {"nav", "li", "a"} <= menu.tags and menu.link_density == 1.0
    assert {"main", "menu"} <= menu.class_words and not menu.in_main
    assert "img" in facts["Bến xe Giáp Bát"].tags
    assert "figcaption" in facts["Bến xe đông khách. Ảnh: A."].tags
    assert "h1" in facts["Về quê ăn Tết"].tags
    assert "sapo" in facts["Nhiều gia đình đã chuẩn bị về quê từ sớm."].class_words
    body = facts[PARAGRAPH]
    assert body.in_main and body.link_density == 0.0 and "a" not in body.tags
    assert facts[PARAGRAPH2].in_main and facts["Giá vé tăng"].in_main
    related = facts["Bài liên quan về giá vé tàu Tết năm nay"]
    assert "related" in related.class_words and related.link_density == 1.0
    assert "footer" in facts["Giấy phép số 123/GP-BTTTT"].tags


def test_link_density_counts_the_characters_inside_links() -> None:
    (facts,) = read_html("<p>Theo <a href='/x'>Tuổi Trẻ</a> hôm qua</p>").facts
    # "Theo Tuổi Trẻ hôm qua": 4 + 4 + 3 + 3 + 3 = 17 characters without spaces, "Tuổi Trẻ" 7 of them
    assert facts.link_density == round(7 / 17, 3)


def test_directives_and_comments_give_no_text() -> None:
    assert strip_directives("a<% x %>b<%= y %>c") == "abc"
    assert strip_directives("a <% never closed") == "a <% never closed"
    doc = read_html("<p>Tin <%= title %>mới<!-- bình luận --> nhất</p>")
    assert doc.lines == ("Tin mới nhất",)


def test_shipped_rules_keep_the_article_and_drop_the_chrome() -> None:
    out = load_rules().clean_html(PAGE)
    assert out.splitlines() == [
        "Về quê ăn Tết", "Nhiều gia đình đã chuẩn bị về quê từ sớm.", PARAGRAPH, "Giá vé tăng",
        "• Hà Nội - Nam Định: 120.000 đồng", "• Hà Nội - Vinh: 250.000 đồng", PARAGRAPH2, "Tuyến Giá",
        "Dòng một", "Dòng hai",
    ]


def test_markup_rules_never_fire_on_text() -> None:
    rules = load_rules()
    text = "Xã hội\nBến xe Giáp Bát\n" + PARAGRAPH + "\n"
    html_ids = {r.id for r in rules.rules if r.markup is not None}
    assert html_ids
    assert not {c.rule for c in rules.explain(text).changes} & html_ids


# -- decoding ------------------------------------------------------------------------------------------------

VIET = "Việt Nam: Hà Nội, Đà Nẵng, thành phố Hồ Chí Minh, Cần Thơ và Hải Phòng"


def _cp1258(text: str) -> bytes:
    """Vietnamese as cp1258 writes it: a letter it lacks is its base letter (â, ơ ... included) followed by
    the combining tone mark."""
    import unicodedata

    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + "".join(c for c in parts if c in tones)).encode("cp1258")
    return out


def _nfc(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("head", [
    b'<meta charset="windows-1258">',
    b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">',
])
def test_a_declared_charset_decodes_the_page(head: bytes) -> None:
    page = head + b"<p>" + _cp1258(VIET) + b"</p>"
    assert _nfc(decode_html(page, "a.html").text).endswith(VIET + "</p>")


def test_a_bom_wins_over_the_declaration() -> None:
    page = b"\xef\xbb\xbf" + b'<meta charset="windows-1252"><p>' + VIET.encode() + b"</p>"
    assert VIET in decode_html(page, "a.html").text


def test_undeclared_pages_fall_back_like_a_browser() -> None:
    assert VIET in decode_html(b"<p>" + VIET.encode() + b"</p>", "a.html").text
    assert VIET in _nfc(decode_html(b"<p>" + _cp1258(VIET) + b"</p>", "a.html").text)
    # Western text in windows-1252 stays windows-1252 (no Vietnamese letters appear in cp1258)
    assert "Café à Paris – très" in decode_html("<p>Café à Paris – très</p>".encode("cp1252"), "a.html").text


def test_a_wrong_declaration_is_overruled_by_the_bytes() -> None:
    says_utf8 = b'<meta charset="utf-8"><p>' + _cp1258(VIET) + b"</p>"
    assert VIET in _nfc(decode_html(says_utf8, "a.html").text)
    says_latin1 = b'<meta charset="iso-8859-1"><p>' + VIET.encode() + b"</p>"
    assert VIET in decode_html(says_latin1, "a.html").text


def test_declared_encoding_ignores_a_declaration_in_a_comment() -> None:
    assert declared_encoding(b'<!-- <meta charset="windows-1258"> --><p>x</p>') is None
    assert declared_encoding(b'<meta charset="latin1">') == "cp1252"  # browsers read latin1 as windows-1252


# -- rule files: the markup keys -----------------------------------------------------------------------------


def _rule_file(tmp_path: Path, extra: str) -> Path:
    p = tmp_path / "site.yaml"
    p.write_text(f"rules:\n  - id: r\n    why: test\n    pattern: '\\S'\n{extra}", encoding="utf-8")
    return p


@pytest.mark.parametrize("extra, message", [
    ("    link_density: 'more than half'\n", "'link_density' takes a comparison"),
    ("    link_density: '>1.5'\n", "between 0 and 1"),
    ("    in: []\n", "'in' must be a name or a list of names"),
    ("    in_main: 'no'\n", "'in_main' must be true/false"),
    ("    clas_words: [menu]\n", "did you mean 'class_words'?"),
])
def test_bad_markup_keys_are_one_line_errors(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(RuleError) as info:
        load_rules(_rule_file(tmp_path, extra))
    text = str(info.value)
    assert message in text and "site.yaml:" in text and "\n" not in text


def test_markup_conditions_combine() -> None:
    cond = MarkupConditions(inside=frozenset({"nav", "footer"}), link_density=(">", 0.6),
                            not_class_words=frozenset({"sapo"}), in_main=False)
    assert cond.passes(LineFacts(tags=frozenset({"nav", "a"}), link_density=1.0))
    assert not cond.passes(LineFacts(tags=frozenset({"nav"}), link_density=0.6))
    assert not cond.passes(LineFacts(tags=frozenset({"p"}), link_density=1.0))
    assert not cond.passes(LineFacts(tags=frozenset({"nav"}), link_density=1.0, in_main=True))
    assert not cond.passes(LineFacts(tags=frozenset({"nav"}), link_density=1.0,
                                     class_words=frozenset({"sapo"})))


def test_a_site_file_uses_markup_conditions(tmp_path: Path) -> None:
    site = _rule_file(tmp_path, "    class_words: [hotline]\n")
    rules = load_rules(site)
    page = f"<p>{PARAGRAPH}</p><div class='hotline-box'>Đường dây nóng: 1900 1234</div>"
    assert rules.clean_html(page) == PARAGRAPH + "\n"
    assert rules.clean("Đường dây nóng: 1900 1234\n") == "Đường dây nóng: 1900 1234\n"


# -- bad pages -----------------------------------------------------------------------------------------------


def test_a_truncated_page_gives_its_text_so_far() -> None:
    page = (f"<html><body><h1>Về quê ăn Tết</h1><p>{PARAGRAPH}</p><p>Theo ông, năm nay giá vé" +
            "<a href='/x' cla").encode()
    assert read_html(page).lines == ("Về quê ăn Tết", PARAGRAPH, "Theo ông, năm nay giá vé")


def test_a_binary_file_named_html_is_skipped() -> None:
    with pytest.raises(BinaryFileError, match=r"^x\.html: binary file"):
        read_html(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.html")


def test_a_page_nested_100k_levels_deep_is_a_one_line_error() -> None:
    page = "<html><body>" + "<div>" * 100_000 + "x" + "</div>" * 100_000
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        read_html(page, "deep.html")
    assert time.perf_counter() - start < 10
    assert str(info.value).startswith("deep.html: the page nests elements more than 255 levels deep")


def test_a_50_mb_page_is_a_one_line_error_at_once() -> None:
    chunk = "<p>Xin chào các bạn.</p>\n".encode()
    page = b"<html><body>" + chunk * (50_000_000 // len(chunk))
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        read_html(page, "big.html")
    assert time.perf_counter() - start < 2
    assert str(info.value).startswith("big.html: 50.0 MB is too big for one web page")


def test_an_empty_or_markup_free_page() -> None:
    assert read_html(b"").lines == ()
    assert read_html("   \n").lines == ()
    assert read_html("Chỉ có chữ").lines == ("Chỉ có chữ",)


# -- the command line, JSONL ---------------------------------------------------------------------------------


def test_cli_cleans_a_page_to_stdout(tmp_path: Path, run_cli) -> None:
    page = tmp_path / "bai.html"
    page.write_text(PAGE, encoding="utf-8")
    code, out, _ = run_cli("clean", page, "-q")
    assert code == 0 and out == load_rules().clean_html(PAGE)
    assert "<" not in out and "Xã hội" not in out


def test_cli_folder_writes_name_txt_and_refuses_in_place(tmp_path: Path, run_cli) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.html").write_text(PAGE, encoding="utf-8")
    (src / "b.htm").write_text(f"<p>{PARAGRAPH}</p>", encoding="utf-8")
    (src / "c.txt").write_text(PARAGRAPH + "\n", encoding="utf-8")
    code, _, _ = run_cli("clean", src, "-o", tmp_path / "out", "-q")
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt", "b.txt", "c.txt"]
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == PARAGRAPH + "\n"
    code, _, err = run_cli("clean", "--in-place", src)
    assert code == 2 and "--in-place would replace an HTML page with its text; use -o DIR" in err
    assert (src / "a.html").read_text(encoding="utf-8") == PAGE


def test_cli_format_html_reads_any_name(tmp_path: Path, run_cli) -> None:
    page = tmp_path / "page.saved"
    page.write_text(f"<p>{PARAGRAPH}</p>", encoding="utf-8")
    code, out, _ = run_cli("clean", "--format", "html", page, "-q")
    assert code == 0 and out == PARAGRAPH + "\n"


def test_cli_bad_pages_are_one_line_errors_and_the_batch_goes_on(tmp_path: Path, run_cli) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.html").write_text("<div>" * 100_000, encoding="utf-8")
    (src / "b.html").write_text(f"<p>{PARAGRAPH}</p>", encoding="utf-8")
    code, _, err = run_cli("clean", src, "-o", tmp_path / "out", "-q")
    assert code == 2
    errors = [line for line in err.splitlines() if line.startswith("vnclean: error:")]
    assert len(errors) == 1 and "a.html: the page nests elements" in errors[0]
    assert "Traceback" not in err
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == PARAGRAPH + "\n"


def test_jsonl_html_field_fills_the_text_field(tmp_path: Path, run_cli) -> None:
    src = tmp_path / "pages.jsonl"
    rows = [{"url": "u1", "html": PAGE}, {"url": "u2", "html": f"<p>{PARAGRAPH}</p>"}, {"url": "u3"}]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    code, out, err = run_cli("clean", src, "--html-field", "html", "-q")
    assert code == 0
    got = [json.loads(line) for line in out.splitlines()]
    assert got[0]["text"] == load_rules().clean_html(PAGE) and got[0]["html"] == PAGE
    assert got[1]["text"] == PARAGRAPH + "\n"
    assert got[2] == {"url": "u3"} and "field 'html' is missing" in err and "--html-field" in err


def test_the_markup_example_in_the_rules_reference_passes(tmp_path: Path) -> None:
    import re

    from conftest import REPO

    from cleaner.examples import run_examples

    doc = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"<!-- markup example -->\n```yaml\n(.*?)```", doc, re.S)
    path = tmp_path / "my-site-html.yaml"
    path.write_text(block, encoding="utf-8")
    outcomes = list(run_examples(path))
    assert len(outcomes) == 4 and all(o.ok for o in outcomes), [o.describe() for o in outcomes if not o.ok]


def test_readers_comments_do_not_become_the_main_content() -> None:
    comment = ("Tôi thấy bài viết rất hay và đúng với thực tế, mong các cơ quan chức năng sớm vào cuộc "
               "để giải quyết dứt điểm chuyện này cho người dân.")
    page = (f"<h1>Về quê ăn Tết</h1><div class='body'><p>{PARAGRAPH}</p><p>{PARAGRAPH2}</p></div>"
            f"<div class='comments'>{''.join(f'<p>{comment}</p>' for _ in range(6))}</div>")
    doc = read_html(page)
    main = [line for line, f in zip(doc.lines, doc.facts, strict=True) if f.in_main]
    assert main == ["Về quê ăn Tết", PARAGRAPH, PARAGRAPH2]
    assert load_rules().clean_html(page).splitlines() == ["Về quê ăn Tết", PARAGRAPH, PARAGRAPH2]


def test_a_vni_page_declared_latin1_comes_out_in_unicode() -> None:
    # VNI-Windows sites declared ISO-8859-1; the bytes of "Việt Nam là một nước" in VNI read so:
    page = ('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
            "<p>Vieät Nam laø moät nöôùc</p>").encode("cp1252")
    assert load_rules().clean_html(page) == "Việt Nam là một nước\n"


def test_a_damaged_utf8_page_follows_errors() -> None:
    page = ("<p>" + VIET + "</p>").encode() + b"<p>h\xe1\xbb</p>"  # a save cut inside a character
    with pytest.raises(InputError, match=r"^a\.html:1: not valid utf-8 at byte \d+ .*--errors replace"):
        read_html(page, "a.html")
    doc = read_html(page, "a.html", errors="replace")
    assert doc.lines == (VIET, "h\N{REPLACEMENT CHARACTER}") and doc.replaced == 1
