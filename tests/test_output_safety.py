"""The output side: no run writes over a user's file, loses lines appended meanwhile, or drops its metadata.

Each test builds the case it checks (issue "Reliability, round two", items 1-5, 14 and 15).
"""

from __future__ import annotations

import codecs
import os
import stat
import sys
from pathlib import Path

import pytest

from cleaner import load_rules
from cleaner.batch import Job, process
from cleaner.files import decode

DIRTY = "icon facebook\nHà Nội mưa to suốt đêm qua, nhiều tuyến phố ngập sâu.\n"
CLEAN = "Hà Nội mưa to suốt đêm qua, nhiều tuyến phố ngập sâu.\n"


def one_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("vnclean: error:")]
    assert len(lines) == 1, err
    return lines[0]


def write(path: Path, text: str = DIRTY) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path


# -- 1. UTF-32 is not read as UTF-16 ---------------------------------------------------------------------

@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_utf32_with_bom_is_read_as_utf32_and_rewritten_as_utf8(run_cli, tmp_path: Path, codec: str) -> None:
    bom = codecs.BOM_UTF32_LE if codec.endswith("le") else codecs.BOM_UTF32_BE
    p = tmp_path / "a.txt"
    p.write_bytes(bom + DIRTY.encode(codec))
    code, _, err = run_cli("clean", "--in-place", p, "-q")
    assert code == 1, err
    assert p.read_bytes() == CLEAN.encode("utf-8")


def test_decoded_nul_characters_are_refused_not_written(run_cli, tmp_path: Path) -> None:
    # UTF-32-LE text without a BOM, read as UTF-16-LE, decodes to letters with a NUL between each.
    p = tmp_path / "a.txt"
    data = DIRTY.encode("utf-32-le")
    p.write_bytes(data)
    code, _, err = run_cli("clean", "--in-place", "--encoding", "utf-16-le", p, "-q")
    assert code == 0 and "binary file (NUL characters), skipped" in err
    assert p.read_bytes() == data


def test_a_decoding_that_does_not_give_the_bytes_back_is_refused(run_cli, tmp_path: Path) -> None:
    # UTF-7 reads "+AGE-" as "a", which encodes back as "a": writing the text would change other bytes.
    p = tmp_path / "a.txt"
    p.write_bytes(b"icon facebook\nH+AGE- Noi.\n")
    before = p.read_bytes()
    code, _, err = run_cli("clean", "--in-place", "--encoding", "utf-7", p, "-q")
    assert code == 2
    assert "does not give the same bytes back" in one_error(err) and str(p) in err
    assert p.read_bytes() == before


# -- 2. -o inside an input folder ------------------------------------------------------------------------

def test_output_folder_inside_the_input_holding_user_files_is_refused(run_cli, tmp_path: Path) -> None:
    src = tmp_path / "in"
    write(src / "a.txt")
    mine = write(src / "sub" / "a.txt", "Bài của tôi, không phải bản sạch.\n")
    code, _, err = run_cli("clean", src, "-o", src / "sub", "-q")
    assert code == 2
    msg = one_error(err)
    assert f"-o {src / 'sub'}: lies inside the input folder" in msg and str(mine) in msg
    assert mine.read_text(encoding="utf-8") == "Bài của tôi, không phải bản sạch.\n"


def test_output_folder_inside_the_input_can_be_rerun(run_cli, tmp_path: Path) -> None:
    src = tmp_path / "in"
    write(src / "a.txt")
    for _ in range(3):  # the mark left by the first run says the folder holds outputs
        code, _, err = run_cli("clean", src, "-o", src / "sub", "-q")
        assert code == 0, err
    assert (src / "sub" / "a.txt").read_text(encoding="utf-8") == CLEAN
    assert not (src / "sub" / "sub").exists()


# -- 3. two inputs, one output ---------------------------------------------------------------------------

def test_two_files_with_one_name_into_one_folder_are_refused(run_cli, tmp_path: Path) -> None:
    x, y = write(tmp_path / "x" / "a.txt"), write(tmp_path / "y" / "a.txt", "icon facebook\nTrời nắng.\n")
    out = tmp_path / "out"
    code, _, err = run_cli("clean", x, y, "-o", out, "-q")
    assert code == 2
    msg = one_error(err)
    assert str(x) in msg and str(y) in msg and str(out / "a.txt") in msg
    assert not (out / "a.txt").exists()


def test_two_folders_with_the_same_relative_path_are_refused(run_cli, tmp_path: Path) -> None:
    write(tmp_path / "x" / "d" / "a.txt")
    write(tmp_path / "y" / "d" / "a.txt")
    code, _, err = run_cli("clean", tmp_path / "x", tmp_path / "y", "-o", tmp_path / "out", "-q")
    assert code == 2 and "would both be written to" in one_error(err)
    assert not (tmp_path / "out" / "d" / "a.txt").exists()


def test_a_page_and_a_text_file_that_land_on_one_output_are_refused(run_cli, tmp_path: Path) -> None:
    # A page's text is written as NAME.txt: in/a.html and in/a.txt would both go to out/a.txt.
    src = tmp_path / "in"
    write(src / "a.txt")
    write(src / "a.html", "<p>Trời nắng nóng suốt cả tuần qua ở nhiều tỉnh miền Trung.</p>\n")
    out = tmp_path / "out"
    code, _, err = run_cli("clean", src, "-o", out, "-q")
    assert code == 2
    msg = one_error(err)
    assert str(src / "a.html") in msg and str(src / "a.txt") in msg and str(out / "a.txt") in msg
    assert "NAME.txt" in msg and not (out / "a.txt").exists()


def test_dedup_output_is_refused_where_clean_output_is(run_cli, tmp_path: Path) -> None:
    # Two inputs onto one output, and an -o folder inside the input that holds the user's own files.
    x, y = write(tmp_path / "x" / "a.txt"), write(tmp_path / "y" / "a.txt", "Trời nắng nóng cả tuần.\n")
    out = tmp_path / "out"
    code, _, err = run_cli("dedup", x, y, "-o", out, "--keep", "first", "-q")
    assert code == 2 and f"would both be written to {out / 'a.txt'}" in one_error(err)
    assert not out.exists()
    src = tmp_path / "in"
    write(src / "a.txt")
    mine = write(src / "sub" / "a.txt", "Bài của tôi, không phải bản sạch.\n")
    code, _, err = run_cli("dedup", src, "-o", src / "sub", "--keep", "first", "-q")
    assert code == 2 and "lies inside the input folder" in one_error(err)
    assert mine.read_text(encoding="utf-8") == "Bài của tôi, không phải bản sạch.\n"
    # Its own output folder inside the input is marked, so the next run may rewrite it.
    mine.unlink()
    for _ in range(2):
        code, _, err = run_cli("dedup", src, "-o", src / "sub", "--keep", "first", "-q")
        assert code == 0, err
    assert (src / "sub" / "a.txt").read_text(encoding="utf-8") == DIRTY


def test_dedup_never_writes_through_a_symlink_or_its_report_over_an_input(run_cli, tmp_path: Path) -> None:
    a = write(tmp_path / "in" / "a.txt")
    b = write(tmp_path / "in" / "b.txt", "Bài b, của tôi.\n")
    code, _, err = run_cli("dedup", tmp_path / "in", "--report", b, "-q")
    assert code == 2 and "is an input file" in one_error(err)
    assert b.read_text(encoding="utf-8") == "Bài b, của tôi.\n"
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").symlink_to(b)
    code, _, err = run_cli("dedup", tmp_path / "in", "-o", out, "--keep", "first", "-q")
    assert code == 2 and f"the output {out / 'a.txt'} is a symbolic link" in one_error(err)
    assert b.read_text(encoding="utf-8") == "Bài b, của tôi.\n" and a.read_text(encoding="utf-8") == DIRTY
    assert (out / "b.txt").read_text(encoding="utf-8") == "Bài b, của tôi.\n"


# -- 4. --report over an input ---------------------------------------------------------------------------

def test_report_path_that_is_an_input_is_refused(run_cli, tmp_path: Path) -> None:
    p = write(tmp_path / "a.txt")
    code, _, err = run_cli("clean", "--in-place", p, "--report", p, "-q")
    assert code == 2 and "is an input file" in one_error(err)
    assert p.read_text(encoding="utf-8") == DIRTY


def test_report_path_that_is_an_output_is_refused(run_cli, tmp_path: Path) -> None:
    p = write(tmp_path / "in" / "a.txt")
    out = tmp_path / "out"
    code, _, err = run_cli("clean", tmp_path / "in", "-o", out, "--report", out / "a.txt", "-q")
    assert code == 2 and "is where" in one_error(err)
    assert not (out / "a.txt").exists() and p.read_text(encoding="utf-8") == DIRTY


def test_report_path_where_a_page_text_is_written_is_refused(run_cli, tmp_path: Path) -> None:
    write(tmp_path / "in" / "a.html", "<p>Trời nắng nóng suốt cả tuần qua ở nhiều tỉnh miền Trung.</p>\n")
    out = tmp_path / "out"
    code, _, err = run_cli("clean", tmp_path / "in", "-o", out, "--report", out / "a.txt", "-q")
    assert code == 2 and "is where" in one_error(err)
    assert not (out / "a.txt").exists()


# -- 5. appended while being cleaned ---------------------------------------------------------------------

class AppendingRules:
    """The shipped rules, and a writer that appends to the file while it is being cleaned."""

    def __init__(self, path: Path, extra: str) -> None:
        self.rules = load_rules()
        self.path, self.extra = path, extra

    def explain(self, text: str, **kw: object):
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(self.extra)
        return self.rules.explain(text, **kw)


def test_a_file_appended_to_while_cleaned_in_place_is_left_alone(tmp_path: Path) -> None:
    p = write(tmp_path / "a.txt")
    extra = "".join(f"Dòng thêm {i}.\n" for i in range(1000))
    out = process(AppendingRules(p, extra), Job(in_place=True), p, Path("a.txt"))  # type: ignore[arg-type]
    assert out.status == "failed"
    assert "changed while it was being cleaned" in out.message and str(p) in out.message
    assert p.read_text(encoding="utf-8") == DIRTY + extra
    assert [q.name for q in tmp_path.iterdir()] == ["a.txt"]


# -- 14. metadata, hard links, read-only files -----------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root")
def test_in_place_keeps_owner_group_and_setuid_setgid_bits(run_cli, tmp_path: Path) -> None:
    p = write(tmp_path / "a.txt")
    os.chown(p, 12345, 23456)
    p.chmod(0o6754)
    code, _, err = run_cli("clean", "--in-place", p, "-q")
    assert code == 1, err
    st = p.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (12345, 23456, 0o6754)
    assert p.read_text(encoding="utf-8") == CLEAN


def test_in_place_keeps_extended_attributes(run_cli, tmp_path: Path) -> None:
    p = write(tmp_path / "a.txt")
    try:
        os.setxattr(p, "user.source", b"https://example.vn/bai-1")
    except (AttributeError, OSError):
        pytest.skip("this filesystem keeps no user extended attributes")
    code, _, err = run_cli("clean", "--in-place", p, "-q")
    assert code == 1, err
    assert os.getxattr(p, "user.source") == b"https://example.vn/bai-1"
    assert p.read_text(encoding="utf-8") == CLEAN


def test_hard_linked_file_is_left_alone_unless_forced(run_cli, tmp_path: Path) -> None:
    p = write(tmp_path / "a.txt")
    other = tmp_path / "backup.txt"
    os.link(p, other)
    code, _, err = run_cli("clean", "--in-place", p, "-q")
    assert code == 2
    assert f"{p}: not written: it has 2 hard links" in one_error(err) and "--force" in err
    assert p.read_text(encoding="utf-8") == other.read_text(encoding="utf-8") == DIRTY
    # Forced, this name is rewritten and the other keeps the old text (as sed -i does).
    code, _, err = run_cli("clean", "--in-place", "--force", p, "-q")
    assert code == 1, err
    assert p.read_text(encoding="utf-8") == CLEAN and other.read_text(encoding="utf-8") == DIRTY


def test_read_only_file_is_left_alone_unless_forced(run_cli, tmp_path: Path) -> None:
    p = write(tmp_path / "a.txt")
    p.chmod(0o444)
    code, _, err = run_cli("clean", "--in-place", p, "-q")
    assert code == 2
    assert f"{p}: not written: it is read-only" in one_error(err)
    assert p.read_text(encoding="utf-8") == DIRTY
    code, _, err = run_cli("clean", "--in-place", "--force", p, "-q")
    assert code == 1, err
    assert p.read_text(encoding="utf-8") == CLEAN and stat.S_IMODE(p.stat().st_mode) == 0o444


# -- 15. NUL bytes late in a file; UTF-16 without a BOM --------------------------------------------------

def test_a_nul_byte_after_the_first_8_kb_marks_a_binary_file(run_cli, tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    data = DIRTY.encode() * 400 + b"\x00\x01\x02" + DIRTY.encode()
    assert data.index(b"\x00") > 8192
    p.write_bytes(data)
    code, _, err = run_cli("clean", "--in-place", p, "-q")
    assert code == 0 and "binary file (NUL bytes), skipped" in err
    assert p.read_bytes() == data
    code, _, err = run_cli("clean", p, "-o", tmp_path / "out", "-q")
    assert not (tmp_path / "out" / "a.txt").exists()


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_bomless_utf16_is_read_with_its_encoding_named(run_cli, tmp_path: Path, codec: str) -> None:
    p = tmp_path / "a.txt"
    p.write_bytes(DIRTY.encode(codec))
    code, _, err = run_cli("clean", "--in-place", "--encoding", codec, p, "-q")
    assert code == 1, err
    assert p.read_bytes() == CLEAN.encode("utf-8")


def test_library_decode_detects_utf32_before_utf16() -> None:
    assert decode(codecs.BOM_UTF32_LE + "Hà Nội".encode("utf-32-le"), "a.txt") == "Hà Nội"
    assert decode(codecs.BOM_UTF16_LE + "Hà Nội".encode("utf-16-le"), "a.txt") == "Hà Nội"


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes")
def test_write_never_replaces_a_device_or_pipe(tmp_path: Path) -> None:
    from cleaner.files import write_atomic

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        write_atomic(fifo, "Hà Nội\n")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_the_same_file_named_twice_is_cleaned_once(run_cli, tmp_path: Path) -> None:
    p = write(tmp_path / "x" / "a.txt")
    code, _, err = run_cli("clean", p, p, "-o", tmp_path / "out")
    assert code == 0, err
    assert "1 file read" in err
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == CLEAN


def test_jsonl_in_place_is_guarded_like_text_files(run_cli, tmp_path: Path, monkeypatch) -> None:
    import cleaner.jsonl

    p = tmp_path / "a.jsonl"
    p.write_text('{"text": "icon facebook\\nTrời nắng."}\n', encoding="utf-8")
    p.chmod(0o444)
    code, _, err = run_cli("clean", "--in-place", p, "-q")
    assert code == 2 and f"{p}: not written: it is read-only" in one_error(err)
    p.chmod(0o644)
    # A record appended while the file is cleaned: the file is left with it.
    real = cleaner.jsonl._clean_one

    def appending(*args: object):
        with p.open("a", encoding="utf-8") as fh:
            fh.write('{"text": "Bản tin mới."}\n')
        monkeypatch.setattr(cleaner.jsonl, "_clean_one", real)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(cleaner.jsonl, "_clean_one", appending)
    code, _, err = run_cli("clean", "--in-place", p, "-q")
    assert code == 2 and "changed while it was being cleaned" in one_error(err)
    assert p.read_text(encoding="utf-8") == ('{"text": "icon facebook\\nTrời nắng."}\n'
                                             '{"text": "Bản tin mới."}\n')


def test_a_symlink_in_the_output_folder_is_not_written_through(run_cli, tmp_path: Path) -> None:
    a = write(tmp_path / "in" / "a.txt")
    b = write(tmp_path / "in" / "b.txt", "Bài b, của tôi.\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").symlink_to(b)
    code, _, err = run_cli("clean", tmp_path / "in", "-o", out, "-q")
    assert code == 2 and f"the output {out / 'a.txt'} is a symbolic link" in one_error(err)
    assert b.read_text(encoding="utf-8") == "Bài b, của tôi.\n" and a.read_text(encoding="utf-8") == DIRTY
    assert (out / "b.txt").read_text(encoding="utf-8") == "Bài b, của tôi.\n"


def test_a_symlink_in_the_output_folder_is_not_written_through_for_jsonl(run_cli, tmp_path: Path) -> None:
    src = tmp_path / "in" / "a.jsonl"
    src.parent.mkdir()
    src.write_text('{"text": "icon facebook\\nTrời nắng."}\n', encoding="utf-8")
    other = write(tmp_path / "mine.jsonl", '{"text": "Của tôi."}\n')
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.jsonl").symlink_to(other)
    code, _, err = run_cli("clean", tmp_path / "in", "--glob", "*.jsonl", "-o", out, "-q")
    assert code == 2 and "is a symbolic link" in one_error(err)
    assert other.read_text(encoding="utf-8") == '{"text": "Của tôi."}\n'
