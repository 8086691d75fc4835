"""Stage 6, publish: build into a temporary folder next to the site and swap it in.

A failed or interrupted build leaves the previous site exactly as it was. A folder the tool
did not create (no marker file) is never deleted or overwritten.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

MARKER = ".mentoring-site-output"


class UsageError(Exception):
    """A wrong command-line request (as opposed to a mistake in the program's files)."""


def check_site_dir(program_root: Path, site_dir: Path) -> None:
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
            f"(no {MARKER} file); remove it yourself or choose another --site-dir"
        )


@contextlib.contextmanager
def staging(site_dir: Path) -> Iterator[Path]:
    """Yield an empty folder to build into; on success it replaces `site_dir`."""
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.new-", dir=site_dir.parent))
    try:
        yield tmp
        (tmp / MARKER).write_text("Built by mentoring-site; safe to delete.\n", encoding="utf-8")
        old = None
        if site_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.old-", dir=site_dir.parent))
            site_dir.rename(old / "site")
        tmp.rename(site_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
