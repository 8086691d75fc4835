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
