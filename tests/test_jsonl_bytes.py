"""JSONL output keeps each record byte for byte but the cleaned text, and is always valid UTF-8.

(Issue "Reliability, round two", items 12 and 17.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import load_rules
from cleaner.jsonl import clean_jsonl, encode_line

DIRTY_JSON = '"icon facebook\\nSáng nay, trời mưa."'
CLEAN_JSON = '"Sáng nay, trời mưa.\\n"'


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def cleaned_lines(rules, *lines: str, jobs: int = 1) -> list[bytes]:
    return [encode_line(r) for r in clean_jsonl([x.encode() for x in lines], rules, jobs=jobs)]


@pytest.mark.parametrize("other", [
    '"n": 1E5', '"n": 1e400', '"n": -1e-400', '"n": NaN', '"n": -Infinity', '"n": 1.50', '"n": 0.1e1',
    '"n": 12345678901234567890123', '"a": [1.0, {"b": 2E+2}]', '"s": "Hà N\\u1ed9i \\/ \\"x\\""',
])
def test_other_fields_of_a_changed_record_are_kept_byte_for_byte(rules, other: str) -> None:
    line = '{' + other + ', "text": ' + DIRTY_JSON + '}'
    assert cleaned_lines(rules, line) == [('{' + other + ', "text": ' + CLEAN_JSON + '}\n').encode()]


def test_duplicate_keys_stay_and_the_last_text_is_the_one_cleaned(rules) -> None:
    # json.loads reads the last of two equal keys; that one is cleaned, the first stays as written.
    line = '{"text": "icon facebook\\nCũ.", "id": 7, "text": ' + DIRTY_JSON + ', "id": 8}'
    want = '{"text": "icon facebook\\nCũ.", "id": 7, "text": ' + CLEAN_JSON + ', "id": 8}\n'
    assert cleaned_lines(rules, line) == [want.encode()]


def test_spacing_escapes_and_key_order_stay(rules) -> None:
    line = '  { "id" :1 ,"te\\u0078t"  :  ' + DIRTY_JSON + ' , "z":[ ] }  '
    assert cleaned_lines(rules, line) == [('  { "id" :1 ,"te\\u0078t"  :  ' + CLEAN_JSON + ' , "z":[ ] }  \n')
                                          .encode()]


@pytest.mark.parametrize("jobs", [1, 2])
def test_lone_surrogates_are_written_as_escapes_and_do_not_stop_the_batch(rules, jobs: int) -> None:
    lines = ['{"id": "\\ud800", "text": "icon facebook\\nA \\ud800 b \\udc80 c."}',
             '{"text": "icon facebook\\nHà \\udc80 Nội."}',
             '{"text": "icon facebook\\nTrời nắng."}']
    out = cleaned_lines(rules, *lines, jobs=jobs)
    assert out == [b'{"id": "\\ud800", "text": "A \\ud800 b \\udc80 c.\\n"}\n',
                   '{"text": "Hà \\udc80 Nội.\\n"}\n'.encode(),
                   '{"text": "Trời nắng.\\n"}\n'.encode()]
    for b in out:
        b.decode("utf-8")  # valid UTF-8: no raw surrogate bytes


PAGE = "<p>Hà Nội mưa to suốt đêm qua, nhiều tuyến phố ngập sâu.</p>"
PAGE_TEXT = '"Hà Nội mưa to suốt đêm qua, nhiều tuyến phố ngập sâu.\\n"'


@pytest.mark.parametrize(("line", "want"), [
    # --html-field into a record without the text field: the field is added last, the rest stays.
    ('{"n": 1E5, "html": ' + json.dumps(PAGE) + ' }', '{"n": 1E5, "html": ' + json.dumps(PAGE) + ', "text": '
     + PAGE_TEXT + ' }'),
    ('{"text": null,"n":NaN, "html": ' + json.dumps(PAGE) + '}',
     '{"text": ' + PAGE_TEXT + ',"n":NaN, "html": ' + json.dumps(PAGE) + '}'),
])
def test_html_field_fills_the_text_field_and_keeps_every_other_byte(rules, line: str, want: str) -> None:
    out = [encode_line(r) for r in clean_jsonl([line.encode()], rules, html_field="html")]
    assert out == [(want + "\n").encode()]
    assert json.loads(out[0])["text"] == rules.clean_html(PAGE)


def test_cli_file_output_is_byte_exact(run_cli, tmp_path: Path) -> None:
    p = tmp_path / "corpus.jsonl"
    p.write_bytes(b'{"id": 1E5, "big": 1e400, "n": NaN, '
                  b'"text": "icon facebook\\nH\\u00e0 N\\u1ed9i \\ud800."}\n'
                  b'{"text": "Tr\\u1eddi n\\u1eafng.\\n"}\n')
    code, _, err = run_cli("clean", p, "-o", tmp_path / "out", "-q")
    assert code == 0, err
    out = (tmp_path / "out" / "corpus.jsonl").read_bytes()
    assert out == ('{"id": 1E5, "big": 1e400, "n": NaN, "text": "Hà Nội \\ud800.\\n"}\n'
                   '{"text": "Tr\\u1eddi n\\u1eafng.\\n"}\n').encode()
    json.loads(out.splitlines()[1])  # an unchanged record is written exactly as it came
