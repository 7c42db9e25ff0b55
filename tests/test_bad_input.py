"""Bad inputs end in one clear line naming the file; the other files are cleaned, nothing is overwritten."""

from __future__ import annotations

import codecs
import os
import unicodedata
from pathlib import Path

import pytest

from cleaner import InputError, load_rules
from cleaner.batch import Job, process
from cleaner.files import BinaryFileError, decode, decode_counted, iter_inputs, read_text

ARTICLE = "Hà Nội mưa to suốt đêm qua, nhiều tuyến phố ngập sâu.\n"
TONES = "\N{COMBINING GRAVE ACCENT}\N{COMBINING ACUTE ACCENT}\N{COMBINING TILDE}" \
        "\N{COMBINING HOOK ABOVE}\N{COMBINING DOT BELOW}"


def cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letters (ê, ơ, ă...) precomposed, tone marks as combining bytes."""
    out = b""
    for ch in text:
        nfd = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in TONES))
        out += base.encode("cp1258") + "".join(c for c in nfd if c in TONES).encode("cp1258")
    return out


def one_error(err: str) -> str:
    """The single ``vnclean: error:`` line of stderr (the test fails if there are several)."""
    lines = [line for line in err.splitlines() if line.startswith("vnclean: error:")]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """An input folder with one good article, for checking that a bad file does not stop the batch."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(ARTICLE, encoding="utf-8")
    return src


# -- encodings ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "offset"), [
    ("Tiếng Việt".encode() + b" \xff hay.\n", 15),  # a stray byte
    (b"Xin ch\xc3\xa0o\nVi\xe1\xbb", 12),  # a sequence cut off at the end
])
def test_invalid_utf8_names_file_line_offset_and_remedy(run_cli, tree: Path, data: bytes,
                                                        offset: int) -> None:
    (tree / "bad.txt").write_bytes(data)
    code, _, err = run_cli("clean", tree, "-o", tree.parent / "out", "-q")
    assert code == 2
    msg = one_error(err)
    line = data.count(b"\n", 0, offset) + 1
    assert f"bad.txt:{line}: not valid utf-8 at byte {offset}" in msg
    assert "--encoding" in msg and "--errors replace" in msg
    assert (tree.parent / "out" / "good.txt").read_text(encoding="utf-8") == ARTICLE
    assert not (tree.parent / "out" / "bad.txt").exists()
    assert (tree / "bad.txt").read_bytes() == data


def test_library_decode_error_carries_the_position() -> None:
    with pytest.raises(InputError) as info:
        decode(b"Ha Noi\nVi\xe1\xbb", "x.txt")
    assert (info.value.path, info.value.line, info.value.offset) == ("x.txt", 2, 9)
    with pytest.raises(InputError, match=r"x\.txt:1: not valid utf-8 at byte 4 .*BOM"):
        decode(codecs.BOM_UTF8 + b"a\xff", "x.txt")  # offsets count the BOM: they are file offsets


def test_errors_replace_keeps_going_and_counts(run_cli, tree: Path) -> None:
    # \xff, then \xfe twice, then a cut-off sequence: four replacements
    (tree / "bad.txt").write_bytes("Tiếng Việt".encode() + b" \xff hay \xfe\xfe.\nVi\xe1\xbb")
    code, _, err = run_cli("clean", tree, "-o", tree.parent / "out", "--errors", "replace")
    assert code == 0
    assert "bad.txt: 4 undecodable byte sequences replaced with U+FFFD" in err
    assert "4 undecodable byte sequences replaced" in err.splitlines()[-1]  # the summary
    assert (tree.parent / "out" / "bad.txt").read_text(encoding="utf-8") == \
        "Tiếng Việt \N{REPLACEMENT CHARACTER} hay \N{REPLACEMENT CHARACTER}\N{REPLACEMENT CHARACTER}.\n" \
        "Vi\N{REPLACEMENT CHARACTER}\n"
    # A real U+FFFD in the file is text, not a replacement.
    data = "a\N{REPLACEMENT CHARACTER}".encode() + b"\xff"
    assert decode_counted(data, "x", errors="replace").replaced == 1
    out = process(load_rules(), Job(out_dir=tree.parent / "o2", errors="replace"), tree / "bad.txt",
                  Path("bad.txt"))
    assert out.replaced == 4


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_boms_are_read_and_dropped(run_cli, tmp_path: Path, bom: bytes) -> None:
    codec = {codecs.BOM_UTF8: "utf-8", codecs.BOM_UTF16_LE: "utf-16-le",
             codecs.BOM_UTF16_BE: "utf-16-be"}[bom]
    p = tmp_path / "a.txt"
    p.write_bytes(bom + ARTICLE.replace("\n", "\r\n").encode(codec))
    assert read_text(p) == ARTICLE.replace("\n", "\r\n")
    code, out, _ = run_cli("clean", p, "-q")
    assert (code, out) == (0, ARTICLE)


def test_cp1258_is_decoded_to_nfc(run_cli, tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(cp1258("Tiếng Việt là ngôn ngữ của người Việt, hòa bình.\n"))
    code, _, err = run_cli("clean", p, "-q")
    assert code == 2 and "not valid utf-8" in one_error(err)
    code, out, _ = run_cli("clean", p, "--encoding", "cp1258", "-q")
    assert code == 0
    assert out == "Tiếng Việt là ngôn ngữ của người Việt, hòa bình.\n"
    assert unicodedata.is_normalized("NFC", out)


def test_unknown_encoding_is_a_clear_error(run_cli, tree: Path) -> None:
    code, _, err = run_cli("clean", tree / "good.txt", "--encoding", "cp9999", "-q")
    assert code == 2
    assert "unknown encoding 'cp9999'" in one_error(err)


# -- binary files ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    b"\xff\xd8\xff\xe0JFIF",  # a JPEG start without NUL bytes
    "Hà Nội\x00\x00 mưa".encode(),
])
def test_binary_file_in_a_folder_is_skipped_with_a_warning(run_cli, tree: Path, data: bytes) -> None:
    (tree / "photo.txt").write_bytes(data)
    out_dir = tree.parent / "out"
    code, _, err = run_cli("clean", tree, "-o", out_dir)
    assert code == 0
    assert "vnclean: warning: " in err and "photo.txt: binary file" in err and "skipped" in err
    assert "1 skipped" in err
    assert not (out_dir / "photo.txt").exists()
    assert (out_dir / "good.txt").read_text(encoding="utf-8") == ARTICLE
    assert (tree / "photo.txt").read_bytes() == data
    with pytest.raises(BinaryFileError):
        read_text(tree / "photo.txt")


def test_binary_file_is_not_rewritten_in_place(run_cli, tree: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR  \n  "
    (tree / "photo.txt").write_bytes(data)
    code, _, err = run_cli("clean", tree, "--in-place", "-q")
    assert code == 0, err
    assert (tree / "photo.txt").read_bytes() == data


# -- empty, blank, line endings ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   \n\n \t\n", "\r\n\r\n"])
def test_empty_and_blank_files(run_cli, tree: Path, text: str) -> None:
    (tree / "blank.txt").write_text(text, encoding="utf-8", newline="")
    code, _, err = run_cli("clean", tree, "-o", tree.parent / "out", "-q")
    assert code == 0, err
    assert (tree.parent / "out" / "blank.txt").read_text(encoding="utf-8") == ""
    assert (tree.parent / "out" / "good.txt").read_text(encoding="utf-8") == ARTICLE
    code, _, err = run_cli("clean", tree, "--in-place", "-q")
    assert code in (0, 1), err
    assert (tree / "good.txt").read_text(encoding="utf-8") == ARTICLE


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_lone_cr_line_endings(run_cli, tmp_path: Path, newline: str) -> None:
    p = tmp_path / "a.txt"
    text = f"icon facebook{newline}{ARTICLE.strip()}{newline}Trời lạnh.{newline}"
    p.write_bytes(text.encode())
    code, out, _ = run_cli("clean", p, "-q")
    assert code == 0
    assert out == ARTICLE + "Trời lạnh.\n"
    assert load_rules().clean(text) == out


# -- paths that cannot be read -----------------------------------------------------------------------------

def test_unreadable_file(run_cli, tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tree / "secret.txt"
    bad.write_text(ARTICLE, encoding="utf-8")
    bad.chmod(0)
    try:
        if os.access(bad, os.R_OK):  # root reads anything: make the open fail as it would for a user
            real_open = os.open

            def deny(path: os.PathLike[str] | str, *args: object, **kwargs: object) -> int:
                if Path(path).name == "secret.txt":
                    raise PermissionError(13, "Permission denied", str(path))
                return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

            monkeypatch.setattr(os, "open", deny)
        code, _, err = run_cli("clean", tree, "-o", tree.parent / "out", "-q")
    finally:
        bad.chmod(0o644)
    assert code == 2
    assert "secret.txt: cannot read: Permission denied; check the path and its permissions" in one_error(err)
    assert (tree.parent / "out" / "good.txt").exists()
    assert not (tree.parent / "out" / "secret.txt").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_is_reported_not_waited_on(run_cli, tree: Path) -> None:
    os.mkfifo(tree / "pipe.txt")  # reading it would block for ever
    code, _, err = run_cli("clean", tree, "-o", tree.parent / "out", "-q")
    assert code == 2
    assert "pipe.txt: not a regular file (a named pipe)" in one_error(err)
    assert (tree.parent / "out" / "good.txt").exists()
    with pytest.raises(InputError, match="a named pipe"):
        read_text(tree / "pipe.txt")  # the library does not block either


def test_folder_given_where_a_file_is_read(tree: Path) -> None:
    with pytest.raises(InputError, match="not a regular file \\(a folder\\)"):
        read_text(tree)


def test_missing_path_and_broken_links(run_cli, tree: Path) -> None:
    (tree / "dangling.txt").symlink_to(tree / "nowhere.txt")
    (tree / "self.txt").symlink_to(tree / "self.txt")
    code, _, err = run_cli("clean", tree, tree / "absent.txt", "-o", tree.parent / "out", "-q")
    assert code == 2
    errors = [line for line in err.splitlines() if line.startswith("vnclean: error:")]
    assert len(errors) == 3
    assert any("dangling.txt: broken symbolic link" in e for e in errors)
    assert any("self.txt: symbolic link loop" in e for e in errors)
    assert any("absent.txt: no such file or folder" in e for e in errors)
    assert (tree.parent / "out" / "good.txt").exists()


def test_folder_symlink_loop_is_not_followed(run_cli, tree: Path) -> None:
    (tree / "sub").mkdir()
    (tree / "sub" / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (tree / "sub" / "loop").symlink_to(tree, target_is_directory=True)
    found = [i.relative.as_posix() for i in iter_inputs([str(tree)]) if not isinstance(i, InputError)]
    assert found == ["good.txt", "sub/b.txt"]
    code, _, err = run_cli("clean", tree, "-o", tree.parent / "out", "-q")
    assert code == 0, err
    assert sorted(p.relative_to(tree.parent / "out").as_posix()
                  for p in (tree.parent / "out").rglob("*.txt")) == ["good.txt", "sub/b.txt"]


# -- where output goes -------------------------------------------------------------------------------------

def test_output_folder_inside_the_input_folder(run_cli, tree: Path) -> None:
    out_dir = tree / "out"
    for _ in range(2):  # the second run must not clean out/ again into out/out/
        code, _, err = run_cli("clean", tree, "-o", out_dir, "-q")
        assert code == 0, err
    assert sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*.txt")) == ["good.txt", "out/good.txt"]
    assert (out_dir / "good.txt").read_text(encoding="utf-8") == ARTICLE


def test_output_pointing_at_an_input_file(run_cli, tree: Path) -> None:
    target = tree / "good.txt"
    code, _, err = run_cli("clean", tree, "-o", target)
    assert code == 2
    msg = one_error(err)
    assert f"-o {target}: is a" in msg and "-o takes a folder" in msg
    assert target.read_text(encoding="utf-8") == ARTICLE


def test_output_folder_equal_to_the_input_folder(run_cli, tree: Path) -> None:
    dirty = tree / "dirty.txt"
    dirty.write_text("icon facebook\n" + ARTICLE, encoding="utf-8")
    code, _, err = run_cli("clean", tree, "-o", tree)
    assert code == 2
    assert "is an input folder" in one_error(err) and "--in-place" in err
    assert dirty.read_text(encoding="utf-8") == "icon facebook\n" + ARTICLE


def test_library_never_writes_over_its_input(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("icon facebook\n" + ARTICLE, encoding="utf-8")
    out = process(load_rules(), Job(out_dir=tmp_path), src, Path("a.txt"))
    assert out.status == "failed" and "is this input file" in out.message
    assert src.read_text(encoding="utf-8") == "icon facebook\n" + ARTICLE


# -- size --------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_one_100_mb_line(run_cli, tmp_path: Path) -> None:
    # About a minute and 2 GB; the engine is linear in the line length (bench/ measures speed).
    sentence = "Hà Nội mưa to, trời lạnh. "
    p = tmp_path / "big.txt"
    with p.open("w", encoding="utf-8") as fh:
        fh.write(sentence * (100_000_000 // len(sentence.encode())))
    size = p.stat().st_size
    code, _, err = run_cli("clean", p, "-o", tmp_path / "out", "-q")
    assert code == 0, err
    out = tmp_path / "out" / "big.txt"
    assert out.stat().st_size == size - 1 + 1  # the trailing space goes, a final newline comes
    with out.open(encoding="utf-8") as fh:
        assert fh.read(len(sentence)) == sentence


@pytest.mark.slow
def test_a_million_short_lines(run_cli, tmp_path: Path) -> None:
    # About two minutes. Each line holds its own number, as lines of real text differ in a word or two;
    # lines drawn from a handful of words only are a known slow case of the repeated-inside rule.
    words = "một hai ba bốn năm người dân thành phố mưa nắng trời lạnh hôm nay ngày mai công an xã".split()
    p = tmp_path / "lines.txt"
    with p.open("w", encoding="utf-8") as fh:
        for i in range(1_000_000):
            fh.write(f"Dòng {i}: " + " ".join(words[(i * k + k) % len(words)] for k in range(1, 7)) + ".\n")
    code, _, err = run_cli("clean", p, "-o", tmp_path / "out", "-q")
    assert code == 0, err
    with (tmp_path / "out" / "lines.txt").open(encoding="utf-8") as fh:
        assert sum(1 for _ in fh) == 1_000_000
