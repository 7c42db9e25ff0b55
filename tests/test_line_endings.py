"""Line endings: written files keep their own style (CRLF stays CRLF), normalizing them is opt-in.

A pre-commit hook on a Windows checkout must not rewrite every line of a CRLF file; a mixed file is
written with its most common ending and the run says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner.files import LineEndings, restyle, same_but_line_ends

#: A share button (vn-news drops it) around two article lines.
DIRTY = ["icon facebook", "Hà Nội mưa to suốt đêm qua.", "Nhiều tuyến phố ngập sâu."]
CLEAN = ["Hà Nội mưa to suốt đêm qua.", "Nhiều tuyến phố ngập sâu."]


def _write(p: Path, lines: list[str], ending: str, final: bool = True) -> Path:
    p.write_bytes((ending.join(lines) + (ending if final else "")).encode("utf-8"))
    return p


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
def test_in_place_keeps_the_file_style(tmp_path: Path, run_cli, ending: str) -> None:
    p = _write(tmp_path / "a.txt", DIRTY, ending)
    code, out, err = run_cli("clean", "--in-place", p)
    assert (code, out) == (1, f"Fixing {p}\n"), err
    assert p.read_bytes() == ending.join(CLEAN).encode("utf-8") + ending.encode()
    assert "note:" not in err  # one style: nothing to say


def test_output_folder_keeps_the_file_style(tmp_path: Path, run_cli) -> None:
    src = tmp_path / "in"
    src.mkdir()
    _write(src / "win.txt", DIRTY, "\r\n")
    _write(src / "unix.txt", DIRTY, "\n")
    assert run_cli("clean", src, "-o", tmp_path / "out", "-q")[0] == 0
    assert (tmp_path / "out" / "win.txt").read_bytes() == (
        "Hà Nội mưa to suốt đêm qua.\r\nNhiều tuyến phố ngập sâu.\r\n".encode())
    assert (tmp_path / "out" / "unix.txt").read_bytes() == (
        "Hà Nội mưa to suốt đêm qua.\nNhiều tuyến phố ngập sâu.\n".encode())


def test_mixed_file_gets_its_most_common_ending_and_a_note(tmp_path: Path, run_cli) -> None:
    p = tmp_path / "m.txt"
    p.write_bytes("icon facebook\r\nHà Nội mưa to suốt đêm qua.\r\nNhiều tuyến phố ngập sâu.\n".encode())
    code, _, err = run_cli("clean", "--in-place", p)
    assert code == 1
    assert p.read_bytes() == "Hà Nội mưa to suốt đêm qua.\r\nNhiều tuyến phố ngập sâu.\r\n".encode()
    assert (f"vnclean: note: {p}: mixed line endings (2 CRLF, 1 LF), written with CRLF, the most common; "
            "--line-endings lf|crlf chooses\n") in err


@pytest.mark.parametrize(("mode", "ending"), [("lf", "\n"), ("crlf", "\r\n")])
def test_normalizing_is_opt_in(tmp_path: Path, run_cli, mode: str, ending: str) -> None:
    other = "\r\n" if ending == "\n" else "\n"
    p = _write(tmp_path / "a.txt", CLEAN, other)  # clean but for its line ends
    assert run_cli("clean", "--check", p)[0] == 0  # keep (the default): nothing to do
    code, out, _ = run_cli("clean", "--in-place", "--line-endings", mode, p)
    assert (code, out) == (1, f"Fixing {p}\n")
    assert p.read_bytes() == ending.join(CLEAN).encode() + ending.encode()
    assert run_cli("clean", "--check", "--line-endings", mode, p)[0] == 0  # a second run changes nothing


def test_final_newline_only_is_not_changed(tmp_path: Path, run_cli) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(3):
        _write(folder / f"{i}.txt", CLEAN, "\n", final=False)
    code, out, err = run_cli("clean", "--check", folder)
    assert (code, out) == (0, "")
    assert "3 files read, 0 changed" in err


def test_diff_of_a_crlf_file_is_in_its_own_style(tmp_path: Path, run_cli) -> None:
    p = _write(tmp_path / "a.txt", DIRTY, "\r\n")
    code, out, _ = run_cli("clean", "--diff", p)
    assert code == 0
    assert out.endswith("-icon facebook\r\n Hà Nội mưa to suốt đêm qua.\r\n Nhiều tuyến phố ngập sâu.\r\n")


def test_stdin_with_crlf_is_no_change_to_check(run_cli, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    data = "\r\n".join(CLEAN).encode() + b"\r\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert run_cli("clean", "--check", "-")[0] == 0


# -- the library ---------------------------------------------------------------------------------------------


def test_line_endings_counts_each_style() -> None:
    found = LineEndings.of("a\r\nb\nc\rd\r\n")
    assert (found.crlf, found.lf, found.cr) == (2, 1, 1)
    assert found.mixed and found.ending == "\r\n"
    assert LineEndings.of("a\nb\r\n").ending == "\n"  # a tie goes to LF, the output form
    assert not LineEndings.of("a\r\nb\r\n").mixed


def test_restyle_modes() -> None:
    assert restyle("a\r\n", "a\nb\n") == ("a\r\nb\r\n", "")
    assert restyle("a\r\n", "a\nb\n", "lf") == ("a\nb\n", "")
    assert restyle("a\n", "a\nb\n", "crlf") == ("a\r\nb\r\n", "")
    with pytest.raises(ValueError, match="keep, lf, crlf"):
        restyle("a", "a\n", "unix")


def test_same_but_line_ends() -> None:
    assert same_but_line_ends("a\r\nb", "a\nb\n")
    assert same_but_line_ends("a\rb\r", "a\nb\n")
    assert not same_but_line_ends("a \r\nb", "a\nb\n")  # a trailing space is a change
    assert not same_but_line_ends("a\nb\n\n", "a\nb\n")  # so is a blank line
    assert not same_but_line_ends("", "a\n")
