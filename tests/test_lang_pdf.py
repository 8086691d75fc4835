"""Languages in the PDFs and calendars: each language's worksheets, packs and calendar."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pikepdf
import pytest

from mentoring_site import cache, forms, meetings, roster, worksheets
from mentoring_site.cli import main
from mentoring_site.errors import Problems
from mentoring_site.program import LoadedProgram, load_program
from tests.conftest import FIXTURES

# Typed and stamped text a Spanish program writes: every accented letter, ñ, ü and the opening marks.
SPANISH = "¿Qué año? ¡Sí! Íñigo, Begoña, pingüino: á é í ó ú ñ ü Á É Í Ó Ú Ñ Ü"


def spanish(root: Path) -> Path:
    """The small program as a Spanish one: its language, and the worksheet's words in Spanish."""
    config = root / "content" / "program.yml"
    text = config.read_text(encoding="utf-8").replace('name: "Tiny Test Program"', 'name: "Programa Mínimo"')
    config.write_text(text.replace("program:\n", "program:\n  language: es\n", 1), encoding="utf-8")
    sheet = root / "worksheets" / "plan.yml"
    text = sheet.read_text(encoding="utf-8")
    for english, translated in (
        ('"Meeting plan"', '"Plan de la reunión"'),
        ('"About this meeting"', '"Sobre esta reunión"'),
        ('label: "Topic", help: "One line"', f'label: "Tema", help: "Una línea", default: "{SPANISH}"'),
        ('"What I hope to get"', '"¿Qué espero conseguir?"'),
    ):
        assert english in text
        text = text.replace(english, translated)
    sheet.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def small_es(small: Path) -> Path:
    return spanish(small)


def shown_text(pdf: bytes) -> tuple[str, str]:
    """The text viewers draw, field appearances included: flattened, then as poppler (pdftotext)
    and PDFium read it."""
    import pypdfium2 as pdfium

    with pikepdf.open(io.BytesIO(pdf)) as doc, warnings.catch_warnings():
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)  # WeasyPrint's radio buttons (issue 10)
        doc.flatten_annotations("all")
        buffer = io.BytesIO()
        doc.save(buffer)
    flat = buffer.getvalue()
    poppler = subprocess.run(["pdftotext", "-", "-"], input=flat, capture_output=True, check=True).stdout.decode()
    document = pdfium.PdfDocument(flat)
    pdfium_text = " ".join(page.get_textpage().get_text_range() for page in document)
    return " ".join(poppler.split()), " ".join(pdfium_text.replace("\ufffe", "").split())


def one_sheet(program: LoadedProgram) -> bytes:
    pdfs, _ = worksheets.render_worksheets(program, cache.folder("worksheets"), workers=1)
    return pdfs["worksheets/plan-a4.pdf"]


def struct_langs(pdf: bytes) -> list[tuple[str, str]]:
    """(structure type, /Lang) of every tagged element that names its own language."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return sorted((str(o.S), str(o.Lang)) for o in doc.objects
                      if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem" and "/Lang" in o)


def test_a_spanish_worksheet_says_so_and_shows_spanish_typed_and_suggested(small_es: Path) -> None:
    program = load_program(small_es)
    pdf = one_sheet(program)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert str(doc.Root.Lang) == "es"
        values = {str(f.T): str(f.get("/V", "")) for f in doc.Root.AcroForm.Fields}
    assert values["topic"] == SPANISH  # the suggested value, pre-filled
    assert struct_langs(pdf) == []  # nothing fell back: the catalog's /Lang says it all
    typed = forms.fill(pdf, {"hopes": f"Línea uno: {SPANISH}"})
    with pikepdf.open(io.BytesIO(typed)) as doc:
        assert {str(f.T): str(f.get("/V", "")) for f in doc.Root.AcroForm.Fields}["hopes"] == f"Línea uno: {SPANISH}"
    for shown in shown_text(typed):  # poppler's and PDFium's reading
        assert "Plan de la reunión" in shown and "¿Qué espero conseguir?" in shown
        assert SPANISH in shown and f"Línea uno: {SPANISH}" in shown  # drawn from the form font, as typed


def test_text_that_fell_back_is_marked_in_the_html_and_the_tags() -> None:
    # worksheets/plan.es.yml translates the first two sections' titles and some fields, not
    # "hopes", "mode", the third section, its table and note.
    program = load_program(FIXTURES / "multi", language="es")
    html = worksheets.plan(program)[0].html
    assert re.findall(r"<[^<>]*lang=[^<>]*>", html) == [
        '<html lang="es">',
        '<div class="ws-field ws-long-text" lang="en">',
        '<fieldset class="ws-field ws-choice" lang="en">',
        '<span class="ws-how" lang="es">',  # our own words ("elige una"), inside the English field
        '<h2 class="ws-section-title" lang="en">',
        '<p class="ws-label" lang="en">',  # the table's label and its columns
        '<th scope="col" class="ws-col-large" lang="en">',
        '<th scope="col" class="ws-col-small ws-col-check" lang="en">',
        '<aside class="ws-field ws-note" lang="en">',
    ]  # (the signature's heading is the catalog's "Firmas": in the language, unmarked)
    # WeasyPrint writes the document's language only; ours reaches the tagged elements too.
    assert struct_langs(one_sheet(program)) == [
        ("/Div", "en"), ("/H2", "en"), ("/NonStruct", "en"), ("/NonStruct", "en"), ("/P", "en"),
        ("/Span", "es"), ("/TH", "en"), ("/TH", "en"),
    ]


def test_the_language_is_part_of_the_cache_key(small: Path) -> None:
    program = load_program(small)
    html = worksheets.plan(program)[0].html
    other = load_program(small)
    other.language = "es"
    assert worksheets._key(html, "a4", program) != worksheets._key(html, "a4", other)


@pytest.mark.parametrize(("language", "default", "suffix"), [
    ("en", "en", ""),  # the default language keeps the UIDs it always had
    ("es", "en", "-es"),
    ("pt-BR", "en", "-pt-br"),
    ("", "", ""),
])
def test_each_language_has_calendar_uids_of_its_own(language: str, default: str, suffix: str) -> None:
    program = load_program(FIXTURES / "small").config.program
    assert meetings.uid_base(program, language, default) == meetings.uid_base(program) + suffix


def test_the_calendar_titles_are_in_the_language(small_es: Path) -> None:
    import icalendar

    cal = icalendar.Calendar.from_ical(meetings.site_calendar(load_program(small_es), dt.datetime(2027, 1, 1)))
    titles = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert titles[:4] == ["Programa Mínimo: Reunión 1", "Programa Mínimo: Seguimiento 1",
                          "Programa Mínimo: Reunión 2 (revisión intermedia)", "Programa Mínimo: Seguimiento 2"]
    assert titles[6:8] == ["Programa Mínimo: Reunión 4 (reunión de cierre)", "Programa Mínimo: Seguimiento 4"]
    assert titles[11] == "Programa Mínimo: Sesión de lanzamiento y orientación"  # the timeline's moments follow


HEADER = "pair_id,mentor_name,mentor_email,mentee_name,mentee_email,language\n"


@pytest.fixture
def multi(tmp_path: Path) -> Path:
    """A copy of the fixture program in English, Spanish and French (Spanish partly translated,
    French only in program.yml)."""
    return Path(shutil.copytree(FIXTURES / "multi", tmp_path / "multi"))


@pytest.mark.parametrize(("cell", "expected"), [
    ("es", []),
    ("ES", []),  # codes are case-blind
    ("", []),
    ("de", ["content/roster.csv:2:53: language: 'de' is not a language of the program; its languages: en, es, fr "
            "(leave the cell blank for the first)"]),
    ("xx_1", ["content/roster.csv:2:53: language: 'xx_1' is not a language code; write e.g. en, de or en-GB"]),
])
def test_the_roster_language_is_one_of_the_programs(multi: Path, cell: str, expected: list[str]) -> None:
    path = multi / "content" / "roster.csv"
    path.write_text(HEADER + f"p1,Ana Silva,ana@example.org,Bo Chen,bo@example.org,{cell}\n", encoding="utf-8")
    program = load_program(multi)
    problems = Problems(multi)
    summary = roster.check(path, program.config, problems, languages=program.languages)
    assert [str(p) for p in problems.items] == expected
    if not expected:
        assert summary.languages == {"es" if cell else None}


def test_each_pair_gets_its_pack_in_its_language(multi: Path) -> None:
    import icalendar

    (multi / "content" / "roster.csv").write_text(
        HEADER + "p1,Íñigo Muñoz,inigo@example.org,Begoña Güell,begona@example.org,es\n"
        "p2,Ana Silva,ana@example.org,Bo Chen,bo@example.org,\n", encoding="utf-8")
    assert main(["packs", str(multi), "-q"]) == 0
    expected = {
        "p1": ("es", "Programa de Prueba: hojas de trabajo",
               "Programa de Prueba (Íñigo Muñoz y Begoña Güell): Reunión 1",
               ["Begoña Güell", "Íñigo Muñoz", "del 2 de marzo de 2027 al 13 de abril de 2027",
                "Certificado de finalización"]),
        "p2": ("en", "Tiny Test Program: worksheets", "Tiny Test Program (Ana Silva and Bo Chen): Meeting 1",
               ["Bo Chen", "Ana Silva", "2 March 2027 to 13 April 2027", "Certificate of completion"]),
    }
    for pair, (language, title, first_event, certificate_text) in expected.items():
        folder = multi / "packs" / pair
        for name in ("plan-a4.pdf", "pack-a4.pdf", "certificate-a4.pdf"):
            with pikepdf.open(folder / name) as doc:
                assert str(doc.Root.Lang) == language, name
        with pikepdf.open(folder / "pack-a4.pdf") as doc:
            assert str(doc.docinfo["/Title"]) == title
        certificate = (folder / "certificate-a4.pdf").read_bytes()
        with pikepdf.open(io.BytesIO(certificate)) as doc:
            values = {str(f.T): str(f.get("/V", "")) for f in doc.Root.AcroForm.Fields}
        assert [values["mentee_name"], values["mentor_name"], values["dates"]] == certificate_text[:3]
        for shown in shown_text(certificate):  # stamped, drawn with the stamping font
            assert all(text in shown for text in certificate_text), shown
        cal = icalendar.Calendar.from_ical((folder / "meetings.ics").read_bytes())
        assert str(next(iter(cal.walk("VEVENT")))["SUMMARY"]) == first_event
