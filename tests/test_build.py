"""Building whole programs: the default handbook, the calendar, MkDocs strict, the plugin."""

from __future__ import annotations

import html
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from mentoring_site.build import build, generate
from mentoring_site.cli import main
from tests.conftest import REPO, tree_digest

MENTOR_IDS = ["break-the-ice", "set-expectations", "needs-and-goals", "contact-schedule",
              "listen-ask-offer-advise", "accountability", "open-doors", "learn-from-your-mentee"]
MENTEE_IDS = ["trust-and-respect", "lead-the-relationship", "realistic-goals", "come-prepared",
              "be-open", "challenge-your-mentor", "welcome-criticism", "appreciate"]
# In the order a pairing meets them, which is the order of the list and the navigation.
WORKSHEETS = ["getting-to-know-each-other", "agreement", "goals", "meeting-preparation",
              "meeting-log", "introductions-plan", "mid-point-check-in", "closing-reflection",
              "baseline-survey", "mid-point-survey", "end-survey"]


@pytest.fixture(scope="module")
def default_site(default_built: Path) -> Path:
    return default_built  # built once for the run (conftest)


def test_default_program_has_sixteen_practice_pages(default_site: Path) -> None:
    for role, ids in (("mentors", MENTOR_IDS), ("mentees", MENTEE_IDS)):
        for pid in ids:
            page = default_site / role / pid / "index.html"
            assert page.is_file(), f"{role}/{pid}/ is missing"
            html = page.read_text()
            for heading in ("What it is", "Why it matters", "How to do it", "Questions to ask",
                            "Pitfalls to avoid", "Worksheets for this practice"):
                assert heading in html, f"{role}/{pid}/ lacks {heading!r}"
            assert "-a4.pdf" in html, f"{role}/{pid}/ links no worksheet"


def test_default_program_has_the_other_pages(default_site: Path) -> None:
    for page in ("index.html", "roles/index.html", "mentors/index.html", "mentees/index.html",
                 "meetings/index.html", "worksheets/index.html", "program-managers/index.html",
                 "faq/index.html", "meetings.ics", "search/search_index.json"):
        assert (default_site / page).is_file(), page
    home = html.unescape((default_site / "index.html").read_text())  # Markdown hides emails in entities
    assert "Northwind Mentoring Program" in home
    assert "11 January 2027 to 25 June 2027" in home
    assert "mentoring@example.org" in home


def test_default_worksheets_published_in_both_sizes(default_site: Path) -> None:
    listing = (default_site / "worksheets/index.html").read_text()
    for sheet in WORKSHEETS:
        for size, height in (("a4", 842), ("letter", 792)):
            pdf = default_site / "worksheets" / f"{sheet}-{size}.pdf"
            assert pdf.is_file(), pdf.name
            assert f'href="{sheet}-{size}.pdf"' in listing
            reader = pypdf.PdfReader(pdf)
            assert round(float(reader.pages[0].mediabox.height)) == height
            assert reader.get_fields(), f"{pdf.name} has no form fields"
        assert (default_site / "worksheets" / sheet / "index.html").is_file()


def test_agreement_carries_the_meeting_rhythm(default_site: Path) -> None:
    reader = pypdf.PdfReader(default_site / "worksheets/agreement-a4.pdf")
    rhythm = "a 60-minute meeting every 2 weeks on Mondays at 16:00"
    # The field starts out filled in, on screen and (its appearance prints) on paper; the page
    # does not print the suggestion a second time.
    assert rhythm in str(reader.get_fields()["schedule"]["/V"])
    (widget,) = [a.get_object() for p in reader.pages for a in p.get("/Annots", []) if a.get_object().get("/T") == "schedule"]
    assert int(widget["/F"]) & 4 and b" Tj" in widget["/AP"]["/N"].get_object().get_data()
    assert "Suggested" not in " ".join(p.extract_text() for p in reader.pages)


def test_no_remote_assets(default_site: Path) -> None:
    for page in default_site.rglob("*.html"):
        html = page.read_text()
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html, page
        for attr in ('src="http', "href=\"http"):
            for chunk in html.split(attr)[1:]:
                url = chunk.split('"', 1)[0]
                assert attr.startswith("href"), f"{page}: remote src {url}"


def test_meeting_dates_table_and_calendar(full: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    files = generate(full, pdfs=False).files
    ics = files["meetings.ics"]
    assert isinstance(ics, str)
    # Meetings from the Monday after the kick-off (2 March) to 26 April, without 22 March and the
    # week of 5 April: 2 meetings and 4 check-ins; and 5 timeline moments (two are left out).
    assert ics.count("BEGIN:VEVENT") == 11
    assert "DTSTART;TZID=America/New_York:20270308T093000" in ics
    assert "SUMMARY:Tiny Test Program: Meeting 2 (closing meeting)" in ics
    assert "SUMMARY:Tiny Test Program: Kick-off and orientation" in ics
    assert "DTSTAMP:20231114T221320Z" in ics
    assert "20270322" not in ics and "20270405" not in ics
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    table = files["meetings.md"]
    assert "| 1 | 8 March 2027 | Monday | Meeting 1 | 45 minutes |" in table
    assert "| 2 | 15 March 2027 | Monday | Check-in | 10 minutes |" in table
    assert "22 March" not in table.split("## Dates")[1].split("No meetings")[0]


def test_mkdocs_build_strict_in_the_repository_root(tmp_path: Path, default_built: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "out")],
        cwd=REPO, env=env, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out/mentors/break-the-ice/index.html").is_file()
    assert (tmp_path / "out/worksheets/goals-letter.pdf").is_file()
    assert "Northwind Mentoring Program" in (tmp_path / "out/index.html").read_text()
    # The same site as `mentoring-site build`: every page, PDF and the theme's own styles and
    # scripts (which a plugin that replaced MkDocs' file list had dropped).
    listing = lambda site: sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())  # noqa: E731
    assert listing(tmp_path / "out") == listing(default_built)
    assert list((tmp_path / "out/assets/javascripts").glob("bundle.*.min.js"))
    assert "md-social__link" in (tmp_path / "out/index.html").read_text()  # the help link, from `extra`
    # mentoring-site build may take over a site that mkdocs build made
    assert main(["build", str(REPO), "-q", "--site-dir", str(tmp_path / "out")]) == 0


def test_published_site_is_readable_by_a_web_server(small: Path) -> None:
    old = os.umask(0o022)
    try:
        assert main(["build", str(small), "-q"]) == 0
    finally:
        os.umask(old)
    assert (small / "site").stat().st_mode & 0o777 == 0o755


def test_rebuild_replaces_site_completely(small: Path, capsys) -> None:
    assert main(["build", str(small), "-q"]) == 0
    (small / "content/pages/extra.md").unlink()
    assert main(["build", str(small), "-q"]) == 0
    assert not (small / "site/extra").exists()
    assert (small / "site/.mentoring-site-output").is_file()


def test_two_builds_give_identical_sites(small: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(small, tmp_path / "one")
    build(small, tmp_path / "two")
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    assert sorted(one) == sorted(two)
    differing = sorted(k for k in one if one[k] != two[k])
    assert differing == []


def test_worksheets_listed_in_their_order(default_site: Path) -> None:
    listing = (default_site / "worksheets/index.html").read_text()
    positions = [listing.index(f'href="{sheet}-a4.pdf"') for sheet in WORKSHEETS]
    assert positions == sorted(positions)
    nav = generate(REPO, pdfs=False).config["nav"]
    sheets = next(item["Worksheets"] for item in nav if isinstance(item, dict) and "Worksheets" in item)
    assert [next(iter(entry.values())) for entry in sheets[1:]] == [f"worksheets/{s}.md" for s in WORKSHEETS]


def test_worksheet_without_order_comes_after_ordered_ones(small: Path) -> None:
    sheet = (small / "worksheets/plan.yml").read_text()
    (small / "worksheets/agenda.yml").write_text(sheet.replace("id: plan", "id: agenda"))
    (small / "worksheets/zeta.yml").write_text(sheet.replace("id: plan", "id: zeta") + "order: 5\n")
    assert [s.id for s in generate(small, pdfs=False).program.worksheets] == ["zeta", "agenda", "plan"]


def test_quiet_and_verbose(small: Path, capsys) -> None:
    assert main(["build", str(small), "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["build", str(small)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Loaded 'Tiny Test Program': 4 practices, 1 worksheet, 1 extra page"
    assert out[1] == "Worksheets: 1 PDF (0 rendered, 1 unchanged)"
    assert out[2].startswith("Published 23 pages to ")


def test_terminology_reaches_pages_and_nav(small: Path, monkeypatch) -> None:
    files = generate(small, pdfs=False)
    nav = files.config["nav"]
    assert {"For guides": [{"Overview": "mentors/index.md"}, {"Say hello": "mentors/say-hello.md"},
                           {"Set a rhythm": "mentors/set-rhythm.md"}]} in nav
    assert "# Practices for apprentices" in files.files["mentees/index.md"]
    assert "Open warmly so the apprentice feels at ease." in files.files["mentors/say-hello.md"]


def test_killed_build_leaves_the_previous_site_whole(small: Path) -> None:
    """Kill -9 a build at several moments: the site is always the old one or the new one, whole."""
    import signal
    import subprocess
    import sys
    import time

    assert main(["build", str(small), "-q"]) == 0
    old = tree_digest(small / "site")
    yml = small / "content/program.yml"
    yml.write_text(yml.read_text().replace("Tiny Test Program", "Renamed Program"))
    outcomes = set()
    for n, delay in enumerate((0.3, 0.8, 1.3, 1.8, 2.5)):
        # A cold cache each time: the build takes long enough to kill.
        env = {**os.environ, "MENTORING_SITE_CACHE": str(small.parent / f"cold-cache-{n}")}
        proc = subprocess.Popen([sys.executable, "-m", "mentoring_site", "build", str(small), "-q"], env=env)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = tree_digest(small / "site")
        if now == old:
            outcomes.add("old")
        else:
            assert sorted(now) == sorted(old), f"killed after {delay} s: a half-built site"
            assert b"Renamed Program" in now["index.html"]
            outcomes.add("new")
    assert "old" in outcomes
    assert main(["build", str(small), "-q"]) == 0
    assert [p.name for p in small.iterdir() if p.name.startswith(".site.")] == []  # leftovers removed


@pytest.mark.parametrize(("minutes", "said"), [(60, "a 60-minute"), (80, "an 80-minute"),
                                               (8, "an 8-minute"), (18, "an 18-minute"), (45, "a 45-minute")])
def test_meeting_rhythm_reads_right(small: Path, minutes: int, said: str) -> None:
    program = small / "content/program.yml"
    program.write_text(program.read_text().replace("length_minutes: 45", f"length_minutes: {minutes}", 1))
    assert f"Meet as agreed: {said} meeting" in generate(small, pdfs=False).files["roles.md"]


def test_calendar_cannot_be_given_extra_lines(small: Path) -> None:
    program = small / "content/program.yml"
    program.write_text(program.read_text().replace(
        'name: "Tiny Test Program"', 'name: "Evil\\rEND:VEVENT\\rBEGIN:VEVENT\\rSUMMARY:Injected\\n"', 1))
    ics = generate(small, pdfs=False).files["meetings.ics"]
    lines = ics.split("\r\n")
    assert not [line for line in lines if "\r" in line or "\n" in line]
    assert "X-WR-CALNAME:Evil\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:Injected\\n" in ics
    # From the Monday after the kick-off (on start): 4 meetings and 4 check-ins; and 7 timeline
    # moments (the first meetings are meetings already)
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 4 + 4 + 7


def test_files_beside_extra_pages_are_published(small: Path) -> None:
    (small / "content/pages/img").mkdir()
    shutil.copy(REPO / "docs/screenshot.png", small / "content/pages/img/home.png")
    (small / "content/pages/tour.md").write_text("# Tour\n\n![The home page](img/home.png)\n", encoding="utf-8")
    assert main(["build", str(small), "-q"]) == 0
    assert (small / "site/img/home.png").read_bytes() == (REPO / "docs/screenshot.png").read_bytes()
    assert 'src="../img/home.png"' in (small / "site/tour/index.html").read_text()


def test_an_image_in_a_worksheets_text_shows_on_its_page_too(small: Path) -> None:
    """Worksheet images are program files (as the PDF reads them); the worksheet's page on the
    site shows the same image, published beside it."""
    from tests.test_fs_safety import PNG

    (small / "assets").mkdir()
    (small / "assets/diagram.png").write_bytes(PNG)
    sheet = small / "worksheets/plan.yml"
    sheet.write_text(sheet.read_text().replace('intro: "Fill this in before you meet your [[mentor]]."',
                                               'intro: "See ![the plan](assets/diagram.png)."'))
    assert main(["build", str(small), "-q", "--no-booklet"]) == 0
    page = (small / "site/worksheets/plan/index.html").read_text(encoding="utf-8")
    assert 'src="../assets/diagram.png"' in page
    assert (small / "site/worksheets/assets/diagram.png").read_bytes() == PNG


def _cold_multi(tmp_path: Path, monkeypatch, rel: str, old: str, new: str) -> Path:
    """The three-language fixture with one edit, built with an empty PDF cache."""
    program = tmp_path / "multi"
    shutil.copytree(REPO / "tests/fixtures/multi", program)
    edited = program / rel
    text = edited.read_text(encoding="utf-8")
    assert old in text
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    monkeypatch.setenv("MENTORING_SITE_CACHE", str(tmp_path / "cold-cache"))
    return program


def test_a_cold_build_publishes_every_pdf_laid_out_beside_mkdocs(tmp_path: Path, monkeypatch, capsys) -> None:
    """The PDFs of every language are laid out while MkDocs builds the pages, each with an empty
    stand-in in its place until then: the published site has every one whole, the same bytes
    as a build that found them all in the cache, and a page links each."""
    program = _cold_multi(tmp_path, monkeypatch, "content/program.yml", "booklet: {enabled: false}", "booklet: {}")
    assert main(["build", str(program)]) == 0
    assert capsys.readouterr().out.splitlines()[3:10] == [
        "Laying out 6 PDFs while the pages are built",
        "Worksheets: 1 PDF (1 rendered, 0 unchanged)", "Handbook: 1 PDF (1 rendered, 0 unchanged)",
        "Worksheets (es): 1 PDF (1 rendered, 0 unchanged)", "Handbook (es): 1 PDF (1 rendered, 0 unchanged)",
        "Worksheets (fr): 1 PDF (1 rendered, 0 unchanged)", "Handbook (fr): 1 PDF (1 rendered, 0 unchanged)",
    ]
    site = program / "site"
    made = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.pdf")}
    assert sorted(made) == sorted(f"{folder}{name}" for folder in ("", "es/", "fr/")
                                  for name in ("handbook-a4.pdf", "worksheets/plan-a4.pdf"))
    for name, data in made.items():
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), name
        assert len(pypdf.PdfReader(io.BytesIO(data)).pages) >= 1, name
    assert main(["build", str(program), "-q", "--site-dir", str(tmp_path / "again")]) == 0  # all from the cache
    assert {p.relative_to(tmp_path / "again").as_posix(): p.read_bytes()
            for p in (tmp_path / "again").rglob("*.pdf")} == made
    listing = (site / "es/worksheets/index.html").read_text(encoding="utf-8")
    assert 'href="plan-a4.pdf"' in listing


def test_a_mistake_in_another_language_stops_the_pdfs_already_started(tmp_path: Path, monkeypatch, capsys) -> None:
    """The default language's PDFs start before the other languages are made; a mistake in one
    of those ends the build at once, its workers with it, and publishes nothing."""
    import multiprocessing

    program = _cold_multi(tmp_path, monkeypatch, "content/practices/mentors.es.yml", "  - id: set-rhythm",
                          "  - id: set-rythm")
    assert main(["build", str(program), "-q"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "content/practices/mentors.es.yml:16:9: practices[2] \"Fija un ritmo\".id: no practice 'set-rythm' "
        "in content/practices/mentors.yml; did you mean 'set-rhythm'?",
        "1 problem found; nothing was changed.",
    ]
    assert not (program / "site").exists()
    assert multiprocessing.active_children() == []
