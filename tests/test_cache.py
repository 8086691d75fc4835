"""The PDF cache lives outside the program and trusts nothing inside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mentoring_site import cache
from mentoring_site.cli import main
from mentoring_site.program import load_program
from mentoring_site.worksheets import plan


def test_entries_round_trip_privately(tmp_path: Path) -> None:
    folder = tmp_path / "c" / "worksheets"
    cache.put(folder, "ab" * 32, b"%PDF-1.7 one")
    assert cache.get(folder, "ab" * 32) == b"%PDF-1.7 one"
    assert cache.get(folder, "cd" * 32) is None
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert oct((folder / f"{'ab' * 32}.pdf").stat().st_mode & 0o777) == "0o600"


def test_a_symlinked_entry_is_never_read(tmp_path: Path) -> None:
    folder = tmp_path / "worksheets"
    folder.mkdir()
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.7 not yours")
    (folder / f"{'ab' * 32}.pdf").symlink_to(secret)
    assert cache.get(folder, "ab" * 32) is None


def test_a_fifo_entry_does_not_hang(tmp_path: Path) -> None:
    folder = tmp_path / "worksheets"
    folder.mkdir()
    os.mkfifo(folder / f"{'ab' * 32}.pdf")
    assert cache.get(folder, "ab" * 32) is None


def test_keys_cannot_name_other_files(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        cache.get(tmp_path, "../../etc/passwd")


def test_pruning_removes_only_old_entries_of_ours(tmp_path: Path) -> None:
    folder = tmp_path / "worksheets"
    cache.put(folder, "ab" * 32, b"old")
    cache.put(folder, "cd" * 32, b"new")
    (folder / "notes.txt").write_text("not ours")
    old = folder / f"{'ab' * 32}.pdf"
    os.utime(old, (1_000_000, 1_000_000))
    assert cache.prune(folder) == 1
    assert sorted(p.name for p in folder.iterdir()) == [f"{'cd' * 32}.pdf", "notes.txt"]


def test_pruning_skips_entries_another_build_removed_meanwhile(tmp_path: Path, monkeypatch) -> None:
    """Two builds share the user's cache: an entry may go between listing the folder and reading
    its age. Pruning goes on with the others, and closes its listing."""
    folder = tmp_path / "worksheets"
    for key in ("ab", "cd", "ef"):
        cache.put(folder, key * 32, b"old")
        os.utime(folder / f"{key * 32}.pdf", (1_000_000, 1_000_000))
    listed = os.scandir

    class Racing:
        def __init__(self, path: object) -> None:
            self.inner = listed(path)
            self.closed = False

        def __enter__(self) -> Racing:
            return self

        def __exit__(self, *exc: object) -> None:
            self.inner.close()
            self.closed = True

        def __iter__(self):
            for n, entry in enumerate(self.inner):
                if n == 0:
                    os.unlink(entry.path)  # the other build was first
                yield entry

    made: list[Racing] = []
    monkeypatch.setattr(cache.os, "scandir", lambda path: made.append(Racing(path)) or made[-1])
    assert cache.prune(folder) == 2
    assert list(folder.iterdir()) == [] and made[0].closed


def test_a_cache_file_planted_in_the_program_is_never_published(small: Path, tmp_path: Path) -> None:
    """A cloned repository may carry a PDF under the name the old in-program cache used."""
    jobs = plan(load_program(small))
    planted = small / ".mentoring-site" / "cache" / "worksheets"
    planted.mkdir(parents=True)
    for job in jobs:
        (planted / f"{job.key}.pdf").write_bytes(b"%PDF-1.7 /OpenAction /JavaScript planted")
    assert main(["build", str(small), "-q"]) == 0
    for pdf in (small / "site" / "worksheets").glob("*.pdf"):
        assert b"planted" not in pdf.read_bytes()
