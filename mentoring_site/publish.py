"""Stage 6, publish: build into a temporary folder next to the site and swap it in.

A failed or interrupted build leaves the previous site exactly as it was. A folder the tool
did not create (no marker file) is never deleted or overwritten.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

MARKER = ".mentoring-site-output"


class UsageError(Exception):
    """A wrong command-line request (as opposed to a mistake in the program's files)."""


def check_site_dir(program_root: Path, site_dir: Path, *, other: str = "another --site-dir") -> None:
    """Refuse a target folder that holds the program or that the tool did not make.

    `other` is how the command at hand lets the user name another folder (`build` has
    --site-dir; `export` takes its folder as an argument).
    """
    root, site = program_root.resolve(), site_dir.resolve()
    if site == root or root.is_relative_to(site):
        raise UsageError(f"refusing to publish into {site_dir}: it contains the program itself")
    for folder in ("content", "templates", "worksheets"):
        if site.is_relative_to(root / folder):
            raise UsageError(f"refusing to publish into {site_dir}: it is inside {folder}/")
    if site.exists() and not site.is_dir():
        raise UsageError(f"refusing to publish into {site_dir}: it is a file")
    if site.is_dir() and any(site.iterdir()) and not (site / MARKER).exists():
        raise UsageError(
            f"refusing to replace {site_dir}: it was not made by mentoring-site "
            f"(no {MARKER} file); remove it yourself or choose {other}"
        )


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2 with RENAME_EXCHANGE).

    Returns False where the system or file system cannot; the caller then renames in two steps.
    """
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_leftovers(site_dir: Path) -> None:
    """Staging folders of builds that were killed (their process is gone) are ours to remove."""
    for leftover in site_dir.parent.glob(f".{site_dir.name}.*-*-*"):
        kind, _, rest = leftover.name.removeprefix(f".{site_dir.name}.").partition("-")
        pid = rest.split("-", 1)[0]
        if kind in ("new", "old") and pid.isdigit() and not _alive(int(pid)) and leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def staging(site_dir: Path) -> Iterator[Path]:
    """Yield an empty folder to build into; on success it replaces `site_dir`.

    The swap is a single atomic exchange where the system allows it, so that at no moment is
    there no site, or half a site, even if the build is killed.
    """
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(site_dir)
    pid = os.getpid()
    tmp = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.new-{pid}-", dir=site_dir.parent))
    # mkdtemp makes a private (0700) folder; the site is for a web server to read, so give it
    # the permissions any new folder gets here.
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)
    try:
        yield tmp
        (tmp / MARKER).write_text("Built by mentoring-site; safe to delete.\n", encoding="utf-8")
        if not site_dir.exists():
            tmp.rename(site_dir)
        elif _exchange(tmp, site_dir):
            pass  # tmp now holds the previous site, removed below
        else:
            old = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.old-{pid}-", dir=site_dir.parent))
            site_dir.rename(old / "site")
            tmp.rename(site_dir)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
