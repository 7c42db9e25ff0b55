"""File I/O at the edge: decode with errors that say what to do, write atomically, walk folders, diff."""

from __future__ import annotations

import codecs
import difflib
import fnmatch
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cleaner.errors import InputError

#: How many leading bytes are checked for NUL bytes to tell a binary file from text.
BINARY_SNIFF = 8192


class BinaryFileError(InputError):
    """The file holds NUL bytes: an image or other binary, not text to clean."""


def decode(data: bytes, name: str, encoding: str = "utf-8", errors: str = "strict") -> str:
    """Bytes -> text. A BOM (UTF-8, UTF-16) wins over ``encoding``; NUL bytes mean a binary file.

    A decoding error names the file, the line, the byte offset and the remedy.
    """
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16", errors)
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: invalid UTF-16 at byte {exc.start}; the file has a UTF-16 BOM but is "
                             "damaged: re-export it, or use --errors replace") from None
    if b"\x00" in data[:BINARY_SNIFF]:
        raise BinaryFileError(f"{name}: binary file (NUL bytes), skipped; it is not text")
    try:
        return data.decode(encoding, errors)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.start + 4].hex(" ")
        raise InputError(f"{name}:{line}: not valid {encoding} at byte {exc.start} ({bad}); give the file's "
                         "encoding with --encoding (e.g. cp1258), or --errors replace to keep going with "
                         "U+FFFD in place of bad bytes") from None
    except LookupError:
        raise InputError(f"unknown encoding '{encoding}'; use a Python codec name such as utf-8, cp1258, "
                         "utf-16, or a legacy Vietnamese font encoding (vni, tcvn3, viscii, viqr)") from None


def read_text(path: str | os.PathLike[str], encoding: str = "utf-8", errors: str = "strict") -> str:
    """Read a file as text (see ``decode``); ``-`` is not handled here (the CLI reads stdin)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror or exc}; check the path and its permissions") from None
    return decode(data, str(p), encoding, errors)


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) so the file is either the old one or the new one, never half of each.

    The text goes to a temporary file in the same folder, is flushed to disk, then renamed over the
    target with ``os.replace`` (atomic on POSIX and Windows). An existing file's permission bits are kept.
    A symlink stays a symlink: its target is rewritten (renaming over the link would replace it).
    """
    p = Path(os.path.realpath(path))
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(p.stat().st_mode)
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".vnclean-tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except BaseException:
        # Interrupted or failed: the target is untouched; do not leave the temporary file behind.
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@dataclass(frozen=True)
class Input:
    """One file to clean: where it is, and where its output goes below ``-o`` (its path below the root)."""

    path: Path
    relative: Path


def iter_inputs(paths: list[str], pattern: str = "*.txt") -> Iterator[Input | InputError]:
    """Expand files and folders (recursively, files matching ``pattern``) in a stable, sorted order.

    Folder symlinks are not followed, so a symlink loop cannot trap the walk. Problems (a missing path)
    are yielded as ``InputError`` so the caller reports them and goes on.
    """
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for dirpath, dirnames, filenames in os.walk(p, followlinks=False):
                dirnames.sort()
                # Our own temporary files and hidden folders (.git) are never inputs.
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                for fname in sorted(filenames):
                    if fnmatch.fnmatch(fname, pattern) and not fname.endswith(".vnclean-tmp"):
                        fp = Path(dirpath) / fname
                        yield Input(fp, fp.relative_to(p))
        elif p.is_file():
            yield Input(p, Path(p.name))
        elif p.exists():
            yield InputError(f"{p}: not a regular file, skipped")
        else:
            yield InputError(f"{p}: no such file or folder; check the path")


def _diff_lines(text: str) -> list[str]:
    """Lines split on ``\\n`` only, each keeping its end (a CR stays visible before it, as git shows it)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def unified_diff(before: str, after: str, name: str) -> str:
    """A unified diff between two texts, headed ``a/NAME`` and ``b/NAME`` as git shows it.

    A last line without a newline gets git's ``\\ No newline at end of file`` marker, so the
    diff stays a patch that ``git apply`` and ``patch`` accept.

    >>> print(unified_diff("Tin nóng\\nHà Nội", "Hà Nội\\n", "x.txt"), end="")
    --- a/x.txt
    +++ b/x.txt
    @@ -1,2 +1 @@
    -Tin nóng
    -Hà Nội
    \\ No newline at end of file
    +Hà Nội
    """
    out: list[str] = []
    for line in difflib.unified_diff(_diff_lines(before), _diff_lines(after),
                                     fromfile=f"a/{name}", tofile=f"b/{name}"):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)
