"""File I/O at the edge: decode with errors that say what to do, write atomically, walk folders, diff."""

from __future__ import annotations

import codecs
import difflib
import errno
import fnmatch
import os
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple

from cleaner.errors import InputError

#: How many leading bytes are checked for NUL bytes to tell a binary file from text.
BINARY_SNIFF = 8192


class BinaryFileError(InputError):
    """The file is binary (NUL bytes, or an image/archive signature), not text to clean."""


class Decoded(NamedTuple):
    """Decoded text, and how many undecodable byte sequences became U+FFFD (``errors="replace"``)."""

    text: str
    replaced: int = 0


# Signatures of files that hold no text although a folder may call them *.txt (a scraper that saved an
# image or an archive under the article's name); most carry NUL bytes, a PDF or JPEG may not early on.
_BINARY_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"%PDF-", b"PK\x03\x04",
                      b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"RIFF", b"\x7fELF")
_REPLACE_COUNTING = "vnclean-replace"


def is_binary(head: bytes) -> bool:
    """The first bytes of a file hold NUL bytes or an image/archive signature: not text."""
    return b"\x00" in head or head.startswith(_BINARY_SIGNATURES)

_replaced = threading.local()


def _count_replacement(exc: UnicodeError) -> tuple[str, int]:
    """Python's ``replace`` handler for decoding, which also counts what it replaced (per thread)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _replaced.n = getattr(_replaced, "n", 0) + 1
    return "\N{REPLACEMENT CHARACTER}", exc.end


codecs.register_error(_REPLACE_COUNTING, _count_replacement)


def decode(data: bytes, name: str, encoding: str = "utf-8", errors: str = "strict") -> str:
    """Bytes -> text. A BOM (UTF-8, UTF-16) wins over ``encoding``; NUL bytes mean a binary file.

    A decoding error names the file, the line, the byte offset and the remedy.

    >>> decode(b"H\\xe0 N\\xf4i", "a.txt", "cp1258")
    'Hà Nôi'
    >>> try:
    ...     decode(b"Xin ch\\xe0o", "a.txt")
    ... except InputError as exc:
    ...     print(exc)
    a.txt:1: not valid utf-8 at byte 6 (e0 6f); give the file's encoding with --encoding (e.g. cp1258), or \
--errors replace to keep going with U+FFFD in place of bad bytes
    """
    return decode_counted(data, name, encoding, errors).text


def decode_counted(data: bytes, name: str, encoding: str = "utf-8", errors: str = "strict") -> Decoded:
    """``decode``, also saying how many bad byte sequences ``errors="replace"`` turned into U+FFFD.

    >>> decode_counted(b"Vi\\xe1\\xbb\\x87t \\xff Nam\\xe1\\xbb", "a.txt", errors="replace")
    Decoded(text='Việt � Nam�', replaced=2)
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding '{encoding}'; use a Python codec name such as utf-8, cp1258, "
                         "utf-16, or a legacy Vietnamese font encoding (vni, tcvn3, viscii, viqr)") from None
    bom = b""
    if data.startswith(codecs.BOM_UTF8):
        bom, encoding, data = codecs.BOM_UTF8, "utf-8", data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        bom, encoding = data[:2], "utf-16"  # the utf-16 codec reads the BOM and drops it
    else:
        head = data[:BINARY_SNIFF]
        if b"\x00" in head:
            raise BinaryFileError(f"{name}: binary file (NUL bytes), skipped; it is not text", path=name)
        if head.startswith(_BINARY_SIGNATURES):
            raise BinaryFileError(f"{name}: binary file (an image or archive signature), skipped; it is not "
                                  "text", path=name)
    if errors == "replace":
        _replaced.n = 0
        text = data.decode(encoding, _REPLACE_COUNTING)
        return Decoded(text, _replaced.n)
    try:
        return Decoded(data.decode(encoding, errors))
    except UnicodeDecodeError as exc:
        offset = exc.start + len(bom) if encoding != "utf-16" else exc.start
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.start + 4].hex(" ")
        if encoding == "utf-16":
            raise InputError(f"{name}: invalid UTF-16 at byte {offset} ({bad}); the file starts with a "
                             "UTF-16 BOM but is damaged: re-export it, or use --errors replace to keep "
                             "going with U+FFFD in place of bad bytes", path=name, offset=offset) from None
        remedy = ("the file starts with a UTF-8 BOM but is damaged: re-export it" if bom else
                  "give the file's encoding with --encoding (e.g. cp1258)")
        raise InputError(f"{name}:{line}: not valid {encoding} at byte {offset} ({bad}); {remedy}, or "
                         "--errors replace to keep going with U+FFFD in place of bad bytes",
                         path=name, line=line, offset=offset) from None


def read_text(path: str | os.PathLike[str], encoding: str = "utf-8", errors: str = "strict") -> str:
    """Read a file as text (see ``decode``); ``-`` is not handled here (the CLI reads stdin)."""
    return read_decoded(path, encoding, errors).text


def read_decoded(path: str | os.PathLike[str], encoding: str = "utf-8", errors: str = "strict") -> Decoded:
    """Read a file as text (see ``decode_counted``); only regular files are read."""
    return decode_counted(read_bytes(path), str(path), encoding, errors)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A regular file's bytes; anything else (a folder, a pipe, a device) is an ``InputError``."""
    p = Path(path)
    # O_NONBLOCK: opening a named pipe would otherwise wait for a writer, and hang the batch.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror or exc}; check the path and its permissions",
                         path=str(p)) from None
    kind = _kind(os.fstat(fd).st_mode)
    if kind:
        os.close(fd)
        raise InputError(f"{p}: not a regular file ({kind}), skipped; give a text file or a folder",
                         path=str(p))
    with os.fdopen(fd, "rb") as fh:
        try:
            return fh.read()
        except OSError as exc:
            raise InputError(f"{p}: cannot read: {exc.strerror or exc}; check the file and its disk",
                             path=str(p)) from None


def _kind(mode: int) -> str:
    """What a non-regular file is, for messages; ``""`` for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


@contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary stream whose content replaces ``path`` only when the block ends without error.

    The data goes to a temporary file in the same folder, is flushed to disk, then renamed over the
    target with ``os.replace`` (atomic on POSIX and Windows); on an error or an interrupt the target is
    untouched and the temporary file removed. An existing file's permission bits are kept. A symlink
    stays a symlink: its target is rewritten (renaming over the link would replace it).
    """
    p = Path(os.path.realpath(path))
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(p.stat().st_mode)
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".vnclean-tmp")
    try:
        with os.fdopen(fd, "wb") as raw:
            yield raw
            raw.flush()
            os.fsync(raw.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) so the file is either the old one or the new one, never half of each."""
    with atomic_output(path) as fh:
        fh.write(text.encode("utf-8"))


@dataclass(frozen=True)
class Input:
    """One file to clean: where it is, and where its output goes below ``-o`` (its path below the root)."""

    path: Path
    relative: Path


def iter_inputs(paths: list[str], pattern: str = "*.txt",
                exclude: Iterable[str | os.PathLike[str]] = ()) -> Iterator[Input | InputError]:
    """Expand files and folders (recursively, files matching ``pattern``) in a stable, sorted order.

    ``pattern`` may list several patterns separated by commas (``"*.txt,*.html,*.htm"``).

    Folder symlinks are not followed, so a symlink loop cannot trap the walk. Folders in ``exclude``
    (the ``-o`` folder when it lies inside an input folder) are not entered, so output is never read
    back as input. Problems (a missing path, a broken link, an unreadable folder, a named pipe) are
    yielded as ``InputError`` so the caller reports them and goes on. A file named twice (a folder given
    twice, or a file and its folder) is yielded once, where it first comes: compared by real path and
    its place below ``-o``, so a link to a file under another name still gets its own output.
    """
    skip = {os.path.realpath(x) for x in exclude}
    seen: set[tuple[str, Path]] = set()
    for raw in paths:
        p = Path(raw)
        try:
            mode = p.stat().st_mode
        except OSError as exc:
            yield _missing(p, exc)
            continue
        if stat.S_ISDIR(mode):
            for item in _walk(p, pattern, skip):
                if isinstance(item, Input):
                    key = (os.path.realpath(item.path), item.relative)
                    if key in seen:
                        continue
                    seen.add(key)
                yield item
        elif stat.S_ISREG(mode):
            key = (os.path.realpath(p), Path(p.name))
            if key not in seen:
                seen.add(key)
                yield Input(p, key[1])
        else:
            yield InputError(f"{p}: not a regular file ({_kind(mode)}), skipped; give a text file or a "
                             "folder", path=str(p))


def _walk(root: Path, pattern: str, skip: set[str]) -> Iterator[Input | InputError]:
    problems: list[OSError] = []
    patterns = pattern.split(",")
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=problems.append):
        yield from (InputError(f"{e.filename}: cannot list folder: {e.strerror}; its files are not cleaned, "
                               "check its permissions", path=str(e.filename)) for e in problems)
        problems.clear()
        dirnames.sort()
        # Our own temporary files, hidden folders (.git) and the output folder are never inputs.
        dirnames[:] = [d for d in dirnames if not d.startswith(".")
                       and os.path.realpath(os.path.join(dirpath, d)) not in skip]
        for fname in sorted(filenames):
            if any(fnmatch.fnmatch(fname, p) for p in patterns) and not fname.endswith(".vnclean-tmp"):
                fp = Path(dirpath) / fname
                try:
                    mode = fp.stat().st_mode
                except OSError as exc:
                    yield _missing(fp, exc)
                    continue
                if stat.S_ISREG(mode):
                    yield Input(fp, fp.relative_to(root))
                elif not stat.S_ISDIR(mode):  # a link to a folder is not followed, like the walk
                    yield InputError(f"{fp}: not a regular file ({_kind(mode)}), skipped; remove it or "
                                     "narrow --glob", path=str(fp))
    yield from (InputError(f"{e.filename}: cannot list folder: {e.strerror}; its files are not cleaned, "
                           "check its permissions", path=str(e.filename)) for e in problems)


def _missing(p: Path, exc: OSError) -> InputError:
    if exc.errno == errno.ELOOP:
        return InputError(f"{p}: symbolic link loop; fix or remove the link", path=str(p))
    if p.is_symlink():
        return InputError(f"{p}: broken symbolic link ({exc.strerror}); fix or remove the link", path=str(p))
    if isinstance(exc, FileNotFoundError):
        return InputError(f"{p}: no such file or folder; check the path", path=str(p))
    return InputError(f"{p}: cannot read: {exc.strerror}; check the path and its permissions", path=str(p))


# -- line endings ---------------------------------------------------------------------------------------

#: ``--line-endings`` choices: keep each file's style (default), or write every file with LF or CRLF.
LINE_ENDING_MODES = ("keep", "lf", "crlf")
_ENDING_NAMES = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}


@dataclass(frozen=True)
class LineEndings:
    r"""How a text's lines end: counts of CRLF, LF and lone CR, and the style to write it back with.

    The cleaned text always has ``\n`` endings (the engine reads any ending as a line end); this is
    how a file's own style is found again, so that ``--in-place`` on a Windows checkout does not rewrite
    every line of a CRLF file.

    >>> LineEndings.of("a\r\nb\r\nc\n").ending, LineEndings.of("a\r\nb\r\nc\n").mixed
    ('\r\n', True)
    >>> LineEndings.of("one line").ending
    '\n'
    """

    crlf: int = 0
    lf: int = 0
    cr: int = 0

    @classmethod
    def of(cls, text: str) -> LineEndings:
        crlf = text.count("\r\n")
        return cls(crlf, text.count("\n") - crlf, text.count("\r") - crlf)

    @property
    def ending(self) -> str:
        """The most common ending; LF on a tie or a text with no line end (LF is the output form)."""
        counts = {"\n": self.lf, "\r\n": self.crlf, "\r": self.cr}
        return max(counts, key=lambda e: counts[e])  # max keeps the first of equal counts: LF first

    @property
    def mixed(self) -> bool:
        return sum(1 for n in (self.crlf, self.lf, self.cr) if n) > 1

    def describe(self) -> str:
        """``3 CRLF, 2 LF``: the counts, most common first."""
        counts = sorted(((self.crlf, "CRLF"), (self.lf, "LF"), (self.cr, "CR")), key=lambda c: -c[0])
        return ", ".join(f"{n} {name}" for n, name in counts if n)


def same_but_line_ends(original: str, cleaned: str) -> bool:
    r"""Whether ``cleaned`` (``\n`` endings, a final newline) differs from ``original`` only in how its
    lines end: CRLF or CR for LF, or a final line end the original lacks.

    Such a file is not "changed": ``--in-place`` leaves it alone and ``--check`` passes, the way a
    checkout with CRLF files or files without a final newline is not the cleaner's business (pre-commit's
    ``mixed-line-ending`` and ``end-of-file-fixer`` are); ``--line-endings lf|crlf`` opts in to that.

    >>> same_but_line_ends("Hà Nội\r\nmưa to.", "Hà Nội\nmưa to.\n")
    True
    >>> same_but_line_ends("Hà Nội\n\nmưa to.\n", "Hà Nội\nmưa to.\n")
    False
    """
    if "\r" in original:
        original = original.replace("\r\n", "\n").replace("\r", "\n")
    return cleaned in (original, original + "\n")


def restyle(original: str, cleaned: str, mode: str = "keep") -> tuple[str, str]:
    r"""The cleaned text with the line endings ``mode`` asks for, and a note when a choice was made.

    ``keep`` writes the original's style (on a mixed file, its most common ending, and the note says
    so); ``lf`` and ``crlf`` write that ending whatever came in.

    >>> restyle("a\r\nb\r\n", "a\nb\n")
    ('a\r\nb\r\n', '')
    >>> restyle("a\r\nb\r\nc\n", "a\nb\nc\n")[1]
    'mixed line endings (2 CRLF, 1 LF), written with CRLF, the most common; --line-endings lf|crlf chooses'
    """
    if mode not in LINE_ENDING_MODES:
        raise ValueError(f"unknown line-endings mode '{mode}'; use one of {', '.join(LINE_ENDING_MODES)}")
    note = ""
    if mode == "keep":
        found = LineEndings.of(original)
        ending = found.ending
        if found.mixed:
            note = (f"mixed line endings ({found.describe()}), written with {_ENDING_NAMES[ending]}, the "
                    "most common; --line-endings lf|crlf chooses")
    else:
        ending = "\r\n" if mode == "crlf" else "\n"
    return (cleaned.replace("\n", ending) if ending != "\n" else cleaned), note


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
