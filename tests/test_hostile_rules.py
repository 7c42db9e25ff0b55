"""Hostile rule files: a broken one stops the run before any write; a runaway pattern fails one file only."""

from __future__ import annotations

import pickle
import textwrap
from pathlib import Path

import pytest

from cleaner import Rule, RuleError, RuleSet, load_rules
from cleaner.batch import Job, process, run
from cleaner.errors import RuleTimeout
from cleaner.rules import DEFAULT_TIMEOUT

ARTICLE = "Hà Nội mưa to suốt đêm qua, nhiều tuyến phố ngập sâu.\n"
#: Exponential backtracking even in the ``regex`` module (which handles ``(a+)+$`` itself): ``(a|aa)+``
#: tries every way to split the run of a's before failing on the b.
RUNAWAY = "(a|aa)+$"
#: Long enough that ``RUNAWAY`` runs for far longer than the test's timeout, short enough to be a real line.
RUNAWAY_LINE = "a" * 40 + "b"


def write_rules(tmp_path: Path, body: str, name: str = "site.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("icon facebook\n" + ARTICLE, encoding="utf-8")
    # the long line stands inside the body, where vn-news keeps it for the runaway rule to meet
    (src / "b.txt").write_text(ARTICLE + RUNAWAY_LINE + "\nSáng nay, nước đã rút ở hầu hết các tuyến phố.\n",
                               encoding="utf-8")
    (src / "c.txt").write_text("Trời nắng.\n", encoding="utf-8")
    return src


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


BROKEN = {
    "malformed-yaml": ("""
        rules:
          - id: a
            why: w
            pattern: 'unclosed
        """, 5, "malformed YAML: found unexpected end of stream (while scanning a quoted scalar started at "
            "line 4)"),
    "why-is-a-number": ("""
        rules:
          - id: a
            why: 12
            pattern: 'x'
        """, 3, "rule 'a': 'why' must be text, got 12"),
    "pattern-is-a-list": ("""
        rules:
          - id: a
            why: w
            pattern: [a]
        """, 4, "rule 'a': 'pattern' must be text, got ['a']"),
    "duplicate-id": ("""
        rules:
          - id: a
            why: w
            pattern: 'x'
          - id: a
            why: w
            pattern: 'y'
        """, 5, "rule 'a': id 'a' is already used at"),
    "invalid-regex": ("""
        rules:
          - id: a
            why: w
            pattern: '(unclosed'
        """, 1, "rule 'a': invalid regular expression"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_rule_file_is_one_line_and_nothing_is_written(run_cli, tmp_path: Path, docs: Path,
                                                             case: str) -> None:
    body, line, message = BROKEN[case]
    rules = write_rules(tmp_path, body)
    before = snapshot(docs)
    for mode in (["--in-place"], ["-o", str(tmp_path / "out")]):
        code, out, err = run_cli("clean", docs, "--rules", rules, *mode)
        assert code == 2
        assert out == ""
        assert err.count("\n") == 1 and err.startswith("vnclean: error: ")
        assert "site.yaml:" in err and message in err
        if case != "invalid-regex":  # a pattern error is reported at the rule's line, checked in test_loader
            assert f"site.yaml:{line}:" in err
        assert snapshot(docs) == before
        assert not (tmp_path / "out").exists()


def test_catastrophic_pattern_fails_its_file_only(run_cli, tmp_path: Path, docs: Path) -> None:
    rules = write_rules(tmp_path, f"""
        extends: vn-news
        rules:
          - id: runaway
            why: a pattern that backtracks without end on a long run of a's
            pattern: '{RUNAWAY}'
        """)
    code, _, err = run_cli("clean", docs, "--rules", rules, "-o", tmp_path / "out", "--timeout", "0.2")
    assert code == 2
    (error,) = [line for line in err.splitlines() if line.startswith("vnclean: error:")]
    assert "b.txt: rule 'runaway' (" in error and "site.yaml:" in error
    assert "took more than 0.2s on line 2" in error and "--skip runaway" in error
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt", "c.txt"]
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == ARTICLE
    # The remedy works.
    code, _, err = run_cli("clean", docs, "--rules", rules, "-o", tmp_path / "out", "--skip", "runaway", "-q")
    assert code == 0, err
    assert (tmp_path / "out" / "b.txt").exists()


def test_catastrophic_pattern_in_place_leaves_the_file_alone(run_cli, tmp_path: Path, docs: Path) -> None:
    rules = write_rules(tmp_path, f"""
        rules:
          - id: strip-runaway
            why: a substitution that backtracks without end
            action: strip
            pattern: '{RUNAWAY}'
        """)
    before = (docs / "b.txt").read_bytes()
    code, _, err = run_cli("clean", docs, "--rules", rules, "--in-place", "--timeout", "0.2", "-q")
    assert code == 2
    assert "rule 'strip-runaway'" in err
    assert (docs / "b.txt").read_bytes() == before


def test_timeout_in_the_library(tmp_path: Path) -> None:
    rule = Rule(id="runaway", why="backtracks", pattern=RUNAWAY, source="site.yaml", line=3)
    assert RuleSet([rule]).timeout == DEFAULT_TIMEOUT
    rs = RuleSet([rule], timeout=0.2)
    with pytest.raises(RuleTimeout, match=r"rule 'runaway' \(site.yaml:3\) took more than 0.2s on line 2"):
        rs.clean("Tin.\n" + RUNAWAY_LINE + "\n")
    # The limit travels with the set: to worker processes, and through derived sets.
    assert pickle.loads(pickle.dumps(rs)).timeout == 0.2
    assert rs.without().timeout == rs.with_options(tone_style="new").timeout == 0.2
    # A block's 'until' pattern is run with the limit too.
    block = Rule(id="blk", why="block", action="block", pattern="^Tin", until=RUNAWAY)
    with pytest.raises(RuleTimeout, match="rule 'blk'"):
        RuleSet([block], timeout=0.2).clean("Tin liên quan\n" + RUNAWAY_LINE + "\n")
    path = write_rules(tmp_path, "rules: []\n")
    assert load_rules(path, timeout=5).timeout == 5
    assert load_rules(path, timeout=None).timeout is None


def test_runaway_pattern_becomes_a_failed_outcome(tmp_path: Path, docs: Path) -> None:
    rs = load_rules("vn-news", timeout=0.2)
    rs = RuleSet((*rs.rules, Rule(id="runaway", why="w", pattern=RUNAWAY)), normalize=rs.options, timeout=0.2)
    job = Job(out_dir=tmp_path / "out")
    outcomes = list(run(rs, job, [(docs / n, Path(n)) for n in ("a.txt", "b.txt", "c.txt")]))
    assert [o.status for o in outcomes] == ["changed", "failed", "unchanged"]
    assert "rule 'runaway'" in outcomes[1].message and str(docs / "b.txt") in outcomes[1].message
    assert process(rs, job, docs / "c.txt", Path("c.txt")).status == "unchanged"


def test_nested_repeat_that_regex_handles_runs_fast() -> None:
    # (a+)+$ is the textbook example; the regex module does not backtrack on it, so it needs no timeout.
    rs = RuleSet([Rule(id="aplus", why="w", pattern="(a+)+$")], timeout=None)
    assert rs.clean(RUNAWAY_LINE + "\n" + ARTICLE) == RUNAWAY_LINE + "\n" + ARTICLE


def test_timeout_option_is_checked(run_cli, docs: Path) -> None:
    with pytest.raises(SystemExit):
        run_cli("clean", docs / "c.txt", "--timeout", "soon")
    code, out, _ = run_cli("clean", docs / "c.txt", "--timeout", "0", "-q")  # 0: no limit
    assert (code, out) == (0, "Trời nắng.\n")


def test_rule_error_from_the_library_names_file_and_line(tmp_path: Path) -> None:
    path = write_rules(tmp_path, BROKEN["why-is-a-number"][0])
    with pytest.raises(RuleError) as info:
        load_rules(path)
    assert (Path(info.value.source or "").name, info.value.line, info.value.rule) == ("site.yaml", 3, "a")
