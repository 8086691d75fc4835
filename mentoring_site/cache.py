"""The cache of rendered output (worksheet PDFs, and anything else slow to make).

It lives in the user's own cache folder, never in the program folder: a program may come
from someone else (a cloned repository can carry any file, or a symlink, under any name), so
nothing inside it is ever trusted as cached output or written through. Entries are named by a
SHA-256 key of everything that went into them, so programs can share the cache safely.

Where: `$MENTORING_SITE_CACHE` if set, else `$XDG_CACHE_HOME/mentoring-site`, else
`~/.cache/mentoring-site`. Folders are created private to the user (0700), entries are
written atomically, and no symlink is followed for a read, a write or a delete.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from pathlib import Path

KEY = re.compile(r"^[0-9a-f]{16,128}$")
# Entries not used for this long are removed when a build next writes to the same folder.
MAX_AGE_SECONDS = 30 * 24 * 3600


def root() -> Path:
    """The user's cache folder for this tool."""
    explicit = os.environ.get("MENTORING_SITE_CACHE")
    if explicit:
        return Path(explicit).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return (base / "mentoring-site").resolve()


def folder(kind: str) -> Path:
    """The folder of one kind of entry, e.g. folder("worksheets")."""
    return root() / kind


def _private_dir(path: Path) -> None:
    """Create `path` (and parents) as the user's own folders; refuse a symlink or a non-folder."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise OSError(f"cache folder {path} is not a plain folder")


def _check_key(key: str) -> None:
    if not KEY.match(key):
        raise ValueError(f"not a cache key: {key!r}")


def get(directory: Path, key: str, suffix: str = ".pdf") -> bytes | None:
    """The cached bytes for `key`, or None. A symlink or special file is never read."""
    _check_key(key)
    path = directory / f"{key}{suffix}"
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read()
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        os.utime(path, follow_symlinks=False)  # used now: kept by the age-based pruning
    return data


def put(directory: Path, key: str, data: bytes, suffix: str = ".pdf") -> None:
    """Store `data` under `key`: written to a private temporary file, then renamed into place."""
    _check_key(key)
    _private_dir(directory)
    tmp = directory / f".{key}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, directory / f"{key}{suffix}")
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def prune(directory: Path, *, max_age: float = MAX_AGE_SECONDS, now: float | None = None) -> int:
    """Remove entries not used for `max_age` seconds, and temporary files of killed writers.

    Only plain files whose names are ours are removed; nothing is followed through a link.
    Returns the number removed.
    """
    now = time.time() if now is None else now
    removed = 0
    try:
        info = directory.lstat()
    except OSError:
        return 0
    if not stat.S_ISDIR(info.st_mode):
        return 0
    try:
        listing = os.scandir(directory)
    except OSError:  # gone since: nothing to prune
        return 0
    with listing as entries:  # closed however the loop ends
        for entry in entries:
            name = entry.name
            ours = KEY.match(name.split(".", 1)[0]) or (name.startswith(".") and name.endswith(".tmp"))
            try:
                if not ours or not entry.is_file(follow_symlinks=False):
                    continue
                age = now - entry.stat(follow_symlinks=False).st_mtime
            except OSError:  # gone since it was listed: another build sharing the cache pruned it
                continue
            stale_tmp = name.endswith(".tmp") and age > 3600
            if age > max_age or stale_tmp:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed
