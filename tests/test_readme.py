"""README and docs/rules.md keep up with the code: every flag and rule key documented, examples run."""

from __future__ import annotations

import argparse
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


# -- the README and --help agree with the code, and every documented way to start works ------------------


def _subparser(*names: str) -> argparse.ArgumentParser:
    parser = build_parser()
    for name in names:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[name]
    return parser


def _flags(parser: argparse.ArgumentParser) -> list[str]:
    return sorted(o for a in parser._actions for o in a.option_strings if o not in ("-h", "--help"))


def _synopsis() -> list[str]:
    (block,) = re.findall(r"```\n(vnclean .*?)```", _section("cli"), re.S)
    return block.splitlines()


def test_synopsis_names_every_command() -> None:
    commands = {" ".join(line.split()[1:3]) if line.split()[1] == "rules" else line.split()[1]
                for line in _synopsis()}
    assert commands == {"clean", "rules list", "rules test", "learn", "dedup"}


@pytest.mark.parametrize("line", _synopsis())
def test_synopsis_flags_exist(line: str) -> None:
    words = line.split()
    names = words[1:3] if words[1] == "rules" else words[1:2]
    known = _flags(_subparser(*names))
    for flag in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", line):
        assert flag in known, f"the synopsis '{line}' shows {flag}, which `vnclean {' '.join(names)}` lacks"


@pytest.mark.parametrize("flag", _flags(_subparser("learn")))
def test_readme_documents_every_learn_flag(flag: str) -> None:
    assert f"`{flag}" in _section("learn"), f"README 'learn' section does not mention {flag}"


def test_help_and_readme_say_explain_writes_with_an_output(tmp_path: Path, run_cli) -> None:
    (tmp_path / "a.txt").write_text("icon facebook\nHà Nội mưa to.\n", encoding="utf-8")
    code, out, _ = run_cli("clean", tmp_path / "a.txt", "-o", tmp_path / "out", "--explain", "-q")
    assert code == 0 and "share-widget" in out
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "Hà Nội mưa to.\n"
    row = next(line for line in _section("cli").splitlines() if line.startswith("| `--explain` |"))
    assert "alone it writes nothing" in row and "`-o DIR`" in row
    help_text = " ".join(_subparser("clean").format_help().split())
    assert "alone it writes nothing; with -o or --in-place the files are written too" in help_text


def test_help_examples_use_existing_flags() -> None:
    from cleaner.cli import EPILOG

    for line in EPILOG.splitlines():
        if line.strip().startswith("vnclean "):
            words = line.split()
            names = words[1:3] if words[1] == "rules" else words[1:2]
            known = _flags(_subparser(*names))
            for flag in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", line.split("  ")[1]):
                assert flag in known, f"--help example '{line.strip()}' uses {flag}"


def test_pip_install_commands_name_something_installable() -> None:
    """vn-cleaner is not on an index: every `pip install` installs a local path or a git URL."""
    commands = [c.split("&&")[0].strip() for c in re.findall(r"pip install ([^`\n]*)", README)]
    assert len(commands) >= 3
    for args in commands:
        if "@ git+" in args:  # a direct reference: 'name[extra] @ git+URL'
            continue
        words = args.split()
        for n, word in enumerate(words):
            target = word.strip("'\"")
            if n and words[n - 1] == "-r":  # a requirements file of the repo's own (the benchmark's peers)
                assert (REPO / target).is_file(), f"`pip install {args}`: no {target} in the repo"
            elif not word.startswith("-"):
                assert target.startswith((".", "/", "git+")), f"`pip install {args}`: {target} is on no index"


def test_precommit_rev_is_a_commit_or_an_existing_tag() -> None:
    import subprocess

    (config,) = [b for b in _code_blocks(_section("precommit"), "yaml") if "rev:" in b]
    rev = re.search(r"rev:\s*(\S+)", config).group(1)  # type: ignore[union-attr]
    if re.fullmatch(r"[0-9a-f]{40}", rev):
        return
    tags = subprocess.run(["git", "tag", "--list"], cwd=REPO, capture_output=True, text=True).stdout.split()
    assert rev in tags, f"the README's pre-commit rev '{rev}' is neither a commit SHA nor a tag of this repo"


def _pyproject() -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_progress_bar_needs_nothing_more_than_pip_install() -> None:
    """The README says the bar comes with vn-cleaner: tqdm is a core dependency, not an extra."""
    deps = [re.split(r"[<>=!\[ ;]", d)[0].lower() for d in _pyproject()["project"]["dependencies"]]
    assert "tqdm" in deps
    assert "tqdm, installed with vn-cleaner" in _section("cli")


def test_spark_extra_keeps_pandas_below_3() -> None:
    """PySpark does not support pandas 3 (it warns); the extra and the test extra pin what works."""
    extras = _pyproject()["project"]["optional-dependencies"]
    for extra in ("spark", "test"):
        (pandas,) = [d for d in extras[extra] if d.startswith("pandas")]
        assert "<3" in pandas.replace(" ", ""), f"the {extra} extra lets pandas 3 in: {pandas}"


def test_readme_test_command_is_what_ci_runs() -> None:
    block = _code_blocks(README.split("## Two commands", 1)[1], "sh")[1]
    assert block.strip() == "bash scripts/test.sh"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci and "-m venv" in ci  # CI runs the suite in a venv it creates
    assert '"$status" -eq 5' in ci  # pytest's "no tests collected" is a failure


_DOCS = README + RULES_DOC + (REPO / "docs" / "normalization.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("dotted", sorted(set(re.findall(r"`(cleaner(?:\.\w+)+)", _DOCS))))
def test_every_library_name_the_docs_give_exists(dotted: str) -> None:
    """A name such as `cleaner.runner.prepare` or `cleaner.report.Status` is importable as written."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):  # the longest importable module, then attributes below it
        try:
            obj: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            assert hasattr(obj, name), f"{dotted}: {'.'.join(parts[:cut])} has no {name}"
            obj = getattr(obj, name)
        return
    pytest.fail(f"{dotted}: no such module")
