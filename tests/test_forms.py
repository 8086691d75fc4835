"""Worksheet forms, filled in as an organisation's own tool would, then looked at in two viewers.

Every default worksheet in both paper sizes: fill every text field, tick every box and pick a
radio option with pikepdf, render with poppler (`pdftoppm`) and PDFium (`pypdfium2`, form
rendering on), and compare each field's rectangle with the blank render: the typed text and the
ticks must be there, and typed lines must not cross the printed write-on rules. The structure
(names, radio groups, tooltips, appearances, font) and the file sizes are read from the PDFs.
"""

from __future__ import annotations

import io
import re
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2 as pdfium
import pytest
from pikepdf.form import Form
from PIL import Image, ImageChops

from mentoring_site import forms
from mentoring_site.build import generate
from tests.conftest import REPO

DPI = 72
LONG = "We meet every second Monday at the office, and talk about the next step of the plan. " * 3
SHORT = "Zoë Łukasiewicz-Ó'Brien, 14–25 Feb"  # noqa: RUF001 (an en dash, on purpose)
NAME_RULE = re.compile(r"[a-z][a-z0-9_]*")


@pytest.fixture(scope="module")
def default_pdfs() -> tuple[Any, dict[str, bytes]]:
    generated = generate(REPO, booklet=False)  # the printed handbook is tested in test_booklet.py
    pdfs = {k.removeprefix("worksheets/"): v for k, v in generated.files.items() if k.endswith(".pdf")}
    return generated.program, pdfs


def org_fill(pdf: bytes) -> bytes:
    """What a program's own tool does: pikepdf's form API, values only (it sets NeedAppearances,
    so each viewer draws the values itself, as it does while someone types)."""
    doc = pikepdf.open(io.BytesIO(pdf))
    form = Form(doc)
    for _, field in form.items():
        if hasattr(field, "checked"):
            field.checked = True
        elif hasattr(field, "selected"):
            field.options[1].select()
        else:
            field.value = LONG if field.is_multiline else SHORT
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def our_fill(pdf: bytes) -> bytes:
    """The forms stage's own filler: values with their appearance streams, no NeedAppearances."""
    blank = forms.Blank(pdf)
    values: dict[str, str | bool] = {}
    for name, info in blank.fields.items():
        values[name] = {"checkbox": True, "radio": info.states[1] if info.states else "", "multiline": LONG}.get(
            info.kind, SHORT)
    return forms.fill(pdf, values, blank)


def poppler(pdf: bytes) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "in.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", "in.pdf", "p"], cwd=tmp, check=True,
                       capture_output=True)
        return [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("p-*.png"))]


def pdfium_render(pdf: bytes) -> list[Image.Image]:
    doc = pdfium.PdfDocument(pdf)
    doc.init_forms()  # before loading pages: draw form fields as a viewer does
    images = [page.render(scale=DPI / 72, may_draw_forms=True).to_pil().convert("L") for page in doc]
    doc.close()
    return images


def widgets(pdf: bytes) -> list[tuple[int, str, str, tuple[float, float, float, float], float]]:
    """(page, field name, kind, rect, page height) for every widget; a radio option's kind is
    "option <n>" (n counting from 0)."""
    doc = pikepdf.open(io.BytesIO(pdf))
    out = []
    for number, page in enumerate(doc.pages):
        height = float(page.mediabox[3])
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") != "/Widget":
                continue
            field = annot.get("/Parent", annot)
            kind = {"/Tx": "text", "/Btn": "button"}[str(field.FT)]
            if kind == "text" and int(field.get("/Ff", 0)) & forms.MULTILINE:
                kind = "multiline"
            if "/Parent" in annot:
                kind = f"option {[k.objgen for k in field.Kids].index(annot.objgen)}"
            out.append((number, str(field.T), kind, tuple(float(v) for v in annot.Rect), height))
    return out


def box(rect: tuple[float, ...], page_height: float) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = rect
    s = DPI / 72
    return (round(min(x0, x1) * s), round((page_height - max(y0, y1)) * s),
            round(max(x0, x1) * s), round((page_height - min(y0, y1)) * s))


def changed(blank: Image.Image, filled: Image.Image, area: tuple[int, int, int, int]) -> Image.Image:
    diff = ImageChops.difference(blank.crop(area), filled.crop(area))
    return diff.point(lambda v: 255 if v > 60 else 0)


def rule_rows(blank: Image.Image, area: tuple[int, int, int, int]) -> list[int]:
    """Rows of `area` where the blank page prints a write-on rule (a long grey line)."""
    crop = blank.crop(area)
    width, data = crop.width, crop.tobytes()
    return [y for y in range(crop.height) if sum(v < 235 for v in data[y * width:(y + 1) * width]) > 0.6 * width]


def count(image: Image.Image, row: int | None = None) -> int:
    if row is not None:
        image = image.crop((0, row, image.width, row + 1))
    return image.histogram()[255]


def zapf_dingbats_installed() -> bool:
    """Whether fontconfig has a ZapfDingbats (URW's is called D050000L), as poppler needs."""
    if not shutil.which("fc-match"):
        return False
    family = subprocess.run(["fc-match", "-f", "%{family}", "ZapfDingbats"], capture_output=True, text=True,
                            check=False).stdout
    return "dingbats" in family.lower() or "d050000l" in family.lower()


@pytest.fixture(scope="module")
def renders(default_pdfs) -> dict[str, dict[str, list[Image.Image]]]:
    """Every worksheet, blank and filled both ways, in both renderers (rendered once)."""
    _, pdfs = default_pdfs
    out = {}
    for name, pdf in sorted(pdfs.items()):
        versions = {"blank": pdf, "org": org_fill(pdf), "ours": our_fill(pdf)}
        out[name] = {f"{how}-{engine}": render(data) for how, data in versions.items()
                     for engine, render in (("poppler", poppler), ("pdfium", pdfium_render))}
    return out


@pytest.mark.parametrize("how", ["org", "ours"])
@pytest.mark.parametrize("engine", ["poppler", "pdfium"])
def test_typed_text_and_ticks_show_and_never_cross_a_rule(default_pdfs, renders, how: str, engine: str) -> None:
    _, pdfs = default_pdfs
    # poppler redraws a ticked box from the machine's ZapfDingbats when a tool asks viewers to
    # redraw (NeedAppearances); desktops have it (URW base 35, with Ghostscript); CI installs it.
    buttons_drawn_by_viewer = how == "org" and engine == "poppler"
    skip_buttons = buttons_drawn_by_viewer and not zapf_dingbats_installed()
    missing, crossed, checked = [], [], 0
    for name, pdf in sorted(pdfs.items()):
        blank, filled = renders[name][f"blank-{engine}"], renders[name][f"{how}-{engine}"]
        for page, field, kind, rect, height in widgets(pdf):
            if kind in ("button", "option 0", "option 1") and skip_buttons:
                continue
            area = box(rect, height)
            diff = changed(blank[page], filled[page], area)
            checked += 1
            if kind.startswith("option") and kind != "option 1":
                if count(diff) >= 3:  # only the chosen option shows as chosen
                    missing.append(f"{name} {field} {kind} is shown chosen")
            elif count(diff) < 3:
                missing.append(f"{name} {field}")
            if kind == "multiline":
                width = area[2] - area[0]
                for row in rule_rows(blank[page], area):
                    if count(diff, row) > 0.01 * width:
                        crossed.append(f"{name} {field} row {row}: {count(diff, row)} px")
    assert checked > 300
    assert missing == [], f"{engine}/{how}: values not shown: {missing[:10]}"
    assert crossed == [], f"{engine}/{how}: typed lines cross the rules: {crossed[:10]}"
    if skip_buttons:
        pytest.skip("text checked; no ZapfDingbats font here for poppler's own ticks (CI installs fonts-urw-base35)")


def fields_of(doc: pikepdf.Pdf) -> list[pikepdf.Object]:
    return list(doc.Root.AcroForm.Fields)


def test_names_radio_groups_tooltips_and_appearances(default_pdfs) -> None:
    program, pdfs = default_pdfs
    for sheet in program.worksheets:
        declared = {f.name: f for field in sheet.all_fields for f in field.form_fields(program.terms)}
        for size in program.paper_sizes:
            where = f"{sheet.id}-{size}.pdf"
            doc = pikepdf.open(io.BytesIO(pdfs[where]))
            acro = doc.Root.AcroForm
            assert "/NeedAppearances" not in acro, where
            font = acro.DR.Font[forms.FONT_RESOURCE]
            assert "/FontFile2" in font.DescendantFonts[0].FontDescriptor, where
            names = [str(f.T) for f in acro.Fields]
            assert names == list(declared), f"{where}: the fields, in order, are the declared ones"
            assert [n for n in names if not NAME_RULE.fullmatch(n)] == [], where
            for f in acro.Fields:
                label = declared[str(f.T)].label
                assert str(f.TU) == label, where
                if declared[str(f.T)].kind == "radio":
                    options = declared[str(f.T)].options
                    assert int(f.Ff) & forms.RADIO and len(f.Kids) == len(options), where
                    for number, (kid, option) in enumerate(zip(f.Kids, options, strict=True), 1):
                        assert "/T" not in kid, f"{where}: a radio option is not a field of its own"
                        assert str(kid.TU) == f"{label}: {option}", where
                        assert sorted(kid.AP.N.keys()) == sorted([f"/{number}", "/Off"]), where
                elif declared[str(f.T)].kind == "checkbox":
                    assert sorted(f.AP.N.keys()) == ["/Off", "/Yes"], where
                    assert " Tf " in str(f.DA) and str(f.DA).endswith(" rg"), where
                else:
                    assert isinstance(f.AP.N, pikepdf.Stream), where
                    da = str(f.DA)
                    assert da.startswith(f"{forms.FONT_RESOURCE} ") and da.endswith(" rg"), where
                    assert " gs" not in da, f"{where}: no transparency in the default appearance"
                    if declared[str(f.T)].kind == "text":
                        assert " 0 Tf " in da, f"{where}: single-line text shrinks to fit"


def test_a_suggested_value_is_the_field_value_and_printed_once(default_pdfs) -> None:
    program, pdfs = default_pdfs
    pdf = pdfs["agreement-a4.pdf"]
    rhythm = program.facts["meeting_rhythm"]
    doc = pikepdf.open(io.BytesIO(pdf))
    (schedule,) = [f for f in fields_of(doc) if str(f.T) == "schedule"]
    assert str(schedule.V) == rhythm
    assert b"Tj" in schedule.AP.N.read_bytes(), "the pre-filled value has its appearance"
    import pypdf

    page_text = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Suggested" not in page_text
    assert rhythm[:30] not in page_text, "the page itself does not print the value a second time"


def test_sizes(default_pdfs) -> None:
    program, pdfs = default_pdfs
    sizes = {name: len(data) for name, data in pdfs.items()}
    assert len(sizes) == len(program.worksheets) * len(program.paper_sizes)
    assert statistics.median(sizes.values()) <= 110_000, sizes
    assert max(sizes.values()) <= 160_000, sizes


@pytest.mark.parametrize(
    ("language", "extra", "shown"),
    [
        ("en", "", "Zoë Łukasiewicz-Ó'Brien – “quoted” 14–25 €"),  # noqa: RUF001
        ("en", "Δήμητρα Ξανθοπούλου", "Δήμητρα Ξανθοπούλου"),
        ("ru", "", "Анна Кузнецова"),
        ("ro", "", "Ștefan Țurcanu"),
    ],
)
def test_the_form_font_holds_the_languages_characters(language: str, extra: str, shown: str) -> None:
    font = forms.form_font(forms.characters(language, "", extra))
    assert font.missing(shown) == ""


def test_characters_no_font_can_show_are_an_error(small: Path) -> None:
    from mentoring_site.program import load_program
    from mentoring_site.worksheets import layout_pdf, plan

    job = plan(load_program(small))[0]
    laid_out = layout_pdf(job)
    with pytest.raises(forms.UncoveredCharacters) as caught:  # a roster's names, say
        forms.finish(laid_out, job.sheet, language="en", extra_characters="Ada Łucja 漢字")
    assert (str(caught.value), caught.value.characters) == ("the form font cannot show '漢字'", "漢字")
    blank = forms.Blank(forms.finish(laid_out, job.sheet, language="en", extra_characters="Δήμητρα"))
    assert blank.missing("Zoë Łukasiewicz-Ó'Brien Δήμητρα") == ""
    with pytest.raises(forms.UncoveredCharacters) as caught:
        blank.appearance(blank.fields["topic"], "Ada 漢字")
    assert str(caught.value) == "the form font cannot show '漢字'"


def test_form_field_names_that_would_clash_are_an_error(small: Path, capsys) -> None:
    from mentoring_site.cli import main

    sheet = small / "worksheets/plan.yml"
    sheet.write_text(sheet.read_text().replace(
        '{type: text, id: topic, label: "Topic", help: "One line"}',
        '{type: text, id: areas_2, label: "Topic", help: "One line"}'))
    assert main(["validate", str(small)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "worksheets/plan.yml:7:1: sections: fields 'areas_2' and 'areas' both make a PDF form field named "
        "'areas_2'; rename one of them",
        "1 problem found; nothing was changed.",
    ]


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_typing_in_pdfium_lands_on_the_rules(default_pdfs, size: str) -> None:
    """Typed as a person types in Chrome: click into each field of the agreement, type, leave it."""
    import pypdfium2.raw as raw

    _, pdfs = default_pdfs
    pdf = pdfs[f"agreement-{size}.pdf"]
    blank = pdfium_render(pdf)
    doc = pdfium.PdfDocument(pdf)
    doc.init_forms()
    pages = [doc[i] for i in range(len(doc))]
    typed = [w for w in widgets(pdf) if w[2] in ("text", "multiline")]
    for page, _, kind, (x0, y0, x1, y1), _ in typed:
        x, y = (x0 + x1) / 2, (y0 + y1) / 2
        raw.FORM_OnMouseMove(doc.formenv.raw, pages[page].raw, 0, x, y)
        raw.FORM_OnLButtonDown(doc.formenv.raw, pages[page].raw, 0, x, y)
        raw.FORM_OnLButtonUp(doc.formenv.raw, pages[page].raw, 0, x, y)
        for char in LONG if kind == "multiline" else "Zoë O'Brien, 14 Feb":
            raw.FORM_OnChar(doc.formenv.raw, pages[page].raw, ord(char), 0)
        raw.FORM_ForceToKillFocus(doc.formenv.raw)
    filled = [p.render(scale=DPI / 72, may_draw_forms=True).to_pil().convert("L") for p in pages]
    missing, crossed = [], []
    for page, field, kind, rect, height in typed:
        area = box(rect, height)
        diff = changed(blank[page], filled[page], area)
        if count(diff) < 3:
            missing.append(field)
        for row in rule_rows(blank[page], area) if kind == "multiline" else []:
            if count(diff, row) > 0.01 * (area[2] - area[0]):
                crossed.append(f"{field} row {row}")
    assert len(typed) == 18  # 17, and the email line the packs fill in
    assert (missing, crossed) == ([], [])
