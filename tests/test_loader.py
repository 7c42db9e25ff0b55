"""Rule files: each validation error names file:line and the rule; extends, skip, NFD text, safe YAML."""

from __future__ import annotations

import os
import textwrap
import unicodedata
from pathlib import Path

import pytest

from cleaner import RuleError, load_rules
from cleaner.loader import shipped_names


def write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


def load_error(tmp_path: Path, body: str) -> str:
    path = write(tmp_path, "site.yaml", body)
    with pytest.raises(RuleError) as info:
        load_rules(path)
    return str(info.value)


def test_smallest_rule_is_three_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "site.yaml", """
        rules:
          - id: drop-hotline
            why: Hotline box of my site
            pattern: '^Hotline'
    """)
    rs = load_rules(path)
    assert rs.ids == ("drop-hotline",)
    assert rs.clean("Bài báo.\nHotline: 1900\n") == "Bài báo.\n"


@pytest.mark.parametrize(("body", "line", "message"), [
    ("""
        rules:
          - id: a
            why: w
            patern: 'x'
     """, 4, "rule 'a': unknown key 'patern' (did you mean 'pattern'?)"),
    ("""
        rules:
          - id: a
            why: w
            pattern: 'x'
            max_words: many
     """, 5, "rule 'a': 'max_words' must be a whole number"),
    ("""
        rules:
          - id: a
            why: w
            pattern: 'x'
            ignore_case: 1
     """, 5, "rule 'a': 'ignore_case' must be true/false"),
    ("""
        rules:
          - id: a
            why: w
            pattern: 'x'
            first: true
     """, 5, "'first' must be a whole number"),
    ("""
        rules:
          - id: a
            why: w
            pattern: '(unclosed'
     """, 4, "rule 'a': invalid regular expression"),
    ("""
        rules:
          - id: a
            why: w
            action: dorp
            pattern: 'x'
     """, 4, "unknown action 'dorp' (did you mean 'drop'?)"),
    ("""
        rules:
          - id: a
            why: w
            pattern: 'x'
            match: lines
     """, 5, "unknown match mode 'lines' (did you mean 'line'?)"),
    ("""
        rules:
          - id: a
            why: w
            action: replace
            pattern: 'x'
     """, 2, "action 'replace' needs 'with'"),
    ("""
        rules:
          - id: a
            why: w
            pattern: 'x'
            until: end
     """, 5, "'until' only goes with action: block"),
    ("""
        rules:
          - id: a
            why: w
            action: strip
     """, 2, "needs a 'pattern'"),
    ("""
        rules:
          - id: a
            why: w
            pattern: 'x'
            literals: [y]
     """, 2, "either 'pattern' or 'literals'"),
    ("""
        rules:
          - id: Bad Id
            why: w
            pattern: 'x'
     """, 2, "may only use lower-case letters"),
    ("""
        rules:
          - id: a
            pattern: 'x'
     """, 2, "needs a one-line 'why'"),
    ("""
        rules:
          - id: a
            why: w
            pattern: 'x'
            max_share: 2
     """, 5, "'max_share' must be between 0 and 1"),
    ("""
        rules:
          - id: a
            why: w
            pattern: 'x'
            examples: {change: [x], kep: [y]}
     """, 2, "unknown key 'kep' in examples (did you mean 'keep'?)"),
    ("""
        rules:
          - id: a
            why: w
            pattern: 'x'
            ignore_match: true
     """, 5, "'ignore_match' goes with action: repeat"),
    ("""
        rules:
          - id: a
            why: w
            pattern: 'x'
          - id: a
            why: w2
            pattern: 'y'
     """, 5, "rule 'a': id 'a' is already used at"),
    ("""
        rulez: []
     """, 1, "unknown top-level key 'rulez' (did you mean 'rules'?)"),
    ("""
        rules:
          - id: a
            why: w
            pattern: 'x'
            pattern: 'y'
     """, 5, "appears twice"),
    ("""
        rules:
          - id: a
           why: w
     """, 3, "malformed YAML"),
])
def test_every_error_is_one_line_with_file_line_and_rule(tmp_path: Path, body: str, line: int,
                                                         message: str) -> None:
    msg = load_error(tmp_path, body)
    assert "\n" not in msg
    assert msg.startswith(f"{tmp_path / 'site.yaml'}:{line}: ") or msg.startswith(f"site.yaml:{line}: "), msg
    assert message in msg


def test_yaml_is_loaded_safely(tmp_path: Path) -> None:
    msg = load_error(tmp_path, """
        rules:
          - !!python/object/apply:os.system ["echo hacked"]
    """)
    assert "malformed YAML" in msg


def test_unknown_shipped_set_suggests_a_name() -> None:
    with pytest.raises(RuleError, match="did you mean 'vn-news'"):
        load_rules("vn-nws")


def test_missing_file() -> None:
    with pytest.raises(RuleError, match="not found"):
        load_rules("no/such/rules.yaml")


def test_nfd_pattern_text_matches_nfc_input(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "^Tin liên quan$")
    assert nfd != unicodedata.normalize("NFC", nfd)
    path = tmp_path / "mac.yaml"
    path.write_text(f"rules:\n  - id: rel\n    why: w\n    pattern: '{nfd}'\n", encoding="utf-8")
    rs = load_rules(path)
    assert rs.rules[0].pattern == unicodedata.normalize("NFC", nfd)
    assert rs.clean("Bài.\nTin liên quan\n") == "Bài.\n"


def test_extends_a_shipped_set_and_skips_a_rule(tmp_path: Path) -> None:
    path = write(tmp_path, "site.yaml", """
        extends: vn-news
        skip: [share-widget]
        rules:
          - id: my-footer
            why: w
            pattern: '^Bản quyền của tôi'
    """)
    rs = load_rules(path)
    base = load_rules("vn-news")
    assert rs.ids == (*[i for i in base.ids if i != "share-widget"], "my-footer")
    assert rs.clean("Bài.\nicon facebook\nBản quyền của tôi\n") == "Bài.\nicon facebook\n"


def test_extends_chain_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path, "base.yaml", """
        rules:
          - id: one
            why: w
            pattern: '^1$'
    """)
    write(tmp_path, "sub/mid.yaml", """
        extends: ../base.yaml
        rules:
          - id: two
            why: w
            pattern: '^2$'
    """)
    top = write(tmp_path, "top.yaml", """
        extends: sub/mid.yaml
        rules:
          - id: three
            why: w
            pattern: '^3$'
    """)
    assert load_rules(top).ids == ("one", "two", "three")


def test_extends_loop_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "extends: b.yaml\nrules: []\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\nrules: []\n")
    with pytest.raises(RuleError, match="loops back"):
        load_rules(tmp_path / "a.yaml")


def test_skip_of_an_unknown_id_suggests_one(tmp_path: Path) -> None:
    msg = load_error(tmp_path, """
        extends: vn-news
        skip: [share-widgte]
    """)
    assert "site.yaml:2:" in msg
    assert "did you mean 'share-widget'" in msg


def test_reusing_an_inherited_id_says_how_to_replace_it(tmp_path: Path) -> None:
    msg = load_error(tmp_path, """
        extends: vn-news
        rules:
          - id: share-widget
            why: w
            pattern: x
    """)
    assert "rule 'share-widget'" in msg
    assert "skip" in msg


def test_several_files_combine_in_order(tmp_path: Path) -> None:
    extra = write(tmp_path, "extra.yaml", """
        rules:
          - id: extra
            why: w
            pattern: '^Quảng cáo của tôi$'
    """)
    rs = load_rules("vn-news", extra)
    assert rs.ids[-1] == "extra"
    assert len(rs) == len(load_rules("vn-news")) + 1


def test_normalize_options_from_the_file_and_arguments(tmp_path: Path) -> None:
    path = write(tmp_path, "site.yaml", """
        normalize:
          tone_style: new
        rules: []
    """)
    assert load_rules(path).options.tone_style == "new"
    assert load_rules(path, tone_style="keep").options.tone_style == "keep"
    msg = load_error(tmp_path, """
        normalize:
          tone_stile: new
    """)
    assert "site.yaml:1:" in msg and "tone_stile" in msg


def test_users_rules_may_skip_examples_shipped_ones_may_not(tmp_path: Path) -> None:
    path = write(tmp_path, "site.yaml", "rules:\n  - {id: a, why: w, pattern: x}\n")
    assert load_rules(path).rules[0].examples.change == ()
    assert "vn-news" in shipped_names()


def test_shipped_set_loads_from_another_directory(tmp_path: Path) -> None:
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert len(load_rules("vn-news")) > 20
    finally:
        os.chdir(cwd)
