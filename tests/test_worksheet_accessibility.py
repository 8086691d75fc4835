"""Worksheets for people who use assistive technology: every default worksheet, both sizes.

A screen reader follows the PDF's structure tree and tab order, not the drawing; so the fields
must appear there in the order the sheet defines them, which must also be the order they are
seen on the page (top to bottom, left to right), with tab order following the structure.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pytest

from mentoring_site.build import generate
from mentoring_site.program import LoadedProgram
from tests.conftest import REPO

@pytest.fixture(scope="module")
def default_pdfs() -> tuple[LoadedProgram, dict[str, bytes]]:
    generated = generate(REPO, booklet=False)  # the printed handbook is tested in test_booklet.py
    pdfs = {k: v for k, v in generated.files.items() if k.endswith(".pdf") and isinstance(v, bytes)}
    return generated.program, pdfs


def structure(reader: pypdf.PdfReader) -> tuple[list[str], list[Any]]:
    """Structure types in document order, and the widget annotations the tree points at."""
    types: list[str] = []
    widgets: list[Any] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif isinstance(node, dict):
            if node.get("/Type") == "/OBJR":
                widgets.append(node["/Obj"].get_object())
                return
            if "/S" in node:
                types.append(str(node["/S"]))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return types, widgets


def name(widget: Any) -> str:
    parent = widget.get("/Parent")
    return str((parent.get_object() if parent else widget)["/T"])


def test_every_worksheet_is_tagged_titled_and_in_reading_order(default_pdfs) -> None:
    program, pdfs = default_pdfs
    assert len(pdfs) == 2 * len(program.worksheets) == 22
    for sheet in program.worksheets:
        declared = [f.name for field in sheet.all_fields for f in field.form_fields(program.terms)]
        for size in program.paper_sizes:
            where = f"{sheet.id}-{size}.pdf"
            reader = pypdf.PdfReader(io.BytesIO(pdfs[f"worksheets/{where}"]))
            root = reader.trailer["/Root"]
            assert bool(root["/MarkInfo"]["/Marked"]), where
            assert root["/Lang"] == program.config.program.language, where
            assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]), where
            assert reader.metadata.title == f"{sheet.title} · {program.config.program.name}", where

            types, widgets = structure(reader)
            assert types.count("/H1") == 1, where
            assert types.count("/H2") == len(sheet.sections), where
            # Radio buttons are one field with a widget per choice: keep the first of each.
            in_tree = [n for i, n in enumerate(map(name, widgets)) if i == 0 or name(widgets[i - 1]) != n]
            assert in_tree == declared, f"{where}: structure order differs from the definition"

            page_of = {}
            for number, page in enumerate(reader.pages):
                assert page.get("/Tabs") == "/S", f"{where} page {number + 1}: tab order must follow structure"
                for annot in page.get("/Annots", []):
                    page_of[id(annot.get_object())] = number
            positions = []
            for widget in widgets:
                x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
                positions.append((page_of[id(widget)], -max(y0, y1), -min(y0, y1), min(x0, x1)))
            for before, after in zip(positions, positions[1:]):
                # one row: boxes that overlap vertically (a tick box sits centred beside a line)
                same_row = before[0] == after[0] and after[1] < before[2] and before[1] < after[2]
                in_order = before[0] < after[0] or (
                    before[0] == after[0] and (before[3] < after[3] if same_row else before[1] < after[1])
                )
                assert in_order, f"{where}: a field at {after} is read after one at {before}"


def test_every_field_is_labelled_by_its_visible_label(default_pdfs) -> None:
    program, pdfs = default_pdfs
    for sheet in program.worksheets:
        labels = {f.name: f.label for field in sheet.all_fields for f in field.form_fields(program.terms)}
        reader = pypdf.PdfReader(io.BytesIO(pdfs[f"worksheets/{sheet.id}-a4.pdf"]))
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        options = {f.name: f.options for field in sheet.all_fields for f in field.form_fields(program.terms)}
        seen: dict[str, int] = {}
        for widget in structure(reader)[1]:
            tooltip = str(widget.get("/TU") or widget["/Parent"].get_object().get("/TU"))
            if options[name(widget)]:  # a radio option: the question, then this option
                seen[name(widget)] = seen.get(name(widget), 0) + 1
                label = f"{labels[name(widget)]}: {options[name(widget)][seen[name(widget)] - 1]}"
                assert tooltip == label, (sheet.id, name(widget))
            else:
                assert tooltip == labels[name(widget)], (sheet.id, name(widget))
        for field in sheet.all_fields:
            label = getattr(field, "label", "")
            if label:
                assert " ".join(label.split()) in text, (sheet.id, label)
