"""The pre-commit hooks: the manifest, the README's config, and the real ``pre-commit`` on this checkout."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, SEEDS

from cleaner import load_rules
from cleaner.batch import DEFAULT_MAX_REMOVED
from cleaner.cli import build_parser

DIRTY_SEED = next(SEEDS.glob("001_*.txt"))
MANIFEST = REPO / ".pre-commit-hooks.yaml"
#: The footer line the README's example rule file removes; the dirty files below end with it.
SITE_FOOTER = "Bản quyền thuộc về my-site.vn"
#: An mtime far in the past: a file rewritten by the test run cannot keep it by accident.
OLD_MTIME_NS = 1_000_000_000 * 10**9


def _hooks() -> dict[str, dict]:
    return {h["id"]: h for h in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))}


def _readme_blocks() -> tuple[dict, str]:
    """The README's ``.pre-commit-config.yaml`` (parsed) and its example rule file (text)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- BEGIN precommit -->", 1)[1].split("<!-- END precommit -->", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    config = next(yaml.safe_load(b) for b in blocks if b.startswith("repos:"))
    rule_file = next(b for b in blocks if b.startswith("extends:"))
    return config, rule_file


def _dirty_text() -> str:
    return DIRTY_SEED.read_text(encoding="utf-8").rstrip("\n") + "\n" + SITE_FOOTER + "\n"


# -- the manifest -------------------------------------------------------------------------------------------


def test_manifest_exports_the_two_hooks():
    hooks = _hooks()
    assert list(hooks) == ["vnclean", "vnclean-check"]
    assert hooks["vnclean"]["entry"] == "vnclean clean --in-place"
    assert hooks["vnclean-check"]["entry"] == "vnclean clean --check --diff"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["text"]
        assert hook["args"] == []
        files = re.compile(hook["files"])
        assert files.search("corpus/dantri/a.txt")
        assert not files.search("rules/my-site.yaml")
        assert not files.search("notes.txt.orig")


@pytest.mark.parametrize("hook_id", ["vnclean", "vnclean-check"])
def test_hook_entries_run_in_process(tmp_path, run_cli, hook_id):
    """What pre-commit runs (``entry`` + file names), called through ``main``."""
    dirty, clean = tmp_path / "dirty.txt", tmp_path / "clean.txt"
    dirty.write_text(_dirty_text(), encoding="utf-8")
    clean.write_text("Hà Nội mưa to.\n", encoding="utf-8")
    argv = shlex.split(_hooks()[hook_id]["entry"])
    assert argv[0] == "vnclean"
    code, out, _ = run_cli(*argv[1:], dirty, clean)
    assert code == 1
    assert clean.read_text(encoding="utf-8") == "Hà Nội mưa to.\n"
    if hook_id == "vnclean":
        assert out == f"Fixing {dirty}\n"
        assert "icon gmail" not in dirty.read_text(encoding="utf-8")
        assert run_cli(*argv[1:], dirty, clean)[:2] == (0, "")
    else:
        assert out.startswith(f"would change: {dirty}\n--- a/{dirty}\n")
        assert dirty.read_text(encoding="utf-8") == _dirty_text()


# -- the README's config ------------------------------------------------------------------------------------


def test_readme_config_uses_the_manifest_hooks_with_valid_args():
    config, _ = _readme_blocks()
    (repo,) = config["repos"]
    assert {"repo", "rev", "hooks"} <= set(repo)
    hooks = _hooks()
    assert [h["id"] for h in repo["hooks"]] == list(hooks)
    for h in repo["hooks"]:
        argv = shlex.split(hooks[h["id"]]["entry"])[1:] + h.get("args", []) + ["a.txt"]
        build_parser().parse_args(argv)  # exits (status 2) on an unknown option


def test_readme_rule_file_works_from_args(tmp_path, run_cli, monkeypatch):
    """``args: [--rules, rules/my-site.yaml]``: the user's own rule file, relative to their repository."""
    config, rule_file = _readme_blocks()
    (rules_dir := tmp_path / "rules").mkdir()
    (rules_dir / "my-site.yaml").write_text(rule_file, encoding="utf-8")
    (doc := tmp_path / "a.txt").write_text(_dirty_text(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # pre-commit runs hooks from the repository root
    args = config["repos"][0]["hooks"][0]["args"]
    code, out, _ = run_cli(*shlex.split(_hooks()["vnclean"]["entry"])[1:], *args, "a.txt")
    assert (code, out) == (1, "Fixing a.txt\n")
    text = doc.read_text(encoding="utf-8")
    assert SITE_FOOTER not in text  # the user's rule
    assert "icon gmail" not in text  # the shipped rules it extends
    assert run_cli("rules", "test", "rules/my-site.yaml")[0] == 0  # its examples hold


def test_readme_states_the_guard_default_and_flags():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- BEGIN precommit -->", 1)[1].split("<!-- END precommit -->", 1)[0]
    assert DEFAULT_MAX_REMOVED is None and "none of its paragraphs" in section
    for word in ("--max-removed", "--force", "CRLF", "Fixing FILE", "would change: FILE"):
        assert word in section


# -- the real pre-commit ------------------------------------------------------------------------------------
#
# pre-commit clones a hook repository at a commit, builds a virtualenv and pip-installs it there (hatchling
# comes from PyPI), which takes tens of seconds. The checkout's working tree (with uncommitted and new files)
# is committed to a snapshot repository once per module, and every run below goes through one
# PRE_COMMIT_HOME, so the environment is built once. `try-repo` always builds in a fresh store of its own:
# it is run once, on the checkout itself, as a user would try the hooks.


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=_clean_env(), check=True, capture_output=True,
                          text=True).stdout.strip()


def _clean_env(**extra: str) -> dict[str, str]:
    """The environment without GIT_* variables: tests may run inside a git hook, which sets GIT_DIR."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


def _init_repo(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    _git(path, "init", "-q")
    _git(path, "config", "user.name", "vnclean tests")
    _git(path, "config", "user.email", "tests@vnclean.invalid")
    _git(path, "config", "commit.gpgsign", "false")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> tuple[str, str]:
    """(path, commit) of a repository holding this checkout's working tree as it is now."""
    snap = tmp_path_factory.mktemp("vn-cleaner-snapshot")
    _init_repo(snap)
    listed = _git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        src = REPO / name
        if src.is_file():  # deleted but not yet committed files are listed too
            (snap / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, snap / name)
    _git(snap, "add", "-A")
    _git(snap, "commit", "-q", "-m", "snapshot of the working tree")
    return str(snap), _git(snap, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("pre-commit-home"))


@pytest.fixture
def user_repo(tmp_path) -> Path:
    """A user's repository: a dirty seed, a clean file, a Markdown note and their own rule file, committed."""
    repo = tmp_path / "corpus-repo"
    _init_repo(repo)
    (repo / "dirty.txt").write_text(_dirty_text(), encoding="utf-8")
    (repo / "clean.txt").write_text(load_rules("vn-news").clean(_dirty_text()), encoding="utf-8")
    (repo / "notes.md").write_text(_dirty_text(), encoding="utf-8")  # not a .txt file: never touched
    (repo / "rules").mkdir()
    (repo / "rules" / "my-site.yaml").write_text(_readme_blocks()[1], encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "corpus")
    for p in ("clean.txt", "notes.md"):
        os.utime(repo / p, ns=(OLD_MTIME_NS, OLD_MTIME_NS))
    return repo


@pytest.fixture
def pre_commit(user_repo, pre_commit_home):
    """Run the real ``pre-commit`` in the user's repository: ``pre_commit("run", "--all-files")``."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=user_repo, capture_output=True,
                              text=True, env=_clean_env(PRE_COMMIT_HOME=pre_commit_home), timeout=900)

    return run


#: ``pre-commit run`` for the hooks of the manual stage.
MANUAL = ("run", "--hook-stage", "manual")


def _write_config(repo: Path, hook_repo: tuple[str, str], hooks: list[dict]) -> None:
    path, rev = hook_repo
    config = {"repos": [{"repo": path, "rev": rev, "hooks": hooks}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")


def _untouched(repo: Path, *names: str) -> dict[str, tuple[bytes, int]]:
    return {n: ((repo / n).read_bytes(), (repo / n).stat().st_mtime_ns) for n in names}


@pytest.mark.slow
def test_vnclean_hook_fixes_then_passes(user_repo, hook_repo, pre_commit):
    _write_config(user_repo, hook_repo, [{"id": "vnclean"}])
    before = _untouched(user_repo, "clean.txt")
    first = pre_commit("run", "vnclean", "--files", "dirty.txt", "clean.txt")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert "Fixing dirty.txt" in first.stdout
    assert "Fixing clean.txt" not in first.stdout
    expected = load_rules("vn-news").clean(_dirty_text())
    assert (user_repo / "dirty.txt").read_text(encoding="utf-8") == expected
    assert _untouched(user_repo, "clean.txt") == before
    second = pre_commit("run", "vnclean", "--files", "dirty.txt", "clean.txt")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Passed" in second.stdout


@pytest.mark.slow
def test_vnclean_check_hook_fails_and_changes_nothing(user_repo, hook_repo, pre_commit):
    _write_config(user_repo, hook_repo, [{"id": "vnclean-check"}, {"id": "vnclean", "stages": ["manual"]}])
    os.utime(user_repo / "dirty.txt", ns=(OLD_MTIME_NS, OLD_MTIME_NS))
    before = _untouched(user_repo, "dirty.txt", "clean.txt")
    for _ in range(2):  # it fails the same way every time: it never fixes anything
        run = pre_commit("run", "vnclean-check", "--files", "dirty.txt", "clean.txt")
        assert run.returncode == 1, run.stdout + run.stderr
        assert "would change: dirty.txt" in run.stdout
        assert "--- a/dirty.txt\n+++ b/dirty.txt\n" in run.stdout
        assert "-  • icon gmail\n" in run.stdout
        assert "files were modified" not in run.stdout
        assert _untouched(user_repo, "dirty.txt", "clean.txt") == before
    fix = pre_commit(*MANUAL, "vnclean", "--files", "dirty.txt")
    assert fix.returncode == 1, fix.stdout + fix.stderr
    after = pre_commit("run", "vnclean-check", "--files", "dirty.txt", "clean.txt")
    assert after.returncode == 0, after.stdout + after.stderr


@pytest.mark.slow
def test_readme_config_with_a_user_rule_file(user_repo, hook_repo, pre_commit):
    """The README's config as is (only `repo:` and `rev:` point here), on every file of the repository."""
    config, _ = _readme_blocks()
    _write_config(user_repo, hook_repo, config["repos"][0]["hooks"])
    before = _untouched(user_repo, "clean.txt", "notes.md")
    rules_before = (user_repo / "rules" / "my-site.yaml").read_bytes()
    check = pre_commit(*MANUAL, "vnclean-check", "--all-files")
    assert check.returncode == 1, check.stdout + check.stderr
    assert f"-{SITE_FOOTER}\n" in check.stdout  # the user's rule fires
    first = pre_commit("run", "--all-files")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "vnclean-check" not in first.stdout  # manual stage: not run on commit
    text = (user_repo / "dirty.txt").read_text(encoding="utf-8")
    assert SITE_FOOTER not in text
    assert "icon gmail" not in text
    assert _untouched(user_repo, "clean.txt", "notes.md") == before
    assert (user_repo / "rules" / "my-site.yaml").read_bytes() == rules_before
    second = pre_commit("run", "--all-files")
    assert second.returncode == 0, second.stdout + second.stderr
    check = pre_commit(*MANUAL, "vnclean-check", "--all-files")
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.slow
def test_try_repo_on_the_checkout(user_repo, pre_commit):
    """`pre-commit try-repo <checkout> vnclean`, as a user tries the hook (uncommitted changes included)."""
    before = _untouched(user_repo, "clean.txt")
    first = pre_commit("try-repo", str(REPO), "vnclean",
                        "--files", "dirty.txt", "clean.txt")
    assert first.returncode == 1, first.stdout + first.stderr
    assert "Fixing dirty.txt" in first.stdout
    assert (user_repo / "dirty.txt").read_text(encoding="utf-8") == load_rules("vn-news").clean(_dirty_text())
    assert _untouched(user_repo, "clean.txt") == before
    second = pre_commit("try-repo", str(REPO), "vnclean",
                         "--files", "dirty.txt", "clean.txt")
    assert second.returncode == 0, second.stdout + second.stderr
