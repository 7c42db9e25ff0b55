"""README and docs/rules.md keep up with the code: every flag and rule key documented, examples run."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from conftest import REPO

from cleaner.cli import build_parser
from cleaner.examples import run_examples
from cleaner.loader import FILE_KEYS, RULE_KEYS
from cleaner.rules import ACTIONS, MATCH_MODES

README = (REPO / "README.md").read_text(encoding="utf-8")
RULES_DOC = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")


def _section(name: str) -> str:
    m = re.search(rf"<!-- BEGIN {name} -->\n(.*?)<!-- END {name} -->", README, re.S)
    assert m, f"README has no '{name}' section"
    return m.group(1)


def _clean_flags() -> list[str]:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    clean = sub.choices["clean"]  # type: ignore[union-attr]
    flags = (opt for action in clean._actions for opt in action.option_strings)
    return sorted(f for f in flags if f not in ("-h", "--help"))


@pytest.mark.parametrize("flag", _clean_flags())
def test_readme_documents_every_clean_flag(flag: str) -> None:
    assert f"`{flag}" in _section("cli"), f"README 'cli' section does not mention {flag}"


@pytest.mark.parametrize("key", [*RULE_KEYS, *FILE_KEYS, *ACTIONS, *MATCH_MODES])
def test_readme_names_every_rule_key(key: str) -> None:
    assert f"`{key}" in _section("rules"), f"README 'Writing a rule' does not mention `{key}`"


@pytest.mark.parametrize("key", [*RULE_KEYS, *FILE_KEYS, *ACTIONS, *MATCH_MODES])
def test_rules_reference_documents_every_key(key: str) -> None:
    assert f"`{key}" in RULES_DOC, f"docs/rules.md does not document `{key}`"


def test_readme_documents_exit_codes() -> None:
    cli = _section("cli")
    for code in ("0", "1", "2"):
        assert f"| {code} |" in cli


def _code_blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def test_library_example_runs_and_prints_what_it_says() -> None:
    (block,) = _code_blocks(_section("library"), "python")
    expected = [line[2:] for line in block.splitlines() if line.startswith("# ")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "README.md", "exec"), {})
    assert out.getvalue().splitlines() == expected


def test_writing_a_rule_example_passes_its_own_examples(tmp_path: Path) -> None:
    blocks = _code_blocks(_section("rules"), "yaml")
    site = next(b for b in blocks if "extends: vn-news" in b)
    path = tmp_path / "my-site.yaml"
    path.write_text(site, encoding="utf-8")
    outcomes = list(run_examples(path))
    assert outcomes and all(o.ok for o in outcomes), [o.describe() for o in outcomes if not o.ok]
    smallest = tmp_path / "smallest.yaml"
    smallest.write_text(blocks[0], encoding="utf-8")
    from cleaner import load_rules

    assert load_rules(smallest).clean("Bài.\nĐường dây nóng: 1900\n") == "Bài.\n"
