"""Stage 6, publish: build into a temporary folder next to the site and swap it in.

A failed or interrupted build leaves the previous site exactly as it was. The tool writes or
deletes only what it can prove it made:

- no symbolic link is followed for a write or a delete: the target itself, and every folder
  on the way to it inside the program, must be a real folder (a cloned repository can carry
  a `site` or `.mentoring-site` link to anywhere);
- a folder that is not empty is replaced only if it holds the marker file of an earlier build;
- every temporary folder is named `.<site>.<kind>-<pid>-...` beside its target, so the next
  build recognises and removes those of builds that were killed (their process is gone).

A rebuild keeps what has not changed: after each publish, a record in the user's cache (never
in the site or the program) names the digest of each language's input (`engine.input_key`) and
every file of the site as published (size, modification time, inode). A language whose digest
is the same is copied from the published site (as hard links) instead of being built again, and
with every language the same the site is left as it is; but only while the site is exactly as
recorded: a file changed, added or removed there since, and everything is built again.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path

from . import cache

MARKER = ".mentoring-site-output"
MARKER_TEXT = "Built by mentoring-site; safe to delete.\n"
# Temporary folders beside a target: the new site, the previous one while it is swapped out,
# and the work folder holding the Markdown the site engine reads.
KINDS = ("new", "old", "work")


class UsageError(Exception):
    """A wrong command-line request (as opposed to a mistake in the program's files)."""


class NotAsPublished(Exception):
    """Parts of a site were to be kept as published, but the site is no longer exactly as
    recorded (changed by something else since it was looked at): nothing was changed."""


def link_on_the_way(program_root: Path, target: Path) -> Path | None:
    """The target itself if it is a symbolic link, else the first folder on the way to it
    inside the program that is one; None if there is none.

    Folders above the program are the user's own layout and may be links.
    """
    target = Path(os.path.abspath(target))
    if target.is_symlink():
        return target
    for base in (Path(os.path.abspath(program_root)), program_root.resolve()):
        if target.is_relative_to(base):
            current = base
            for part in target.relative_to(base).parts:
                current = current / part
                if current.is_symlink():
                    return current
            break
    return None


def check_site_dir(program_root: Path, site_dir: Path, *, option: str = "--site-dir") -> None:
    """Refuse a target the tool cannot prove it owns; `option` is how the user chose it."""
    instead = f" or choose another {option}" if option else ""
    link = link_on_the_way(program_root, site_dir)
    if link is not None:
        what = "it is" if link == Path(os.path.abspath(site_dir)) else f"{link} is"
        raise UsageError(
            f"refusing to write {site_dir}: {what} a symbolic link (to {os.readlink(link)}); "
            f"remove the link{instead}"
        )
    root, site = program_root.resolve(), site_dir.resolve()
    if site == root or root.is_relative_to(site):
        raise UsageError(f"refusing to publish into {site_dir}: it contains the program itself")
    for folder in ("content", "templates", "worksheets"):
        if site.is_relative_to(root / folder):
            raise UsageError(f"refusing to publish into {site_dir}: it is inside {folder}/")
    if site.exists() and not site.is_dir():
        raise UsageError(f"refusing to publish into {site_dir}: it is a file")
    if site.is_dir() and any(site.iterdir()) and not (site / MARKER).is_file():
        raise UsageError(
            f"refusing to replace {site_dir}: it was not made by mentoring-site "
            f"(no {MARKER} file); remove it yourself{instead}"
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


def alive(pid: int) -> bool:
    """Whether process `pid` is running (a folder named with it may belong to a live build)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(target: Path) -> None:
    """Temporary folders beside `target` of builds that were killed (their process is gone)
    are ours to remove; a link or a file of that name is left alone."""
    for leftover in target.parent.glob(f".{target.name}.*-*-*"):
        kind, _, rest = leftover.name.removeprefix(f".{target.name}.").partition("-")
        pid = rest.split("-", 1)[0]
        ours = kind in KINDS and pid.isdigit() and leftover.is_dir() and not leftover.is_symlink()
        if ours and int(pid) != os.getpid() and not alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _temporary(target: Path, kind: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.{kind}-{os.getpid()}-", dir=target.parent))


def scratch(target: Path) -> Path:
    """A private work folder beside `target`, for the caller to remove; one left by a caller
    that was killed is removed by the next call for the same `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    return _temporary(target, "work")


@contextlib.contextmanager
def workspace(target: Path) -> Iterator[Path]:
    """A private work folder beside `target`, removed afterwards (or by the next build, if
    this one is killed)."""
    work = scratch(target)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def begin(site_dir: Path) -> Path:
    """An empty folder beside `site_dir` to build into (see `finish` and `abandon`)."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(site_dir)
    tmp = _temporary(site_dir, "new")
    # mkdtemp makes a private (0700) folder; the site is for a web server to read, so give it
    # the permissions any new folder gets here.
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)
    return tmp


def finish(tmp: Path, site_dir: Path) -> None:
    """Mark `tmp` as ours and swap it in for `site_dir` in one step where the system allows
    it, so that at no moment is there no site, or half a site, even if the build is killed."""
    try:
        (tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        if site_dir.is_symlink():  # made while we were building: still not ours to replace
            raise UsageError(f"refusing to write {site_dir}: it became a symbolic link during the build")
        if not site_dir.exists():
            tmp.rename(site_dir)
        elif _exchange(tmp, site_dir):
            pass  # tmp now holds the previous site, removed below
        else:
            old = _temporary(site_dir, "old")
            site_dir.rename(old / "site")
            tmp.rename(site_dir)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        abandon(tmp)


def abandon(tmp: Path) -> None:
    """Remove a staging folder (a failed build's, or the previous site after a swap)."""
    if tmp.is_dir() and not tmp.is_symlink():
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def staging(site_dir: Path) -> Iterator[Path]:
    """Yield an empty folder to build into; on success it replaces `site_dir`."""
    tmp = begin(site_dir)
    try:
        yield tmp
    except BaseException:
        abandon(tmp)
        raise
    finish(tmp, site_dir)


RECORDS = "published"  # the cache folder of the records of what was published where


def _record_key(site_dir: Path) -> str:
    return hashlib.sha256(os.fsencode(site_dir)).hexdigest()


def _tree(site_dir: Path) -> dict[str, list[int]] | None:
    """Every file under `site_dir` as {relative path: [size, modification time, inode]}; None if
    it holds anything but files and folders (a link is never ours) or cannot be read."""
    tree: dict[str, list[int]] = {}
    folders = [""]
    try:
        while folders:
            rel = folders.pop()
            for entry in os.scandir(site_dir / rel):
                info = entry.stat(follow_symlinks=False)
                path = f"{rel}{entry.name}"
                if stat.S_ISDIR(info.st_mode):
                    folders.append(path + "/")
                elif stat.S_ISREG(info.st_mode):
                    tree[path] = [info.st_size, info.st_mtime_ns, info.st_ino]
                else:
                    return None
    except OSError:
        return None
    return tree


def remember(site_dir: Path, keys: dict[str, str]) -> None:
    """Record that `site_dir`, as it is now, was published from inputs with these digests (one a
    language); see the module's docstring."""
    tree = _tree(site_dir)
    if tree is None:
        return
    record = {"site": os.fsdecode(site_dir), "keys": keys, "tree": tree}
    with contextlib.suppress(OSError):  # without a record the next build only builds everything
        cache.put(cache.folder(RECORDS), _record_key(site_dir), json.dumps(record).encode(), suffix=".json")


def refresh(site_dir: Path) -> None:
    """Record `site_dir` as it is now, with the digests of its last publish: for `serve`, which
    puts each worksheet PDF into the published site once it is made. Keeping a language that way
    is safe: serve's input holds an empty stand-in for every PDF, in every build, so a language's
    digest does not depend on its PDFs, and after each build serve puts every PDF of that build
    in place again (a file that holds it already is left alone)."""
    data = cache.get(cache.folder(RECORDS), _record_key(site_dir), suffix=".json")
    with contextlib.suppress(ValueError, TypeError, KeyError):
        record = json.loads(data or b"")
        if record["site"] == os.fsdecode(site_dir):
            remember(site_dir, record["keys"])


def published(site_dir: Path) -> dict[str, str]:
    """The digests `site_dir` was last published from, one a language, if it is still exactly as
    published then (else none)."""
    data = cache.get(cache.folder(RECORDS), _record_key(site_dir), suffix=".json")
    if data is None:
        return {}
    try:
        record = json.loads(data)
    except ValueError:
        return {}
    if not isinstance(record, dict) or record.get("site") != os.fsdecode(site_dir):
        return {}
    keys = record.get("keys")
    if not isinstance(keys, dict) or record.get("tree") != _tree(site_dir):
        return {}
    return keys


def reuse(source: Path, target: Path, leave_out: Collection[str] = ()) -> None:
    """Copy the published folder `source` into `target` (made here), as hard links where the
    file system has them, leaving out the top-level names in `leave_out` and the marker."""
    skip = {MARKER, *leave_out}

    def copy(src: str, dst: str) -> None:
        try:
            os.link(src, dst, follow_symlinks=False)
        except OSError:
            shutil.copy2(src, dst, follow_symlinks=False)

    target.mkdir(parents=True, exist_ok=True)
    for entry in os.scandir(source):
        if entry.name in skip:
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.copytree(entry.path, target / entry.name, symlinks=True, copy_function=copy)
        else:
            copy(entry.path, os.fspath(target / entry.name))
