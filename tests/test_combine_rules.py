"""Combining rule sets as the README teaches: a site file that `extends: vn-news`, used with or without it.

Each rule file is read once, where it is first named (compared by resolved path), so naming a set twice,
directly or through ``extends``, is harmless; two different rules with one id still clash, naming both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import load_rules
from cleaner.errors import RuleError
from cleaner.loader import shipped_dirs

SITE = """\
name: my-site
extends: vn-news
rules:
  - id: my-site-promo
    why: The app banner my-site puts under every article.
    pattern: '^Đọc báo my-site trên điện thoại'
"""
#: A share button (vn-news removes it), an article line, and the site's banner (only my-site removes it).
TEXT = "icon facebook\nHà Nội mưa to suốt đêm qua.\nĐọc báo my-site trên điện thoại\n"
CLEAN = "Hà Nội mưa to suốt đêm qua.\n"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my-site.yaml").write_text(SITE, encoding="utf-8")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    return tmp_path


def test_extending_file_after_its_base_loads_each_file_once(site: Path) -> None:
    both = load_rules("vn-news", "my-site.yaml")
    alone = load_rules("my-site.yaml")
    assert both.ids == alone.ids
    assert both.ids.count("nav-bullet") == 1
    assert both.ids[-1] == "my-site-promo"
    assert both.clean(TEXT) == alone.clean(TEXT) == CLEAN


def test_the_same_set_named_twice_is_read_once(site: Path) -> None:
    once = load_rules("vn-news")
    assert load_rules("vn-news", "vn-news").ids == once.ids
    # the same file by its name and by its path, with a different spelling of the path
    path = next(d for d in shipped_dirs()) / "vn-news.yaml"
    assert load_rules("vn-news", str(path.parent / "." / "vn-news.yaml")).ids == once.ids
    assert load_rules("my-site.yaml", "./my-site.yaml", "vn-news").ids == load_rules("my-site.yaml").ids


def test_two_files_extending_one_base_share_it(site: Path) -> None:
    (site / "other.yaml").write_text(
        "extends: vn-news\nrules:\n  - id: other-promo\n    why: x\n    pattern: '^Tải ứng dụng other'\n",
        encoding="utf-8")
    rs = load_rules("my-site.yaml", "other.yaml")
    assert rs.ids.count("nav-bullet") == 1
    assert rs.ids[-2:] == ("my-site-promo", "other-promo")


def test_a_real_clash_of_two_rules_names_both_places(site: Path) -> None:
    (site / "clash.yaml").write_text(
        "rules:\n  - id: my-site-promo\n    why: another rule\n    pattern: '^x'\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rules("my-site.yaml", "clash.yaml")
    msg = str(info.value)
    assert msg.startswith("clash.yaml:2: rule 'my-site-promo': id 'my-site-promo' is already used at ")
    assert "my-site.yaml:4" in msg


def test_cli_accepts_the_readme_combination(site: Path, run_cli) -> None:
    code, out, err = run_cli("clean", "a.txt", "--rules", "vn-news", "--rules", "my-site.yaml")
    assert (code, out) == (0, CLEAN), err
    code, out, err = run_cli("clean", "a.txt", "--rules", "my-site.yaml")
    assert (code, out) == (0, CLEAN), err


def test_rules_list_shows_each_rule_once(site: Path, run_cli) -> None:
    code, out, _ = run_cli("rules", "list", "--rules", "vn-news", "--rules", "my-site.yaml")
    ids = [line.split()[0] for line in out.splitlines()]
    assert code == 0 and len(ids) == len(set(ids)) and "my-site-promo" in ids
