"""The public API of normalization (the function cleaner.normalize, the package cleaner.normalization)."""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.normalization import NormalizeOptions, Normalizer, fold_ascii, normalize
from cleaner.report import Change

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
GOLD = sorted((SHARED / "corpus" / "dev").glob("*.gold.txt")) + sorted(
    (SHARED / "corpus" / "seeds-gold").glob("*.gold.txt")
)
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def test_defaults() -> None:
    opts = NormalizeOptions()
    assert (opts.tone_style, opts.mojibake, opts.legacy, opts.lookalikes) == ("old", True, "auto", True)
    assert (opts.invisible, opts.spaces, opts.ascii) == (True, True, False)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"tone": "new"}, "unknown option 'tone' (did you mean 'tone_style'?)"),
        ({"tone_style": "x"}, "tone_style must be one of old, new, keep, got 'x'"),
        ({"legacy": "utf8"}, "legacy must be one of off, auto, vni, tcvn3, viscii, viqr, got 'utf8'"),
        ({"ascii": "yes"}, "ascii must be true or false, got 'yes'"),
        ({"mojibak": False}, "unknown option 'mojibak' (did you mean 'mojibake'?)"),
    ],
)
def test_from_mapping_errors(mapping: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as info:
        NormalizeOptions.from_mapping(mapping)
    assert str(info.value) == message


def test_replace_validates() -> None:
    with pytest.raises(ValueError, match="tone_style"):
        dataclasses.replace(NormalizeOptions(), tone_style="newest")
    assert dataclasses.replace(NormalizeOptions(), tone_style="new").tone_style == "new"


def test_pickling() -> None:
    opts = NormalizeOptions(tone_style="new", ascii=True)
    normalizer = pickle.loads(pickle.dumps(Normalizer(opts)))
    assert normalizer.options == opts
    assert normalizer.apply("Hòa bình") == "Hoa binh"


def test_normalize_passes_options() -> None:
    assert normalize("Thủy lợi", tone_style="new") == "Thuỷ lợi"
    with pytest.raises(ValueError):
        normalize("x", tone="new")


def test_explain_reports_each_fix_with_its_line() -> None:
    text = "Tin tức\nHoà bình ,  thuỷ lợi\nViá»‡t\u00a0Nam"
    out, changes = Normalizer().explain(text)
    assert out == Normalizer().apply(text) == "Tin tức\nHòa bình, thủy lợi\nViệt Nam"
    assert all(isinstance(c, Change) and c.action == "fix" for c in changes)
    seen = {(c.rule, c.line, c.before, c.after) for c in changes}
    assert ("normalize.tone", 2, "Hoà", "Hòa") in seen
    assert ("normalize.tone", 2, "thuỷ", "thủy") in seen
    assert ("normalize.mojibake", 3, "Viá»‡t\u00a0Nam", "Việt\u00a0Nam") in seen
    assert ("normalize.invisible", 3, "Việt\u00a0Nam", "Việt Nam") in seen
    assert {c.rule for c in changes} == {"normalize.tone", "normalize.mojibake", "normalize.invisible",
                                         "normalize.spaces"}


def test_explain_on_clean_text_reports_nothing() -> None:
    assert Normalizer().explain("Hòa bình, thủy lợi.") == ("Hòa bình, thủy lợi.", [])


def test_line_breaks_are_kept() -> None:
    text = "a ,\r\nb\rc\n\n  d  \n"
    assert Normalizer().apply(text) == "a,\nb\nc\n\n  d  \n"


def test_fold_ascii() -> None:
    assert fold_ascii("Đảm bảo chất lượng") == "Dam bao chat luong"
    assert fold_ascii("plain") == "plain"


def test_unidecode_is_only_imported_by_fold_ascii() -> None:
    code = (
        "import sys, cleaner.normalization as _; from cleaner.normalization import normalize; "
        "normalize('Hòa bình'); assert 'unidecode' not in sys.modules; "
        "from cleaner.normalization import fold_ascii; fold_ascii('Hòa'); assert 'unidecode' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.skipif(not GOLD, reason="../shared/corpus gold files are not available")
@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.name)
def test_gold_text_changes_only_in_whitespace(path: Path) -> None:
    """Hand-checked text in old style: only spacing and invisible characters may change.

    vnexpress_002 writes "toả" in new style, which the default old style rewrites to "tỏa".
    """
    text = path.read_text(encoding="utf-8")
    out = Normalizer().apply(text)
    allowed = {"toả": "tỏa"}
    for new_style, old_style in allowed.items():
        text = text.replace(new_style, old_style)

    def squash(s: str) -> str:
        return "".join(s.replace("\u00a0", " ").replace("\u200b", "").split())

    assert squash(out) == squash(text)
    assert out.count("\n") == text.count("\n")


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seeds_are_stable(path: Path) -> None:
    once = Normalizer().apply(path.read_text(encoding="utf-8"))
    assert Normalizer().apply(once) == once


def test_the_function_and_the_package_have_their_own_names() -> None:
    import importlib

    import cleaner
    import cleaner.normalization as package

    assert callable(cleaner.normalize) and cleaner.normalize("Hoà bình") == "Hòa bình"
    assert package.Normalizer is Normalizer and package.normalize is cleaner.normalize
    assert importlib.import_module("cleaner.normalization.tones").__name__ == "cleaner.normalization.tones"
