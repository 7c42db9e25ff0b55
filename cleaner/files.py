"""File I/O at the edge: decode with errors that say what to do, write atomically, walk folders, diff."""

from __future__ import annotations

import codecs
import difflib
import errno
import fnmatch
import os
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple

from cleaner.errors import InputError
from cleaner.text import unify_line_ends

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

    A BOM (UTF-8, UTF-32, UTF-16: UTF-32's are looked for first, since UTF-32-LE's starts with UTF-16-LE's)
    wins over ``encoding``. A NUL byte anywhere, or a NUL character after decoding, means a binary file;
    with a UTF-16 or UTF-32 ``encoding`` NUL bytes are part of the text, so only decoded NULs count. With
    ``errors="strict"`` a text that does not encode back to the same bytes is refused, so a wrong guess
    can never be written over the file.

    >>> decode_counted(b"Vi\\xe1\\xbb\\x87t \\xff Nam\\xe1\\xbb", "a.txt", errors="replace")
    Decoded(text='Việt � Nam�', replaced=2)
    """
    codec = check_encoding(encoding)
    bom = b""
    if data.startswith(codecs.BOM_UTF8):
        bom, encoding, data = codecs.BOM_UTF8, "utf-8", data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        bom, encoding = data[:4], "utf-32"  # before UTF-16: FF FE 00 00 starts with UTF-16-LE's FF FE
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        bom, encoding = data[:2], "utf-16"  # the utf-16 codec reads the BOM and drops it
    elif not codec.startswith(_WIDE):
        if b"\x00" in data:  # anywhere, not only early on: memchr over the whole file costs little
            raise BinaryFileError(f"{name}: binary file (NUL bytes), skipped; it is not text", path=name)
        if data[:BINARY_SNIFF].startswith(_BINARY_SIGNATURES):
            raise BinaryFileError(f"{name}: binary file (an image or archive signature), skipped; it is not "
                                  "text", path=name)
    if errors == "replace":
        _replaced.n = 0
        text = data.decode(encoding, _REPLACE_COUNTING)
        return _no_nul(Decoded(text, _replaced.n), name)
    try:
        text = data.decode(encoding, errors)
    except UnicodeDecodeError as exc:
        wide = encoding in ("utf-16", "utf-32")
        offset = exc.start + len(bom) if not wide else exc.start
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.start + 4].hex(" ")
        if wide and bom:
            raise InputError(f"{name}: invalid {encoding.upper()} at byte {offset} ({bad}); the file starts "
                             f"with a {encoding.upper()} BOM but is damaged: re-export it, or use --errors "
                             "replace to keep going with U+FFFD in place of bad bytes",
                             path=name, offset=offset) from None
        remedy = ("the file starts with a UTF-8 BOM but is damaged: re-export it" if bom else
                  "give the file's encoding with --encoding (e.g. cp1258)")
        where = f"{name}:{line}" if not wide else name
        raise InputError(f"{where}: not valid {encoding} at byte {offset} ({bad}); {remedy}, or "
                         "--errors replace to keep going with U+FFFD in place of bad bytes",
                         path=name, line=None if wide else line, offset=offset) from None
    if not bom and codec not in _EXACT and text.encode(encoding, "replace") != data:
        # A codec that decodes two byte sequences to one text would lose bytes when the file is written
        # back; the UTF codecs are exact by construction.
        raise InputError(f"{name}: decoding as {encoding} does not give the same bytes back, so the file is "
                         "not that encoding; give its encoding with --encoding", path=name)
    return _no_nul(Decoded(text), name)


#: Codecs (by their ``codecs.lookup`` name) whose text has NUL bytes in it: no byte-level binary sniff.
_WIDE = ("utf-16", "utf-32")
#: Codecs that decode each byte sequence to one text and back, by construction (UTF-7 does not).
_EXACT = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be")


def _no_nul(decoded: Decoded, name: str) -> Decoded:
    if "\x00" in decoded.text:
        raise BinaryFileError(f"{name}: binary file (NUL characters), skipped; it is not text (or give its "
                              "encoding with --encoding)", path=name)
    return decoded


def check_encoding(encoding: str) -> str:
    """The codec's canonical name if ``encoding`` names a text codec; else ``InputError`` saying what to give.

    Codecs such as rot13, base64, hex or zlib turn bytes into bytes (or text into text), and
    ``undefined`` refuses everything: none of them reads a text file.

    >>> check_encoding("UTF8"), check_encoding("cp1258")
    ('utf-8', 'cp1258')
    """
    hint = ("use a Python codec name such as utf-8, cp1258, utf-16, or a legacy Vietnamese font encoding "
            "(vni, tcvn3, viscii, viqr)")
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError, ValueError):
        raise InputError(f"unknown encoding '{encoding}'; {hint}") from None
    try:
        usable = getattr(info, "_is_text_encoding", True) and isinstance(b"".decode(encoding), str)
        "a".encode(encoding)
    except (UnicodeError, LookupError, TypeError, ValueError):
        usable = False
    if not usable:
        raise InputError(f"'{encoding}' is not a text encoding (it does not turn bytes into text); {hint}")
    return info.name


def read_text(path: str | os.PathLike[str], encoding: str = "utf-8", errors: str = "strict") -> str:
    """Read a file as text (see ``decode``); ``-`` is not handled here (the CLI reads stdin)."""
    return read_decoded(path, encoding, errors).text


def read_decoded(path: str | os.PathLike[str], encoding: str = "utf-8", errors: str = "strict") -> Decoded:
    """Read a file as text (see ``decode_counted``); only regular files are read."""
    return decode_counted(read_bytes(path), str(path), encoding, errors)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """A regular file's bytes, never waiting: ``InputError`` for a pipe, a device or a file without end."""
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
            data = fh.read()
        except OSError as exc:
            raise InputError(f"{p}: cannot read: {exc.strerror or exc}; check the file and its disk",
                             path=str(p)) from None
    if data is None:  # a non-blocking read with nothing there yet: a file that may never end (/proc/kmsg)
        raise InputError(f"{p}: cannot read: it waits for data that may never come (a kernel or device "
                         "file); give a regular file", path=str(p))
    return data


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


class FileChangedError(OSError):
    """The file changed on disk while it was being cleaned: the cleaned text would lose what was added."""


#: Temporary files are named ``.NAME.PID.RANDOM.vnclean-tmp``: a run killed before it could remove its own
#: (SIGKILL, a power cut) leaves one, and a later run knows by the PID that nobody is writing it.
TEMP_SUFFIX = ".vnclean-tmp"
#: A temporary file whose process is gone is only taken for stale once it is this old (seconds): a PID
#: seen from another machine or container sharing the folder is no proof that its writer is dead.
STALE_AFTER = 60.0


@contextmanager
def atomic_output(path: str | os.PathLike[str], *,
                  expect: os.stat_result | None = None) -> Iterator[IO[bytes]]:
    """A binary stream whose content replaces ``path`` only when the block ends without error.

    The data goes to a temporary file in the same folder, is flushed to disk, then renamed over the
    target with ``os.replace`` (atomic on POSIX and Windows); on an error or an interrupt the target is
    untouched and the temporary file removed. An existing file keeps its owner, group, mode (setuid and
    setgid bits included) and extended attributes, as ``sed -i`` does; when its owner cannot be kept
    (another user's file) nothing is written and ``PermissionError`` says so. A symlink stays a symlink:
    its target is rewritten (renaming over the link would replace it).

    ``expect``: the file's ``os.stat`` taken before it was read; when its size, time or inode differ just
    before the rename (something appended to it meanwhile) nothing is written and ``FileChangedError``
    is raised.
    """
    p = Path(os.path.realpath(path))
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        old: os.stat_result | None = p.stat()
    except FileNotFoundError:
        old = None
    if old is not None and not stat.S_ISREG(old.st_mode):
        # Renaming over /dev/full or a named pipe would replace the device or pipe with a plain file.
        raise OSError(errno.EINVAL, f"{p} is not a regular file ({_kind(old.st_mode)}); write to a file path",
                      str(p))
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.{os.getpid()}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as raw:
            yield raw
            raw.flush()
            os.fsync(raw.fileno())
        if old is None:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        else:
            _copy_metadata(old, p, tmp)
        if expect is not None and not _same_state(expect, p):
            raise FileChangedError(errno.EBUSY, "it changed while it was being cleaned (its size or time "
                                   "differ), so it was left as it is now; run again to clean it")
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _copy_metadata(old: os.stat_result, src: Path, tmp: str) -> None:
    """Give the new file the old one's owner, group, mode and extended attributes."""
    if hasattr(os, "chown"):
        mine = os.stat(tmp)
        if (mine.st_uid, mine.st_gid) != (old.st_uid, old.st_gid):
            try:
                os.chown(tmp, old.st_uid, old.st_gid)
            except PermissionError:
                raise PermissionError(errno.EPERM, f"it belongs to user {old.st_uid}, group {old.st_gid}, "
                                      "and a rewrite could not keep them; run as its owner, or clean a "
                                      "copy") from None
    os.chmod(tmp, stat.S_IMODE(old.st_mode))  # after chown, which clears setuid and setgid
    if hasattr(os, "listxattr"):
        try:
            names = os.listxattr(src)
        except OSError:
            names = []  # a filesystem without extended attributes
        for name in names:
            try:
                os.setxattr(tmp, name, os.getxattr(src, name))
            except OSError:
                if name.startswith("user."):
                    raise  # the user's own attribute would be lost
                # security.* and system.* labels are the system's to set on a new file


def _same_state(before: os.stat_result, p: Path) -> bool:
    try:
        now = p.stat()
    except OSError:
        return False
    return (now.st_size, now.st_mtime_ns, now.st_ino, now.st_dev) == \
        (before.st_size, before.st_mtime_ns, before.st_ino, before.st_dev)


def write_atomic(path: str | os.PathLike[str], text: str, *, expect: os.stat_result | None = None) -> None:
    """Write ``text`` (UTF-8) so the file is either the old one or the new one, never half of each."""
    with atomic_output(path, expect=expect) as fh:
        fh.write(text.encode("utf-8"))


def is_stale_temp(path: str | os.PathLike[str], now: float | None = None) -> bool:
    """A temporary file of ours whose writing process is gone (killed before it could remove it)."""
    name = os.path.basename(path)
    if not (name.startswith(".") and name.endswith(TEMP_SUFFIX)) or sys.platform == "win32":
        return False  # on Windows os.kill(pid, 0) would end the process
    parts = name[:-len(TEMP_SUFFIX)].rsplit(".", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    try:
        if (now or time.time()) - os.stat(path).st_mtime < STALE_AFTER:
            return False
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):
        return False
    return False


def remove_stale_temps(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the stale temporary files (``is_stale_temp``) below ``folder``; return what was removed."""
    found: list[Path] = []
    for _ in _walk(Path(folder), "*" + TEMP_SUFFIX, set(), found):
        pass
    return remove_stale(found)


def remove_stale(paths: Iterable[Path]) -> list[Path]:
    """Remove these stale temporary files (found by ``iter_inputs(..., stale=[])``); return those removed."""
    removed = []
    for path in paths:
        try:
            os.unlink(path)
            removed.append(path)
        except OSError:
            pass
    return removed


@dataclass(frozen=True)
class Input:
    """One file to clean: where it is, and where its output goes below ``-o`` (its path below the root)."""

    path: Path
    relative: Path


def iter_inputs(paths: list[str], pattern: str = "*.txt",
                exclude: Iterable[str | os.PathLike[str]] = (),
                stale: list[Path] | None = None) -> Iterator[Input | InputError]:
    """Expand files and folders (recursively, files matching ``pattern``) in a stable, sorted order.

    ``pattern`` may list several patterns separated by commas (``"*.txt,*.html,*.htm"``).

    Folder symlinks are not followed, so a symlink loop cannot trap the walk; the walk keeps its own
    stack, so a tree nested thousands of folders deep is walked like a flat one. Folders in ``exclude``
    (the ``-o`` folder when it lies inside an input folder) are not entered, so output is never read
    back as input. Problems (a missing path, a broken link, an unreadable folder, a named pipe, a path
    longer than the system allows) are yielded as ``InputError`` so the caller reports them and goes
    on. Stale temporary files of killed runs met on the way are added to ``stale`` when given. A file
    named twice (a folder given twice, or a file and its folder) is yielded once, where it first comes:
    compared by real path and its place below ``-o``, so a link to a file under another name still gets
    its own output.
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
            for item in _walk(p, pattern, skip, stale):
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


def _walk(root: Path, pattern: str, skip: set[str], stale: list[Path] | None) -> Iterator[Input | InputError]:
    """Files below ``root`` in ``os.walk``'s top-down sorted order, from an explicit stack (no recursion)."""
    todo = [root]
    now = time.time()
    patterns = pattern.split(",")
    while todo:
        folder = todo.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            yield InputError(f"{folder}: cannot list folder: {e.strerror}; its files are not cleaned, check "
                             "its permissions" + (" and the path's length" if e.errno == errno.ENAMETOOLONG
                                                  else ""), path=str(folder))
            continue
        subfolders = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                # Our own temporary files, hidden folders (.git) and the output folder are never inputs;
                # a link to a folder is not followed.
                if not entry.name.startswith(".") and not entry.is_symlink() \
                        and not (skip and os.path.realpath(entry.path) in skip):
                    subfolders.append(Path(entry.path))
                continue
            if entry.name.endswith(TEMP_SUFFIX):
                if stale is not None and is_stale_temp(entry.path, now):
                    stale.append(Path(entry.path))
                if not any(pat.endswith(TEMP_SUFFIX) for pat in patterns):
                    continue
            if any(fnmatch.fnmatch(entry.name, pat) for pat in patterns):
                fp = Path(entry.path)
                try:
                    mode = fp.stat().st_mode
                except OSError as exc:
                    yield _missing(fp, exc)
                    continue
                if stat.S_ISREG(mode):
                    yield Input(fp, fp.relative_to(root))
                else:
                    yield InputError(f"{fp}: not a regular file ({_kind(mode)}), skipped; remove it or "
                                     "narrow --glob", path=str(fp))
        todo.extend(reversed(subfolders))


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
    original = unify_line_ends(original)
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
