"""The printed handbook: one PDF per paper size, from the same pages as the site.

The default program is built once for this module (its booklets then come from the test cache
for every other test that builds it); what varies is tried on the small fixture, mostly on the
booklet's HTML, which is cheap, and laid out only where the PDF itself is the point.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from mentoring_site import booklet
from mentoring_site.build import Generated, build, generate
from mentoring_site.cli import main
from mentoring_site.pages import render_pages
from tests.conftest import copy_default_program

SIZES = {"a4": 842, "letter": 792}  # page heights in points
LEADER = re.compile(r"^(?P<title>.+?)\s*(?:\.\s*)+(?P<page>\d+)$")


@pytest.fixture(scope="module")
def default_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Generated]:
    """The default program, built once: (site folder, the build's generated output)."""
    root = copy_default_program(tmp_path_factory.mktemp("booklet") / "program")
    generated = build(root, root / "site")
    return root / "site", generated


def outline(reader: pypdf.PdfReader, items: list | None = None, depth: int = 0) -> list[tuple[int, str, int]]:
    """The bookmarks as (depth, title, page number from 1)."""
    out = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            out += outline(reader, item, depth + 1)
        else:
            out.append((depth, item.title, reader.get_destination_page_number(item) + 1))
    return out


def contents(reader: pypdf.PdfReader) -> list[tuple[str, int]]:
    """The table of contents as printed: (title, page), read from the pages before the first chapter."""
    entries: list[tuple[str, int]] = []
    for page in reader.pages[1:6]:
        lines = page.extract_text().splitlines()
        if not lines or (lines[0] != "Contents" and not LEADER.match(lines[0])):
            break
        held = ""
        for line in lines:
            match = LEADER.match(f"{held} {line}".strip())
            if match:
                entries.append((match["title"], int(match["page"])))
                held = ""
            elif line != "Contents" and not line.startswith(("Northwind", "Help:", "Page ")):
                held = f"{held} {line}".strip()  # a title wrapped onto two lines
    return entries


def expected_outline(generated) -> list[tuple[int, str]]:
    """The navigation, then the appendix of blank forms, as (depth, title)."""
    def walk(items: list, depth: int) -> list[tuple[int, str]]:
        out = []
        for entry in items:
            ((title, target),) = entry.items()
            out.append((depth, title))
            if isinstance(target, list):
                out += walk(target, depth + 1)
        return out

    sheets = [(1, s.title) for s in generated.program.worksheets]
    return [*walk(generated.config["nav"], 0), (0, "Appendix: worksheets to print"), *sheets]


@pytest.mark.parametrize("size", SIZES)
def test_default_build_publishes_a_tagged_booklet_per_size(default_built, size: str) -> None:
    site, _ = default_built
    reader = pypdf.PdfReader(site / f"handbook-{size}.pdf")
    assert round(float(reader.pages[0].mediabox.height)) == SIZES[size]
    assert len(reader.pages) > 60
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert reader.metadata.title == "Northwind Mentoring Program: handbook"
    assert "/AcroForm" not in root, "the appendix is for paper: no form fields"
    # Every page but the cover says where it is.
    assert f"Page 2 of {len(reader.pages)}" in reader.pages[1].extract_text()
    assert "Page 1 of" not in reader.pages[0].extract_text()
    # Linked from the home page and the worksheets page.
    assert f'href="handbook-{size}.pdf"' in (site / "index.html").read_text()
    assert f'href="../handbook-{size}.pdf"' in (site / "worksheets/index.html").read_text()


def test_bookmarks_mirror_the_navigation(default_built) -> None:
    site, generated = default_built
    reader = pypdf.PdfReader(site / "handbook-a4.pdf")
    found = [(depth, title) for depth, title, _ in outline(reader)]
    assert found == expected_outline(generated)
    titles = {title for _, title in found}
    for role in ("mentors", "mentees"):
        for practice in generated.program.practices[role]:
            assert practice.title in titles


@pytest.mark.parametrize("size", SIZES)
def test_contents_page_numbers_are_where_each_chapter_starts(default_built, size: str) -> None:
    site, generated = default_built
    reader = pypdf.PdfReader(site / f"handbook-{size}.pdf")
    listed = contents(reader)
    marks = outline(reader)
    assert [title for title, _ in listed] == [title for _, title, _ in marks]
    # Each page's own heading (its first Markdown line), then the blank forms' titles.
    headings = iter([generated.files[path].split("\n", 1)[0].removeprefix("# ")
                     for path in _nav_pages(generated.config["nav"])]
                    + [sheet.title for sheet in generated.program.worksheets])
    parts = _parts(generated)
    for (title, page), (depth, _, mark_page) in zip(listed, marks, strict=True):
        assert page == mark_page, f"{title!r}: the contents say page {page}, its bookmark {mark_page}"
        lines = reader.pages[page - 1].extract_text().splitlines()
        if (depth, title) in parts:
            assert lines[0] == title.upper(), f"section {title!r} does not open page {page}"
        else:
            # The first words of the page, after the section and kicker lines in capitals, are
            # the chapter's heading: it starts there, at the top.
            first = next(line for line in lines if not line.isupper())
            assert first == next(headings), f"{title!r} does not start on page {page}"


def _nav_pages(nav: list) -> list[str]:
    out = []
    for entry in nav:
        ((_, target),) = entry.items()
        out += _nav_pages(target) if isinstance(target, list) else [target]
    return out


def _parts(generated) -> set[tuple[int, str]]:
    parts = {(0, title) for entry in generated.config["nav"] for title, target in entry.items()
             if isinstance(target, list)}
    return parts | {(0, "Appendix: worksheets to print")}


def test_internal_links_jump_to_pages_of_the_document(default_built) -> None:
    site, _ = default_built
    reader = pypdf.PdfReader(site / "handbook-a4.pdf")
    names = reader.named_destinations
    targets = []
    for number, page in enumerate(reader.pages, 1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if "/Dest" in annot:
                name = str(annot["/Dest"])
                assert name in names, f"page {number}: link to {name!r}, which is nowhere"
                targets.append((number, name, reader.get_destination_page_number(names[name]) + 1))
            else:
                assert annot["/A"]["/S"] == "/URI", annot
    assert len(targets) > 300
    starts = {title: page for _, title, page in outline(reader)}
    home = starts["Home"]
    # The home page's link to the roles page lands on its first page; a worksheet's PDF link,
    # on its blank form in the appendix.
    assert (home, "ch-roles", starts["Roles and expectations"]) in targets
    marks = outline(reader)
    appendix = [title for _, title, _ in marks].index("Appendix: worksheets to print")
    form_page = next(page for _, title, page in marks[appendix:] if title == "Mentoring agreement")
    sheet_links = [t for t in targets if t[1] == "ws--agreement"]
    assert sheet_links and {t[2] for t in sheet_links} == {form_page}


def test_second_build_takes_the_booklets_from_the_cache(default_built) -> None:
    site, _ = default_built
    messages: list[str] = []
    again = build(site.parent, site, report=messages.append)
    assert again.stats["booklets_rendered"] == 0
    assert again.stats["booklets_recalled"] == 2  # not even their HTML was made again
    assert "Handbook: 2 PDFs (0 rendered, 2 unchanged)" in messages


def small_with_booklet(small: Path, extra: str = "") -> Path:
    yml = small / "content/program.yml"
    text = yml.read_text().replace("booklet: {enabled: false}", "booklet: {enabled: true}")
    yml.write_text(text + extra)
    return small


def booklet_html(root: Path) -> str:
    generated = generate(root, pdfs=False)
    pages = render_pages(generated.program, booklet_sizes=generated.program.paper_sizes)
    (job,) = booklet.plan(generated.program, pages, generated.files)
    return job.html


LINKS = [
    # (target written in content/pages/links.md, what the booklet's link becomes)
    ("roles.md", 'href="#ch-roles"'),
    ("mentors/index.md", 'href="#ch-mentors-index"'),
    ("mentors/", 'href="#ch-mentors-index"'),
    ("meetings.md#dates", 'href="#ch-meetings--dates"'),
    ("meetings.md#no-such-heading", 'href="#ch-meetings"'),
    ("#a-heading", 'href="#ch-links--a-heading"'),
    ("worksheets/plan-a4.pdf", 'href="#ws--plan"'),
    ("worksheets/plan.md#preview", 'href="#ws--plan"'),
    ("meetings.ics", 'href="https://guild.example/handbook/meetings.ics"'),
    ("https://example.org/a?b=1", 'href="https://example.org/a?b=1"'),
    ("mailto:robin@example.org", 'href="mailto:robin@example.org"'),
]


@pytest.mark.parametrize(("target", "expected"), LINKS)
def test_links_lead_inside_the_booklet_or_to_the_site(small: Path, target: str, expected: str) -> None:
    root = small_with_booklet(small, 'site: {url: "https://guild.example/handbook/"}\n')
    (root / "content/pages/links.md").write_text(f"# Links\n\n## A heading\n\nSee [the target]({target}).\n")
    html = booklet_html(root)
    assert f"<a {expected}>the target</a>" in html


def test_without_a_site_address_other_files_are_plain_text(small: Path) -> None:
    root = small_with_booklet(small)
    (root / "content/pages/links.md").write_text("# Links\n\nThe [calendar](meetings.ics) file.\n")
    assert "<p>The <a>calendar</a> file.</p>" in booklet_html(root)


def test_raw_html_is_cleaned_even_when_allowed(small: Path) -> None:
    root = small_with_booklet(small, "site: {allow_html: true}\n")
    (root / "content/pages/links.md").write_text(
        '# Links\n\n<p id="x" onclick="alert(1)">Hi<script>alert(2)</script></p>\n\n'
        '<a href="javascript:alert(3)">js</a> <img src="file:///etc/passwd" alt="p">\n'
    )
    html = booklet_html(root)
    chapter = html.split('id="ch-links"', 1)[1].split("</section>", 1)[0]
    assert "<p>Hi</p>" in chapter
    assert "<a>js</a>" in chapter and '<img alt="p">' in chapter
    for bad in ("onclick", "<script", "alert(", "javascript", "file:"):
        assert bad not in chapter, bad


def test_worksheet_pages_point_to_their_blank_form_instead_of_the_preview(small: Path) -> None:
    html = booklet_html(small_with_booklet(small))
    chapter = html.split('id="ch-worksheets-plan"', 1)[1].split("</section>", 1)[0]
    assert "ws-preview" not in chapter and "Preview" not in chapter
    assert 'The blank form, to print and fill in by hand, is in the appendix:\n<a href="#ws--plan">' in chapter
    assert html.count('<section class="chapter form level-2" id="ws--plan"') == 1


def test_appendix_can_be_left_out(small: Path) -> None:
    assert 'id="appendix"' in booklet_html(small_with_booklet(small))
    yml = small / "content/program.yml"
    yml.write_text(yml.read_text().replace("booklet: {enabled: true}", "booklet: {enabled: true, worksheets: false}"))
    html = booklet_html(small)
    assert 'id="appendix"' not in html and "ws--plan" not in html and 'class="form-ref"' not in html


def test_a_mistake_in_an_own_booklet_template_is_located(small: Path, capsys) -> None:
    root = small_with_booklet(small)
    (root / "templates/booklet").mkdir(parents=True)
    (root / "templates/booklet/booklet.css.j2").write_text("@page {\n  size: {{ paper }};\n}\n")
    assert main(["validate", str(root)]) == 2
    assert capsys.readouterr().err.splitlines()[0] == (
        "templates/booklet/booklet.css.j2:2:1: template error: 'paper' is undefined"
    )


def test_external_links_are_kept_and_printed_and_bytes_are_reproducible(
    small: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = small_with_booklet(small)
    (root / "content/pages/links.md").write_text("# Links\n\nRead [the guide](https://example.org/guide).\n")
    first = build(root, tmp_path / "one").files["handbook-a4.pdf"]
    monkeypatch.setenv("MENTORING_SITE_CACHE", str(tmp_path / "cold-cache"))
    messages: list[str] = []
    second = build(root, tmp_path / "two", report=messages.append).files["handbook-a4.pdf"]
    assert "Handbook: 1 PDF (1 rendered, 0 unchanged)" in messages
    assert first == second
    reader = pypdf.PdfReader(tmp_path / "two/handbook-a4.pdf")
    uris = [a.get_object()["/A"]["/URI"] for p in reader.pages for a in p.get("/Annots") or []
            if "/A" in a.get_object()]
    assert "https://example.org/guide" in uris
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Read the guide (https://example.org/guide)." in text


@pytest.mark.parametrize("how", ["flag", "key"])
def test_the_booklet_can_be_turned_off(small: Path, how: str) -> None:
    args = ["build", str(small), "-q"]
    if how == "flag":
        small_with_booklet(small)
        args.append("--no-booklet")
    # (the fixture's program.yml has booklet: {enabled: false})
    assert main(args) == 0
    site = small / "site"
    assert not list(site.glob("handbook-*"))
    assert "handbook-" not in (site / "index.html").read_text()
    assert "handbook-" not in (site / "worksheets/index.html").read_text()


def test_a_changed_file_or_page_makes_a_new_booklet_and_nothing_else_does(small: Path, tmp_path: Path) -> None:
    """An unchanged rebuild finds the booklet without making its HTML (by a digest of what it is
    made from); a new logo under the same name, or a changed page, is laid out again."""
    root = small_with_booklet(small, "branding:\n  logo: assets/logo.svg\n")
    (root / "assets").mkdir()
    logo = root / "assets/logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                    '<rect width="10" height="10"/></svg>')

    def rendered() -> tuple[int, int]:
        """(booklets laid out, booklets found without making their HTML)"""
        stats = build(root, tmp_path / "site").stats
        return stats["booklets_rendered"], stats["booklets_recalled"]

    assert rendered()[0] in (0, 1)  # 0: another test made this very booklet already
    assert rendered() == (0, 1)
    logo.write_text(logo.read_text().replace("<rect", '<rect fill="#123456"'))
    assert rendered() == (1, 0)
    assert rendered() == (0, 1)
    (root / "content/pages/extra.md").write_text("# Extra\n\nA changed page.\n")
    assert rendered() == (1, 0)
