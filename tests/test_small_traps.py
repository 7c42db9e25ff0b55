"""Small traps for a new user: inputs named twice, null JSONL text, rule-file mistakes, noisy explain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import load_rules
from cleaner.errors import RuleError
from cleaner.files import Input, iter_inputs
from cleaner.report import Change

ARTICLE = "Hà Nội mưa to suốt đêm qua.\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- a folder given three times is read once ----------------------------------------------------------------


def test_a_folder_named_three_times_is_read_once(here: Path, run_cli) -> None:
    (here / "d").mkdir()
    for name in ("a.txt", "b.txt"):
        (here / "d" / name).write_text("icon facebook\n" + ARTICLE, encoding="utf-8")
    code, out, err = run_cli("clean", "--check", "d", "d", "./d", "d/a.txt")
    assert code == 1
    assert out.splitlines() == ["would change: d/a.txt", "would change: d/b.txt"]
    assert "2 files read, 2 changed" in err


def test_a_linked_file_under_another_name_keeps_its_own_output(here: Path) -> None:
    (here / "d").mkdir()
    (here / "d" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (here / "d" / "b.txt").symlink_to("a.txt")
    got = [i.relative for i in iter_inputs(["d", "d"]) if isinstance(i, Input)]
    assert got == [Path("a.txt"), Path("b.txt")]


# -- a JSONL record whose text is null -----------------------------------------------------------------------


def _null_corpus(here: Path) -> Path:
    p = here / "c.jsonl"
    p.write_text(json.dumps({"id": 1, "text": None}) + "\n" + json.dumps({"id": 2, "text": ARTICLE}) + "\n",
                 encoding="utf-8")
    return p


def test_clean_says_null_and_passes_the_record_through(here: Path, run_cli) -> None:
    src = _null_corpus(here)
    code, out, err = run_cli("clean", src)
    assert code == 0
    assert f"vnclean: warning: {src}:1: field 'text' is null; the record is passed through unchanged" in err
    assert json.loads(out.splitlines()[0]) == {"id": 1, "text": None}


def test_learn_says_null_alike_and_skips_the_record(here: Path, run_cli) -> None:
    src = _null_corpus(here)
    code, _, err = run_cli("learn", src, "-o", "learned.yaml")
    assert code == 0  # as for clean: a warning, not an error
    assert f"vnclean: warning: {src}:1: field 'text' is null; the record is skipped" in err
    assert "error" not in err


def test_learn_says_missing_for_a_missing_field(here: Path, run_cli) -> None:
    src = here / "c.jsonl"
    src.write_text('{"body": "x"}\n', encoding="utf-8")
    code, _, err = run_cli("learn", src, "-o", "learned.yaml")
    assert code == 0
    assert f"{src}:1: field 'text' is missing; the record is skipped (choose the field with --text-field)" \
        in err


# -- rule-file mistakes name the file and line, in plain words -------------------------------------------


def test_extends_an_unknown_set_names_file_and_line(here: Path) -> None:
    (here / "site.yaml").write_text("name: site\nextends: vn-nwes\nrules: []\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules("site.yaml")
    assert str(info.value).startswith(
        "site.yaml:2: extends: unknown rule set 'vn-nwes' (did you mean 'vn-news'?)")


def test_extends_a_missing_file_names_file_and_line(here: Path) -> None:
    (here / "site.yaml").write_text("extends: base/common.yaml\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"^site\.yaml:1: extends: rule file 'base/common.yaml' not found"):
        load_rules("site.yaml")


@pytest.mark.parametrize(("text", "line", "plain"), [
    ("rules:\n  - id: a\n    why: x\n    pattern: a\n  ? b\n", 5,
     "a line is indented differently from the lines around it"),
    ("rules:\n  - id: a\n    why: Tin: nóng\n", 3, "a value holds ': ' (a colon and a space); put the value "
                                                    "in single quotes"),
    ("rules:\n\t- id: a\n", 2, "a tab is used for indentation; indent with spaces only"),
    ("rules:\n  - id: a\n    why: 'x\n", 4, "a quote is opened and never closed"),
])
def test_yaml_syntax_errors_name_the_file_as_given_and_say_it_plainly(
        here: Path, run_cli, text: str, line: int, plain: str) -> None:
    (here / "rules").mkdir()
    (here / "rules" / "site.yaml").write_text(text, encoding="utf-8")
    (here / "a.txt").write_text(ARTICLE, encoding="utf-8")
    code, out, err = run_cli("clean", "a.txt", "--rules", "rules/site.yaml")
    assert (code, out) == (2, "")
    assert err.startswith(f"vnclean: error: rules/site.yaml:{line}: malformed YAML: "), err
    assert plain in err
    assert str(here) not in err  # the path as given, like the other rule-file errors
    assert len(err.splitlines()) == 1


def test_last_lines_suggests_last(here: Path) -> None:
    (here / "site.yaml").write_text("rules:\n  - id: a\n    why: x\n    pattern: a\n    last_lines: 3\n",
                                    encoding="utf-8")
    with pytest.raises(RuleError, match=r"unknown key 'last_lines' \(did you mean 'last'\?\)"):
        load_rules("site.yaml")
    (here / "site.yaml").write_text("rules:\n  - id: a\n    why: x\n    pattern: a\n    max_line: 3\n",
                                    encoding="utf-8")
    with pytest.raises(RuleError, match=r"unknown key 'max_line' \(did you mean 'max_lines'\?\)"):
        load_rules("site.yaml")


# -- --explain on an obfuscated file ----------------------------------------------------------------------


CYRILLIC_A = "\N{CYRILLIC SMALL LETTER A}"
CYRILLIC_O = "\N{CYRILLIC SMALL LETTER O}"
#: A share button, and an article line typed with Cyrillic look-alikes in five words.
OBFUSCATED = (f"icon facebook\nTrời mư{CYRILLIC_A} t{CYRILLIC_O} tr{CYRILLIC_O}ng đêm qu{CYRILLIC_A}, "
              f"phố ngập s{CYRILLIC_A}u.\n")


def test_explain_rules_lists_only_the_rules_removals(here: Path, run_cli) -> None:
    (here / "obf.txt").write_text(OBFUSCATED, encoding="utf-8")
    code, out, _ = run_cli("clean", "obf.txt", "--explain")
    assert code == 0
    assert out.count("normalize.lookalike") == 5
    code, out, _ = run_cli("clean", "obf.txt", "--explain-rules")
    assert code == 0
    assert out.splitlines() == ["== obf.txt", "    1  -share-widget             icon facebook"]


def test_explain_rules_on_stdin_and_jsonl(here: Path, run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(OBFUSCATED.encode())))
    out = run_cli("clean", "-", "--explain-rules")[1]
    assert "share-widget" in out and "normalize." not in out
    (here / "c.jsonl").write_text(json.dumps({"text": OBFUSCATED}) + "\n", encoding="utf-8")
    out = run_cli("clean", "c.jsonl", "--explain-rules", "-q")[1]
    assert "share-widget" in out and "normalize." not in out


def test_explain_shows_code_points_when_before_and_after_print_alike() -> None:
    line = Change("normalize.lookalike", 2, "fix", f"mư{CYRILLIC_A}", "mưa").describe()
    assert line.endswith("[U+0430 -> U+0061]")
    # marks typed apart (e + combining acute) against the composed letter
    assert Change("normalize.unicode", 1, "fix", "Vie\u0302\u0323t", "Việt").describe().endswith(
        "[U+0065 U+0302 U+0323 -> U+1EC7]")
    # a no-break space for a space
    assert Change("normalize.invisible", 1, "fix", "Hà\u00a0Nội", "Hà Nội").describe().endswith(
        "[U+00A0 -> U+0020]")


def test_explain_shows_no_code_points_when_the_change_is_visible() -> None:
    assert "U+" not in Change("normalize.tone", 1, "fix", "hoà", "hòa").describe()
    assert "U+" not in Change("source-tag", 1, "edit", "TTO - Hà Nội", "Hà Nội").describe()
