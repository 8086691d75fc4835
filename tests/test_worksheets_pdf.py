"""Worksheet PDFs, tested by their structure: fields, flags, tooltips, sizes, tags, bytes."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest

from mentoring_site.errors import ProgramError
from mentoring_site.program import load_program
from mentoring_site.worksheets import render_worksheets

PRINT_FLAG = 4


def pdfs(root: Path, tmp_path: Path) -> dict[str, bytes]:
    files, _ = render_worksheets(load_program(root), tmp_path / "cache", workers=1)
    return files


def widgets(reader: pypdf.PdfReader) -> list[dict]:
    out = []
    for page in reader.pages:
        for annot in page.get("/Annots", []):
            obj = annot.get_object()
            parent = obj.get("/Parent")
            name = (parent.get_object() if parent else obj).get("/T")
            out.append({
                "name": str(name),
                "type": str(obj.get("/FT") or parent.get_object().get("/FT")),
                "tooltip": str(obj.get("/TU") or parent.get_object().get("/TU")),
                "flags": int(obj.get("/F", 0)),
            })
    return out


def test_fields_names_types_tooltips_and_print_flags(small: Path, tmp_path: Path) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdfs(small, tmp_path)["worksheets/plan-a4.pdf"]))
    found = widgets(reader)
    summary = sorted({(w["name"], w["type"], w["tooltip"]) for w in found})
    assert summary == sorted({
        ("topic", "/Tx", "Topic"),
        ("when", "/Tx", "Meeting date"),
        ("hopes", "/Tx", "What I hope to get"),
        ("areas_1", "/Btn", "Areas: Skills"),
        ("areas_2", "/Btn", "Areas: Network"),
        # One radio field per group; each of its widgets is announced with its own option.
        ("mode", "/Btn", "Where we meet: In person"),
        ("mode", "/Btn", "Where we meet: Online"),
        ("energy", "/Btn", "How ready I feel: 1, Not ready"),
        ("energy", "/Btn", "How ready I feel: 2"),
        ("energy", "/Btn", "How ready I feel: 3"),
        ("energy", "/Btn", "How ready I feel: 4"),
        ("energy", "/Btn", "How ready I feel: 5, Very ready"),
        ("steps_r1_step", "/Tx", "Steps, row 1: Step"),
        ("steps_r1_done", "/Btn", "Steps, row 1: Done"),
        ("steps_r2_step", "/Tx", "Steps, row 2: Step"),
        ("steps_r2_done", "/Btn", "Steps, row 2: Done"),
        ("sign_mentor_name", "/Tx", "Guide name"),
        ("sign_mentor_signature", "/Tx", "Guide signature"),
        ("sign_mentor_date", "/Tx", "Guide date"),
        ("sign_mentee_name", "/Tx", "Apprentice name"),
        ("sign_mentee_signature", "/Tx", "Apprentice signature"),
        ("sign_mentee_date", "/Tx", "Apprentice date"),
    })
    # 2 radio groups: 2 + 5 buttons
    assert len(found) == 15 + 2 + 5
    assert all(w["flags"] & PRINT_FLAG for w in found), "every field must print"
    multiline = reader.get_fields()["hopes"]
    assert int(multiline["/Ff"]) & 4096, "long answers are multi-line fields"


def test_field_list_matches_what_the_schema_declares(small: Path, tmp_path: Path) -> None:
    program = load_program(small)
    declared = {f.name: f.label for field in program.worksheets[0].all_fields for f in field.form_fields(program.terms)}
    reader = pypdf.PdfReader(io.BytesIO(pdfs(small, tmp_path)["worksheets/plan-a4.pdf"]))
    fields = reader.trailer["/Root"]["/AcroForm"]["/Fields"]
    actual = {str(f.get_object()["/T"]): str(f.get_object()["/TU"]) for f in fields}
    assert actual == declared


@pytest.mark.parametrize(("size", "box"), [("a4", (595, 842)), ("letter", (612, 792))])
def test_paper_sizes(small: Path, tmp_path: Path, size: str, box: tuple[int, int]) -> None:
    yml = small / "content/program.yml"
    yml.write_text(yml.read_text().replace("paper_sizes: [a4]", "paper_sizes: [a4, letter]"))
    reader = pypdf.PdfReader(io.BytesIO(pdfs(small, tmp_path)[f"worksheets/plan-{size}.pdf"]))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == box


def test_paper_size_can_be_restricted(small: Path, tmp_path: Path) -> None:
    assert sorted(pdfs(small, tmp_path)) == ["worksheets/plan-a4.pdf"]


def test_accessibility_metadata_and_text(small: Path, tmp_path: Path) -> None:
    reader = pypdf.PdfReader(io.BytesIO(pdfs(small, tmp_path)["worksheets/plan-a4.pdf"]))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert reader.metadata.title == "Meeting plan · Tiny Test Program"
    assert reader.metadata.author == "Test Guild"
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Tiny Test Program" in text
    assert "Fill this in before you meet your guide." in text
    assert f"Page 1 of {len(reader.pages)}" in text


def test_same_input_same_bytes(small: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = pdfs(small, tmp_path / "one")
    second = pdfs(small, tmp_path / "two")
    assert first == second


def test_unchanged_worksheets_come_from_cache(small: Path, tmp_path: Path) -> None:
    program = load_program(small)
    _, first = render_worksheets(program, tmp_path / "cache", workers=1)
    _, again = render_worksheets(program, tmp_path / "cache", workers=1)
    assert (first["rendered"], again["rendered"], again["cached"]) == (1, 0, 1)
    sheet = small / "worksheets/plan.yml"
    sheet.write_text(sheet.read_text().replace('"Topic"', '"Subject"'))
    _, changed = render_worksheets(load_program(small), tmp_path / "cache", workers=1)
    assert changed["rendered"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "/etc/hostname",
        "../outside.png",
        "http://127.0.0.1:9/logo.png",
        "https://example.org/font.woff2",
    ],
)
def test_fetcher_refuses_anything_outside_the_program(small: Path, tmp_path: Path, url: str) -> None:
    (small / "templates/worksheets").mkdir(parents=True)
    (small / "templates/worksheets/worksheet.css.j2").write_text(
        f'@import url("{url}");\nbody {{ color: black; }}\n'
    )
    (small.parent / "outside.png").write_bytes(b"\x89PNG")
    with pytest.raises(ProgramError) as caught:
        pdfs(small, tmp_path)
    (problem,) = caught.value.problems
    assert problem.file == "worksheets/plan.yml"
    assert "worksheet 'plan' (a4) asked for" in problem.message
    assert "which is outside the program" in problem.message


def test_fetcher_allows_files_inside_the_program(small: Path, tmp_path: Path) -> None:
    (small / "templates/worksheets").mkdir(parents=True)
    (small / "templates/extra.css").write_text("h1 { color: #000000; }")
    (small / "templates/worksheets/worksheet.css.j2").write_text('@import url("templates/extra.css");\n')
    assert "worksheets/plan-a4.pdf" in pdfs(small, tmp_path)


def test_a_long_table_continues_between_rows(default_program: Path, tmp_path: Path) -> None:
    sheet = default_program / "worksheets/meeting-log.yml"
    sheet.write_text(sheet.read_text().replace("rows: 8", "rows: 30").replace("rows: 12", "rows: 30"))
    files = {k: v for k, v in pdfs(default_program, tmp_path).items() if "meeting-log" in k}
    for path, data in files.items():
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages_of_row: dict[str, set[int]] = {}
        for number, page in enumerate(reader.pages):
            for annot in page.get("/Annots", []):
                cell = re.fullmatch(r"(\w+?)_r(\d+)_\w+", str(annot.get_object().get("/T")))
                if not cell:
                    continue  # not a table cell
                pages_of_row.setdefault(f"{cell[1]}_r{cell[2]}", set()).add(number)
        assert len(pages_of_row) == 60, path
        split = sorted(row for row, pages in pages_of_row.items() if len(pages) > 1)
        assert split == [], f"{path}: rows split across pages: {split}"
        # The first table starts on the first page, under the title, instead of leaving it empty.
        assert pages_of_row["meetings_r1"] == {0}, path
        assert len(reader.pages) <= 3, path


def test_relative_links_in_worksheet_text_do_not_become_file_links(small: Path, tmp_path: Path) -> None:
    sheet = small / "worksheets/plan.yml"
    sheet.write_text(sheet.read_text().replace(
        'intro: "', 'intro: "See [the notes](../extra.md) and [our site](https://example.org/x). ', 1))
    reader = pypdf.PdfReader(io.BytesIO(pdfs(small, tmp_path)["worksheets/plan-a4.pdf"]))
    targets = [annot.get_object()["/A"].get("/URI") for page in reader.pages for annot in page.get("/Annots", [])
               if annot.get_object().get("/Subtype") == "/Link"]
    assert targets == ["https://example.org/x"]
    assert "See the notes and our site." in reader.pages[0].extract_text().replace("\n", " ")


def test_changing_an_image_renders_again_however_it_is_named(small: Path, tmp_path: Path) -> None:
    from tests.conftest import REPO

    (small / "assets").mkdir()
    image = small / "assets/my plan.png"
    image.write_bytes((REPO / "docs/screenshot.png").read_bytes())
    sheet = small / "worksheets/plan.yml"
    sheet.write_text(sheet.read_text().replace('intro: "', 'intro: "![plan](assets/my%20plan.png?v=1) ', 1))
    cache = tmp_path / "cache"
    _, first = render_worksheets(load_program(small), cache, workers=1)
    _, again = render_worksheets(load_program(small), cache, workers=1)
    image.write_bytes((REPO / "examples/engineering-apprenticeship/assets/brightline.png").read_bytes())
    _, changed = render_worksheets(load_program(small), cache, workers=1)
    assert (first["rendered"], again["rendered"], changed["rendered"]) == (1, 0, 1)


@pytest.mark.parametrize("collector_on", [True, False])
def test_a_layout_in_this_process_leaves_the_cycle_collector_as_it_found_it(small: Path, collector_on: bool) -> None:
    """Layouts hold the collector off until their end (worksheets.collected_after); one run
    outside a worker (a single PDF, a pack) must not leave the caller's process without it, nor
    turn on one its caller had turned off, and the cycles a layout made are freed at its end."""
    import gc

    from mentoring_site.worksheets import layout_pdf, plan

    job = plan(load_program(small))[0]
    was = gc.isenabled()
    (gc.enable if collector_on else gc.disable)()
    try:
        pdf = layout_pdf(job)
        assert gc.isenabled() is collector_on
        assert gc.get_count()[0] < 700  # collected at the end: gen 0 is (nearly) empty
    finally:
        (gc.enable if was else gc.disable)()
    assert pypdf.PdfReader(io.BytesIO(pdf)).pages
