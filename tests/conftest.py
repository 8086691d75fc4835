from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# Rendered PDFs are cached in the user's cache folder; tests use one of their own, shared by the
# run (entries are keyed by content, so sharing is safe) and never the developer's.
if "MENTORING_SITE_CACHE" not in os.environ:
    os.environ["MENTORING_SITE_CACHE"] = tempfile.mkdtemp(prefix="mentoring-site-test-cache-")


# The placeholders of the small program, as an unknown placeholder's message lists them.
KNOWN_PLACEHOLDERS = (
    "known: a_mentee*, a_mentor*, a_program_manager*, applications_close, applications_open, check_in_interval, "
    "check_in_length, closing_event, contact_email, contact_name, end, feedback_survey, first_meetings, kick_off, "
    "matching, meeting_interval, meeting_length, meeting_rhythm, meeting_when, mentee*, mentees*, mentor*, mentoring*, "
    "mentors*, mid_point_review, organisation, program, program_in_text*, program_manager*, program_managers*, "
    "program_word*, program_words*, start; * also with a capital, e.g. [[Mentor]]"
)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A copy of the small fixture program, free to edit."""
    target = tmp_path / "small"
    shutil.copytree(FIXTURES / "small", target)
    return target


@pytest.fixture
def full(tmp_path: Path) -> Path:
    """The small program with every optional key set (timeline, skipped days, time zone, the
    program word, applying, support services): a copy, free to edit."""
    target = tmp_path / "full"
    shutil.copytree(FIXTURES / "full", target)
    return target


def copy_default_program(target: Path) -> Path:
    """Copy the repository's default program (content, worksheets, mkdocs.yml) to `target`."""
    target.mkdir(parents=True)
    for name in ("content", "worksheets", "mkdocs.yml"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, target / name)
        else:
            shutil.copy2(src, target / name)
    return target


@pytest.fixture
def default_program(tmp_path: Path) -> Path:
    """A copy of the repository's default program (content and worksheets, built-in templates)."""
    return copy_default_program(tmp_path / "default")


@pytest.fixture(scope="session")
def default_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's default program, every language of it, built once for the whole run
    (`build`, worksheets and printed handbook included): the site folder of a copy. Tests only
    read it; one that changes the program or the site makes its own."""
    from mentoring_site.build import build

    root = copy_default_program(tmp_path_factory.mktemp("default-built") / "program")
    build(root)
    return root / "site"


def tree_digest(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def browser():
    """The system Chromium, driven by Playwright (skipped without it, failed in CI)."""
    from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
