"""One definition of a rule: Python and YAML rules behave alike, errors name the rule, text meets text."""

from __future__ import annotations

import dataclasses
import re
import textwrap
import unicodedata
from pathlib import Path

import pytest
from conftest import DEV, SHARED, dev_inputs, seed_files

from cleaner import Rule, RuleError, RuleSet, load_rules
from cleaner.rule import RULE_KEYS

VN_NEWS = load_rules("vn-news")


def _as_python(rule: Rule) -> Rule:
    """The same rule written in Python: only the keys the YAML entry gave, defaults left to ``Rule``."""
    values = {}
    for f in dataclasses.fields(Rule):
        if f.name in ("source", "line", "extra"):
            continue
        value = getattr(rule, f.name)
        if value != f.default and not (f.name in ("literals", "after") and value == ()):
            values[f.name] = value
    # What YAML fills in by default is left out, so that Rule(...) has to fill it in the same way.
    if rule.match == ("line" if rule.literals else "search"):
        values.pop("match")
    if rule.action == "block" and rule.until == "blank":
        values.pop("until")
    return Rule(**values)


def _corpus() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in seed_files() + dev_inputs()]
    dev2 = DEV.parent / "dev2"
    if dev2.is_dir():
        texts += [p.read_text(encoding="utf-8") for p in sorted(dev2.glob("*.txt"))
                  if not p.name.endswith(".gold.txt")]
    return texts


def test_every_shipped_rule_built_in_python_is_the_yaml_rule() -> None:
    python = [_as_python(r) for r in VN_NEWS.rules]
    assert python == list(VN_NEWS.rules)  # equality ignores where a rule was defined
    rs = RuleSet(python, normalize=VN_NEWS.options)
    texts = _corpus()
    assert texts
    for text in texts:
        assert rs.clean(text) == VN_NEWS.clean(text)
    # The markup conditions only fire on pages.
    for page in sorted((SHARED / "corpus").glob("dev*/html/*.html")):
        html = page.read_bytes()
        assert rs.clean_html(html) == VN_NEWS.clean_html(html)


def test_python_defaults_are_the_yaml_defaults() -> None:
    literal = Rule(id="menu", why="w", literals=("Menu",))
    assert literal.match == "line"
    assert RuleSet([literal]).clean("Menu\nMenu chính của trang\n") == "Menu chính của trang\n"
    block = Rule(id="b", why="w", action="block", pattern="^Tin liên quan$")
    assert block.until == "blank"
    assert RuleSet([block]).clean("Tin liên quan\nA\n\nThân bài.\n") == "Thân bài.\n"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"action": "blok", "pattern": "x"}, "rule 'r': unknown action 'blok' (did you mean 'block'?)"),
    ({"match": "lines", "pattern": "x"}, "rule 'r': unknown match mode 'lines' (did you mean 'line'?)"),
    ({"action": "drop"}, "rule 'r': action 'drop' needs a 'pattern'"),
    ({"pattern": "x", "until": "end"}, "rule 'r': 'until' only goes with action: block"),
    ({"pattern": "x", "extra": (("patern", "y"),)}, "rule 'r': unknown key 'patern'"),
    ({"pattern": "(x"}, "rule 'r': invalid regular expression"),
    ({"pattern": "x", "max_share": 2}, "rule 'r': 'max_share' must be between 0 and 1"),
])
def test_a_python_rule_checks_itself(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(RuleError, match="^" + re.escape(message)):
        Rule(id="r", why="w", **kwargs)  # type: ignore[arg-type]


def test_a_yaml_rule_with_an_unknown_action_or_key_names_the_rule_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "site.yaml"
    path.write_text(textwrap.dedent("""\
        rules:
          - id: menu
            why: w
            pattern: x
            action: blok
        """), encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules(path)
    assert (info.value.rule, info.value.line) == ("menu", 5)
    assert "unknown action 'blok' (did you mean 'block'?)" in str(info.value)
    path.write_text("rules:\n  - id: menu\n    why: w\n    patern: x\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"site.yaml:4: rule 'menu': unknown key 'patern' \(did you mean"):
        load_rules(path)


def test_every_condition_and_action_key_is_a_rule_key() -> None:
    for key in ("first", "last", "not_first", "after", "max_words", "min_words", "max_share", "outside_body",
                "with", "until", "max_lines", "until_longer", "similarity", "ignore_match", "ignore_numbers",
                "inside"):
        assert key in RULE_KEYS


def test_a_pattern_in_nfd_matches_from_python_too() -> None:
    rule = Rule(id="r", why="w", pattern=unicodedata.normalize("NFD", "^Đăng nhập$"))
    assert RuleSet([rule]).clean("Đăng nhập\nThân bài.\n") == "Thân bài.\n"


def test_a_pattern_in_the_other_tone_style_still_matches() -> None:
    # The set writes old-style tones ('Hòa'); the rule was typed new-style ('Hoà').
    rule = Rule(id="r", why="w", pattern="^Đọc báo Hoà Bình$")
    rs = RuleSet([rule], normalize=VN_NEWS.options)
    assert rs.options.tone_style == "old"
    assert rs.clean("Đọc báo Hoà Bình\nĐọc báo Hòa Bình\nThân bài.\n") == "Thân bài.\n"
    literal = Rule(id="l", why="w", literals=("Toà soạn",))
    assert RuleSet([literal], normalize=VN_NEWS.options).clean("Tòa soạn\nThân bài.\n") == "Thân bài.\n"


def test_examples_meet_text_in_the_sets_tone_style(tmp_path: Path) -> None:
    from cleaner.examples import run_examples

    path = tmp_path / "site.yaml"
    path.write_text(textwrap.dedent("""\
        normalize:
          tone_style: old
        rules:
          - id: hoa-binh
            why: the site's name
            pattern: '^Đọc báo Hoà Bình$'
            examples:
              change: ["Đọc báo Hoà Bình", "Đọc báo Hòa Bình"]
              keep: ["Hòa Bình mưa to."]
        """), encoding="utf-8")
    assert all(o.ok for o in run_examples(path))


def test_a_condition_plugs_in_with_one_class(tmp_path: Path) -> None:
    """A new condition is one class behind the registry: its key works in YAML and in Python, and it can
    read markup facts carried on each line."""
    from typing import ClassVar

    from cleaner import conditions
    from cleaner.document import Document

    @conditions.condition
    class InNav(conditions.Condition):
        keys: ClassVar[dict[str, type | tuple[type, ...]]] = {"in_nav": bool}
        select_hook = True

        @classmethod
        def build(cls, rule: Rule) -> conditions.Condition | None:
            return cls() if rule.get("in_nav") else None

        def select(self, doc: Document, lines: list) -> list:  # type: ignore[override]
            return [ln for ln in lines if ln.markup and "nav" in ln.markup]

    try:
        path = tmp_path / "site.yaml"
        path.write_text("rules:\n  - id: nav-link\n    why: w\n    pattern: '\\S'\n    in_nav: true\n",
                        encoding="utf-8")
        from_yaml = load_rules(path).rules[0]
        from_python = Rule(id="nav-link", why="w", pattern=r"\S", extra=(("in_nav", True),))
        assert from_yaml == from_python and from_python.get("in_nav") is True
        rs = RuleSet([from_python])
        doc = Document(["Thời sự", "Hà Nội mưa to."], markup=[("body", "nav"), ("body", "article")])
        rs.apply(doc)
        assert [ln.text for ln in doc.kept()] == ["Hà Nội mưa to."]
        assert rs.clean("Thời sự\n") == "Thời sự\n"  # plain text carries no markup: nothing is in a nav
    finally:
        conditions.REGISTRY.remove(InNav)
        del conditions.KEYS["in_nav"]
