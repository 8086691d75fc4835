"""Reading the program's own files: plain files only, never waiting on one.

A program folder may come from someone else. A named pipe (FIFO), a socket or a device under a
page's or an image's name would make a plain `open()` wait forever (or read without end), and a
file the user cannot read would end in a traceback. Every file of the program is opened here:
non-blocking, checked to be a regular file once open (fstat, so nothing can be swapped in
between), and any failure is a `Refused` whose text completes "<file>: ...".
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFDIR: "a folder",
}


class Refused(OSError):
    """A program file that is not a regular file, or cannot be read; the message says which."""


def kind(mode: int) -> str:
    """What a file of this mode is, in words."""
    return KINDS.get(stat.S_IFMT(mode), "not a regular file")


def not_regular(mode: int) -> str:
    """The message for a file that is not a regular file."""
    return f"is {kind(mode)}, not a regular file; only plain files can be used"


def _open(path: Path) -> int:
    """Open for reading without blocking (a FIFO with no writer would block a plain open)."""
    return os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))


def _cannot(exc: OSError) -> Refused:
    return Refused(f"cannot be read: {exc.strerror or exc}")


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The whole of a regular file; `limit` bytes at most are read when given."""
    try:
        fd = _open(path)
    except OSError as exc:
        raise _cannot(exc) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise Refused(not_regular(mode))
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read() if limit is None else handle.read(limit)
    except Refused:
        raise
    except OSError as exc:
        raise _cannot(exc) from None
    finally:
        os.close(fd)


def decode(data: bytes) -> str:
    """UTF-8 text (UnicodeDecodeError if it is not), with any line ending read as a newline, as
    Python's text files do."""
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path) -> str:
    """A regular file as text (see `decode`)."""
    return decode(read_bytes(path))


def check(path: Path) -> str | None:
    """Why `path` cannot be used as a program file, or None if it can (it is opened, not read).

    A symbolic link is judged by what it points to.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISDIR(mode):
        return None
    if not stat.S_ISREG(mode):
        return not_regular(mode)
    try:
        os.close(_open(path))
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    return None
