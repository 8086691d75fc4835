"""The shipped examples and `mentoring-site new`, from a normal (non-editable) install."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import unicodedata
from pathlib import Path

import pypdf
import pytest

from mentoring_site.build import build
from tests.conftest import REPO

EXAMPLES = REPO / "examples"
# The default words for the roles, the activity and the program itself, as words.
DEFAULT_WORDS = re.compile(r"\b(mentors?|mentees?|programs?|program managers?|mentoring)\b", re.I)


# Names of works and organisations the about page credits: titles keep their own words.
CITED = re.compile(r"MENTOR's|Elements of Effective Practice for Mentoring|"
                   r"8 good practices for both mentors and mentees|mentoring-site")


def visible_text(page: Path) -> str:
    """The words a reader sees: no tags, attributes, scripts or URLs, and no cited titles."""
    text = page.read_text()
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    return CITED.sub(" ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


@pytest.fixture(scope="module")
def apprenticeship(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ex") / "engineering-apprenticeship"
    shutil.copytree(EXAMPLES / "engineering-apprenticeship", root)
    build(root, booklet=False)  # the printed handbook is tested in test_booklet.py
    return root / "site"


@pytest.fixture(scope="module")
def university(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ex") / "university-research"
    shutil.copytree(EXAMPLES / "university-research", root)
    build(root, booklet=False)  # the printed handbook is tested in test_booklet.py
    return root / "site"


def test_apprenticeship_uses_its_own_words_everywhere(apprenticeship: Path) -> None:
    pages = sorted(apprenticeship.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        found = DEFAULT_WORDS.findall(visible_text(page))
        assert not found, f"{page.relative_to(apprenticeship)} still says {found}"
    home = visible_text(apprenticeship / "index.html")
    assert "Brightline Engineering Apprenticeship" in home
    assert "Practices for guides" in home and "Practices for apprentices" in home
    nav = (apprenticeship / "mentors/index.html").read_text()
    assert "For guides" in nav and "For apprenticeship leads" in nav
    assert "Guidance agreement" in nav
    # URLs stay as they are, so links keep working.
    assert (apprenticeship / "mentees/realistic-goals/index.html").is_file()
    assert (apprenticeship / "first-week/index.html").is_file()


def test_apprenticeship_worksheets_are_letter_and_rebranded(apprenticeship: Path) -> None:
    pdfs = sorted((apprenticeship / "worksheets").glob("*.pdf"))
    assert pdfs and all(p.name.endswith("-letter.pdf") for p in pdfs)
    for pdf in pdfs:
        reader = pypdf.PdfReader(pdf)
        assert round(float(reader.pages[0].mediabox.width)) == 612
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert "Brightline Engineering Apprenticeship" in text
        assert not DEFAULT_WORDS.findall(text), f"{pdf.name} still says {DEFAULT_WORDS.findall(text)}"
        tooltips = " ".join(str(f.get("/TU", "")) for f in reader.get_fields().values())
        assert not DEFAULT_WORDS.findall(tooltips)
        plain = unicodedata.normalize("NFKC", text)  # the PDF sets "ffi" as a ligature
        assert "Help: Apprenticeship Office, https://intranet.brightline.example/apprenticeship" in plain
    css = (apprenticeship / "assets/mentoring.css").read_text()
    assert "#0b5563" in css and "#a4332a" in css
    home = (apprenticeship / "index.html").read_text()
    assert 'href="https://intranet.brightline.example/apprenticeship"' in home
    assert (apprenticeship / "assets/logo.png").is_file()


def test_university_example_is_distinct(university: Path) -> None:
    home = visible_text(university / "index.html")
    assert "Kestrel Research Mentoring Scheme" in home
    assert "Practices for researchers" in home
    assert "Brightline" not in home
    css = (university / "assets/mentoring.css").read_text()
    assert "#4b1d5e" in css
    assert (university / "assets/logo.svg").is_file()
    pdfs = sorted((university / "worksheets").glob("*.pdf"))
    assert pdfs and all(p.name.endswith("-a4.pdf") for p in pdfs)
    text = pypdf.PdfReader(pdfs[0]).pages[0].extract_text()
    assert "Kestrel Research Mentoring Scheme" in text


def test_new_then_build_from_a_wheel_install(tmp_path: Path) -> None:
    """Install the wheel (not editable) into a fresh venv and use it outside the repository."""
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir), str(REPO)],
        check=True, capture_output=True,
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    # Reuse this environment's dependencies (no download), but not its editable checkout:
    # lines of a .pth file are appended to sys.path after the venv's own site-packages.
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    (wheel,) = wheel_dir.glob("*.whl")
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, capture_output=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": ""}
    work = tmp_path / "elsewhere"
    work.mkdir()
    run = lambda *args: subprocess.run([str(py), "-m", "mentoring_site", *args], cwd=work, env=env,  # noqa: E731
                                       capture_output=True, text=True, check=False)
    made = run("new", "ours", "--name", "Our Scheme")
    assert made.returncode == 0, made.stderr
    program = (work / "ours/content/program.yml").read_text()
    assert 'name: "Our Scheme"' in program
    assert not re.search(r"Northwind|Okafor|northwind", program), "no sample details carried over"
    assert program.count("#") > 30, "program.yml explains its keys"
    located = subprocess.run([str(py), "-c", "import mentoring_site.assets as a; print(a.builtin_root())"],
                             cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    assert located.strip().endswith("site-packages/mentoring_site/_data"), located
    built = run("build", "ours", "-q", "--no-booklet")
    assert built.returncode == 0, built.stderr
    assert "Our Scheme" in (work / "ours/site/index.html").read_text()
    assert (work / "ours/site/worksheets/agreement-a4.pdf").is_file()
    again = run("new", "ours")
    assert again.returncode == 2
    assert again.stderr.strip() == "error: ours already exists and is not empty; choose a new folder"
