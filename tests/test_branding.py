"""Rebranding through configuration: colours, logo, words; and their errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mentoring_site.cli import main

P = "content/program.yml"


def set_branding(root: Path, lines: str) -> None:
    yml = root / P
    yml.write_text(yml.read_text() + "branding:\n" + lines)


def errors(root: Path, capsys) -> list[str]:
    assert main(["validate", str(root)]) == 2
    return capsys.readouterr().err.splitlines()[:-1]


def test_low_contrast_colour_names_the_pair_and_ratio(small: Path, capsys) -> None:
    set_branding(small, '  primary_color: "#77aadd"\n  accent_color: "#ffcc00"\n')
    assert errors(small, capsys) == [
        f"{P}:24:18: branding.primary_color: #77aadd (primary_color, behind white header text): "
        "contrast with white is 2.45:1, below the 4.5:1 that WCAG AA requires for text; choose a darker colour",
        f"{P}:25:17: branding.accent_color: #ffcc00 (accent_color, as text on white): "
        "contrast with white is 1.51:1, below the 4.5:1 that WCAG AA requires for text; choose a darker colour",
    ]


@pytest.mark.parametrize(
    ("value", "setup", "message"),
    [
        ("assets/none.svg", None, "'assets/none.svg' does not exist"),
        ("assets/fake.png", b"GIF89a not a png", "'assets/fake.png' is not a SVG or PNG image"),
        ("assets/huge.png", b"\x89PNG\r\n\x1a\n" + b"0" * 1_000_001, "'assets/huge.png' is 1000009 bytes; images may be at most 1000000 bytes"),
        ("../outside.svg", None, "'../outside.svg' points outside the program folder"),
        ("assets/link.svg", "symlink", "'assets/link.svg' points outside the program folder"),
        ("/etc/passwd", None, "'/etc/passwd' must be a path inside the program folder, e.g. assets/logo.svg"),
        ("file:///etc/passwd", None, "'file:///etc/passwd' must be a path inside the program folder, e.g. assets/logo.svg"),
        ("https://example.org/logo.svg", None, "'https://example.org/logo.svg' must be a path inside the program folder, e.g. assets/logo.svg"),
    ],
)
def test_bad_logo_is_an_error_at_its_line(small: Path, capsys, value: str, setup, message: str) -> None:
    (small / "assets").mkdir()
    (small.parent / "outside.svg").write_text("<svg/>")
    name = value.rsplit("/", 1)[-1]
    if isinstance(setup, bytes):
        (small / "assets" / name).write_bytes(setup)
    elif setup == "symlink":
        os.symlink(small.parent / "outside.svg", small / "assets" / name)
    set_branding(small, f'  logo: "{value}"\n')
    assert errors(small, capsys) == [f"{P}:24:9: branding.logo: {message}"]


def test_branding_reaches_site_and_worksheets(small: Path, capsys) -> None:
    import pypdf

    (small / "assets").mkdir()
    (small / "assets/logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#123456"/></svg>')
    set_branding(small, '  primary_color: "#123456"\n  accent_color: "#8b1a1a"\n  logo: assets/logo.svg\n  favicon: assets/logo.svg\n  footer: "Guild footer"\n')
    assert main(["build", str(small), "-q"]) == 0
    site = small / "site"
    css = (site / "assets/mentoring.css").read_text()
    assert "--md-primary-fg-color: #123456;" in css and "--md-accent-fg-color: #8b1a1a;" in css
    home = (site / "index.html").read_text()
    assert 'src="assets/logo.svg"' in home and 'href="assets/favicon.svg"' in home
    assert "Guild footer" in home
    assert (site / "assets/logo.svg").read_bytes() == (small / "assets/logo.svg").read_bytes()
    reader = pypdf.PdfReader(site / "worksheets/plan-a4.pdf")
    text = reader.pages[0].extract_text()
    assert "Guild footer" in text
    assert any("/XObject" in (page.get("/Resources") or {}) for page in reader.pages), "logo drawn"
