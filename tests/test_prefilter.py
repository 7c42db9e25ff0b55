"""The prefilter never rules out a line its pattern matches, and it rules out what it should."""

from __future__ import annotations

import pytest
import regex
from conftest import dev_inputs, seed_files

from cleaner import load_rules
from cleaner.prefilter import prefilter_for
from cleaner.text import strip_marks

FLAGS = regex.V0 | regex.IGNORECASE


def _lines() -> list[str]:
    lines: list[str] = []
    for p in seed_files() + dev_inputs():
        lines += p.read_text(encoding="utf-8").split("\n")
    rules = load_rules("vn-news")
    for r in rules.rules:
        for c in r.examples.change:
            lines += (c if isinstance(c, str) else c[0]).split("\n")
        for k in r.examples.keep:
            lines += k.split("\n")
    variants = []
    for line in lines:
        nbsp = "\N{NO-BREAK SPACE}"
        variants += ["  " + line, "\t" + line, nbsp + line, line.upper(), line[len(line) // 2:]]
    return list(dict.fromkeys(lines + variants))


def test_no_shipped_rule_loses_a_match():
    lines = _lines()
    rules = load_rules("vn-news")
    with_prefilter = 0
    for c in (s.matcher for s in rules.steps):
        if c.pat is None or (pre := prefilter_for(c.pat)) is None:
            continue
        with_prefilter += 1
        for line in lines:
            text = strip_marks(line) if c.rule.ignore_diacritics else line
            if not pre.may_match(text):
                assert c.pat.search(text) is None, (c.rule.id, line)
    assert with_prefilter >= 10, "most shipped rules get a prefilter"


@pytest.mark.parametrize(("pattern", "line", "may"), [
    (r"^\s*(?:xem thêm|đọc thêm)\s*:", "   Xem thêm: giá vàng", True),
    (r"^\s*(?:xem thêm|đọc thêm)\s*:", "Giá vàng hôm nay", False),
    (r"^(?: {3,}|\t+)\S", "    thụt lề", True),
    (r"^(?: {3,}|\t+)\S", "không thụt lề", False),
    (r"©|\bcopyright\b|bản quyền", "COPYRIGHT 2024", True),
    (r"©|\bcopyright\b|bản quyền", "Bài viết của phóng viên", False),
    (r"\s[-–]\s*\d+$", "Tiêu đề - 2", True),  # no literal to look for: no prefilter, every line may match
])
def test_prefilter_examples(pattern, line, may):
    pat = regex.compile(pattern, FLAGS)
    pre = prefilter_for(pat)
    assert (pre is None or pre.may_match(line)) is may
    if not may:
        assert pat.search(line) is None


@pytest.mark.parametrize("pattern", [
    r"^\s*(?:\s|x)y",  # a match may begin inside the leading spaces
    r"^[[:alpha:]]+$",  # POSIX class: read differently by the stdlib parser
    r"(?:abc){e<=1}",  # fuzzy matching
    r"^\p{Lu}\w+$",  # \p{..} is regex-only syntax
    r"^a*$",  # matches the empty line
])
def test_patterns_without_prefilter(pattern):
    assert prefilter_for(regex.compile(pattern, FLAGS)) is None
